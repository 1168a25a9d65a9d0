"""One debate out to JSON and back: `manage.py export_debate` and `manage.py import_debate`.

For moving or restoring a single debate; the whole database is backed up with pg_dump (README,
"Backup and restore"). An export holds the motion, its sources, every argument (hidden and
retracted ones too, with their text) in tree order, each argument's earlier wordings, and the
votes. Flags and the moderation log stay behind: they belong to the site, not the debate.

People are written as {"id", "display_name"}. An import finds each one by id when that account
still has that name, else by display name (look-alikes match); an author who cannot be found is
kept as the claim's attribution ("held by"), so no words lose their name, and a vote whose voter
cannot be found is dropped. Tallies are recounted from the votes imported, so they always equal
the Vote table. HTML is re-rendered from the Markdown, never trusted from the file.

The format is published as a JSON Schema (export.schema.json, beside this module) and every
import is validated against it (jsonschema) before anything is written. The public download
(`export_debate(motion, public=True)`, the motion page's `export.json`) is the debate as anyone
reads it: a withheld text is its placeholder, and votes are tallies that name no voter.

A source Crux holds the text of travels with it, and each quote with the place it was anchored
in that text (`quote_start`, `quote_end`), so the reader marks the same passages after an import;
of a hidden source, the public download keeps only the placeholder its citations show.

A link in the context or details to an argument of the debate itself is written as that
argument's ref (`[words](#a3)`; debates.interchange.links), and an import leads it to the argument
it makes of that ref: a copy's links lead into the copy, a restored debate's to its new ids. An
older file's links are as it wrote them.
"""

import datetime as dt
import json
import re
import reprlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jsonschema
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from accounts.models import User, fold_display_name
from debates import policy, services
from debates import sources as source_texts
from debates.errors import DebateRuleError, piled_marks
from debates.interchange.links import from_refs, to_refs
from debates.interchange.models import ImportedTally
from debates.models import (
    DETAILS_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    Argument,
    ArgumentRevision,
    Motion,
    Source,
    SourceText,
    Vote,
)
from debates.rendering import render_details, render_markdown
from debates.text import WITHHELD

FORMAT = "crux-debate"
VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("export.schema.json")
# A hidden source as the public download has it: nothing that names it or leads to it, as its
# citations on the pages show it (a seeded source's key names it too: "saradzhyan-essay").
WITHHELD_SOURCE = {
    "seed_key": None,
    "title": WITHHELD["hidden"],
    "author": "",
    "publisher": "",
    "url": "",
    "published_on": None,
    "text": None,
    "hidden_reason": "",
}


# What an import says of the counts it kept apart (the command and the upload page).
TALLIES_NOTE = (
    "{n} claim(s) came with agree/disagree counts from elsewhere: kept as imported tallies, not "
    "members' votes, so the page counts only votes cast here; exports add them back."
)


class ImportRefused(ValueError):
    """The file is not a Crux debate export this version can read, or it clashes with the site."""


class QuoteNotHeld(ImportRefused):
    """A claim quotes words the text Crux holds at its source's address does not have: `ref`
    names the claim ("motion" or its argument's ref), for a reader that knows its line; `problem`
    is the refusal without the claim's name."""

    def __init__(self, what: str, ref: str, problem: str):
        super().__init__(f"{what[:1].upper()}{what[1:]}: {problem}")
        self.ref, self.problem = ref, problem


# A refusal quotes what it refuses, cut short: the value may be a megabyte pasted in error.
_SHOWN = reprlib.Repr(maxstring=60, maxother=60, maxlist=5, maxdict=5, maxlevel=3)


def shown(value) -> str:
    """`value` quoted for a message, long strings and lists cut short in the middle."""
    return _SHOWN.repr(value)


def shortened(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, the cut marked."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def too_long(what: str, length: int, limit: int) -> str:
    """The refusal of a text over its limit, in the words the posting forms use."""
    return f"{what} has {length:,} characters; keep it to {limit:,}."


# --- Export ------------------------------------------------------------------------------------


def _when(value):
    return value.isoformat() if value else None


def _person(user):
    return {"id": user.pk, "display_name": user.display_name} if user else None


def _votes(votes):
    return sorted(
        ({"voter": _person(v.user), "choice": v.choice} for v in votes),
        key=lambda v: (v["voter"]["id"], v["choice"]),
    )


def _oldest_first(revision):
    return revision.replaced_at, revision.pk


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


def validate_export(data) -> None:
    """Refuse (ImportRefused) what does not match the published schema, naming where, in words
    (jsonschema's own message quotes the whole value, however long)."""
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema()).iter_errors(data)
    )
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "the top level"
        raise ImportRefused(
            f"Not a valid Crux debate export at {where}: {_schema_problem(error, data)}"
        )


