"""One source per cited web address (debates.sources.address_source): the sources made by typing
an address in a citation (no text, added by nobody, no seed key, titled after the address) are
keyed by their address; where one address has several, the oldest takes the key and the claims
citing the others cite it instead. A duplicate a member flagged, or a moderator acted on or hid,
is left as it is, its claims with it (its flags and log are about that row), and so are all the
duplicates of an address whose oldest a moderator hid: merged, their claims would lose their
source's title. Nothing anyone wrote is deleted: a merged duplicate is a row made from the
address alone."""

import hashlib
from urllib.parse import urlsplit, urlunsplit

from django.db import migrations
from django.db.models import F


def _web_address(url):
    # As debates.sources.web_address writes it at the time of this migration.
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    return urlunsplit(parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()))


def _made_from_its_address(source):
    try:
        parts = urlsplit(source.url)
    except ValueError:
        return False
    return source.title == f"{parts.hostname}{parts.path}"[:300]


def merge(apps, schema_editor):
    Source = apps.get_model("debates", "Source")
    SourceText = apps.get_model("debates", "SourceText")
    Argument = apps.get_model("debates", "Argument")
    Motion = apps.get_model("debates", "Motion")
    Flag = apps.get_model("debates", "Flag")
    ModerationAction = apps.get_model("debates", "ModerationAction")
    texts = SourceText.objects.values("source_id")
    candidates = (
        Source.objects.filter(added_by__isnull=True, seed_key__isnull=True, address_key="")
        .exclude(url="")
        .exclude(pk__in=texts)
        .order_by("pk")
    )
    acted_on = set(Flag.objects.filter(source__isnull=False).values_list("source_id", flat=True))
    acted_on |= set(
        ModerationAction.objects.filter(source__isnull=False).values_list("source_id", flat=True)
    )
    keepers = {}
    for source in candidates.iterator():
        if not _made_from_its_address(source):
            continue
        address = _web_address(source.url)
        keeper = keepers.get(address)
        if keeper is None:
            # The oldest is the address's, as it stands: if a moderator hid it, the address is
            # refused to new citations rather than cited afresh.
            keepers[address] = source
            Source.objects.filter(pk=source.pk).update(
                address_key=hashlib.sha256(address.encode()).hexdigest(), url=address
            )
            continue
        if keeper.visibility != "visible" or source.visibility != "visible":
            continue
        if source.pk in acted_on:
            continue
        motions = set(Argument.objects.filter(source=source).values_list("motion_id", flat=True))
        motions |= set(Motion.objects.filter(source=source).values_list("pk", flat=True))
        Argument.objects.filter(source=source).update(source=keeper)
        Motion.objects.filter(source=source).update(source=keeper)
        source.delete()
        # Their cached fragments linked the row merged away.
        Motion.objects.filter(pk__in=motions).update(activity=F("activity") + 1)


class Migration(migrations.Migration):
    dependencies = [
        ("debates", "0026_source_address_key"),
    ]

    operations = [
        migrations.RunPython(merge, migrations.RunPython.noop),
    ]
