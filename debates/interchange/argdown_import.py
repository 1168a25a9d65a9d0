"""Argdown text into the dict debates.transfer.import_debate reads.

Each line is read by a small grammar (lark, LALR); nesting comes from indentation. The first
top-level statement is the motion, `+`/`<+` below a statement a pro reply and `-`/`<-` a con,
the YAML data as argdown_export writes it (`agree`/`disagree` become imported tallies, not
votes). A title met again (an equivalence class) stays one argument, linked where first
defined: where it repeats, its parent's details mention it and the lines below attach to the
first. What Crux has no place for (arguments `<...>`, premise-conclusion
structures, undercuts, contradictions, outgoing relations, further top-level statements) is kept
verbatim in the details of the claim above it, and each one is listed in the warnings. A claim,
`by`, `source`, `quote`, details or context longer than Crux keeps is refused, naming its line; a
longer title is shortened. A member's import is theirs: they are the author of every claim, the
file's `by` kept as its attribution, and its texts are cleaned as what they type is.
"""

import re
from dataclasses import dataclass, field

import yaml
from lark import Lark
from lark.exceptions import LarkError, UnexpectedInput

from debates.models import (
    CLAIM_MAX_LENGTH,
    DETAILS_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    Argument,
    Motion,
    Source,
)
from debates.sources import PLACEHOLDER_TITLES
from debates.text import WITHHELD, one_line, slug_of, without_nul, without_nul_or_bidi
from debates.transfer import (
    FORMAT,
    VERSION,
    ImportRefused,
    shortened,
    shown,
    too_long,
)

GRAMMAR = r"""
start: REL? element DATA?
element: STATEMENT ":" TEXT?  -> definition
       | STATEMENT            -> reference
       | ARGUMENT ":" TEXT?   -> argument
       | ARGUMENT             -> argument
       | TEXT                 -> text
REL.3: "<+" | "<-" | "+>" | "->" | "<_" | "_>" | "><" | "+" | "-" | "_"
STATEMENT.2: /\[(?:\\.|[^\]\\])+\]/
ARGUMENT.2: /<(?:\\.|[^>\\])+>/
TEXT: /(?:\\.|[^\\{\s])(?:\\.|[^\\{])*/
DATA: /\{.*\}/
%ignore " "
"""
_LINE = Lark(GRAMMAR, parser="lalr")
_ESCAPED = re.compile(r"\\(.)")
_PREMISE = re.compile(r"^(\(\d+\)|-{2,}|={2,})")
_SUPPORT, _ATTACK = {"+", "<+"}, {"-", "<-"}
TITLE_MAX = Motion._meta.get_field("title").max_length
BY_MAX = Argument._meta.get_field("attribution").max_length
SOURCE_MAX = Source._meta.get_field("title").max_length
# How much of a line or a title a message repeats.
GLIMPSE = 60
COUNT_MAX = 2**31 - 1  # what the database keeps in a count


class ArgdownError(ImportRefused):
    """The text is not Argdown this importer can read; says on which line."""

    def __init__(self, line: int, message: str):
        super().__init__(f"Line {line}: {message}")
        self.line = line


@dataclass
class _Node:
    title: str
    claim: str
    data: dict
    line: int
    stance: str = "pro"
    children: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def _text(raw) -> str:
    return " ".join(_ESCAPED.sub(r"\1", str(raw or "")).split())


def _data(raw, number):
    if raw is None:
        return {}
    try:
        data = yaml.safe_load(str(raw))
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or "unreadable"
        raise ArgdownError(number, f"the data in braces is not YAML ({problem}).") from None
    except RecursionError:
        raise ArgdownError(number, "the data in braces is nested too deeply.") from None
    if not isinstance(data, dict):
        raise ArgdownError(number, "the data in braces is not a map of keys to values.")
    return data


def _read_line(content, number):
    try:
        tree = _LINE.parse(content)
    except UnexpectedInput as error:
        raise ArgdownError(number, f"cannot read this at column {error.column}.") from None
    except LarkError as error:
        raise ArgdownError(number, f"cannot read this line ({error}).") from None
    relation = data = None
    for token in tree.children:
        if getattr(token, "type", None) == "REL":
            relation = str(token)
        elif getattr(token, "type", None) == "DATA":
            data = _data(token, number)
    element = next(child for child in tree.children if hasattr(child, "data"))
    parts = [str(token) for token in element.children]
    return relation, element.data, parts, data or {}