_TYPES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a map of keys to values",
    "array": "a list",
    "null": "null",
}
_TYPE_OF = {
    type(None): "null",
    bool: "true or false",
    int: "a whole number",
    float: "a decimal number",
    str: "text",
    list: "a list",
    dict: "a map of keys to values",
}
_ITEMS = {"arguments": "argument", "revisions": "revision", "votes": "vote"}
_REF = re.compile(r"[as][0-9]{1,9}")


def _named(noun: str, ref, number: int) -> str:
    if isinstance(ref, str) and _REF.fullmatch(ref):
        return f"{noun} {ref}"
    return f"{noun} number {number}"


def _words(path, data) -> str:
    """Where `path` points in the export `data`, in words: "the claim of argument a2"."""
    parts, phrases = list(path), []
    while parts:
        part = parts.pop(0)
        if parts and isinstance(parts[0], int):
            index = parts.pop(0)
            data = data[part][index]
            ref = data.get("ref") if isinstance(data, dict) else None
            phrases.append(_named(_ITEMS.get(part, part), ref, index + 1))
        elif part == "sources" and parts:
            sources, ref = data[part], parts.pop(0)
            phrases.append(_named("source", ref, list(sources).index(ref) + 1))
            data = sources[ref]
        else:
            phrases.append(f"the {str(part).replace('_', ' ')}")
            data = data.get(part) if isinstance(data, dict) else None
    return " of ".join(reversed(phrases)) or "the file"


def _of_the_right_type(errors) -> list:
    """The errors of the branches (of an anyOf) that the value's type does not rule out."""
    wrong = {each.relative_schema_path[0] for each in errors if each.validator == "type"}
    return [each for each in errors if each.relative_schema_path[0] not in wrong]


def _kinds(types) -> list:
    return [types] if isinstance(types, str) else list(types)


def _should_be(where: str, kinds: list, value) -> str:
    wanted = " or ".join(_TYPES.get(kind, kind) for kind in dict.fromkeys(kinds))
    return f"{where} should be {wanted}, not {_TYPE_OF.get(type(value), 'that')}."


def _schema_problem(error, data) -> str:
    """What is wrong, in a sentence that quotes a value only cut short."""
    where = _words(error.absolute_path, data)
    value, limit = error.instance, error.validator_value
    match error.validator:
        case "anyOf" | "oneOf" if closer := _of_the_right_type(error.context):
            # That branch says what is wrong (a source's text: too long).
            return _schema_problem(jsonschema.exceptions.best_match(closer), data)
        case "anyOf" | "oneOf":
            kinds = [
                kind
                for each in error.context
                if each.validator == "type"
                for kind in _kinds(each.validator_value)
            ]
            return _should_be(where, kinds, value)
        case "maxLength":
            return too_long(where, len(value), limit)
        case "minLength" if not value:
            return f"{where} is empty."
        case "minLength":
            return f"{where} has {len(value):,} characters; it needs {limit:,} at least."
        case "pattern" if limit == "\\S":
            return f"{where} is blank."
        case "pattern":
            return f"{where} is {shown(value)}, not of the form {limit}."
        case "required":
            missing = next(key for key in limit if key not in value)
            return f"{where} has no {missing.replace('_', ' ')}."
        case "type":
            return _should_be(where, _kinds(limit), value)
        case "enum":
            choices = ", ".join(shown(choice) for choice in limit)
            return f"{where} is {shown(value)}; it should be one of {choices}."
        case "const":
            return f"{where} is {shown(value)}; it should be {shown(limit)}."
        case "minimum":
            return f"{where} is {shown(value)}; it cannot be below {limit}."
        case "additionalProperties":
            known = error.schema.get("properties", {})
            extra = ", ".join(shown(key) for key in value if key not in known)
            return f"{where} has what the format does not know: {extra}."
        case "not" if isinstance(value, str) and isinstance(limit, dict) and "pattern" in limit:
            return f"{where} holds {shown(limit['pattern'])}, which the format does not allow."
    return f"{where} is {shown(value)}, which the format does not allow ({error.validator})."


def _public(item: dict, claim) -> dict:
    """`item` (an exported motion or argument) as anyone reads it: tallies for votes, and only
    a placeholder where the debate withholds its text."""
    votes = item.pop("votes")
    # Anyone reads one count: the members' votes and what came with an import.
    elsewhere = item.pop("imported_tallies", {"agree": 0, "disagree": 0})
    item["tallies"] = {
        choice: elsewhere[choice] + sum(1 for vote in votes if vote["choice"] == choice)
        for choice in ("agree", "disagree")
    }
    item["votes"] = []
    item["hidden_reason"] = ""
    if not policy.is_shown(claim):
        item.update(claim=WITHHELD[claim.visibility], attribution="", source=None, quote="")
        item.update(quote_start=None, quote_end=None)
        item.update(author=None, revisions=[], figures=None)
        item.update({"details": ""} if "details" in item else {"context": ""})
        # Its votes, and when it was reworded, as its page shows them to anyone: not at all.
        item["tallies"] = {"agree": 0, "disagree": 0}
        if "edited_at" in item:
            item.update(edited_at=None, votes_before_edit=0)
    return item


