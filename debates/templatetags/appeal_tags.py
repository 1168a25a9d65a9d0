"""Where a member's appeal stands, for the region of a page that offers it to her."""

from django import template

from debates import moderation_queries

register = template.Library()


@register.simple_tag
def current_appeal(claim):
    """moderation_queries.current_appeal: one query, so asked only where the page offers an
    appeal (policy.appeal_offered_to), which a hidden argument's author has in the query that
    loads it instead (moderation_queries.with_appeal_state)."""
    return moderation_queries.current_appeal(claim)
