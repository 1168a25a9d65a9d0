"""Small text filters for templates."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from debates.text import reason_and_stop

register = template.Library()


@register.filter
def reason_clause(reason):
    """What ends a notice that may give a moderator's reason: ": <reason>." or ".". The reason
    is isolated (<bdi>): written in Arabic or Hebrew, it must not reorder the sentence around it."""
    reason, stop = reason_and_stop(reason)
    if not reason:
        return "."
    return mark_safe(f": <bdi>{conditional_escape(reason)}</bdi>{stop}")
