"""Finding a quote in its source's text: W3C Web Annotation selectors for a citation.

A pure module (no models, no database): given a source's text and a quote, `anchor` answers where
the quote stands, as a TextPositionSelector (start/end character offsets into the text) and a
TextQuoteSelector (the exact text there, with up to 32 characters before and after), and how
sure it is:

- `exact`: the quote is in the text verbatim. Between repeats, the prefix and suffix the
  citation carries decide (or, failing those, a hinted start offset, then the first).
- `fuzzy` with a score in [0, 1]: the quote differs in typography only (curly or straight quotes,
  dashes, spacing, `...` for `…`), leaves gaps marked `…` or `[…]` (each piece whole words of
  the text, in order, all within GAPPED_SPAN_MAX_LENGTH characters), or (unless asked for the
  quote as written) is within a few characters of a passage (rapidfuzz's best partial
  alignment, scored at least FUZZY_MIN_SCORE).

A quote in one pair of quotation marks, as a journalist types it (“…”, «…», „…“, 「…」), is looked
for without them where the text does not have it with them (then `fuzzy`, as typography).

A quote found nowhere raises QuoteNotFound. A quote is composed (NFC) before it is looked for, as
the texts are stored (debates.sources.clean_text): one copied from a PDF or a macOS file name,
its accents apart from their letters, is the same text.
"""

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from difflib import SequenceMatcher

from rapidfuzz import fuzz

CONTEXT_LENGTH = 32
FUZZY_MIN_SCORE = 0.9
# How near, capitals aside, the source's words shown for a refused quote may be: lower than
# FUZZY_MIN_SCORE, for it only tells (never anchors), and in a short quote one left-out "not"
# or "clearly" is more than a tenth of its characters.
NEAREST_MIN_SCORE = 0.75
# A quote with gaps spans at most this much of the text, from its first word to its last: as
# debates.models.QUOTE_MAX_LENGTH (a pure module keeps its own copy), so a quote marks no more of
# a source as argued (its coverage, "Read the passage") by leaving words out than by quoting
# them in full, and its pieces stand a paragraph or so apart at most, read together by whoever
# follows it to the source; a multiple of the typed quote's length would refuse a short quote
# that leaves out a long clause.
GAPPED_SPAN_MAX_LENGTH = 1000

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


class QuoteWithoutWords(QuoteNotFound):
    """The quote has no letter or digit (`…`, `[…]`): it quotes nobody's words, and would mark a
    passage of the source as argued wherever the text has the same marks."""


def require_words(quote: str) -> None:
    """QuoteWithoutWords unless `quote` has a letter or digit."""
    if not any(map(_wordlike, quote)):
        raise QuoteWithoutWords("A quote needs the source's words, not only punctuation.")


class QuoteTooSpread(QuoteNotFound):
    """The quote's pieces are in the text, in order and whole words, but only further apart
    than GAPPED_SPAN_MAX_LENGTH."""


# Each quotation mark that opens a quote, and the marks that close it in one language or another
# (English “…”, German „…“ and »…«, Polish „…”, Swedish ”…” and »…», French «…», Japanese 「…」),
# single quotes alike.
_ENCLOSING = {
    '"': '"',
    "'": "'",
    "\u201c": "\u201d",
    "\u2018": "\u2019",
    "\u201d": "\u201d",
    "\u2019": "\u2019",
    "\u201e": "\u201c\u201d",
    "\u201a": "\u2018\u2019",
    "\u00ab": "\u00bb",
    "\u00bb": "\u00ab\u00bb",
    "\u2039": "\u203a",
    "\u203a": "\u2039\u203a",
    "\u300c": "\u300d",
    "\u300e": "\u300f",
}


