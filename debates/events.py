"""What changed in a debate, announced to open pages once the change is committed."""

from dataclasses import dataclass, field

from django.db import transaction

# Kinds of event, named for what an open page must do about them.
ARGUMENT_POSTED = "argument-posted"
ARGUMENT_CHANGED = "argument-changed"
VOTE_CHANGED = "vote-changed"
MOTION_CHANGED = "motion-changed"
KINDS = {ARGUMENT_POSTED, ARGUMENT_CHANGED, VOTE_CHANGED, MOTION_CHANGED}


@dataclass(frozen=True)
class DebateEvent:
    motion_id: int
    kind: str
    ids: dict = field(default_factory=dict)


def announce(motion_id: int, kind: str, **ids) -> None:
    """Publish after the surrounding transaction commits; rolled-back work announces nothing.

    `ids` name what changed (argument_id=..., claim="argument"/"motion"); pages re-read it.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown debate event {kind!r}")
    event = DebateEvent(motion_id=motion_id, kind=kind, ids=ids)
    transaction.on_commit(lambda: _publish(event), robust=True)


def _publish(event: DebateEvent) -> None:
    from debates.live import broker

    broker().record_and_publish(event)
