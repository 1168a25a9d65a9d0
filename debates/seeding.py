"""Loads a debate from a seed file (debates/seed/*.json) through the service layer.

A source may name a `text_file` beside the seed file: its full text, to which every quote from it
is anchored (issue 20). A seeded quote is the cited source's words, and the file is refused, before
anything is written, where it could be a misquotation: a quote from a source with text must be in
it verbatim (one that can only anchor fuzzily says why in its `fuzzy_reason`), and a quote found
verbatim in a text Crux holds must cite that text, not a source whose text Crux lacks (the essay's
sentence reporting Trenin's view is the essay's, not Trenin's article's).
"""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction

from debates import services, sources

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
    return result
