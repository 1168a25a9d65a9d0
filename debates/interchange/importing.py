"""Create a new motion from an Argdown or Kialo file, through debates.transfer.import_debate."""

from django.db import transaction
from django.urls import reverse

from debates import policy
from debates.interchange.argdown_import import argdown_to_crux
from debates.interchange.kialo import kialo_to_crux
from debates.models import Argument, Motion
from debates.rendering import render_markdown
from debates.text import slug_of
from debates.transfer import ImportRefused, import_debate

FORMATS = ("argdown", "kialo")
SLUG_MAX = 80


def _free_slug(title):
    base = (slug_of(title)[: SLUG_MAX - 6].strip("-")) or "imported"
    slug, n = base, 1
    while slug in Motion.RESERVED_SLUGS or Motion.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _person(user):
    return {"id": user.pk, "display_name": user.display_name} if user else None


@transaction.atomic
def import_text(*, text: str, format: str, slug: str | None = None, author=None):
    """The new motion, import_debate's summary and the warnings; ImportRefused (with a line
    number for text it cannot read) otherwise; DebateRuleError when `author` may not post.
    `author`, the member importing, is the author of every claim; without one (an admin's
    `manage.py import_debate`) the claims are nobody's. All or nothing."""
    if author is not None:
        policy.enforce(policy.participation_refusal(author, "post"))
    # A byte-order mark (Windows Notepad's UTF-8, and text pasted from it) is no part of the
    # debate: left in, it makes the first line unreadable, whatever the format.
    text = text.removeprefix("\ufeff")
    if format == "argdown":
        data, warnings = argdown_to_crux(text, author=_person(author))
        links = []
    elif format == "kialo":
        data, warnings, links = kialo_to_crux(text, author=_person(author))
    else:
        raise ImportRefused(f"Unknown format {format!r}; choose one of {', '.join(FORMATS)}.")
    if author is not None and not policy.moderates(author):
        _refuse_hidden(data)
    data["motion"]["slug"] = slug or _free_slug(data["motion"]["title"])
    motion, summary = import_debate(data, slug=data["motion"]["slug"])
    if links:
        _link(motion, links)
    return motion, summary, warnings


def _refuse_hidden(data):
    """Only a moderator hides a claim, and logs why: a member's file may not bring claims that
    read "hidden by a moderator" (an export's hidden claims are placeholders with no text)."""
    if any(item.get("visibility") == "hidden" for item in (data["motion"], *data["arguments"])):
        raise ImportRefused(
            "This file marks claims as hidden by a moderator (status: hidden), which only "
            "moderators may import: remove those claims or marks and import again."
        )


def _link(motion, links):
    # import_debate creates the arguments in the file's order, so ids follow the refs.
    ids = Argument.objects.filter(motion=motion).order_by("id").values_list("id", flat=True)
    by_ref = {f"a{n}": pk for n, pk in enumerate(ids, start=1)}
    for ref, target in links:
        url = reverse("argument", args=[motion.slug, by_ref[target]])
        details = f"The same claim as [this argument]({url}), which Kialo links here."
        Argument.objects.filter(pk=by_ref[ref]).update(
            details=details, details_html=render_markdown(details)
        )
