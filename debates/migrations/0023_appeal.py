"""Appeals: an author asks a moderator to look again at an argument a moderator hid; declining
one keeps it hidden and is logged as its own act (decline_appeal)."""

import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("debates", "0022_uphold_flags"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Appeal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("note", models.CharField(max_length=500)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Waiting for a moderator"),
                            ("upheld", "Upheld: restored"),
                            ("declined", "Declined: kept hidden"),
                        ],
                        default="open",
                        max_length=10,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "ordering": ["created_at", "id"],
            },
        ),
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
                    ("decline_appeal", "Decline appeal (kept hidden)"),
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
                            "decline_appeal",
                        ],
                    )
                ),
                name="moderation_action_valid",
            ),
        ),
        migrations.AddField(
            model_name="appeal",
            name="argument",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="appeals",
                to="debates.argument",
            ),
        ),
        migrations.AddField(
            model_name="appeal",
            name="author",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="appeal",
            name="resolved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="appeal",
            index=models.Index(
                fields=["status", "created_at"], name="debates_app_status_480634_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="appeal",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.GreaterThan(
                    django.db.models.functions.text.Length("note"), 0
                ),
                name="appeal_note_not_empty",
            ),
        ),
        migrations.AddConstraint(
            model_name="appeal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("resolved_at__isnull", True), ("status", "open")),
                    models.Q(
                        ("resolved_at__isnull", False), ("status__in", ["upheld", "declined"])
                    ),
                    _connector="OR",
                ),
                name="appeal_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="appeal",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "open")),
                fields=("argument",),
                name="appeal_one_open_per_argument",
            ),
        ),
    ]