def unquoted(quote: str) -> str:
    """The quote without one pair of quotation marks enclosing it all, if it has them. It is
    looked for only where the text lacks the quote with its marks, and must then be in the text
    itself: two marks that open and close different quotes (“Yes” and “No”) can only anchor the
    text's own characters."""
    quote = quote.strip()
    if len(quote) > 2 and quote[-1] in _ENCLOSING.get(quote[0], ""):
        return quote[1:-1].strip() or quote
    return quote


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
    as the text words it, from a word's edge to a word's edge ("agree" is not the end of
    "disagree"): typography and marked gaps aside, never a passage a few characters off, which
    may be the same words with a "not" left out (what a new citation must meet)."""
    quote = unicodedata.normalize("NFC", quote).strip()
    if not quote or not text:
        raise QuoteNotFound("There is no quote to find.")
    require_words(quote)
    folded_text, spread = None, None
    # As typed first: where the text has the quotation marks around it, it is quoted with them.
    for typed in dict.fromkeys([quote, unquoted(quote)]):
        starts = _occurrences(text, typed)
        if as_written:
            starts = [s for s in starts if _word_edge(text, s) and _word_edge(text, s + len(typed))]
        if starts:
            spans = [(start, start + len(typed)) for start in starts]
            start, end = _best(text, spans, prefix, suffix, near)
            if typed == quote:
                return anchor_at(text, start, end)
            # Verbatim but for the marks around it: typography, as a curly quote for a straight.
            return anchor_at(text, start, end, FUZZY, _score(quote, typed))
        folded_text = folded_text or _Folded(text)
        try:
            found = _with_gaps(folded_text, typed, prefix, suffix, near)
        except QuoteTooSpread as error:
            found, spread = None, spread or error
        if found is not None:
            return anchor_at(text, found[0], found[1], FUZZY, found[2])
    found = None if as_written else _fuzzy(folded_text, unquoted(quote))
    if found is None:
        raise spread or QuoteNotFound("This quote is not in the source.")
    start, end, score = found
    return anchor_at(text, start, end, FUZZY, score)


def nearest(text: str, quote: str) -> Anchor | None:
    """The passage of `text` within a few characters of `quote` (as anchor finds it when not
    `as_written`), or None: what a refused quote's writer is shown the source says, in whole
    words (the source's "disagree" for a quote's "agree")."""
    quote = unquoted(unicodedata.normalize("NFC", quote))
    found = _fuzzy(_Folded(text), quote, NEAREST_MIN_SCORE, True) if quote and text else None
    if found is None:
        return None
    start, end, score = found
    return anchor_at(text, *_on_the_quotes_words(text, start, end, quote), FUZZY, score)


_WORD = re.compile(r"\S+")
# How far from an alignment's end the quote's own first or last word is looked for, nearest
# first: a word or two, what a quote a few characters off leaves out or adds.
_SHIFTS = (0, -1, 1, -2, 2)


def _bare(word: str) -> str:
    """A word without the punctuation around it: "support." is the quote's "support"."""
    wordlike = [i for i, char in enumerate(word) if _wordlike(char)]
    return word[wordlike[0] : wordlike[-1] + 1] if wordlike else word


def _on_the_quotes_words(text: str, start: int, end: int, quote: str) -> tuple[int, int]:
    """The alignment text[start:end] in whole words, from the quote's first word to its last
    where one is within two words of either end: an alignment as long as the quote starts a
    word late when the quote lacks one ("I do contest" against "I do not contest"). The
    punctuation before the first word and after the last is the passage's only where the
    quote's has some: the source's stop after a quote's last word is no difference."""
    typed = _fold(quote).casefold().split()
    words = [m.span() for m in _WORD.finditer(text, max(0, start - 200), end + 200)]
    first = next(i for i, (_, stop) in enumerate(words) if stop > start)
    last = max(i for i, (begin, _) in enumerate(words) if begin < end)

    def same(i, word):
        return 0 <= i < len(words) and _bare(_fold(text[slice(*words[i])]).casefold()) == _bare(
            word
        )

    first = next((first + d for d in _SHIFTS if same(first + d, typed[0])), first)
    last = max(first, next((last - d for d in _SHIFTS if same(last - d, typed[-1])), last))
    begin, stop = words[first][0], words[last][1]
    wordlike = [at for at in range(begin, stop) if _wordlike(text[at])]
    if wordlike and _wordlike(typed[0][0]):
        begin = wordlike[0]
    if wordlike and _wordlike(typed[-1][-1]):
        stop = wordlike[-1] + 1
    return begin, stop


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


