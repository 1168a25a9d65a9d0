"""Atom feeds (issue 21): new motions, new arguments in a motion, a member's arguments.

Feeds are read by feed readers, signed in or not, and cached on the way: each shows the debate
as the public reads it (debates.policy.texts_shown_to for nobody in particular), so a hidden or
retracted claim, or anything in a hidden motion, is never in one.
"""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from accounts.models import User
from debates import policy
from debates.models import Argument, Motion

ITEMS = 50
TITLE_WORDS = 20


def _public(model):
    return model.objects.filter(policy.texts_shown_to(None, model))


def _public_arguments():
    return (
        _public(Argument)
        .filter(motion__in=_public(Motion))
        .select_related("motion", "author")
        .order_by("-created_at", "-id")
    )


class NewMotions(Feed):
    feed_type = Atom1Feed
    title = "Crux: new motions"
    subtitle = "Motions newly up for debate on Crux."

    def link(self):
        return reverse("home")

    def items(self):
        return _public(Motion).select_related("author").order_by("-created_at", "-id")[:ITEMS]

    def item_title(self, motion):
        return motion.title

    def item_description(self, motion):
        return format_html("<p>{}</p>{}", motion.claim, mark_safe(motion.context_html))

    def item_author_name(self, motion):
        # Who posted it, when a member did: an attribution is what it quotes, not its writer.
        return motion.author.display_name if motion.author else motion.held_by

    def item_pubdate(self, motion):
        return motion.created_at

    def item_updateddate(self, motion):
        return motion.updated_at


class _Arguments(Feed):
    feed_type = Atom1Feed

    def item_title(self, argument):
        claim = Truncator(argument.claim).words(TITLE_WORDS)
        return f"{argument.get_stance_display()}: {claim}"

    def item_description(self, argument):
        # details_html is the site's own sanitised rendering of the details.
        return format_html("<p>{}</p>{}", argument.claim, mark_safe(argument.details_html))

    def item_author_name(self, argument):
        return argument.author.display_name if argument.author else argument.held_by

    def item_categories(self, argument):
        return [argument.motion.title]

    def item_pubdate(self, argument):
        return argument.created_at

    def item_updateddate(self, argument):
        return argument.edited_at or argument.created_at


class MotionArguments(_Arguments):
    def get_object(self, request, slug):
        return get_object_or_404(_public(Motion), slug=slug)

    def title(self, motion):
        return f"Crux: new arguments on “{motion.title}”"

    def subtitle(self, motion):
        return motion.claim

    def link(self, motion):
        return motion.get_absolute_url()

    def items(self, motion):
        return _public_arguments().filter(motion=motion)[:ITEMS]


class MemberArguments(_Arguments):
    def get_object(self, request, pk):
        return get_object_or_404(User, pk=pk)

    def title(self, person):
        return f"Crux: arguments by {person.display_name}"

    def link(self, person):
        return person.get_absolute_url()

    def items(self, person):
        return _public_arguments().filter(author=person)[:ITEMS]
