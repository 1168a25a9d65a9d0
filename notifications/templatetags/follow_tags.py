"""Whether the viewer follows a claim, for the debate's pages: the debate never imports
notifications, so its templates ask through this tag."""

from django import template

from notifications import queries

register = template.Library()


@register.simple_tag
def follows(user, claim) -> bool:
    """queries.is_following; no query for an anonymous reader, one for a member."""
    return queries.is_following(user, claim)
