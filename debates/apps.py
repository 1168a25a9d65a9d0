from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class DebatesConfig(AppConfig):
    name = "debates"

    def ready(self):
        # Not at the top: it reads models, which load after every app's module.
        from debates import pending_votes

        # A vote pressed before signing in is cast here: accounts, which signs her in, never
        # reaches into the debate.
        user_logged_in.connect(pending_votes.cast_on_sign_in, dispatch_uid="pending_votes")
