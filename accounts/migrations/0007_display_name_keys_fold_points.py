"""Display-name keys that fold optional marks: each user's key is recomputed without Arabic
harakat, Hebrew points and the tatweel, and with a dotted capital I read as a plain one (so
"ƏLİYEVA" shares "Əliyeva"'s key). Names that now clash were accepted before and stay as they
are, as in 0005 and 0006: the oldest account keeps the plain key, each later look-alike gets
"<key> #<id>"."""

import unicodedata

import icu
from django.db import migrations

BATCH = 500
SPOOF_CHECKER = icu.SpoofChecker()
TATWEEL = "\u0640"
POINTED = ("ARABIC ", "HEBREW ")


def fold(name):
    # A frozen copy of accounts.names.fold_display_name as of this migration.
    kept = (
        char
        for char in unicodedata.normalize("NFKC", name or "")
        if char != TATWEEL
        and not (
            unicodedata.category(char).startswith("M")
            and unicodedata.name(char, "").startswith(POINTED)
        )
    )
    name = "".join(map(as_latin_capital, kept))
    folded = unicodedata.normalize("NFKC", name.casefold()).replace("i\u0307", "i")
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
    dependencies = [("accounts", "0006_display_name_keys_fold_capitals")]

    operations = [migrations.RunPython(recompute_keys, migrations.RunPython.noop)]
