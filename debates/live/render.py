"""Live events as HTML: `<hx-partial>` fragments built from the pages' own template partials.

Rendered once per event, as an anonymous reader sees the debate at the time of rendering: what a
moderator hid never leaves the server, and no page's session is needed. A new argument also
brings the regions a member and its author see differently (nothing either may not show the
public); a page adds them, and asks for the rest of its own copy (crux.js, debates.fragments).
A page rendered for a member no longer signed in there (fanout.PUBLIC) gets it without them.
"""

from django.contrib.auth.models import AnonymousUser
from django.db import close_old_connections
from django.template.loader import render_to_string

from debates import events, fragments, policy, queries
from debates.live.fanout import HOME, HOME_FOR_MODERATORS, MEMBER, PUBLIC
from debates.live.member import render_member_event
from debates.models import Argument, Motion

TEMPLATE = "debates/live_events.html"


def render_event(live, audience: str) -> str:
    if audience in (HOME, HOME_FOR_MODERATORS):
        home = _render_home(live.motion_id, include_hidden=audience == HOME_FOR_MODERATORS)
        return home + _what_it_concerns(live)
    if audience == MEMBER:
        return render_member_event(live)
    if audience == PUBLIC and live.kind == events.ARGUMENT_POSTED:
        return _render_argument_posted(live, for_members=False)
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


def _argument(argument_id):
    return (
        Argument.objects.select_related("motion", "author", "source__added_by")
        .filter(pk=argument_id)
        .first()
    )


def _render_argument_posted(live, *, for_members=True) -> str:
    """The new argument; `for_members`, with what members and its author see differently."""
    argument = _argument(live.ids["argument_id"])
    if argument is None:
        return ""
    motion = argument.motion
    entry = fragments.new_argument_for_all(argument, motion)
    context = {
        "argument_html": fragments.for_stream(entry["html"], motion),
        "parent_id": argument.parent_id,
        **_balance(argument),
    }
    if not for_members:
        return render_to_string("debates/reply.html#posted", context) + render_to_string(
            f"{TEMPLATE}#balance", context
        )
    member = fragments.regions_markup(
        policy.StandIn(policy.MEMBER), motion, [([argument], ("tools",))]
    )
    context |= {
        "argument_id": argument.pk,
        "member_regions": fragments.for_stream(member, motion),
        # Only where the page names its author anyway (a profile link), and never for a claim
        # nobody may read: then members' pages ask for their own copy (data-ask-own, crux.js).
        "author_id": argument.author_id
        if argument.author_id and not argument.attribution and policy.is_shown(argument)
        else None,
        "author_regions": fragments.for_stream("".join(entry["author"].values()), motion),
    }
    return render_to_string(f"{TEMPLATE}#argument-posted", context)


def _render_argument_changed(live) -> str:
    argument = _argument(live.ids["argument_id"])
    if argument is None:
        return ""
    # The count of replies below is part of what is re-rendered: the light tree has it.
    branch = queries.argument_tree(argument.motion, argument.pk).by_id.get(argument.pk)
    argument.children, argument.my_vote = [], None
    argument.descendant_count = branch.descendant_count if branch else 0
    # With the placeholders a shared tree has, so its vote forms come back to the motion as a
    # reload's do.
    html = fragments.render_tree(
        f"{TEMPLATE}#argument-changed",
        {"node": argument, "motion": argument.motion, **_balance(argument)},
        AnonymousUser(),
    )
    return fragments.for_stream(html, argument.motion)


def _render_vote_changed(live) -> str:
    model = Motion if live.ids["claim"] == "motion" else Argument
    claim = model.objects.filter(pk=live.ids["claim_id"]).first()
    if claim is None:
        return ""
    context = _context(claim=claim, kind=live.ids["claim"])
    if live.ids["claim"] == "argument":
        context.update(_balance(claim))
    return render_to_string(f"{TEMPLATE}#vote-changed", context)


def _balance(argument) -> dict:
    """The motion's balance, for an event on a top-level argument (what it weighs in)."""
    if argument.parent_id is not None:
        return {}
    return {"balance": queries.motion_balance(argument.motion_id), "balance_of": argument.motion}


def _render_motion_changed(live) -> str:
    motion = Motion.objects.filter(pk=live.motion_id).first()
    if motion is None:
        return ""
    return render_to_string(f"{TEMPLATE}#motion-changed", _context(motion=motion))


def _render_home(motion_id, *, include_hidden: bool) -> str:
    """The motion's card as the home page's list shows it now; gone from it (hidden), the card
    goes, as a reload would leave it out."""
    motion = queries.motions_for_home(include_hidden=include_hidden).filter(pk=motion_id).first()
    return render_to_string(f"{TEMPLATE}#home", _context(motion=motion, motion_id=motion_id))


def _what_it_concerns(live) -> str:
    """What a home-stream event is about, for a page that hears every motion's events and wants
    few of them (a source's reader, reader.js): its motion, its kind, and the source its argument
    (or, for a motion's own event, the motion) cites. Nothing else reads it."""
    if live.kind == events.VOTE_CHANGED:
        cited = None
    elif "argument_id" in live.ids:
        cited = Argument.objects.filter(pk=live.ids["argument_id"])
    else:
        cited = Motion.objects.filter(pk=live.motion_id)
    source_id = cited.values_list("source_id", flat=True).first() if cited is not None else None
    context = {"motion_id": live.motion_id, "kind": live.kind, "source_id": source_id}
    return render_to_string(f"{TEMPLATE}#concerns", context)


_RENDERERS = {
    events.ARGUMENT_POSTED: _render_argument_posted,
    events.ARGUMENT_CHANGED: _render_argument_changed,
    events.VOTE_CHANGED: _render_vote_changed,
    events.MOTION_CHANGED: _render_motion_changed,
}
