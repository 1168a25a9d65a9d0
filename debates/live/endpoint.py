"""The live streams' HTTP endpoint: `/live/motions/<id>/`, `/live/home/` (each perhaps with its
member's `?member=<token>`) and `/live/members/<token>/`, a bare ASGI app.

Served beside Django rather than through a Django view on purpose: Django's ASGI handler gives
every request its own worker thread for sync code, held until the response ends, and a page holds
this response open for as long as it is open. Its responses still pass through the middleware
that give every response of Crux's its request id and security headers.
"""

import asyncio
import contextlib

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.db import DatabaseError, close_old_connections
from django.http import HttpResponse

from config.converters import is_id
from config.site_headers import asgi_headers, send_response, with_site_headers
from debates import policy
from debates.live.fanout import HOME, MEMBER
from debates.live.paths import channels_for
from debates.live.stream import stream
from debates.models import Motion

User = get_user_model()


def _motion_streamed_to(motion_id: int, member_id: int | None) -> bool:
    """Whether the motion exists and its stream is open to whoever asks: a hidden one's events
    hold its slug (in every address), made from the title the hiding withholds, so they go to
    its author and moderators alone, whose pages name them with a signed member token."""
    try:
        motion = Motion.objects.filter(pk=motion_id).first()
        if motion is None or policy.is_shown(motion):
            return motion is not None
        member = User.objects.filter(pk=member_id, is_active=True).first() if member_id else None
        return member is not None and policy.text_shown_to(motion, member)
    finally:
        close_old_connections()


async def _status(scope, channels) -> int:
    if channels is None:
        return 404
    if scope["method"] != "GET":
        return 405
    channel = channels[0]
    if channel == HOME or isinstance(channel, tuple):  # a member's: their id came signed
        return 200
    # A short query on a worker thread, so no stream holds a connection; a motion that doesn't
    # exist gets no channel, and so costs this process nothing.
    member_id = channels[1][1] if len(channels) > 1 else None
    try:
        open_ = await sync_to_async(_motion_streamed_to, thread_sensitive=False)(channel, member_id)
    except DatabaseError:
        return 503
    return 200 if open_ else 404


async def app(scope, receive, send):
    query = scope.get("query_string", b"").decode("latin-1")
    channels = channels_for(scope["path"], query)
    status = await _status(scope, channels)
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
    audience = "home" if channel == HOME else MEMBER if isinstance(channel, tuple) else "motion"

    async def pump():
        async for chunk in stream(channels, last_event_id, audience):
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
