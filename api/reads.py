"""The API's reads: anonymous, each a fixed number of queries, as the public pages show them."""

from functools import wraps

from django.http import Http404, HttpResponse
from django.utils.cache import get_conditional_response, set_response_etag
from django.views.decorators.cache import cache_control
from django.views.decorators.vary import vary_on_headers
from ninja.decorators import decorate_view
from ninja.renderers import JSONRenderer

from accounts.queries import arguments_by, profile_stats
from analysis import queries as analysis_queries
from api import cursors, lookups, present
from api.auth import reader
from api.problems import Problem, problem
from api.router import router
from api.schemas import (
    AnalysisOut,
    ArgumentList,
    ArgumentWithContext,
    Cursor,
    Id,
    Limit,
    MotionOut,
    MotionPage,
    Offset,
    Order,
    ProfileOut,
    Slug,
    SourceOut,
    TreePage,
)
from debates import policy, queries
from debates.models import Argument, Motion

# Every read answers 304 to an If-None-Match its ETag meets, and 412 to an If-Match it does not.
ERRORS = {304: None, frozenset({401, 403, 404, 412, 422}): Problem}
PAGED_ERRORS = {304: None, frozenset({400, 401, 403, 404, 412, 422}): Problem}
# What one answer of the tree shows: a batch of one level as the page's "show more" gives it.
TREE_LIMITS = (queries.MORE_BATCH, *queries.PAGE_LIMITS[1:])
# The nearest ancestors of an argument: a chain thousands deep is walked up by parent_id.
ANCESTORS_SHOWN = 20
# The API's renderer (api.v1), which argument_etag renders a read's body with as the read does.
RENDERER = JSONRenderer()


CHANGED = (
    "This has changed since the version your If-Match names: read it again for its current "
    "state and ETag."
)