# Marks that stay within a word between two of its letters or digits ("don't", "anti-war",
# "Trenin's"; the joiners of Persian and Indic scripts), and those that do between two digits
# ("3.5", "1,600"): a gap there would leave out part of a word ("don … go", "3 … percent").
_WITHIN_WORDS = "'\u2019\u02bc-\u2010\u2011\u00ad\u200c\u200d"
_WITHIN_NUMBERS = ".,\u066b\u066c"
# Scripts written without spaces between words: with no dictionary here, each of their letters
# is a word's edge (an ideograph is one, near enough).
_UNSPACED = (
    "CJK ",
    "HIRAGANA",
    "KATAKANA",
    "HALFWIDTH KATAKANA",
    "THAI",
    "LAO",
    "KHMER",
    "MYANMAR",
)


def _wordlike(char: str) -> bool:
    """A letter, mark or digit, in any script."""
    return unicodedata.category(char)[0] in "LMN"


def _joins(text: str, at: int) -> bool:
    """Whether text[at] is a mark within a word (_WITHIN_WORDS, _WITHIN_NUMBERS)."""
    if not 0 < at < len(text) - 1:
        return False
    before, char, after = text[at - 1], text[at], text[at + 1]
    if char in _WITHIN_WORDS:
        return _wordlike(before) and _wordlike(after)
    return char in _WITHIN_NUMBERS and before.isdigit() and after.isdigit()


def _word_edge(text: str, at: int) -> bool:
    """Whether offset `at` of `text` (between text[at - 1] and text[at]) is a word's edge: not
    within a run of letters and digits, nor before a mark that belongs to the letter before it
    (an accent, an Indic vowel sign), nor beside a mark within a word."""
    if at <= 0 or at >= len(text):
        return True
    before, after = text[at - 1], text[at]
    if unicodedata.category(after)[0] == "M" or _joins(text, at) or _joins(text, at - 1):
        return False
    if _wordlike(before) and _wordlike(after):
        return any(unicodedata.name(char, "").startswith(_UNSPACED) for char in (before, after))
    return True


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

    def _edge(self, index: int) -> bool:
        """Whether the folded text's offset `index` is a word's edge in the text. Beside a space,
        or between two ASCII letters or digits, the folded text tells without a look at the
        text: a piece that is everywhere is found fast."""
        if index in (0, len(self.text)):
            return True
        pair = self.text[index - 1 : index + 1]
        if " " in pair:
            return True
        if pair.isascii() and pair.isalnum():
            return False
        return _word_edge(self.source, self._origin(index - 1) + 1)

    def _word_from(self, piece: str, at: int) -> int:
        """The first place from `at` on where `piece` stands as whole words; -1 if none does."""
        while (at := self.text.find(piece, at)) != -1:
            if self._edge(at) and self._edge(at + len(piece)):
                return at
            at += 1
        return -1

    def in_order(self, pieces: list[str]):
        """Each place where `pieces` stand in order, as whole words: for each place of the first,
        each later one at its first place after the one before (the shortest stretch from
        there), as the folded text's (start, end) of each piece. Where a later piece was found
        serves the next place of the first, which looks no earlier: the search stays linear."""
        # For each later piece, from where it was last looked for and where it was found (-1:
        # nowhere from there on).
        later: list[tuple[int, int] | None] = [None] * len(pieces)
        first = self._word_from(pieces[0], 0)
        while first != -1:
            places = [(first, first + len(pieces[0]))]
            for i, piece in enumerate(pieces[1:], 1):
                after = places[-1][1]
                known = later[i]
                if known is None or after < known[0] or (known[1] != -1 and after > known[1]):
                    known = later[i] = (after, self._word_from(piece, after))
                if known[1] == -1:
                    return  # nowhere after here, so nowhere after a later first place either
                places.append((known[1], known[1] + len(piece)))
            yield places
            first = self._word_from(pieces[0], first + 1)


