"""ASGI entry point: Django for pages, debates.live for the pages' live-update streams.

Django runs as a WSGI application on a pool of REQUEST_THREADS threads (a2wsgi), each request
on one thread from its first middleware to its last, while the streams run on the event loop
beside it. Django's own ASGI handler, which hops between loop and thread at every synchronous
middleware, cost 1.5-2x the server CPU per motion page and vote when measured side by side.
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

django_application = get_wsgi_application()

from a2wsgi import WSGIMiddleware  # noqa: E402  (these need the app registry loaded)

from config.body_limit import BodyLimit  # noqa: E402
from debates import live  # noqa: E402

django_pages = WSGIMiddleware(django_application, workers=settings.REQUEST_THREADS)
pages = BodyLimit(django_pages, max_bytes=settings.REQUEST_BODY_MAX_BYTES)


async def application(scope, receive, send):
    if scope["type"] == "lifespan":
        await lifespan(receive, send)
    elif scope["type"] == "http" and scope["path"].startswith(live.PATH_PREFIX):
        await live.app(scope, receive, send)
    else:
        await pages(scope, receive, send)


async def lifespan(receive, send):
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            # End every open stream so the server can stop without waiting on them.
            await live.broker().close()
            django_pages.executor.shutdown(wait=False, cancel_futures=True)
            await send({"type": "lifespan.shutdown.complete"})
            return
