"""Mentions in a motion's context are told: a mention may name a motion and no argument, once
per member and motion."""

from django.conf import settings
from django.db import migrations, models


def forget_motion_mentions(apps, schema_editor):
    """Undone, every notice but a moderator's names an argument again: those naming only a
    motion go."""
    notices = apps.get_model("notifications", "Notification").objects
    notices.filter(kind="mention", argument__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('debates', '0027_one_source_per_address'),
        ('notifications', '0005_notice_of_acts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='notification',
            name='notification_names_its_event',
        ),
        migrations.RunPython(migrations.RunPython.noop, forget_motion_mentions),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.UniqueConstraint(condition=models.Q(('argument__isnull', True), ('kind', 'mention')), fields=('recipient', 'motion'), name='notification_one_per_motion_mention'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('action__isnull', False), ('kind', 'moderation')), models.Q(models.Q(('kind', 'moderation'), _negated=True), ('action__isnull', True), ('argument__isnull', False)), models.Q(('action__isnull', True), ('argument__isnull', True), ('kind', 'mention'), ('motion__isnull', False)), _connector='OR'), name='notification_names_its_event'),
        ),
    ]
