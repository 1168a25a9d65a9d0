"""A member's suspension: how long it lasts, how it reads, and setting or lifting it.

This is the account's side only. Who may suspend whom, and the moderation log entry each act
writes, belong to the moderation act that calls these (debates.moderation), since the log and
the rules of who may do what live in debates; this module never imports debates, because
debates.policy imports it.
"""

import hashlib
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import dateformat, timezone

from accounts.models import ClosedAddress, User

# Suspended "indefinitely" is stored as the far future, so "is suspended" stays one comparison.
INDEFINITELY = datetime(9999, 12, 31, 23, 59, tzinfo=UTC)
MAX_DAYS = 3650
# The periods the forms offer, in days; None is indefinitely. The services take any 1..MAX_DAYS.
PERIODS = [(1, "1 day"), (7, "7 days"), (30, "30 days"), (None, "Indefinitely")]


def parse_days(raw):
    """A period from a form: "indefinitely" is None, else 1..MAX_DAYS days. Nothing chosen is
    refused, never read as the harshest period."""
    raw = str(raw if raw is not None else "").strip().lower()
    if raw == "indefinitely":
        return None
    if not raw:
        raise ValidationError("Choose how long the suspension lasts.", code="days")
    try:
        days = int(raw)
    except ValueError:
        raise ValidationError(
            "Choose how many days the suspension lasts, or indefinitely.", code="days"
        ) from None
    return check_days(days)


def check_days(days):
    """`days` itself when it is None (indefinitely) or 1..MAX_DAYS; ValidationError otherwise."""
    if days is None:
        return None
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValidationError(
            f"A suspension lasts 1 to {MAX_DAYS} days, or indefinitely.", code="days"
        )
    return days


def period_text(until):
    """ "indefinitely" or "until 3 March 2026, 14:00 UTC", as the member is told: in the format
    of the pages' banner and notices ("j F Y, H:i" UTC), which a refusal often stands beside."""
    if until.year >= INDEFINITELY.year:
        return "indefinitely"
    return f"until {dateformat.format(until.astimezone(UTC), 'j F Y, H:i')} UTC"


def suspended_refusal(user, action):
    """What a suspended `user` is told when they try to `action`, or None when not suspended."""
    if not user.is_suspended:
        return None
    period = period_text(user.suspended_until)
    reason = f" Reason: {user.suspension_reason}" if user.suspension_reason else ""
    return f"Your account is suspended {period}, so you cannot {action}.{reason}"


@transaction.atomic
def suspend(*, user: User, days: int | None, reason: str) -> User | None:
    """Suspend `user` for `days` (None: indefinitely). Returns the locked row suspended, or None
    when they already are (nothing changes: a suspension is lifted before it is changed)."""
    days = check_days(days)
    person = User.objects.select_for_update().get(pk=user.pk)
    if person.is_suspended:
        return None
    until = INDEFINITELY if days is None else timezone.now() + timedelta(days=days)
    person.suspended_until, person.suspension_reason = until, reason
    person.save(update_fields=["suspended_until", "suspension_reason"])
    user.suspended_until, user.suspension_reason = until, reason
    return person


@transaction.atomic
def lift(*, user: User) -> User | None:
    """End `user`'s suspension. Returns the locked row, or None when they were not suspended."""
    person = User.objects.select_for_update().get(pk=user.pk)
    if not person.is_suspended:
        return None
    person.suspended_until, person.suspension_reason = None, ""
    person.save(update_fields=["suspended_until", "suspension_reason"])
    user.suspended_until, user.suspension_reason = None, ""
    return person


def address_key(email: str) -> str:
    """What Crux keeps of an address of an account closed while suspended: a digest of it in
    lower case without its "+tag" (most mail services deliver name+anything@ to name@, so a tag
    is no new address)."""
    local, _, domain = str(email).strip().lower().rpartition("@")
    return hashlib.sha256(f"{local.split('+')[0]}@{domain}".encode()).hexdigest()


def keep_addresses(*, user: User, emails) -> None:
    """Before `user`'s account is closed while suspended: keep its addresses' keys."""
    keys = {address_key(email) for email in emails if email}
    ClosedAddress.objects.bulk_create(
        [ClosedAddress(account=user, key=key) for key in sorted(keys)], ignore_conflicts=True
    )


def closed_and_suspended(email: str) -> User | None:
    """The account closed while suspended that held `email`, its suspension still running (the
    longest, if several did), or None."""
    return (
        User.objects.filter(
            closed_addresses__key=address_key(email), suspended_until__gt=timezone.now()
        )
        .order_by("-suspended_until", "pk")
        .first()
    )


@transaction.atomic
def carry_over(*, closed: User, user: User, reason: str) -> User | None:
    """Suspend `user` as long as `closed` is, for `reason`. Returns the locked row, or None when
    `user` is already suspended at least as long."""
    person = User.objects.select_for_update().get(pk=user.pk)
    if person.is_suspended and person.suspended_until >= closed.suspended_until:
        return None
    person.suspended_until, person.suspension_reason = closed.suspended_until, reason
    person.save(update_fields=["suspended_until", "suspension_reason"])
    user.suspended_until, user.suspension_reason = person.suspended_until, reason
    return person
