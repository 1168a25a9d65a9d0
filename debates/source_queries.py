"""Reads for a source's reader (issue 20): its text in paragraphs, the passages the debate argues
(highlighted by stance, overlaps split into segments), the claims citing each paragraph, and how
much of the text the debate covers.

A reading costs three queries however long the text and however many claims cite it: the source,
the arguments citing it (with their motions) and the motions citing it.
"""

import re
from dataclasses import dataclass, field
from itertools import pairwise

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.utils.text import Truncator

from debates import policy, queries
from debates.models import Argument, Motion, Source, SourceText
from debates.sources import text_of

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
SNIPPET_LENGTH = 160
# How much of a claim a marked passage's link names (Passage.leads_to), as the margin shows it.
CLAIM_IN_LINK_LENGTH = 90
# What everyone reads: a source's citations as its own page lists them (citing_claims).
PUBLIC = AnonymousUser()


@dataclass
class Passage:
    """A claim's anchored quote, as the reader marks it."""

    claim: Argument | Motion
    start: int
    end: int
    # The viewer's argument just posted from here: the reader says so beside it (views_sources).
    posted: bool = False

    @property
    def kind(self) -> str:
        return "motion" if isinstance(self.claim, Motion) else "argument"

    @property
    def stance(self) -> str:
        return "motion" if isinstance(self.claim, Motion) else self.claim.stance

    @property
    def fragment(self) -> str:
        """The id of the passage's mark in the reader: a claim's citation links to it."""
        return self.claim.passage_fragment

    @property
    def leads_to(self) -> str:
        """What a marked passage's link leads to, said in words (its colour says it only to
        who sees colours): "Pro argument: …", "Con reply: …", "Motion: …"."""
        claim = Truncator(self.claim.claim).chars(CLAIM_IN_LINK_LENGTH)
        if self.kind == "motion":
            return f"Motion: {claim}"
        what = "reply" if self.claim.parent_id else "argument"
        return f"{self.claim.get_stance_display()} {what}: {claim}"


@dataclass
class Segment:
    start: int
    end: int
    text: str
    passages: list[Passage]
    # Passages that begin here: the reader wraps the segment in their fragments' targets.
    starting: list[Passage] = field(default_factory=list)

    @property
    def targets(self) -> list[Passage]:
        """The passages whose fragment leads here: the one just posted has its note instead."""
        return [passage for passage in self.starting if not passage.posted]

    @property
    def link(self) -> Passage | None:
        """The passage the segment leads to: the innermost (shortest) one covering it, whose
        argument quotes the words most closely (the rest are in the margin). None for white
        space between two quotes, which is no link: it would have no words to name it by."""
        if not self.passages or not self.text.strip():
            return None
        return min(self.passages, key=lambda p: (p.end - p.start, -p.start, p.claim.pk))

    @property
    def link_name(self) -> str:
        """The link's accessible name: its words first, as one sees them (and says them to
        follow it), then where it leads, and that other quotes cover them too."""
        others = len(self.passages) - 1
        more = f"; {others} more quote{pluralize(others)} here in the margin" if others else ""
        return f"{self.text} ({self.link.leads_to}{more})"

    @property
    def stances(self) -> list[str]:
        return sorted({passage.stance for passage in self.passages})

    @property
    def fragments(self) -> str:
        return " ".join(passage.fragment for passage in self.passages)

    @property
    def posted(self) -> bool:
        return any(passage.posted for passage in self.passages)


