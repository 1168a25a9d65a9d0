from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_out

from debates.live.hub import broker


class LiveConfig(AppConfig):
    """The live transport plugs itself into the domain's one door, debates.events, and hears of
    sign-outs, which end a session's own live events (debates.live.signout)."""

    name = "debates.live"
    label = "live"

    def ready(self):
        # Not at the top: debates.events reads models, which load after every app's module.
        from debates import events
        from debates.live.signout import on_signed_out

        events.use_transport(broker)
        user_logged_out.connect(on_signed_out, dispatch_uid="live-signed-out")
