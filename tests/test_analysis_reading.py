"""What the Analysis page says reads true: votes as cast, one dot per place with its number,
each argument by where it stands on the motion, and every rule and figure in plain words."""

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from analysis import queries, services, views
from analysis.compute_types import Point
from analysis.models import MotionAnalysis
from debates.models import Stance, Vote
from tests.factories import ArgumentFactory, MotionFactory, UserFactory
from tests.test_analysis_pages import CAMP_SIZE, analysed, map_voters, plant_debate


@pytest.fixture
def planted(db):
    return analysed()


def page(client, motion, **params):
    response = client.get(reverse("analysis", args=[motion.slug]), params)
    assert response.status_code == 200
    return response.content.decode()


def listed(html, argument):
    """The text of the page's list items that link to `argument`, tags stripped."""
    items = re.findall(
        rf'<li><a href="{re.escape(argument.get_absolute_url())}">.*?</li>', html, re.S
    )
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip() for item in items]


# --- Votes as cast -------------------------------------------------------------------------------


def test_what_sets_a_group_apart_is_shown_as_the_votes_were_cast(client, planted):
    """Not the smoothed (a + 1)/(n + 2) the z-test uses: a group unanimous on a claim reads
    100%, never 93%."""
    motion, _, _ = planted
    stored = MotionAnalysis.objects.get(motion=motion)
    html = page(client, motion)
    groups = stored.result["groups"]
    other = "the other group" if len(groups) == 2 else "other groups"
    unanimous = 0
    for group in groups:
        section = html.split(f'id="group-{group["id"] + 1}"')[1].split('class="analysis-group"')[0]
        for row in group["representative"]:
            agree, votes = row["agree"], row["votes"]
            # The same counts as the group's tally the motion page's "view as group" shows.
            assert [agree, votes] == stored.group_votes[str(group["id"])][str(row["id"])]
            rest = f"{row['agree_rest']} of {row['votes_rest']} in {other}"
            figures = (
                f"({agree} of {votes} agree here, {round(100 * agree / votes)}%; {rest}, "
                f"{round(100 * row['agree_rest'] / row['votes_rest'])}%)"
            )
            assert figures in section
            unanimous += agree in (0, votes)
    assert unanimous, "with 5% noise some planted claim is unanimous in its group"
    assert re.search(r"\((\d+) of \1 agree here, 100%", html)


# --- The map -------------------------------------------------------------------------------------


def test_voters_who_voted_alike_share_one_dot_that_says_how_many():
    places = [(0.5, 0.5, 0)] * 6 + [(0.1, 0.9, 1), (0.9, 0.1, 1), (0.9, 0.1, 1)]
    points = tuple(Point(v, x, y, g) for v, (x, y, g) in enumerate(places, start=1))
    dots = queries._map_dots(queries._places(SimpleNamespace(points=points)))
    assert sorted((dot.count, dot.group_number) for dot in dots) == [(1, 2), (2, 2), (6, 1)]
    radius = {dot.count: dot.radius for dot in dots}
    # Area for number: six voters' dot is √6 times as wide as one voter's.
    assert radius[6] == pytest.approx(radius[1] * 6**0.5, abs=0.01)
    many = tuple(Point(v, 0.5, 0.5, 0) for v in range(1, 1001)) + points[-1:]
    assert max(
        dot.radius for dot in queries._map_dots(queries._places(SimpleNamespace(points=many)))
    ) == (queries.MAX_DOT_RADIUS)


def test_the_map_draws_one_dot_a_place_and_names_its_voters_number(client, planted):
    motion, _, _ = planted
    html = page(client, motion)
    circles = html.count("<circle")
    assert circles < 2 * CAMP_SIZE, "camps with little noise hold voters who voted alike"
    assert map_voters(html) == 2 * CAMP_SIZE
    assert re.search(r"<title>\d+ voters who voted alike, group \d</title>", html)
    assert f"{2 * CAMP_SIZE} voters in {circles} dots" in html
    assert "Each dot is one voter" not in html


# --- Where an argument stands on the motion ------------------------------------------------------


def chain(motion, stances):
    parent, made = None, []
    for stance in stances:
        parent = ArgumentFactory(motion=motion, parent=parent, stance=stance)
        made.append(parent)
    return made


