"""Loads a debate from a seed file (debates/seed/*.json) through the service layer.

A source may name a `text_file` beside the seed file: its full text, to which every quote from it
is anchored (issue 20). A seeded quote must anchor exactly; one that can only anchor fuzzily
says why in its `fuzzy_reason`, or the seed is refused.
"""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction

from debates import services

SEED_DIR = Path(__file__).resolve().parent / "seed"
KARABAKH_SEED = SEED_DIR / "karabakh.json"


class SeedRefused(ValueError):
    """The seed file contradicts itself: a quote that does not anchor as it says."""


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


def _check_anchor(claim, entry):
    if claim.anchor == "fuzzy" and not entry.get("fuzzy_reason"):
        name = entry.get("key") or entry["slug"]
        raise SeedRefused(
            f"The quote of {name!r} anchors only fuzzily (score {claim.anchor_score}):"
            " correct it, or say why in its fuzzy_reason."
        )


@transaction.atomic
def load_seed(data: dict, texts: Path | None = None) -> SeedResult:
    result = SeedResult()
    sources = {}
    for entry in data["sources"]:
        sources[entry["key"]] = services.upsert_seeded_source(
            key=entry["key"],
            title=entry["title"],
            author=entry.get("author", ""),
            publisher=entry.get("publisher", ""),
            url=entry.get("url", ""),
            published_on=date.fromisoformat(d) if (d := entry.get("published_on")) else None,
            text=_text(entry, texts),
        )
        result.sources += 1
    for entry in data["motions"]:
        motion = services.upsert_seeded_motion(
            slug=entry["slug"],
            title=entry["title"],
            claim=entry["claim"],
            context=entry.get("context", ""),
            attribution=entry["attribution"],
            source=sources[entry["source"]],
            quote=entry["quote"],
            featured=entry.get("featured", False),
        )
        _check_anchor(motion, entry)
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
                source=sources[node["source"]],
                quote=node["quote"],
                figures=node.get("figures"),
            )
            _check_anchor(argument, node)
            result.arguments += 1
            pending.extend((argument, child) for child in node.get("arguments", []))
    return result
