"""The votes an analysis counts (analysis.ballots.counted_votes) are the votes the debate shows
every reader, and every read of votes in the analysis goes through them."""

import ast
import re
import warnings
from collections import Counter
from pathlib import Path

import pytest
from django.core.cache import CacheKeyWarning
from django.urls import reverse

from analysis import queries, services
from analysis.ballots import ballots, counted_votes, shown_arguments
from analysis.models import MotionAnalysis
from debates import policy, voting
from debates.models import Argument, Vote
from tests.factories import ArgumentFactory, MotionFactory, UserFactory
from tests.test_analysis_pages import analysed

ANALYSIS = Path(__file__).resolve().parents[1] / "analysis"
TALLY = re.compile(r'id="vote-(motion|argument)-(\d+)-(agree|disagree)-count">(\d+)<')


def _debate():
    """A motion with an argument in each state there is, a reply under each, and an argument of
    another motion, all voted on by three people (through the service that keeps the page's
    tallies) before the arguments took their states."""
    motion, elsewhere = MotionFactory(), ArgumentFactory()
    states = {ArgumentFactory(motion=motion): state for state in Argument.Visibility.values}
    replies = [ArgumentFactory(motion=motion, parent=argument) for argument in states]
    for number in range(3):
        voter, choice = UserFactory(), ("agree", "disagree")[number % 2]
        for slug, argument in [
            (motion.slug, None),
            (elsewhere.motion.slug, None),
            (elsewhere.motion.slug, elsewhere),
            *((motion.slug, argument) for argument in [*states, *replies]),
        ]:
            argument_id = argument and argument.pk
            voting.cast_vote_at(voter=voter, slug=slug, argument_id=argument_id, choice=choice)
    for argument, state in states.items():
        Argument.objects.filter(pk=argument.pk).update(visibility=state)
    return motion


def _claim(vote):
    return ("argument", vote.argument_id) if vote.argument_id else ("motion", vote.motion_id)


def test_the_counted_votes_are_the_tallies_the_debate_shows_everyone(client, db):
    """A differential: the motion page decides which tallies it shows, the analysis which votes
    it counts; a hidden or retracted argument's votes counted by either would part them."""
    motion = _debate()
    page = client.get(motion.get_absolute_url()).content.decode()
    shown = Counter()
    for kind, pk, choice, count in TALLY.findall(page):
        shown[(kind, int(pk), choice)] += int(count)
    counted = Counter((*_claim(vote), vote.choice) for vote in counted_votes(motion.pk))
    assert +shown == counted
    hidden = Argument.objects.filter(motion=motion).exclude(visibility=Argument.Visibility.VISIBLE)
    assert hidden.count() == len(Argument.Visibility.values) - 1
    assert not {("argument", pk) for pk in hidden.values_list("pk", flat=True)} & {
        key[:2] for key in counted
    }


def test_counted_votes_follow_policy_vote_by_vote(db):
    motion = _debate()
    counted = set(counted_votes(motion.pk).values_list("pk", flat=True))
    everything = Vote.objects.filter(motion=motion) | Vote.objects.filter(argument__motion=motion)
    for vote in everything.select_related("argument"):
        assert (vote.pk in counted) == (vote.argument is None or policy.is_shown(vote.argument))
    assert {a.pk for a in shown_arguments(motion.pk)} == {
        a.pk for a in Argument.objects.filter(motion=motion) if policy.is_shown(a)
    }


def test_every_reader_in_the_analysis_counts_the_same_votes(db):
    motion = _debate()
    counted = {(vote.user_id, _claim(vote)) for vote in counted_votes(motion.pk)}
    assert {(b.voter, (b.claim.kind, b.claim.id)) for b in ballots(motion.pk)} == counted
    assert queries.has_votes(motion)
    services.refresh(motion_id=motion.pk)
    # What "view as group" and personal cruxes compare with, stored from the ballots.
    tallies = MotionAnalysis.objects.get(motion=motion).group_votes
    assert {int(pk) for side in tallies.values() for pk in side} == {
        pk for _, (kind, pk) in counted if kind == "argument"
    }


