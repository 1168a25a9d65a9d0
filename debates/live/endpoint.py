"""The live streams' HTTP endpoint: `/live/motions/<id>/`, `/live/home/` (each perhaps with its
member's `?member=<token>`) and `/live/members/<token>/`, a bare ASGI app. A member's own
events go only to a request that carries her live session cookie (read with Django's session
engine); without it her token counts as expired.

Served beside Django rather than through a Django view on purpose: Django's ASGI handler gives
every request its own worker thread for sync code, held until the response ends, and a page holds
this response open for as long as it is open. Its responses still pass through the middleware
that give every response of Crux's its request id and security headers.
"""

import asyncio
import contextlib
from importlib import import_module

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.db import DatabaseError, close_old_connections
from django.http import HttpResponse
from django.http.cookie import parse_cookie
from django.utils.crypto import constant_time_compare

from config.converters import is_id
from config.site_headers import asgi_headers, send_response, with_site_headers
from debates import policy
from debates.live.fanout import HOME, HOME_FOR_MODERATORS, MEMBER
from debates.live.paths import channels_for
from debates.live.signout import session_mark
from debates.live.stream import stream
from debates.models import Motion

User = get_user_model()


def _session_key(scope) -> str | None:
    """The session cookie the request carries, parsed as Django parses a page's cookies."""
    headers = scope.get("headers") or ()
    cookies = "; ".join(value.decode("latin-1") for name, value in headers if name == b"cookie")
    return parse_cookie(cookies).get(settings.SESSION_COOKIE_NAME)


def _signed_in_member(member_id: int, session_key: str | None):
    """The member if the session is live and signed in as her, as Django's sign-in would still
    have it (her account open, her password unchanged since), else None. Read only: Django's
    own auth.get_user would move a session signed with a retired key to a new one, and a stream
    sends no cookie back, so her browser would keep the old key and be signed out."""
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    if session.get(SESSION_KEY) != str(member_id):
        return None
    member = User.objects.filter(pk=member_id, is_active=True).first()
    if member is None:
        return None
    held = session.get(HASH_SESSION_KEY) or ""
    hashes = [member.get_session_auth_hash(), *member.get_session_auth_fallback_hash()]
    return member if any(constant_time_compare(held, each) for each in hashes) else None


def _admitted(motion_id: int | None, member_id: int | None, session_key: str | None):
    """Whether the motion (if any) exists and its stream is open to whoever asks, whether the
    member's channel (if named) is hers: her token names it, her session proves who asks,
    whether the motion's stream is open to her alone, and whether she moderates (then her home
    page lists hidden motions, and its events are rendered so). A hidden motion's events hold
    its slug (in every address), made from the title the hiding withholds, so they go to its
    author and moderators alone, signed in."""
    try:
        motion = Motion.objects.filter(pk=motion_id).first() if motion_id else None
        if motion_id and motion is None:
            return False, False, False, False
        member = _signed_in_member(member_id, session_key) if member_id else None
        hers = member is not None
        # Asked on the home page's stream alone: a debate's events are rendered alike for all.
        moderates = motion_id is None and policy.moderates(member)
        if motion is None or policy.is_shown(motion):
            return True, hers, False, moderates
        open_ = hers and policy.text_shown_to(motion, member)
        return open_, hers, open_, moderates
    finally:
        close_old_connections()


async def _admit(scope, channels) -> tuple[int, tuple | None, bool, bool, bool]:
    """The response's status, the channels it streams, whether the page was rendered for a
    member who is not signed in with this request (her own channel only to her session, else as
    if her token had expired: a page's stream keeps its debate's, hers alone is 404), whether
    the debate's stream is hers alone (a hidden motion's), and whether a moderator asks."""
    if channels is None:
        return 404, None, False, False, False
    if scope["method"] != "GET":
        return 405, None, False, False, False
    page = None if isinstance(channels[0], tuple) else channels[0]
    member_id = channels[-1][1] if isinstance(channels[-1], tuple) else None
    if page == HOME and member_id is None:
        return 200, channels, False, False, False
    # Short queries on a worker thread, so no stream holds a connection; a motion that doesn't
    # exist gets no channel, and so costs this process nothing.
    motion_id = None if page == HOME else page
    session_key = _session_key(scope) if member_id else None
    try:
        open_, hers, hers_alone, moderates = await sync_to_async(_admitted, thread_sensitive=False)(
            motion_id, member_id, session_key
        )
    except DatabaseError:
        return 503, None, False, False, False
    signed_out = bool(open_ and member_id and not hers)
    if signed_out:
        channels = channels[:-1]
    if open_ and channels:
        return 200, channels, signed_out, hers_alone, moderates
    return 404, None, False, False, False


async def app(scope, receive, send):
    query = scope.get("query_string", b"").decode("latin-1")
    status, channels, signed_out, hers_alone, moderates = await _admit(
        scope, channels_for(scope["path"], query)
    )
    if status == 200:
        response = HttpResponse(
            content_type="text/event-stream; charset=utf-8",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    else:
        response = HttpResponse(status=status)
    dressed = with_site_headers(scope, response)
    if dressed is not response or status != 200:
        await send_response(send, dressed)
        return
    request_headers = dict(scope.get("headers") or [])
    raw_last_id = request_headers.get(b"last-event-id", b"").decode("latin-1").strip()
    last_event_id = int(raw_last_id) if is_id(raw_last_id) else None
    await send({"type": "http.response.start", "status": 200, "headers": asgi_headers(dressed)})
    channel = channels[0]
    if channel == HOME:
        audience = HOME_FOR_MODERATORS if moderates else HOME
    else:
        audience = MEMBER if isinstance(channel, tuple) else "motion"
    # Her channel was admitted for this session: its sign-out ends her events here (signout).
    # A page rendered for her that comes back without it (she signed out meanwhile) is out of
    # date from the start, as a sign-out heard on the stream would make it.
    session = session_mark(_session_key(scope)) if isinstance(channels[-1], tuple) else None

    async def pump():
        async for chunk in stream(
            channels,
            last_event_id,
            audience,
            session,
            signed_out_here=signed_out,
            ends_with_her=hers_alone,
        ):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})

    async def hang_up():
        while (await receive())["type"] != "http.disconnect":
            pass

    writer, listener = asyncio.create_task(pump()), asyncio.create_task(hang_up())
    try:
        await asyncio.wait({writer, listener}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (writer, listener):
            task.cancel()
        await asyncio.gather(writer, listener, return_exceptions=True)
    if writer.done() and not writer.cancelled() and writer.exception() is None:
        with contextlib.suppress(OSError):
            await send({"type": "http.response.body", "body": b"", "more_body": False})
