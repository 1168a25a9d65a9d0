"""Copyright as a reason of its own to flag something (a pasted source, a long quote)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('debates', '0018_motions_off_reserved_addresses'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='flag',
            name='flag_reason_valid',
        ),
        migrations.AlterField(
            model_name='flag',
            name='reason',
            field=models.CharField(choices=[('spam', 'Spam'), ('abuse', 'Abuse'), ('off-topic', 'Off-topic'), ('copyright', 'Copyright'), ('other', 'Other')], max_length=10),
        ),
        migrations.AddConstraint(
            model_name='flag',
            constraint=models.CheckConstraint(condition=models.Q(('reason__in', ['spam', 'abuse', 'off-topic', 'copyright', 'other'])), name='flag_reason_valid'),
        ),
    ]
