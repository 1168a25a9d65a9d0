"""The API's reads: anonymous, each a fixed number of queries, as the public pages show them."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import conditional_page
from ninja.decorators import decorate_view

from accounts.models import User
from accounts.services import profile_stats
from api import present
from api.auth import reader
from api.problems import Problem
from api.router import router
from api.schemas import (
    ArgumentList,
    ArgumentWithContext,
    Id,
    Limit,
    MotionOut,
    MotionPage,
    Offset,
    ProfileOut,
    Slug,
    SourceOut,
    TreePage,
)
from debates import policy, queries
from debates.models import Argument, Motion, Source

ERRORS = {frozenset({401, 403, 404, 422}): Problem}
# ETag from the answer's body, and 304 to an If-None-Match that still matches (Django's own).
etagged = decorate_view(conditional_page)


def _next(offset, shown, total):
    return offset + shown if offset + shown < total else None


@router.get(
    "/motions", tags=["read"], response={200: MotionPage, **ERRORS}, summary="Motions, newest first"
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
    moderators, as on the home page."""
    viewer = reader(request)
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
    found = queries.motion_by_slug(slug)
    found.my_vote = queries.my_vote(viewer, found)
    return present.motion(found, viewer)


@router.get(
    "/motions/{slug}/arguments",
    tags=["read"],
    response={200: TreePage, **ERRORS},
    summary="A motion's argument tree, one level at a time",
)
@etagged
def tree(
    request,
    slug: Slug,
    parent: Id | None = None,
    order: str = queries.DEFAULT_REPLY_ORDER,
    offset: Offset = 0,
):
    """The arguments at one level (the motion's own with no `parent`, else that argument's
    replies), ten at a time from `offset`, each with the replies the motion's page shows below
    it (strongest first, three, then two, then one, then folded). Follow `next_offset` for the
    rest of the level, and an argument's `more_replies` or `folded` by asking with `parent`."""
    viewer = reader(request)
    found = queries.motion_by_slug(slug)
    if parent is None:
        debate = queries.debate_tree(found)
    else:
        debate = queries.argument_tree(found, parent)
        if parent not in debate.by_id:
            raise Http404("No such argument in this debate.")
    siblings = debate.by_id[parent].children if parent else debate.roots
    order = queries.reply_order(order)
    batch = queries.shown_arguments(
        debate,
        siblings,
        viewer=viewer,
        order=order,
        limits=(queries.MORE_BATCH, *queries.PAGE_LIMITS[1:]),
        offset=offset,
    )
    return {
        "motion": found.slug,
        "parent_id": parent,
        "order": order,
        "offset": offset,
        "count": len(siblings),
        "next_offset": _next(offset, len(batch), len(siblings)),
        "items": [present.node(item, viewer, slug=found.slug) for item in batch],
    }


@router.get(
    "/motions/{slug}/arguments/{argument_id}",
    tags=["read"],
    response={200: ArgumentWithContext, **ERRORS},
    summary="An argument with its ancestors and replies",
)
@etagged
def argument(request, slug: Slug, argument_id: Id, order: str = queries.DEFAULT_REPLY_ORDER):
    viewer = reader(request)
    found = queries.motion_by_slug(slug)
    try:
        node, ancestors = queries.subtree(
            found, argument_id, viewer=viewer, order=queries.reply_order(order)
        )
    except Argument.DoesNotExist:
        raise Http404("No such argument in this debate.") from None
    return {
        "argument": present.node(node, viewer, slug=found.slug),
        "ancestors": [present.argument(item, viewer, slug=found.slug) for item in ancestors],
    }


@router.get(
    "/people/{person_id}", tags=["read"], response={200: ProfileOut, **ERRORS}, summary="A member"
)
@etagged
def person(request, person_id: Id):
    reader(request)
    found = get_object_or_404(User, pk=person_id)
    stats = profile_stats(found)
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
    response={200: ArgumentList, **ERRORS},
    summary="A member's arguments, newest first",
)
@etagged
def person_arguments(
    request,
    person_id: Id,
    limit: Limit = 20,
    offset: Offset = 0,
):
    """As their profile lists them: a withdrawn argument's wording only to its author."""
    viewer = reader(request)
    found = get_object_or_404(User, pk=person_id)
    written = (
        Argument.objects.filter(author=found)
        .select_related("motion", "author", "source")
        .order_by("-created_at", "-id")
    )
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
    reader(request)
    return present.source(get_object_or_404(Source, pk=source_id))
