"""What the API reads and writes, as pydantic schemas (they make the OpenAPI document)."""

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, Strict

from api.cursors import LENGTH_MAX as CURSOR_MAX
from config.converters import ID_MAX
from debates.interchange.importing import FORMATS, UPLOAD_MAX_BYTES
from debates.models import CLAIM_MAX_LENGTH, DETAILS_MAX_LENGTH, QUOTE_MAX_LENGTH, Flag, Motion
from debates.queries import REPLY_ORDERS


def _storable(value: str) -> str:
    # Neither database stores a NUL, and PostgreSQL refuses text that is not UTF-8 (a lone
    # surrogate): refuse both as a bad field rather than fail at the database.
    if "\x00" in value:
        raise ValueError("Text may not contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("Text must be valid Unicode.") from None
    return value


Text = Annotated[str, AfterValidator(_storable)]


def _bounded(limit: int, *, required: bool = False):
    """A text with the limits the forms hold it to (debates.models), declared in the OpenAPI
    document. The services refuse a text out of them, in the forms' words and with its field,
    counting as they store it (a form's CRLF one character, a claim's runs of spaces one): a
    count of their own here would refuse what the pages take."""
    bounds = {"maxLength": limit} | ({"minLength": 1, "pattern": r"\S"} if required else {})
    return Annotated[Text, Field(json_schema_extra=bounds)]


Title = _bounded(Motion._meta.get_field("title").max_length, required=True)
Claim = _bounded(CLAIM_MAX_LENGTH, required=True)
Details = _bounded(DETAILS_MAX_LENGTH)
Quote = _bounded(QUOTE_MAX_LENGTH)
Note = _bounded(Flag.NOTE_MAX_LENGTH)
Id = Annotated[int, Field(ge=1, le=ID_MAX)]
# An id in a body: a JSON number, never `true` or "12" read as one (a path's or query's id is
# text, and read as a number).
BodyId = Annotated[Id, Strict()]
Slug = Annotated[str, Field(pattern=r"^[-a-zA-Z0-9_]{1,80}$")]
Limit = Annotated[int, Field(ge=1, le=50)]
Offset = Annotated[int, Field(ge=0, le=1_000_000)]
Cursor = Annotated[str, Field(min_length=1, max_length=CURSOR_MAX, description="a `next_cursor`")]
Choice = Literal["agree", "disagree"]
# The orders a motion's page offers (an unknown one is a 422, not the default in its place).
Order = Literal[*REPLY_ORDERS]


# What the debate's page shows of a claim only while everyone reads it (api.present).
WITHHELD_MOTION = "null while it is hidden: its page shows none then"
WITHHELD_ARGUMENT = "null while it is hidden or retracted: its page shows none then"


class Person(Schema):
    id: int
    display_name: str
    url: str


class SourceOut(Schema):
    id: int
    title: str
    author: str
    publisher: str
    url: str
    published_on: date | None


class MotionOut(Schema):
    slug: str
    title: str
    claim: str | None = Field(description="null while a moderator hides it from this viewer")
    context: str | None
    held_by: str | None
    author: Person | None
    source: SourceOut | None
    quote: str | None
    state: Literal["open", "locked"]
    visibility: Literal["visible", "hidden"]
    featured: bool
    agree: int | None = Field(description=WITHHELD_MOTION)
    disagree: int | None = Field(description=WITHHELD_MOTION)
    my_vote: Choice | None = None
    pro_count: int
    con_count: int
    argument_count: int
    created_at: datetime
    url: str


class MotionPage(Schema):
    items: list[MotionOut]
    count: int
    offset: int
    next_offset: int | None


class ArgumentOut(Schema):
    id: int
    motion: str = Field(description="the motion's slug")
    parent_id: int | None
    stance: Literal["pro", "con"]
    visibility: Literal["visible", "hidden", "retracted"]
    claim: str | None = Field(description="null where the public page withholds the text")
    details: str | None
    held_by: str | None
    author: Person | None
    source: SourceOut | None
    quote: str | None
    agree: int | None = Field(description=WITHHELD_ARGUMENT)
    disagree: int | None = Field(description=WITHHELD_ARGUMENT)
    my_vote: Choice | None = None
    created_at: datetime
    edited_at: datetime | None = Field(
        description="when it was last reworded: null if never, or " + WITHHELD_ARGUMENT
    )
    votes_before_edit: int | None = Field(
        description="the votes it held when last reworded, cast on an earlier wording; "
        + WITHHELD_ARGUMENT
    )
    url: str


class ArgumentNode(ArgumentOut):
    reply_count: int = Field(description="every reply below it, at any depth")
    replies: list["ArgumentNode"]
    more_replies: int = Field(description="direct replies held back: fetch them by parent")
    folded: bool = Field(description="its replies are not shown here: fetch them by parent")


ArgumentNode.model_rebuild()


class TreePage(Schema):
    motion: str
    parent_id: int | None
    order: Order
    count: int = Field(description="how many arguments stand at this level")
    next_cursor: str | None = Field(description="send it as `cursor` for the next batch")
    items: list[ArgumentNode]


class ArgumentWithContext(Schema):
    argument: ArgumentNode
    ancestors: list[ArgumentOut] = Field(description="the nearest, outermost first")
    more_ancestors: int = Field(description="ancestors further up, left out: follow parent_id")


class ProfileOut(Schema):
    id: int
    display_name: str
    bio: str
    joined: datetime
    arguments: int
    agree_received: int
    disagree_received: int
    url: str


class ArgumentList(Schema):
    items: list[ArgumentOut]
    count: int
    offset: int
    next_offset: int | None


class ClaimRef(Schema):
    kind: Literal["motion", "argument"]
    id: int


class RepresentativeOut(ClaimRef):
    agree: int = Field(description="the group's members who agreed with it")
    votes: int = Field(description="the group's members who voted on it")
    agree_rest: int = Field(description="the other placed voters who agreed with it")
    votes_rest: int = Field(description="the other placed voters who voted on it")


class GroupOut(Schema):
    id: int = Field(description="from 0, as the stored analysis numbers it")
    number: int = Field(
        description="from 1: the group's name on the pages, and what `?group=` takes"
    )
    size: int
    stance_on_motion: float | None = Field(
        None, description="the agree share of its members who voted on the motion"
    )
    representative: list[RepresentativeOut]
    members: list[int] | None = Field(
        None, description="its members' ids: for moderators only, null for everyone else"
    )


class ConsensusOut(ClaimRef):
    score: float


class DivisiveOut(ClaimRef):
    spread: float


class BridgingOut(ClaimRef):
    intercept: float
    factor: float
    status: str


class CruxOut(ClaimRef):
    log_odds: float
    lower: float
    voters: int


class AnalysisOut(Schema):
    computed_at: datetime | None = Field(description="null until the motion is first analysed")
    voters: int
    qualifying_voters: int | None = None
    reason: str | None = Field(description="why there are no opinion groups, if there are none")
    groups: list[GroupOut]
    consensus: list[ConsensusOut]
    divisive: list[DivisiveOut]
    bridging: list[BridgingOut]
    cruxes: list[CruxOut]


class Input(Schema):
    """A request's body: a field the operation does not take is refused (a 422 naming it), not
    ignored, so a mistyped name (`parent` for `parent_id`) never writes in the wrong place."""

    model_config = ConfigDict(extra="forbid")


class PostIn(Input):
    parent_id: BodyId | None = None
    stance: Literal["pro", "con"]
    claim: Claim
    details: Details = ""
    source_url: Text = ""
    quote: Quote = ""
    submission_key: uuid.UUID | None = Field(
        None, description="the same key sent again returns the argument it first made"
    )


def _each_field_optional_and_one_needed(schema: dict):
    # A field left out keeps what the argument has: no default stands in for it.
    for field in schema["properties"].values():
        field.pop("default", None)
    schema["minProperties"] = 1


class EditIn(Input):
    """The fields to change, at least one: a field left out keeps what the argument has (a null
    is refused, not read as "leave it as it is")."""

    model_config = ConfigDict(json_schema_extra=_each_field_optional_and_one_needed)

    claim: Claim = Field(None, description="the new claim; left out, it stays as it is")
    details: Details = Field(
        None, description='the new details; left out, they stay as they are (`""` clears them)'
    )


class VoteIn(Input):
    choice: Choice


class VoteOut(Schema):
    agree: int
    disagree: int
    my_vote: Choice | None


class FlagIn(Input):
    reason: Literal["spam", "abuse", "off-topic", "copyright", "other"]
    note: Note = Field("", description="needed when the reason is `other`")


class FlagOut(Schema):
    reason: str
    note: str
    status: str
    created: bool


class MotionIn(Input):
    title: Title
    claim: Claim
    context: Details = Field("", description="background, in Markdown")
    source_url: Text = ""
    quote: Quote = ""
    submission_key: uuid.UUID | None = Field(
        None, description="the same key sent again returns the motion it first made"
    )


class ImportIn(Input):
    format: Literal[*FORMATS] = Field(
        description="`argdown`, `kialo` (Kialo's plain-text export) or `json` (a motion's "
        "export.json)"
    )
    # The limit is in bytes of UTF-8, as the page's: a maxLength in characters is the most the
    # document can say (a character is at least a byte), and the view counts the bytes.
    text: Annotated[
        Text,
        Field(
            description=f"the debate, at most {UPLOAD_MAX_BYTES:,} bytes in UTF-8",
            json_schema_extra={"maxLength": UPLOAD_MAX_BYTES, "minLength": 1, "pattern": r"\S"},
        ),
    ]


class MotionLink(Schema):
    slug: str
    title: str
    url: str


class ImportOut(Schema):
    motion: MotionOut
    warnings: list[str] = Field(
        description="each line left out or changed, and each quote kept without its place in "
        "its source's text, as the page says"
    )
    imported_tallies: int = Field(
        description="claims that came with agree/disagree counts, kept apart from votes"
    )
    tallies_note: str | None = Field(description="what the page says of those counts, if any")
    same_title: MotionLink | None = Field(
        description="the first motion you may read that already has this title"
    )
