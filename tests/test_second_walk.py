"""What a second walk through a reader's, an author's and a moderator's journeys met: a locked
motion still offered its authors an Edit that could only refuse, and a suspended member's page
said why she could not vote under every single argument."""

import re

import pytest
from django.urls import reverse

from debates import moderation
from tests.factories import ArgumentFactory, MotionFactory

pytestmark = pytest.mark.django_db


def edit_links(page, argument):
    url = reverse("edit_argument", args=[argument.motion.slug, argument.pk])
    return re.findall(rf'<a href="{re.escape(url)}"[^>]*>', page)


@pytest.mark.parametrize("close", ["lock", "hide"])
def test_a_closed_motion_offers_no_edit_until_it_reopens(
    client, moderator, author, close, django_capture_on_commit_callbacks
):
    """Its pages are cached by the motion's activity stamp, which the act's announcement bumps
    as it commits."""
    argument = ArgumentFactory(motion=MotionFactory(), author=author, claim="Mine to reword.")
    motion = argument.motion
    client.force_login(author)
    pages = [motion.get_absolute_url(), argument.get_absolute_url()]
    for url in pages:
        (link,) = edit_links(client.get(url).content.decode(), argument)
        assert " hidden" not in link

    closing = moderation.lock_motion if close == "lock" else moderation.hide_motion
    with django_capture_on_commit_callbacks(execute=True):
        closing(moderator=moderator, motion=motion, reason="Cooling off")
    for url in pages:
        # Hidden rather than gone: a live reopening offers it again (crux.js).
        (link,) = edit_links(client.get(url).content.decode(), argument)
        assert link.endswith(" hidden>"), url
    edit = client.get(reverse("edit_argument", args=[motion.slug, argument.pk]))
    assert edit.status_code in (403, 409)

    with django_capture_on_commit_callbacks(execute=True):
        if close == "lock":
            moderation.unlock_motion(moderator=moderator, motion=motion)
        else:
            moderation.restore_motion(moderator=moderator, motion=motion, reason="Fine")
    (link,) = edit_links(client.get(motion.get_absolute_url()).content.decode(), argument)
    assert " hidden" not in link
