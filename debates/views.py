import copy
from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from accounts.decorators import member_required
from config import ratelimit
from config.converters import is_id
from config.views import too_many_requests
from debates import fragments, pending_votes, personal_queries, policy, queries, voting
from debates.errors import DebateRuleError
from debates.models import Argument, Motion

HOME_PAGE_SIZE = 20


@require_safe
def home(request):
    motions = queries.motions_for_home(include_hidden=policy.moderates(request.user))
    page = Paginator(motions, HOME_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "debates/home.html", {"page": page, "motions": page.object_list})


def _shares_tree(order) -> bool:
    """Whether pages in `order` are built from a shared tree (debates.fragments). Scores from the
    analysis change without the motion's activity stamp: a tree ranked by them is never shared."""
    return not queries.scored_order(order)


def _orders_shown(request, motion, order):
    """(order, the orders offered): the analysis's own rule (analysis.views answers 404 to a
    viewer the motion's text is not shown to) keeps its scores from the viewer it would refuse.
    An order asked for that ranks by them is then the usual order: a group's view writes that
    group's tallies beside every argument, and "Bridging" ranks by the analysis."""
    if queries.scored_order(order) and not policy.analysis_shown_to(motion, request.user):
        # Said on a page of its own; an order chosen in place just shows the usual one.
        if not request.htmx:
            messages.info(request, "This motion's analysis is not shown: the usual order.")
        order = queries.DEFAULT_REPLY_ORDER
    # The order bar is part of the tree one rendering serves to a whole audience (fragments):
    # offered as the audience may follow them, so a hidden motion's author reads the bar every
    # member does (the orders themselves stay hers to ask for).
    if policy.analysis_shown_to(motion, policy.StandIn(policy.audience(request.user))):
        return order, queries.REPLY_ORDER_LABELS
    offered = queries.REPLY_ORDER_LABELS.items()
    return order, {key: label for key, label in offered if not queries.scored_order(key)}


@require_safe
def motion_detail(request, slug):
    motion = queries.motion_by_slug(slug)
    order = queries.reply_order(request.GET.get("sort"), group=request.GET.get("group"))
    order, orders = _orders_shown(request, motion, order)
    context = {"motion": motion, "order": order, "orders": orders}
    if _shares_tree(order):
        entry = _shared_motion_tree(motion, order, policy.audience(request.user), context)
        own = personal_queries.own_state(motion, request.user, entry["shown"])
        motion.my_vote, motion.my_flag = own.motion_vote, own.motion_flagged  # the tree clears them
        tree_html = fragments.personalise(request, entry, motion, own)
        context.update(
            tree_html=tree_html,
            debate_size=entry["shown_size"],
            debate_empty=not entry["size"],
            balance=entry["balance"],
        )
    else:
        tree = queries.motion_page_tree(motion, viewer=request.user, order=order)
        if order.startswith(queries.GROUP_ORDER) and not tree.scored:
            messages.info(request, "The analysis has no such opinion group: the usual order.")
            return HttpResponseRedirect(motion.get_absolute_url())
        context.update(
            tree=tree,
            debate_size=tree.shown_size,
            debate_empty=not tree.size,
            balance=tree.balance,
        )
    if request.htmx and request.GET.get("sort"):
        if "tree_html" in context:
            return HttpResponse(context["tree_html"])
        return render(request, "debates/motion_detail.html#tree", context)
    return render(request, "debates/motion_detail.html", context)


def _shared_motion_tree(motion, order, audience, context):
    def render_tree():
        tree = queries.motion_page_tree(motion, viewer=fragments.NOBODY, order=order)
        html = fragments.render_tree(
            "debates/motion_detail.html#tree", {**context, "tree": tree}, policy.StandIn(audience)
        )
        shown = queries.shown_ids(tree.shown_roots)
        return {
            "html": html,
            "shown": shown,
            "size": tree.size,
            "shown_size": tree.shown_size,
            "balance": tree.balance,
        }

    return fragments.shared(fragments.key("motion-tree", motion, audience, order), render_tree)