def export_debate(motion: Motion, *, public: bool = False) -> dict:
    """The debate of `motion` as a JSON-ready dict (deterministic: same debate, same output);
    `public`: as anyone reads it (see the module's docstring)."""
    arguments = list(
        Argument.objects.filter(motion=motion)
        .select_related("author", "source")
        .prefetch_related("revisions", "votes__user")
        .order_by("depth", "created_at", "id")
    )
    motion_votes = Vote.objects.filter(motion=motion).select_related("user")
    imported = imported_tallies(motion)
    sources, source_refs = {}, {}

    def source_ref(source):
        if source is None:
            return None
        if source.pk not in source_refs:
            ref = f"s{len(source_refs) + 1}"
            source_refs[source.pk] = ref
            sources[ref] = {
                "seed_key": source.seed_key,
                "title": source.title,
                "author": source.author,
                "publisher": source.publisher,
                "url": source.url,
                "published_on": _when(source.published_on),
                "text": source_texts.text_of(source) or None,
                "visibility": source.visibility,
                "hidden_reason": source.hidden_reason,
            }
        return source_refs[source.pk]

    refs = {argument.pk: f"a{n}" for n, argument in enumerate(arguments, start=1)}

    def linked(text):
        # A link to one of these arguments leads to its ref: an import leads it into the copy.
        return to_refs(text, slug=motion.slug, refs=refs)

    exported_motion = {
        "slug": motion.slug,
        "title": motion.title,
        "claim": motion.claim,
        "context": linked(motion.context),
        "attribution": motion.attribution,
        "source": source_ref(motion.source),
        "quote": motion.quote,
        "quote_start": motion.quote_start,
        "quote_end": motion.quote_end,
        "author": _person(motion.author),
        "state": motion.state,
        "lock_reason": motion.lock_reason,
        "featured": motion.featured,
        "visibility": motion.visibility,
        "hidden_reason": motion.hidden_reason,
        "created_at": _when(motion.created_at),
        "updated_at": _when(motion.updated_at),
        "votes": _votes(motion_votes),
    }
    exported_arguments = [
        {
            "ref": refs[argument.pk],
            "parent": refs.get(argument.parent_id),
            "seed_key": argument.seed_key,
            "stance": argument.stance,
            "claim": argument.claim,
            "details": linked(argument.details),
            "attribution": argument.attribution,
            "source": source_ref(argument.source),
            "quote": argument.quote,
            "quote_start": argument.quote_start,
            "quote_end": argument.quote_end,
            "author": _person(argument.author),
            "figures": argument.figures,
            "visibility": argument.visibility,
            "hidden_reason": argument.hidden_reason,
            "created_at": _when(argument.created_at),
            "updated_at": _when(argument.updated_at),
            "edited_at": _when(argument.edited_at),
            "votes_before_edit": argument.votes_before_edit,
            "revisions": [
                {
                    "claim": revision.claim,
                    "details": linked(revision.details),
                    "written_at": _when(revision.written_at),
                    "replaced_at": _when(revision.replaced_at),
                    "tallies": {
                        "agree": revision.agree_count,
                        "disagree": revision.disagree_count,
                    },
                }
                for revision in sorted(argument.revisions.all(), key=_oldest_first)
            ],
            "votes": _votes(argument.votes.all()),
        }
        for argument in arguments
    ]
    for item, key in [(exported_motion, ("motion", motion.pk))] + [
        (item, ("argument", argument.pk))
        for item, argument in zip(exported_arguments, arguments, strict=True)
    ]:
        if key in imported:
            tally = imported[key]
            item["imported_tallies"] = {"agree": tally.agree, "disagree": tally.disagree}
    exported = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _when(timezone.now()),
        "motion": exported_motion,
        "sources": sources,
        "arguments": exported_arguments,
    }
    if public:
        exported["public"] = True
        _public(exported_motion, motion)
        for item, argument in zip(exported_arguments, arguments, strict=True):
            _public(item, argument)
        cited = {exported_motion["source"]} | {item["source"] for item in exported_arguments}
        exported["sources"] = {ref: value for ref, value in sources.items() if ref in cited}
        for source in exported["sources"].values():
            if source["visibility"] != "visible":
                source.update(WITHHELD_SOURCE)
    return exported


# --- Import ------------------------------------------------------------------------------------


