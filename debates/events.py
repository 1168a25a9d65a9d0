"""What changed in a debate, announced to open pages once the change is committed.

This is the domain's only door to the live transport: writes call `announce`, and the one write
that announces inside its own statement (a vote on PostgreSQL) asks `statement_announcement` for
what its statement needs. The transport (debates.live) registers itself here when Django starts;
the domain never imports it. Every announcement stamps the motion as changed, with or without
a transport.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from django.db import connection, transaction
from django.db.models import F, Q
from django.dispatch import Signal

from debates.models import Argument, Motion

# Kinds of event, named for what an open page must do about them.
ARGUMENT_POSTED = "argument-posted"
ARGUMENT_CHANGED = "argument-changed"
VOTE_CHANGED = "vote-changed"
MOTION_CHANGED = "motion-changed"
KINDS = {ARGUMENT_POSTED, ARGUMENT_CHANGED, VOTE_CHANGED, MOTION_CHANGED}
# Not a debate's, and for one member's pages alone: what awaits them changed (their unread
# notifications), what they hold on a claim (their own vote, which the public never learns), or
# what their own copy of an argument or motion says that nobody else's does (where their appeal
# stands).
MEMBER_NOTIFIED = "member-notified"
MEMBER_VOTED = "member-voted"
MEMBER_OWN_ARGUMENT = "member-own-argument"
MEMBER_OWN_MOTION = "member-own-motion"
# A motion made (proposed or imported): for this process's listeners alone
# (motion_proposed). No page shows the motion yet, so the transport has nothing to carry.
MOTION_PROPOSED = "motion-proposed"


@dataclass(frozen=True)
class DebateEvent:
    motion_id: int | None
    kind: str
    ids: dict = field(default_factory=dict)

    def payload(self) -> str:
        """The event as its transport carries it, before the transport adds its id."""
        return json.dumps({"motion_id": self.motion_id, "kind": self.kind, "ids": self.ids})


class Transport(Protocol):
    # Whether `publish` stamps the motion in the statement that publishes (absent: it doesn't).
    # On PostgreSQL one commit instead of two halves the time a write takes to announce itself.
    stamps_motion: bool

    def publish(self, event: DebateEvent) -> None:
        """Tell open pages, in this process and any other; called after the commit."""

    def publish_many(self, events: list[DebateEvent]) -> None:
        """`publish` each of `events`, in order: at once, where the transport can."""

    def announcing_statement(self) -> tuple[str, int] | None:
        """The channel and lock key with which one SQL statement can publish as it commits, or
        None where events only go through `publish`."""


_transport: Callable[[], Transport] | None = None

# Sent in this process after each committed change (keyword `event`), for what keeps results
# derived from a debate (the analysis app queues a recomputation). The domain imports none of them.
debate_changed = Signal()
# Sent in this process after a motion is made and committed (keyword `event`, of MOTION_PROPOSED),
# for whom it concerns (notifications tell the members its context mentions). Apart from
# debate_changed: a motion nobody has voted on or argued in has nothing for the analysis to do.
motion_proposed = Signal()


def use_transport(current: Callable[[], Transport] | None) -> None:
    """Register where events go: a callable giving the process's transport at the time (tests
    swap it for one of their own), or None for nowhere."""
    global _transport
    _transport = current


def announce(motion_id: int, kind: str, **ids) -> None:
    """Publish after the surrounding transaction commits; rolled-back work announces nothing.

    `ids` name what changed (argument_id=..., claim="argument"/"motion"); pages re-read it.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown debate event {kind!r}")
    event = DebateEvent(motion_id=motion_id, kind=kind, ids=ids)
    transaction.on_commit(lambda: _publish(event), robust=True)


def announce_to_member(member_id: int) -> None:
    """Tell the member's open pages, after the surrounding commit, that what awaits them changed.

    An event of no motion: no motion is stamped and debate_changed stays silent (nothing in a
    debate changed); the transport carries it to that member's channel alone.
    """
    announce_to_members([member_id])


def announce_to_members(member_ids) -> None:
    """announce_to_member for each of `member_ids`, published together: one statement for
    everyone a reply tells, however many follow where it was posted."""
    batch = [
        DebateEvent(motion_id=None, kind=MEMBER_NOTIFIED, ids={"member_id": member_id})
        for member_id in member_ids
    ]
    if batch and _transport is not None:
        transaction.on_commit(lambda: _transport().publish_many(batch), robust=True)


