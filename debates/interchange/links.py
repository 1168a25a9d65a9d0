"""Links from a debate's texts to its own arguments, as they travel in a file.

On a page of Crux such a link names the motion and the argument's database id
(`/motions/<slug>/arguments/<id>/`, the same with the site's address, SITE_URL, before it, or the
motion page's anchor, `/motions/<slug>/#argument-<id>`). A copy of the debate has another slug
and other ids: in a Crux JSON file the link leads to the argument's ref instead (`#a3`, as
export.schema.json says of the Markdown texts), and an import points it to the argument it
creates for that ref, so the copy's links lead into the copy (debates.transfer). Links to any
other page, another motion's arguments among them, are kept as written.

Only what Markdown reads as a link's destination is read: `[words](…)` and a reference
definition, `[label]: …`; a bare address is no link, and code (a fenced block, a code span)
shows what was written, so neither is touched.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings

# Code is matched first, and kept: a fenced block to its closing fence (or the end; a line of
# backticks with another one after them opens none), a code span to the next run of as many
# backticks. Possessive, so text that never closes one is read once.
_CODE = r"""
    (?P<code>
        ^[ ]{0,3}(?P<fence>`{3,}+(?![^\n]*`)|~{3,}+)[^\n]*
        (?:\n(?![ ]{0,3}(?P=fence)[`~]*[ \t]*(?:\n|\Z))[^\n]*)*+
        (?:\n[ ]{0,3}(?P=fence)[`~]*[ \t]*(?=\n|\Z))?
      | (?<!`)(?P<ticks>`++)(?:[^`]++|(?!(?P=ticks)(?!`))`++)*+(?P=ticks)(?!`)
    )
"""
# Where a destination begins: after `](` or a reference definition's `]:` (not a backslash's
# literal `\]`), on the same line or the next, in angle brackets or not.
_LEAD = r"""
    (?P<lead>
        (?<!\\)\]\([ \t]*(?:\n[ \t]*)?<?
      | ^[ ]{0,3}\[(?:[^\]\\\n]|\\.)+\]:[ \t]*(?:\n[ \t]*)?<?
    )
"""
# Where it ends: a title, the closing bracket, or the end of the text.
_END = r"(?=[\s)>]|\Z)"

_TO_ARGUMENT = re.compile(
    _CODE
    + "|"
    + _LEAD
    + r"""
    (?:
        (?P<origin>https?://[^/\s<>()?\#]+)?
        /motions/(?P<slug>[-a-zA-Z0-9_]+)(?:/arguments/(?P<id>[0-9]{1,19}))?/?
        (?:\?[^\s\#()<>]*)?
        (?:\#argument-(?P<anchor>[0-9]{1,19}))?
      | \#argument-(?P<bare>[0-9]{1,19})
    )
    """
    + _END,
    re.MULTILINE | re.VERBOSE,
)
_TO_REF = re.compile(
    _CODE + "|" + _LEAD + r"\#(?P<ref>a[0-9]{1,9})" + _END, re.MULTILINE | re.VERBOSE
)


def _this_site(origin: str) -> bool:
    return urlsplit(origin).netloc.lower() == urlsplit(settings.SITE_URL).netloc.lower()


def to_refs(text: str, *, slug: str, refs: dict) -> str:
    """`text` with each link to an argument of the motion `slug` whose id `refs` has (id: ref)
    leading to that ref instead (`#a3`)."""
    if not refs or ("/motions/" not in text and "#argument-" not in text):
        return text

    def to_ref(link):
        if link["code"] is not None or (link["origin"] and not _this_site(link["origin"])):
            return link[0]
        if link["bare"] is None and link["slug"] != slug:
            return link[0]
        named = link["anchor"] or link["id"] or link["bare"]
        ref = refs.get(int(named)) if named else None
        return link[0] if ref is None else f"{link['lead']}#{ref}"

    return _TO_ARGUMENT.sub(to_ref, text)


def from_refs(text: str, url_of) -> str:
    """`text` with each link to a ref (`#a3`) that `url_of` knows (a ref: its address, or None)
    leading to that address instead."""
    if "#a" not in text:
        return text

    def to_url(link):
        if link["code"] is not None or (url := url_of(link["ref"])) is None:
            return link[0]
        return link["lead"] + url

    return _TO_REF.sub(to_url, text)
