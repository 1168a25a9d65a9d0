"""Signing out ends a session's own live events at once, not when its streams next reconnect.

A stream gives a member her own events only if it opened with her live session (endpoint). That
check is made once, as it opens; so when she signs out, her session's open streams are told on
her channel, through the broker, in every server process (LISTEN/NOTIFY on PostgreSQL, in the
process on SQLite), and stop her events: a debate's or the home page's stream carries on without
them, her own stream alone ends (reconnecting, it is refused as any stream without her session).

The event names the session by a keyed digest of its key, never the key, and her streams in
her other sessions, still signed in, ignore it. Wired to Django's user_logged_out by
apps.LiveConfig: the accounts app never hears of the live transport.
"""

from django.db import transaction
from django.utils.crypto import salted_hmac

from debates.events import DebateEvent
from debates.live.hub import broker

# Of no motion, on the member's channel alone (fanout.LiveEvent.channels); never rendered.
MEMBER_SIGNED_OUT = "member-signed-out"
_SALT = "crux.live.signed-out"


def session_mark(session_key: str | None) -> str | None:
    """What names a session in a sign-out event: nothing an eavesdropper could sign in with."""
    return salted_hmac(_SALT, session_key, algorithm="sha256").hexdigest() if session_key else None


def is_sign_out(live) -> bool:
    return live.kind == MEMBER_SIGNED_OUT


def ends(live, session: str | None) -> bool:
    """Whether a sign-out event is of the session a stream opened with."""
    return session is not None and live.ids.get("session") == session


def on_signed_out(sender, request, user, **kwargs):
    session = session_mark(getattr(getattr(request, "session", None), "session_key", None))
    if user is None or user.pk is None or session is None:
        return
    event = DebateEvent(
        motion_id=None,
        kind=MEMBER_SIGNED_OUT,
        ids={"member_id": user.pk, "session": session},
    )
    # After whatever the sign-out's request commits, as every event goes out; a fault here
    # never refuses the sign-out (the streams then stop at their next reconnection).
    transaction.on_commit(lambda: broker().publish(event), robust=True)
