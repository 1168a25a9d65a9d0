"""Writes of sources with their text (issue 20): adding one, anchoring a citation to it, and
moderators hiding or restoring one.

A source's text is plain text with its paragraphs (blank lines between them) kept. A citation of
a source with text must be found in it (debates.anchoring); a source without text keeps a free
quote. Hiding a source is a moderation act like hiding a claim: checked by debates.policy (through
debates.moderation's checks), logged, and announced to the debates whose claims cite it.
"""

import contextlib
import datetime as dt
import hashlib
import re
from urllib.parse import unquote, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from debates import anchoring, events, moderation, policy
from debates.errors import DebateRuleError, FieldChecks, within_limit
from debates.models import (
    SOURCE_TEXT_MAX_LENGTH,
    Argument,
    Flag,
    ModerationAction,
    Motion,
    Source,
    SourceText,
)
from debates.text import BIDI_CONTROLS, WITHHELD, composed, one_line

# Controls other than the line break and tab, and bidirectional controls: invisible, they
# garble a page; NUL is more than PostgreSQL stores.
_UNSHOWN = dict.fromkeys([*range(0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), *BIDI_CONTROLS])
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


def clean_text(text: str) -> str:
    """A text as Crux stores it: line breaks made \\n, controls dropped, composed (NFC, as
    debates.text composes what people write, so a quote of it is found however it was typed),
    trailing spaces and extra blank lines gone (a paragraph ends at one blank line)."""
    text = composed(str(text or "").replace("\r\n", "\n").replace("\r", "\n").translate(_UNSHOWN))
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip("\n")


def text_of(source: Source) -> str:
    """The source's full text, or "" when Crux holds none (one query, then remembered)."""
    try:
        return source.full_text.text
    except SourceText.DoesNotExist:
        return ""


# A claim's anchor fields when its quote is not anchored.
UNANCHORED = {
    "quote_start": None,
    "quote_end": None,
    "quote_prefix": "",
    "quote_suffix": "",
    "anchor": "",
    "anchor_score": None,
}


def replace_text(source: Source, text: str) -> None:
    """Give the source this text ("" for none), changing nothing if it has it already. For the
    seed, when its text file changes: every claim anchored to the old text is anchored again,
    near where it was, or left unanchored if its quote is gone, never marking a wrong passage."""
    text = clean_text(text)
    if text_of(source) == text:
        return
    if text:
        source.full_text, _ = SourceText.objects.update_or_create(
            source=source, defaults={"text": text}
        )
    else:
        SourceText.objects.filter(source=source).delete()
        source.full_text = None
    for model in (Argument, Motion):
        for claim in model.objects.filter(source=source, quote_start__isnull=False):
            model.objects.filter(pk=claim.pk).update(**_anchored_again(claim, text))


def _anchored_again(claim, text: str) -> dict:
    try:
        found = anchoring.anchor(
            text,
            claim.quote,
            prefix=claim.quote_prefix,
            suffix=claim.quote_suffix,
            near=claim.quote_start,
        )
    except anchoring.QuoteNotFound:
        return UNANCHORED
    return _fields(found)


def _fields(found: anchoring.Anchor) -> dict:
    return {
        "quote_start": found.start,
        "quote_end": found.end,
        "quote_prefix": found.prefix,
        "quote_suffix": found.suffix,
        "anchor": found.status,
        "anchor_score": found.score,
    }


def anchored(source: Source, quote: str, *, start=None, end=None, as_written=True) -> dict:
    """An argument's anchor fields for citing `quote` from `source`: none for a source without
    text; the passage text[start:end] when that is the quote (a reader's selection); else where
    debates.anchoring finds it, `as_written` (a new citation) or also a few characters off (a
    seeded quote with its reason, a restored one). Refused (422, on the quote) when it is not in
    the text, showing the passage a few characters off, if one is: the words the source has."""
    text = text_of(source)
    if not text:
        return {}
    try:
        anchoring.require_words(quote)
        if start is not None and end is not None and text[start:end] == composed(quote):
            found = anchoring.anchor_at(text, start, end)
        else:
            found = anchoring.anchor(text, quote, near=start, as_written=as_written)
    except anchoring.QuoteNotFound as error:
        raise DebateRuleError(_not_in(text, quote, error), status=422, field="quote") from None
    return _fields(found)


