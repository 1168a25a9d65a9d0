"""Argdown text into the dict debates.transfer.import_debate reads.

Each line is read by a small grammar (lark, LALR); nesting comes from indentation. The first
top-level statement is the motion, `+`/`<+` below a statement a pro reply and `-`/`<-` a con,
titled or not (an untitled statement is one of its own, as Argdown reads it), the YAML data as
argdown_export writes it (`agree`/`disagree` become imported tallies, not votes). A title met
again (an equivalence class) stays one argument, linked where first defined: where it repeats,
its parent's details mention it and the lines below attach to the first; a top-level line naming
it is where more replies to it begin. Its text is the first one the file gives it, wherever that
is, as Argdown's is. What Crux has no place for (arguments `<...>` and their premise-conclusion
structures, undercuts, contradictions, outgoing relations, further top-level statements, a
statement defined again in other words) is kept as written, in a code block, in the details of
the claim above it (of the motion: in its context), and each one is listed in the warnings,
saying where. Claims are plain text: a statement's bold and italics give up their marks (the
words stay), its tags are left out, and a warning says so; a heading, front matter other than
the title, and data Crux does not read are left out with a warning too; so is data that is no
text where Crux reads text (a map, a list), but a list of texts, joined (the details and context
as paragraphs; the title, `by` and a source's author and publisher with commas) with a warning.
A statement marked retracted is a withdrawn claim, as the export writes one: words it is given
other than the placeholder are left out, with a warning; a motion is never withdrawn, and a file
that marks it so is refused, naming the line. A claim, `by`, `source`, `quote`, details or
context longer than Crux keeps is refused, naming its line; a longer title is shortened. A source
is its title (`source`) and what the export writes beside it
(`source_author`, `source_publisher`, `source_published`, `source_url`), checked as a Crux JSON
import's are (an http(s) address, a day that exists, the lengths Crux keeps), naming the line;
statements that give the same title and the same details cite one source. An address without a
title is cited as a reply typing it cites it, titled by the address, with a warning; a quote whose
source is described with neither a title nor an address is refused, as the forms refuse it. A
link in details or the context to an argument of the motion the file was exported from (the
`crux` slug of its top statement, the `crux` id of one of its statements;
debates.interchange.links) leads to the argument made of that statement. A member's import is
theirs: they are the author of every claim and the adder of every source, the file's `by` kept as
its attribution, and its texts are cleaned as what they type is.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from itertools import pairwise

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.dateparse import parse_date
from lark import Lark
from lark.exceptions import LarkError, UnexpectedInput

from debates.interchange.links import to_refs
from debates.interchange.literal import as_written, fenced
from debates.models import (
    CLAIM_MAX_LENGTH,
    DETAILS_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    Argument,
    Motion,
    Source,
)
from debates.sources import PLACEHOLDER_TITLES, address_title, web_address
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
_HEADING = re.compile(r"^#+(\s|$)")
_SUPPORT, _ATTACK = {"+", "<+"}, {"-", "<-"}
# Relation marks at the start of an untitled reply's text, as a word of their own: "+++ x" is a
# pro reply "++ x" to Argdown, and most likely one mark too many.
_MARKS_FIRST = re.compile(r"(?:<\+|<-|\+>|->|<_|_>|><|\+|-|_)+(?=\s|$)")
# What argdown_export writes in a statement's data, and so what this reads.
_SOURCE_KEYS = {
    "source_author": "author",
    "source_publisher": "publisher",
    "source_published": "published_on",
    "source_url": "url",
}
_KEYS = {"crux", "claim", "by", "source", "quote", "agree", "disagree", "status", *_SOURCE_KEYS}
_MOTION_KEYS, _ARGUMENT_KEYS = _KEYS | {"title", "context"}, _KEYS | {"details"}
# A list of texts YAML reads where Crux reads one text (`by: [Ann, Bob]`) is joined: as
# paragraphs in Markdown, with commas on a line. Given for another key, or a map for any, it is
# no text Crux can keep. The counts and the day are read, and refused or warned of, as such.
_JOINED = dict.fromkeys(("details", "context"), "\n\n")
_JOINED |= dict.fromkeys(("title", "by", "source_author", "source_publisher"), ", ")
_NOT_TEXTS = {"agree", "disagree", "source_published"}
_FRONT_TITLE = re.compile(r"""^["']?title["']?\s*:""")
TITLE_MAX = Motion._meta.get_field("title").max_length
BY_MAX = Argument._meta.get_field("attribution").max_length
SOURCE_MAX = Source._meta.get_field("title").max_length
_DETAIL_MAX = {
    field: Source._meta.get_field(field).max_length for field in ("author", "publisher", "url")
}
_WEB_ADDRESS = URLValidator(schemes=["http", "https"])
# How much of a line or a title a message repeats.
GLIMPSE = 60
COUNT_MAX = 2**31 - 1  # what the database keeps in a count
KEPT_NOTE = "As written in the Argdown file:"


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
    motion: bool = False
    worded: bool = False  # False while it is named by its title only, its text yet to come
    children: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # Markdown, _Also, or _Kept lines


@dataclass
class _Also:
    """A parent's note that a statement placed above replies to it too: written once the whole
    file is read, as the statement's text may be given below."""

    word: str
    node: _Node

    def __str__(self):
        return f"{self.word} it too: “{as_written(self.node.claim)}” (above)."


@dataclass
class _Kept:
    """Lines kept as written: a line more indented than the first goes on with it (an undercut's
    own replies), as does, for an argument, its premise-conclusion structure at the same indent."""

    lines: list
    first: int
    last: int
    indent: int
    premises: bool = False
    blank: int = 0  # blank lines since the last, kept only if the block goes on

    def takes(self, indent, content) -> bool:
        if indent > self.indent:
            return True
        return self.premises and indent == self.indent and bool(_PREMISE.match(content))

    def add(self, number, line):
        self.lines += [""] * self.blank + [line.rstrip()]
        self.blank, self.last = 0, number


def _text(raw) -> str:
    return " ".join(_ESCAPED.sub(r"\1", str(raw or "")).split())


# Argdown's inline syntax in a statement's text, matched where no backslash made it literal
# (statement_text masks every escaped character as a plain letter). No match runs on past the
# next opening mark: the time stays linear in the length of a line, however long.
_LINK = re.compile(r"\[([^\][]*)\]\(([^()\s]+)\)")
_MENTION = re.compile(r"@(?:\[[^\][]+\]|<[^<>]+>)")
_TAG = re.compile(r"\s?(?<!\S)#(?:\([^()]*\)|[\w-]+)")  # with the space before it
_BOLD = re.compile(r"(?<!\w)(?:\*\*(?=\S)([^*]+?)(?<=\S)\*\*|__(?=\S)([^_]+?)(?<=\S)__)(?!\w)")
_ITALIC = re.compile(
    r"(?<![\w*])(?:\*(?=[^\s*])([^*]+?)(?<=[^\s*])\*|_(?=[^\s_])([^_]+?)(?<=[^\s_])_)(?![\w*])"
)
_CHARACTER = re.compile(r"\\(.)|(.)", re.DOTALL)


class _Statement:
    """A statement's text as Argdown reads it: each character, and a mask in which an escaped
    one is a plain letter, so that only unescaped marks are read as syntax."""

    def __init__(self, raw: str):
        self.chars, self.mask = [], []
        for match in _CHARACTER.finditer(raw):
            char = match.group(1) if match.group(1) is not None else match.group(2)
            self.chars.append(char)
            self.mask.append(char if match.group(1) is None or char.isspace() else "a")

    def rewrite(self, pattern, replace) -> list[str]:
        """Each match of `pattern` replaced by `replace(match)`: a list of group numbers (their
        text kept), of (group number,) (its text kept, read as no syntax from then on) and of
        strings; returns what the matches read."""
        mask, chars = "".join(self.mask), self.chars
        found, new_chars, new_mask, done = [], [], [], 0
        for match in pattern.finditer(mask):
            new_chars += chars[done : match.start()]
            new_mask += self.mask[done : match.start()]
            for part in replace(match):
                if isinstance(part, int):
                    new_chars += chars[match.start(part) : match.end(part)]
                    new_mask += self.mask[match.start(part) : match.end(part)]
                elif isinstance(part, tuple):
                    kept = chars[match.start(*part) : match.end(*part)]
                    new_chars += kept
                    new_mask += [c if c.isspace() else "a" for c in kept]
                else:
                    new_chars += part
                    new_mask += [c if c.isspace() else "a" for c in part]
            found.append("".join(chars[match.start() : match.end()]))
            done = match.end()
        self.chars, self.mask = new_chars + chars[done:], new_mask + self.mask[done:]
        return found

    def __str__(self):
        return " ".join("".join(self.chars).split())


def statement_text(raw: str) -> tuple[str, list[str]]:
    """The words of a statement's text (Crux's claims are plain text), and what of Argdown's
    inline syntax they lost, in words."""
    text, lost = _Statement(str(raw or "")), []
    if links := text.rewrite(_LINK, lambda m: [1, " (", (2,), ")"]):
        lost.append(f"{_its(links, 'link')} kept as words, the address in brackets")
    if mentions := text.rewrite(_MENTION, lambda m: [0]):
        lost.append(f"{_its(mentions, 'mention')} kept as plain text, linking nowhere")
    if tags := [tag.strip() for tag in text.rewrite(_TAG, lambda m: [])]:
        lost.append(f"{_its(tags, 'tag')} left out ({shortened(' '.join(tags), GLIMPSE)})")
    # Bold and italics nest: each pass reads one level, and every pass runs.
    marked = [text.rewrite(marks, _inner) for marks in (_BOLD, _ITALIC, _BOLD, _ITALIC)]
    if any(marked):
        lost.append("its bold and italics are dropped, the words kept")
    return str(text), lost


def _inner(match) -> list:
    """The words inside the marks (`**`/`*` or `__`/`_`, whichever group matched)."""
    return [1 if match.group(1) is not None else 2]


def _its(found, noun) -> str:
    return f"its {noun} is" if len(found) == 1 else f"its {len(found)} {noun}s are"


def _data(raw, number, where="the data in braces"):
    """The YAML `raw`, a map, whose first line is line `number`; `where` names it in a refusal
    (a statement's data in braces, or the front matter), at the line YAML stumbled on."""
    if raw is None:
        return {}
    try:
        data = yaml.safe_load(str(raw))
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or "unreadable"
        mark = getattr(error, "problem_mark", None)
        line = number + (mark.line if mark is not None else 0)
        raise ArgdownError(line, f"{where} is not YAML ({problem}).") from None
    except RecursionError:
        raise ArgdownError(number, f"{where} is nested too deeply.") from None
    except ValueError as error:
        # YAML reads 2020-02-30, unquoted, as a date, and Python has no such day.
        raise ArgdownError(number, f"{where} holds a date that does not exist ({error}).") from None
    if not isinstance(data, dict):
        raise ArgdownError(number, f"{where} is not a map of keys to values.")
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
            yaml_lines = "\n".join(lines[first + 1 : end]) or "{}"
            return _data(yaml_lines, first + 2, "the front matter"), end + 1
    raise ArgdownError(first + 1, "the front matter opened with === is never closed.")


def _glimpse(line) -> str:
    return shortened(line.strip(), GLIMPSE)


class _Reader:
    def __init__(self):
        self.root = None
        self.titles = {}
        self.warnings = []
        self.stack = []  # (indent, node) from the root down
        self.kept = None  # the _Kept block later lines may go on with

    def keep(self, number, indent, line, what, holder, *, premises=False, block=True):
        """Keep `line` as written in the details (the motion's: context) of `holder`; with
        `block`, the lines that go on with it (_Kept.takes) are kept with it."""
        where = f"the details of {_named(holder)}"
        where = "the motion's context" if holder is self.root else where
        self.warnings.append(f"Line {number}: {what}, kept verbatim in {where}: {_glimpse(line)}")
        kept = _Kept([line.rstrip()], number, number, indent, premises)
        holder.notes.append(kept)
        self.kept = kept if block else None

    def parent(self, indent, number):
        while self.stack and self.stack[-1][0] >= indent:
            self.stack.pop()
        if not self.stack:
            raise ArgdownError(number, "a relation needs a statement above it, less indented.")
        return self.stack[-1][1]

    def above(self, indent):
        """The statement a line at `indent` sits under (the motion, at the top level)."""
        return next((node for at, node in reversed(self.stack) if at < indent), self.root)

    def line(self, number, line):
        indent = len(line) - len(line.lstrip(" "))
        content = line.strip()
        if self.kept:
            if not content:
                self.kept.blank += 1
                return
            if self.kept.takes(indent, content):
                self.kept.add(number, line)
                return
        self.kept = None
        if not content or content.startswith("//"):
            return
        if _HEADING.match(content):
            self.warnings.append(
                f"Line {number}: a heading, left out (Crux has no sections): {_glimpse(line)}"
            )
            return
        if _PREMISE.match(content):
            holder = self.above(indent)
            if holder is None:
                raise ArgdownError(number, "a premise-conclusion structure needs a motion above.")
            what = "a premise-conclusion structure"
            self.keep(number, indent, line, what, holder, premises=True)
            return
        relation, kind, parts, data = _read_line(content, number)
        if relation is None:
            self.top_level(number, indent, line, kind, parts, data)
            return
        parent = self.parent(indent, number)
        if relation not in _SUPPORT | _ATTACK:
            self.keep(number, indent, line, f"a relation {relation!r} Crux cannot show", parent)
            return
        if kind == "argument":
            self.keep(number, indent, line, _KINDS[kind], parent, premises=True)
            return
        stance = "pro" if relation in _SUPPORT else "con"
        if kind == "text":
            title, parts = "", ["", *parts]
            if marks := _MARKS_FIRST.match(parts[1]):
                self.warnings.append(
                    f"Line {number}: imported as a {stance} reply whose claim begins with "
                    f"{marks.group()!r}, as Argdown reads it (one + or - marks a reply, the rest "
                    f"is its text): {_glimpse(line)}"
                )
        else:
            title = _text(parts[0][1:-1])
        known = self.titles.get(title)
        if known is not None:
            word = "Supports" if stance == "pro" else "Attacks"
            parent.notes.append(_Also(word, known))
            self.again(number, indent, line, parts, data, known, parent)
            self.stack.append((indent, known))
            return
        node = self.node(number, title, parts, data, stance)
        parent.children.append(node)
        self.stack.append((indent, node))

    def again(self, number, indent, line, parts, data, known, holder):
        """A statement met again: named by its title only until now, it takes the text (and, had it
        none, the data) given here; else, in other words or with other data, the line is kept
        where it stands. The lines below it reply to the statement first defined."""
        if not known.worded and (claim := self.claim(known, number, parts, known.data or data)):
            known.claim, known.worded = claim, True
            if not known.data:
                known.data, known.line = data, number
                self.unread(known)
                return
        words = statement_text(parts[1])[0] if len(parts) > 1 else ""
        if words and words != known.claim:
            what = f"{_named(known)} again, in other words"
        elif data and data != known.data:
            what = f"{_named(known)} again, with other data"
        else:
            return
        self.keep(number, indent, line, what, holder, block=False)

    def claim(self, node, number, parts, data) -> str:
        """The text line `number` gives `node`: withheld, in its data, or its words; "" if none."""
        status = _string(data, "status")
        if status == "retracted" and node.motion:
            # Crux withdraws arguments, never motions: a motion reading "[retracted]" would
            # pass for a withdrawn one still open for debate.
            raise ArgdownError(
                number,
                "the motion (the top statement) is marked retracted (status: retracted), which "
                "a motion cannot be: remove that mark and import again.",
            )
        if isinstance(data.get("claim"), str) and data["claim"].strip():
            claim, lost = data["claim"], []
        else:
            claim, lost = statement_text(parts[1]) if len(parts) > 1 else ("", [])
        if status in WITHHELD:
            if status == "retracted" and claim and claim != WITHHELD[status]:
                # An export writes a withdrawn claim as its placeholder: words here were
                # written by hand, and a withdrawn claim shows none.
                self.warnings.append(
                    f"Line {number}: {_named(node)} is marked retracted (status: retracted): "
                    f"imported withdrawn, reading “{WITHHELD[status]}”, its words left out: "
                    f"{shortened(claim, GLIMPSE)}"
                )
            return WITHHELD[status]
        if lost:
            self.warnings.append(
                f"Line {number}: {_named(node)} is imported as plain text, as Crux's claims are: "
                f"{'; '.join(lost)}."
            )
        return claim

    def unread(self, node):
        keys = _MOTION_KEYS if node.motion else _ARGUMENT_KEYS
        if unread := [key for key in node.data if key not in keys]:
            listed = shortened(", ".join(map(str, unread)), GLIMPSE)
            self.warnings.append(f"Line {node.line}: data Crux does not read, left out: {listed}")

    def node(self, number, title, parts, data, stance="pro"):
        node = _Node(title, "", data, number, stance, motion=self.root is None)
        claim = self.claim(node, number, parts, data)
        node.claim, node.worded = claim or title, bool(claim)
        if not node.claim:
            raise ArgdownError(number, "this statement has no text.")
        self.unread(node)
        if title:
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
        statement = kind in ("definition", "reference")
        known = self.titles.get(_text(parts[0][1:-1])) if statement else None
        if known is not None:
            # Argdown's way to give a statement more replies: name it again, replies below.
            self.again(number, indent, line, parts, data, known, self.above(indent))
            self.stack = [(indent, known)]
        elif indent == 0:
            self.stack = [(-1, self.root)]
            what = f"a further top-level {_KINDS[kind].split()[-1]}"
            self.keep(number, indent, line, what, self.root, premises=kind == "argument")
        else:
            what = f"{_KINDS[kind]} with no relation to the statement above"
            holder = self.parent(indent, number)
            self.keep(number, indent, line, what, holder, premises=kind == "argument")


_KINDS = {
    "argument": "an argument",
    "text": "free text",
    "definition": "a statement",
    "reference": "a statement",
}


def parse_argdown(text: str):
    """The motion node, the front matter and the warnings; ArgdownError on unreadable text."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ").split("\n")
    front, start = _frontmatter(lines)
    reader = _Reader()
    if unread := [str(key) for key in front if key != "title"]:
        listed = shortened(", ".join(unread), GLIMPSE)
        reader.warnings.append(f"Front matter left out (Crux reads only its title): {listed}.")
    # The title's own line; in flow style ({title: …}), that of the front matter's first key.
    written = [n for n, line in enumerate(lines[:start], 1) if line.strip() not in ("", "===")]
    titled = [n for n in written if _FRONT_TITLE.match(lines[n - 1])]
    front = _as_texts(front, {"title"}, (titled or written or [1])[0], reader.warnings)
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


def _notes(node) -> str:
    """The node's notes as Markdown: lines kept as written go in a code block, one for each run
    of them, with a blank line where the file has lines between two."""
    parts, run = [], []
    for note in [*node.notes, None]:
        if isinstance(note, _Kept):
            run.append(note)
            continue
        if run:
            lines = run[0].lines[:]
            for before, kept in pairwise(run):
                lines += ([""] if kept.first > before.last + 1 else []) + kept.lines
            parts.append(f"{KEPT_NOTE}\n\n{fenced(lines, 'argdown')}")
            run = []
        if note is not None:
            parts.append(str(note))
    return "\n\n".join(parts)


def _string(data, key):
    value = data.get(key)
    return str(value) if isinstance(value, (str, int, float)) else ""


def _as_texts(data, keys, line, warnings) -> dict:
    """`data` with each of `keys` text, where YAML read it as something else: a day as it is
    written; a list of texts joined (_JOINED), and another list, a map or a time left out, each
    with a warning naming line `line`."""
    data = dict(data)
    for key in [key for key in data if key in keys]:  # in the file's order
        value = data[key]
        if value is None or isinstance(value, (str, int, float)):
            continue
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            data[key] = value.isoformat()  # 2020-01-31 unquoted: a day, written as such
            continue
        if not value and isinstance(value, (list, dict)):
            data[key] = ""  # [] or {}: no words to lose
            continue
        texts = isinstance(value, list) and all(isinstance(item, str) for item in value)
        if texts and key in _JOINED:
            data[key] = _JOINED[key].join(value)
            how = "as paragraphs" if _JOINED[key] == "\n\n" else "with commas"
            warnings.append(f"Line {line}: '{key}' is a list; its items are joined {how}.")
            continue
        kind = {list: "a list", dict: "a map"}.get(type(value))
        warnings.append(
            f"Line {line}: '{key}' is {f'{kind}, not text' if kind else 'not text'}; left out."
        )
        del data[key]
    return data


def _named(node) -> str:
    if node.title:
        return f"[{shortened(node.title, GLIMPSE)}]"
    return "the motion" if node.motion else f"the untitled statement on line {node.line}"


def _within(node, what: str, text: str, limit: int) -> str:
    """`text`, or ArgdownError on the statement's line when it is over `limit`: the schema would
    refuse it too, but could only name its place in the Crux JSON made of the file."""
    if len(text) > limit:
        raise ArgdownError(node.line, too_long(f"the {what} of {_named(node)}", len(text), limit))
    return text


def _source_details(node, clean) -> dict:
    """The statement's source beside its title (author, publisher, date, address; only those
    given), checked as a Crux JSON import checks them, but refused naming the line."""
    described = {}
    for key, name in _SOURCE_KEYS.items():
        if name == "published_on":
            value = _day(node, node.data.get(key))
        else:
            value = _within(node, f"'{key}'", clean(_string(node.data, key)), _DETAIL_MAX[name])
        if value:
            described[name] = value
    if url := described.get("url"):
        try:
            _WEB_ADDRESS(url)
        except ValidationError:
            raise ArgdownError(
                node.line,
                f"the 'source_url' of {_named(node)} is {shown(url)}, not an http(s) web address.",
            ) from None
    return described


def _day(node, value) -> str | None:
    """`value` as YYYY-MM-DD: a date so written, or one YAML read unquoted."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    try:
        day = parse_date(value) if isinstance(value, str) else None
    except ValueError:  # well formed, but no such day (2020-02-30)
        day = None
    if day is None:
        said = value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value
        raise ArgdownError(
            node.line,
            f"the 'source_published' of {_named(node)} is {shown(said)}, not a date "
            "(YYYY-MM-DD) that exists.",
        )
    return day.isoformat()


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


