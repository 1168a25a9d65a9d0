"""What changed in a debate, announced to open pages once the change is committed.

This is the domain's only door to the live transport (debates.live): writes call `announce`, and
the one write that announces inside its own statement (a vote on PostgreSQL) asks
`statement_announcement` for what its statement needs.
"""

import json
from dataclasses import dataclass, field

from django.db import connection, transaction

# Kinds of event, named for what an open page must do about them.
ARGUMENT_POSTED = "argument-posted"
ARGUMENT_CHANGED = "argument-changed"
VOTE_CHANGED = "vote-changed"
MOTION_CHANGED = "motion-changed"
KINDS = {ARGUMENT_POSTED, ARGUMENT_CHANGED, VOTE_CHANGED, MOTION_CHANGED}


@dataclass(frozen=True)
class DebateEvent:
    motion_id: int | None
    kind: str
    ids: dict = field(default_factory=dict)

    def payload(self) -> str:
        """The event as its transport carries it, before the transport adds its id."""
        return json.dumps({"motion_id": self.motion_id, "kind": self.kind, "ids": self.ids})


def announce(motion_id: int, kind: str, **ids) -> None:
    """Publish after the surrounding transaction commits; rolled-back work announces nothing.

    `ids` name what changed (argument_id=..., claim="argument"/"motion"); pages re-read it.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown debate event {kind!r}")
    event = DebateEvent(motion_id=motion_id, kind=kind, ids=ids)
    transaction.on_commit(lambda: _publish(event), robust=True)


def statement_announcement(event: DebateEvent) -> tuple[str, str, int] | None:
    """(payload, channel, lock key) with which one SQL statement can announce `event` as it
    commits, or None: then the caller announces after its commit, as every other write does.

    Only a statement that is its own transaction may: the announcement holds the lock that orders
    all events until commit, which must not wait on a caller's further work.
    """
    if connection.in_atomic_block:
        return None
    from debates.live import broker

    statement = broker().announcing_statement()
    return None if statement is None else (event.payload(), *statement)


def _publish(event: DebateEvent) -> None:
    from debates.live import broker

    broker().record_and_publish(event)
