"""Votes: agree or disagree with a motion or argument.

On PostgreSQL a vote is one statement: the PL/pgSQL function in cast_vote.sql, beside this
module, which each connection installs as a temporary function before its first vote. Voting is
the busiest write, and the statement costs a fraction of the time of the same work done through
the ORM in five queries and a transaction. When the vote is its own transaction the same
statement announces it to open pages (debates.events), instead of a second one after commit.
SQLite, one development process, takes the ORM path. Which rule refuses a vote, in which order and
with which message, is debates.policy's (vote_refusal, refused_vote): the ORM path asks it, the
statement restates it in SQL, and tests/test_vote_paths.py holds the two to the same results.
"""

import weakref
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from debates import events
from debates.errors import DebateRuleError
from debates.models import Argument, Motion, Vote
from debates.policy import enforce, participation_refusal, refused_vote, vote_refusal

__all__ = ["WITHDRAW", "VoteResult", "cast_vote", "cast_vote_at"]

# A choice that only ever takes the voter's vote away (the API's DELETE): decided under the
# claim's lock, so a repeated or crossing request never casts the vote it meant to withdraw.
WITHDRAW = "withdraw"


@dataclass(frozen=True)
class VoteResult:
    """The claim's tallies after a vote, and what the voter now holds (None when withdrawn).

    `claim` is the claim as locked for the vote (with its motion, for an argument): enough to
    show the vote widget without loading it again.
    """

    agree_count: int
    disagree_count: int
    choice: str | None
    claim: Motion | Argument


def cast_vote(*, voter, claim, choice, toggle: bool = True) -> VoteResult:
    """Agree or disagree with a motion or argument; the same choice again withdraws the vote, as
    the page's pressed button does, or with `toggle` off leaves it as it is (the API's POST: a
    client's retry must not take back the vote it cast).

    `choice` WITHDRAW takes away the vote held, if any. Rules: a valid choice (400); the voter
    may take part (403); then debates.policy.vote_refusal: not their own claim (403), the motion
    neither locked (403) nor hidden (409), the argument neither hidden nor retracted (409). The
    claim row is locked until commit, so one person's concurrent clicks are applied one after
    another, and the tallies change beside the Vote row.
    `claim.agree_count`/`disagree_count` are refreshed on the instance passed in.
    """
    result = _vote(voter, type(claim), claim.pk, None, choice, toggle)
    claim.agree_count, claim.disagree_count = result.agree_count, result.disagree_count
    return result


def cast_vote_at(
    *, voter, slug, argument_id: int | None = None, choice, toggle: bool = True
) -> VoteResult:
    """cast_vote on the motion `slug`, or on its argument `argument_id`, found by the same query
    that locks it. Raises Motion.DoesNotExist or Argument.DoesNotExist when there is none."""
    model = Motion if argument_id is None else Argument
    return _vote(voter, model, argument_id, slug, choice, toggle)


def _vote(voter, model, claim_id, slug, choice, toggle) -> VoteResult:
    if choice not in (*Vote.Choice.values, WITHDRAW):
        raise DebateRuleError("Choose agree or disagree.", status=400, field="choice")
    refusal = participation_refusal(voter, "vote")
    if refusal:
        raise DebateRuleError(refusal, status=403)
    try:
        return _cast_vote(voter, model, claim_id, slug, choice, toggle)
    except IntegrityError:
        # Only reachable if a writer that skips the claim lock added the voter's vote meanwhile.
        # The attempt was its own transaction or ran in a savepoint, so the retry can see it.
        try:
            return _cast_vote(voter, model, claim_id, slug, choice, toggle)
        except IntegrityError:
            raise DebateRuleError(
                "Your vote clashed with another one; please try again.", status=409
            ) from None


def _cast_vote(voter, model, claim_id, slug, choice, toggle) -> VoteResult:
    if model not in (Motion, Argument):
        raise TypeError(f"Cannot vote on {model.__name__}.")
    announced = False
    if connection.vendor == "postgresql" and IN_ONE_STATEMENT:
        claim, outcome, announced = _in_one_statement(voter, model, claim_id, slug, choice, toggle)
    else:
        claim, outcome = _through_the_orm(voter, model, claim_id, slug, choice, toggle)
    _refuse(model, outcome)
    if outcome in (NOTHING_HELD, KEPT):  # nothing changed, so nothing to tell anyone
        held = choice if outcome == KEPT else None
        return VoteResult(claim.agree_count, claim.disagree_count, held, claim)
    motion = claim if model is Motion else claim.motion
    announce = events.announced_by_statement if announced else events.announce
    announce(motion.pk, events.VOTE_CHANGED, claim=_kind(model), claim_id=claim.pk)
    if not announced:  # her other pages show her vote as a reload would (issue 17)
        events.announce_to_voter(voter.pk, claim=_kind(model), claim_id=claim.pk)
    now = None if outcome == WITHDRAWN else outcome
    return VoteResult(claim.agree_count, claim.disagree_count, now, claim)


# What a vote came to: the choice now held, WITHDRAWN, or why nothing changed (MISSING,
# NOTHING_HELD, KEPT, or a debates.policy.vote_refusal code).
WITHDRAWN = "withdrawn"
NOTHING_HELD = "nothing-held"  # WITHDRAW with no vote held
KEPT = "kept"  # the choice held already, sent again with `toggle` off
MISSING = "missing"


def _refuse(model, outcome):
    if outcome == MISSING:
        raise model.DoesNotExist(f"No such {_kind(model)}.")
    enforce(refused_vote(outcome, _kind(model)))


