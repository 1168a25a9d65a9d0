"""The API's reads of a source's text (issue 20): the text and where each claim everyone reads
quotes it, as W3C Web Annotation selectors, with the reader's coverage. Anonymous, three queries
(debates.source_queries), hidden texts as the reader page shows them (debates.policy)."""

from typing import Literal

from ninja import Schema

from api import lookups, present
from api.auth import reader
from api.reads import ERRORS, etagged
from api.router import router
from api.schemas import Id, SourceOut
from debates import anchoring, policy, source_queries, sources


class TextQuoteSelector(Schema):
    type: Literal["TextQuoteSelector"]
    exact: str
    prefix: str
    suffix: str


class TextPositionSelector(Schema):
    type: Literal["TextPositionSelector"]
    start: int
    end: int


class QuotedBy(Schema):
    kind: Literal["argument", "motion"]
    id: int
    url: str
    stance: Literal["pro", "con"] | None
    motion: str


class Anchor(Schema):
    claim: QuotedBy
    selector: tuple[TextQuoteSelector, TextPositionSelector]
    status: Literal["exact", "fuzzy"]
    score: float


class Coverage(Schema):
    paragraphs: int
    argued: int
    percent: int


class SourceTextOut(Schema):
    source: SourceOut
    url: str
    visibility: Literal["visible", "hidden"]
    text: str | None
    paragraphs: list[tuple[int, int]]
    anchors: list[Anchor]
    coverage: Coverage | None


def _anchor(passage, text) -> dict:
    claim = passage.claim
    selectors = anchoring.Anchor(
        start=passage.start,
        end=passage.end,
        exact=text[passage.start : passage.end],
        prefix=claim.quote_prefix,
        suffix=claim.quote_suffix,
        status=claim.anchor,
        score=claim.anchor_score,
    ).selectors()
    return {
        "claim": {
            "kind": passage.kind,
            "id": claim.pk,
            "url": claim.get_absolute_url(),
            "stance": None if passage.kind == "motion" else claim.stance,
            "motion": claim.slug if passage.kind == "motion" else claim.motion.slug,
        },
        "selector": tuple(selectors),
        "status": claim.anchor,
        "score": claim.anchor_score,
    }


@router.get(
    "/sources/{source_id}/text",
    tags=["read"],
    response={200: SourceTextOut, **ERRORS},
    summary="A source's text with the passages the debate quotes",
)
@etagged
def source_text(request, source_id: Id):
    """`text` is null when Crux holds none, or while a moderator hides the source from this
    viewer; `anchors` are the quotes of the claims everyone reads (hidden or retracted ones
    mark nothing), in the order of the text, as W3C Web Annotation selectors."""
    viewer = reader(request)
    found = lookups.source_for_reader(source_id)
    shown = policy.source_shown_to(found, viewer)
    text = sources.text_of(found) if shown else ""
    reading = source_queries.reading(found) if text else None
    return {
        "source": present.source(found, viewer),
        "url": found.get_absolute_url(),
        "visibility": found.visibility,
        "text": text or None,
        "paragraphs": [(p.start, p.end) for p in reading.paragraphs] if reading else [],
        "anchors": [_anchor(p, text) for p in reading.passages] if reading else [],
        "coverage": {
            "paragraphs": len(reading.paragraphs),
            "argued": reading.argued_count,
            "percent": reading.coverage_percent,
        }
        if reading
        else None,
    }