def _frontmatter(lines):
    """The YAML between `===` lines at the top, and the number of lines it takes."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or lines[first].strip() != "===":
        return {}, 0
    for end in range(first + 1, len(lines)):
        if lines[end].strip() == "===":
            data = _data("\n".join(lines[first + 1 : end]) or "{}", first + 1)
            return data, end + 1
    raise ArgdownError(first + 1, "the front matter opened with === is never closed.")


class _Reader:
    def __init__(self):
        self.root = None
        self.titles = {}
        self.warnings = []
        self.stack = []  # (indent, node) from the root down
        self.verbatim = None  # (indent, lines) while copying a block Crux cannot represent

    def keep(self, number, indent, line, what, holder):
        glimpse = shortened(line.strip(), GLIMPSE)
        self.warnings.append(f"Line {number}: {what}, kept verbatim in the details: {glimpse}")
        self.verbatim = (indent, holder.notes)
        holder.notes.append(line.rstrip())

    def parent(self, indent, number):
        while self.stack and self.stack[-1][0] >= indent:
            self.stack.pop()
        if not self.stack:
            raise ArgdownError(number, "a relation needs a statement above it, less indented.")
        return self.stack[-1][1]

    def line(self, number, line):
        indent = len(line) - len(line.lstrip(" "))
        content = line.strip()
        if self.verbatim and indent > self.verbatim[0]:
            self.verbatim[1].append(line.rstrip())
            return
        self.verbatim = None
        if not content or content.startswith("//"):
            return
        if content.startswith("# ") or content == "#":
            return
        holder = self.stack[-1][1] if self.stack else self.root
        if _PREMISE.match(content):
            if holder is None:
                raise ArgdownError(number, "a premise-conclusion structure needs a motion above.")
            self.keep(number, indent - 1, line, "a premise-conclusion structure", holder)
            return
        relation, kind, parts, data = _read_line(content, number)
        if relation is None:
            self.top_level(number, indent, line, kind, parts, data)
            return
        parent = self.parent(indent, number)
        if relation not in _SUPPORT | _ATTACK:
            self.keep(number, indent, line, f"a relation {relation!r} Crux cannot show", parent)
            return
        if kind not in ("definition", "reference"):
            self.keep(number, indent, line, "an argument or free text", parent)
            return
        stance = "pro" if relation in _SUPPORT else "con"
        title = _text(parts[0][1:-1])
        known = self.titles.get(title)
        if known is not None:
            word = "Supports" if stance == "pro" else "Attacks"
            parent.notes.append(f"{word} it too: “{known.claim}” (above).")
            self.stack.append((indent, known))
            return
        node = self.node(number, title, parts, data, stance)
        parent.children.append(node)
        self.stack.append((indent, node))

    def node(self, number, title, parts, data, stance="pro"):
        status = _string(data, "status")
        if status in WITHHELD:
            claim = WITHHELD[status]
        elif isinstance(data.get("claim"), str) and data["claim"].strip():
            claim = data["claim"]
        else:
            claim = (_text(parts[1]) if len(parts) > 1 else "") or title
        if not claim:
            raise ArgdownError(number, "this statement has no text.")
        node = _Node(title=title, claim=claim, data=data, line=number, stance=stance)
        self.titles[title] = node
        return node

    def top_level(self, number, indent, line, kind, parts, data):
        if self.root is None and kind in ("definition", "reference", "text"):
            title = _text(parts[0][1:-1]) if kind != "text" else ""
            if kind == "text":
                parts = ["", parts[0]]
            self.root = self.node(number, title, parts, data)
            self.stack = [(indent, self.root)]
            return
        if self.root is None:
            raise ArgdownError(number, "the first statement (the motion) must come first.")
        if indent == 0:
            self.stack = [(-1, self.root)]
            self.keep(number, indent, line, "a further top-level element", self.root)
        else:
            self.keep(number, indent, line, "an argument or free text", self.parent(indent, number))


def parse_argdown(text: str):
    """The motion node, the front matter and the warnings; ArgdownError on unreadable text."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ").split("\n")
    front, start = _frontmatter(lines)
    reader = _Reader()
    comment = False
    for number, line in enumerate(lines[start:], start=start + 1):
        stripped = line.strip()
        if comment or stripped.startswith("/*"):
            comment = "*/" not in stripped
            continue
        reader.line(number, line)
    if reader.root is None:
        raise ArgdownError(max(len(lines), 1), "there is no statement to make a motion of.")
    return reader.root, front, reader.warnings


