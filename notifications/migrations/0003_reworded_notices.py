"""Rewordings are told (an argument one answered or follows, reworded by its author): in a row
of their own per member and argument, apart from the one a reply, mention or follow made."""

from django.db import migrations, models


def forget_rewordings(apps, schema_editor):
    """Undone, one notice per member and argument holds again: rewordings' notices go."""
    apps.get_model("notifications", "Notification").objects.filter(kind="reworded").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0002_moderation_notices'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='notification',
            name='notification_one_per_argument',
        ),
        migrations.RunPython(migrations.RunPython.noop, forget_rewordings),
        migrations.AlterField(
            model_name='notification',
            name='kind',
            field=models.CharField(choices=[('reply', 'Reply to you'), ('mention', 'Mention'), ('followed', 'Reply in what you follow'), ('reworded', 'An argument you answered or follow was reworded'), ('moderation', 'Moderation')], max_length=12),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.UniqueConstraint(condition=models.Q(('action__isnull', True), models.Q(('kind', 'reworded'), _negated=True)), fields=('recipient', 'argument'), name='notification_one_per_argument'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'reworded')), fields=('recipient', 'argument'), name='notification_one_per_rewording'),
        ),
    ]
