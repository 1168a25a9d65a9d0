"""A motion as Argdown (https://argdown.org): the motion is the top statement, each argument a
statement `[c<id>]: claim` under its parent with `+` (pro) or `-` (con), and the rest in the
statement's YAML data (agree and disagree count members' votes and any tallies an import brought,
debates.interchange.models; the cited source is its title, `source`, with its author, publisher,
date and address beside it, `source_author`, `source_publisher`, `source_published` and
`source_url`, so that an import brings it back as a JSON one does, but for its text). Only what
the public sees: hidden and retracted claims keep their place with the placeholder the page
shows, and `status` says which; a hidden source is its placeholder title alone. Details and the
context are their Markdown as written, links too (an Argdown reader follows them to the site); an
import leads those to the motion's own arguments into the new motion, by their `crux` data."""

import json
import re

from debates import policy
from debates.models import Argument, Motion
from debates.text import WITHHELD
from debates.transfer import imported_tallies

# Every character Argdown's lexer gives a meaning inside text; a backslash makes it literal.
_SPECIAL = re.compile(r"([\\@#*_\[\],:;</>\-(){}])")
# Braces could end the data for a reader; YAML reads the others as line breaks or refuses them.
_UNSAFE_IN_YAML = re.compile("[{}\x7f-\x9f\u2028\u2029\ufeff]")


def escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _yaml_string(value) -> str:
    # A JSON string is a YAML double-quoted scalar; what a reader could misread goes as \u.
    text = json.dumps(value, ensure_ascii=False)
    return _UNSAFE_IN_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _data(pairs) -> str:
    items = []
    for key, value in pairs:
        if value in ("", None):
            continue
        items.append(f"{key}: {value if isinstance(value, int) else _yaml_string(value)}")
    return "{" + ", ".join(items) + "}"


def _status(claim):
    if policy.is_shown(claim):
        return None
    return "retracted" if claim.visibility == Argument.Visibility.RETRACTED else "hidden"


def _source(source) -> list:
    if source is None:
        return []
    if not policy.is_shown(source):
        return [("source", WITHHELD["hidden"])]
    published = source.published_on.isoformat() if source.published_on else None
    return [
        ("source", source.title),
        ("source_author", source.author),
        ("source_publisher", source.publisher),
        ("source_published", published),
        ("source_url", source.url),
    ]


def _statement(title, claim, crux, *, extra=(), imported=None):
    status = _status(claim)
    if status:
        return f"[{title}]: {escape(WITHHELD[status])} " + _data(
            [("crux", crux), ("status", status)]
        )
    text = escape(claim.claim)
    exact = claim.claim if " ".join(claim.claim.split()) != claim.claim else None
    pairs = [
        ("crux", crux),
        *extra,
        ("claim", exact),
        ("by", claim.held_by),
        *_source(claim.source),
        ("quote", claim.quote),
        ("agree", claim.agree_count + (imported.agree if imported else 0)),
        ("disagree", claim.disagree_count + (imported.disagree if imported else 0)),
    ]
    return f"[{title}]: {text} {_data(pairs)}"


def export_argdown(motion: Motion) -> str:
    """The debate of `motion` as Argdown text (deterministic: same debate, same text)."""
    arguments = (
        Argument.objects.filter(motion=motion)
        .select_related("author", "source")
        .order_by("created_at", "id")
    )
    # Counts that came with an import join the members' votes: Argdown has one agree and one
    # disagree, and a debate imported from a file exports as that file.
    imported = imported_tallies(motion)
    children = {}
    for argument in arguments:
        children.setdefault(argument.parent_id, []).append(argument)
    motion_status = _status(motion)
    title = WITHHELD["hidden"] if motion_status else motion.title
    extra = () if motion_status else [("title", motion.title), ("context", motion.context)]
    lines = [
        "===",
        f"title: {_yaml_string(title)}",
        "===",
        "",
        _statement(
            motion.slug,
            motion,
            motion.slug,
            extra=extra,
            imported=imported.get(("motion", motion.pk)),
        ),
    ]
    stack = [(argument, 1) for argument in reversed(children.get(None, []))]
    while stack:
        argument, level = stack.pop()
        relation = "+" if argument.stance == "pro" else "-"
        line = _statement(
            f"c{argument.pk}",
            argument,
            argument.pk,
            extra=[("details", argument.details)] if policy.is_shown(argument) else (),
            imported=imported.get(("argument", argument.pk)),
        )
        lines.append("  " * level + f"{relation} {line}")
        stack.extend((child, level + 1) for child in reversed(children.get(argument.pk, [])))
    return "\n".join(lines) + "\n"