def _string(data, key):
    value = data.get(key)
    return str(value) if isinstance(value, (str, int, float)) else ""


def _named(node) -> str:
    return f"[{shortened(node.title, GLIMPSE)}]" if node.title else "the motion"


def _within(node, what: str, text: str, limit: int) -> str:
    """`text`, or ArgdownError on the statement's line when it is over `limit`: the schema would
    refuse it too, but could only name its place in the Crux JSON made of the file."""
    if len(text) > limit:
        raise ArgdownError(node.line, too_long(f"the {what} of {_named(node)}", len(text), limit))
    return text


def _tallies(node, warnings):
    """The statement's `agree`/`disagree` counts, or None: counted elsewhere, they become imported
    tallies (debates.interchange.models), never members' votes."""
    counts = {}
    for key in ("agree", "disagree"):
        value = node.data.get(key, 0)
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= COUNT_MAX:
            counts[key] = value
        else:
            warnings.append(f"{_named(node)}: {key}: {shown(value)} is not a count; left out.")
            counts[key] = 0
    return counts if any(counts.values()) else None


def argdown_to_crux(text: str, *, slug: str = "", author=None):
    """The Crux JSON dict of the debate `text` describes, and the warnings. `author`, the member
    importing it, is the author of every claim; the file's `by` stays each one's attribution."""
    root, front, warnings = parse_argdown(text)
    sources = {}
    # A member's file is cleaned as what they type is; an export an admin restores keeps its
    # texts exactly (export, import and export again give the same file), but for the NUL.
    as_line, as_text = (one_line, without_nul_or_bidi) if author else (without_nul, without_nul)

    def source(node):
        title = _within(node, "'source'", as_line(_string(node.data, "source")), SOURCE_MAX)
        if title.lower() in PLACEHOLDER_TITLES:
            # An export's withheld source: a source so titled would pass for one a moderator hid.
            warnings.append(f"Line {node.line}: its source was withheld; imported without it.")
            return None
        if not title:
            return None
        for ref, known in sources.items():
            if known["title"] == title:
                return ref
        sources[f"s{len(sources) + 1}"] = {"title": title}
        return f"s{len(sources)}"

    def details(node):
        parts = [_string(node.data, "details"), "\n".join(node.notes)]
        text = as_text("\n\n".join(part for part in parts if part))
        return _within(node, "details", text, DETAILS_MAX_LENGTH)

    def claim_fields(node):
        claim = as_line(node.claim)
        if not claim:
            raise ArgdownError(node.line, "this statement has no text.")
        return {
            "claim": _within(node, "claim", claim, CLAIM_MAX_LENGTH),
            "attribution": _within(node, "'by'", as_line(_string(node.data, "by")), BY_MAX),
            "source": source(node),
            "quote": _within(
                node, "'quote'", as_text(_string(node.data, "quote")), QUOTE_MAX_LENGTH
            ),
            "votes": [],
            **({"tallies": tallies} if (tallies := _tallies(node, warnings)) else {}),
        }

    titles = (_string(root.data, "title"), _string(front, "title"), root.title)
    typed = next((title for title in map(as_line, titles) if title), "")
    # A title made of the claim is cut short unsaid: the claim keeps every word.
    title = shortened(typed or as_line(root.claim), TITLE_MAX)
    if len(typed) > TITLE_MAX:
        warnings.append(f"The title has {len(typed):,} characters; shortened to {TITLE_MAX:,}.")
    context = as_text("\n\n".join(p for p in (_string(root.data, "context"), *root.notes) if p))
    motion = {
        "slug": slug or slug_of(title)[:80] or "imported",
        "title": title,
        "context": _within(root, "context", context, DETAILS_MAX_LENGTH),
        "author": author,
        "visibility": "hidden" if _string(root.data, "status") == "hidden" else "visible",
        **claim_fields(root),
    }
    arguments = []
    stack = [(child, None) for child in reversed(root.children)]
    while stack:
        node, parent = stack.pop()
        ref = f"a{len(arguments) + 1}"
        status = _string(node.data, "status")
        arguments.append(
            {
                "ref": ref,
                "parent": parent,
                "stance": node.stance,
                "details": details(node),
                "visibility": status if status in WITHHELD else "visible",
                "author": author,
                "revisions": [],
                **claim_fields(node),
            }
        )
        stack.extend((child, ref) for child in reversed(node.children))
    data = {
        "format": FORMAT,
        "version": VERSION,
        "motion": motion,
        "sources": sources,
        "arguments": arguments,
    }
    return data, warnings
