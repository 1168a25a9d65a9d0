"""Markdown to safe HTML: render CommonMark with cmark (cmarkgfm), then sanitise with nh3.

Why cmark: details are rendered on every post and edit, inside the request. Python-Markdown's
inline patterns backtrack, so 5,000 characters of "[" took seconds of CPU and a few such posts
held a worker. cmark, CommonMark's reference implementation in C, is built to parse in linear
time and keeps a suite of pathological inputs; any text within the limits renders in a few
milliseconds (tests/test_markdown_bounds.py, bench/markdown_bounds.py). Only the CommonMark core
is used: none of the GFM extensions (autolink, tables), where cmark-gfm's own super-linear bugs
were found.

cmark's "unsafe" mode passes raw HTML through, as Python-Markdown did, because nh3 is the one
sanitiser: whatever the renderer emits, only the allow-list below reaches a page.

One cost is left: an HTML parser (nh3's html5ever) checks the open elements' scope at each new
block, so its time grows with the square of the nesting; 5,000 ">" are 5,000 nested quotes and
took nh3 170 ms. Nobody nests quotes and lists MAX_NESTING deep, so a text that does is shown
as plain paragraphs instead: every word kept, no structure to parse.
"""

import html
import re

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

from accounts.mentions import mentions_in, people_named

ALLOWED_TAGS = {
    "p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr",
    "h3", "h4", "h5", "h6", "sup", "sub", "del",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
MAX_NESTING = 32
_NESTING_TAG = re.compile(r"<(/?)(?:blockquote|ul|ol|li)\b", re.IGNORECASE)
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


def render_markdown(text: str) -> str:
    if not text.strip():
        return ""
    rendered = cmarkgfm.markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)
    if _nests_deeper_than(rendered, MAX_NESTING):
        rendered = _plain_paragraphs(text)
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener",
    ).strip()


def _nests_deeper_than(rendered: str, limit: int) -> bool:
    depth = 0
    for tag in _NESTING_TAG.finditer(rendered):
        depth += -1 if tag[1] else 1
        if depth > limit:
            return True
    return False


def _plain_paragraphs(text: str) -> str:
    paragraphs = _BLANK_LINE.split(text.replace("\x00", "\ufffd").strip())
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>\n" for p in paragraphs)


# Text inside these is left alone: a link already, or code quoted as written.
_UNLINKED = {"a", "code", "pre"}
_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"<(/?)([a-z0-9]+)")


def render_details(text: str) -> str:
    """Details as HTML, each `@display name` of a member linked to their profile (issue 21).

    The links are added after sanitising, to the text between tags outside links and code, so
    nothing a writer types can shape them.
    """
    rendered = render_markdown(text)
    people = people_named(text)
    if not people:
        return rendered
    parts, unlinked = [], 0
    for part in _TAG.split(rendered):
        tag = _TAG_NAME.match(part)
        if tag and tag[2] in _UNLINKED:
            unlinked += -1 if tag[1] else 1
        is_text = part and not part.startswith("<") and not unlinked
        parts.append(_link_mentions(part, people) if is_text else part)
    return "".join(parts)


def _link_mentions(escaped: str, people: dict) -> str:
    plain, out, done = html.unescape(escaped), [], 0
    for mention in mentions_in(plain, people):
        url = html.escape(mention.person.get_absolute_url())
        written = html.escape(plain[mention.start : mention.end], quote=False)
        out += [html.escape(plain[done : mention.start], quote=False)]
        out += [f'<a class="mention" href="{url}">{written}</a>']
        done = mention.end
    return "".join([*out, html.escape(plain[done:], quote=False)]) if out else escaped
