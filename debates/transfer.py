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
"""

import datetime as dt
import json
import re
import reprlib
from functools import cache
from pathlib import Path

import jsonschema
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from accounts.models import User, fold_display_name
from debates import policy
from debates import sources as source_texts
from debates.errors import DebateRuleError
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
from debates.rendering import render_markdown
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
    exported_motion = {
        "slug": motion.slug,
        "title": motion.title,
        "claim": motion.claim,
        "context": motion.context,
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
            "details": argument.details,
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
                    "details": revision.details,
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
    parsed = parse_datetime(value)
    if parsed is None:
        raise ImportRefused(f"Not a date and time: {shown(value)}")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


class _People:
    """Finds the accounts an export names, once each."""

    def __init__(self):
        self.found = {}

    def __call__(self, person):
        if not person:
            return None
        key = (person.get("id"), person.get("display_name"))
        if key not in self.found:
            name = str(person.get("display_name") or "")
            folded = fold_display_name(name)
            user = None
            if isinstance(person.get("id"), int):
                user = User.objects.filter(pk=person["id"], display_name=name).first()
            if user is None and folded:
                user = User.objects.filter(display_name_key=folded).first()
            self.found[key] = user
        return self.found[key]


def _claim_fields(data, people, sources):
    author = people(data.get("author"))
    attribution = data.get("attribution") or ""
    if author is None and data.get("author"):
        attribution = attribution or str(data["author"].get("display_name") or "")
    source, quote = sources.get(data.get("source")), data.get("quote") or ""
    return {
        "claim": data["claim"],
        "attribution": attribution[:200],
        "source": source,
        "quote": quote,
        "author": author,
        **_anchor(source, quote, data),
    }


def _anchor(source, quote, data) -> dict:
    """The quote's anchor in its source's text, where the export had it (or else where it is
    found); none when the text does not hold the quote: the quote itself is kept either way."""
    if source is None or not quote:
        return {}
    try:
        return source_texts.anchored(
            source, quote, start=data.get("quote_start"), end=data.get("quote_end")
        )
    except DebateRuleError:
        return {}


def _import_votes(votes, people, **claim):
    voters, dropped = set(), 0
    rows = []
    for vote in votes or []:
        voter = people(vote.get("voter"))
        if voter is None or voter.pk in voters or vote.get("choice") not in Vote.Choice.values:
            dropped += 1
            continue
        voters.add(voter.pk)
        rows.append(Vote(user=voter, choice=vote["choice"], **claim))
    Vote.objects.bulk_create(rows)
    agree = sum(1 for row in rows if row.choice == Vote.Choice.AGREE)
    return agree, len(rows) - agree, dropped


def _import_tallies(item, **claim):
    """Counts nobody here cast (an export's imported tallies; a public download's or an Argdown
    file's tallies, which come without voters) are kept as imported tallies, never members'
    votes."""
    tallies = item.get("imported_tallies")
    if tallies is None and not item.get("votes"):
        tallies = item.get("tallies")
    if not tallies or not (tallies["agree"] or tallies["disagree"]):
        return 0
    ImportedTally.objects.create(agree=tallies["agree"], disagree=tallies["disagree"], **claim)
    return 1


def imported_tallies(motion) -> dict:
    """The imported tallies of `motion` and its arguments, by ("motion"|"argument", id): one
    query."""
    found = ImportedTally.objects.filter(Q(motion=motion) | Q(argument__motion=motion))
    return {
        ("motion", row.motion_id) if row.motion_id else ("argument", row.argument_id): row
        for row in found
    }


@transaction.atomic
def import_debate(data: dict, *, slug: str | None = None) -> tuple[Motion, dict]:
    """Create the debate `data` (from export_debate) describes; returns it and a summary.

    Refuses (ImportRefused) a file of another format or version, or a slug already in use.
    All or nothing: one transaction.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportRefused("This is not a Crux debate export.")
    if data.get("version") != VERSION:
        raise ImportRefused(
            f"Export version {shown(data.get('version'))}; this Crux reads {VERSION}."
        )
    validate_export(data)
    _refuse_nul(data)
    people = _People()
    fields = data["motion"]
    slug = slug or fields["slug"]
    if slug in Motion.RESERVED_SLUGS:
        raise ImportRefused(f"The slug {slug!r} names a page of its own; choose another.")
    if Motion.objects.filter(slug=slug).exists():
        raise ImportRefused(f"A motion with the slug {slug!r} exists already; choose another.")

    sources = {}
    for ref, source in (data.get("sources") or {}).items():
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
        seed_key = source.get("seed_key")
        if seed_key and Source.objects.filter(seed_key=seed_key).exists():
            seed_key = None
        sources[ref] = Source.objects.create(
            seed_key=seed_key,
            title=source["title"],
            author=source.get("author") or "",
            publisher=source.get("publisher") or "",
            url=source.get("url") or "",
            published_on=parse_date(source["published_on"]) if source.get("published_on") else None,
            visibility=source.get("visibility") or "visible",
            hidden_reason=source.get("hidden_reason") or "",
        )
        if text := source_texts.clean_text(source.get("text") or ""):
            # Cleaned as a member's pasted text is; a quote's place is then checked against the
            # text, not trusted (debates.sources.anchored).
            SourceText.objects.create(source=sources[ref], text=text)

    _within_limits("the motion", context=fields.get("context"), quote=fields.get("quote"))
    motion = Motion(
        slug=slug,
        title=fields["title"],
        context=fields.get("context") or "",
        context_html=render_markdown(fields.get("context") or ""),
        state=fields.get("state", Motion.State.OPEN),
        lock_reason=fields.get("lock_reason") or "",
        featured=bool(fields.get("featured")),
        visibility=fields.get("visibility", Motion.Visibility.VISIBLE),
        hidden_reason=fields.get("hidden_reason") or "",
        **_claim_fields(fields, people, sources),
    )
    _full_clean(motion, "the motion")
    motion.save()
    agree, disagree, dropped = _import_votes(fields.get("votes"), people, motion=motion)
    _stamp(Motion, motion.pk, fields, agree_count=agree, disagree_count=disagree)
    tallied = _import_tallies(fields, motion=motion)

    created = {}
    for item in data.get("arguments") or []:
        parent = created.get(item.get("parent"))
        if item.get("parent") and parent is None:
            raise ImportRefused(f"Argument {shown(item.get('ref'))} replies to one not before it.")
        what = f"argument {item['ref']}"
        _within_limits(what, details=item.get("details"), quote=item.get("quote"))
        for number, revision in enumerate(item.get("revisions") or [], start=1):
            _within_limits(f"revision {number} of {what}", details=revision.get("details"))
        seed_key = item.get("seed_key")
        if seed_key and Argument.objects.filter(seed_key=seed_key).exists():
            seed_key = None
        argument = Argument(
            motion=motion,
            parent=parent,
            depth=parent.depth + 1 if parent else 0,
            stance=item["stance"],
            details=item.get("details") or "",
            details_html=render_markdown(item.get("details") or ""),
            figures=item.get("figures"),
            visibility=item.get("visibility", Argument.Visibility.VISIBLE),
            hidden_reason=item.get("hidden_reason") or "",
            seed_key=seed_key,
            **_claim_fields(item, people, sources),
        )
        _full_clean(argument, what)
        argument.save()
        created[item["ref"]] = argument
        for revision in item.get("revisions") or []:
            kept = ArgumentRevision.objects.create(
                argument=argument,
                claim=revision["claim"],
                details=revision.get("details") or "",
                details_html=render_markdown(revision.get("details") or ""),
                written_at=_datetime(revision["written_at"]),
                agree_count=(revision.get("tallies") or {}).get("agree", 0),
                disagree_count=(revision.get("tallies") or {}).get("disagree", 0),
            )
            ArgumentRevision.objects.filter(pk=kept.pk).update(
                replaced_at=_datetime(revision.get("replaced_at"), kept.replaced_at)
            )
        a, d, lost = _import_votes(item.get("votes"), people, argument=argument)
        dropped += lost
        _stamp(
            Argument,
            argument.pk,
            item,
            agree_count=a,
            disagree_count=d,
            edited_at=_datetime(item.get("edited_at")),
            votes_before_edit=item.get("votes_before_edit") or 0,
        )
        tallied += _import_tallies(item, argument=argument)
    motion.refresh_from_db()
    summary = {
        "arguments": len(created),
        "sources": len(sources),
        "votes_dropped": dropped,
        "imported_tallies": tallied,
        "people_not_found": sorted(
            {name for (_, name), user in people.found.items() if user is None and name}
        ),
    }
    return motion, summary


def _refuse_nul(data):
    """Refuse a NUL anywhere in the file, which the schema allows in some texts (an attribution,
    a quote, the figures) but PostgreSQL stores in none, naming the first place it is found."""
    stack = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            if any("\x00" in key for key in value):
                _refuse_nul_at(path, data)
            stack.extend(((*path, key), item) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*path, index), item) for index, item in reversed(list(enumerate(value))))
        elif isinstance(value, str) and "\x00" in value:
            _refuse_nul_at(path, data)


