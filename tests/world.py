"""A small site with one person per role, for the security tests (matrix, CSRF, hostile input).

Roles: anonymous, unverified (no verified email), user (a verified member), author (of the motion
and the argument every URL points at), suspended, moderator (the Moderators group) and staff.
"""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.services import grant_moderator
from debates.models import (
    Argument,
    ArgumentRevision,
    Flag,
    ModerationAction,
    Motion,
    Source,
    Vote,
)
from debates.sources import add_source
from tests.factories import ArgumentFactory, MotionFactory, UserFactory, verified_user

ROLES = ("anonymous", "unverified", "user", "author", "suspended", "moderator", "staff")


@dataclass
class World:
    people: dict
    motion: Motion
    argument: Argument
    reply: Argument
    other_motion: Motion
    other_argument: Argument
    clients: dict = field(default_factory=dict)
    # A source with its text, added by the author (issue 20): the pk of the sources/ URLs.
    source: Source | None = None

    def client(self, role, **options):
        """A test client signed in as `role` (one per role and options, reused)."""
        key = (role, tuple(sorted(options.items())))
        if key not in self.clients:
            client = Client(**options)
            if self.people.get(role) is not None:
                client.force_login(self.people[role])
            self.clients[key] = client
        return self.clients[key]


def build_world():
    people = {
        "anonymous": None,
        "unverified": UserFactory(display_name="Unverified Una"),
        "user": verified_user(display_name="Member Max"),
        "author": verified_user(display_name="Author Ada"),
        "suspended": verified_user(
            display_name="Suspended Sam",
            suspended_until=timezone.now() + timedelta(days=7),
            suspension_reason="Spam.",
        ),
        "moderator": verified_user(display_name="Moderator Mo"),
        "staff": verified_user(display_name="Staff Stu", is_staff=True),
    }
    grant_moderator(user=people["moderator"])
    author = people["author"]
    motion = MotionFactory(author=author, title="The motion", claim="Motions are claims.")
    argument = ArgumentFactory(motion=motion, author=author, claim="The author's argument.")
    reply = ArgumentFactory(
        motion=motion, parent=argument, author=people["user"], claim="A member's reply."
    )
    other_motion = MotionFactory(title="Another motion")
    other_argument = ArgumentFactory(motion=other_motion, claim="An argument elsewhere.")
    source = add_source(adder=author, title="The source", text="A passage.\n\nAnother one.")
    return World(people, motion, argument, reply, other_motion, other_argument, source=source)


# --- URLs --------------------------------------------------------------------------------------

# Tested by their own projects: Django's admin and allauth's account pages; the JSON API by its
# own matrix and schemathesis (tests/test_api*.py).
EXCLUDED_PREFIXES = ("admin/", "accounts/", "api/v1/")


def site_urls():
    """(route, name) of every named URL pattern of the site, less EXCLUDED_PREFIXES."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern.name

    return [
        (route, name)
        for route, name in walk(get_resolver().url_patterns)
        if not route.startswith(EXCLUDED_PREFIXES)
    ]


def url_for(name, world, route):
    """The URL `name` for the world's motion, argument and author, by the route's converters."""
    kwargs = {}
    if "<slug:slug>" in route:
        kwargs["slug"] = world.motion.slug
    if "<str:kind>" in route:
        kwargs["kind"] = "argument"
    if "<section>" in route:
        kwargs["section"] = "arguments"
    if "<id:pk>" in route:
        person = route.startswith(("people/", "moderation/people/"))
        kwargs["pk"] = world.people["author"].pk if person else world.argument.pk
        if route.startswith("sources/"):
            kwargs["pk"] = world.source.pk
    return reverse(name, kwargs=kwargs)


def post_data(name, role="user"):
    """A valid form for each writing URL, so a refusal is the role's, not the data's."""
    key = str(uuid.uuid4())
    if name in ("reply_motion", "reply"):
        return {"stance": "con", "claim": "A fresh claim.", "submission_key": key}
    if name == "propose_motion":
        return {"title": f"New motion by {role}", "claim": "It is so.", "submission_key": key}
    if name == "import_motion":
        return {"format": "kialo", "text": f"1. Imported by {role}.\n1.1. Pro: Yes."}
    if name == "edit_argument":
        return {"claim": "The author's argument, reworded.", "details": ""}
    if name in ("vote_motion", "vote_argument"):
        return {"choice": "agree"}
    if name in ("flag_motion", "flag_argument", "flag_source"):
        return {"reason": "spam"}
    if name == "suspend_user":
        return {"reason": "Persistent spam.", "days": "7"}
    if name == "hide_member_arguments":
        return {"reason": "Spam wave.", "window": "all"}
    if name in ("appeal_argument", "appeal_motion"):
        return {"note": "Please look again: it keeps to the rules."}
    if name == "profile_edit":
        return {"display_name": f"Renamed {role}", "bio": "A new bio."}
    if name == "delete_account":
        return {"confirmation": "DELETE"}
    if name == "add_source":
        return {"title": f"A source by {role}", "text": "Its text."}
    if name == "argue_from_passage":
        slug = Motion.objects.get(title="The motion").slug
        quoted = {"quote": "A passage.", "quote_start": "0", "quote_end": "10"}
        return {"motion": slug, "stance": "con", "claim": "From the source.", **quoted} | {
            "submission_key": key
        }
    return {"reason": "Breaks the rules."}


# --- What changed ------------------------------------------------------------------------------


def fingerprint(world):
    """Everything a request could change that the tests care about, in a few queries."""
    tables = [
        model._meta.db_table
        for model in (Motion, Argument, ArgumentRevision, Vote, Flag, ModerationAction, Source)
    ]
    with connection.cursor() as cursor:  # one query: this runs around every request
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {t})" for t in tables))
        counts = tuple(cursor.fetchone())
    claims = tuple(
        Motion.objects.order_by("pk").values_list(
            "pk", "title", "claim", "state", "visibility", "featured", "agree_count"
        )
    ) + tuple(
        Argument.objects.order_by("pk").values_list(
            "pk", "claim", "details", "visibility", "agree_count", "disagree_count"
        )
    )
    from accounts.models import User

    people = tuple(
        User.objects.order_by("pk").values_list(
            "pk", "display_name", "bio", "email", "is_active", "suspended_until"
        )
    )
    return counts, claims, people