def _not_in(text: str, quote: str, error: anchoring.QuoteNotFound) -> str:
    """Why the quote is refused: its words too far apart, or the source's words nearest it and
    what differs, or that nothing near it is in the source."""
    if isinstance(error, anchoring.QuoteWithoutWords):
        return (
            "A quote needs words: this one has no letter or digit. Copy the source's words you "
            "argue from, marking any you leave out with …"
        )
    if isinstance(error, anchoring.QuoteTooSpread):
        return (
            "The source has these words, but more than "
            f"{anchoring.GAPPED_SPAN_MAX_LENGTH:,} characters apart: quote them from one passage "
            "of that length at most, marking the words you leave out with …"
        )
    near = anchoring.nearest(text, quote)
    if near is None:
        return (
            "This quote is not in the source. Copy it from the source's text as it stands, "
            "or mark left-out words with …"
        )
    difference = _difference(quote, near.exact)
    passage = " ".join(near.exact.split())
    # A passage ending a sentence ends the message's: "It reads “… interests.”", not "….”."
    stop = "" if passage.endswith((".", "!", "?", "…")) else "."
    return (
        f"The source does not say this as written{f': {difference}' if difference else ''}. "
        f"It reads “{passage}”{stop} Quote its words as they stand, or mark left-out words "
        "with …"
    )


def _difference(quote: str, passage: str) -> str:
    """What differs between a refused quote and the source's words nearest it (the first three
    differences), said in words: a stop or a capital would hide beside the message's own
    quotation marks."""
    if anchoring.plain(anchoring.unquoted(quote)).casefold() == anchoring.plain(passage).casefold():
        return "only the capitals differ"
    return "; ".join(_changes(*found) for found in anchoring.differences(quote, passage)[:3])


_PUNCTUATED = re.compile(r"(\W*)(.*?)(\W*)", re.DOTALL)


def _changes(yours: str, theirs: str) -> str:
    """One difference in words; where only a word's capitals or the punctuation beside it
    differ, which."""
    (lead, word, trail), (its_lead, its_word, its_trail) = (
        _PUNCTUATED.fullmatch(words).groups() for words in (yours, theirs)
    )
    if " " in yours or " " in theirs or word.casefold() != its_word.casefold():
        return f"where you wrote “{yours}”, it has “{theirs}”"
    changes = [f"it writes “{its_word}” with other capitals"] if word != its_word else []
    for side, mine, its in (("before", lead, its_lead), ("after", trail, its_trail)):
        if anchoring.plain(mine) != anchoring.plain(its):
            changes.append(
                f"it has no “{mine}” {side} “{its_word}”"
                if not its
                else f"it has “{its}” {side} “{its_word}”" + (f", not “{mine}”" if mine else "")
            )
    return "; ".join(changes)


def anchored_in_one(held: list[Source], quote: str, *, start=None, end=None) -> tuple:
    """The first of `held` (the texts Crux holds at one address) whose text holds `quote`, and
    the quote's anchor in it; refused as anchored() refuses when none does."""
    refusal = None
    for source in held:
        try:
            return source, anchored(source, quote, start=start, end=end)
        except DebateRuleError as error:
            refusal = refusal or error
    raise refusal


# --- Web addresses -----------------------------------------------------------------------------


