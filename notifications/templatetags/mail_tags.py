"""Filters for the notification emails, whose plain-text part is rendered with autoescaping off."""

import html

from django import template

from debates.templatetags import text_tags

register = template.Library()


@register.filter(needs_autoescape=True)
def reason_clause(reason, autoescape=True):
    """The inbox's reason_clause (debates text_tags), unescaped in a plain-text part: a mail
    reader shows that as it stands, and would read "&amp;" where the moderator wrote "&"."""
    clause = text_tags.reason_clause(reason)
    return clause if autoescape else html.unescape(clause)
