"""The admin shows what members wrote but never rewrites it (issue 15.8): an edit there would
keep no earlier wording, set no "edited" mark and leave the rendered HTML stale. Authors edit
on the site (a revision kept); moderators hide and restore with the site's tools (logged)."""

import pytest
from django.urls import reverse

from accounts.models import User
from debates.models import Argument, ArgumentRevision, ModerationAction, Motion, Source
from tests.factories import ArgumentFactory, MotionFactory, verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(
        User.objects.create_superuser("admin@example.org", "pw", display_name="Site admin")
    )
    return client


def admin_url(obj, view):
    opts = obj._meta
    args = [obj.pk] if view == "change" else []
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def test_an_arguments_wording_cannot_be_rewritten_in_the_admin(admin_client):
    author = verified_user()
    argument = ArgumentFactory(author=author, claim="As its author wrote it.", details="*Mine*.")
    page = admin_client.get(admin_url(argument, "change"))
    assert page.status_code == 200 and "As its author wrote it." in page.content.decode()
    assert 'name="claim"' not in page.content.decode()

    # Everything the change form took before, with other words.
    admin_client.post(
        admin_url(argument, "change"),
        {
            "stance": "con",
            "claim": "Words the author never wrote.",
            "details": "**Not mine**.",
            "figures": "null",
            "attribution": "Someone else",
            "source": "",
            "quote": "",
            "author": author.pk,
            "seed_key": "",
        },
    )

    argument.refresh_from_db()
    assert (argument.claim, argument.details, argument.stance, argument.attribution) == (
        "As its author wrote it.",
        "*Mine*.",
        "pro",
        "",
    )
    assert argument.edited_at is None and not ArgumentRevision.objects.exists()
    assert admin_client.get(admin_url(Argument(), "add")).status_code == 403


def test_a_motion_cannot_be_rewritten_in_the_admin(admin_client):
    author = verified_user()
    motion = MotionFactory(author=author, title="Their title", claim="Their claim.")
    assert admin_client.get(admin_url(motion, "change")).status_code == 200

    admin_client.post(
        admin_url(motion, "change"),
        {
            "slug": motion.slug,
            "title": "Another title",
            "claim": "Another claim.",
            "context": "Other context.",
            "attribution": "",
            "source": "",
            "quote": "",
            "author": author.pk,
        },
    )

    motion.refresh_from_db()
    assert (motion.title, motion.claim, motion.context) == ("Their title", "Their claim.", "")
    assert admin_client.get(admin_url(Motion(), "add")).status_code == 403
    assert not ModerationAction.objects.exists()


def test_a_cited_source_cannot_be_rewritten_in_the_admin(admin_client):
    source = Source.objects.create(title="example.org/report", url="https://example.org/report")
    ArgumentFactory(source=source)
    assert admin_client.get(admin_url(source, "change")).status_code == 200
    admin_client.post(
        admin_url(source, "change"),
        {"title": "Elsewhere", "url": "https://elsewhere.example/", "published_on": ""},
    )
    source.refresh_from_db()
    assert (source.title, source.url) == ("example.org/report", "https://example.org/report")
