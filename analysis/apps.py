from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    """Issue 19's analysis: it listens to the debate's changes (debates.events) and recomputes in
    the background; the debate never imports it."""

    name = "analysis"

    def ready(self):
        # Not at the top: both modules read models, which load after every app's module.
        from analysis import scheduling
        from debates import events

        events.debate_changed.connect(scheduling.on_debate_changed, dispatch_uid="analysis")
