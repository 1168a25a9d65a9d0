"""Plain text as Crux stores it, whichever path a write takes (pages, API, imports)."""

import unicodedata

import icu
from django.utils.text import slugify

# Bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069): invisible, they
# make a claim or a title, and the page's text after it, read backwards.
BIDI_CONTROLS = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_WITHOUT_BIDI = dict.fromkeys(BIDI_CONTROLS)
# Control characters too (NUL among them, which PostgreSQL cannot store).
_UNPRINTABLE = dict.fromkeys([*range(0x20), *range(0x7F, 0xA0), *BIDI_CONTROLS], " ")


# Non-spacing marks (accents, points) one character may carry in a text: more than a script
# stacks (Hebrew with its points and cantillation, Tibetan's subjoined letters), too few to pile
# marks into a smear over the lines around it ("zalgo"). Display names have a rule of their own.
MARKS_ON_ONE_MAX = 6

BLANK_BRAILLE = "\u2800"
# What a withheld claim or source reads as in downloads (debates.transfer, Argdown); the pages say
# "[<visibility label>]". A title of either would pass for a moderator's or an author's act.
WITHHELD = {"hidden": "[hidden by a moderator]", "retracted": "[retracted]"}


def composed(text) -> str:
    """`text` in Unicode's composed form (NFC): "ü" one character however it came, where macOS
    file names and PDFs give "u" and a combining diaeresis, so that text which looks the same is
    the same to search, to a quote's anchor and to a comparison. Canonical only, never NFKC: a
    ligature, a superscript or a full-width letter stays as written."""
    return unicodedata.normalize("NFC", str(text or ""))


def one_line(text) -> str:
    """`text` as one line of plain, printable text: controls dropped, whitespace collapsed,
    composed (NFC); and nothing at all when none of it shows (zero-width spaces, joiners, soft
    hyphens, lone marks), so every "write something" rule refuses a title or claim that would
    be an empty link."""
    line = composed(" ".join(str(text or "").translate(_UNPRINTABLE).split()))
    return line if any(_shows(char) for char in line) else ""


def caseless(line: str) -> str:
    """The key of a line (as one_line gives it) that its spellings in another case or Unicode
    form share: "QARABAĞ MƏSƏLƏSİ" and "Qarabağ məsələsi", composed or not. Turkish and
    Azerbaijani capitals are read either way, as no locale says which language a line is in: a
    dotted capital I (which casefolds to an i with a second dot) and a dotless i are an i."""
    folded = unicodedata.normalize("NFD", line).casefold()
    return unicodedata.normalize("NFC", folded.replace("i\u0307", "i").replace("\u0131", "i"))


def _shows(char: str) -> bool:
    # Letters, numbers, punctuation and symbols print on their own; format characters (Cf),
    # marks and separators only ever change or space out those. Some letters and symbols are
    # blank all the same: Unicode's default-ignorable ones (the Hangul fillers) and the blank
    # Braille pattern.
    return (
        unicodedata.category(char)[0] in "LNPS"
        and char != BLANK_BRAILLE
        and not icu.Char.hasBinaryProperty(char, icu.UProperty.DEFAULT_IGNORABLE_CODE_POINT)
    )


def without_nul(text) -> str:
    """`text` without NUL, which PostgreSQL cannot store (and nobody types), and otherwise as
    it is: an export an admin restores keeps its texts exactly."""
    return str(text or "").replace("\x00", "")


def without_nul_or_bidi(text) -> str:
    """Text that may run over lines, as a form would keep it: no NUL, no bidirectional
    controls (an imported file's details, context or quote)."""
    return without_nul(without_bidi(text))


def without_bidi(text) -> str:
    """`text` with its line breaks kept, but no bidirectional controls; composed (NFC)."""
    return composed(str(text or "").translate(_WITHOUT_BIDI))


def slug_of(title: str, max_length: int) -> str:
    """The words of a web address for `title`, in Latin letters whatever its script (ICU's
    transliteration): "Путин решает всё" is read in its address as putin-resaet-vse, where
    Django's slugify alone would leave nothing. At most `max_length` characters, cut between
    words (a word longer than that is cut). A transliterator is made per call (about a
    millisecond; proposing a motion is rare) rather than one shared between server threads."""
    latin = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII").transliterate(title)
    # Latin-ASCII leaves the schwa (Azerbaijani's commonest vowel; Armenian's ը comes out as
    # one), which slugify would drop.
    slug = slugify(latin.replace("ə", "e").replace("Ə", "E"))
    if len(slug) <= max_length:
        return slug
    cut = slug[: max_length + 1]
    return (cut.rsplit("-", 1)[0] if "-" in cut else cut[:max_length]).strip("-")


def most_marks_on_one(text) -> int:
    """The most non-spacing marks any one character of `text` carries, decomposed: an "á" one."""
    if str(text or "").isascii():
        return 0  # most texts, at once: a source's 200,000 characters took 40 ms one by one
    most = piled = 0
    for char in unicodedata.normalize("NFD", str(text or "")):
        piled = piled + 1 if unicodedata.category(char) in ("Mn", "Me") else 0
        most = max(most, piled)
    return most


def reason_and_stop(reason) -> tuple[str, str]:
    """A moderator's reason on one line, and the full stop a notice ends it with: none after a
    reason that ends its own sentence ("… was hidden: Copied.")."""
    reason = " ".join(str(reason or "").split())
    return reason, "" if reason.endswith((".", "!", "?", "…")) else "."
