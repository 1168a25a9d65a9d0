"""Issue 19's Analysis page and JSON: what they show, to whom, and at what cost."""

import random
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analysis import queries, services, views
from analysis.ballots import ballots
from analysis.compute import Claim, personal_cruxes
from analysis.compute_types import MIN_GROUP_VOTERS, MIN_VOTES, Point
from analysis.models import MotionAnalysis
from debates.models import Argument, Stance, Vote
from tests.factories import ArgumentFactory, MotionFactory, UserFactory

CAMP_SIZE = 12


def plant_debate(*, camp_size=CAMP_SIZE, slug="planted"):
    """Two camps that vote opposite ways on the motion and on ten arguments (a little noise),
    one argument everybody agrees with, and a hidden and a retracted argument everyone voted on.
    Returns (motion, arguments by name, camps)."""
    motion = MotionFactory(slug=slug, title="Planted motion")
    args = {
        f"{stance}{i}": ArgumentFactory(motion=motion, stance=stance, claim=f"{stance} claim {i}")
        for stance in (Stance.PRO, Stance.CON)
        for i in range(5)
    }
    args["common"] = ArgumentFactory(motion=motion, claim="Common ground everyone shares")
    args["hidden"] = ArgumentFactory(
        motion=motion, claim="Hidden claim text", visibility=Argument.Visibility.HIDDEN
    )
    args["retracted"] = ArgumentFactory(
        motion=motion, claim="Retracted claim text", visibility=Argument.Visibility.RETRACTED
    )
    camps = (
        [UserFactory() for _ in range(camp_size)],
        [UserFactory() for _ in range(camp_size)],
    )
    votes, noise = [], random.Random(19)
    for side, camp in enumerate(camps):
        for voter in camp:
            yes = side == 0
            votes.append(Vote(user=voter, motion=motion, choice=_choice(yes)))
            for name, argument in args.items():
                if name == "common":
                    agree = True
                elif name in ("hidden", "retracted"):
                    agree = yes
                else:
                    agree = yes == (argument.stance == Stance.PRO)
                    if noise.random() < 0.05:
                        agree = not agree
                votes.append(Vote(user=voter, argument=argument, choice=_choice(agree)))
    Vote.objects.bulk_create(votes)
    return motion, args, camps


def _choice(agree):
    return Vote.Choice.AGREE if agree else Vote.Choice.DISAGREE


def analysed(**kwargs):
    motion, args, camps = plant_debate(**kwargs)
    services.refresh(motion_id=motion.pk)
    return motion, args, camps


@pytest.fixture
def planted(db):
    return analysed()


def map_voters(html):
    """The voters the opinion map's dots stand for, by their titles ("6 voters who voted alike,
    group 1")."""
    dots = re.findall(r"<circle [^>]*><title>(\d+) voters?\b", html)
    assert len(dots) == html.count("<circle")
    return sum(int(count) for count in dots)


def claim_refs(data):
    refs = [r for g in data["groups"] for r in g["representative"]]
    for key in ("consensus", "divisive", "bridging", "cruxes"):
        refs += data[key]
    return refs


# --- The JSON ------------------------------------------------------------------------------------


def test_json_has_issue_19s_shape(client, planted):
    motion, args, _camps = planted
    data = client.get(reverse("analysis_json", args=[motion.slug])).json()
    assert data["voters"] == 2 * CAMP_SIZE
    assert data["computed_at"]
    assert [g["size"] for g in data["groups"]] and sum(g["size"] for g in data["groups"]) == 24
    for group in data["groups"]:
        assert set(group) >= {"id", "number", "size", "representative"}
        # Numbered as the pages name groups and as ?group= takes them.
        assert group["number"] == group["id"] + 1
        for ref in group["representative"]:
            assert set(ref) == {"kind", "id", "agree", "votes", "agree_rest", "votes_rest"}
            assert 0 <= ref["agree"] <= ref["votes"] and 0 <= ref["agree_rest"] <= ref["votes_rest"]
    # Which way each group leans on a claim that sets it apart: the camps disagree on pro0.
    leanings = {
        group["number"]: ref["agree"] / ref["votes"]
        for group in data["groups"]
        for ref in group["representative"]
        if ref["id"] == args["pro0"].pk and ref["votes"]
    }
    low, high = sorted(leanings.values())
    assert low < 0.5 < high
    for ref in claim_refs(data):
        assert ref["kind"] in ("motion", "argument") and isinstance(ref["id"], int)
    assert all(set(b) == {"kind", "id", "intercept", "factor", "status"} for b in data["bridging"])
    assert data["cruxes"], "the planted camps make every camp argument a crux"
    assert all(set(c) == {"kind", "id", "log_odds", "lower", "voters"} for c in data["cruxes"])
    assert all(set(c) == {"kind", "id", "score"} for c in data["consensus"])
    bridging = {b["id"]: b["status"] for b in data["bridging"] if b["kind"] == "argument"}
    assert bridging[args["pro0"].pk] == "not-bridging"


