"""A moderation act of its own for flags upheld on an argument its author had retracted
(debates.moderation.hide_argument): logged as what it was, neither a hide nor a dismissal."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("debates", "0021_texts_composed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="moderationaction",
            name="moderation_action_valid",
        ),
        migrations.AlterField(
            model_name="moderationaction",
            name="action",
            field=models.CharField(
                choices=[
                    ("hide", "Hide"),
                    ("restore", "Restore"),
                    ("lock", "Lock"),
                    ("unlock", "Unlock"),
                    ("feature", "Feature"),
                    ("unfeature", "Unfeature"),
                    ("suspend", "Suspend"),
                    ("unsuspend", "Unsuspend"),
                    ("dismiss_flags", "Dismiss flags"),
                    ("uphold_flags", "Uphold flags (retracted by its author)"),
                ],
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="moderationaction",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "action__in",
                        [
                            "hide",
                            "restore",
                            "lock",
                            "unlock",
                            "feature",
                            "unfeature",
                            "suspend",
                            "unsuspend",
                            "dismiss_flags",
                            "uphold_flags",
                        ],
                    )
                ),
                name="moderation_action_valid",
            ),
        ),
    ]
