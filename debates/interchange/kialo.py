"""Kialo's plain-text export into the dict debates.transfer.import_debate reads.

Kialo numbers each claim (`1.` the thesis, `1.2.` its second reply, `1.2.1.` a reply to that)
and marks replies `Pro:` or `Con:`; a line without a number continues the claim above, as does
one that begins with a number but no `Pro:` or `Con:` where no claim so numbered could come
next ("2020 was a bad year"). A claim is one line, as every form keeps it: its lines are joined
by a space. A claim that is only `-> See 1.1.2.` links to another, which Kialo shows in its
place: it becomes a reply in that claim's words, and the import links it (`links`: the reply's
ref and the ref it points to), its details saying it is the same claim; no quote, for a quote is
a source's words and the reply cites none. A link to itself, or to another link, has no words to
show: it is refused, as a link to no claim is. Kialo has no place for details, so a claim longer
than Crux keeps is shortened, and kept whole in its details (the thesis: in the motion's context)
as written, line for line, its Markdown marks escaped, with a warning; a longer title is
shortened, with a warning.
"""

import re

from debates.interchange.literal import as_written
from debates.models import CLAIM_MAX_LENGTH, DETAILS_MAX_LENGTH, Motion
from debates.text import one_line
from debates.transfer import FORMAT, VERSION, ImportRefused, shortened, too_long

_CLAIM = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+(?:(Pro|Con):\s*)?(.*)$", re.IGNORECASE)
_LINK = re.compile(r"^->\s*See\s+(\d+(?:\.\d+)*)\.?\s*$", re.IGNORECASE)
_TITLE = re.compile(r"^Discussion Title:\s*(.*)$", re.IGNORECASE)
TITLE_MAX = Motion._meta.get_field("title").max_length
# Left-to-right, right-to-left and Arabic letter marks: invisible, and kept by one_line.
_DIRECTION_MARKS = "\u200e\u200f\u061c"


class KialoError(ImportRefused):
    def __init__(self, line: int, message: str):
        super().__init__(f"Line {line}: {message}")
        self.line = line


def _parse(text):
    title, claims = "", {}
    last = None
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        # Every line is text someone typed: cleaned as Crux cleans a claim (a NUL or a
        # bidirectional control in it dropped), a claim's lines kept apart all the same.
        # Marks of direction, which copying from a right-to-left page puts before a line, are
        # no part of a claim's number either.
        line = one_line(raw).lstrip(_DIRECTION_MARKS)
        if not line:
            continue
        heading = _TITLE.match(line)
        if heading and not claims:
            title = one_line(heading.group(1))
            continue
        match = _CLAIM.match(line)
        if match and last is not None and match.group(2) is None and not _numbers(match, claims):
            # Words that begin with a number ("2020 was a bad year", "1.5 degrees", a list in a
            # claim), not the number of a claim: the claim above goes on.
            match = None
        if match is None:
            if last is None:
                raise KialoError(number, "expected a numbered claim such as '1. The thesis'.")
            last["lines"].append(line)
            continue
        key, stance, body = match.group(1), match.group(2), one_line(match.group(3))
        if key in claims:
            raise KialoError(number, f"claim {key}. is numbered twice.")
        parent = key.rpartition(".")[0]
        if not claims and parent:
            raise KialoError(number, "the first claim must be the thesis, numbered '1.'.")
        if claims and not parent:
            thesis = next(iter(claims))
            raise KialoError(
                number,
                f"claim {key}. is numbered as a second thesis: a reply is numbered after the "
                f"claim it answers, such as {thesis}.1.",
            )
        if claims and parent not in claims:
            raise KialoError(number, f"claim {key}. comes before the claim {parent}. it answers.")
        if parent and stance is None:
            raise KialoError(number, f"claim {key}. says neither 'Pro:' nor 'Con:'.")
        last = {"key": key, "parent": parent, "line": number, "lines": [body] if body else []}
        last["stance"] = (stance or "pro").lower()
        claims[key] = last
    if not claims:
        raise KialoError(1, "no numbered claims: is this a Kialo plain-text export?")
    # What prints nothing (a zero-width space) is cleaned away: a claim of it alone is empty.
    for claim in claims.values():
        # One line, as a form would keep the claim typed over several; the lines are kept apart
        # in `lines` for details that keep a long claim whole (_fitted).
        claim["text"] = " ".join(claim["lines"])
        if not claim["text"]:
            raise KialoError(claim["line"], f"claim {claim['key']}. has no text.")
    return title, claims


