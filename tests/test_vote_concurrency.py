"""Concurrent votes: threads with their own database connections vote on one claim at once.

Whatever the interleaving, the tallies must equal the Vote rows and nobody may hold two votes.
On PostgreSQL the claim row lock serialises votes on a claim; on SQLite, IMMEDIATE transactions
serialise all writers. The heavy runs are PostgreSQL-only; a lighter one runs on both.
"""

import queue
import random
import threading
import time
from contextlib import nullcontext

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.models import Count, F

from debates import voting
from debates.errors import DebateRuleError
from debates.models import Argument, Motion, Vote
from debates.voting import cast_vote
from tests.concurrency import run_at_once
from tests.factories import ArgumentFactory, MotionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Row locks and real parallel writers: PostgreSQL."
)


def vote_job(user_pk, claim_model, claim_pk, choice):
    def job():
        # Each thread loads its own objects, as separate requests would.
        voter = UserFactory._meta.model.objects.get(pk=user_pk)
        claim = claim_model.objects.get(pk=claim_pk)
        return cast_vote(voter=voter, claim=claim, choice=choice)

    return job


def assert_tallies_equal_the_votes(claim):
    field = "motion" if isinstance(claim, Motion) else "argument"
    votes = Vote.objects.filter(**{field: claim})
    claim.refresh_from_db()
    assert claim.agree_count == votes.filter(choice="agree").count()
    assert claim.disagree_count == votes.filter(choice="disagree").count()
    most = votes.values("user").annotate(n=Count("pk")).order_by("-n").values_list("n", flat=True)
    assert max(most, default=0) <= 1
    call_command("recount_votes", "--check", stdout=open("/dev/null", "w"))  # noqa: SIM115


def same_user_clicks(claim, clicks):
    """One person clicking Agree `clicks` times at once: every click is a toggle, in turn."""
    user = UserFactory()
    jobs = [vote_job(user.pk, type(claim), claim.pk, "agree") for _ in range(clicks)]

    results, errors = run_at_once(jobs)

    assert errors == []
    # Serialised toggles alternate: half the clicks saw "agree" come out, half saw it withdrawn.
    assert sorted(str(r.choice) for r in results) == sorted(
        ["agree"] * ((clicks + 1) // 2) + ["None"] * (clicks // 2)
    )
    expected = 1 if clicks % 2 else 0
    assert Vote.objects.filter(user=user).count() == expected
    assert_tallies_equal_the_votes(claim)
    claim.refresh_from_db()
    assert (claim.agree_count, claim.disagree_count) == (expected, 0)


def many_users_at_once(claim, voters):
    users = UserFactory.create_batch(voters)
    choices = ["agree" if i % 3 else "disagree" for i in range(voters)]
    jobs = [vote_job(u.pk, type(claim), claim.pk, c) for u, c in zip(users, choices, strict=True)]

    results, errors = run_at_once(jobs)

    assert errors == [] and len(results) == voters
    assert_tallies_equal_the_votes(claim)
    claim.refresh_from_db()
    assert claim.agree_count == choices.count("agree")
    assert claim.disagree_count == choices.count("disagree")


def mixed_storm(claim, users, clicks_each, seed=11):
    """Several people, each clicking agree/disagree several times at once, in random order."""
    rng = random.Random(seed)
    people = UserFactory.create_batch(users)
    jobs = [
        vote_job(p.pk, type(claim), claim.pk, rng.choice(["agree", "disagree"]))
        for p in people
        for _ in range(clicks_each)
    ]
    rng.shuffle(jobs)

    results, errors = run_at_once(jobs)

    assert errors == [] and len(results) == len(jobs)
    assert_tallies_equal_the_votes(claim)


# --- PostgreSQL: the real thing ----------------------------------------------------------------


@postgres_only
def test_pg_one_person_clicking_many_times_at_once_never_double_counts():
    same_user_clicks(ArgumentFactory(), clicks=15)


@postgres_only
def test_pg_one_person_clicking_a_motion_many_times_at_once():
    same_user_clicks(MotionFactory(), clicks=12)


@postgres_only
def test_pg_many_people_voting_at_once_are_all_counted():
    many_users_at_once(ArgumentFactory(), voters=30)


@postgres_only
def test_pg_a_storm_of_mixed_votes_and_switches_leaves_honest_tallies():
    mixed_storm(ArgumentFactory(), users=8, clicks_each=4)


@postgres_only
def test_pg_a_storm_on_a_motion_and_its_argument_together():
    motion = MotionFactory()
    argument = ArgumentFactory(motion=motion)
    people = UserFactory.create_batch(6)
    rng = random.Random(5)
    jobs = [
        vote_job(p.pk, model, pk, rng.choice(["agree", "disagree"]))
        for p in people
        for model, pk in [(Motion, motion.pk), (Argument, argument.pk)] * 2
    ]

    _results, errors = run_at_once(jobs)

    assert errors == []
    assert_tallies_equal_the_votes(motion)
    assert_tallies_equal_the_votes(argument)


@postgres_only
def test_pg_votes_racing_a_lock_are_either_counted_or_refused():
    motion = MotionFactory()
    argument = ArgumentFactory(motion=motion)
    racing, late = UserFactory.create_batch(6), UserFactory.create_batch(4)
    locked = threading.Event()

    def lock():
        Motion.objects.filter(pk=motion.pk).update(state=Motion.State.LOCKED)
        locked.set()

    def voter(user, after_the_lock):
        cast = vote_job(user.pk, Argument, argument.pk, "agree")

        def job():
            if after_the_lock:
                assert locked.wait(timeout=30)
            try:
                return user.pk, cast()
            except DebateRuleError as refusal:
                return user.pk, refusal

        return job

    jobs = [voter(u, False) for u in racing] + [lock] + [voter(u, True) for u in late]
    results, errors = run_at_once(jobs)

    assert errors == []
    answers = dict(r for r in results if r is not None)
    counted = {pk for pk, answer in answers.items() if not isinstance(answer, DebateRuleError)}
    refused = {pk: answer for pk, answer in answers.items() if pk not in counted}
    assert answers.keys() == {u.pk for u in racing + late}
    assert {u.pk for u in late} <= refused.keys()  # so refusals are always checked below
    for refusal in refused.values():
        assert (refusal.status, refusal.message) == (
            403,
            "This motion is locked, so voting on it is closed.",
        )
    assert set(Vote.objects.values_list("user", flat=True)) == counted
    assert_tallies_equal_the_votes(argument)


# --- Both databases: a lighter run -------------------------------------------------------------


@pytest.fixture
def real_concurrent_writers():
    """Skip on pytest-django's default in-memory SQLite test database.

    That database is shared between threads through SQLite's shared cache, whose table locks
    fail at once ("database table is locked") instead of waiting on busy_timeout as a file
    database does. File-backed SQLite (as in production, with IMMEDIATE transactions) passes:
    give the test database a file name (DATABASES["default"]["TEST"]["NAME"]) to run these.
    """
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("In-memory shared-cache SQLite cannot queue concurrent writers.")


def test_a_few_clicks_at_once_by_one_person(real_concurrent_writers):
    same_user_clicks(ArgumentFactory(), clicks=4)


def test_a_few_people_at_once(real_concurrent_writers):
    many_users_at_once(ArgumentFactory(), voters=5)


def test_a_small_storm(real_concurrent_writers):
    mixed_storm(MotionFactory(), users=3, clicks_each=2)


# --- A vote that loses a unique-key race -------------------------------------------------------


def backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def wait_until_blocked(pid):
    """Until backend `pid` waits on a lock (pg_locks is live, even inside a transaction)."""
    for _ in range(500):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT FROM pg_locks WHERE pid = %s AND NOT granted)", [pid]
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.01)
    pytest.fail("the vote never waited on the other writer")


