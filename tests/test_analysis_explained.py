"""Every section of the Analysis page says in plain words what puts a claim there, with the
computation's own numbers: here the divisive claims, the cruxes' order and what sets a group
apart."""

import re

import pytest
from django.urls import reverse

from analysis import compute_cruxes, compute_groups, compute_types, services, views
from analysis.ballots import ballots
from analysis.compute import Ballot, Claim, analyse
from analysis.models import MotionAnalysis
from debates.models import Vote
from tests.test_analysis_pages import analysed, plant_debate


@pytest.fixture
def planted(db):
    return analysed()


def section(client, motion, heading):
    html = client.get(reverse("analysis", args=[motion.slug])).content.decode()
    return html.split(f'id="{heading}"')[1].split("</section>")[0]


def how_computed(html):
    """A section's text (its lists aside) split into what it says and what its "How this is
    computed" holds, each with its tags gone and its spaces made one."""
    said, _, how = html.partition('<details class="analysis__how">')
    how = how.split("</details>")[0]
    said = re.split(r"<(?:ul|ol) ", said)[0]
    return tuple(" ".join(re.sub(r"<[^>]+>", " ", part).split()) for part in (said, how))


def test_divisive_claims_say_what_puts_a_claim_there(client, planted):
    motion, _, _ = planted
    divisive = section(client, motion, "divisive-heading")
    said, how = how_computed(divisive)
    assert (
        "Claims the opinion groups split on: the group that agrees with a claim most and the "
        "group that agrees with it least are too far apart for chance to explain. The widest "
        "splits come first." in said
    )
    # The test's own terms are there for whoever opens them, not in the sentence.
    assert "z-score" not in said and "confidence" not in said
    assert (
        "A two-sided test of the two groups' shares of voters who agree, at 90% confidence: a "
        "claim is divisive when the gap between the shares is at least 1.64 times its standard "
        "error (a z-score of at least 1.64)." in how
    )


def test_the_divisive_rule_states_the_computation_s_numbers(client, planted, monkeypatch):
    motion, _, _ = planted
    monkeypatch.setattr(views, "DIVISIVE_Z", 2.5758)
    divisive = section(client, motion, "divisive-heading")
    assert "at 99% confidence" in divisive and "a z-score of at least 2.58" in divisive
    # And that number is the one the computation applies.
    votes = ballots(motion.pk)
    assert analyse(votes, motion=Claim("motion", motion.pk)).divisive
    monkeypatch.setattr(compute_groups, "DIVISIVE_Z", 100.0)
    assert analyse(votes, motion=Claim("motion", motion.pk)).divisive == ()


def test_each_divisive_argument_shows_how_each_group_voted_as_cast(client, planted):
    motion, args, _ = planted
    stored = MotionAnalysis.objects.get(motion=motion)
    divisive = section(client, motion, "divisive-heading")
    by_id = {argument.pk: argument for argument in args.values()}
    shown = 0
    for row in stored.result["divisive"]:
        if row["kind"] != "argument":
            continue
        figures = "; ".join(
            "group {}: {} of {} agree".format(
                group["id"] + 1, *stored.group_votes[str(group["id"])][str(row["id"])]
            )
            for group in stored.result["groups"]
        )
        item = re.search(
            rf'<a href="{by_id[row["id"]].get_absolute_url()}">.*?</li>', divisive, re.S
        )
        assert f"({figures})</span></li>" in item.group(0)
        shown += 1
    assert shown, "the planted camps split on their arguments"


def test_without_groups_the_divisive_section_says_why_it_is_empty(client, db):
    motion, _, _ = analysed(camp_size=1)
    divisive = section(client, motion, "divisive-heading")
    assert "The widest splits come first; without opinion groups there are none." in divisive
    assert "None yet." in divisive
    # No test to explain where there was nothing to test.
    assert "How this is computed" not in divisive


def test_the_groups_say_what_sets_a_group_apart(client, planted, monkeypatch):
    motion, _, _ = planted
    groups = section(client, motion, "groups-heading")
    assert (
        "Under each group, “Sets them apart” lists the claims its members agreed or disagreed "
        "with more than the other voters did, by more than chance would explain (90% "
        "confidence)." in groups
    )
    monkeypatch.setattr(views, "REPRESENTATIVE_Z", 2.3263)
    assert "(99% confidence)" in section(client, motion, "groups-heading")