def _refuse_nul_at(path, data):
    # Named down to the field of the motion, a source or an argument: inside one (the figures,
    # a vote's voter) a place in words would say no more.
    field = path[: 2 if path[:1] == ("motion",) else 3]
    where = "/".join(str(part) for part in path) or "the top level"
    raise ImportRefused(
        f"Not a valid Crux debate export at {where}: {_words(field, data)} holds '\\x00', "
        "which the format does not allow."
    )


# Texts the database does not bound (full_clean checks only a CharField's max_length), with the
# limits a member's forms keep them to.
_LIMITS = {"context": DETAILS_MAX_LENGTH, "details": DETAILS_MAX_LENGTH, "quote": QUOTE_MAX_LENGTH}


def _within_limits(what, **texts):
    """Refuse any of `texts` (of the claim `what`) longer than Crux keeps that text."""
    for key, text in texts.items():
        limit = _LIMITS[key]
        if text and len(text) > limit:
            said = too_long(f"the {key} of {what}", len(text), limit)
            raise ImportRefused(said[0].upper() + said[1:])


def _full_clean(instance, what):
    try:
        instance.full_clean(exclude=["author", "parent", "source", "motion"])
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


def _stamp(model, pk, data, **fields):
    """Put back the times the rows were written (update(), so auto_now does not overwrite them)."""
    now = timezone.now()
    model.objects.filter(pk=pk).update(
        created_at=_datetime(data.get("created_at"), now),
        updated_at=_datetime(data.get("updated_at"), now),
        **fields,
    )