def member_voted(member_id: int, claim: str, claim_id: int | None) -> DebateEvent:
    """The event that tells a voter's own pages that her vote on the claim ("motion" or
    "argument") changed: on her channel alone, since who voted never goes on a debate's stream.
    Pages re-read her vote, so it carries no choice (events may arrive out of order)."""
    return DebateEvent(
        motion_id=None,
        kind=MEMBER_VOTED,
        ids={"member_id": member_id, "claim": claim, "claim_id": claim_id},
    )


def announce_to_voter(member_id: int, *, claim: str, claim_id: int) -> None:
    """Tell the voter's open pages, after the surrounding commit, that her vote changed (a vote
    whose own statement did not announce it: inside a caller's transaction, or on SQLite)."""
    event = member_voted(member_id, claim, claim_id)
    transaction.on_commit(lambda: _publish(event), robust=True)


def announce_own_argument(member_id: int, argument_id: int) -> None:
    """Tell the member's open pages, after the surrounding commit, that her own copy of the
    argument changed while everyone else's stayed as it was (her appeal on it made or declined):
    on her channel alone, since the debate's stream has nothing new for anyone. Her pages that
    show it ask for their own copy, as a reload would render it; the event carries no state."""
    event = DebateEvent(
        motion_id=None,
        kind=MEMBER_OWN_ARGUMENT,
        ids={"member_id": member_id, "argument_id": argument_id},
    )
    transaction.on_commit(lambda: _publish(event), robust=True)


def announce_own_motion(member_id: int, motion_id: int) -> None:
    """Tell the member's open pages, after the surrounding commit, that where her appeal on her
    motion's hiding stands changed (made or declined): on her channel alone, as
    announce_own_argument. Her pages are sent it as a reload would render it (debates.live.member);
    the event carries no state."""
    event = DebateEvent(
        motion_id=None,
        kind=MEMBER_OWN_MOTION,
        ids={"member_id": member_id, "motion_id": motion_id},
    )
    transaction.on_commit(lambda: _publish(event), robust=True)


def announce_proposed(motion_id: int) -> None:
    """Tell this process's listeners (motion_proposed), after the surrounding commit, that the
    motion was made; a rolled-back one tells nobody."""
    event = DebateEvent(motion_id=motion_id, kind=MOTION_PROPOSED)
    transaction.on_commit(lambda: motion_proposed.send(DebateEvent, event=event), robust=True)


def stamp_activity(motion_id: int) -> None:
    """Mark the motion as changed (Motion.activity), which retires its cached fragments.

    Strictly after the commit: a page rendered from older data can only be cached under the
    stamp it read before this bump, which no reader asks for again.
    """
    Motion.objects.filter(pk=motion_id).update(activity=F("activity") + 1)


def stamp_activity_of_writer(member_id: int) -> None:
    """After the surrounding commit, retire the cached fragments of every debate the member wrote
    in (its motion or an argument): they show her name, which has just changed."""

    def stamp():
        written = Argument.objects.filter(author_id=member_id).values("motion_id")
        Motion.objects.filter(Q(author_id=member_id) | Q(pk__in=written)).update(
            activity=F("activity") + 1
        )

    transaction.on_commit(stamp, robust=True)


def statement_announcement(event: DebateEvent, *more: DebateEvent) -> tuple | None:
    """(payload, payloads of `more`..., channel, lock key) with which one SQL statement can
    announce `event` (stamping its motion itself) and `more` (a vote's to its voter) as it
    commits, or None: then the caller announces after its commit, as every other write does.

    Only a statement that is its own transaction may: the announcement holds the lock that orders
    all events until commit, which must not wait on a caller's further work.
    """
    if connection.in_atomic_block or _transport is None:
        return None
    statement = _transport().announcing_statement()
    if statement is None:
        return None
    return (event.payload(), *(e.payload() for e in more), *statement)


def announced_by_statement(motion_id: int, kind: str, **ids) -> None:
    """Tell this process's listeners of a change whose own statement announced it to pages and
    stamped the motion (a vote on PostgreSQL): they hear of every change alike."""
    event = DebateEvent(motion_id=motion_id, kind=kind, ids=ids)
    transaction.on_commit(lambda: debate_changed.send(DebateEvent, event=event), robust=True)


def _publish(event: DebateEvent) -> None:
    transport = None if _transport is None else _transport()
    if event.motion_id is None:
        if transport is not None:
            transport.publish(event)
        return
    if not getattr(transport, "stamps_motion", False):
        stamp_activity(event.motion_id)
    if transport is not None:
        transport.publish(event)
    debate_changed.send(DebateEvent, event=event)