def test_members_are_shown_to_moderators_only(client, planted, member, moderator):
    motion, _, camps = planted
    url = reverse("analysis_json", args=[motion.slug])
    assert all("members" not in g for g in client.get(url).json()["groups"])
    client.force_login(member)
    assert all("members" not in g for g in client.get(url).json()["groups"])
    client.force_login(moderator)
    groups = client.get(url).json()["groups"]
    assert sorted(m for g in groups for m in g["members"]) == sorted(u.pk for c in camps for u in c)
    # Whatever k the silhouette picks, no group mixes the camps.
    for group in groups:
        assert any(set(group["members"]) <= {u.pk for u in camp} for camp in camps)


def test_members_appear_on_the_page_for_moderators_only(client, planted, member, moderator):
    motion, _, camps = planted
    url = reverse("analysis", args=[motion.slug])
    someone = reverse("profile", args=[camps[0][0].pk])
    client.force_login(member)
    assert someone not in client.get(url).content.decode()
    client.force_login(moderator)
    assert someone in client.get(url).content.decode()


def test_hidden_and_retracted_arguments_never_appear(client, planted, moderator):
    motion, args, _ = planted
    hidden = {args["hidden"].pk, args["retracted"].pk}
    client.force_login(moderator)
    data = client.get(reverse("analysis_json", args=[motion.slug])).json()
    assert not {r["id"] for r in claim_refs(data) if r["kind"] == "argument"} & hidden
    page = client.get(reverse("analysis", args=[motion.slug])).content.decode()
    assert "Hidden claim text" not in page and "Retracted claim text" not in page
    stored = MotionAnalysis.objects.get(motion=motion).result
    assert not {r["id"] for r in claim_refs(stored) if r["kind"] == "argument"} & hidden


def test_an_argument_hidden_after_the_run_drops_out_at_once(client, planted):
    motion, _args, _ = planted
    data = client.get(reverse("analysis_json", args=[motion.slug])).json()
    crux = next(c for c in data["cruxes"] if c["kind"] == "argument")
    Argument.objects.filter(pk=crux["id"]).update(visibility=Argument.Visibility.HIDDEN)
    data = client.get(reverse("analysis_json", args=[motion.slug])).json()
    assert crux["id"] not in {r["id"] for r in claim_refs(data) if r["kind"] == "argument"}


