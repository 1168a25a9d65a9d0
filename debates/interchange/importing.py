"""Create a new motion from an Argdown, Kialo or Crux JSON file, through
debates.transfer.import_debate."""

from contextlib import nullcontext

from debates import policy, queries, services
from debates.interchange.argdown_import import ArgdownError, argdown_to_crux
from debates.interchange.crux_json import json_to_crux
from debates.interchange.kialo import kialo_to_crux
from debates.text import WITHHELD
from debates.transfer import ARGUMENTS_MAX, ImportRefused, QuoteNotHeld, import_debate

FORMATS = ("argdown", "kialo", "json")
# What one import may bring, in bytes of UTF-8, from the page (debates.views_interchange) or the
# API alike; its refusals below are said beside the page's file field, by the form, by
# static/js/import.js before a file is sent (over the server's request limit, config/body_limit.py,
# the form would never see it), and by the API.
UPLOAD_MAX_BYTES = 1_000_000
TOO_LARGE = "The file is over 1 MB; split the debate."
TEXT_TOO_LARGE = "The text is over 1 MB; split the debate."


def _person(user):
    return {"id": user.pk, "display_name": user.display_name} if user else None


def import_text(*, text: str, format: str, slug: str | None = None, author=None, charge=None):
    """The new motion, import_debate's summary and the warnings (the reader's, then
    import_debate's); ImportRefused (with a line number for text it cannot read) otherwise;
    DebateRuleError when `author` may not post.
    The summary's `same_title` is the first motion `author` may read whose title the new one
    repeats (case aside), else None.
    `author`, the member importing, is the author of every claim; without one (an admin's
    `manage.py import_debate`) the claims are nobody's. All or nothing.
    `charge`, if given, is called with the number of arguments the file brings, once it is read
    and checked, and the context manager it returns is entered around the write: a view's rate
    limit on imported arguments (config.ratelimit.attempt with that cost), which refuses before
    anything is written, and gets its cost back when the write is refused."""
    if author is not None:
        policy.enforce(policy.participation_refusal(author, "post"))
    # A byte-order mark (Windows Notepad's UTF-8, and text pasted from it) is no part of the
    # debate: left in, it makes the first line unreadable, whatever the format.
    text = text.removeprefix("\ufeff")
    lines = {}  # an Argdown file's claims' lines, by ref
    if format in ("argdown", "kialo") and text.lstrip().startswith("{"):
        # Neither reads a first line that opens a brace: this is most likely a JSON export.
        raise ImportRefused(
            "This looks like JSON, not Argdown or Kialo: import a Crux export (export.json) "
            "as Crux JSON."
        )
    if format == "json":
        may_hide = author is None or policy.moderates(author)
        data, warnings = json_to_crux(text, author=_person(author), may_hide=may_hide)
    elif format == "argdown":
        data, warnings = argdown_to_crux(text, author=_person(author), lines=lines)
    elif format == "kialo":
        data, warnings, links = kialo_to_crux(text, author=_person(author))
        _link(data, links)
    else:
        raise ImportRefused(f"Unknown format {format!r}; choose one of {', '.join(FORMATS)}.")
    if author is not None and not policy.moderates(author):
        _refuse_hidden_motion(data)
        warnings += _withheld_not_hidden(data, lines)
    if author is not None:
        _refuse_too_many(data)
    same_title = queries.motions_titled(data["motion"]["title"], viewer=author).first()
    base = slug or services.slug_base(data["motion"]["title"], fallback="imported")
    # The file is read outside import_debate's transaction: on SQLite it holds the write lock
    # from its start.
    try:
        with charge(len(data["arguments"])) if charge else nullcontext():
            motion, summary = import_debate(data, slug=base, next_free=slug is None, adder=author)
    except QuoteNotHeld as refusal:
        if refusal.ref not in lines:
            raise
        raise ArgdownError(lines[refusal.ref], refusal.problem) from None
    summary["same_title"] = same_title
    return motion, summary, warnings + summary["warnings"]


def _refuse_hidden_motion(data):
    """Only a moderator hides a motion, and logs why; a member's file may not bring one that reads
    "hidden by a moderator" (no public download has one: a hidden motion has no download)."""
    if data["motion"].get("visibility") == "hidden":
        raise ImportRefused(
            "This file marks its motion as hidden by a moderator (status: hidden), which only "
            "moderators may import: remove that mark and import again."
        )


# What a member's import makes of an argument her file marks hidden: the retracted placeholder
# (its words, details, quote and source gone), as a retracted one in a public download becomes.
_WITHDRAWN = {
    "visibility": "retracted",
    "claim": WITHHELD["retracted"],
    "details": "",
    "attribution": "",
    "source": None,
    "quote": "",
    "quote_start": None,
    "quote_end": None,
    "hidden_reason": "",
    "figures": None,
    "revisions": [],
}


def _withheld_not_hidden(data, lines) -> list[str]:
    """A member's arguments marked hidden, made withdrawn placeholders; a warning for each, naming
    its line (`lines`, an Argdown file's) or its ref.

    A public download keeps a hidden argument's place, with no text, so that its replies keep
    theirs: the download imports, and the replies stay where they were. But only a moderator
    hides, and logs why: a claim hidden by a member's file would pass for a moderator's act (and
    bring back, to its author and moderators, whatever words the file gave it). Retracted, it is
    the member's own withdrawn claim, as the public download's retracted placeholders become:
    nobody reads it, nobody restores it, and it shows "[retracted]", not a moderator's mark."""
    warnings = []
    for item in data["arguments"]:
        if item.get("visibility") != "hidden":
            continue
        item.update(_WITHDRAWN)
        where = f"Line {lines[item['ref']]}" if item["ref"] in lines else f"Argument {item['ref']}"
        warnings.append(
            f"{where}: hidden by a moderator where the file comes from; imported withdrawn, "
            f"reading “{WITHHELD['retracted']}” with no text, its replies in place (only this "
            "site's moderators hide claims)."
        )
    if warnings:
        # A source only those claims cited would be added with nothing citing it.
        cited = {item.get("source") for item in (data["motion"], *data["arguments"])}
        data["sources"] = {ref: s for ref, s in data["sources"].items() if ref in cited}
    return warnings


def _refuse_too_many(data):
    """A member's import writes all its arguments while it holds the database's write lock."""
    count = len(data["arguments"])
    if count > ARGUMENTS_MAX:
        raise ImportRefused(
            f"This file brings {count:,} arguments; an import may bring {ARGUMENTS_MAX:,} at "
            "most: split the debate, and import each part as a motion of its own."
        )


def _link(data, links):
    """Each Kialo link as a link to the claim it names, by its ref, as an export writes one:
    import_debate leads it to the argument it makes of that claim."""
    by_ref = {item["ref"]: item for item in data["arguments"]}
    for ref, target in links:
        by_ref[ref]["details"] = (
            f"The same claim as [this argument](#{target}), which Kialo links here."
        )