def _conditional(run):
    """An ETag from the answer's body, and 304 to an If-None-Match that still matches, as
    Django's conditional_page gives GET; for HEAD too, which it leaves alone (a HEAD answer's
    body is empty where it looks): a read answers HEAD in full, its body dropped after this
    (api.router). An If-Match it does not meet is a 412 problem, where Django's is empty."""

    @wraps(run)
    def answer(request, *args, **kwargs):
        response = run(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD"):
            return response
        if not response.has_header("ETag"):
            set_response_etag(response)
        # A read has no modification date, so its If-Unmodified-Since is ignored (RFC 9110
        # 13.1.4): Django's evaluation, given none, would refuse every read that sends one.
        request.META.pop("HTTP_IF_UNMODIFIED_SINCE", None)
        answered = get_conditional_response(request, etag=response.get("ETag"), response=response)
        if answered.status_code == 412:
            return problem("precondition-failed", 412, CHANGED)
        return answered

    return answer


# What a read shows depends on who asks (a token's member, the session's), so a cache may keep
# it for that caller only and must ask again each time: the ETag makes asking cheap.
etagged = decorate_view(
    _conditional,
    vary_on_headers("Authorization", "Cookie"),
    cache_control(private=True, no_cache=True),
)


def _refuse_cursor(request):
    """A listing paged by offset gives no cursor: one sent to it, ignored, would answer the first
    page as if it were the one asked for."""
    if "cursor" in request.GET:
        raise cursors.BadCursor(
            "This listing gives no cursor: it pages by `offset`; send its `next_offset` as "
            "`offset`, and no `cursor`."
        )


def _next(offset, shown, total):
    return offset + shown if offset + shown < total else None


@router.get(
    "/motions",
    tags=["read"],
    response={200: MotionPage, **PAGED_ERRORS},
    summary="Motions, newest first",
)
@etagged
def motions(
    request,
    featured: bool | None = None,
    open: bool | None = None,
    limit: Limit = 20,
    offset: Offset = 0,
):
    """Featured first, then newest; `featured` and `open` filter. Hidden motions only for
    moderators, as on the home page. Pages by `offset` (send back `next_offset`): this listing
    gives no cursor, and a `cursor` sent to it is a 400."""
    viewer = reader(request)
    _refuse_cursor(request)
    found = queries.motions_for_home(include_hidden=policy.moderates(viewer))
    if featured is not None:
        found = found.filter(featured=featured)
    if open is not None:
        found = found.filter(state=Motion.State.OPEN if open else Motion.State.LOCKED)
    total = found.count()
    page = list(found[offset : offset + limit])
    return {
        "items": [present.motion(item, viewer) for item in page],
        "count": total,
        "offset": offset,
        "next_offset": _next(offset, len(page), total),
    }


@router.get(
    "/motions/{slug}", tags=["read"], response={200: MotionOut, **ERRORS}, summary="One motion"
)
@etagged
def motion(request, slug: Slug):
    viewer = reader(request)
    found = lookups.motion_with_tallies(slug)
    found.my_vote = queries.my_vote(viewer, found)
    return present.motion(found, viewer)


@router.get(
    "/motions/{slug}/arguments",
    tags=["read"],
    response={200: TreePage, **PAGED_ERRORS},
    summary="A motion's argument tree, one level at a time",
)
@etagged
def tree(
    request,
    slug: Slug,
    parent: Id | None = None,
    order: Order | None = None,
    cursor: Cursor | None = None,
):
    """The arguments at one level (the motion's own with no `parent`, else that argument's
    replies), ten at a time, each with the replies the motion's page shows below it (in `order`,
    strongest first unless asked; three, then two, then one, then folded). For the rest of the
    level send back `next_cursor` as `cursor` (it keeps the level and order: a `parent` or
    `order` sent with it that differs is a 400); for an argument's `more_replies` or `folded`
    replies ask with `parent`. At most 160 arguments in one answer, however big the debate
    (tests pin it)."""
    viewer = reader(request)
    found = lookups.motion(slug)
    offset = 0
    if cursor is not None:
        parent, order, offset = cursors.read(cursor, motion=found.pk, parent=parent, order=order)
    order = _order_shown(order or queries.DEFAULT_REPLY_ORDER, found, viewer)
    if parent is None:
        debate = queries.debate_tree(found)
    else:
        debate = queries.argument_tree(found, parent)
        if parent not in debate.by_id:
            raise Http404(lookups.NO_ARGUMENT)
    siblings = debate.by_id[parent].children if parent else debate.roots
    batch = queries.shown_arguments(
        debate, siblings, viewer=viewer, order=order, limits=TREE_LIMITS, offset=offset
    )
    shown = offset + len(batch)
    return {
        "motion": found.slug,
        "parent_id": parent,
        "order": order,
        "count": len(siblings),
        "next_cursor": (
            cursors.make(motion=found.pk, parent=parent, order=order, offset=shown)
            if shown < len(siblings)
            else None
        ),
        "items": [present.node(item, viewer, slug=found.slug) for item in batch],
    }


@router.get(
    "/motions/{slug}/arguments/{argument_id}",
    tags=["read"],
    response={200: ArgumentWithContext, **ERRORS},
    summary="An argument with its ancestors and replies",
)
@etagged
def argument(request, slug: Slug, argument_id: Id, order: Order = queries.DEFAULT_REPLY_ORDER):
    return _argument_with_context(reader(request), lookups.motion(slug), argument_id, order)


def _order_shown(order: str, found: Motion, viewer) -> str:
    """`order`, or the usual one where it would rank by an analysis `viewer` may not read (as
    the pages do): the answer's `order` says which."""
    if queries.scored_order(order) and not policy.analysis_shown_to(found, viewer):
        return queries.DEFAULT_REPLY_ORDER
    return order


def _argument_with_context(viewer, found: Motion, argument_id: int, order: str) -> dict:
    order = _order_shown(order, found, viewer)
    try:
        node, ancestors = queries.subtree(found, argument_id, viewer=viewer, order=order)
    except Argument.DoesNotExist:
        raise Http404(lookups.NO_ARGUMENT) from None
    shown = ancestors[-ANCESTORS_SHOWN:]
    return {
        "argument": present.node(node, viewer, slug=found.slug),
        "ancestors": [present.argument(item, viewer, slug=found.slug) for item in shown],
        "more_ancestors": len(ancestors) - len(shown),
    }


def argument_etag(request, found: Motion, argument_id: int) -> str:
    """The ETag a GET of the argument (in the default order) answers the request's caller now:
    what a write's If-Match names. Its body is made, and its ETag taken, as the read's are."""
    body = _argument_with_context(request.user, found, argument_id, queries.DEFAULT_REPLY_ORDER)
    data = ArgumentWithContext.model_validate(body).model_dump()
    response = HttpResponse(RENDERER.render(request, data, response_status=200))
    set_response_etag(response)
    return response["ETag"]


@router.get(
    "/people/{person_id}", tags=["read"], response={200: ProfileOut, **ERRORS}, summary="A member"
)
@etagged
def person(request, person_id: Id):
    viewer = reader(request)
    found = lookups.member(person_id)
    stats = profile_stats(found, viewer=viewer)
    return {
        "id": found.pk,
        "display_name": found.display_name,
        "bio": found.bio,
        "joined": found.date_joined,
        "arguments": stats["arguments"],
        "agree_received": stats["agree"],
        "disagree_received": stats["disagree"],
        "url": found.get_absolute_url(),
    }


@router.get(
    "/people/{person_id}/arguments",
    tags=["read"],
    response={200: ArgumentList, **PAGED_ERRORS},
    summary="A member's arguments, newest first",
)
@etagged
def person_arguments(
    request,
    person_id: Id,
    limit: Limit = 20,
    offset: Offset = 0,
):
    """As their profile lists them: a withdrawn argument's wording only to its author. Pages by
    `offset` (send back `next_offset`): a `cursor` sent to it is a 400."""
    viewer = reader(request)
    _refuse_cursor(request)
    found = lookups.member(person_id)
    written = arguments_by(found, viewer=viewer)
    total = written.count()
    page = list(written[offset : offset + limit])
    items = [
        present.argument(
            item, viewer, slug=item.motion.slug, shown=policy.wording_shown_to(item, viewer)
        )
        for item in page
    ]
    return {
        "items": items,
        "count": total,
        "offset": offset,
        "next_offset": _next(offset, len(page), total),
    }


@router.get(
    "/sources/{source_id}", tags=["read"], response={200: SourceOut, **ERRORS}, summary="A source"
)
@etagged
def source(request, source_id: Id):
    return present.source(lookups.source(source_id), reader(request))


@router.get(
    "/motions/{slug}/analysis",
    tags=["read"],
    response={200: AnalysisOut, **ERRORS},
    summary="A motion's analysis: opinion groups, consensus, divisive and bridging claims, cruxes",
)
@etagged
def analysis(request, slug: Slug):
    """The motion's analysis page as data (the same as its analysis.json): `computed_at` is null
    until it is first analysed. Claims are {kind, id} refs, hidden and retracted ones left out;
    a group's members are named to moderators only."""
    viewer = reader(request)
    found = lookups.motion(slug)
    if not policy.analysis_shown_to(found, viewer):
        raise Http404(lookups.NO_MOTION)
    return analysis_queries.as_json(
        found,
        analysis_queries.stored(found),
        show_members=policy.group_members_shown_to(viewer),
    )
