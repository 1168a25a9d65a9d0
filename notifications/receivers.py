"""How notifications hear of what happened, without the debate's domain importing them.

Replies, mentions and rewordings come from debates.events.debate_changed, sent after the post
or edit has committed, and the mentions in a new motion's context from
debates.events.motion_proposed, sent after it is made, rather than from a call inside the
writing transaction: the debate's domain stays unaware of notifications (only the live
transport renders their bell), and a fault here can never refuse or roll back someone's
argument or motion. The price is atomicity: a process dying between the commit and this
handler loses those notifications, which are a courtesy, not a record (the claim itself is the
record).

A moderator's act is told from the log entry's post_save, inside the act's own transaction:
the notice is the act's only trace its subject sees (it replaced the notices page read from
the log), so it commits or rolls back with the act.
"""

from debates import events
from notifications import services


def on_debate_changed(sender, *, event, **kwargs):
    if event.kind == events.ARGUMENT_POSTED:
        services.notify_of_argument(argument_id=event.ids["argument_id"], posted=True)
    elif event.kind == events.ARGUMENT_CHANGED:
        argument_id = event.ids["argument_id"]
        told = services.notify_of_argument(argument_id=argument_id, posted=False)
        # Withdrawing, moderating and a cited source's moderation change an argument too: only
        # its author's edit says that its wording changed.
        if event.ids.get("reworded"):
            told += services.notify_of_rewording(argument_id=argument_id)
        # Hidden, restored, retracted or reworded, it counts and reads otherwise in the notices
        # of it and of its replies on pages open now (the event does not say which it was):
        # whoever holds one and was not told just now hears of it too.
        services.ring_for_argument(
            argument_id=argument_id, besides={notice.recipient_id for notice in told}
        )


def on_motion_proposed(sender, *, event, **kwargs):
    services.notify_of_motion(motion_id=event.motion_id)


def on_moderation_logged(sender, *, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.notify_of_act(action=instance)