def _fold(quote: str) -> str:
    # A typewriter's double hyphen stands for a dash (which the text folds to one hyphen).
    return " ".join(_plain_typography(quote.replace("--", "-")).split())


def plain(text: str) -> str:
    """`text` as a quote is compared: typography folded, white space and marked gaps one space."""
    return _fold(_GAP.sub(" ", text))


def differences(quote: str, passage: str) -> list[tuple[str, str]]:
    """Where `quote` differs from `passage` (the text's words nearest it) beyond typography: the
    words that differ, with the one beside them when words are added or left out, as (the
    quote's, the passage's); none when the quote leaves words out, which the passage has."""
    quote = unquoted(unicodedata.normalize("NFC", quote))
    if _GAP.search(quote):
        return []
    yours, theirs = quote.split(), passage.split()
    matcher = SequenceMatcher(None, [_fold(w) for w in yours], [_fold(w) for w in theirs], False)
    found = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i1 == i2 or j1 == j2:
            i1, j1 = max(0, i1 - 1), max(0, j1 - 1)
            i2, j2 = min(len(yours), i2 + 1), min(len(theirs), j2 + 1)
        found.append((" ".join(yours[i1:i2]), " ".join(theirs[j1:j2])))
    return found


def _with_gaps(folded: _Folded, quote, prefix, suffix, near):
    """The quote after folding typography, its pieces in order around any gaps it marks, each
    whole words of the text ("lie" is not the end of "believe"), spanning with its gaps at most
    GAPPED_SPAN_MAX_LENGTH (QuoteTooSpread when only further apart); scored by how far its
    wording is from the passage's own (gaps left out)."""
    typed = [piece.strip() for piece in _GAP.split(quote) if _fold(piece)]
    pieces = [_fold(piece) for piece in typed]
    # A piece of punctuation alone is nobody's words: ". … ." would mark a passage as quoted.
    if not pieces or not all(any(map(_wordlike, piece)) for piece in pieces):
        return None
    placed, spread = {}, False
    for places in folded.in_order(pieces):
        start, end = folded.span(places[0][0], places[-1][1])
        if len(places) > 1 and end - start > GAPPED_SPAN_MAX_LENGTH:
            spread = True
        else:
            placed[start, end] = places
    if not placed:
        if spread:
            raise QuoteTooSpread("The quote's words are in the source, but too far apart.")
        return None
    start, end = _best(folded.source, list(placed), prefix, suffix, near)
    kept = [folded.source[slice(*folded.span(*place))] for place in placed[start, end]]
    return start, end, _score(" ".join(typed), " ".join(kept))


def _lower(text: str) -> str:
    """`text` in lower case, but for a letter whose lower case is longer (offsets must hold)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(char if len(char.lower()) != 1 else char.lower() for char in text)


def _fuzzy(folded: _Folded, quote: str, cutoff=FUZZY_MIN_SCORE, any_case=False):
    needle, haystack = plain(quote), folded.text
    if any_case:
        needle, haystack = _lower(needle), _lower(haystack)
    alignment = fuzz.partial_ratio_alignment(needle, haystack, score_cutoff=cutoff * 100)
    if alignment is None or alignment.dest_end <= alignment.dest_start:
        return None
    start, end = folded.span(alignment.dest_start, alignment.dest_end)
    return start, end, round(alignment.score / 100, 3)


def _score(typed: str, passage: str) -> float:
    return round(fuzz.ratio(typed, passage) / 100, 3)