@dataclass
class Paragraph:
    number: int
    start: int
    end: int
    text: str
    segments: list[Segment]
    passages: list[Passage]

    @property
    def argued(self) -> bool:
        return bool(self.passages)

    @property
    def posted(self) -> Passage | None:
        """The passage just posted, if it begins in this paragraph."""
        return next((p for p in self.passages if p.posted and p.start >= self.start), None)

    @property
    def snippet(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= SNIPPET_LENGTH else text[: SNIPPET_LENGTH - 1] + "…"


@dataclass
class Reading:
    source: Source
    paragraphs: list[Paragraph]
    passages: list[Passage]
    # The motions whose claims are anchored in the text (_argued_passages): the reader refetches
    # its body on their live events alone (reader.js).
    motion_ids: list[int] = field(default_factory=list)

    @property
    def argued_count(self) -> int:
        return sum(paragraph.argued for paragraph in self.paragraphs)

    @property
    def coverage_percent(self) -> int:
        total = len(self.paragraphs)
        return round(100 * self.argued_count / total) if total else 0

    @property
    def coverage_shown(self) -> str:
        """The coverage as the reader says it: never 0% when a paragraph is argued, nor 100%
        when one is not, which rounding alone would say of a long text."""
        argued, total = self.argued_count, len(self.paragraphs)
        if argued > 0 and self.coverage_percent == 0:
            return "under 1%"
        if argued < total and self.coverage_percent == 100:
            return "over 99%"
        return f"{self.coverage_percent}%"

    @property
    def unargued(self) -> list[Paragraph]:
        return [paragraph for paragraph in self.paragraphs if not paragraph.argued]

    def mark_posted(self, fragment: str, author) -> Passage | None:
        """Mark the passage of `fragment` as just posted, when it is `author`'s argument's."""
        for passage in self.passages:
            if passage.fragment == fragment and passage.kind == "argument":
                passage.posted = policy.written_by(passage.claim, author)
                return passage if passage.posted else None
        return None


def source_for_reader(pk: int) -> Source:
    return get_object_or_404(Source.objects.select_related("added_by", "full_text"), pk=pk)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: text between blank lines, never empty."""
    spans, start = [], 0
    for gap in _PARAGRAPH_BREAK.finditer(text):
        spans.append((start, gap.start()))
        start = gap.end()
    spans.append((start, len(text)))
    return [(start, end) for start, end in spans if text[start:end].strip()]


def _argued_passages(source: Source) -> tuple[list[Passage], list[int]]:
    """The anchored quotes of the claims everyone reads, in the order of the text; and the
    motions of every claim anchored in it, withdrawn ones too: a change to one of them (a hiding,
    a restoring, a new title) may change what the reader shows, and its live events say so."""
    arguments = Argument.objects.select_related("motion").filter(
        source=source, quote_start__isnull=False
    )
    motions = Motion.objects.filter(source=source, quote_start__isnull=False)
    claims = [
        *(argument for argument in arguments if policy.passage_argued(argument)),
        *(motion for motion in motions if policy.is_shown(motion)),
    ]
    passages = [Passage(claim, claim.quote_start, claim.quote_end) for claim in claims]
    concerned = {argument.motion_id for argument in arguments} | {motion.pk for motion in motions}
    ordered = sorted(passages, key=lambda p: (p.start, -p.end, p.kind, p.claim.pk))
    return ordered, sorted(concerned)


def _segments(text: str, start: int, end: int, passages: list[Passage]) -> list[Segment]:
    cuts = {start, end}
    for passage in passages:
        cuts.update(cut for cut in (passage.start, passage.end) if start < cut < end)
    cuts = sorted(cuts)
    segments = []
    for left, right in pairwise(cuts):
        covering = [p for p in passages if p.start < right and p.end > left]
        segment = Segment(left, right, text[left:right], covering)
        segment.starting = [p for p in covering if p.start == left]
        segments.append(segment)
    return segments


def reading(source: Source) -> Reading:
    """The source's text as the reader shows it to everyone."""
    text = text_of(source)
    passages, motion_ids = _argued_passages(source) if text else ([], [])
    paragraphs = []
    for number, (start, end) in enumerate(paragraph_spans(text), 1):
        within = [p for p in passages if p.start < end and p.end > start]
        paragraph = Paragraph(
            number=number,
            start=start,
            end=end,
            text=text[start:end],
            segments=_segments(text, start, end, within),
            passages=within,
        )
        paragraphs.append(paragraph)
    return Reading(source=source, paragraphs=paragraphs, passages=passages, motion_ids=motion_ids)


def citing_claims(source: Source) -> list[Argument | Motion]:
    """The claims everyone reads that cite a source (with text or not), for its page."""
    arguments = Argument.objects.select_related("motion").filter(source=source)
    motions = Motion.objects.filter(source=source)
    shown = [argument for argument in arguments if policy.passage_argued(argument)]
    return [*(motion for motion in motions if policy.is_shown(motion)), *shown]


def _public_claims(model) -> QuerySet:
    shown = policy.texts_shown_to(PUBLIC, model)
    if model is Argument:
        shown &= policy.arguments_listed_to(PUBLIC)
    return model.objects.filter(shown).order_by()


def _citing_count(model) -> Coalesce:
    cited = _public_claims(model).filter(source=OuterRef("pk")).values("source")
    counted = cited.annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def listed_sources(viewer) -> QuerySet:
    """The sources the list names to `viewer`, of those policy.sources_shown_to gives: those
    whose text Crux holds, and those without it that a reader finds cited, by a claim everyone
    reads (as their own page lists them) or in a seeded or imported debate's list of sources,
    which no claim cites (Trenin's article, which the seeded motions answer). Not one that only
    withdrawn claims cite: it is a web page only a hidden or retracted claim leads to.

    Each comes with `held` (Crux holds its text), `citing` (the claims everyone reads citing it),
    `attributed` (whether a claim everyone reads is attributed to its author, which search
    lists) and who added it, if a member did (the list says whose pasted text it is): one query
    for a page of them."""
    claims = (Argument, Motion)
    attributed = Q()
    for model in claims:
        named = _public_claims(model).exclude(attribution="").filter(attribution=OuterRef("author"))
        attributed |= Exists(named)
    cited_by_none = Q()
    for model in claims:
        cited_by_none &= ~Exists(model.objects.filter(source=OuterRef("pk")))
    listed = Source.objects.filter(policy.sources_shown_to(viewer)).select_related("added_by")
    listed = listed.annotate(
        held=Exists(SourceText.objects.filter(source=OuterRef("pk"))),
        citing=_citing_count(Argument) + _citing_count(Motion),
        attributed=ExpressionWrapper(attributed, output_field=BooleanField()),
    )
    return listed.filter(Q(held=True) | Q(citing__gt=0) | cited_by_none).order_by("title", "pk")


def open_motions() -> list[Motion]:
    """The motions one may argue on from a passage: open and shown, featured first."""
    motions = Motion.objects.filter(
        state=Motion.State.OPEN, visibility=Motion.Visibility.VISIBLE
    ).only("pk", "slug", "title", "featured", "created_at")
    return list(queries.telling_titles_apart(motions)[:200])
