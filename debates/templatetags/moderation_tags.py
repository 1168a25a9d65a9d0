"""Who sees what of a moderated claim: the templates ask here rather than repeat the rule."""

from django import template

from debates.models import Argument, Motion

register = template.Library()


def is_moderator(user):
    """True for a signed-in moderator; never a query for anonymous viewers."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_moderator", False))


def sees_hidden(claim, user):
    """A hidden claim's text is for its author and moderators only."""
    if not getattr(user, "is_authenticated", False):
        return False
    if claim.author_id is not None and claim.author_id == user.pk:
        return True
    return is_moderator(user)


@register.filter
def text_shown_to(claim, user):
    """Whether `user` may read the claim's text: always when visible; when a moderator hid it,
    only its author and moderators; an argument its author retracted, nobody (as before)."""
    if isinstance(claim, Argument):
        if claim.is_visible:
            return True
        return claim.is_hidden and sees_hidden(claim, user)
    if isinstance(claim, Motion):
        return not claim.is_hidden or sees_hidden(claim, user)
    return False


@register.filter
def moderates(user):
    return is_moderator(user)
