"""Live events as HTML: `<hx-partial>` fragments built from the pages' own template partials.

Rendered as an anonymous reader sees the debate at the time of rendering: what a moderator hid
never leaves the server, and no page's session is needed.
"""

from django.contrib.auth.models import AnonymousUser
from django.db import close_old_connections
from django.template.loader import render_to_string

from debates import events, queries
from debates.models import Argument, Motion

TEMPLATE = "debates/live_events.html"


def render_event(live, audience: str) -> str:
    if audience == "home":
        return _render_home(live.motion_id)
    return _RENDERERS[live.kind](live)


def render_event_apart(live, audience: str) -> str:
    """render_event on a worker thread, releasing its database connection after."""
    try:
        return render_event(live, audience)
    finally:
        close_old_connections()


def render_stale_notice() -> str:
    return render_to_string(f"{TEMPLATE}#stale")


def _context(**values):
    return {"user": AnonymousUser(), **values}


def _argument_node(argument_id):
    argument = (
        Argument.objects.select_related("motion", "author", "source").filter(pk=argument_id).first()
    )
    if argument is not None:
        argument.children, argument.descendant_count, argument.my_vote = [], 0, None
        queries.fold_below([argument], queries.SUBTREE_LIMITS)
    return argument


def _render_argument_posted(live) -> str:
    node = _argument_node(live.ids["argument_id"])
    if node is None:
        return ""
    node.is_new = True
    return render_to_string(f"{TEMPLATE}#argument-posted", _context(node=node, motion=node.motion))


def _render_argument_changed(live) -> str:
    node = _argument_node(live.ids["argument_id"])
    if node is None:
        return ""
    return render_to_string(f"{TEMPLATE}#argument-changed", _context(node=node, motion=node.motion))


def _render_vote_changed(live) -> str:
    model = Motion if live.ids["claim"] == "motion" else Argument
    claim = model.objects.filter(pk=live.ids["claim_id"]).first()
    if claim is None:
        return ""
    context = _context(claim=claim, kind=live.ids["claim"])
    if live.ids["claim"] == "argument" and claim.parent_id is None:
        context["balance"] = queries.motion_balance(claim.motion_id)
    return render_to_string(f"{TEMPLATE}#vote-changed", context)


def _render_motion_changed(live) -> str:
    motion = Motion.objects.filter(pk=live.motion_id).first()
    if motion is None:
        return ""
    return render_to_string(f"{TEMPLATE}#motion-changed", _context(motion=motion))


def _render_home(motion_id) -> str:
    motion = queries.motions_for_home().filter(pk=motion_id).first()
    if motion is None:
        return ""
    return render_to_string(f"{TEMPLATE}#home", _context(motion=motion))


_RENDERERS = {
    events.ARGUMENT_POSTED: _render_argument_posted,
    events.ARGUMENT_CHANGED: _render_argument_changed,
    events.VOTE_CHANGED: _render_vote_changed,
    events.MOTION_CHANGED: _render_motion_changed,
}
