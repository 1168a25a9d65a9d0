"""A moderator's act on a motion names the motion by its title, in the inbox and in the digest,
as the moderation log and the debate's pages name it; an argument is still named by its claim."""

import pytest

from debates import moderation
from notifications import mailing
from notifications import services as notify
from notifications.models import Preferences
from tests.factories import ArgumentFactory, MotionFactory, verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tasks_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def test_a_locked_motion_is_named_by_its_title(client, mailoutbox, moderator):
    alice = verified_user(display_name="Alice Archer")
    motion = MotionFactory(author=alice, title="Tea or coffee", claim="Tea beats coffee.")
    argument = ArgumentFactory(motion=motion, author=alice, claim="Tea soothes.")
    moderation.lock_motion(moderator=moderator, motion=motion, reason="Heated")
    moderation.hide_argument(moderator=moderator, argument=argument, reason="Rude")

    client.force_login(alice)
    inbox = client.get("/notifications/?kind=moderation").content.decode()
    notify.save_preferences(member=alice, follow_own=True, email_replies=False, digest="daily")
    Preferences.objects.filter(member=alice).update(digest_sent_at=None)
    mailoutbox.clear()
    assert mailing.send_due_digests() == 1
    [mail] = mailoutbox
    [(html, _)] = mail.alternatives

    for text in (inbox, mail.body, html):
        assert "“Tea or coffee”" in text and "Tea beats coffee." not in text
        assert "Tea soothes." in text
    assert "“Tea or coffee”</a> was locked: Heated." in inbox
    assert "Your motion “Tea or coffee” was locked: Heated." in mail.body
