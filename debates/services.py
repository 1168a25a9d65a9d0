"""Every write to a debate goes through these functions; each enforces the rules atomically."""

import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from accounts.rules import participation_refusal
from debates import events
from debates.errors import DebateRuleError  # defined apart for debates.moderation
from debates.models import (
    CLAIM_MAX_LENGTH,
    DETAILS_MAX_LENGTH,
    Argument,
    ArgumentRevision,
    Motion,
    Source,
    Stance,
    Vote,
)
from debates.rendering import render_markdown

QUOTE_MAX_LENGTH = 1000


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


def _clean_claim(claim: str) -> str:
    claim = " ".join((claim or "").split())
    if not claim:
        raise DebateRuleError("Write the claim you want to make.", status=422, field="claim")
    if len(claim) > CLAIM_MAX_LENGTH:
        raise DebateRuleError(
            f"Keep the claim to {CLAIM_MAX_LENGTH} characters (it has {len(claim)}).",
            status=422,
            field="claim",
        )
    return claim


def _clean_details(details: str) -> str:
    details = (details or "").strip()
    if len(details) > DETAILS_MAX_LENGTH:
        raise DebateRuleError(
            f"Keep the details to {DETAILS_MAX_LENGTH} characters (they have {len(details)}).",
            status=422,
            field="details",
        )
    return details


def _citation(source_url: str, quote: str) -> tuple[Source | None, str]:
    source_url, quote = (source_url or "").strip(), (quote or "").strip()
    if len(quote) > QUOTE_MAX_LENGTH:
        raise DebateRuleError(
            f"Keep the quote to {QUOTE_MAX_LENGTH} characters.", status=422, field="quote"
        )
    if not source_url:
        if quote:
            raise DebateRuleError(
                "Add the web address the quote comes from.", status=422, field="source_url"
            )
        return None, ""
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
    parts = urlsplit(source_url)
    source = Source.objects.create(title=f"{parts.hostname}{parts.path}"[:300], url=source_url)
    return source, quote


def _require_participant(user, action="post"):
    refusal = participation_refusal(user, action)
    if refusal:
        raise DebateRuleError(refusal, status=403)


def _require_open(motion: Motion):
    if motion.is_locked:
        raise DebateRuleError("This motion is locked: it takes no new arguments.", status=403)
    if motion.is_hidden:
        raise DebateRuleError(
            "A moderator has hidden this motion: it takes no new arguments.", status=409
        )


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
) -> tuple[Argument, bool]:
    """Add a pro or con argument under the motion or one of its arguments.

    Returns the argument and whether it was created now; a repeated submission (same author and
    submission key) returns the argument the first one created.
    """
    _require_participant(author)
    if submission_key is not None:
        earlier = Argument.objects.filter(author=author, submission_key=submission_key).first()
        if earlier is not None:
            return earlier, False
    motion = Motion.objects.select_for_update().get(pk=motion.pk)
    _require_open(motion)
    if parent is not None:
        check_parent(motion, parent)
        if not parent.is_visible:
            state = parent.get_visibility_display().lower()
            raise DebateRuleError(f"You can't reply to an argument {state}.", status=409)
    if stance not in Stance.values:
        raise DebateRuleError("Choose whether you argue pro or con.", status=422, field="stance")
    claim, details = _clean_claim(claim), _clean_details(details)
    source, quote = _citation(source_url, quote)
    argument = Argument.objects.create(
        motion=motion,
        parent=parent,
        depth=parent.depth + 1 if parent else 0,
        stance=stance,
        claim=claim,
        details=details,
        details_html=render_markdown(details),
        source=source,
        quote=quote,
        author=author,
        submission_key=submission_key,
    )
    Motion.objects.filter(pk=motion.pk).update(updated_at=argument.created_at)
    events.announce(motion.pk, events.ARGUMENT_POSTED, argument_id=argument.pk)
    return argument, True


