"""Kialo's plain-text export into the dict debates.transfer.import_debate reads.

Kialo numbers each claim (`1.` the thesis, `1.2.` its second reply, `1.2.1.` a reply to that)
and marks replies `Pro:` or `Con:`; a line without a number continues the claim above. A claim
that is only `-> See 1.1.2.` links to another: it becomes a reply quoting that claim, and the
import links it (`links`: the reply's ref and the ref it points to).
"""

import re

from debates.transfer import FORMAT, VERSION, ImportRefused

_CLAIM = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+(?:(Pro|Con):\s*)?(.*)$", re.IGNORECASE)
_LINK = re.compile(r"^->\s*See\s+(\d+(?:\.\d+)*)\.?\s*$", re.IGNORECASE)
_TITLE = re.compile(r"^Discussion Title:\s*(.*)$", re.IGNORECASE)
CLAIM_MAX = 500


class KialoError(ImportRefused):
    def __init__(self, line: int, message: str):
        super().__init__(f"Line {line}: {message}")
        self.line = line


def _parse(text):
    title, claims = "", {}
    last = None
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        heading = _TITLE.match(line)
        if heading and not claims:
            title = heading.group(1).strip()
            continue
        match = _CLAIM.match(line)
        if match is None:
            if last is None:
                raise KialoError(number, "expected a numbered claim such as '1. The thesis'.")
            last["text"] += "\n" + line
            continue
        key, stance, body = match.group(1), match.group(2), match.group(3).strip()
        if key in claims:
            raise KialoError(number, f"claim {key}. is numbered twice.")
        parent = key.rpartition(".")[0]
        if not claims and parent:
            raise KialoError(number, "the first claim must be the thesis, numbered '1.'.")
        if claims and parent not in claims:
            raise KialoError(number, f"claim {key}. comes before the claim {parent}. it answers.")
        if parent and stance is None:
            raise KialoError(number, f"claim {key}. says neither 'Pro:' nor 'Con:'.")
        last = {"key": key, "parent": parent, "line": number, "text": body}
        last["stance"] = (stance or "pro").lower()
        claims[key] = last
    if not claims:
        raise KialoError(1, "no numbered claims: is this a Kialo plain-text export?")
    return title, claims


def kialo_to_crux(text: str, *, slug: str = "", author=None):
    """The Crux JSON dict, the warnings and the links (reply ref, linked ref) of `text`."""
    title, claims = _parse(text)
    thesis, *replies = claims.values()
    refs = {claim["key"]: f"a{n}" for n, claim in enumerate(replies, start=1)}
    arguments, links, warnings = [], [], []
    for claim in replies:
        body, details, quote = claim["text"].strip(), "", ""
        link = _LINK.match(body)
        if link:
            target = claims.get(link.group(1))
            if target is None or target is thesis:
                raise KialoError(claim["line"], f"the link points to no claim {link.group(1)}.")
            quote = target["text"].strip()
            body = quote
            links.append((refs[claim["key"]], refs[target["key"]]))
        if len(body) > CLAIM_MAX:
            details = body
            body = body[: CLAIM_MAX - 1] + "…"
            warnings.append(f"Line {claim['line']}: claim too long, shortened; whole in details.")
        arguments.append(
            {
                "ref": refs[claim["key"]],
                "parent": refs.get(claim["parent"]),
                "stance": claim["stance"],
                "claim": body,
                "details": details,
                "quote": quote,
                "author": None,
                "votes": [],
                "revisions": [],
            }
        )
    motion_title = (title or thesis["text"]).strip()[:120]
    data = {
        "format": FORMAT,
        "version": VERSION,
        "motion": {
            "slug": slug or "imported",
            "title": motion_title,
            "claim": thesis["text"].strip()[:CLAIM_MAX],
            "author": author,
            "votes": [],
        },
        "sources": {},
        "arguments": arguments,
    }
    return data, warnings, links