def argdown_to_crux(text: str, *, slug: str = "", author=None, lines: dict | None = None):
    """The Crux JSON dict of the debate `text` describes, and the warnings. `author`, the member
    importing it, is the author of every claim; the file's `by` stays each one's attribution.
    `lines`, if given, is filled with each claim's line by its ref ("motion" for the motion): a
    refusal only the import can make (a quote not in a text Crux holds) names the line too."""
    lines = {} if lines is None else lines
    root, front, warnings = parse_argdown(text)
    sources = {}
    # A member's file is cleaned as what they type is; an export an admin restores keeps its
    # texts exactly (export, import and export again give the same file), but for the NUL.
    as_line, as_text = (one_line, without_nul_or_bidi) if author else (without_nul, without_nul)

    refs = {}  # a source's title and details: its ref

    def source(node, quoted):
        title = _within(node, "'source'", as_line(_string(node.data, "source")), SOURCE_MAX)
        described = _source_details(node, as_line)
        if title.lower() in PLACEHOLDER_TITLES:
            # An export's withheld source: a source so titled would pass for one a moderator hid.
            # Its citations keep their quotes, as a Crux JSON file's do.
            warnings.append(f"Line {node.line}: its source was withheld; imported without it.")
            return None
        if not title and described.get("url"):
            # A web address alone is what a reply cites by typing it (its quote then checked
            # against a text Crux holds there, by import_debate), titled as Crux titles it.
            title = address_title(web_address(described["url"]))
            warnings.append(
                f"Line {node.line}: 'source_url' without the source's title ('source'): the "
                f"source is titled by its address, {title}, as one cited by typing it is."
            )
        if not title and described and quoted:
            # Every form refuses a quote from nowhere ("Add the web address the quote comes
            # from."): leaving out the source the file describes would make one. (A quote with
            # no source at all is what Crux keeps of a withheld source's citation, and exports:
            # it imports as it was.)
            raise ArgdownError(
                node.line,
                f"the 'quote' of {_named(node)} cites a source with neither a title "
                "('source') nor a web address ('source_url'): give the address the quote "
                "comes from.",
            )
        if not title:
            if described:
                given = ", ".join(key for key in node.data if key in _SOURCE_KEYS)
                warnings.append(
                    f"Line {node.line}: {given} without the source's title ('source'), left out."
                )
            return None
        described = {"title": title, **described}
        key = tuple(described.get(name) for name in ("title", *_SOURCE_KEYS.values()))
        if key not in refs:
            refs[key] = f"s{len(sources) + 1}"
            sources[refs[key]] = described
        return refs[key]

    def details(node):
        parts = [_string(node.data, "details"), _notes(node)]
        text = as_text("\n\n".join(part for part in parts if part))
        return _within(node, "details", text, DETAILS_MAX_LENGTH)

    def claim_fields(node):
        claim = as_line(node.claim)
        if not claim:
            raise ArgdownError(node.line, "this statement has no text.")
        quote = _within(node, "'quote'", as_text(_string(node.data, "quote")), QUOTE_MAX_LENGTH)
        return {
            "claim": _within(node, "claim", claim, CLAIM_MAX_LENGTH),
            "attribution": _within(node, "'by'", as_line(_string(node.data, "by")), BY_MAX),
            "source": source(node, quoted=bool(quote.strip())),
            "quote": quote,
            "votes": [],
            **({"tallies": tallies} if (tallies := _tallies(node, warnings)) else {}),
        }

    root.data = _as_texts(root.data, _MOTION_KEYS - _NOT_TEXTS, root.line, warnings)
    titles = (_string(root.data, "title"), _string(front, "title"), root.title)
    typed = next((title for title in map(as_line, titles) if title), "")
    # A title made of the claim is cut short unsaid: the claim keeps every word.
    title = shortened(typed or as_line(root.claim), TITLE_MAX)
    if len(typed) > TITLE_MAX:
        warnings.append(f"The title has {len(typed):,} characters; shortened to {TITLE_MAX:,}.")
    context = as_text("\n\n".join(p for p in (_string(root.data, "context"), _notes(root)) if p))
    motion = {
        "slug": slug or slug_of(title, 80) or "imported",
        "title": title,
        "context": _within(root, "context", context, DETAILS_MAX_LENGTH),
        "author": author,
        "visibility": "hidden" if _string(root.data, "status") == "hidden" else "visible",
        **claim_fields(root),
    }
    arguments, crux_refs = [], {}
    lines["motion"] = root.line
    stack = [(child, None) for child in reversed(root.children)]
    while stack:
        node, parent = stack.pop()
        ref = f"a{len(arguments) + 1}"
        lines[ref] = node.line
        node.data = _as_texts(node.data, _ARGUMENT_KEYS - _NOT_TEXTS, node.line, warnings)
        crux = node.data.get("crux")
        if isinstance(crux, int) and not isinstance(crux, bool):
            crux_refs.setdefault(crux, ref)
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
    # Links to the exported motion's own arguments (its `crux` slug, their `crux` ids) lead to
    # their refs, as a Crux JSON file's do: the import leads them into the new motion.
    exported = _string(root.data, "crux")
    motion["context"] = to_refs(motion["context"], slug=exported, refs=crux_refs)
    for item in arguments:
        item["details"] = to_refs(item["details"], slug=exported, refs=crux_refs)
    data = {
        "format": FORMAT,
        "version": VERSION,
        "motion": motion,
        "sources": sources,
        "arguments": arguments,
    }
    return data, warnings
