"""Filters for the notification emails, whose plain-text part is rendered with autoescaping off."""

from django import template

from debates.templatetags import text_tags
from debates.text import reason_and_stop

register = template.Library()


@register.filter(needs_autoescape=True)
def reason_clause(reason, autoescape=True):
    """The inbox's reason_clause (debates text_tags); in a plain-text part, the words as the
    moderator wrote them, with no markup: a mail reader shows that as it stands."""
    if autoescape:
        return text_tags.reason_clause(reason)
    reason, stop = reason_and_stop(reason)
    return f": {reason}{stop}" if reason else "."
