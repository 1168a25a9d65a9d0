"""The nav's search box offers no more than the search form takes."""

from django import template

from search import forms

register = template.Library()


@register.simple_tag
def query_max_length() -> int:
    return forms.QUERY_MAX_LENGTH