@require_safe
def argument_detail(request, slug, pk):
    motion = queries.motion_by_slug(slug)
    order = queries.reply_order(request.GET.get("sort"), group=request.GET.get("group"))
    order, orders = _orders_shown(request, motion, order)
    context = {"motion": motion, "order": order, "orders": orders}
    try:
        if _shares_tree(order):
            entry = _shared_subtree(motion, pk, order, policy.audience(request.user), context)
            subtree_html = fragments.personalise(request, entry, motion)
            argument, ancestors = entry["argument"], entry["ancestors"]
            context.update(subtree_html=subtree_html, has_replies=entry["has_replies"])
        else:
            argument, ancestors = queries.subtree(motion, pk, viewer=request.user, order=order)
            context["has_replies"] = bool(argument.children)
    except Argument.DoesNotExist:
        raise Http404("No such argument in this debate.") from None
    context.update(argument=argument, ancestors=ancestors)
    if request.htmx:
        if "subtree_html" in context:
            return HttpResponse(context["subtree_html"])
        return render(request, "debates/argument_detail.html#subtree", context)
    return render(request, "debates/argument_detail.html", context)


def _shared_subtree(motion, pk, order, audience, context):
    def render_subtree():
        argument, ancestors = queries.subtree(motion, pk, viewer=fragments.NOBODY, order=order)
        viewer = policy.StandIn(audience)
        html = fragments.render_tree(
            "debates/argument_detail.html#subtree", {**context, "argument": argument}, viewer
        )
        return {
            "html": html,
            "shown": queries.shown_ids([argument]),
            "has_replies": bool(argument.children),
            # What the page says around the tree: the claims alone, not the replies below.
            "argument": _alone(argument),
            "ancestors": [_alone(ancestor) for ancestor in ancestors],
        }

    return fragments.shared(fragments.key("subtree", motion, audience, pk, order), render_subtree)


def _alone(argument):
    alone = copy.copy(argument)
    for name in queries.Branch.DERIVED:
        alone.__dict__.pop(name, None)
    return alone


@require_safe
def more_replies(request, slug, pk=None):
    """The next batch of replies a page held back: in place over HTMX, a page of its own without."""
    motion = queries.motion_by_slug(slug)
    # Digits alone: int() also takes " 3", "1_0" and 4,000 digits, each a cache key of its own.
    raw_offset = request.GET.get("offset", "")
    offset = int(raw_offset) if is_id(raw_offset) else 0
    order, _ = _orders_shown(request, motion, queries.reply_order(request.GET.get("sort")))
    context = {"motion": motion, "offset": offset, "order": order}
    if _shares_tree(order):
        audience = policy.audience(request.user)
        entry = fragments.shared(
            fragments.key("more", motion, audience, pk, offset, order),
            lambda: _batch(motion, pk, offset, order, context, policy.StandIn(audience)),
            # Offsets are typed into addresses as easily as followed: keep only batches a
            # page links to, or a crawler of offsets would push every page out of the cache.
            keep=lambda entry: queries.is_linked_offset(offset) and bool(entry["shown"]),
        )
        batch_html = fragments.personalise(request, entry, motion)
    else:
        entry = _batch(motion, pk, offset, order, context, request.user)
        batch_html = fragments.for_request(request, entry["html"])
    context.update(batch_html=batch_html, more=entry["more"], parent=entry["parent"])
    if request.htmx:
        return HttpResponse(batch_html)
    return render(request, "debates/more_replies.html", context)


def _batch(motion, pk, offset, order, context, viewer):
    """One batch of replies as `viewer` (a person, or an audience's policy.StandIn) sees it."""
    tree = queries.debate_tree(motion) if pk is None else queries.argument_tree(motion, pk)
    parent = tree.by_id.get(pk) if pk is not None else None
    if pk is not None and parent is None:
        raise Http404("No such argument in this debate.")
    siblings = parent.children if parent else tree.roots
    batch = queries.shown_arguments(
        tree,
        siblings,
        viewer=fragments.NOBODY if isinstance(viewer, policy.StandIn) else viewer,
        order=order,
        limits=(queries.MORE_BATCH, *queries.PAGE_LIMITS[1:]),
        offset=offset,
        extra=[parent] if parent else (),
    )
    next_offset = offset + len(batch)
    more = max(len(siblings) - next_offset, 0)
    parent = tree.by_id[pk] if parent else None  # loaded in full with the batch
    context = {
        **context,
        "parent": parent,
        "batch": batch,
        "next_offset": next_offset,
        "more": more,
    }
    html = fragments.render_tree("debates/more_replies.html#batch", context, viewer)
    return {
        "html": html,
        "shown": queries.shown_ids(batch),
        "more": more,
        # The claim the page without JavaScript says these replies answer, without its replies.
        "parent": _alone(parent) if parent else None,
    }


OWN_COPY_LIMIT = 200


