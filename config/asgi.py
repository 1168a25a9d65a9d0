"""ASGI entry point: Django for pages, debates.live for the pages' live-update streams.

Django runs as a WSGI application on a pool of threads (config.wsgi_bridge); the streams run on
the event loop beside it.
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

django_application = get_wsgi_application()

from config.wsgi_bridge import ThreadedWSGI  # noqa: E402  (these need the app registry loaded)
from debates import live  # noqa: E402

pages = ThreadedWSGI(
    django_application,
    threads=settings.REQUEST_THREADS,
    max_body=settings.REQUEST_BODY_MAX_BYTES,
)


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
            pages.shutdown()
            await send({"type": "lifespan.shutdown.complete"})
            return
