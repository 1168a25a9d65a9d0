"""The live streams' HTTP endpoint: `/live/motions/<id>/` and `/live/home/`, a bare ASGI app.

Served beside Django rather than through a Django view on purpose: Django's ASGI handler gives
every request its own worker thread for sync code, held until the response ends, and a page holds
this response open for as long as it is open. Its responses still pass through the middleware
that give every response of Crux's its request id and security headers.
"""

import asyncio
import contextlib
import functools
import io

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.db import DatabaseError, close_old_connections
from django.http import HttpResponse
from django.utils.module_loading import import_string

from debates.live.fanout import HOME
from debates.live.paths import channel_for, is_id
from debates.live.stream import stream
from debates.models import Motion

# Of settings.MIDDLEWARE, those that put the request id and the security headers on a response.
HEADER_MIDDLEWARE = {
    "config.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
}


def _blank(request) -> HttpResponse:
    return HttpResponse()


@functools.cache
def _through_middleware():
    handler = _blank
    for path in reversed([m for m in settings.MIDDLEWARE if m in HEADER_MIDDLEWARE]):
        handler = import_string(path)(handler)
    return handler


def _headers(scope) -> HttpResponse:
    """The response the header middleware make of this request: a blank 200 carrying the
    headers, or their own answer (the redirect to https)."""
    # The query string is no business of a stream's, and may not even decode.
    request = ASGIRequest({**scope, "query_string": b""}, io.BytesIO())
    try:
        return _through_middleware()(request)
    except DisallowedHost:
        return HttpResponse(status=400)


def _motion_exists(motion_id: int) -> bool:
    try:
        return Motion.objects.filter(pk=motion_id).exists()
    finally:
        close_old_connections()


async def _status(scope, channel) -> int:
    if channel is None:
        return 404
    if scope["method"] != "GET":
        return 405
    if channel == HOME:
        return 200
    # A short query on a worker thread, so no stream holds a connection; a motion that doesn't
    # exist gets no channel, and so costs this process nothing.
    try:
        exists = await sync_to_async(_motion_exists, thread_sensitive=False)(channel)
    except DatabaseError:
        return 503
    return 200 if exists else 404


async def app(scope, receive, send):
    dressed = _headers(scope)
    channel = channel_for(scope["path"])
    status = dressed.status_code if dressed.status_code != 200 else await _status(scope, channel)
    headers = [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in dressed.items()
        if name.lower() != "content-type"
    ]
    if status != 200:
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    headers_raw = dict(scope.get("headers") or [])
    raw_last_id = headers_raw.get(b"last-event-id", b"").decode("latin-1").strip()
    last_event_id = int(raw_last_id) if is_id(raw_last_id) else None
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"text/event-stream; charset=utf-8"),
                (b"cache-control", b"no-cache"),
                (b"x-accel-buffering", b"no"),
                *headers,
            ],
        }
    )
    audience = "home" if channel == HOME else "motion"

    async def pump():
        async for chunk in stream(channel, last_event_id, audience):
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
