"""Issue 19's analysis runs in the background: stored per motion, queued after each committed
change, at most one pending per motion; `manage.py analyse` runs it at once."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.tasks import default_task_backend
from django.utils import timezone

from analysis import scheduling, services, tasks
from analysis.ballots import ballots
from analysis.compute import Ballot, Claim
from analysis.models import MotionAnalysis
from debates import events, voting
from debates.models import Argument, Vote
from tests.factories import ArgumentFactory, MotionFactory, UserFactory
from tests.test_analysis_pages import plant_debate

DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def queue(settings):
    """A backend that keeps what is enqueued without running it."""
    settings.TASKS = DUMMY
    default_task_backend.clear()
    yield default_task_backend
    default_task_backend.clear()


def queued_motions(queue):
    return [result.args[0] for result in queue.results]


def test_refresh_stores_the_result_with_the_activity_it_read(db):
    motion, _, _ = plant_debate()
    motion.activity = 41
    motion.save()
    before = timezone.now()
    stored = services.refresh(motion_id=motion.pk)
    assert stored.activity == 41 and stored.computed_at >= before
    assert stored.result["voters"] == 24 and stored.result["groups"]
    assert stored.queued_at is None
    assert set(stored.group_votes) >= {"0", "1", "motion:agree", "motion:disagree"}


def test_an_older_run_never_overwrites_a_newer_result(db):
    motion = MotionFactory()
    MotionAnalysis.objects.create(motion=motion, activity=9, result={"stale": False})
    services.refresh(motion_id=motion.pk)  # read activity 0: behind what is stored
    assert MotionAnalysis.objects.get(motion=motion).result == {"stale": False}


def test_ballots_leave_out_hidden_and_retracted_arguments_in_one_query(
    db, django_assert_num_queries
):
    motion = MotionFactory()
    shown = ArgumentFactory(motion=motion)
    hidden = ArgumentFactory(motion=motion, visibility=Argument.Visibility.HIDDEN)
    retracted = ArgumentFactory(motion=motion, visibility=Argument.Visibility.RETRACTED)
    elsewhere = ArgumentFactory()
    voter = UserFactory()
    Vote.objects.create(user=voter, motion=motion, choice="agree")
    for argument in (shown, hidden, retracted, elsewhere):
        Vote.objects.create(user=voter, argument=argument, choice="disagree")
    with django_assert_num_queries(1):
        found = ballots(motion.pk)
    assert sorted(found, key=lambda b: b.claim.kind) == [
        Ballot(voter.pk, Claim("argument", shown.pk), False),
        Ballot(voter.pk, Claim("motion", motion.pk), True),
    ]


def test_requests_are_debounced_to_one_pending_run_per_motion(db, queue):
    motion, other = MotionFactory(), MotionFactory()
    assert scheduling.request_analysis(motion_id=motion.pk)
    assert not scheduling.request_analysis(motion_id=motion.pk)
    assert scheduling.request_analysis(motion_id=other.pk)
    assert queued_motions(queue) == [motion.pk, other.pk]
    tasks.analyse_motion.call(motion.pk)  # the run clears the mark as it starts
    assert scheduling.request_analysis(motion_id=motion.pk)
    assert queued_motions(queue) == [motion.pk, other.pk, motion.pk]


def test_a_mark_left_by_a_dead_run_is_queued_again(db, queue):
    motion = MotionFactory()
    stale = timezone.now() - scheduling.STALE - timedelta(seconds=1)
    MotionAnalysis.objects.create(motion=motion, queued_at=stale)
    assert scheduling.request_analysis(motion_id=motion.pk)
    assert queued_motions(queue) == [motion.pk]


def test_a_committed_vote_queues_an_analysis(db, queue, django_capture_on_commit_callbacks):
    argument = ArgumentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        voting.cast_vote_at(
            voter=UserFactory(), slug=argument.motion.slug, argument_id=argument.pk, choice="agree"
        )
    assert queued_motions(queue) == [argument.motion_id]


def test_a_vote_its_statement_announced_queues_an_analysis_too(
    db, queue, django_capture_on_commit_callbacks
):
    """On PostgreSQL the vote's own statement announces it to pages; listeners still hear."""
    motion = MotionFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        events.announced_by_statement(motion.pk, events.VOTE_CHANGED, claim="motion")
        assert queued_motions(queue) == []  # not before the commit
    assert len(callbacks) == 1
    assert queued_motions(queue) == [motion.pk]


def test_the_immediate_backend_computes_on_commit(db, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    motion, _, camps = plant_debate()
    with django_capture_on_commit_callbacks(execute=True):
        voting.cast_vote_at(voter=UserFactory(), slug=motion.slug, choice="agree")
    stored = MotionAnalysis.objects.get(motion=motion)
    assert stored.result["voters"] == 2 * len(camps[0]) + 1


def test_the_analyse_command_computes_at_once(db, capsys):
    motion, _, _ = plant_debate()
    call_command("analyse", motion.slug)
    assert MotionAnalysis.objects.get(motion=motion).result["voters"] == 24
    assert "24 voters" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No motion"):
        call_command("analyse", "no-such-motion")
