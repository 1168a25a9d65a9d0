import html

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
    reworded away since says so, rather than quote words that no longer name her. No query.

    Decided by whom the mention named when the details were worded, not by her name now, so
    that renaming herself never makes a notice say the details changed: the rendered details
    link each member mentioned to her profile (debates.rendering.render_details), by id, and an
    edit renders them again. A mention the rendering leaves unlinked (in code, in a link) still
    told her (notifications.services): for that one her name is read in the details as written.
    """
    link = f'<a class="mention" href="{html.escape(user.get_absolute_url())}">'
    if link in argument.details_html:
        return True
    return bool(mentions_in(argument.details, {user.display_name_key: user}))
