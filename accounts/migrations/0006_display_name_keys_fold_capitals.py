"""Display-name keys that fold look-alike capitals: each user's key is recomputed with a capital
of another script that looks like a Latin one read as that capital (a "Mara" spelt with a
Cyrillic capital Em now shares the Latin one's key). Names that now clash were accepted before
and stay as they are, as in 0005: the oldest account keeps the plain key, each later look-alike
gets "<key> #<id>"."""

import unicodedata

import icu
from django.db import migrations

BATCH = 500
SPOOF_CHECKER = icu.SpoofChecker()


def fold(name):
    # A frozen copy of accounts.names.fold_display_name as of this migration.
    name = "".join(map(as_latin_capital, unicodedata.normalize("NFKC", name or "")))
    folded = unicodedata.normalize("NFKC", name.casefold())
    skeleton = SPOOF_CHECKER.getSkeleton(0, folded)
    return " ".join(unicodedata.normalize("NFKC", skeleton.casefold()).split())


def as_latin_capital(char):
    if char.isascii() or not char.isupper():
        return char
    skeleton = SPOOF_CHECKER.getSkeleton(0, char)
    return skeleton if len(skeleton) == 1 and "A" <= skeleton <= "Z" else char


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
    dependencies = [("accounts", "0005_stock_sessions_confusable_name_keys")]

    operations = [migrations.RunPython(recompute_keys, migrations.RunPython.noop)]
