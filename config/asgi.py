"""ASGI entry point: Django for pages, debates.live for the pages' live-update streams."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

django_application = get_asgi_application()

from debates import live  # noqa: E402  (needs the app registry that the line above loads)


async def application(scope, receive, send):
    if scope["type"] == "lifespan":
        await lifespan(receive, send)
    elif scope["type"] == "http" and scope["path"].startswith(live.PATH_PREFIX):
        await live.app(scope, receive, send)
    else:
        await django_application(scope, receive, send)


async def lifespan(receive, send):
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            # End every open stream so the server can stop without waiting on them.
            await live.broker().close()
            await send({"type": "lifespan.shutdown.complete"})
            return
