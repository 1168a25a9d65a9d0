"""The API's writes: the pages' own service functions, rate limits and messages, answered as
JSON (refusals as problem details, api.problems)."""

from django.http import Http404, HttpResponse
from django.utils.http import parse_etags, parse_http_date_safe
from ninja import Header, Status

from api import lookups, present, reads
from api.auth import WRITERS
from api.problems import PreconditionFailed, Problem
from api.router import router
from api.schemas import (
    ArgumentOut,
    EditIn,
    FlagIn,
    FlagOut,
    Id,
    PostIn,
    Slug,
    VoteIn,
    VoteOut,
)
from config import ratelimit
from debates import moderation, services, voting
from debates.errors import DebateRuleError
from debates.models import Argument, Motion

ERRORS = {frozenset({400, 401, 403, 404, 409, 422, 429}): Problem}


def _parent_of(motion, pk):
    try:
        return lookups.argument(motion, pk)
    except Http404:
        raise DebateRuleError(
            f"There is no argument {pk} in this motion to reply to.", status=422, field="parent_id"
        ) from None


@router.post(
    "/motions/{slug}/arguments",
    tags=["write"],
    auth=WRITERS,
    response={200: ArgumentOut, 201: ArgumentOut, **ERRORS},
    summary="Post an argument",
)
def post_argument(request, slug: Slug, data: PostIn):
    """201 with the new argument; 200 with the earlier one when `submission_key` repeats."""
    motion = lookups.motion(slug)
    parent = _parent_of(motion, data.parent_id) if data.parent_id else None
    with ratelimit.attempt(request, "post"):
        argument, created = services.post_argument(
            author=request.user, motion=motion, parent=parent, **data.dict(exclude={"parent_id"})
        )
    return Status(
        201 if created else 200, present.argument(argument, request.user, slug=motion.slug)
    )


NOTHING_TO_CHANGE = "Nothing to change: send the claim, the details or both."
EDITED_MEANWHILE = (
    "This argument has changed since the version your If-Match (or If-Unmodified-Since) names "
    "(its ETag covers its GET's answer: its wording, and its votes and replies too): nothing was "
    "changed. Read it again for its current wording and ETag, then send your edit with that ETag."
)


def _unchanged_since_read(request, motion, if_match, if_unmodified_since):
    """The PATCH's precondition (If-Match, else If-Unmodified-Since: RFC 9110 13.2.2), for
    edit_argument to check on the argument under the edit's lock, so that an edit made between
    the caller's read and this one is seen. If-Match is held strictly to the ETag a GET of the
    argument gives (`*`: any); a date that is not an HTTP date is ignored, as RFC 9110 says."""
    etags = None if if_match is None else parse_etags(if_match)
    since = None if if_unmodified_since is None else parse_http_date_safe(if_unmodified_since)

    def check(argument):
        if etags is not None:
            held = etags == ["*"] or reads.argument_etag(request, motion, argument.pk) in etags
        else:
            held = since is None or int(argument.updated_at.timestamp()) <= since
        if not held:
            raise PreconditionFailed(EDITED_MEANWHILE)

    return check


@router.patch(
    "/motions/{slug}/arguments/{argument_id}",
    tags=["write"],
    auth=WRITERS,
    response={200: ArgumentOut, **ERRORS, frozenset({412}): Problem},
    summary="Reword one's own argument",
)
def edit_argument(
    request,
    response: HttpResponse,
    slug: Slug,
    argument_id: Id,
    data: EditIn,
    if_match: str | None = Header(
        None,
        alias="If-Match",
        description="The ETag of the argument as read (GET, in its default order): if it has "
        "changed since, the edit is a 412 and nothing changes. `*` matches it as it is.",
    ),
    if_unmodified_since: str | None = Header(
        None,
        alias="If-Unmodified-Since",
        description="An HTTP date: if the argument has changed after it, the edit is a 412. "
        "Ignored beside If-Match.",
    ),
):
    """Changes the fields sent, and only those: a field left out keeps what the argument has
    (`"details": ""` clears the details). A body with neither field is a 422. The answer
    carries the ETag a GET of the argument now gives, for the next edit's If-Match."""
    changes = data.dict(exclude_unset=True)
    if not changes:
        raise DebateRuleError(NOTHING_TO_CHANGE, status=422)
    motion = lookups.motion(slug)
    argument = lookups.argument(motion, argument_id)
    with ratelimit.attempt(request, "edit"):
        services.edit_argument(
            editor=request.user,
            argument=argument,
            precondition=_unchanged_since_read(request, motion, if_match, if_unmodified_since),
            **changes,
        )
    # The ETag before the body: a change between the two shows in the body and leaves the ETag
    # stale (a 412 next time), never the other way round.
    response["ETag"] = reads.argument_etag(request, motion, argument_id)
    return present.argument(lookups.argument(motion, argument_id), request.user, slug=motion.slug)


