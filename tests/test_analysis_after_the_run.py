"""A member's votes change after the stored analysis read them: her personal cruxes still come
from the stored tallies, less her own vote, and every count stays one a tally can be."""

import re

import pytest
from django.urls import reverse

from analysis import services
from analysis.models import MotionAnalysis
from analysis.queries import without_viewer
from debates.models import Vote
from debates.ranking import wilson_lower_bound
from tests.test_analysis_pages import plant_debate

OTHER_SIDE = "of those who voted the other way on the motion"


def personal_figures(html, others=OTHER_SIDE):
    """{argument id: (own vote, others agreeing, others voting)} from "Your cruxes", each row
    naming who `others` are ("(you agree; 1 of 5 in group 2 agree)")."""
    figures = re.compile(rf"\(you (agree|disagree); (\d+) of (\d+) {re.escape(others)} agree\)")
    listed = (
        html.split('id="personal-list"')[1].split("</ul>")[0] if "personal-list" in html else ""
    )
    rows = re.findall(r'/arguments/(\d+)/">.*?</a>\s*<span class="muted">(.*?)</span>', listed)
    found = {}
    for argument_id, figures_text in rows:
        own, agreeing, voting = figures.fullmatch(figures_text).groups()
        found[int(argument_id)] = (own, int(agreeing), int(voting))
    return found


def her_groups(motion, voter):
    groups = MotionAnalysis.objects.get(motion=motion).result["groups"]
    own = next(g["id"] for g in groups if voter.pk in g["members"])
    return own, [g["id"] for g in groups if g["id"] != own]


def tally(motion, key, argument):
    return MotionAnalysis.objects.get(motion=motion).group_votes[str(key)][str(argument.pk)]


def vote(voter, argument, choice):
    Vote.objects.update_or_create(user=voter, argument=argument, defaults={"choice": choice})


@pytest.fixture
def debate(db):
    return plant_debate()


def pages(client, motion, own, others):
    """Her analysis page compared with her own group, each other group and the other side, each
    figure naming whom it counts: the others of her group, another group, the other side."""
    url = reverse("analysis", args=[motion.slug])
    named = {own: f"others in group {own + 1}", None: OTHER_SIDE}
    named.update({other: f"in group {other + 1}" for other in others})
    for against in (own, *others, None):
        response = client.get(url, {} if against is None else {"against": against + 1})
        assert response.status_code == 200
        figures = personal_figures(response.content.decode(), named[against])
        for _own_vote, agreeing, voting in figures.values():
            assert 0 <= agreeing <= voting, (against, figures)
        yield against, figures


def test_a_vote_changed_after_the_run_is_taken_off_her_own_group_within_range(client, debate):
    motion, args, camps = debate
    her = camps[0][0]
    common = args["common"]  # every voter agreed: her group's tally is n of n
    services.refresh(motion_id=motion.pk)
    own, others = her_groups(motion, her)
    agreed, voted = tally(motion, own, common)
    assert agreed == voted

    vote(her, common, Vote.Choice.DISAGREE)
    client.force_login(her)
    shown = dict(pages(client, motion, own, others))
    # Her group less her: everyone else agreed, which sets her apart.
    assert shown[own][common.pk] == ("disagree", voted - 1, voted - 1)
    for other in others:
        assert shown[other][common.pk] == ("disagree", *tally(motion, other, common))


def test_a_vote_first_cast_after_the_run(client, debate):
    motion, args, camps = debate
    her = camps[0][0]
    common = args["common"]
    Vote.objects.filter(user=her, argument=common).delete()
    services.refresh(motion_id=motion.pk)
    own, others = her_groups(motion, her)
    _, voted = tally(motion, own, common)  # without her

    vote(her, common, Vote.Choice.DISAGREE)
    client.force_login(her)
    shown = dict(pages(client, motion, own, others))
    # Never counted, her vote comes off all the same (the analysis keeps no one's ballots):
    # a count at most her one vote short until the run her vote queued is stored.
    own_vote, agreeing, voting = shown[own][common.pk]
    assert own_vote == "disagree" and voted - 1 <= voting <= voted and agreeing == voting


@pytest.mark.parametrize("change", ["withdrawn", "motion vote changed", "switched camps"])
def test_other_changes_after_the_run_leave_every_page_sound(client, debate, change):
    motion, args, camps = debate
    her = camps[1][2]
    services.refresh(motion_id=motion.pk)
    own, others = her_groups(motion, her)
    if change == "withdrawn":
        Vote.objects.filter(user=her, argument__in=[args["common"], args["con0"]]).delete()
    elif change == "motion vote changed":
        Vote.objects.filter(user=her, motion=motion).update(choice=Vote.Choice.AGREE)
    else:
        for name, argument in args.items():
            if name.startswith(("pro", "con")):
                current = Vote.objects.get(user=her, argument=argument).choice
                flipped = Vote.Choice.AGREE if current == Vote.Choice.DISAGREE else "disagree"
                vote(her, argument, flipped)
    client.force_login(her)
    shown = dict(pages(client, motion, own, others))
    if change == "withdrawn":
        assert not {args["common"].pk, args["con0"].pk} & set(shown[own])
    if change == "switched camps":
        # She now votes as the other camp does: her own group is where she differs.
        assert len(shown[own]) == 5


@pytest.mark.parametrize(
    ("stored", "agreed", "expected"),
    [
        ((7, 7), True, (6, 6)),  # counted as she votes now: exact
        ((7, 7), False, (6, 6)),  # she agreed, now disagrees: 7 of 6 kept to 6 of 6
        ((0, 7), True, (0, 6)),  # she disagreed, now agrees: -1 of 6 kept to 0 of 6
        ((3, 5), False, (3, 4)),
        ((1, 1), True, (0, 0)),
        ((0, 0), True, (0, 0)),  # nothing counted: nothing to take off
    ],
)
def test_without_viewer_keeps_a_tally_a_tally(stored, agreed, expected):
    assert without_viewer(*stored, agreed=agreed) == expected


def test_wilson_lower_bound_refuses_negative_counts_by_name():
    for agree, disagree in ((-1, 7), (7, -1)):
        with pytest.raises(ValueError, match="cannot be negative"):
            wilson_lower_bound(agree, disagree)