@transaction.atomic
def edit_argument(*, editor, argument: Argument, claim: str, details: str = "") -> Argument:
    """Reword one's own argument; the wording it replaces is kept as a revision."""
    argument = Argument.objects.select_for_update().select_related("motion").get(pk=argument.pk)
    _require_participant(editor)
    if argument.author_id != editor.pk:
        raise DebateRuleError("Only its author can edit an argument.", status=403)
    if not argument.is_visible:
        state = argument.get_visibility_display().lower()
        raise DebateRuleError(f"This argument was {state}: it can't be edited.", status=409)
    _require_open(argument.motion)
    claim, details = _clean_claim(claim), _clean_details(details)
    if (claim, details) == (argument.claim, argument.details):
        return argument
    ArgumentRevision.objects.create(
        argument=argument,
        claim=argument.claim,
        details=argument.details,
        details_html=argument.details_html,
        written_at=argument.edited_at or argument.created_at,
    )
    argument.claim, argument.details = claim, details
    argument.details_html = render_markdown(details)
    argument.edited_at = timezone.now()
    argument.save(update_fields=["claim", "details", "details_html", "edited_at", "updated_at"])
    events.announce(argument.motion_id, events.ARGUMENT_CHANGED, argument_id=argument.pk)
    return argument


@transaction.atomic
def retract_argument(*, author, argument: Argument) -> Argument:
    """Withdraw one's own argument: it keeps its place and replies; its text stays stored."""
    argument = Argument.objects.select_for_update().get(pk=argument.pk)
    if argument.author_id != author.pk:
        raise DebateRuleError("Only its author can retract an argument.", status=403)
    if argument.visibility == Argument.Visibility.RETRACTED:
        return argument
    if argument.visibility == Argument.Visibility.HIDDEN:
        raise DebateRuleError("A moderator has hidden this argument already.", status=409)
    argument.visibility = Argument.Visibility.RETRACTED
    argument.save(update_fields=["visibility", "updated_at"])
    events.announce(argument.motion_id, events.ARGUMENT_CHANGED, argument_id=argument.pk)
    return argument


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
    _require_participant(author)
    if submission_key is not None:
        earlier = Motion.objects.filter(author=author, submission_key=submission_key).first()
        if earlier is not None:
            return earlier, False
    title = " ".join((title or "").split())
    if not title:
        raise DebateRuleError("Give the motion a short title.", status=422, field="title")
    title_limit = Motion._meta.get_field("title").max_length
    if len(title) > title_limit:
        raise DebateRuleError(
            f"Keep the title to {title_limit} characters.", status=422, field="title"
        )
    claim, context = _clean_claim(claim), _clean_details(context)
    source, quote = _citation(source_url, quote)
    motion = Motion.objects.create(
        slug=_unique_slug(title),
        title=title,
        claim=claim,
        context=context,
        context_html=render_markdown(context),
        source=source,
        quote=quote,
        author=author,
        submission_key=submission_key,
    )
    return motion, True