@router.post(
    "/motions/{slug}/arguments/{argument_id}/retract",
    tags=["write"],
    auth=WRITERS,
    response={200: ArgumentOut, **ERRORS},
    summary="Retract one's own argument",
)
def retract_argument(request, slug: Slug, argument_id: Id):
    motion = lookups.motion(slug)
    argument = services.retract_argument(
        author=request.user, argument=lookups.argument(motion, argument_id)
    )
    return present.argument(lookups.argument(motion, argument.pk), request.user, slug=motion.slug)


def _vote(request, slug, argument_id, choice):
    # Not the page's toggle: a client's retry of a POST must not take back the vote it cast.
    try:
        with ratelimit.attempt(request, "vote"):
            result = voting.cast_vote_at(
                voter=request.user,
                slug=slug,
                argument_id=argument_id,
                choice=choice,
                toggle=False,
            )
    except Motion.DoesNotExist:
        raise Http404(lookups.NO_MOTION) from None
    except Argument.DoesNotExist:
        # One query found both by the slug: whether the motion is the one missing is asked only
        # now, so a missing motion is "No such motion." here as at its other addresses.
        lookups.motion(slug)
        raise Http404(lookups.NO_ARGUMENT) from None
    return {
        "agree": result.agree_count,
        "disagree": result.disagree_count,
        "my_vote": result.choice,
    }


def _withdraw(request, slug, argument_id):
    return _vote(request, slug, argument_id, voting.WITHDRAW)


VOTE_DOC = (
    "Agree or disagree. The choice one holds already, sent again (a retry), changes nothing; "
    "DELETE withdraws the vote."
)


@router.post(
    "/motions/{slug}/vote",
    tags=["write"],
    auth=WRITERS,
    response={200: VoteOut, **ERRORS},
    summary="Vote on a motion",
    description=VOTE_DOC,
)
def vote_motion(request, slug: Slug, data: VoteIn):
    return _vote(request, slug, None, data.choice)


@router.delete(
    "/motions/{slug}/vote",
    tags=["write"],
    auth=WRITERS,
    response={200: VoteOut, **ERRORS},
    summary="Withdraw one's vote",
)
def withdraw_motion_vote(request, slug: Slug):
    return _withdraw(request, slug, None)


@router.post(
    "/motions/{slug}/arguments/{argument_id}/vote",
    tags=["write"],
    auth=WRITERS,
    response={200: VoteOut, **ERRORS},
    summary="Vote on an argument",
    description=VOTE_DOC,
)
def vote_argument(request, slug: Slug, argument_id: Id, data: VoteIn):
    return _vote(request, slug, argument_id, data.choice)


@router.delete(
    "/motions/{slug}/arguments/{argument_id}/vote",
    tags=["write"],
    auth=WRITERS,
    response={200: VoteOut, **ERRORS},
    summary="Withdraw one's vote on an argument",
)
def withdraw_argument_vote(request, slug: Slug, argument_id: Id):
    return _withdraw(request, slug, argument_id)


def _flag(request, claim, data):
    with ratelimit.attempt(request, "flag"):
        flag, created = moderation.flag_claim(
            flagger=request.user, claim=claim, reason=data.reason, note=data.note
        )
    body = {"reason": flag.reason, "note": flag.note, "status": flag.status, "created": created}
    return Status(201 if created else 200, body)


@router.post(
    "/motions/{slug}/flag",
    tags=["write"],
    auth=WRITERS,
    response={200: FlagOut, 201: FlagOut, **ERRORS},
    summary="Flag a motion for moderators",
)
def flag_motion(request, slug: Slug, data: FlagIn):
    return _flag(request, lookups.motion(slug), data)


@router.post(
    "/motions/{slug}/arguments/{argument_id}/flag",
    tags=["write"],
    auth=WRITERS,
    response={200: FlagOut, 201: FlagOut, **ERRORS},
    summary="Flag an argument for moderators",
)
def flag_argument(request, slug: Slug, argument_id: Id, data: FlagIn):
    motion = lookups.motion(slug)
    return _flag(request, lookups.argument(motion, argument_id), data)
