import unicodedata

from django.db import migrations, models


def fold(name):
    # A frozen copy of accounts.models.fold_display_name as of this migration.
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name or "").casefold())
    return " ".join(folded.split())


def fill_keys(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    seen = set()
    for user in User.objects.order_by("pk").only("pk", "display_name"):
        key = fold(user.display_name)
        if key in seen:
            # An older look-alike: keep the account working; renaming it is for a person to do.
            key = f"{key} #{user.pk}"
        seen.add(key)
        User.objects.filter(pk=user.pk).update(display_name_key=key)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_suspension"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="display_name_key",
            field=models.CharField(default="", editable=False, max_length=1000),
            preserve_default=False,
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="display_name_key",
            field=models.CharField(editable=False, max_length=1000, unique=True),
        ),
        migrations.AlterModelOptions(
            name="user",
            options={"permissions": [("moderate", "Can moderate debates")]},
        ),
    ]