def _datetime(value, default=None):
    if not value:
        return default
    try:
        parsed = parse_datetime(value)
    except ValueError:  # well formed, but no such time (month 13)
        parsed = None
    if parsed is None:
        raise ImportRefused(f"Not a date and time: {shown(value)}")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


class _People:
    """Finds the accounts an export names (authors, voters): all of them in two queries, for an
    export may name thousands; by id where its name still matches, else by the name."""

    def __init__(self, data):
        named = [
            person
            for claim in (data["motion"], *(data.get("arguments") or []))
            for person in (
                claim.get("author"),
                *(vote.get("voter") for vote in claim.get("votes") or []),
            )
            if isinstance(person, dict)
        ]
        ids = {person["id"] for person in named if isinstance(person.get("id"), int)}
        keys = {fold_display_name(str(person.get("display_name") or "")) for person in named}
        self.not_found = set()  # the names of those asked for and not found, for the summary
        self.by_id = User.objects.in_bulk(ids) if ids else {}
        self.by_key = (
            {user.display_name_key: user for user in User.objects.filter(display_name_key__in=keys)}
            if keys - {""}
            else {}
        )

    def __call__(self, person):
        if not person:
            return None
        name = str(person.get("display_name") or "")
        user = self.by_id.get(person.get("id")) if isinstance(person.get("id"), int) else None
        if user is not None and user.display_name == name:
            return user
        user = self.by_key.get(fold_display_name(name))
        if user is None and name:
            self.not_found.add(name)
        return user


def _claim_fields(data, people, cited: "_FileSources", *, what, ref, warnings):
    """The fields of a claim (the motion or an argument, named `what`, its ref `ref`) the file
    gives; a quote that does not anchor in its source's text adds to `warnings`, and one not in
    the text Crux holds at its source's address is refused (QuoteNotHeld)."""
    author = people(data.get("author"))
    attribution = data.get("attribution") or ""
    if author is None and data.get("author"):
        attribution = attribution or str(data["author"].get("display_name") or "")
    # Every ref is one of the file's sources (_refuse_unknown_refs); a withheld one is None.
    source = cited.by_ref[data["source"]] if data.get("source") is not None else None
    quote = data.get("quote") or ""
    anchor = {}
    if data.get("source") in cited.held:
        source, anchor = _held_anchor(cited.held[data["source"]], quote, data, what, ref)
    elif data.get("source") in cited.texted:
        # Only a source with a text anchors a quote: asking the others would cost a query each.
        anchor = _anchor(source, quote, data, what, warnings)
    return {
        "claim": data["claim"],
        "attribution": attribution[:200],
        "source": source,
        "quote": quote,
        "author": author,
        **anchor,
    }


def _held_anchor(held, quote, data, what, ref) -> tuple:
    """The source a claim cites at an address where Crux holds texts (`held`, the one the file
    names first), and its quote's anchor: as a reply typing that address has them, the quote
    found in one of those texts (where the export had it, else where it is found), else refused:
    an import may not credit a text Crux holds with words it does not have."""
    if not quote:
        return held[0], {}
    start, end = data.get("quote_start"), data.get("quote_end")
    if any(isinstance(place, float) for place in (start, end)):
        start = end = None
    try:
        return source_texts.anchored_in_one(held, quote, start=start, end=end)
    except DebateRuleError:
        raise QuoteNotHeld(
            what,
            ref,
            f"its quote {shown(quote)} is not in the source it cites, {shown(held[0].title)}, "
            f"whose text Crux holds at {held[0].url}. Copy the quote from that text as it "
            "stands (left-out words marked with …), or cite another address.",
        ) from None


def _date(value):
    if not value:
        return None
    try:
        parsed = parse_date(value)
    except ValueError:  # well formed, but no such day (2020-13-45)
        parsed = None
    if parsed is None:
        raise ImportRefused(f"Not a date: {shown(value)}")
    return parsed


def _anchor(source, quote, data, what, warnings) -> dict:
    """The quote's anchor in its source's text, where the export had it (or else where it is
    found); none when the text does not hold the quote, which `warnings` then names: the quote
    itself is kept either way (a page refuses such a quote, but a restore must not fail)."""
    if source is None or not quote:
        return {}
    start, end = data.get("quote_start"), data.get("quote_end")
    cited = f"source {data['source']} ({shown(source.title)})"
    # JSON Schema's "integer" takes 3.0 too: a place in a text is a whole number, never a float.
    if any(isinstance(place, float) for place in (start, end)):
        problem = f"its quote's place in the text of {cited} is not in whole numbers"
    else:
        try:
            return source_texts.anchored(source, quote, start=start, end=end, as_written=False)
        except DebateRuleError:
            problem = f"its quote is not in the text of {cited}"
    warnings.append(
        f"{what[:1].upper()}{what[1:]}: {problem}; the quote is kept, without its place in the "
        "source (no “Read the passage in the source”)."
    )
    return {}


