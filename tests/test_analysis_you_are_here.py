""" "You are here" on the opinion map: a member the map places sees her own dot ringed and
labelled, and a sentence saying which group she is in; nobody else's page shows it."""

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from analysis import queries, services
from analysis.compute_types import MIN_VOTES, Point
from analysis.models import MotionAnalysis
from debates.models import Vote
from tests.factories import UserFactory
from tests.test_analysis_pages import SIGNED_IN_PAGE_QUERIES, analysed, plant_debate


@pytest.fixture
def planted(db):
    return analysed()


def page(client, motion):
    response = client.get(reverse("analysis", args=[motion.slug]))
    assert response.status_code == 200
    return response.content.decode()


def group_of(motion, user):
    groups = MotionAnalysis.objects.get(motion=motion).result["groups"]
    (group,) = (g for g in groups if user.pk in g["members"])
    return group


def ring(html):
    """The centre of the ring round the viewer's dot, and the dot whose title says so."""
    (centre,) = re.findall(
        r'<g class="opinion-map__you" id="map-you"><circle cx="([\d.]+)" '
        r'cy="([\d.]+)"',
        html,
    )
    (dot,) = re.findall(
        r'<circle cx="([\d.]+)" cy="([\d.]+)" r="[\d.]+" fill="[^"]+" fill-opacity="0.8">'
        r"<title>(\d+) voters?(?: who voted alike)?, group (\d+): you are here</title>",
        html,
    )
    return centre, dot


def test_a_member_on_the_map_sees_her_own_dot_marked_and_her_group_named(client, planted):
    motion, _, camps = planted
    her = camps[0][0]
    group = group_of(motion, her)
    client.force_login(her)
    html = page(client, motion)
    centre, (x, y, count, number) = ring(html)
    assert centre == (x, y) and int(number) == group["id"] + 1
    # Marked by a ring and a word, not a colour alone, and told to screen readers too.
    assert re.search(r'id="map-you">.*<text [^>]*>You</text></g>', html)
    assert f"Your own dot, in group {number}, is ringed and labelled “You”.</desc>" in html
    sentence = re.sub(r"<[^>]+>", "", html.split('id="you-are-here">')[1].split("</p>")[0])
    others = group["size"] - 1
    alike = int(count) - 1
    assert sentence == (
        f"You are in group {number}: you voted much like its {others} other voters, and exactly "
        f"alike with {alike} of them, who share your dot. On the map, your dot is ringed and "
        "labelled “You”."
    )
    assert html.count("(your group)") == 1
    assert re.search(rf"Group {number}: \d+ voters <span[^>]*>\(your group\)", html)


def test_her_dot_is_the_one_she_shares_with_whoever_voted_exactly_as_she_did(planted):
    motion, _, camps = planted
    row = MotionAnalysis.objects.get(motion=motion)
    analysis = queries.analysis_of(row)
    places = dict(queries._places(analysis))
    for her in (camps[0][0], camps[1][5]):
        you = queries.report(motion, row, analysis, show_members=False, viewer_id=her.pk).you
        alike = [voter for voter, place in places.items() if place == places[her.pk]]
        assert you.dot.count == len(alike) and you.alike == len(alike) - 1
        assert (you.dot.x, you.dot.y, you.group_number - 1) == places[her.pk]
        assert you.group_number == group_of(motion, her)["id"] + 1


def test_each_member_sees_her_own_place_and_nobody_elses(client, planted):
    motion, _, camps = planted
    seen = {}
    for her in (camps[0][0], camps[1][0]):
        client.force_login(her)
        html = page(client, motion)
        assert html.count('id="map-you"') == 1 and html.count(": you are here</title>") == 1
        seen[her.pk] = ring(html)[1][3]
    assert len(set(seen.values())) == 2, "the camps are in different groups"
    client.logout()
    html = page(client, motion)
    assert "map-you" not in html and "you-are-here" not in html and "your group" not in html
    assert "you are here" not in html and "“You”" not in html


def test_the_page_is_never_stored_for_the_next_reader(client, planted):
    """The page is the viewer's own: no shared cache may keep it (config.freshness)."""
    motion, _, camps = planted
    client.force_login(camps[0][0])
    response = client.get(reverse("analysis", args=[motion.slug]))
    assert "no-store" in response["Cache-Control"]


def test_a_member_who_has_not_voted_is_told_why_she_is_not_on_the_map(client, planted, member):
    motion, _, _ = planted
    client.force_login(member)
    html = page(client, motion)
    assert "map-you" not in html and "your group" not in html
    assert "You are not on the map: you have not voted on this motion or its arguments." in html


def test_a_member_with_too_few_votes_is_told_so(client, db):
    motion, args, _ = plant_debate()
    few = UserFactory()
    Vote.objects.create(user=few, motion=motion, choice=Vote.Choice.AGREE)
    for name in ("pro0", "con0"):
        Vote.objects.create(user=few, argument=args[name], choice=Vote.Choice.AGREE)
    services.refresh(motion_id=motion.pk)
    client.force_login(few)
    html = page(client, motion)
    assert "map-you" not in html
    assert (
        f"You are not on the map: it places voters who have voted on at least {MIN_VOTES} claims "
        "(or on all they could), and you have voted on 3." in html
    )