def _unique_slug(title: str) -> str:
    base = slugify(title)[:60].strip("-") or "motion"
    taken = set(Motion.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


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


@transaction.atomic
def upsert_seeded_source(*, key, title, author="", publisher="", url="", published_on=None):
    source = Source.objects.filter(seed_key=key).first() or Source(seed_key=key)
    fields = {"title": title, "author": author, "publisher": publisher, "url": url}
    fields["published_on"] = published_on
    _save_changed(source, fields)
    return source


@transaction.atomic
def upsert_seeded_motion(*, slug, title, claim, context, attribution, source, quote, featured):
    motion = Motion.objects.filter(slug=slug).first()
    fields = {
        "title": title,
        "claim": claim,
        "context": context,
        "context_html": render_markdown(context),
        "attribution": attribution,
        "source": source,
        "quote": quote,
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
    }
    _save_changed(argument, fields)
    return argument


# --- Votes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteResult:
    """The claim's tallies after a vote, and what the voter now holds (None when withdrawn).

    `claim` is the claim as locked for the vote (with its motion, for an argument): enough to
    show the vote widget without loading it again.
    """

    agree_count: int
    disagree_count: int
    choice: str | None
    claim: Motion | Argument


def cast_vote(*, voter, claim, choice) -> VoteResult:
    """Agree or disagree with a motion or argument; the same choice again withdraws the vote.

    Rules: a valid choice (400); the voter may take part (accounts.rules, 403); not their own
    claim (403); the motion is not locked (403); the argument is neither hidden nor retracted
    (409). The claim row is locked for the transaction, so one person's concurrent clicks are
    applied one after another, and the counters change by F() expressions beside the Vote row.
    `claim.agree_count`/`disagree_count` are refreshed on the instance passed in.
    """
    result = _vote(voter, type(claim), {"pk": claim.pk}, choice)
    claim.agree_count, claim.disagree_count = result.agree_count, result.disagree_count
    return result


def cast_vote_at(*, voter, slug, argument_id=None, choice) -> VoteResult:
    """cast_vote on the motion `slug`, or on its argument `argument_id`, found by the same query
    that locks it (one query fewer for the vote views). Raises Motion.DoesNotExist or
    Argument.DoesNotExist when there is no such claim."""
    if argument_id is None:
        return _vote(voter, Motion, {"slug": slug}, choice)
    return _vote(voter, Argument, {"pk": argument_id, "motion__slug": slug}, choice)


def _vote(voter, model, lookup, choice) -> VoteResult:
    if choice not in Vote.Choice.values:
        raise DebateRuleError("Choose agree or disagree.", status=400, field="choice")
    refusal = participation_refusal(voter, "vote")
    if refusal:
        raise DebateRuleError(refusal, status=403)
    try:
        return _cast_vote(voter, model, lookup, choice)
    except IntegrityError:
        # Only reachable if a concurrent vote slipped past the claim lock; the retry sees it.
        try:
            return _cast_vote(voter, model, lookup, choice)
        except IntegrityError:
            raise DebateRuleError(
                "Your vote clashed with another one; please try again.", status=409
            ) from None


_COUNTER = {Vote.Choice.AGREE: "agree_count", Vote.Choice.DISAGREE: "disagree_count"}
_LOCKED_FIELDS = ("author", "agree_count", "disagree_count")


@transaction.atomic
def _cast_vote(voter, model, lookup, choice) -> VoteResult:
    # One query finds and locks the claim with its tallies and its motion's state; every vote on
    # the claim takes this lock before touching its Vote rows, so what is read here and after
    # it stays true until commit. (The voter's current choice needs a query of its own: a
    # subquery here would read from before the wait for the lock.)
    if model is Motion:
        claim_field = "motion"
        locked = Motion.objects.only("slug", "state", "visibility", *_LOCKED_FIELDS)
    elif model is Argument:
        claim_field = "argument"
        locked = Argument.objects.select_related("motion").only(
            "parent",
            "visibility",
            "motion__slug",
            "motion__state",
            "motion__visibility",
            *_LOCKED_FIELDS,
        )
    else:
        raise TypeError(f"Cannot vote on {model.__name__}.")
    claim = locked.select_for_update(of=("self",)).get(**lookup)
    motion = claim if model is Motion else claim.motion
    if claim.author_id is not None and claim.author_id == voter.pk:
        raise DebateRuleError("You cannot vote on your own claim.", status=403)
    if motion.is_locked:
        raise DebateRuleError("This motion is locked, so voting on it is closed.", status=403)
    if motion.is_hidden:
        raise DebateRuleError(
            "A moderator has hidden this motion, so voting on it is closed.", status=409
        )
    if model is Argument and not claim.is_visible:
        raise DebateRuleError(
            f"This argument was {claim.get_visibility_display().lower()}; "
            "it can no longer be voted on.",
            status=409,
        )

    on_claim = {claim_field: claim, "motion" if model is Argument else "argument": None}
    votes = Vote.objects.filter(user=voter, **on_claim)
    held = votes.values_list("choice", flat=True).first()
    delta = {"agree_count": 0, "disagree_count": 0}
    if held is None:
        Vote.objects.create(user=voter, choice=choice, **on_claim)
        delta[_COUNTER[choice]] += 1
        now = choice
    elif held == choice:
        votes.delete()
        delta[_COUNTER[choice]] -= 1
        now = None
    else:
        votes.update(choice=choice, updated_at=timezone.now())
        delta[_COUNTER[choice]] += 1
        delta[_COUNTER[held]] -= 1
        now = choice

    model.objects.filter(pk=claim.pk).update(
        **{name: F(name) + step for name, step in delta.items() if step}
    )
    events.announce(motion.pk, events.VOTE_CHANGED, claim=claim_field, claim_id=claim.pk)
    claim.agree_count += delta["agree_count"]
    claim.disagree_count += delta["disagree_count"]
    return VoteResult(claim.agree_count, claim.disagree_count, now, claim)


# --- Moderation --------------------------------------------------------------------------------
# The acts live in debates.moderation (flag, hide/restore, lock, feature, suspend); re-exported.
from debates.moderation import *  # noqa: E402, F403
