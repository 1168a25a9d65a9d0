"""What an API address names, found or refused: a missing one is a 404 problem in the site's
words ("No such motion."), never Django's ("No Motion matches the given query."), which names a
model class a script never sees."""

from django.http import Http404

from accounts.models import User
from debates import queries, source_queries
from debates.models import Argument, Source

NO_MOTION = "No such motion."
NO_ARGUMENT = "No such argument in this debate."
NO_SOURCE = "No such source."
NO_MEMBER = "No such member."


def motion(slug):
    try:
        return queries.motion_by_slug(slug)
    except Http404:
        raise Http404(NO_MOTION) from None


def motion_with_tallies(slug):
    try:
        return queries.motion_with_tallies(slug)
    except Http404:
        raise Http404(NO_MOTION) from None


def argument(motion, pk):
    """The argument `pk` of `motion`, with what an answer shows of it."""
    found = Argument.objects.select_related("motion", "author", "source")
    try:
        return found.get(pk=pk, motion=motion)
    except Argument.DoesNotExist:
        raise Http404(NO_ARGUMENT) from None


def member(pk):
    try:
        return User.objects.get(pk=pk)
    except User.DoesNotExist:
        raise Http404(NO_MEMBER) from None


def source(pk):
    try:
        return Source.objects.get(pk=pk)
    except Source.DoesNotExist:
        raise Http404(NO_SOURCE) from None


def source_for_reader(pk):
    try:
        return source_queries.source_for_reader(pk)
    except Http404:
        raise Http404(NO_SOURCE) from None