def _kept_votes(votes, people) -> tuple[list, int]:
    """The votes of one claim whose voters are found here, one each (for the claim to be set
    on); and how many are dropped."""
    voters, dropped = set(), 0
    rows = []
    for vote in votes or []:
        voter = people(vote.get("voter"))
        if voter is None or voter.pk in voters or vote.get("choice") not in Vote.Choice.values:
            dropped += 1
            continue
        voters.add(voter.pk)
        rows.append(Vote(user=voter, choice=vote["choice"]))
    return rows, dropped


def _counts(votes) -> dict:
    agree = sum(1 for vote in votes if vote.choice == Vote.Choice.AGREE)
    return {"agree_count": agree, "disagree_count": len(votes) - agree}


def _tally(item, what, **claim) -> list:
    """Counts nobody here cast (an export's imported tallies; a public download's or an Argdown
    file's tallies, which come without voters) are kept as imported tallies, never members'
    votes: the claim's one, if it has counts."""
    tallies = item.get("imported_tallies")
    if tallies is None and not item.get("votes"):
        tallies = item.get("tallies")
    if not tallies or not (tallies["agree"] or tallies["disagree"]):
        return []
    tally = ImportedTally(agree=tallies["agree"], disagree=tallies["disagree"], **claim)
    _full_clean(tally, f"the tallies of {what}")
    return [tally]


def imported_tallies(motion) -> dict:
    """The imported tallies of `motion` and its arguments, by ("motion"|"argument", id): one
    query."""
    found = ImportedTally.objects.filter(Q(motion=motion) | Q(argument__motion=motion))
    return {
        ("motion", row.motion_id) if row.motion_id else ("argument", row.argument_id): row
        for row in found
    }


def _seed_keys_taken(model, items) -> set:
    """The seed keys of `items` that rows of `model` have already (one query)."""
    keys = {item["seed_key"] for item in items if item.get("seed_key")}
    return set(model.objects.filter(seed_key__in=keys).values_list("seed_key", flat=True))


def _free_seed_key(item, taken: set):
    """The item's seed key, unless a row has it already, or an item before it in the file."""
    seed_key = item.get("seed_key")
    if not seed_key or seed_key in taken:
        return None
    taken.add(seed_key)
    return seed_key


