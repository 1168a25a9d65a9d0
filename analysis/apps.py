from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    """Issue 19's analysis: it listens to the debate's changes (debates.events), recomputes in
    the background and scores the reply orders that need it (debates.queries); the debate never
    imports it."""

    name = "analysis"

    def ready(self):
        # Not at the top: these modules read models, which load after every app's module.
        from analysis import ordering, scheduling
        from debates import events, queries

        events.debate_changed.connect(scheduling.on_debate_changed, dispatch_uid="analysis")
        queries.use_order_scores(ordering.scores)