def _numbers(match, claims: dict) -> bool:
    """Whether a line with no "Pro:" or "Con:" (`match`, of _CLAIM) is numbered as Kialo numbers
    the next claim: with a dot after its number ("1.5.", never "1.5 degrees"), and as a reply to
    a claim before it, not one before."""
    key = match[1]
    dotted = match.string[len(key) : len(key) + 1] == "."
    return dotted and key not in claims and key.rpartition(".")[0] in claims


def _fitted(claim, keeper, warnings):
    """The `claim` (of _parse) as a claim, and the details to keep beside it: all of it, line for
    line, when it is too long for a claim, which is then shortened (the warning names `keeper`,
    where it is kept, as written: details are Markdown); KialoError when it is too long for
    details too."""
    text, line = claim["text"], claim["line"]
    if len(text) <= CLAIM_MAX_LENGTH:
        return text, ""
    if len(text) > DETAILS_MAX_LENGTH:
        raise KialoError(line, too_long("the claim", len(text), DETAILS_MAX_LENGTH))
    written = as_written("\n".join(claim["lines"]))
    if len(written) > DETAILS_MAX_LENGTH:
        what = "the claim, with the backslashes that keep it as written,"
        raise KialoError(line, too_long(what, len(written), DETAILS_MAX_LENGTH))
    warnings.append(
        f"Line {line}: the claim has {len(text):,} characters, more than {CLAIM_MAX_LENGTH:,}: "
        f"shortened, and kept whole in {keeper}."
    )
    return shortened(text, CLAIM_MAX_LENGTH), written


def _linked(target, line, warnings):
    """The claim a link on `line` makes of the claim it links to, `target` (its words, as Kialo
    shows them in the link's place), and its details: none, the import's link to `target` being
    its details (importing._link). A longer claim is shortened: the link leads to it whole."""
    text = target["text"]
    if len(text) > CLAIM_MAX_LENGTH:
        warnings.append(
            f"Line {line}: the claim it links to has {len(text):,} characters, more than a claim "
            f"keeps ({CLAIM_MAX_LENGTH:,}): shortened; the link leads to it whole."
        )
    return shortened(text, CLAIM_MAX_LENGTH), ""


def kialo_to_crux(text: str, *, slug: str = "", author=None):
    """The Crux JSON dict, the warnings and the links (reply ref, linked ref) of `text`.
    `author`, the member importing it, is the author of every claim."""
    title, claims = _parse(text)
    thesis, *replies = claims.values()
    refs = {claim["key"]: f"a{n}" for n, claim in enumerate(replies, start=1)}
    arguments, links, warnings = [], [], []
    for claim in replies:
        link = _LINK.match(claim["text"])
        if link:
            target = claims.get(link.group(1))
            if target is None or target is thesis:
                raise KialoError(claim["line"], f"the link points to no claim {link.group(1)}.")
            if target is claim:
                raise KialoError(claim["line"], "the link points to itself.")
            if _LINK.match(target["text"]):
                # A link shows the words of the claim it points to: a link has none to show.
                raise KialoError(
                    claim["line"],
                    f"the link points to claim {target['key']}., which is itself a link "
                    f"(line {target['line']}): point it at a claim with words.",
                )
            links.append((refs[claim["key"]], refs[target["key"]]))
            body, details = _linked(target, claim["line"], warnings)
        else:
            body, details = _fitted(claim, "its details", warnings)
        arguments.append(
            {
                "ref": refs[claim["key"]],
                "parent": refs.get(claim["parent"]),
                "stance": claim["stance"],
                "claim": body,
                "details": details,
                "quote": "",
                "author": author,
                "votes": [],
                "revisions": [],
            }
        )
    motion_claim, context = _fitted(thesis, "the motion's context", warnings)
    if len(title) > TITLE_MAX:
        warnings.append(f"The title has {len(title):,} characters; shortened to {TITLE_MAX:,}.")
    data = {
        "format": FORMAT,
        "version": VERSION,
        "motion": {
            "slug": slug or "imported",
            "title": shortened(title or motion_claim, TITLE_MAX),
            "claim": motion_claim,
            "context": context,
            "author": author,
            "votes": [],
        },
        "sources": {},
        "arguments": arguments,
    }
    return data, warnings, links