@require_safe
def own_copy(request, slug):
    """What a live page's viewer sees differently from the public copy an event brought: the
    regions of the arguments named in `ids` (comma-separated), and with `motion` the motion's
    text and tools. Nothing for anonymous readers, who see the public copy."""
    motion = queries.motion_by_slug(slug)
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    ids = [int(i) for i in request.GET.get("ids", "").split(",")[:OWN_COPY_LIMIT] if is_id(i)]
    arguments = personal_queries.arguments_as_seen_by(motion, request.user, ids)
    context = {
        "motion": motion,
        "regions": fragments.own_regions(request, motion, arguments) if arguments else "",
        "with_motion": "motion" in request.GET,
        "here": motion.get_absolute_url(),
    }
    if context["with_motion"]:
        motion.my_vote = queries.my_vote(request.user, motion)
    return render(request, "debates/own_copy.html", context)


# --- Votes -------------------------------------------------------------------------------------


class HttpResponseSeeOther(HttpResponseRedirect):
    """After a POST, "go and GET this", whatever the browser."""

    status_code = 303


def _vote(request, slug, argument_id=None):
    """Cast the vote; answer HTMX with the widget (4xx on refusal), a plain form with a 303."""
    kind = "motion" if argument_id is None else "argument"
    choice = request.POST.get("choice", "")
    try:
        with ratelimit.attempt(request, "vote"):
            # A plain form's page comes back saying what the press did: the vote held before
            # tells a first vote from a change (the HTMX widget shows its pressed button).
            held = (
                None if request.htmx else queries.my_vote(request.user, _claim(slug, argument_id))
            )
            result = voting.cast_vote_at(
                voter=request.user, slug=slug, argument_id=argument_id, choice=choice
            )
    except (Motion.DoesNotExist, Argument.DoesNotExist):
        raise Http404(f"No such {kind}.") from None
    except (DebateRuleError, ratelimit.RateLimited) as refusal:
        error, status = refusal.message, refusal.status
        limited = refusal if status == 429 else None
        claim = _claim(slug, argument_id)
        claim.my_vote = queries.my_vote(request.user, claim)
    else:
        error, status, limited = None, 200, None
        claim = result.claim
        claim.my_vote = result.choice
    motion = claim if kind == "motion" else claim.motion
    anchor = "vote-motion" if kind == "motion" else "argument"
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = f"{motion.get_absolute_url()}#{anchor}-{claim.pk}"
    if request.htmx:
        context = {
            "claim": claim,
            "kind": kind,
            "motion": motion,
            "vote_error": error,
            "vote_next": next_url,
        }
        if error is None and kind == "argument" and claim.parent_id is None:
            # A top-level tally moved the motion's balance: refresh it too, if it is on the page.
            context["vote_balance"] = queries.motion_balance(motion)
        return render(request, "debates/_vote.html", context, status=status)
    if limited:
        return too_many_requests(request, limited)
    if error and status == 400:
        # Only a tampered form gets here (the buttons send a valid choice): say so plainly.
        return HttpResponseBadRequest(error, content_type="text/plain; charset=utf-8")
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _vote_said(held, result.choice))
    return HttpResponseSeeOther(next_url)


def _vote_said(held, now):
    """What a press of a vote button did: the same choice again withdraws the vote held."""
    if now is None:
        return "Your vote is withdrawn."
    if held is None or held == now:
        return f"Your vote is counted: {now}."
    return f"Your vote is changed to {now}."


def _claim(slug, argument_id):
    if argument_id is None:
        return get_object_or_404(Motion, slug=slug)
    return get_object_or_404(
        Argument.objects.select_related("motion"), pk=argument_id, motion__slug=slug
    )


def _kept_for_sign_in(view):
    """An anonymous press is kept, to be cast as she signs in (debates.pending_votes), before
    member_required sends her there."""

    @wraps(view)
    def wrapper(request, slug, **kwargs):
        if not request.user.is_authenticated:
            pending_votes.remember(
                session=request.session,
                viewer=request.user,
                slug=slug,
                argument_id=kwargs.get("pk"),
                choice=request.POST.get("choice", ""),
            )
        return view(request, slug, **kwargs)

    return wrapper


@require_POST
@_kept_for_sign_in
@member_required
def vote_motion(request, slug):
    return _vote(request, slug)


@require_POST
@_kept_for_sign_in
@member_required
def vote_argument(request, slug, pk):
    return _vote(request, slug, pk)