def import_debate(
    data: dict, *, slug: str | None = None, next_free: bool = False, adder=None
) -> tuple[Motion, dict]:
    """Create the debate `data` (from export_debate) describes; returns it and a summary, whose
    `warnings` name what is kept otherwise than the file has it (a quote its source's text does
    not hold, kept without its place).

    Under `slug` (else the file's), refused when a motion has it; `next_free`: under the first
    free one of slug, slug-2, slug-3, … instead (an import named after its title). `adder`, the
    member importing, adds its sources, as if pasted on the page (None for an admin's restore).
    Refuses (ImportRefused) a file of another format or version, or one the database refuses.
    All or nothing: one transaction, which writes each kind of row in a few statements, however
    many arguments the file brings; the file is read and checked before it begins (on SQLite
    the transaction holds the write lock every writer waits on).
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportRefused("This is not a Crux debate export.")
    if data.get("version") != VERSION:
        raise ImportRefused(
            f"Export version {shown(data.get('version'))}; this Crux reads {VERSION}."
        )
    validate_export(data)
    _refuse_nul(data)
    _refuse_unknown_refs(data)
    try:
        return _import_debate(data, slug=slug, next_free=next_free, adder=adder)
    except IntegrityError as error:
        # Each row is checked field by field before anything is written; the keys and
        # constraints that take a query to check, the database holds (and what it refuses is
        # named to whoever imports, not a server error).
        rule = str(error).strip().splitlines()[0]
        raise ImportRefused(f"The database refuses this file: {rule}.") from error


@transaction.atomic
def _import_debate(data, *, slug, next_free, adder) -> tuple[Motion, dict]:
    people = _People(data)
    warnings = []  # what the file brings that the debate keeps otherwise than written
    fields = data["motion"]
    slug = slug or fields["slug"]
    if slug in Motion.RESERVED_SLUGS and not next_free:
        raise ImportRefused(f"The slug {slug!r} names a page of its own; choose another.")
    cited = _import_sources(data.get("sources") or {}, adder)

    _within_limits(
        "the motion",
        title=fields.get("title"),
        claim=fields.get("claim"),
        context=fields.get("context"),
        quote=fields.get("quote"),
    )
    votes, dropped = _kept_votes(fields.get("votes"), people)
    motion = Motion(
        slug=slug,
        title=fields["title"],
        context=fields.get("context") or "",
        context_html=render_details(fields.get("context") or ""),
        state=fields.get("state", Motion.State.OPEN),
        lock_reason=fields.get("lock_reason") or "",
        featured=bool(fields.get("featured")),
        visibility=fields.get("visibility", Motion.Visibility.VISIBLE),
        hidden_reason=fields.get("hidden_reason") or "",
        **_counts(votes),
        **_claim_fields(fields, people, cited, what="the motion", ref="motion", warnings=warnings),
    )
    _full_clean(motion, "the motion")
    if next_free:
        services.save_under_free_slug(motion=motion, base=slug)
    elif not services.saved_unless_slug_taken(motion=motion):
        raise ImportRefused(f"A motion with the slug {slug!r} exists already; choose another.")
    for vote in votes:
        vote.motion = motion
    tallies = _tally(fields, "the motion", motion=motion)

    items = data.get("arguments") or []
    seed_keys_taken = _seed_keys_taken(Argument, items)
    arguments, revisions, dated = [], [], []
    by_ref = {}
    for item in items:
        parent = by_ref.get(item.get("parent"))
        if item.get("parent") and parent is None:
            raise ImportRefused(f"Argument {shown(item.get('ref'))} replies to one not before it.")
        what = f"argument {item['ref']}"
        _within_limits(
            what, claim=item.get("claim"), details=item.get("details"), quote=item.get("quote")
        )
        kept, lost = _kept_votes(item.get("votes"), people)
        argument = Argument(
            motion=motion,
            depth=parent.depth + 1 if parent else 0,
            stance=item["stance"],
            details=item.get("details") or "",
            details_html=render_markdown(item.get("details") or ""),
            figures=item.get("figures"),
            visibility=item.get("visibility", Argument.Visibility.VISIBLE),
            hidden_reason=item.get("hidden_reason") or "",
            seed_key=_free_seed_key(item, seed_keys_taken),
            edited_at=_datetime(item.get("edited_at")),
            votes_before_edit=item.get("votes_before_edit") or 0,
            **_counts(kept),
            **_claim_fields(item, people, cited, what=what, ref=item["ref"], warnings=warnings),
        )
        _full_clean(argument, what)
        by_ref[item["ref"]] = argument
        arguments.append(argument)
        for vote in kept:
            vote.argument = argument
        votes += kept
        dropped += lost
        tallies += _tally(item, what, argument=argument)
        revisions += _revisions(item, argument, what)
        if item.get("created_at") or item.get("updated_at"):
            dated.append((argument, item))

    # One insert for them all, in the file's order (ids follow the refs): a reply's parent, in
    # the same insert, has its id only after it, so it is set then.
    Argument.objects.bulk_create(arguments)
    for item, argument in zip(items, arguments, strict=True):
        argument.parent = by_ref.get(item.get("parent"))
    Argument.objects.bulk_update([each for each in arguments if each.parent_id], ["parent"])
    # The times the rows were written, which auto_now and auto_now_add overwrote on insert.
    for argument, item in dated:
        argument.created_at = _datetime(item.get("created_at"), argument.created_at)
        argument.updated_at = _datetime(item.get("updated_at"), argument.updated_at)
    Argument.objects.bulk_update([argument for argument, _ in dated], ["created_at", "updated_at"])
    # With their ids known, a link to a ref of the file leads to the argument made of it.
    relinked = []
    for item, argument in zip(items, arguments, strict=True):
        if _relinked(argument, "details", by_ref, f"argument {item['ref']}"):
            relinked.append(argument)
    Argument.objects.bulk_update(relinked, ["details", "details_html"])
    for revision, _, what in revisions:
        _relinked(revision, "details", by_ref, what)
    ArgumentRevision.objects.bulk_create(revision for revision, _, _ in revisions)
    for revision, replaced_at, _ in revisions:
        revision.replaced_at = replaced_at or revision.replaced_at
    ArgumentRevision.objects.bulk_update(
        [revision for revision, replaced_at, _ in revisions if replaced_at], ["replaced_at"]
    )
    context = (
        ("context", "context_html") if _relinked(motion, "context", by_ref, "the motion") else ()
    )
    _stamp(motion, fields, *context)
    Vote.objects.bulk_create(votes)
    ImportedTally.objects.bulk_create(tallies)
    motion.refresh_from_db()
    summary = {
        "arguments": len(arguments),
        "sources": len(cited.by_ref),
        "votes_dropped": dropped,
        "imported_tallies": len(tallies),
        "people_not_found": sorted(people.not_found),
        "warnings": warnings,
    }
    return motion, summary


def _refuse_unknown_refs(data):
    """Refuse a file whose refs do not each name one thing: an argument given twice (its replies
    would go to whichever came last) or a citation of a source the file does not have (its quote
    would lose its source). A withheld source is in the file, as a placeholder: its citations
    keep their quotes (_import_sources)."""
    sources = data.get("sources") or {}
    arguments, seen = data.get("arguments") or [], set()
    for item in arguments:
        if item["ref"] in seen:
            raise ImportRefused(f"Argument {item['ref']} appears twice in the file.")
        seen.add(item["ref"])
    claims = [("The motion", data["motion"])]
    claims += [(f"Argument {item['ref']}", item) for item in arguments]
    for what, item in claims:
        cited = item.get("source")
        if cited is not None and cited not in sources:
            raise ImportRefused(
                f"{what} cites source {cited}, which is not among the file's sources."
            )


@dataclass
class _FileSources:
    """The sources a file's claims cite, by ref: `by_ref` (None for a withheld one), `texted`
    (the refs whose text the file brings) and `held` (the refs at an address where Crux holds
    texts: the sources there, the one named like the file's first)."""

    by_ref: dict
    texted: set
    held: dict


def _held_by_address(given: dict) -> dict:
    """The texts Crux itself holds at the addresses of the file's sources, by address as
    sources.web_address writes it: one query."""
    urls = {source.get("url") or "" for source in given.values()}
    found = {}
    for held in source_texts.held_at(*urls, *map(source_texts.web_address, urls)):
        found.setdefault(source_texts.web_address(held.url), []).append(held)
    return found


def _import_sources(given: dict, adder) -> _FileSources:
    """The sources of the file, created, by ref (None for a withheld one); and the refs of
    those that have a text. A member's are hers, as a text she pasted is: they bind nobody
    else's citations of their address (an adderless text is Crux's own), and a text a moderator
    hid at an address is not hers to bring back. A source at an address where Crux holds a text
    is that one, as a reply typing the address cites it (no copy is made, and its quotes are
    checked against that text, _held_anchor)."""
    seed_keys_taken = _seed_keys_taken(Source, given.values())
    added = {"added_by": adder, "added_at": timezone.now()} if adder is not None else {}
    held_here = _held_by_address(given)
    sources, texts, held = {}, {}, {}
    for ref, source in given.items():
        if source["title"].lower() in source_texts.PLACEHOLDER_TITLES:
            # A public download's withheld source: nothing of it to import, and a source so
            # titled would pass for one a moderator hid. Its claims keep their quotes.
            sources[ref] = None
            continue
        if source.get("url"):
            try:
                URLValidator(schemes=["http", "https"])(source["url"])
            except ValidationError:
                raise ImportRefused(f"Source {shown(ref)} has no http(s) web address.") from None
        if there := held_here.get(source_texts.web_address(source.get("url") or "")):
            # The essay and the reader's comment share an address: the one the file names.
            held[ref] = sorted(there, key=lambda each: each.title != source["title"])
            sources[ref] = held[ref][0]
            continue
        sources[ref] = Source(
            seed_key=_free_seed_key(source, seed_keys_taken),
            title=source["title"],
            author=source.get("author") or "",
            publisher=source.get("publisher") or "",
            url=source.get("url") or "",
            published_on=_date(source.get("published_on")),
            visibility=source.get("visibility") or "visible",
            hidden_reason=source.get("hidden_reason") or "",
            **added,
        )
        if text := source_texts.clean_text(source.get("text") or ""):
            # Cleaned as a member's pasted text is; a quote's place is then checked against the
            # text, not trusted (debates.sources.anchored).
            texts[ref] = SourceText(source=sources[ref], text=text)
    if adder is not None:
        try:
            source_texts.refuse_text_hidden_at(adder, *{sources[ref].url for ref in texts} - {""})
        except DebateRuleError as refusal:
            raise ImportRefused(refusal.message) from None
    Source.objects.bulk_create(
        source for ref, source in sources.items() if source is not None and ref not in held
    )
    SourceText.objects.bulk_create(texts.values())
    return _FileSources(sources, set(texts), held)


def _revisions(item, argument, what) -> list:
    """The argument's earlier wordings, each with the time it was replaced, if the file has it,
    and its name in a refusal."""
    revisions = []
    for number, revision in enumerate(item.get("revisions") or [], start=1):
        named = f"revision {number} of {what}"
        _within_limits(named, claim=revision.get("claim"), details=revision.get("details"))
        tallies = revision.get("tallies") or {}
        kept = ArgumentRevision(
            argument=argument,
            claim=revision["claim"],
            details=revision.get("details") or "",
            details_html=render_markdown(revision.get("details") or ""),
            written_at=_datetime(revision["written_at"]),
            agree_count=tallies.get("agree", 0),
            disagree_count=tallies.get("disagree", 0),
        )
        _full_clean(kept, named)
        revisions.append((kept, _datetime(revision.get("replaced_at")), named))
    return revisions


def _relinked(row, field, by_ref, what) -> bool:
    """Lead the links of `row`'s Markdown `field` to a ref of the file (`#a3`) to the argument
    made of it, re-rendering the field's HTML; whether there were any. Refused when that takes
    the text past its limit: the copy's address may be longer than the one exported."""
    text = getattr(row, field)
    relinked = from_refs(
        text, lambda ref: by_ref[ref].get_absolute_url() if ref in by_ref else None
    )
    if relinked == text:
        return False
    if len(relinked) > _LIMITS[field]:
        said = too_long(
            f"the {field} of {what}, its links leading into this copy,",
            len(relinked),
            _LIMITS[field],
        )
        raise ImportRefused(said[0].upper() + said[1:])
    setattr(row, field, relinked)
    # A motion's context links its mentions, as _import_debate rendered it first.
    render = render_details if field == "context" else render_markdown
    setattr(row, f"{field}_html", render(relinked))
    return True


# A NUL, which the schema allows in some texts (an attribution, a quote, the figures) but
# PostgreSQL stores in none; and half of a UTF-16 pair, which JSON's \ud800 escapes can spell in
# a file of valid UTF-8 but no database can store.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _refuse_nul(data):
    """Refuse a character no database stores anywhere in the file, naming the first place."""
    stack = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            for key in value:
                if found := _UNSTORABLE.search(key):
                    _refuse_nul_at(path, data, found[0])
            stack.extend(((*path, key), item) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*path, index), item) for index, item in reversed(list(enumerate(value))))
        elif isinstance(value, str) and (found := _UNSTORABLE.search(value)):
            _refuse_nul_at(path, data, found[0])


