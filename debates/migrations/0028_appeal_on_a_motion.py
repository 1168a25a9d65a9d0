"""Appeals on motions: an appeal names the argument or the motion a moderator hid, exactly one,
with one open appeal per motion as per argument."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("debates", "0027_one_source_per_address"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="motion",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="appeals",
                to="debates.motion",
            ),
        ),
        migrations.AlterField(
            model_name="appeal",
            name="argument",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="appeals",
                to="debates.argument",
            ),
        ),
        migrations.AddConstraint(
            model_name="appeal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("argument__isnull", False), ("motion__isnull", True)),
                    models.Q(("motion__isnull", False), ("argument__isnull", True)),
                    _connector="OR",
                ),
                name="appeal_on_exactly_one_claim",
            ),
        ),
        migrations.AddConstraint(
            model_name="appeal",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "open")),
                fields=("motion",),
                name="appeal_one_open_per_motion",
            ),
        ),
    ]
