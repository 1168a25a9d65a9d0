"""Motions, arguments and people as the API shows them: what the public pages show, asked of
debates.policy, never more (a withheld text is null).

A claim's votes, and when an argument was reworded, are null unless everyone reads it
(policy.is_shown, as the pages ask before they draw its vote buttons and "edited" link): the page
of a hidden or retracted claim shows them to nobody, its author and moderators included."""

from debates import policy
from debates.models import Argument, Motion


def person(user):
    if user is None:
        return None
    return {"id": user.pk, "display_name": user.display_name, "url": user.get_absolute_url()}


def source(src, viewer):
    if src is None:
        return None
    if not policy.source_shown_to(src, viewer):
        return {
            "id": src.pk,
            "title": "[hidden by a moderator]",
            "author": "",
            "publisher": "",
            "url": "",
            "published_on": None,
        }
    return {
        "id": src.pk,
        "title": src.title,
        "author": src.author,
        "publisher": src.publisher,
        "url": src.url,
        "published_on": src.published_on,
    }


def motion(item: Motion, viewer) -> dict:
    shown = policy.text_shown_to(item, viewer)
    counted = policy.is_shown(item)
    return {
        "slug": item.slug,
        "title": item.title if shown else item.public_title,
        "claim": item.claim if shown else None,
        "context": item.context if shown else None,
        "held_by": item.held_by if shown else None,
        "author": person(item.author) if shown else None,
        "source": source(item.source, viewer) if shown else None,
        "quote": item.quote if shown else None,
        "state": item.state,
        "visibility": item.visibility,
        "featured": item.featured,
        "agree": item.agree_count if counted else None,
        "disagree": item.disagree_count if counted else None,
        "my_vote": getattr(item, "my_vote", None) if counted else None,
        "pro_count": item.pro_count,
        "con_count": item.con_count,
        "argument_count": item.argument_count,
        "created_at": item.created_at,
        "url": item.get_absolute_url(),
    }


def argument(item: Argument, viewer, *, slug, shown=None) -> dict:
    """One argument; `shown` overrides where its text may be read (a profile asks
    policy.wording_shown_to rather than text_shown_to)."""
    shown = policy.text_shown_to(item, viewer) if shown is None else shown
    counted = policy.is_shown(item)
    return {
        "id": item.pk,
        "motion": slug,
        "parent_id": item.parent_id,
        "stance": item.stance,
        "visibility": item.visibility,
        "claim": item.claim if shown else None,
        "details": item.details if shown else None,
        "held_by": item.held_by if shown else None,
        "author": person(item.author) if shown else None,
        "source": source(item.source, viewer) if shown else None,
        "quote": item.quote if shown else None,
        "agree": item.agree_count if counted else None,
        "disagree": item.disagree_count if counted else None,
        "my_vote": getattr(item, "my_vote", None) if counted else None,
        "created_at": item.created_at,
        "edited_at": item.edited_at if counted else None,
        "votes_before_edit": item.votes_before_edit if counted else None,
        "url": item.get_absolute_url(),
    }


def node(item: Argument, viewer, *, slug) -> dict:
    """An argument with the replies the page folding shows under it, all the way down."""
    top = _node_fields(item, viewer, slug)
    stack = [(item, top)]
    while stack:
        parent, out = stack.pop()
        for child in getattr(parent, "shown_children", ()):
            child_out = _node_fields(child, viewer, slug)
            out["replies"].append(child_out)
            stack.append((child, child_out))
    return top


def _node_fields(item, viewer, slug):
    return {
        **argument(item, viewer, slug=slug),
        "reply_count": getattr(item, "descendant_count", 0),
        "replies": [],
        "more_replies": getattr(item, "more_children", 0),
        "folded": not getattr(item, "unfolded", True) and bool(getattr(item, "children", ())),
    }