def test_three_voters_give_the_empty_state_and_the_json_says_why(client, db):
    motion, _, _ = analysed(camp_size=1)
    UserFactory()
    Vote.objects.create(user=UserFactory(), motion=motion, choice=Vote.Choice.AGREE)
    services.refresh(motion_id=motion.pk)
    data = client.get(reverse("analysis_json", args=[motion.slug])).json()
    assert data["voters"] == 3
    assert data["groups"] == []
    assert "10 voters" in data["reason"]
    page = client.get(reverse("analysis", args=[motion.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="analysis-empty"' in html and "<svg" not in html.split('id="groups-heading"')[1]
    assert "<strong>8</strong> more voters are needed" in html


def test_the_page_states_the_opinion_group_rule_once_from_the_computation_s_numbers(
    client, db, monkeypatch
):
    motion, _, _ = analysed(camp_size=1)
    html = client.get(reverse("analysis", args=[motion.slug])).content.decode()
    groups = html.split('id="groups-heading"')[1].split("</section>")[0]
    rule = f"at least {MIN_GROUP_VOTERS} voters who have each voted on at least {MIN_VOTES} claims"
    assert groups.count("Opinion groups need") == 1 and rule in groups
    assert f"<strong>{MIN_GROUP_VOTERS - 2}</strong> more voters are needed" in groups
    # No number typed into the page: it says what the view hands it from compute's constants.
    monkeypatch.setattr(views, "MIN_VOTES", MIN_VOTES + 2)
    monkeypatch.setattr(views, "MIN_GROUP_VOTERS", MIN_GROUP_VOTERS + 3)
    html = client.get(reverse("analysis", args=[motion.slug])).content.decode()
    assert f"at least {MIN_GROUP_VOTERS + 3} voters who have each voted on at least" in html
    assert f"on at least {MIN_VOTES + 2} claims" in html
    # Nor into the crux rule, which the computation applies (compute_cruxes).
    assert "No crux yet: an argument needs at least 8 voters" in html
    monkeypatch.setattr(views, "MIN_CRUX_VOTERS", 11)
    html = client.get(reverse("analysis", args=[motion.slug])).content.decode()
    assert "No crux yet: an argument needs at least 11 voters" in html


def test_before_any_vote_the_page_says_nobody_has_voted(client, db):
    motion = MotionFactory()
    html = client.get(reverse("analysis", args=[motion.slug])).content.decode()
    assert "Nobody has voted on this motion or its arguments yet" in html
    assert "not been analysed yet" not in html
    data = client.get(reverse("analysis_json", args=[motion.slug])).json()
    assert data["computed_at"] is None and data["groups"] == [] and data["reason"]


def test_votes_waiting_for_their_first_run_say_so(client, db):
    motion = MotionFactory()
    hidden = ArgumentFactory(motion=motion, visibility=Argument.Visibility.HIDDEN)
    # A vote only on a hidden argument counts for nothing, as in the analysis.
    Vote.objects.create(user=UserFactory(), argument=hidden, choice=Vote.Choice.AGREE)
    html = client.get(reverse("analysis", args=[motion.slug])).content.decode()
    assert "Nobody has voted" in html
    Vote.objects.create(user=UserFactory(), motion=motion, choice=Vote.Choice.AGREE)
    html = client.get(reverse("analysis", args=[motion.slug])).content.decode()
    assert "has not been analysed yet" in html and "Nobody has voted" not in html


def test_a_pending_page_asks_again_and_the_report_replaces_the_notice(client, db):
    """While the run is pending the page asks every few seconds with what it shows; the answer
    is "nothing new" (204, no swap) until the run is stored, then the report a reload shows,
    which asks no more."""
    motion, _, _ = plant_debate()
    url = reverse("analysis", args=[motion.slug])
    pending = client.get(url).content.decode()
    poll = f'<div id="analysis-report" hx-get="{url}?since=pending" hx-trigger="every 5s"'
    assert poll in pending and 'id="analysis-pending"' in pending
    in_place = {"HX-Request": "true"}
    assert client.get(url, {"since": "pending"}, headers=in_place).status_code == 204
    still = client.get(url, headers=in_place).content.decode()
    assert "<html" not in still and 'id="analysis-pending"' in still
    services.refresh(motion_id=motion.pk)
    ready = client.get(url, {"since": "pending"}, headers=in_place).content.decode()
    reloaded = client.get(url).content.decode()
    assert "<html" not in ready and 'id="analysis-pending"' not in ready
    assert 'id="groups-heading"' in ready and "hx-get" not in ready
    # Told to a screen reader in the page's status line, which stays put (the swap is below it).
    assert '<hx-partial hx-target="#analysis-status">The analysis is ready' in ready
    assert '<p id="analysis-status" class="visually-hidden" role="status"></p>' in reloaded
    assert client.get(url, headers=in_place).content.decode().strip() in reloaded
    # Without a vote there is nothing to wait for yet, but the first votes may come: it asks
    # less often.
    nobody = reverse("analysis", args=[MotionFactory().slug])
    empty = client.get(nobody).content.decode()
    assert f'hx-get="{nobody}?since=none" hx-trigger="every 10s"' in empty


# --- The page ------------------------------------------------------------------------------------


def test_page_shows_map_groups_and_cruxes_with_permalinks(client, planted):
    motion, args, _ = planted
    response = client.get(reverse("analysis", args=[motion.slug]))
    html = response.content.decode()
    assert map_voters(html) == 2 * CAMP_SIZE
    assert "Group 1: " in html and "Group 2: " in html
    assert 'id="cruxes-for"' in html and 'id="cruxes-against"' in html
    assert args["pro0"].get_absolute_url() in html
    assert "Common ground everyone shares" in html
    assert 'role="img"' in html and "<desc" in html
    assert " style=" not in html and "<script>" not in html


def test_the_motion_page_links_to_its_analysis(client, planted):
    motion, _, _ = planted
    html = client.get(motion.get_absolute_url()).content.decode()
    assert reverse("analysis", args=[motion.slug]) in html


def test_a_hidden_motion_has_no_public_analysis(client, planted):
    motion, _, _ = planted
    motion.visibility = motion.Visibility.HIDDEN
    motion.save()
    assert client.get(reverse("analysis", args=[motion.slug])).status_code == 404
    assert client.get(reverse("analysis_json", args=[motion.slug])).status_code == 404


ANONYMOUS_PAGE_QUERIES = 3  # the motion, the stored analysis, the arguments it names
# + the session, the user, the member's votes and the arguments of their personal cruxes
SIGNED_IN_PAGE_QUERIES = 8  # and the nav bell's unread count


def test_page_costs_constant_queries(client, db, django_assert_num_queries):
    small, _, _ = analysed(camp_size=6, slug="small")
    big, _, _ = analysed(camp_size=20, slug="big")
    for motion in (small, big):
        with django_assert_num_queries(ANONYMOUS_PAGE_QUERIES):
            client.get(reverse("analysis", args=[motion.slug]))
        with django_assert_num_queries(ANONYMOUS_PAGE_QUERIES):
            client.get(reverse("analysis_json", args=[motion.slug]))


def test_signed_in_page_costs_constant_queries(client, db, django_assert_num_queries):
    for camp_size, slug in ((6, "small"), (20, "big")):
        motion, _, camps = analysed(camp_size=camp_size, slug=slug)
        client.force_login(camps[0][0])
        with django_assert_num_queries(SIGNED_IN_PAGE_QUERIES):
            client.get(reverse("analysis", args=[motion.slug]))


def test_a_voter_sees_their_personal_cruxes(client, planted):
    motion, args, camps = planted
    client.force_login(camps[0][1])
    html = client.get(reverse("analysis", args=[motion.slug])).content.decode()
    assert 'id="personal-cruxes"' in html and 'id="personal-list"' in html
    personal = html.split('id="personal-list"')[1].split("</ul>")[0]
    assert personal.count("<li>") == 5  # the strongest five of the ten the camps split on
    assert args["common"].get_absolute_url() not in personal


def test_a_member_without_a_vote_on_the_motion_is_told_how_to_see_her_cruxes(
    client, planted, member
):
    """Her cruxes compare her with those on the other side of the motion: without her vote on
    it there are none, and the section says what to do rather than vanish."""
    motion, _, _ = planted
    client.force_login(member)
    html = client.get(reverse("analysis", args=[motion.slug])).content.decode()
    assert 'id="personal-cruxes"' in html and 'id="personal-list"' not in html
    told = html.split('id="personal-none"')[1].split("</p>")[0]
    assert "Vote on" in told and f'href="{motion.get_absolute_url()}"' in told
    anonymous = Client().get(reverse("analysis", args=[motion.slug])).content.decode()
    assert 'id="personal-cruxes"' not in anonymous


@pytest.mark.parametrize("against", [None, 0, 1])
def test_personal_cruxes_from_stored_tallies_match_the_computation(planted, against):
    """Two paths for one rule: the page's, from MotionAnalysis.group_votes, and analysis.compute's
    from the votes themselves."""
    motion, _, camps = planted
    row = MotionAnalysis.objects.get(motion=motion)
    analysis = queries.analysis_of(row)
    votes = ballots(motion.pk)
    for voter in (camps[0][0], camps[1][3]):
        own = queries.viewer_votes(motion, voter)
        page = queries.personal_cruxes(motion, row, analysis, voter, own, against=against)
        computed = personal_cruxes(
            votes,
            motion=Claim("motion", motion.pk),
            voter=voter.pk,
            analysis=analysis,
            against_group=against,
        )
        assert [r.claim.pk for r in page] == [c.claim.id for c in computed]
        assert [round(r.figures[3], 3) for r in page] == [round(c.strength, 3) for c in computed]


def test_the_opinion_map_draws_its_dots_in_an_order_that_names_nobody():
    """The analysis keeps its points by voter id: drawn in that order, the k-th dot would be the
    k-th member to join, and its colour their group. Whoever holds which place, the map is the
    same."""
    places = [(0.9, 0.1, 0), (0.1, 0.5, 1), (0.5, 0.9, 0), (0.3, 0.2, 1)]

    def drawn(voters):
        points = [Point(v, x, y, g) for v, (x, y, g) in zip(voters, places, strict=True)]
        points.sort(key=lambda point: point.voter)
        return queries._map_dots(queries._places(SimpleNamespace(points=tuple(points))))

    assert drawn([1, 2, 3, 4]) == drawn([4, 3, 2, 1]) == drawn([2, 4, 1, 3])


# --- Cost with the debate's size ------------------------------------------------------------------


def plant_common_ground(motion, camps, count):
    """`count` more arguments every voter agrees with, and as many every voter rejects (which
    keep the agreed ones above the average): the agreed ones bridge, and the run scores all."""
    voters = [voter for camp in camps for voter in camp]
    votes = []
    for i in range(count):
        for choice in Vote.Choice.AGREE, Vote.Choice.DISAGREE:
            argument = ArgumentFactory(motion=motion, claim=f"Shared {choice} {i}")
            votes += [Vote(user=voter, argument=argument, choice=choice) for voter in voters]
    Vote.objects.bulk_create(votes)


def test_the_page_looks_up_the_claims_it_shows_however_many_the_run_scored(
    client, db, monkeypatch, django_assert_num_queries
):
    """The bridging figures score every claim with a vote (9,481 in a debate of 10,000, each
    once looked up with a recursive query for its bearing, for the ten the page shows). The
    page looks up the first few of each list, the same number in a debate five times the size,
    in as many queries."""
    looked_up = []
    named_arguments = queries.named_arguments

    def counting(motion, ids):
        looked_up.append(len(set(ids)))
        return named_arguments(motion, ids)

    monkeypatch.setattr(queries, "named_arguments", counting)
    counts = []
    for extra, slug in ((20, "smaller"), (100, "larger")):
        motion, _, camps = plant_debate(slug=slug)
        plant_common_ground(motion, camps, extra)
        services.refresh(motion_id=motion.pk)
        analysis = queries.analysis_of(queries.stored(motion))
        assert sum(r.status == "bridging" for r in analysis.bridging) > extra
        looked_up.clear()
        with django_assert_num_queries(ANONYMOUS_PAGE_QUERIES):
            html = client.get(reverse("analysis", args=[motion.slug])).content.decode()
        counts.append(looked_up[:])
        bridging = html.split('id="bridging-heading"')[1].split("</section>")[0]
        assert bridging.count("<li>") == 10
    assert counts[0] == counts[1] and counts[0][0] <= 5 * (10 + queries.SPARE) + 5 * 5


def test_the_json_lists_every_scored_claim_without_a_lookup_each(client, db):
    """The JSON gives every claim the run scored, by design (its bridging rows carry their
    status, "needs-more-votes" and "not-bridging" too): checked against the shown arguments in
    one plain query, never the recursive one that works out a claim's bearing."""
    motion, _, camps = plant_debate()
    plant_common_ground(motion, camps, 40)
    services.refresh(motion_id=motion.pk)
    with CaptureQueriesContext(connection) as captured:
        data = client.get(reverse("analysis_json", args=[motion.slug])).json()
    assert len(captured) == ANONYMOUS_PAGE_QUERIES
    assert not any("RECURSIVE" in query["sql"].upper() for query in captured)
    scored = queries.analysis_of(queries.stored(motion)).bridging
    assert len(data["bridging"]) == len(scored) > 80
    assert {r["status"] for r in data["bridging"]} == {"bridging", "not-bridging"}


# --- A group's stand on the motion ---------------------------------------------------------------


def test_a_group_s_stand_on_the_motion_is_given_as_votes_cast(client, db):
    """ "100%" read as the group's position when one of its twelve voted: the page gives the
    votes ("1 of 1"), out of how many members, and says when they are too few."""
    motion, _, camps = plant_debate()
    Vote.objects.filter(motion=motion, user__in=camps[1][1:]).delete()
    services.refresh(motion_id=motion.pk)
    result = MotionAnalysis.objects.get(motion=motion).result
    number = {member: g["id"] + 1 for g in result["groups"] for member in g["members"]}
    few, many = number[camps[1][0].pk], number[camps[0][0].pk]
    html = client.get(reverse("analysis", args=[motion.slug])).content.decode()

    def stand(group):
        heading = html.split(f'id="group-{group}"')[1]
        return heading.split('<p class="analysis-group__motion">')[1].split("</p>")[0]

    assert stand(few) == (
        f"Of its {CAMP_SIZE} members, 1 voted on the motion: 0 of 1 agree with it (0%)."
        " Too few votes to say where the group stands on it."
    )
    assert stand(many) == (
        f"Of its {CAMP_SIZE} members, {CAMP_SIZE} voted on the motion:"
        f" {CAMP_SIZE} of {CAMP_SIZE} agree with it (100%)."
    )
    assert "of those who voted on the motion agree with it" not in html