def divisive_motion(html):
    """The divisive list's row for the motion."""
    items = re.findall(r"<li>.*?</li>", html.split('id="divisive-list"')[1], re.S)
    (item,) = (item for item in items if "The motion: " in item)
    return item


def test_the_motion_among_the_divisive_claims_shows_how_each_group_voted(client, planted):
    motion, _, _ = planted
    stored = MotionAnalysis.objects.get(motion=motion)
    on_motion = dict(
        Vote.objects.filter(motion=motion, argument=None).values_list("user_id", "choice")
    )
    figures = []
    for group in stored.result["groups"]:
        cast = [on_motion[m] for m in group["members"] if m in on_motion]
        figures.append(f"group {group['id'] + 1}: {cast.count('agree')} of {len(cast)} agree")
        # As stored by the run, which the page reads.
        assert stored.group_votes["motion"][str(group["id"])] == [cast.count("agree"), len(cast)]
    item = divisive_motion(section(client, motion, "divisive-heading"))
    assert f"({'; '.join(figures)})</span></li>" in item


def test_a_row_stored_before_the_motion_s_tallies_shows_the_motion_without_counts(client, planted):
    motion, _, _ = planted
    stored = MotionAnalysis.objects.get(motion=motion)
    del stored.group_votes["motion"]
    stored.save()
    divisive = section(client, motion, "divisive-heading")
    assert "agree" not in divisive_motion(divisive)
    assert re.search(r"\(group 1: \d+ of \d+ agree; group 2: \d+ of \d+ agree\)", divisive)


def test_a_group_none_of_whose_members_voted_on_the_motion_has_a_tally_of_none(db):
    motion, _, camps = plant_debate()
    Vote.objects.filter(motion=motion, argument=None, user__in=camps[0]).delete()
    stored = services.refresh(motion_id=motion.pk)
    tallies = stored.group_votes["motion"]
    # Every group has its entry: a missing one would read as a row stored before.
    assert set(tallies) == {str(group["id"]) for group in stored.result["groups"]}
    camp0 = {voter.pk for voter in camps[0]}
    silent = [g for g in stored.result["groups"] if set(g["members"]) <= camp0]
    assert silent
    assert all(tallies[str(group["id"])] == [0, 0] for group in silent)


def test_the_cruxes_say_how_they_are_ordered_and_why(client, planted, monkeypatch):
    motion, _, _ = planted
    said, how = how_computed(section(client, motion, "cruxes-heading"))
    assert (
        "The surest links come first, so a link seen in the votes of many people can come above "
        "a seemingly closer one seen in the votes of a few." in said
    )
    assert "log-odds" not in said.lower() and "confidence" not in said
    assert (
        "Each list is ordered by the weakest link the votes allow, the end of the log-odds "
        "ratio's 90% confidence interval nearest 0, so a larger log-odds ratio from fewer votes "
        "can come below a smaller one from more." in how
    )
    # The number is the computation's (compute_cruxes reads the same constant).
    monkeypatch.setattr(views, "CRUX_Z", 2.5758)
    _, how = how_computed(section(client, motion, "cruxes-heading"))
    assert "log-odds ratio's 99% confidence interval" in how
    assert compute_cruxes.CRUX_Z is compute_types.CRUX_Z


def test_the_cruxes_are_listed_surest_first_not_by_their_log_odds(db):
    """As the page says: by the end of the interval nearest 0. A crux from many voters with a
    smaller log-odds comes before one from few voters with a larger one."""
    motion = Claim("motion", 0)
    ballots = []
    voter = iter(range(1, 10_000))
    # Argument 1: 10 voters, 9 voting alike on it and the motion (a large log-odds, wide).
    # Argument 2: 200 voters, 150 alike (a smaller log-odds, narrow).
    for argument, voters, alike in ((1, 10, 9), (2, 200, 150)):
        for k in range(voters):
            who = next(voter)
            on_motion = k % 2 == 0
            same = k < alike
            ballots.append(Ballot(who, motion, on_motion))
            ballots.append(Ballot(who, Claim("argument", argument), on_motion == same))
    cruxes = analyse(ballots, motion=motion).cruxes
    assert [c.claim.id for c in cruxes] == [2, 1]
    assert cruxes[0].log_odds < cruxes[1].log_odds
    assert abs(cruxes[0].lower) > abs(cruxes[1].lower)
