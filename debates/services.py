"""Writes of what people argue: posting, editing and retracting arguments, proposing motions,
and the seed. Each enforces the rules atomically. Votes are cast in debates.voting and
moderators act through debates.moderation."""

import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from debates import events, policy, sources
from debates.errors import (  # apart for debates.moderation
    DebateRuleError,
    FieldChecks,
    within_limit,
)
from debates.models import (
    CLAIM_MAX_LENGTH,
    DETAILS_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    Argument,
    ArgumentRevision,
    Motion,
    Source,
    Stance,
)
from debates.rendering import render_details, render_markdown
from debates.text import one_line, slug_of, without_bidi

# How long the same reply posted again from a fresh form is taken for the first (_posted_again).
REPOST_WINDOW = timedelta(minutes=15)


def check_parent(motion: Motion, parent: Argument | None, argument: Argument | None = None):
    if parent is None:
        return
    if parent.motion_id != motion.pk:
        raise DebateRuleError(
            "You can only reply to an argument in the same debate.", field="parent"
        )
    if argument is not None and argument.pk is not None:
        node = parent
        while node is not None:
            if node.pk == argument.pk:
                raise DebateRuleError("An argument cannot reply to itself or its own replies.")
            node = node.parent


def _plain(text: str) -> str:
    """Text that may run over lines (details, context, quotes), as it is stored: a form's line
    breaks (CRLF) as the source texts have them, so a quote copied across lines stays exact."""
    return without_bidi(text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _stance(stance: str) -> None:
    if stance not in Stance.values:
        raise DebateRuleError("Choose whether you argue pro or con.", status=422, field="stance")


def _not_a_placeholder(line: str, *, field: str, message: str) -> str:
    """A claim or title reading as Crux's placeholder for a withheld one would pass for a
    moderator's or its author's act (sources.PLACEHOLDER_TITLES)."""
    if line.lower() in sources.PLACEHOLDER_TITLES:
        raise DebateRuleError(message, status=422, field=field)
    return line


def _clean_claim(claim: str) -> str:
    claim = one_line(claim)
    if not claim:
        raise DebateRuleError("Write the claim you want to make.", status=422, field="claim")
    _not_a_placeholder(
        claim,
        field="claim",
        message="That is what Crux shows in place of a withheld claim: "
        "write the claim you want to make.",
    )
    return within_limit(claim, limit=CLAIM_MAX_LENGTH, field="claim")


def _clean_details(details: str, *, field: str = "details") -> str:
    plural = field == "details"
    return within_limit(_plain(details), limit=DETAILS_MAX_LENGTH, field=field, they=plural)


def _bounded_quote(quote: str) -> str:
    return within_limit(_plain(quote), limit=QUOTE_MAX_LENGTH, field="quote")


def _cited(source, source_url, quote, start, end) -> tuple[Source | None, str, dict]:
    """The citation and its anchor fields: of a source Crux holds (one with text anchors the
    quote in it, issue 20), or else of a web address (_cited_by_address)."""
    if source is None:
        return _cited_by_address(source_url, quote)
    policy.enforce(policy.citation_refusal(source))
    quote = _bounded_quote(quote)
    if sources.text_of(source) and not quote:
        raise DebateRuleError("Quote the passage you argue from.", status=422, field="quote")
    return source, quote, sources.anchored(source, quote, start=start, end=end)


def _cited_by_address(source_url: str, quote: str) -> tuple[Source | None, str, dict]:
    """A claim's citation of the web address typed: a source whose text Crux itself holds there
    (sources.held_at) is cited, its quote checked as the reader's is, in the first of its texts
    there that holds it (the essay and the reader's comment share an address); else the one
    source of that address (sources.address_source), which keeps a free quote."""
    typed, quote = _plain(source_url), _bounded_quote(quote)
    address = _web_address(typed)
    if not address:
        if quote:
            raise DebateRuleError(
                "Add the web address the quote comes from.", status=422, field="source_url"
            )
        return None, "", {}
    held = sources.held_at(typed, address)
    if held and not quote:
        return held[0], "", {}
    if held:
        source, anchor = sources.anchored_in_one(held, quote)
        return source, quote, anchor
    return sources.address_source(address), quote, {}


def _web_address(source_url: str) -> str:
    """The web address typed, checked, as Crux keeps it (sources.web_address); "" for none."""
    source_url = _plain(source_url)
    if not source_url:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(source_url)
    except ValidationError:
        raise DebateRuleError(
            "The source must be a web address starting with http:// or https://.",
            status=422,
            field="source_url",
        ) from None
    if len(source_url) > Source._meta.get_field("url").max_length:
        raise DebateRuleError("That web address is too long.", status=422, field="source_url")
    return sources.web_address(source_url)


class SubmissionReused(DebateRuleError):
    """A submission key sent again with other content. Its message speaks of the page's form; a
    caller that has no form (the API) words it for itself."""


def _require_same_submission(stored: tuple, sent: tuple):
    """A submission key names one form as it was filled in: sent again with other content (a
    form reused after going back, another motion, a tampered key) it is refused, not taken for
    a retry and answered "posted"."""
    if stored != sent:
        raise SubmissionReused(
            "This form was already posted, with different content: copy your text and post it "
            "from a fresh form (one with a new submission key).",
            status=409,
            field="submission_key",
        )


def _citation_sent(source_url: str, quote: str) -> tuple[str, str]:
    return sources.web_address(_plain(source_url)), _plain(quote)


def _citation_stored(claim: Argument | Motion) -> tuple[str, str]:
    return (sources.web_address(claim.source.url) if claim.source_id else ""), claim.quote


def _as_first_posted(argument: Argument) -> tuple:
    """An argument as its form sent it: its first wording, if its author has edited it since."""
    first = argument.revisions.order_by("written_at", "pk").first() or argument
    place = (argument.motion_id, argument.parent_id, argument.stance)
    return (*place, first.claim, first.details, *_citation_stored(argument))


def _posted_again(author, sent: tuple) -> Argument | None:
    """The argument `author` posted from the same form moments ago, if `sent` is that form again
    under a new key: Back to a posted form without JavaScript fetches it afresh (pages are not
    stored), with a new key, and Post again must not make a second argument. A retracted one is
    not reposted."""
    motion_id, parent_id, stance, claim = sent[:4]
    recent = Argument.objects.select_related("source").filter(
        author=author,
        motion_id=motion_id,
        parent_id=parent_id,
        stance=stance,
        claim=claim,
        created_at__gte=timezone.now() - REPOST_WINDOW,
    )
    recent = recent.exclude(visibility=Argument.Visibility.RETRACTED)
    return next((argument for argument in recent if _as_first_posted(argument) == sent), None)


def _sent_before(author, sent: tuple, submission_key: uuid.UUID | None) -> tuple[bool, bool]:
    """Whether `author` has an argument under `submission_key`, and whether one may be `sent`
    posted again (_posted_again's candidates), in one statement: almost every reply has neither,
    and then no argument is loaded. Plain SQL: the two checks composed through the ORM cost a
    reply more CPU than the rest of its posting (issue 18); only a reply that finds one reads
    it through the ORM, as before.
    """
    motion_id, parent_id, stance, claim = sent[:4]
    table, field = Argument._meta.db_table, Argument._meta.get_field
    key = field("submission_key").get_db_prep_value(submission_key, connection)
    since = field("created_at").get_db_prep_value(timezone.now() - REPOST_WINDOW, connection)
    in_place = "parent_id IS NULL" if parent_id is None else "parent_id = %s"
    sql = f"""
        SELECT EXISTS (SELECT 1 FROM {table} WHERE author_id = %s AND submission_key = %s),
               EXISTS (SELECT 1 FROM {table}
                        WHERE author_id = %s AND motion_id = %s AND {in_place} AND stance = %s
                          AND claim = %s AND created_at >= %s AND visibility <> %s)
    """
    place = [motion_id] if parent_id is None else [motion_id, parent_id]
    params = [author.pk, key, author.pk, *place, stance, claim, since]
    params.append(Argument.Visibility.RETRACTED.value)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keyed, similar = cursor.fetchone()
    return bool(keyed), bool(similar)


def _retried_once_on_clash(write):
    """For a write that a simultaneous one can beat to a unique key (the same submission sent
    twice at once): the loser's transaction rolls back and runs once more, now seeing the
    winner, whose earlier submission is returned. A slug taken meanwhile is no clash here:
    save_under_free_slug passes over it."""

    @wraps(write)
    def once_more_if_beaten(**kwargs):
        try:
            return write(**kwargs)
        except IntegrityError:
            return write(**kwargs)

    return once_more_if_beaten


@_retried_once_on_clash
@transaction.atomic
def post_argument(
    *,
    author,
    motion: Motion,
    parent: Argument | None,
    stance: str,
    claim: str,
    details: str = "",
    source_url: str = "",
    quote: str = "",
    submission_key: uuid.UUID | None = None,
    source: Source | None = None,
    quote_start: int | None = None,
    quote_end: int | None = None,
) -> tuple[Argument, bool]:
    """Add a pro or con argument under the motion or one of its arguments.

    It cites a web address (`source_url`), or a `source` Crux holds: a quote from a source with
    text must be in it (422 if not), at `quote_start`:`quote_end` when those are given.
    Returns the argument and whether it was created now; a repeated submission (same author and
    submission key) returns the argument the first one created.
    """
    policy.enforce(policy.participation_refusal(author))
    sent = (motion.pk, getattr(parent, "pk", None), stance, one_line(claim))
    cited_url = source.url if source is not None else source_url
    sent += (_plain(details), *_citation_sent(cited_url, quote))
    keyed, similar = _sent_before(author, sent, submission_key)
    if keyed:
        earlier = Argument.objects.select_related("source").filter(
            author=author, submission_key=submission_key
        )
        earlier = earlier.first()
        if earlier is not None:
            _require_same_submission(_as_first_posted(earlier), sent)
            return earlier, False
    earlier = _posted_again(author, sent) if similar else None
    if earlier is not None:
        return earlier, False
    # Read afresh, not locked: replies to one motion go in side by side. A moderator locking the
    # motion meanwhile orders after this reply, which read it open.
    motion = Motion.objects.get(pk=motion.pk)
    policy.enforce(policy.closed_refusal(motion))
    check_parent(motion, parent)
    policy.enforce(policy.reply_to_refusal(parent))
    # Every field is checked before a refusal is raised, so the form shows all that is wrong.
    fields = FieldChecks()
    fields.check(lambda: _stance(stance))
    claim = fields.check(lambda: _clean_claim(claim))
    details = fields.check(lambda: _clean_details(details))
    cited = fields.check(lambda: _cited(source, source_url, quote, quote_start, quote_end))
    fields.done()
    source, quote, anchor = cited
    argument = Argument.objects.create(
        motion=motion,
        parent=parent,
        depth=parent.depth + 1 if parent else 0,
        stance=stance,
        claim=claim,
        details=details,
        details_html=render_details(details),
        source=source,
        quote=quote,
        author=author,
        submission_key=submission_key,
        **anchor,
    )
    events.announce(motion.pk, events.ARGUMENT_POSTED, argument_id=argument.pk)
    return argument, True


@transaction.atomic
def edit_argument(
    *,
    editor,
    argument: Argument,
    claim: str | None = None,
    details: str | None = None,
    precondition: Callable[[Argument], None] | None = None,
) -> Argument:
    """Reword one's own argument; the wording it replaces is kept as a revision, with the votes
    it held, and the argument says how many votes came before the edit. A part not given (None)
    stays as it is, read under the edit's lock: an edit of it meanwhile is kept, not written back
    over (the API's PATCH sends only what changes; `details=""` clears them).

    `precondition` is called with the argument as locked, once the editor may edit it and before
    what is sent is checked, and raises to refuse the edit: the API's If-Match, so that an edit
    made meanwhile is not overwritten unseen."""
    argument = Argument.objects.select_for_update().select_related("motion").get(pk=argument.pk)
    policy.enforce(policy.edit_refusal(editor, argument))
    if precondition is not None:
        precondition(argument)
    claim = argument.claim if claim is None else claim
    details = argument.details if details is None else details
    fields = FieldChecks()  # both refusals at once, as the reply form has them
    claim = fields.check(lambda: _clean_claim(claim))
    details = fields.check(lambda: _clean_details(details))
    fields.done()
    if (claim, details) == (argument.claim, argument.details):
        return argument
    ArgumentRevision.objects.create(
        argument=argument,
        claim=argument.claim,
        details=argument.details,
        details_html=argument.details_html,
        written_at=argument.edited_at or argument.created_at,
        agree_count=argument.agree_count,
        disagree_count=argument.disagree_count,
    )
    argument.claim, argument.details = claim, details
    argument.details_html = render_details(details)
    argument.edited_at = timezone.now()
    # Read under the claim's lock, which every vote takes: exact.
    argument.votes_before_edit = argument.agree_count + argument.disagree_count
    changed = ["claim", "details", "details_html", "edited_at", "votes_before_edit", "updated_at"]
    argument.save(update_fields=changed)
    events.announce(
        argument.motion_id, events.ARGUMENT_CHANGED, argument_id=argument.pk, reworded=True
    )
    return argument


@transaction.atomic
def retract_argument(*, author, argument: Argument) -> Argument:
    """Withdraw one's own argument: it keeps its place and replies; its text stays stored."""
    argument = Argument.objects.select_for_update().get(pk=argument.pk)
    policy.enforce(policy.retract_refusal(author, argument))
    if argument.visibility == Argument.Visibility.RETRACTED:
        return argument
    argument.visibility = Argument.Visibility.RETRACTED
    argument.save(update_fields=["visibility", "updated_at"])
    events.announce(argument.motion_id, events.ARGUMENT_CHANGED, argument_id=argument.pk)
    return argument


@_retried_once_on_clash
@transaction.atomic
def propose_motion(
    *,
    author,
    title: str,
    claim: str,
    context: str = "",
    source_url: str = "",
    quote: str = "",
    submission_key: uuid.UUID | None = None,
) -> tuple[Motion, bool]:
    policy.enforce(policy.participation_refusal(author))
    if submission_key is not None:
        earlier = Motion.objects.select_related("source").filter(
            author=author, submission_key=submission_key
        )
        earlier = earlier.first()
        if earlier is not None:
            stored = (earlier.title, earlier.claim, earlier.context, *_citation_stored(earlier))
            sent = (one_line(title), one_line(claim), _plain(context))
            _require_same_submission(stored, (*sent, *_citation_sent(source_url, quote)))
            return earlier, False
    # Every field is checked before a refusal is raised, so the form shows all that is wrong;
    # a citation's source made meanwhile goes with the transaction a refusal rolls back.
    fields = FieldChecks()
    title = fields.check(lambda: _motion_title(title))
    claim = fields.check(lambda: _clean_claim(claim))
    context = fields.check(lambda: _clean_details(context, field="context"))
    cited = fields.check(lambda: _cited_by_address(source_url, quote))
    fields.done()
    source, quote, anchor = cited
    motion = Motion(
        title=title,
        claim=claim,
        context=context,
        context_html=render_details(context),
        source=source,
        quote=quote,
        author=author,
        submission_key=submission_key,
        **anchor,
    )
    base = slug_base(title)
    return save_under_free_slug(motion=motion, base=base), True


def _motion_title(title: str) -> str:
    title = one_line(title)
    if not title:
        raise DebateRuleError("Give the motion a short title.", status=422, field="title")
    _not_a_placeholder(
        title,
        field="title",
        message="That is what Crux shows in place of a hidden motion: "
        "give the motion its own title.",
    )
    return within_limit(title, limit=Motion._meta.get_field("title").max_length, field="title")


# How many slugs a new motion tries while simultaneous writes keep taking the one it chose: each
# miss is another motion committed under that slug meanwhile, so this is far beyond need.
SLUG_ATTEMPTS = 25
# A slug from a title stops here, to read in an address with room for its -2, -3, ….
SLUG_BASE_LENGTH = 60


def _free_slug(base: str) -> str:
    """`base`, or the first of base-2, base-3, … that no motion has and no page is named."""
    taken = set(Motion.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= Motion.RESERVED_SLUGS
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def saved_unless_slug_taken(*, motion: Motion) -> bool:
    """Insert the new `motion` under its slug; False, and nothing written, when a motion has that
    slug, even one a simultaneous write committed after the slug was chosen (the unique key then
    refuses this one: its savepoint rolls back and the transaction goes on). A refusal by any
    other key or constraint is raised. Once committed, the motion's making is announced
    (events.announce_proposed): whom its context mentions are told, however it was made."""
    try:
        with transaction.atomic():
            motion.save(force_insert=True)
    except IntegrityError:
        if Motion.objects.filter(slug=motion.slug).exists():
            return False
        raise
    events.announce_proposed(motion.pk)
    return True


def slug_base(title: str, *, fallback: str = "motion") -> str:
    """The slug a new motion takes from its title, before any -2, -3, …: proposed or imported."""
    return slug_of(title, SLUG_BASE_LENGTH) or fallback


def save_under_free_slug(*, motion: Motion, base: str) -> Motion:
    """Insert the new `motion` under the first free slug of base, base-2, base-3, …, taking the
    next when a simultaneous write takes it first: people giving one title at once all get a
    motion, each its own slug. Proposing a motion and importing one both create it here."""
    for _ in range(SLUG_ATTEMPTS):
        motion.slug = _free_slug(base)
        if saved_unless_slug_taken(motion=motion):
            return motion
    raise DebateRuleError(
        "Many motions are being given this title right now; try again in a moment.", status=409
    )


def _save_changed(instance, fields: dict):
    """Assign fields and save only when something differs, so re-seeding touches no timestamps."""
    if instance.pk is None:
        changed = list(fields)
    else:
        changed = [name for name, value in fields.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, fields[name])
    if changed:
        instance.full_clean(exclude=["author", "parent", "source", "motion"])
        instance.save()
    return bool(changed)


def _seeded_anchor(source, quote) -> dict:
    """The anchor fields of a seeded quote, all of them, so re-seeding leaves them as found."""
    return sources.UNANCHORED | sources.anchored(source, quote, as_written=False)


@transaction.atomic
def upsert_seeded_source(
    *, key, title, author="", publisher="", url="", published_on=None, text=""
):
    source = Source.objects.filter(seed_key=key).first() or Source(seed_key=key)
    fields = {"title": title, "author": author, "publisher": publisher, "url": url}
    fields["published_on"] = published_on
    _save_changed(source, fields)
    sources.replace_text(source, text)
    return source


@transaction.atomic
def upsert_seeded_motion(*, slug, title, claim, context, attribution, source, quote, featured):
    motion = Motion.objects.filter(slug=slug).first()
    fields = {
        "title": title,
        "claim": claim,
        "context": context,
        # Unlinked, as a seeded argument's details are: the seed quotes people outside Crux, so
        # an "@" in it names none of Crux's members (and a seeded motion has no author to tell).
        "context_html": render_markdown(context),
        "attribution": attribution,
        "source": source,
        "quote": quote,
        **_seeded_anchor(source, quote),
    }
    if motion is None:
        # Featuring is editorial: set it once, then leave it to moderators.
        motion = Motion(slug=slug, featured=featured)
    _save_changed(motion, fields)
    return motion


@transaction.atomic
def upsert_seeded_argument(
    *, key, motion, parent, stance, claim, details, attribution, source, quote, figures
):
    argument = Argument.objects.filter(seed_key=key).first() or Argument(seed_key=key)
    check_parent(motion, parent, argument)
    fields = {
        "motion": motion,
        "parent": parent,
        "depth": parent.depth + 1 if parent else 0,
        "stance": stance,
        "claim": claim,
        "details": details,
        "details_html": render_markdown(details),
        "attribution": attribution,
        "source": source,
        "quote": quote,
        "figures": figures,
        **_seeded_anchor(source, quote),
    }
    _save_changed(argument, fields)
    return argument