def _kind(model):
    return "motion" if model is Motion else "argument"


# --- PostgreSQL: one statement ------------------------------------------------------------------

# The differential test (tests/test_vote_paths.py) turns this off to run the ORM path on PostgreSQL.
IN_ONE_STATEMENT = True

_FUNCTION = Path(__file__).with_name("cast_vote.sql").read_text()
_installed = weakref.WeakSet()  # the psycopg connections that hold pg_temp.crux_cast_vote

_MOTION_FIELDS = ("id", "slug", "state", "visibility")
_CLAIM_FIELDS = ("id", "parent_id", "author_id", "visibility", "agree_count", "disagree_count")


def _in_one_statement(voter, model, claim_id, slug, choice, toggle):
    """The vote, and whether the statement announced it."""
    announcement = _announcement(model, voter)
    # Inside a caller's transaction the statement gets a savepoint, as the ORM path's atomic
    # block does: a vote that loses a unique-key race must leave that transaction usable for
    # the retry.
    in_savepoint = transaction.atomic() if connection.in_atomic_block else nullcontext()
    with in_savepoint, connection.cursor() as cursor:
        _install_function(cursor)
        cursor.execute(
            "SELECT * FROM pg_temp.crux_cast_vote"
            "(%s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s, %s)",
            [voter.pk, model is Argument, claim_id, slug, choice, toggle, *announcement],
        )
        outcome, *claim_row, motion_id, motion_slug, state, motion_visibility = cursor.fetchone()
    announced = announcement[0] is not None
    if outcome == MISSING:
        return None, outcome, announced
    motion_row = (motion_id, motion_slug, state, motion_visibility)
    motion = _loaded(Motion, dict(zip(_MOTION_FIELDS, motion_row, strict=True)))
    if model is Motion:
        _, _, motion.author_id, _, motion.agree_count, motion.disagree_count = claim_row
        return motion, outcome, announced
    claim = _loaded(Argument, dict(zip(_CLAIM_FIELDS, claim_row, strict=True), motion_id=motion_id))
    claim.motion = motion
    return claim, outcome, announced


def _install_function(cursor):
    """Create the vote function in this connection's temporary schema, unless it holds one for
    good: only one made outside a transaction counts, since one made inside lasts only if that
    transaction commits."""
    database = connection.connection
    if database not in _installed:
        cursor.execute(_FUNCTION)
        if not connection.in_atomic_block:
            _installed.add(database)


def _announcement(model, voter):
    """The events (the public's, the voter's own), channel and lock key with which the vote
    statement announces the vote as it commits, or Nones: then the vote is announced after the
    commit (debates.events)."""
    # The statement fills in the motion's id and the claim's: a vote by slug has neither here.
    event = events.DebateEvent(None, events.VOTE_CHANGED, {"claim": _kind(model), "claim_id": None})
    own = events.member_voted(voter.pk, _kind(model), None)
    return events.statement_announcement(event, own) or (None, None, None, None)


def _loaded(model, values):
    """An instance of `model` as the ORM would load it with only these fields."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(connection.alias, names, [values[name] for name in names])


# --- SQLite and any other database: the ORM -----------------------------------------------------

_COUNTER = {Vote.Choice.AGREE: "agree_count", Vote.Choice.DISAGREE: "disagree_count"}


@transaction.atomic
def _through_the_orm(voter, model, claim_id, slug, choice, toggle):
    # One query finds and locks the claim with its tallies and its motion's state; every vote on
    # the claim takes this lock before touching its Vote rows, so what is read after it stays
    # true until commit.
    lookup = {} if claim_id is None else {"pk": claim_id}
    counts = ("author", "agree_count", "disagree_count")
    if model is Motion:
        lookup |= {"slug": slug} if slug is not None else {}
        claims = Motion.objects.only("slug", "state", "visibility", *counts)
    else:
        lookup |= {"motion__slug": slug} if slug is not None else {}
        claims = Argument.objects.select_related("motion").only(
            "parent", "visibility", *(f"motion__{f}" for f in _MOTION_FIELDS[1:]), *counts
        )
    claim = claims.select_for_update(of=("self",), no_key=True).filter(**lookup).first()
    if claim is None:
        return None, MISSING
    refusal = vote_refusal(voter, claim, claim if model is Motion else claim.motion)
    if refusal:
        return claim, refusal

    on_claim = {_kind(model): claim, "argument" if model is Motion else "motion": None}
    votes = Vote.objects.filter(user=voter, **on_claim)
    held = votes.values_list("choice", flat=True).first()
    if held is None and choice == WITHDRAW:
        return claim, NOTHING_HELD
    if held == choice and not toggle:
        return claim, KEPT
    if held is None:
        Vote.objects.create(user=voter, choice=choice, **on_claim)
        outcome = choice
    elif held == choice or choice == WITHDRAW:
        votes.delete()
        outcome = WITHDRAWN
    else:
        votes.update(choice=choice, updated_at=timezone.now())
        outcome = choice
    delta = dict.fromkeys(_COUNTER.values(), 0)
    if held is not None:
        delta[_COUNTER[held]] -= 1
    if outcome != WITHDRAWN:
        delta[_COUNTER[outcome]] += 1
    model.objects.filter(pk=claim.pk).update(
        **{name: F(name) + step for name, step in delta.items() if step}
    )
    claim.agree_count += delta["agree_count"]
    claim.disagree_count += delta["disagree_count"]
    return claim, outcome
