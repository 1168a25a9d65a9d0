from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Issue 21's notifications: they listen to the debate (debates.events) and to the
    moderation log. The debate's domain never imports them; only the live transport's member
    channel (debates.live.member) renders their bell."""

    name = "notifications"

    def ready(self):
        # Not at the top: these modules read models, which load after every app's module.
        from django.db.models.signals import post_save

        from debates import events
        from debates.models import ModerationAction
        from notifications import receivers

        events.debate_changed.connect(receivers.on_debate_changed, dispatch_uid="notifications")
        events.motion_proposed.connect(receivers.on_motion_proposed, dispatch_uid="notifications")
        post_save.connect(
            receivers.on_moderation_logged, sender=ModerationAction, dispatch_uid="notifications"
        )
