"""Small text filters for templates."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def reason_clause(reason):
    """What ends a notice that may give a moderator's reason: ": <reason>." or ".", with no
    second full stop after a reason that ends its own sentence ("… was hidden: Copied.")."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        return "."
    stop = "" if reason.endswith((".", "!", "?", "…")) else "."
    return mark_safe(f": {conditional_escape(reason)}{stop}")