def test_a_member_whose_votes_came_after_the_run_is_told_it_will_place_her(client, planted):
    motion, args, _ = planted
    late = UserFactory()
    Vote.objects.create(user=late, motion=motion, choice=Vote.Choice.AGREE)
    Vote.objects.create(user=late, argument=args["pro0"], choice=Vote.Choice.AGREE)
    client.force_login(late)
    html = page(client, motion)
    assert "map-you" not in html
    assert "You are not on the map yet: this analysis ran before your latest vote." in html


def test_without_a_map_there_is_nothing_to_say_about_her_place(client, db):
    motion, _, camps = analysed(camp_size=1)
    client.force_login(camps[0][0])
    html = page(client, motion)
    assert "map-you" not in html and "you-are-here" not in html


def test_the_label_stands_on_the_side_of_her_dot_with_room_for_it():
    # Three voters across the map: the scaling puts the first at its left edge, the last at its
    # right edge.
    points = (Point(1, 0.0, 0.0, 0), Point(2, 0.5, 0.0, 0), Point(3, 1.0, 0.0, 1))
    analysis = SimpleNamespace(
        points=points,
        group=lambda group: SimpleNamespace(size=2 if group == 0 else 1),
    )
    places = queries._places(analysis)
    dots = queries._map_dots(places)
    left = queries._you_on_map(places, dots, analysis, 1)
    right = queries._you_on_map(places, dots, analysis, 3)
    assert left.label_anchor == "start" and left.label_x > left.dot.x + left.ring_radius
    assert right.label_anchor == "end" and right.label_x < right.dot.x - right.ring_radius
    assert right.group_size == 1
    assert queries._you_on_map(places, dots, analysis, None) is None
    assert queries._you_on_map(places, dots, analysis, 99) is None


OFF_MAP_PAGE_QUERIES = 7  # the signed-in page less the arguments of personal cruxes: she has none


def test_the_marked_page_costs_constant_queries(client, db, django_assert_num_queries):
    for camp_size, slug in ((6, "small"), (20, "big")):
        motion, _, camps = analysed(camp_size=camp_size, slug=slug)
        for her in (camps[0][0], camps[1][-1]):
            client.force_login(her)
            with django_assert_num_queries(SIGNED_IN_PAGE_QUERIES):
                html = page(client, motion)
            assert 'id="map-you"' in html
        client.force_login(UserFactory())
        with django_assert_num_queries(OFF_MAP_PAGE_QUERIES):
            html = page(client, motion)
        assert "You are not on the map" in html


def test_the_dots_numbers_are_in_a_table_a_line_a_group(client, planted):
    """Pointing at a dot for its title needs a mouse: on a phone or by keyboard the numbers
    are in a table under the map, a line a group, and no dot is made focusable."""
    motion, _, _ = planted
    html = page(client, motion)
    groups = MotionAnalysis.objects.get(motion=motion).result["groups"]
    table = html.split('id="map-dots"')[1].split("</table>")[0]
    rows = re.findall(
        r'<tr><th scope="row"><svg [^>]*><rect [^>]*/></svg> <a href="#group-(\d+)">Group \1</a>'
        r"</th><td>(\d+)</td><td>(.*?)</td>",
        table,
    )
    assert [int(number) for number, _, _ in rows] == [g["id"] + 1 for g in groups]
    titles = re.findall(r"<title>(\d+) voters?(?: who voted alike)?, group (\d+)", html)
    for number, voters, sizes in rows:
        assert int(voters) == next(g["size"] for g in groups if g["id"] + 1 == int(number))
        drawn = sorted((int(c) for c, g in titles if g == number), reverse=True)
        listed = []
        for dots, size in re.findall(r"(\d+) dots? of (\d+) voters?", sizes):
            listed += [int(size)] * int(dots)
        assert listed == drawn
    assert "tabindex" not in html.split('<svg class="opinion-map__svg"')[1].split("</svg>")[0]
    assert "the table above gives each group's dots" in html


def test_the_dots_by_group_and_size():
    dot = queries.MapDot
    report = SimpleNamespace(
        groups=[SimpleNamespace(number=1, colour="a"), SimpleNamespace(number=2, colour="b")],
        dots=[
            dot(1, 1, "a", 1, 1),
            dot(2, 2, "a", 1, 6),
            dot(3, 3, "b", 2, 1),
            dot(4, 4, "a", 1, 1),
            dot(5, 5, "a", 1, 4),
        ],
    )
    assert queries.Report.group_dots.fget(report) == [
        queries.GroupDots(1, "a", 12, 4, ((6, 1), (4, 1), (1, 2))),
        queries.GroupDots(2, "b", 1, 1, ((1, 1),)),
    ]
