"""The moderation notices move here (issue 21): each act already logged on someone's content or
account becomes their notification, already read, so nobody's bell rings for old news."""

from django.db import migrations

ACTS_TOLD = ["hide", "restore", "lock", "unlock", "feature", "unfeature", "suspend", "unsuspend"]


def forwards(apps, schema_editor):
    ModerationAction = apps.get_model("debates", "ModerationAction")
    Notification = apps.get_model("notifications", "Notification")
    acts = ModerationAction.objects.filter(action__in=ACTS_TOLD).select_related(
        "argument", "motion"
    )
    notices = []
    for act in acts.iterator():
        claim = act.argument or act.motion  # or neither: an act on a source, nobody's
        recipient = act.user_id or getattr(claim, "author_id", None)
        if recipient is None or recipient == act.moderator_id:
            continue
        notices.append(
            Notification(
                recipient_id=recipient,
                kind="moderation",
                action_id=act.pk,
                argument_id=act.argument_id,
                motion_id=act.motion_id,
                created_at=act.created_at,
                read_at=act.created_at,
            )
        )
    Notification.objects.bulk_create(notices, batch_size=500, ignore_conflicts=True)


def backwards(apps, schema_editor):
    apps.get_model("notifications", "Notification").objects.filter(kind="moderation").delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
