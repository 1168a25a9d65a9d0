"""Back to Django's own sessions, and display-name keys that fold look-alikes from other scripts.

Sessions: accounts.Session (0004) goes, and with it every session in it, so everyone signs in
again once. django_session is emptied too: what it holds predates 0004 and would otherwise come
back to life for people who have signed out since.

Keys: each user's display_name_key is recomputed with confusables folded (Unicode TR39). Names
that now clash were accepted before and stay as they are: the oldest account (lowest id) keeps
the plain key, each later look-alike gets "<key> #<id>", which User.save() keeps until that
person changes their name (as 0003 did). Nobody is renamed or locked out.
"""

import unicodedata

import icu
from django.db import migrations

BATCH = 500
SPOOF_CHECKER = icu.SpoofChecker()


def fold(name):
    # A frozen copy of accounts.names.fold_display_name as of this migration.
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name or "").casefold())
    skeleton = SPOOF_CHECKER.getSkeleton(0, folded)
    return " ".join(unicodedata.normalize("NFKC", skeleton.casefold()).split())


def end_old_sessions(apps, schema_editor):
    apps.get_model("sessions", "Session")._default_manager.all().delete()


def recompute_keys(apps, schema_editor):
    users = apps.get_model("accounts", "User")._default_manager
    seen, changed = set(), []
    for user in users.order_by("pk").only("pk", "display_name", "display_name_key").iterator():
        key = fold(user.display_name)
        while key in seen:
            key = f"{key} #{user.pk}"
        seen.add(key)
        if key != user.display_name_key:
            user.display_name_key = key
            changed.append(user)
    # A changed key may be one another changed user holds now: park them all on keys no name
    # can have (control characters are refused in names), then set the new ones.
    parked = [users.model(pk=user.pk, display_name_key=f"\x01{user.pk}") for user in changed]
    users.bulk_update(parked, ["display_name_key"], batch_size=BATCH)
    users.bulk_update(changed, ["display_name_key"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_session_names_its_user"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(name="Session"),
        migrations.RunPython(end_old_sessions, migrations.RunPython.noop),
        migrations.RunPython(recompute_keys, migrations.RunPython.noop),
    ]
