"""Text an import keeps as it was written, put into details or a context, which Crux renders as
Markdown: without this, a line such as `<Argument A>` would be dropped by the sanitiser, `----`
would become a rule and `+ a reason` a list."""

import re
import textwrap

# CommonMark's backslash escape makes any ASCII punctuation literal; these are the characters
# that mean something inside a line (emphasis, code, links, HTML, entities).
_INLINE = re.compile(r"([\\`*_\[\]<>&])")
# And those that mean something at the start of one: headings, lists, rules, setext underlines
# and fences; a number followed by "." or ")" starts an ordered list.
_LINE_START = re.compile(r"^([#+=~-])")
_ORDERED = re.compile(r"^(\d+)([.)])")
_BLANK_LINES = re.compile(r"\n\s*\n")
_BACKTICKS = re.compile(r"`+")


def _line(line: str) -> str:
    line = _INLINE.sub(r"\\\1", line.strip())
    return _LINE_START.sub(r"\\\1", _ORDERED.sub(r"\1\\\2", line))


def as_written(text: str) -> str:
    """Markdown that reads as `text` does, line for line: prose (a claim kept whole in its
    details), not code. Leading spaces are dropped: Markdown would read them as code."""
    paragraphs = _BLANK_LINES.split(text.strip())
    # A backslash at the end of a line breaks it there: the lines stay as they were.
    return "\n\n".join("\\\n".join(map(_line, p.split("\n"))) for p in paragraphs)


def fenced(lines: list[str], info: str = "") -> str:
    """`lines` as a fenced code block: shown exactly as written, their common indentation aside."""
    body = textwrap.dedent("\n".join(lines)).strip("\n")
    longest = max((len(run) for run in _BACKTICKS.findall(body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{body}\n{fence}"
