"""Finding a quote in its source's text: W3C Web Annotation selectors for a citation.

A pure module (no models, no database): given a source's text and a quote, `anchor` answers where
the quote stands, as a TextPositionSelector (start/end character offsets into the text) and a
TextQuoteSelector (the exact text there, with up to 32 characters before and after), and how
sure it is:

- `exact`: the quote is in the text verbatim. Between repeats, the prefix and suffix the
  citation carries decide (or, failing those, a hinted start offset, then the first).
- `fuzzy` with a score in [0, 1]: the quote differs in typography only (curly or straight quotes,
  dashes, spacing, `...` for `…`), leaves gaps marked `…` or `[…]`, or (unless asked for the
  quote as written) is within a few characters of a passage (rapidfuzz's best partial
  alignment, scored at least FUZZY_MIN_SCORE).

A quote found nowhere raises QuoteNotFound. A quote is composed (NFC) before it is looked for, as
the texts are stored (debates.sources.clean_text): one copied from a PDF or a macOS file name,
its accents apart from their letters, is the same text.
"""

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

from rapidfuzz import fuzz

CONTEXT_LENGTH = 32
FUZZY_MIN_SCORE = 0.9

EXACT = "exact"
FUZZY = "fuzzy"

# Typography that people retype differently; each folds to one character, so offsets map back.
_FOLDED = {
    # curly and low single quotes, prime, grave and acute accents
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032`\u00b4", "'"),
    # straight, curly and low double quotes, double prime, guillemets: as single ones, for one
    # writer's "quoted" is another's 'quoted'
    **dict.fromkeys('"\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb', "'"),
    # hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar, minus
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
}
# A regex finds them: str.translate takes ~17 ms over a 200,000-character text that is not ASCII.
_TYPOGRAPHY = re.compile("[" + "".join(_FOLDED) + "]")


def _plain_typography(text: str) -> str:
    return _TYPOGRAPHY.sub(lambda found: _FOLDED[found.group()], text)


# White space that folding changes: a run of two or more, or one that is not a plain space.
_SPACE = re.compile(r"\s{2,}|[^\S ]")
# An elision in a quote: an ellipsis (… or ...), bracketed or not.
_GAP = re.compile(r"\s*(?:\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.)\s*")


class QuoteNotFound(ValueError):
    """The quote is not in the source's text."""


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    status: str
    score: float

    def selectors(self) -> list[dict]:
        """The anchor as W3C Web Annotation selectors."""
        return [
            {
                "type": "TextQuoteSelector",
                "exact": self.exact,
                "prefix": self.prefix,
                "suffix": self.suffix,
            },
            {"type": "TextPositionSelector", "start": self.start, "end": self.end},
        ]


def anchor_at(text: str, start: int, end: int, status: str = EXACT, score: float = 1.0) -> Anchor:
    """The anchor of the passage text[start:end] (e.g. a reader's selection)."""
    if not 0 <= start < end <= len(text):
        raise QuoteNotFound("The passage is not within the text.")
    return Anchor(
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT_LENGTH) : start],
        suffix=text[end : end + CONTEXT_LENGTH],
        status=status,
        score=score,
    )


def anchor(
    text: str,
    quote: str,
    *,
    prefix: str = "",
    suffix: str = "",
    near: int | None = None,
    as_written: bool = False,
) -> Anchor:
    """Where `quote` stands in `text`; QuoteNotFound when it is nowhere near. `as_written`, only
    as the text words it: typography and marked gaps aside, never a passage a few characters
    off, which may be the same words with a "not" left out (what a new citation must meet)."""
    quote = unicodedata.normalize("NFC", quote).strip()
    if not quote or not text:
        raise QuoteNotFound("There is no quote to find.")
    starts = _occurrences(text, quote)
    if starts:
        spans = [(start, start + len(quote)) for start in starts]
        return anchor_at(text, *_best(text, spans, prefix, suffix, near))
    folded_text = _Folded(text)
    found = _with_gaps(folded_text, quote, prefix, suffix, near)
    if found is None and not as_written:
        found = _fuzzy(folded_text, quote)
    if found is None:
        raise QuoteNotFound("This quote is not in the source.")
    start, end, score = found
    return anchor_at(text, start, end, FUZZY, score)


def nearest(text: str, quote: str) -> Anchor | None:
    """The passage of `text` within a few characters of `quote` (as anchor finds it when not
    `as_written`), or None: what a refused quote's writer is shown the source says."""
    quote = unicodedata.normalize("NFC", quote).strip()
    found = _fuzzy(_Folded(text), quote) if quote and text else None
    if found is None:
        return None
    start, end, score = found
    return anchor_at(text, *_on_the_quotes_words(text, start, end, quote), FUZZY, score)


_WORD = re.compile(r"\S+")
# How far from an alignment's end the quote's own first or last word is looked for, nearest
# first: a word or two, what a quote a few characters off leaves out or adds.
_SHIFTS = (0, -1, 1, -2, 2)


def _on_the_quotes_words(text: str, start: int, end: int, quote: str) -> tuple[int, int]:
    """The alignment text[start:end] in whole words, from the quote's first word to its last
    where one is within two words of either end: an alignment as long as the quote starts a
    word late when the quote lacks one ("I do contest" against "I do not contest")."""
    typed = _fold(quote).casefold().split()
    words = [m.span() for m in _WORD.finditer(text, max(0, start - 200), end + 200)]
    first = next(i for i, (_, stop) in enumerate(words) if stop > start)
    last = max(i for i, (begin, _) in enumerate(words) if begin < end)

    def same(i, word):
        return 0 <= i < len(words) and _fold(text[slice(*words[i])]).casefold() == word

    first = next((first + d for d in _SHIFTS if same(first + d, typed[0])), first)
    last = next((last - d for d in _SHIFTS if same(last - d, typed[-1])), last)
    return words[first][0], words[max(first, last)][1]


def _occurrences(text: str, needle: str) -> list[int]:
    starts, at = [], text.find(needle)
    while at != -1:
        starts.append(at)
        at = text.find(needle, at + 1)
    return starts


def _common_tail(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _common_head(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _best(text, spans, prefix, suffix, near) -> tuple[int, int]:
    """The span whose surroundings agree most with the prefix and suffix; then the one starting
    nearest `near`; then the first."""

    def fit(span):
        start, end = span
        before = text[max(0, start - len(prefix)) : start]
        after = text[end : end + len(suffix)]
        agreement = _common_tail(before, prefix) + _common_head(after, suffix)
        distance = abs(start - near) if near is not None else 0
        return (-agreement, distance, start)

    return min(spans, key=fit)


class _Folded:
    """The text with typography folded and runs of white space made one space, and for each of
    its characters the offset of the character it came from. Built from the runs of white space
    (C-speed regex and slices), not character by character: 200,000 characters take
    milliseconds."""

    def __init__(self, text: str):
        translated = _plain_typography(text)
        pieces, starts, origins = [], [], []
        length = at = 0
        for gap in _SPACE.finditer(translated):
            for piece, origin in ((translated[at : gap.start()], at), (" ", gap.start())):
                if piece:
                    starts.append(length)
                    origins.append(origin)
                    pieces.append(piece)
                    length += len(piece)
            at = gap.end()
        if at < len(translated):
            starts.append(length)
            origins.append(at)
            pieces.append(translated[at:])
        self.source = text
        self.text = "".join(pieces)
        # Each piece's start in the folded text, and the offset in the text it starts from.
        self._starts, self._origins = starts, origins

    def _origin(self, index: int) -> int:
        piece = bisect_right(self._starts, index) - 1
        return self._origins[piece] + index - self._starts[piece]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original text's offsets of the folded text[start:end]."""
        return self._origin(start), self._origin(end - 1) + 1

    def find_in_order(self, pieces: list[str], first: int) -> int | None:
        """Where the last of `pieces` ends when the first is at `first` and the others follow
        in order; None if one does not."""
        at = first + len(pieces[0])
        for piece in pieces[1:]:
            at = self.text.find(piece, at)
            if at == -1:
                return None
            at += len(piece)
        return at


def _fold(quote: str) -> str:
    # A typewriter's double hyphen stands for a dash (which the text folds to one hyphen).
    return " ".join(_plain_typography(quote.replace("--", "-")).split())


def _with_gaps(folded: _Folded, quote, prefix, suffix, near):
    """The quote after folding typography, its pieces in order around any gaps it marks; scored
    by how far its wording is from the passage's own (gaps left out)."""
    typed = [piece.strip() for piece in _GAP.split(quote) if _fold(piece)]
    pieces = [_fold(piece) for piece in typed]
    if not pieces:
        return None
    spans = []
    for first in _occurrences(folded.text, pieces[0]):
        end = folded.find_in_order(pieces, first)
        if end is None:
            break  # a later start only searches later text: it cannot succeed either
        spans.append(folded.span(first, end))
    if not spans:
        return None
    start, end = _best(folded.source, spans, prefix, suffix, near)
    passage = _Folded(folded.source[start:end])
    kept, at = [], 0
    for piece in pieces:
        at = passage.text.find(piece, at)
        piece_start, piece_end = passage.span(at, at + len(piece))
        kept.append(passage.source[piece_start:piece_end])
        at += len(piece)
    return start, end, _score(" ".join(typed), " ".join(kept))


def _fuzzy(folded: _Folded, quote: str):
    needle = _fold(_GAP.sub(" ", quote))
    alignment = fuzz.partial_ratio_alignment(
        needle, folded.text, score_cutoff=FUZZY_MIN_SCORE * 100
    )
    if alignment is None or alignment.dest_end <= alignment.dest_start:
        return None
    start, end = folded.span(alignment.dest_start, alignment.dest_end)
    return start, end, round(alignment.score / 100, 3)


def _score(typed: str, passage: str) -> float:
    return round(fuzz.ratio(typed, passage) / 100, 3)