@postgres_only
@pytest.mark.parametrize("in_a_transaction", [True, False], ids=["in-a-transaction", "alone"])
@pytest.mark.parametrize("in_one_statement", [True, False], ids=["statement", "orm"])
def test_pg_a_vote_that_loses_a_unique_key_race_is_retried(
    monkeypatch, in_a_transaction, in_one_statement
):
    """A writer that skips the claim lock (no Crux write does) inserts the voter's Vote row while
    the vote runs: the vote's own insert waits on it, then fails on the unique key. The retry
    must see that row and switch it; inside a caller's transaction that needs a savepoint, or
    the caller's transaction is left aborted."""
    monkeypatch.setattr(voting, "IN_ONE_STATEMENT", in_one_statement)
    argument = ArgumentFactory()
    voter = UserFactory()
    # The other writer counts its vote first, in its own transaction, so the tallies end honest.
    Argument.objects.filter(pk=argument.pk).update(disagree_count=F("disagree_count") + 1)
    pids, outcome = queue.Queue(), {}

    def vote():
        try:
            pids.put(backend_pid())
            with transaction.atomic() if in_a_transaction else nullcontext():
                outcome["result"] = cast_vote(voter=voter, claim=argument, choice="agree")
                # The caller's transaction goes on after the vote.
                outcome["votes"] = Vote.objects.filter(user=voter).count()
        except Exception as error:
            outcome["error"] = error
        finally:
            connections.close_all()

    with transaction.atomic():
        Vote.objects.create(user=voter, argument=argument, choice="disagree")
        casting = threading.Thread(target=vote)
        casting.start()
        wait_until_blocked(pids.get(timeout=10))
    casting.join(timeout=30)

    assert "error" not in outcome, outcome.get("error")
    result = outcome["result"]
    assert (result.agree_count, result.disagree_count, result.choice) == (1, 0, "agree")
    assert outcome["votes"] == 1
    assert Vote.objects.get(user=voter).choice == "agree"
    assert_tallies_equal_the_votes(argument)