def web_address(url: str) -> str:
    """A cited web address as Crux compares and keeps it: its scheme and host in lower case (the
    web reads them so), the rest as written; one it cannot split, as it is."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    return urlunsplit(parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()))


def held_at(*urls: str) -> list[Source]:
    """The sources at any of `urls` whose text Crux itself holds (seeded or restored, added by no
    member) and anyone may quote, oldest first, their texts loaded: one query. A member's pasted
    text binds nobody else's citations: anyone could paste a text under a newspaper's address."""
    urls = {url for url in urls if url}
    if not urls:
        return []
    held = Source.objects.filter(
        url__in=urls, full_text__isnull=False, added_by__isnull=True, visibility="visible"
    )
    return list(held.select_related("full_text").order_by("pk"))


# Query parameters that say how a reader came to a page, not which page it is: left out of its
# title (a campaign's tag would read as part of the work's name).
_TRACKING = ("utm_", "fbclid=", "gclid=", "mc_cid=", "mc_eid=")


def _readable(address: str) -> str:
    """An address as a reader types it: percent-escapes decoded where they make text (a query
    in Cyrillic); what fails to decode stays as it was. Not the host: an international one
    stays in its ASCII form (xn--…), as browsers show a host whose letters could pass for
    another's ("apple" spelt in Cyrillic letters)."""
    host, slash, rest = address.partition("/")
    with contextlib.suppress(UnicodeDecodeError):
        rest = unquote(rest, errors="strict")
    return one_line(f"{host}{slash}{rest}")


def address_title(url: str) -> str:
    """The title of a source cited only by its address: its host, path and query (`?id=1` and
    `?id=2` are two works), not the fragment (a place in the one work). One longer than a title
    may be keeps its end, where the query tells works apart, around an ellipsis in the middle."""
    parts = urlsplit(url)
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not pair.lower().startswith(_TRACKING)
    )
    title = _readable(f"{parts.hostname}{parts.path}" + (f"?{query}" if query else ""))
    limit = Source._meta.get_field("title").max_length
    if len(title) <= limit:
        return title
    kept = limit - 1
    return f"{title[: kept - kept // 3]}…{title[len(title) - kept // 3 :]}"


def address_source(url: str) -> Source:
    """The source that is the web address `url` (a valid http(s) one), no text held: every claim
    citing the address by typing it cites this one source, made by the first. Two first citations
    at once make one (Source.address_key is unique: the later insert's savepoint rolls back and it
    reads the row the other committed). A source a moderator hid is not cited afresh (409): its
    title would be withheld from the new claim unsaid, and a fresh copy would undo the hiding."""
    url = web_address(url)
    key = hashlib.sha256(url.encode()).hexdigest()
    source = Source.objects.filter(address_key=key).first()
    if source is None:
        title = address_title(url)
        try:
            with transaction.atomic():
                source = Source.objects.create(title=title, url=url, address_key=key)
        except IntegrityError:
            source = Source.objects.get(address_key=key)
    policy.enforce(policy.citation_refusal(source))
    return source


# The placeholders downloads and pages show for a withdrawn claim or source: a title of one would
# pass for it.
PLACEHOLDER_TITLES = {
    *WITHHELD.values(),
    *(f"[{label.lower()}]" for value, label in Argument.Visibility.choices if value in WITHHELD),
}


def refuse_text_hidden_at(adder, *urls: str) -> None:
    """A text a moderator hid is not pasted again under its address by a member (a copyright
    complaint would be undone by anyone); a moderator may, having judged it. One query for all
    of `urls` (an import's); the refusal names the address when there were several."""
    if not urls or policy.moderates(adder):
        return
    hidden = Source.objects.filter(url__in=urls, visibility="hidden", full_text__isnull=False)
    url = hidden.values_list("url", flat=True).first()
    if url is not None:
        where = "this address" if len(urls) == 1 else url
        raise DebateRuleError(
            f"A moderator hid the text of the source at {where}, so it can't be added "
            "again; cite it by its address, or ask a moderator to review it.",
            status=409,
            field="url",
        )


def _required(value: str, message: str, field: str) -> str:
    if not value:
        raise DebateRuleError(message, status=422, field=field)
    return value


def _bounded(value: str, field: str, label: str) -> str:
    return within_limit(
        value, limit=Source._meta.get_field(field).max_length, field=field, noun=label
    )


