from django import template

from notifications import queries

register = template.Library()


@register.filter
def waiting_for(notification, user) -> bool:
    """Whether the inbox marks `notification` new: unread, and news to `user` still, as the bell
    counts it (a notice of a reply hidden since is news to moderators only)."""
    return notification.read_at is None and queries.still_told(notification, user)
