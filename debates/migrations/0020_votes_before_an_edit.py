"""The votes a claim held when its author reworded it: its readers are told they came first."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('debates', '0019_flag_reason_copyright'),
    ]

    operations = [
        migrations.AddField(
            model_name='argument',
            name='votes_before_edit',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='argumentrevision',
            name='agree_count',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='argumentrevision',
            name='disagree_count',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