def test_votes_on_arguments_nobody_reads_are_no_votes(db):
    motion = MotionFactory()
    for state in Argument.Visibility.values:
        if state != Argument.Visibility.VISIBLE:
            argument = ArgumentFactory(motion=motion, visibility=state)
            Vote.objects.create(user=UserFactory(), argument=argument, choice="agree")
    assert not counted_votes(motion.pk).exists()
    assert not queries.has_votes(motion) and ballots(motion.pk) == []


def _reads(path: Path):
    """The ORM managers a module reaches for, and whether it names a visibility itself."""
    tree = ast.parse(path.read_text())
    managers = {
        node.value.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "objects"
        and isinstance(node.value, ast.Name)
    }
    visibility = any(
        isinstance(node, ast.Attribute) and node.attr in ("Visibility", "visibility")
        for node in ast.walk(tree)
    ) or any(
        isinstance(node, ast.keyword) and (node.arg or "").startswith("visibility")
        for node in ast.walk(tree)
    )
    return managers, visibility


@pytest.mark.parametrize(
    "path",
    sorted(p for p in ANALYSIS.rglob("*.py") if "migrations" not in p.parts),
    ids=lambda p: str(p.relative_to(ANALYSIS)),
)
def test_votes_and_arguments_are_read_only_through_counted_votes(path):
    """A read of votes or arguments elsewhere in the analysis would restate which arguments
    count, and could count a hidden or retracted one's votes; none says what is shown but
    debates.policy."""
    managers, visibility = _reads(path)
    if path.name != "ballots.py":
        assert not managers & {"Vote", "Argument"}
    assert not visibility


# --- ?against= ---------------------------------------------------------------------------------


@pytest.fixture
def voter_page(client, db):
    motion, _, camps = analysed()
    client.force_login(camps[0][1])
    assert {0, 1} <= {g.id for g in queries.analysis_of(queries.stored(motion)).groups}

    def get(against=None):
        url = reverse("analysis", args=[motion.slug])
        with warnings.catch_warnings():
            warnings.simplefilter("error", CacheKeyWarning)
            response = client.get(url, {} if against is None else {"against": against})
        assert response.status_code == 200
        html = response.content.decode()
        return html.split('id="personal-cruxes"')[1].split("</section>")[0]

    return get


OTHER_SIDE = "those who voted the other way on the motion"


def test_against_names_a_group_by_its_number_as_group_and_the_labels_do(voter_page):
    assert "from group 1." in voter_page("1") and "from group 2." in voter_page("2")
    assert OTHER_SIDE in voter_page()
    # The links write the number too.
    assert '<a href="?against=2#personal-cruxes">group 2</a>' in voter_page("1")


def test_against_zero_from_an_old_link_names_no_group_and_says_so(voter_page):
    """Once the parameter took the group's id, 0 for group 1: no group has number 0, so an old
    link compares her with the other side, under a note that the groups count from 1."""
    page = voter_page("0")
    assert OTHER_SIDE in page and "from group" not in page
    note = page.split('id="personal-no-group"')[1].split("</p>")[0]
    assert "numbered from 1 to 2" in note
    assert 'id="personal-no-group"' not in voter_page() + voter_page("1")


@pytest.mark.parametrize(
    "against", ["0_0", "1_0", " 1 ", "+0", "-0", "\u0661", "0x0", "9" * 4000, "1" * 19, "3"]
)
def test_against_that_is_no_group_s_number_is_not_asked_for(voter_page, against):
    """int() reads most of these as a group that exists; the page's links write none. Each is
    the page an old link's 0 gets: the other side, and the note."""
    assert voter_page(against) == voter_page("0")
    assert voter_page("") == voter_page()
