"""Clearing up after a spam wave: a member's arguments still shown, hidden in one act.

Each argument is hidden as one hide would (its flags upheld, a log entry, open pages updated
live), so nothing differs from hiding them one by one but the moderator's time, and that its
author is told once: the entries after the first name it as their batch, and its notice counts
them (notifications.services.notify_of_act).
"""

from django.db import transaction

from debates import moderation_queries, policy
from debates.errors import DebateRuleError
from debates.moderation import (
    Outcome,
    clean_reason,
    hide_argument,
    require_moderator,
    review_queue_changed,
)

# How far back a moderator may reach, in days (None: all of them), with what the form says.
WINDOWS = [(1, "Posted in the last day"), (7, "Posted in the last 7 days"), (None, "All of them")]


def parse_window(raw) -> int | None:
    """A window from the form ("1", "7" or "all"); a clear 422 for anything else."""
    raw = str(raw or "").strip().lower()
    for days, _ in WINDOWS:
        if raw == ("all" if days is None else str(days)):
            return days
    raise DebateRuleError(
        "Choose which of their arguments to hide: the last day's, the last 7 days', or all.",
        status=422,
        field="window",
    )


@transaction.atomic
def hide_arguments_by(*, moderator, member, reason: str, days: int | None) -> Outcome:
    """Hide every argument of `member` still shown, or those posted in the last `days`."""
    require_moderator(moderator)
    reason = clean_reason(reason, required=True)
    policy.enforce(policy.bulk_hide_refusal(moderator, member))
    arguments = moderation_queries.shown_arguments_by(member, days=days).order_by("id")
    hidden, first = 0, None
    for argument in arguments.select_for_update():
        outcome = hide_argument(moderator=moderator, argument=argument, reason=reason, batch=first)
        hidden += outcome.changed
        first = first or outcome.entry
    if not hidden:
        return Outcome(
            False, f"None of {member.display_name}'s arguments were shown; nothing changed."
        )
    # The flags on all of them closed: the moderators' queue count is told once.
    review_queue_changed()
    plural = "s" if hidden != 1 else ""
    return Outcome(True, f"{hidden} argument{plural} by {member.display_name} hidden.")
