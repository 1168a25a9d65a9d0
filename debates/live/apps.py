from django.apps import AppConfig

from debates.live.hub import broker


class LiveConfig(AppConfig):
    """The live transport plugs itself into the domain's one door, debates.events."""

    name = "debates.live"
    label = "live"

    def ready(self):
        # Not at the top: debates.events reads models, which load after every app's module.
        from debates import events

        events.use_transport(broker)
