"""Small text filters for templates."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


def reason_and_stop(reason) -> tuple[str, str]:
    """A moderator's reason on one line, and the full stop a notice ends it with: none after a
    reason that ends its own sentence ("… was hidden: Copied.")."""
    reason = " ".join(str(reason or "").split())
    return reason, "" if reason.endswith((".", "!", "?", "…")) else "."


@register.filter
def reason_clause(reason):
    """What ends a notice that may give a moderator's reason: ": <reason>." or ".". The reason
    is isolated (<bdi>): written in Arabic or Hebrew, it must not reorder the sentence around it."""
    reason, stop = reason_and_stop(reason)
    if not reason:
        return "."
    return mark_safe(f": <bdi>{conditional_escape(reason)}</bdi>{stop}")