def _refuse_nul_at(path, data, character):
    # Named down to the field of the motion, a source or an argument: inside one (the figures,
    # a vote's voter) a place in words would say no more.
    field = path[: 2 if path[:1] == ("motion",) else 3]
    where = "/".join(str(part) for part in path) or "the top level"
    what = "'\\x00'" if character == "\x00" else "half of a UTF-16 pair (a lone \\ud800-\\udfff)"
    raise ImportRefused(
        f"Not a valid Crux debate export at {where}: {_words(field, data)} holds {what}, "
        "which the format does not allow."
    )


# Texts the database does not bound (full_clean checks only a CharField's max_length), with the
# limits a member's forms keep them to.
_LIMITS = {"context": DETAILS_MAX_LENGTH, "details": DETAILS_MAX_LENGTH, "quote": QUOTE_MAX_LENGTH}
# The most arguments a member's import may bring (debates.interchange.importing): its one
# transaction holds the database's write lock while it writes them (SQLite's, against every
# writer), and a megabyte of one-line claims is some 25,000. An admin's `manage.py
# import_debate` is not held to it: a debate exported from a site comes back whole.
ARGUMENTS_MAX = 2_000


def _within_limits(what, **texts):
    """Refuse any of `texts` (of the claim `what`) longer than Crux keeps that text, or with
    marks piled on one character, as every form refuses them (debates.errors.within_limit)."""
    for key, text in texts.items():
        limit = _LIMITS.get(key)
        if text and limit and len(text) > limit:
            said = too_long(f"the {key} of {what}", len(text), limit)
            raise ImportRefused(said[0].upper() + said[1:])
        piled = piled_marks(text, f"{key} of {what}")
        if piled:
            raise ImportRefused(piled)


