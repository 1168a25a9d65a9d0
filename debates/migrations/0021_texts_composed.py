"""Texts written before Crux composed what it stores (NFC, debates.text.composed) are composed
now, so that a search, a quote or a title typed composed finds them: claims, titles, details,
context (and their HTML), quotes and attributions; sources' titles, authors, publishers and
addresses; and sources' texts, every quote anchored in one moved to where its passage now
stands. Moderators' reasons, flags' notes and earlier wordings stay as they were written: nothing
looks them up. Composing keeps what a text says (canonical equivalence, never NFKC); there is
nothing to undo."""

import unicodedata

from django.db import migrations

CLAIM = ("claim", "quote", "attribution")
FIELDS = {
    "Motion": ("title", *CLAIM, "context", "context_html"),
    "Argument": (*CLAIM, "details", "details_html"),
    "Source": ("title", "author", "publisher", "url"),
}
# As debates.anchoring.CONTEXT_LENGTH when this was written (a migration keeps its own copy).
CONTEXT_LENGTH = 32
UNANCHORED = {
    "quote_start": None,
    "quote_end": None,
    "quote_prefix": "",
    "quote_suffix": "",
    "anchor": "",
    "anchor_score": None,
}


def _nfc(text):
    return unicodedata.normalize("NFC", text)


def compose_texts(apps, schema_editor):
    # What to change is read first, then written: SQLite's cursor reads in batches with no
    # isolation from writes to the table it reads.
    texts = apps.get_model("debates", "SourceText").objects.order_by().values_list("pk", "text")
    for pk in [pk for pk, text in texts.iterator(chunk_size=100) if _decomposed(text)]:
        _compose_source_text(apps, pk)
    for name, fields in FIELDS.items():
        model = apps.get_model("debates", name)
        rows = model.objects.order_by().values_list("pk", *fields)
        changes = []
        for pk, *values in rows.iterator(chunk_size=2000):
            changed = {f: _nfc(v) for f, v in zip(fields, values, strict=True) if _decomposed(v)}
            if changed:
                changes.append((pk, changed))
        for pk, changed in changes:
            model.objects.filter(pk=pk).update(**changed)


def _decomposed(text):
    return not unicodedata.is_normalized("NFC", text)


def _compose_source_text(apps, pk):
    """Compose one text, and move each anchor in it to the same passage: an offset becomes the
    length of the composed text before it (a letter's accents go with the letter)."""
    texts = apps.get_model("debates", "SourceText").objects.filter(pk=pk)
    old = texts.get().text
    new = _nfc(old)
    for name in ("Motion", "Argument"):
        model = apps.get_model("debates", name)
        anchored = model.objects.filter(source_id=pk, quote_start__isnull=False)
        for claim, start, end in list(anchored.values_list("pk", "quote_start", "quote_end")):
            start, end = len(_nfc(old[:start])), len(_nfc(old[:end]))
            if start < end:
                moved = {
                    "quote_start": start,
                    "quote_end": end,
                    "quote_prefix": new[max(0, start - CONTEXT_LENGTH) : start],
                    "quote_suffix": new[end : end + CONTEXT_LENGTH],
                }
            else:  # a passage of accents alone, now part of the letter before it
                moved = UNANCHORED
            model.objects.filter(pk=claim).update(**moved)
    texts.update(text=new)


class Migration(migrations.Migration):
    dependencies = [("debates", "0020_votes_before_an_edit")]

    operations = [migrations.RunPython(compose_texts, migrations.RunPython.noop)]
