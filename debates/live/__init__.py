"""Live debates: committed events fanned out to open pages as Server-Sent Events.

One broker per server process (hub). Events reach it through debates.events, the domain's one
door, where this package registers its broker when Django starts (apps.LiveConfig); the domain
never imports it.

- fanout: channels, subscriptions, and the backlog a returning page catches up from.
- postgres: across processes through LISTEN/NOTIFY, one listening connection per process.
- render: an event as the `<hx-partial>` fragments a page applies, as the public sees it.
- stream, endpoint, paths: the SSE messages a page reads, the bare ASGI app that serves them,
  and the paths it serves.
"""

from debates.live.fanout import HOME, LocalBroker
from debates.live.hub import broker, reset_broker
from debates.live.paths import PATH_PREFIX, channel_for, channel_path

__all__ = [
    "HOME",
    "PATH_PREFIX",
    "LocalBroker",
    "app",
    "broker",
    "channel_for",
    "channel_path",
    "reset_broker",
]


def __getattr__(name):
    # Django imports this package to install it before any model may be imported, and the
    # endpoint renders from models: it loads on first use (PEP 562).
    if name == "app":
        from debates.live.endpoint import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