def test_named_arguments_bear_on_the_motion_through_their_chain(db, django_assert_num_queries):
    motion = MotionFactory()
    con, con_of_con, pro_of_that = chain(motion, [Stance.CON, Stance.CON, Stance.PRO])
    pro, con_of_pro = chain(motion, [Stance.PRO, Stance.CON])
    deep = chain(motion, [Stance.CON] * 301)  # deeper than any recursion limit cares about
    wanted = [con, con_of_con, pro_of_that, pro, con_of_pro, deep[-1], deep[-2]]
    with django_assert_num_queries(1):
        found = queries.named_arguments(motion, [a.pk for a in wanted])
    bearing = {pk: (a.bearing, a.replies_to) for pk, a in found.items()}
    assert bearing == {
        con.pk: ("con", None),
        con_of_con.pk: ("pro", "con"),
        pro_of_that.pk: ("pro", "pro"),
        pro.pk: ("pro", None),
        con_of_pro.pk: ("con", "pro"),
        deep[-1].pk: ("con", "pro"),  # 301 cons in a row: the last is against the motion
        deep[-2].pk: ("pro", "con"),
    }


def test_cruxes_are_labelled_for_or_against_the_motion_not_by_their_parent(client, db):
    motion, args, camps = plant_debate()
    answer = args["con0"]  # against the motion: camp 1 agrees with it
    con_of_con = ArgumentFactory(motion=motion, parent=answer, stance=Stance.CON, claim="Reply A")
    pro_of_con = ArgumentFactory(motion=motion, parent=answer, stance=Stance.PRO, claim="Reply B")
    votes = []
    for side, camp in enumerate(camps):
        for voter in camp:
            for reply, agreeing_camp in ((con_of_con, 0), (pro_of_con, 1)):
                choice = "agree" if side == agreeing_camp else "disagree"
                votes.append(Vote(user=voter, argument=reply, choice=choice))
    Vote.objects.bulk_create(votes)
    services.refresh(motion_id=motion.pk)
    html = page(client, motion)

    cruxes_for = html.split('id="cruxes-for"')[1].split("</ul>")[0]
    cruxes_against = html.split('id="cruxes-against"')[1].split("</ul>")[0]
    assert (
        '<span class="bearing bearing--pro" title="A con reply to an argument against the motion">'
        "For the motion</span> <bdi>Reply A</bdi>" in cruxes_for
    )
    assert (
        '<span class="bearing bearing--con" title="A pro reply to an argument against the motion">'
        "Against the motion</span> <bdi>Reply B</bdi>" in cruxes_against
    )
    # A top-level argument's stance is its bearing: no tooltip to explain it.
    assert (
        f'<span class="bearing bearing--con">Against the motion</span> <bdi>{answer.claim}</bdi>'
        in cruxes_against
    )
    # Not the pro/con pill of a reply's stance: a bearing has a look of its own.
    assert "stance--" not in cruxes_for + cruxes_against


# --- Rules and figures in plain words ------------------------------------------------------------


def test_the_page_says_how_many_voters_voted_on_too_few_claims_to_be_placed(client, db):
    motion, _, _ = plant_debate()
    Vote.objects.create(user=UserFactory(), motion=motion, choice=Vote.Choice.AGREE)
    services.refresh(motion_id=motion.pk)
    html = page(client, motion)
    assert f"From the votes of {2 * CAMP_SIZE + 1} people" in html
    assert (
        f"The map and the groups count the {2 * CAMP_SIZE} people who voted on at least 7 "
        "claims, or on all they could; 1 voted on fewer and is left out." in html
    )


def test_everyone_placed_needs_no_such_line(client, planted):
    motion, _, _ = planted
    assert 'id="analysis-qualifying"' not in page(client, motion)