def _full_clean(instance, what):
    # The fields only: a unique key or a constraint takes a query to check, row by row (most of
    # a big import's time, its write lock held); the database holds them, and import_debate
    # turns its refusal into ImportRefused.
    try:
        instance.full_clean(
            exclude=["author", "parent", "source", "motion", "argument"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        said = " ".join(
            _field_problem(
                what if name == NON_FIELD_ERRORS else f"the {name.replace('_', ' ')} of {what}",
                problem,
            )
            for name, problems in error.error_dict.items()
            for problem in problems
        )
        raise ImportRefused(said[0].upper() + said[1:]) from None


def _field_problem(where: str, problem: ValidationError) -> str:
    """A model's refusal in the words the schema's get, the limit its own."""
    if problem.code == "max_length":
        return too_long(where, problem.params["show_value"], problem.params["limit_value"])
    return f"{where}: {' '.join(problem.messages)}"


def _stamp(motion, data, *fields):
    """Put back the times the motion was written (update(), so auto_now does not overwrite them),
    and save its `fields`."""
    Motion.objects.filter(pk=motion.pk).update(
        created_at=_datetime(data.get("created_at"), motion.created_at),
        updated_at=_datetime(data.get("updated_at"), motion.updated_at),
        **{field: getattr(motion, field) for field in fields},
    )
