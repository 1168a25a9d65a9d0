"""A Crux debate export (a motion's export.json, or `manage.py export_debate`'s file) brought in
from the import page: checked against the published schema first (debates.transfer, whose
refusals name the place in words), then made the importing member's, as an Argdown or Kialo
import is.

A member's import is hers: she is the author of every claim, and each claim's author in the
file stays its attribution ("held by"). What only a moderator or the site decides is not taken
from the file: the motion is open and not featured, no seed keys, no moderator's reasons.
No vote is cast here in anyone's name: the file's votes and tallies become imported tallies, as
an Argdown file's counts do. The rows' dates are the import's, not the file's; earlier wordings and
figures (charts only the seeded debate has) are left out, with a warning. Texts are cleaned as
what she types is (no NUL, no bidirectional controls).
"""

import json
import re

from debates.interchange.argdown_import import COUNT_MAX
from debates.sources import PLACEHOLDER_TITLES as PLACEHOLDERS
from debates.text import one_line, without_nul_or_bidi
from debates.transfer import ImportRefused, validate_export

_MULTILINE = ("context", "details", "quote")
# JSON's tokens as far as finding a number needs: a string (its escapes too), a run of digits,
# and what lies between them.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|\d+|[^"\d]+')


class _NumberTooLong(ValueError):
    """A whole number with more digits than Python converts (sys.get_int_max_str_digits)."""

    def __init__(self, digits: str):
        super().__init__(digits)
        self.digits = digits


def _whole_number(digits: str) -> int:
    try:
        return int(digits)
    except ValueError:
        raise _NumberTooLong(digits.lstrip("-")) from None


def _number_too_long(text: str, digits: str) -> ImportRefused:
    """The refusal of the first number written `digits`, outside any string, with its place."""
    for token in _TOKENS.finditer(text):
        if token[0] == digits:
            line = text.count("\n", 0, token.start()) + 1
            column = token.start() - text.rfind("\n", 0, token.start())
            return ImportRefused(
                f"Line {line}: a number in this file is too long to read (at column {column})."
            )
    return ImportRefused("A number in this file is too long to read.")


def json_to_crux(text: str, *, author=None, may_hide: bool = False):
    """The Crux JSON dict of `text` and the warnings; ImportRefused for what is not JSON, or not
    a Crux export this version reads. With `author` (the member importing, as {"id",
    "display_name"}) the debate becomes hers (see above); a file with hidden sources is refused
    unless `may_hide`. Without one (an admin restoring a debate) the file is read as it is."""
    try:
        # Python converts whole numbers of at most 4,300 digits; a longer one is the file's fault.
        data = json.loads(text, parse_int=_whole_number)
    except _NumberTooLong as error:
        raise _number_too_long(text, error.digits) from None
    except json.JSONDecodeError as error:
        raise ImportRefused(
            f"Line {error.lineno}: this is not JSON ({error.msg}, at column {error.colno})."
        ) from None
    except RecursionError:
        raise ImportRefused("This JSON is nested too deeply to read.") from None
    validate_export(data)
    warnings = []
    if author is not None:
        _made_hers(data, author, may_hide, warnings)
    return data, warnings


def _made_hers(data, author, may_hide, warnings):
    sources, motion, arguments = data["sources"], data["motion"], data["arguments"]
    # A public download's withheld source is a placeholder import_debate leaves out.
    hidden = [
        ref
        for ref, source in sources.items()
        if source.get("visibility") == "hidden" and source["title"].lower() not in PLACEHOLDERS
    ]
    if hidden and not may_hide:
        raise ImportRefused(
            f"This file marks {len(hidden)} source(s) as hidden by a moderator, which only "
            "moderators may import: remove those marks and import again."
        )
    for source in sources.values():
        source["seed_key"] = None
        for key in ("title", "author", "publisher"):
            if source.get(key) is not None:
                source[key] = one_line(source[key])
        if source.get("visibility") != "hidden":
            source["hidden_reason"] = ""
    motion.update(state="open", lock_reason="", featured=False, title=one_line(motion["title"]))
    _claim_made_hers(motion, "the motion", author, warnings)
    revisions = figures = 0
    for item in arguments:
        revisions += len(item.get("revisions") or [])
        figures += item.get("figures") is not None
        item.update(revisions=[], figures=None, edited_at=None, votes_before_edit=0, seed_key=None)
        _claim_made_hers(item, f"argument {item['ref']}", author, warnings)
    if revisions:
        warnings.append(
            f"{revisions} earlier wording(s) of edited claims are not imported: the claims "
            "start as the file has them now."
        )
    if figures:
        warnings.append(f"The figures (charts) of {figures} argument(s) are not imported.")


def _claim_made_hers(item, what, author, warnings):
    held_by = item.get("attribution") or (item.get("author") or {}).get("display_name") or ""
    item.update(author=author, attribution=one_line(held_by), claim=one_line(item["claim"]))
    for key in _MULTILINE:
        if item.get(key):
            item[key] = without_nul_or_bidi(item[key])
    if item.get("visibility") != "hidden":
        item["hidden_reason"] = ""
    for key in ("created_at", "updated_at"):
        item.pop(key, None)
    tallies = _tallies(item, what, warnings)
    item.pop("tallies", None)
    item.pop("imported_tallies", None)
    item["votes"] = []
    if tallies["agree"] or tallies["disagree"]:
        item["imported_tallies"] = tallies


def _tallies(item, what, warnings) -> dict:
    """The claim's counts: its votes (a voter's choice is theirs to make here, not the file's)
    and the counts it brought, as imported tallies; a count past what Crux keeps is left out."""
    votes = item.get("votes") or []
    brought = item.get("imported_tallies") or ({} if votes else item.get("tallies")) or {}
    counts = {}
    for choice in ("agree", "disagree"):
        count = brought.get(choice, 0) + sum(1 for vote in votes if vote["choice"] == choice)
        if count > COUNT_MAX:
            warnings.append(
                f"The {choice} count of {what} ({count:,}) is more than Crux keeps; left out."
            )
            count = 0
        counts[choice] = count
    return counts
