"""Plain text as Crux stores it, whichever path a write takes (pages, API, imports)."""

# Bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069): invisible, they
# make a claim or a title, and the page's text after it, read backwards.
BIDI_CONTROLS = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_WITHOUT_BIDI = dict.fromkeys(BIDI_CONTROLS)
# Control characters too (NUL among them, which PostgreSQL cannot store).
_UNPRINTABLE = dict.fromkeys([*range(0x20), *range(0x7F, 0xA0), *BIDI_CONTROLS], " ")


def one_line(text) -> str:
    """`text` as one line of plain, printable text: controls dropped, whitespace collapsed."""
    return " ".join(str(text or "").translate(_UNPRINTABLE).split())


def without_bidi(text) -> str:
    """`text` with its line breaks kept, but no bidirectional controls."""
    return str(text or "").translate(_WITHOUT_BIDI)