def test_cruxes_read_as_voters_alike_with_the_log_odds_explained(client, planted):
    motion, args, _ = planted
    stored = MotionAnalysis.objects.get(motion=motion).result["cruxes"]
    html = page(client, motion).split('id="cruxes-heading"')[1].split("</section>")[0]
    # Explained where it is asked for, not in the sentence everyone reads.
    how = html.split('<details class="analysis__how">')[1].split("</details>")[0]
    assert "measured by the log-odds ratio of the two votes: 0 means no link" in how
    assert "log-odds" not in html.split("<details")[0].lower()
    by_id = {argument.pk: argument for argument in args.values()}
    for crux in stored:
        if crux["kind"] != "argument":
            continue
        (text,) = listed(html, by_id[crux["id"]])[:1]
        if crux["log_odds"] > 0:
            figures = f"({crux['alike']} of {crux['voters']} voted the same way on both)"
        else:
            opposite = crux["voters"] - crux["alike"]
            figures = f"({opposite} of {crux['voters']} voted opposite ways on the two)"
        assert text.endswith(figures)
        # The precise figure stays at hand, on the figures (and in the CSV download).
        url = re.escape(by_id[crux["id"]].get_absolute_url())
        assert re.search(
            rf'<li><a href="{url}">.*?<span class="muted" title="Log-odds ratio '
            rf'{crux["log_odds"]:.2f}">',
            html,
            re.S,
        )


def test_common_ground_and_bridging_say_what_they_need_and_bridging_shows_its_figures(
    client, planted, monkeypatch
):
    motion, args, _ = planted
    html = page(client, motion)
    assert "Claims that most of every group agrees with, each with at least 5 votes in all." in html
    # The thresholds are for whoever opens "How this is computed", not in the opening words.
    section = html.split('id="bridging-heading"')[1].split("</section>")[0]
    opening, how = section.split('<details class="analysis__how">')
    assert "Agreed with by people who usually disagree with each other" in opening
    assert "0.40" not in opening and "Each has at least 5 votes, agreement across the divide" in how
    assert "of at least 0.40, and a lean to one side under 0.50." in how
    bridging = MotionAnalysis.objects.get(motion=motion).result["bridging"]
    (common,) = (row for row in bridging if row["id"] == args["common"].pk)
    assert common["status"] == "bridging"
    expected = f"(across the divide {common['intercept']:.2f}; lean {abs(common['factor']):.2f})"
    assert listed(html.split('id="bridging-heading"')[1], args["common"])[0].endswith(expected)
    # The rules come from the computation's constants, not typed into the page.
    monkeypatch.setattr(views, "MIN_COMMON_VOTES", 9)
    monkeypatch.setattr(views, "BRIDGING_MIN_VOTES", 11)
    html = page(client, motion)
    assert "each with at least 9 votes in all" in html and "Each has at least 11 votes" in html


def test_without_groups_common_ground_is_what_most_voters_agree_with(client, db):
    motion, _, _ = analysed(camp_size=1)
    html = page(client, motion)
    assert "Claims that most of the voters agree with, each with at least 5 votes" in html


# --- Results stored in an older format -----------------------------------------------------------


def test_a_result_in_an_older_format_is_recomputed_not_misread(client, planted, settings):
    motion, _, _ = planted
    MotionAnalysis.objects.filter(motion=motion).update(
        result={"format": 2, "groups": [{"representative": [{"agree_rate": 0.93}]}]}
    )
    html = page(client, motion)
    assert "being brought up to date" in html and "agree_rate" not in html
    assert MotionAnalysis.objects.get(motion=motion).queued_at is not None
    data = client.get(reverse("analysis_json", args=[motion.slug])).json()
    assert data["computed_at"] is None and data["groups"] == []
    services.refresh(motion_id=motion.pk)
    assert "Opinion groups" in page(client, motion) and "brought up to date" not in page(
        client, motion
    )


def test_votes_that_announced_nothing_are_analysed_once_the_page_is_read(client, db):
    """Votes written in bulk (seed_synthetic, a restore) queue no run: the page asks for it,
    once, rather than saying "not analysed yet" until somebody votes again."""
    motion = MotionFactory()
    argument = ArgumentFactory(motion=motion)
    Vote.objects.bulk_create([Vote(user=UserFactory(), argument=argument, choice="agree")])
    assert not MotionAnalysis.objects.filter(motion=motion).exists()
    assert "has not been analysed yet" in page(client, motion)
    queued = MotionAnalysis.objects.get(motion=motion).queued_at
    assert queued is not None
    page(client, motion)
    assert MotionAnalysis.objects.get(motion=motion).queued_at == queued  # asked once
    services.refresh(motion_id=motion.pk)
    assert "has not been analysed yet" not in page(client, motion)


def test_a_motion_nobody_voted_on_queues_nothing(client, db):
    motion = MotionFactory()
    assert "Nobody has voted" in page(client, motion)
    assert not MotionAnalysis.objects.filter(motion=motion).exists()
