"""Rate limits on Crux's own writes (posting, editing, voting, flagging, proposing motions,
importing debates).

Each action has rates per signed-in user AND per client IP, spelt as allauth spells its own
(settings.CRUX_RATE_LIMITS, e.g. "post": "20/m/user,200/h/user,60/m/ip"); sign-in, sign-up and
password reset are limited by allauth itself (settings.ACCOUNT_RATE_LIMITS), in the Django cache.

Why a small helper rather than django-ratelimit: what is needed is small (a counter per action,
user or IP and time window); its refusal must be the in-place message each view shows, not an
exception page; and it uses allauth's notion of "the client's IP" (its adapter honours
ALLAUTH_TRUSTED_PROXY_COUNT / ALLAUTH_TRUSTED_CLIENT_IP_HEADER behind a proxy), so both limiters
agree on who is asking. django-ratelimit's last release is from 2023.

The counters live in the database (ratelimits.counting), not the cache: Django's database cache,
the production default, increments by reading and then writing, so 40 simultaneous posts got 14
through a limit of 10. One upsert per attempt counts every rate at once, atomically, on SQLite
and PostgreSQL, and every server process counts together whatever CACHE_URL says.

A write guarded by `attempt` that its own rules then refuse (a blank text, a locked motion) gives
its attempt back: someone correcting a mistake is not locked out by it.

An attempt may cost more than one: an import counts once as a motion, and then the arguments it
writes against a budget of imported arguments ("import-arguments"), so that a file of 2,000
arguments is not one write where posting them would be 2,000. Its number is known only once the
file is read, and it is counted before anything is written; refused, it costs nothing (nothing
was written, and a smaller file may still fit what is left), while the import around it counts
as the motion it tried to make.

Fixed windows: a burst at a window's edge can reach twice a rate, which is fine for spam control.
"""

import hashlib
import logging
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from ratelimits.counting import count_attempt, give_back

logger = logging.getLogger(__name__)

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*/\s*(user|ip)\s*$")


@dataclass(frozen=True)
class Rate:
    amount: int
    seconds: int
    per: str  # "user" or "ip"


def parse_rates(spec: str | None) -> list[Rate]:
    """'20/m/user,5/10m/ip' -> [Rate(20, 60, "user"), Rate(5, 600, "ip")]; "" or None: none."""
    rates = []
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        match = _RATE.match(part)
        if not match:
            raise ImproperlyConfigured(
                f"Bad rate {part!r}: expected e.g. '20/m/user' or '5/10m/ip'."
            )
        amount, count, unit, per = match.groups()
        rates.append(Rate(int(amount), int(count or 1) * UNITS[unit], per))
    return rates


class RateLimited(Exception):
    """Too many attempts: carries the message to show, the status (429) and when to retry.

    Shaped like debates.errors.DebateRuleError (message, status, field), so views can show it
    wherever they show a refused write.
    """

    status = 429
    field = None

    def __init__(self, action: str, retry_after: int, *, cost: int = 1, left: int | None = None):
        self.action = action
        self.retry_after = max(1, int(retry_after))
        if cost > 1 and left is not None:
            # What costs many (an import's arguments) may fit in what is left: said, so that a
            # smaller file can go now rather than wait.
            self.message = (
                f"This brings {cost:,} arguments, and you may import {left:,} more now: import a "
                f"smaller file, or wait {_wait(self.retry_after)}, then try again."
            )
        else:
            self.message = too_many_message(self.retry_after)
        super().__init__(self.message)


def _wait(retry_after: int | None) -> str:
    if not retry_after:
        return "a little while"
    if retry_after < 90:
        return f"{retry_after} second{'s' if retry_after != 1 else ''}"
    minutes = round(retry_after / 60)
    if minutes < 90:
        return f"about {minutes} minute{'s' if minutes != 1 else ''}"
    hours = round(minutes / 60)
    return f"about {hours} hour{'s' if hours != 1 else ''}"


def too_many_message(retry_after: int | None = None) -> str:
    return f"You are doing that too often. Please wait {_wait(retry_after)}, then try again."


def client_ip(request) -> str:
    """The client's address as allauth works it out (same proxy settings for both limiters)."""
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        return "unknown"


def _identity(request, per):
    if per == "user":
        user = getattr(request, "user", None)
        return f"u{user.pk}" if user is not None and user.is_authenticated else None
    return "ip" + hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]


def _count(windows: dict[str, int], action: str, now: int, cost: int) -> dict[str, int]:
    """Each window's count including this attempt; none (allowed) if the database fails."""
    try:
        return count_attempt(windows, now=now, cost=cost)
    except Exception:
        # Fail open: a counting failure must not stop people taking part; it is logged loudly.
        logger.exception("Rate limit counters unavailable; allowing %s", action)
        return {}


def _give_back(keys: list[str], cost: int, action: str) -> None:
    try:
        give_back(keys, cost=cost)
    except Exception:
        logger.exception("Rate limit counters unavailable; %s not given back", action)


@contextmanager
def attempt(request, action: str, *, cost: int = 1):
    """Count one attempt at `action` (`cost` times: an import's arguments, see above; 0 counts
    nothing) around the write it guards; raise RateLimited if any of its rates is now exceeded.
    Every rate is counted on every attempt, so one the limit refuses still counts (hammering does
    not shorten the wait), unless it has a cost (see above); if the write itself fails (its rules
    refuse what was sent), the attempt is given back, so correcting a mistake costs nothing."""
    keys = _admit(request, action, cost) if cost > 0 else []
    try:
        yield
    except RateLimited:
        # A limit nested inside refused it (an import's arguments, in its "motion" attempt), not
        # its rules: it counts, as any attempt a limit refuses does.
        raise
    except Exception:
        _give_back(keys, cost, action)
        raise


def _admit(request, action: str, cost: int) -> list[str]:
    rates = parse_rates(getattr(settings, "CRUX_RATE_LIMITS", {}).get(action))
    now = time.time()
    windows = {}
    for rate in rates:
        identity = _identity(request, rate.per)
        if identity is None:
            continue
        window = int(now // rate.seconds)
        key = f"{action}:{rate.amount}/{rate.seconds}:{identity}:{window}"
        windows[key] = (rate, (window + 1) * rate.seconds)
    counts = _count({key: end for key, (_, end) in windows.items()}, action, int(now), cost)
    over = [
        (rate, end, counts[key])
        for key, (rate, end) in windows.items()
        if counts.get(key, 0) > rate.amount
    ]
    if over:
        retry_after = max(end - now for _, end, _ in over)
        if cost != 1:
            _give_back(list(counts), cost, action)
        # What the fullest window had left before this attempt.
        left = max(0, min(rate.amount - (count - cost) for rate, _, count in over))
        raise RateLimited(action, round(retry_after + 0.5), cost=cost, left=left)
    return list(counts)
