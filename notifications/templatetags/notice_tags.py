from django import template

from accounts.mentions import mentions_in
from notifications import queries

register = template.Library()


@register.filter
def waiting_for(notification, user) -> bool:
    """Whether the inbox marks `notification` new: unread, and news to `user` still, as the bell
    counts it (a notice of a reply hidden since is news to moderators only)."""
    return notification.read_at is None and queries.still_told(notification, user)


@register.filter
def still_mentions(argument, user) -> bool:
    """Whether `argument`'s details, as worded now, still mention `user`: a notice of a mention
    reworded away since says so, rather than quote words that no longer name her. No query."""
    return bool(mentions_in(argument.details, {user.display_name_key: user}))
