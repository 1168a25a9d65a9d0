"""Writes of sources with their text (issue 20): adding one, and anchoring a citation to it.

A source's text is plain text with its paragraphs (blank lines between them) kept. A citation of
a source with text must be found in it (debates.anchoring); a source without text keeps a free
quote. Moderators hide a source in debates.moderation.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from debates import anchoring, policy
from debates.errors import DebateRuleError
from debates.models import SOURCE_TEXT_MAX_LENGTH, Source
from debates.text import BIDI_CONTROLS, one_line

# Controls other than the line break and tab, and bidirectional controls: invisible, they
# garble a page; NUL is more than PostgreSQL stores.
_UNSHOWN = dict.fromkeys([*range(0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), *BIDI_CONTROLS])
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


def clean_text(text: str) -> str:
    """A text as Crux stores it: line breaks made \\n, controls dropped, trailing spaces and
    extra blank lines gone (a paragraph ends at one blank line)."""
    text = str(text or "").replace("\r\n", "\n").replace("\r", "\n").translate(_UNSHOWN)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip("\n")


def anchored(source: Source, quote: str, *, start=None, end=None) -> dict:
    """An argument's anchor fields for citing `quote` from `source`: none for a source without
    text; the passage text[start:end] when that is the quote (a reader's selection); else where
    debates.anchoring finds it. Refused (422, on the quote) when it is not in the text."""
    if not source.text:
        return {}
    text = source.text
    try:
        if start is not None and end is not None and text[start:end] == quote:
            found = anchoring.anchor_at(text, start, end)
        else:
            found = anchoring.anchor(text, quote, near=start)
    except anchoring.QuoteNotFound:
        raise DebateRuleError(
            "This quote is not in the source. Copy it from the source's text as it stands, "
            "or mark left-out words with …",
            status=422,
            field="quote",
        ) from None
    return {
        "quote_start": found.start,
        "quote_end": found.end,
        "quote_prefix": found.prefix,
        "quote_suffix": found.suffix,
        "anchor": found.status,
        "anchor_score": found.score,
    }


def _required(value: str, message: str, field: str) -> str:
    if not value:
        raise DebateRuleError(message, status=422, field=field)
    return value


def _bounded(value: str, field: str, label: str) -> str:
    limit = Source._meta.get_field(field).max_length
    if len(value) > limit:
        raise DebateRuleError(
            f"Keep the {label} to {limit:,} characters (it has {len(value):,}).",
            status=422,
            field=field,
        )
    return value


@transaction.atomic
def add_source(
    *,
    adder,
    title: str,
    text: str,
    author: str = "",
    publisher: str = "",
    url: str = "",
    published_on: dt.date | None = None,
) -> Source:
    """A member adds a published work with its text, for arguments to quote from."""
    policy.enforce(policy.participation_refusal(adder, "post"))
    title = _required(one_line(title), "Give the source its title.", "title")
    title = _bounded(title, "title", "title")
    text = clean_text(text)
    _required(text.strip(), "Paste the source's text.", "text")
    if len(text) > SOURCE_TEXT_MAX_LENGTH:
        raise DebateRuleError(
            f"Keep the text to {SOURCE_TEXT_MAX_LENGTH:,} characters (it has {len(text):,}).",
            status=422,
            field="text",
        )
    url = one_line(url)
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise DebateRuleError(
                "The web address must start with http:// or https://.", status=422, field="url"
            ) from None
    return Source.objects.create(
        title=title,
        author=_bounded(one_line(author), "author", "author"),
        publisher=_bounded(one_line(publisher), "publisher", "publisher"),
        url=_bounded(url, "url", "web address"),
        published_on=published_on,
        text=text,
        added_by=adder,
        added_at=timezone.now(),
    )