def _source_title(title: str) -> str:
    title = _bounded(
        _required(one_line(title), "Give the source its title.", "title"), "title", "title"
    )
    if title.lower() in PLACEHOLDER_TITLES:
        raise DebateRuleError(
            "That is what Crux shows in place of a withdrawn source: give it its own title.",
            status=422,
            field="title",
        )
    return title


def _source_text(text: str) -> str:
    text = clean_text(text)
    _required(text.strip(), "Paste the source's text.", "text")
    return within_limit(text, limit=SOURCE_TEXT_MAX_LENGTH, field="text")


def _source_url(adder, url: str) -> str:
    url = _bounded(one_line(url), "url", "web address")
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise DebateRuleError(
                "The web address must start with http:// or https://.", status=422, field="url"
            ) from None
        refuse_text_hidden_at(adder, url)
    return url


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
    """A member adds a published work with its text, for arguments to quote from. Every field
    is checked before any refusal is raised: the form shows all that is wrong at once."""
    policy.enforce(policy.participation_refusal(adder, "post"))
    fields = FieldChecks()
    title = fields.check(lambda: _source_title(title))
    text = fields.check(lambda: _source_text(text))
    url = fields.check(lambda: _source_url(adder, url))
    author = fields.check(lambda: _bounded(one_line(author), "author", "author"))
    publisher = fields.check(lambda: _bounded(one_line(publisher), "publisher", "publisher"))
    fields.done()
    source = Source.objects.create(
        title=title,
        author=author,
        publisher=publisher,
        url=url,
        published_on=published_on,
        added_by=adder,
        added_at=timezone.now(),
    )
    source.full_text = SourceText.objects.create(source=source, text=text)
    return source


# --- Moderation --------------------------------------------------------------------------------


def _set_visibility(moderator, source, *, hidden: bool, reason: str) -> moderation.Outcome:
    moderation.require_moderator(moderator)
    reason = moderation.clean_reason(reason, required=True)
    fresh = Source.objects.select_for_update().get(pk=source.pk)
    if fresh.is_hidden == hidden:
        state = "already hidden" if hidden else "not hidden"
        return moderation.Outcome(False, f"This source is {state}; nothing changed.")
    if not hidden:
        policy.enforce(policy.own_content_refusal(moderator, fresh, "restore"))
    visibility = "hidden" if hidden else "visible"
    Source.objects.filter(pk=fresh.pk).update(
        visibility=visibility, hidden_reason=reason if hidden else ""
    )
    # Hiding answers the flags on it, as hiding a claim does.
    resolved = moderation.resolve_flags(fresh, moderator, Flag.Status.ACTIONED) if hidden else 0
    entry = ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.HIDE if hidden else ModerationAction.Action.RESTORE,
        source=fresh,
        reason=reason,
        flags_resolved=resolved,
    )
    source.visibility, source.hidden_reason = visibility, reason if hidden else ""
    _announce_citations(fresh)
    return moderation.Outcome(True, "Source hidden." if hidden else "Source restored.", entry)


def _announce_citations(source) -> None:
    """Tell the debates whose claims cite `source` that their citations changed: they show its
    title, or withhold it, to the public now (the claims' pages, and the shared trees cached
    under their motions' activity)."""
    for motion_id, pk in Argument.objects.filter(source=source).values_list("motion_id", "pk"):
        events.announce(motion_id, events.ARGUMENT_CHANGED, argument_id=pk)
    for pk in Motion.objects.filter(source=source).values_list("pk", flat=True):
        events.announce(pk, events.MOTION_CHANGED)


@transaction.atomic
def hide_source(*, moderator, source: Source, reason: str) -> moderation.Outcome:
    """Hide a source's text, and its title where claims cite it, from everyone but who added it
    and moderators, logged like a claim; the claims citing it keep their quotes."""
    return _set_visibility(moderator, source, hidden=True, reason=reason)


@transaction.atomic
def restore_source(*, moderator, source: Source, reason: str) -> moderation.Outcome:
    """Show a hidden source's text again; never by who added it (policy.own_content_refusal)."""
    return _set_visibility(moderator, source, hidden=False, reason=reason)
