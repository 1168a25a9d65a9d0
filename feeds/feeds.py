"""Atom feeds (issue 21): new motions, new arguments in a motion, a member's motions and
arguments.

Feeds are read by feed readers, signed in or not, and cached on the way: each shows the debate
as the public reads it (debates.policy.texts_shown_to for nobody in particular), so a hidden or
retracted claim, or anything in a hidden motion, is never in one.

An entry's author is the member who posted it. A claim the seed attributes to someone was posted
by no member: its entry has no author of its own (the feed's, Crux, stands for it, as Atom
requires one), its summary says whom it is attributed to and what source, as the debate's pages
do, and it is dated by that source, never by the day it was seeded. An entry's id is its address
(Django's default guid), so a date never changes which entry it is.
"""

import datetime
import re
from urllib.parse import urlsplit

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import dateformat
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from accounts.models import User
from debates import policy
from debates.models import Argument, Motion

ITEMS = 50
TITLE_WORDS = 20
# Posted by the site itself, not by a member: the seeded debate.
SITE_AUTHOR = "Crux"


def _public(model):
    return model.objects.filter(policy.texts_shown_to(None, model))


def _public_arguments():
    return (
        _public(Argument)
        .filter(motion__in=_public(Motion))
        .select_related("motion", "author", "source")
        .order_by("-created_at", "-id")
    )


def _shown_source(claim):
    """The source the claim cites, unless a moderator hid it (then it is named nowhere)."""
    source = claim.source
    return source if source is not None and policy.source_shown_to(source, None) else None


def _source_line(source) -> str:
    """The source in full, in a paragraph of its own: said after the attribution, its author
    could read as a second holder of the claim ("Dmitri Trenin, Simon Saradzhyan 2021")."""
    said = [source.author, source.publisher]
    if source.published_on:
        said.append(dateformat.format(source.published_on, "j F Y"))
    rest = "".join(format_html(", {}", part) for part in said if part)
    return format_html("<p>Source: <cite>{}</cite>{}</p>", source.title, mark_safe(rest))


def _held_by(claim):
    """Whom the claim is held by when not by the member who posted it, worded as the home page
    words it: "Attributed to" someone when no member posted it, "Held by" someone a member
    posted it for (the entry's author says who did); then the source it cites."""
    if not claim.attribution:
        return ""
    if claim.author_id and not claim.posted_for_another:
        return ""
    said = "Held by" if claim.author_id else "Attributed to"
    source = _shown_source(claim)
    return format_html(
        "<p>{} {}</p>{}", said, claim.attribution, _source_line(source) if source else ""
    )


def _dated(claim, posted):
    """When the entry says it was published: a claim no member posted, by its source's date."""
    source = None if claim.author_id else _shown_source(claim)
    if source is None or source.published_on is None:
        return posted
    return datetime.datetime.combine(source.published_on, datetime.time(), tzinfo=datetime.UTC)


def _posted_by(claim):
    """The member who posted it; None for a claim no member posted (the feed's author)."""
    return claim.author.display_name if claim.author_id else None


# A link of the site's own rendering (a mention, a profile, a passage): an address on this site.
_SITE_LINK = re.compile(r'(\s(?:href|src)=")/(?!/)')


class _AtomOfAbsoluteLinks(Atom1Feed):
    """Atom whose entries link by full address: a feed reader shows an entry apart from the
    site, and not every reader resolves "/people/41/" against the feed's own address."""

    def add_item_elements(self, handler, item):
        parts = urlsplit(self.feed["link"])
        site = f"{parts.scheme}://{parts.netloc}/"
        summary = _SITE_LINK.sub(lambda found: found[1] + site, item["description"] or "")
        super().add_item_elements(handler, item | {"description": summary})


class _Feed(Feed):
    feed_type = _AtomOfAbsoluteLinks
    author_name = SITE_AUTHOR


class NewMotions(_Feed):
    title = "Crux: new motions"
    subtitle = "Motions newly up for debate on Crux."

    def link(self):
        return reverse("home")

    def items(self):
        return (
            _public(Motion)
            .select_related("author", "source")
            .order_by("-created_at", "-id")[:ITEMS]
        )

    def item_title(self, motion):
        return motion.title

    def item_description(self, motion):
        return _motion_description(motion)

    def item_author_name(self, motion):
        return _posted_by(motion)

    def item_pubdate(self, motion):
        return _dated(motion, motion.created_at)

    def item_updateddate(self, motion):
        return _dated(motion, motion.updated_at)


def _motion_description(motion):
    return format_html(
        "<p>{}</p>{}{}", motion.claim, _held_by(motion), mark_safe(motion.context_html)
    )


class _Arguments(_Feed):
    def item_title(self, argument):
        claim = Truncator(argument.claim).words(TITLE_WORDS)
        return f"{argument.get_stance_display()}: {claim}"

    def item_description(self, argument):
        # details_html is the site's own sanitised rendering of the details.
        return format_html(
            "<p>{}</p>{}{}", argument.claim, _held_by(argument), mark_safe(argument.details_html)
        )

    def item_author_name(self, argument):
        return _posted_by(argument)

    def item_categories(self, argument):
        return [argument.motion.title]

    def item_pubdate(self, argument):
        return _dated(argument, argument.created_at)

    def item_updateddate(self, argument):
        return _dated(argument, argument.edited_at or argument.created_at)


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


class MemberPosts(_Arguments):
    """What a member posted, motions and arguments together, newest first; a motion's entry is
    as the new motions feed has it, its title marked as a motion's."""

    def get_object(self, request, pk):
        return get_object_or_404(User, pk=pk)

    def title(self, person):
        return f"Crux: motions and arguments by {person.display_name}"

    def link(self, person):
        return person.get_absolute_url()

    def items(self, person):
        motions = _public(Motion).filter(author=person).select_related("author", "source")
        motions = motions.order_by("-created_at", "-id")[:ITEMS]
        arguments = _public_arguments().filter(author=person)[:ITEMS]
        posts = sorted([*motions, *arguments], key=lambda post: post.created_at, reverse=True)
        return posts[:ITEMS]

    def item_title(self, post):
        if isinstance(post, Motion):
            return f"Motion: {post.title}"
        return super().item_title(post)

    def item_description(self, post):
        if isinstance(post, Motion):
            return _motion_description(post)
        return super().item_description(post)

    def item_categories(self, post):
        return [] if isinstance(post, Motion) else super().item_categories(post)

    def item_updateddate(self, post):
        if isinstance(post, Motion):
            return _dated(post, post.updated_at)
        return super().item_updateddate(post)
