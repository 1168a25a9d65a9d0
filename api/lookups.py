"""What an API address names, found or refused: a missing one is a 404 problem in the site's
words ("No such motion."), never Django's ("No Motion matches the given query."), which names a
model class a script never sees."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404

from accounts.models import User
from debates import queries, source_queries
from debates.models import Argument, Source

NO_MOTION = "No such motion."
NO_ARGUMENT = "No such argument in this debate."
NO_SOURCE = "No such source."
NO_MEMBER = "No such member."


def _found(missing: str, find, *args, **kwargs):
    try:
        return find(*args, **kwargs)
    except (Http404, ObjectDoesNotExist):
        raise Http404(missing) from None


def motion(slug):
    return _found(NO_MOTION, queries.motion_by_slug, slug)


def motion_with_tallies(slug):
    return _found(NO_MOTION, queries.motion_with_tallies, slug)


def argument(motion, pk):
    """The argument `pk` of `motion`, with what an answer shows of it."""
    found = Argument.objects.select_related("motion", "author", "source")
    return _found(NO_ARGUMENT, found.get, pk=pk, motion=motion)


def member(pk):
    return _found(NO_MEMBER, User.objects.get, pk=pk)


def source(pk):
    return _found(NO_SOURCE, Source.objects.get, pk=pk)


def source_for_reader(pk):
    return _found(NO_SOURCE, source_queries.source_for_reader, pk)
