"""Loads a debate from a seed file (debates/seed/*.json) through the service layer.

A source may name a `text_file` beside the seed file: its full text, to which every quote from it
is anchored (issue 20). A seeded quote is the cited source's words, and the file is refused, before
anything is written, where it could be a misquotation: a quote from a source with text must be in
it verbatim (one that can only anchor fuzzily says why in its `fuzzy_reason`), and a quote found
verbatim in a text Crux holds must cite that text, not a source whose text Crux lacks (the essay's
sentence reporting Trenin's view is the essay's, not Trenin's article's).

Loading it again while Crux serves changes only what the file changed, and announces it as any
other write does (debates.events): each motion whose debate it changed is stamped, so the pages
cached under its old stamp are not served again (debates.fragments).
"""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction

from debates import events, services, sources
from debates.models import Argument, Motion, Source, SourceText

SEED_DIR = Path(__file__).resolve().parent / "seed"
KARABAKH_SEED = SEED_DIR / "karabakh.json"


class SeedRefused(ValueError):
    """The seed file contradicts itself: a quote that is not the words of the source it cites."""


@dataclass
class SeedResult:
    sources: int = 0
    motions: int = 0
    arguments: int = 0


def load_seed_file(path: Path = KARABAKH_SEED) -> SeedResult:
    return load_seed(json.loads(path.read_text(encoding="utf-8")), texts=path.parent)


def _text(entry, texts: Path | None) -> str:
    name = entry.get("text_file")
    if not name:
        return ""
    if texts is None or Path(name).name != name:
        raise SeedRefused(f"Source {entry['key']!r}: its text_file must sit beside the seed.")
    return (texts / name).read_text(encoding="utf-8")


def _claims(data: dict):
    """(name, entry) of every motion and argument in the seed."""
    pending = list(data["motions"])
    while pending:
        entry = pending.pop()
        yield entry.get("key") or entry["slug"], entry
        pending.extend(entry.get("arguments", []))


def _check_quotes(data: dict, held: dict[str, str]):
    """Refuse a quote that is not the words of the source it cites (`held`: each source's text
    as Crux stores it, "" for none)."""
    for name, entry in _claims(data):
        quote, cited = entry["quote"].strip(), entry["source"]
        if held[cited]:
            if quote not in held[cited] and not entry.get("fuzzy_reason"):
                raise SeedRefused(
                    f"The quote of {name!r} is not verbatim in {cited!r}, so it would anchor only"
                    " fuzzily if at all: correct it, or say why in its fuzzy_reason."
                )
            continue
        found = [key for key, text in held.items() if quote and quote in text]
        if found:
            raise SeedRefused(
                f"The quote of {name!r} cites {cited!r}, whose text Crux does not hold, but it is"
                f" verbatim in {found[0]!r}: cite the source whose words it is."
            )


@transaction.atomic
def load_seed(data: dict, texts: Path | None = None) -> SeedResult:
    held = {entry["key"]: sources.clean_text(_text(entry, texts)) for entry in data["sources"]}
    _check_quotes(data, held)
    before = _as_stored(data)
    result = SeedResult()
    cited = {}
    for entry in data["sources"]:
        cited[entry["key"]] = services.upsert_seeded_source(
            key=entry["key"],
            title=entry["title"],
            author=entry.get("author", ""),
            publisher=entry.get("publisher", ""),
            url=entry.get("url", ""),
            published_on=date.fromisoformat(d) if (d := entry.get("published_on")) else None,
            text=held[entry["key"]],
        )
        result.sources += 1
    for entry in data["motions"]:
        motion = services.upsert_seeded_motion(
            slug=entry["slug"],
            title=entry["title"],
            claim=entry["claim"],
            context=entry.get("context", ""),
            attribution=entry["attribution"],
            source=cited[entry["source"]],
            quote=entry["quote"],
            featured=entry.get("featured", False),
        )
        result.motions += 1
        pending = [(None, child) for child in entry.get("arguments", [])]
        while pending:
            parent, node = pending.pop(0)
            argument = services.upsert_seeded_argument(
                key=node["key"],
                motion=motion,
                parent=parent,
                stance=node["stance"],
                claim=node["claim"],
                details=node.get("details", ""),
                attribution=node["attribution"],
                source=cited[node["source"]],
                quote=node["quote"],
                figures=node.get("figures"),
            )
            result.arguments += 1
            pending.extend((argument, child) for child in node.get("arguments", []))
    for motion_id in _changed_debates(before, _as_stored(data)):
        events.announce(motion_id, events.MOTION_CHANGED)
    return result


# What a citation of a source shows of it (debates/_citation.html).
_CITED_AS = ("title", "author", "publisher", "url", "published_on")


@dataclass
class _Stored:
    """What of the seed's the database holds: when each seeded claim last changed (a save of it
    moves its updated_at) and where it stands, and each seeded source as its citations show it."""

    motions: dict
    arguments: dict
    sources: dict


def _as_stored(data: dict) -> _Stored:
    arguments = [entry["key"] for _, entry in _claims(data) if "key" in entry]
    stored = Source.objects.filter(seed_key__in=[entry["key"] for entry in data["sources"]])
    texts = dict(SourceText.objects.filter(source__in=stored).values_list("source_id", "text"))
    return _Stored(
        motions=dict(
            Motion.objects.filter(
                slug__in=[entry["slug"] for entry in data["motions"]]
            ).values_list("pk", "updated_at")
        ),
        arguments={
            key: (updated_at, motion_id)
            for key, updated_at, motion_id in Argument.objects.filter(
                seed_key__in=arguments
            ).values_list("seed_key", "updated_at", "motion_id")
        },
        sources={
            source.seed_key: (
                source.pk,
                *(getattr(source, name) for name in _CITED_AS),
                texts.get(source.pk, ""),
            )
            for source in stored.only("seed_key", *_CITED_AS)
        },
    )


def _changed_debates(before: _Stored, after: _Stored) -> set[int]:
    """The motions, there before this load, whose pages it changed: a seeded motion or argument
    saved (or an argument added, or moved from one motion to another), or a seeded source that
    claims in them cite. A motion the load created has no page cached yet."""
    changed = {pk for pk, stamp in after.motions.items() if before.motions.get(pk, stamp) != stamp}
    for key, now in after.arguments.items():
        was = before.arguments.get(key)
        if was != now:
            changed.update({now[1], was[1]} if was else {now[1]})
    cited = [now[0] for key, now in after.sources.items() if before.sources.get(key, now) != now]
    if cited:
        changed.update(Motion.objects.filter(source__in=cited).values_list("pk", flat=True))
        changed.update(
            Argument.objects.filter(source__in=cited).values_list("motion_id", flat=True)
        )
    return changed & set(before.motions)
