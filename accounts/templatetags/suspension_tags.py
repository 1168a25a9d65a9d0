"""How long a suspension lasts, in the words a suspended member is told it (banner, notices,
refusals, the log): one wording, from accounts.suspension."""

from django import template

from accounts import suspension

register = template.Library()


@register.filter
def suspension_period(until):
    """ "indefinitely" or "until 3 March 2026, 14:00 UTC"."""
    return suspension.period_text(until)
