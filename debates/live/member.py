"""A member's own live events as HTML, rendered for that member alone (their channel's one
audience): their notification bell (a moderator's with the review queue's count), their own
vote on a claim, where their appeal on their hidden motion stands, as a reload would show them,
and word that their own copy of an argument changed (their pages then ask for it, as for any
other).

Each is rendered from the page's own template partial and from the database as it is now, not
from what the event says: the bell from the notifications app's partial and count, a vote from
debates/_vote.html with the vote she holds, so what arrives live is what the next page shows,
whatever order her events arrive in.
"""

from django.template.loader import render_to_string

from accounts.models import User
from debates import events, fragments, moderation_queries, policy, queries
from debates.models import Argument, Motion
from notifications import queries as notification_queries

BELL_TEMPLATE = "notifications/_bell.html"
QUEUE_TEMPLATE = "debates/moderation/queue.html"
SUSPENSION_TEMPLATE = "base.html"
TEMPLATE = "debates/live_events.html"


def render_member_event(live) -> str:
    if live.kind == events.MEMBER_VOTED:
        return _render_own_vote(live.ids["member_id"], live.ids["claim"], live.ids["claim_id"])
    if live.kind == events.MEMBER_OWN_ARGUMENT:
        return _render_own_argument(live.ids["member_id"], live.ids["argument_id"])
    if live.kind == events.MEMBER_OWN_MOTION:
        return _render_own_motion(live.ids["member_id"], live.ids["motion_id"])
    member = User.objects.filter(pk=live.ids["member_id"]).first()
    if member is None:
        return render_to_string(f"{BELL_TEMPLATE}#live-bell", {"unread_notifications": 0})
    bell = render_to_string(
        f"{BELL_TEMPLATE}#live-bell",
        {"unread_notifications": notification_queries.unread_count(member)},
    )
    # A moderator's act rings her bell: her suspension (or its lifting) among them, which her
    # pages' banner says as a reload would (crux.js then brings the page itself up to date).
    banner = render_to_string(f"{SUSPENSION_TEMPLATE}#suspension", {"user": member})
    suspension = f'<hx-partial hx-target="#suspension" hx-swap="innerHTML">{banner}</hx-partial>'
    return f"{bell}{suspension}{_queue_count(member)}"


def _queue_count(member: User) -> str:
    """A moderator's bell also rings when what waits for review changed (a flag or an appeal
    made or closed, by anyone): her nav's count, as a reload would show it. Nobody else's nav
    has it."""
    if not policy.moderates(member):
        return ""
    waiting = moderation_queries.waiting_for_review(member)
    return render_to_string(
        f"{QUEUE_TEMPLATE}#nav-count", {"user": member, "review_waiting": waiting}
    )


def _render_own_vote(member_id: int, kind: str, claim_id: int) -> str:
    """Her vote widget on the claim, as her pages show it: where a page shows none (a hidden
    motion, an argument no longer visible), nothing."""
    member = User.objects.filter(pk=member_id, is_active=True).first()
    if kind == "motion":
        claim = Motion.objects.filter(pk=claim_id).first()
    else:
        claim = Argument.objects.select_related("motion").filter(pk=claim_id).first()
    if member is None or claim is None or not policy.is_shown(claim):
        return ""
    motion = claim if kind == "motion" else claim.motion
    claim.my_vote = queries.my_vote(member, claim)
    context = {"claim": claim, "kind": kind, "motion": motion}
    html = fragments.render_tree(f"{TEMPLATE}#member-voted", context, member)
    return fragments.for_stream(html, motion)


def _render_own_argument(member_id: int, argument_id: int) -> str:
    """Word to her pages that her own copy of the argument changed (where her appeal on it
    stands): each that shows it asks for that copy (crux.js), which the own-copy view renders as
    a reload would, so nothing of it is rendered here. Where she or it is gone, nothing."""
    if not User.objects.filter(pk=member_id, is_active=True).exists():
        return ""
    if not Argument.objects.filter(pk=argument_id).exists():
        return ""
    return render_to_string(f"{TEMPLATE}#own-argument", {"argument_id": argument_id})


def _render_own_motion(member_id: int, motion_id: int) -> str:
    """Where her appeal on her hidden motion stands, as its page shows her (a region of its own,
    which no page of another motion has): unlike an argument's, nothing else of the motion is
    hers alone, so it is rendered here. Where she or it is gone, nothing."""
    member = User.objects.filter(pk=member_id, is_active=True).first()
    motion = Motion.objects.filter(pk=motion_id).first()
    if member is None or motion is None:
        return ""
    return render_to_string(f"{TEMPLATE}#own-motion", {"motion": motion, "user": member})
