"""The email digest tells a moderator's act as the inbox does: what was done, to which claim or
source (as its reader may read it now), why, and a link of its own; and it never shows a claim's
text, nor who wrote it, to a member who may no longer read it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.services import grant_moderator
from debates import moderation, services, sources
from notifications import mailing
from notifications import services as notify
from notifications.models import Notification, Preferences
from tests.factories import ArgumentFactory, MotionFactory, SourceFactory, verified_user

pytestmark = pytest.mark.django_db
SITE = "https://crux.example"


@pytest.fixture(autouse=True)
def site(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.SITE_URL = SITE


@pytest.fixture
def alice():
    return verified_user(display_name="Alice Archer", email="alice@example.org")


@pytest.fixture
def alices(alice):
    return ArgumentFactory(
        author=alice, motion=MotionFactory(author=verified_user()), claim="Cats & dogs agree."
    )


def digest(member, mailoutbox):
    """The plain-text and HTML parts of the digest `member` is sent now."""
    notify.save_preferences(member=member, follow_own=True, email_replies=False, digest="daily")
    Preferences.objects.filter(member=member).update(digest_sent_at=None)
    mailoutbox.clear()
    assert mailing.send_due_digests() == 1
    [mail] = mailoutbox
    [(html, mimetype)] = mail.alternatives
    assert mimetype == "text/html" and "A moderator acted on your content" not in mail.body + html
    return mail.body, html


def link(notification):
    return f"{SITE}{reverse('notification_open', args=[notification.pk])}"


def item(notification, words):
    """An item of the HTML part: its words, linked as the inbox links it."""
    return f'<li><a href="{link(notification)}">{words}</a></li>'


def told(member, action):
    return Notification.objects.get(recipient=member, action__action=action)


def test_a_hidden_argument_says_which_why_and_where(mailoutbox, alice, alices, moderator):
    moderation.hide_argument(moderator=moderator, argument=alices, reason="Threats & insults")
    text, html = digest(alice, mailoutbox)
    said = "Your argument “Cats & dogs agree.” was hidden by a moderator: Threats & insults."
    assert f"- {said}\n  {link(told(alice, 'hide'))}\n" in text
    said = (
        "Your argument “Cats &amp; dogs agree.” was hidden by a moderator: "
        "<bdi>Threats &amp; insults</bdi>."
    )
    assert item(told(alice, "hide"), said) in html


def test_a_restored_argument_says_so(mailoutbox, alice, alices, moderator):
    moderation.hide_argument(moderator=moderator, argument=alices, reason="Spam")
    moderation.restore_argument(moderator=moderator, argument=alices, reason="Appeal upheld.")
    text, html = digest(alice, mailoutbox)
    assert "Your argument “Cats & dogs agree.” was hidden by a moderator: Spam." in text
    restored = "Your argument “Cats & dogs agree.” was restored: Appeal upheld."
    assert f"- {restored}\n  {link(told(alice, 'restore'))}\n" in text
    said = "Your argument “Cats &amp; dogs agree.” was restored: <bdi>Appeal upheld.</bdi>"
    assert item(told(alice, "restore"), said) in html


def test_a_hidden_source_names_its_title(mailoutbox, alice, moderator):
    source = SourceFactory(title="The Annals of <Crux>", added_by=alice)
    sources.hide_source(moderator=moderator, source=source, reason="Copyright")
    text, html = digest(alice, mailoutbox)
    said = "Your source “The Annals of <Crux>” was hidden by a moderator: Copyright."
    assert f"- {said}\n  {link(told(alice, 'hide'))}\n" in text
    said = (
        "Your source “The Annals of &lt;Crux&gt;” was hidden by a moderator: <bdi>Copyright</bdi>."
    )
    assert item(told(alice, "hide"), said) in html


def test_a_locked_motion_is_named_by_its_title(mailoutbox, alice, moderator):
    # As the moderation log and the debate's pages name it.
    motion = MotionFactory(author=alice, title="Tea or coffee", claim="Tea beats coffee.")
    moderation.lock_motion(moderator=moderator, motion=motion, reason="Heated")
    text, _ = digest(alice, mailoutbox)
    said = "Your motion “Tea or coffee” was locked: Heated."
    assert f"- {said}\n  {link(told(alice, 'lock'))}\n" in text


def test_a_suspension_names_its_end_and_reason_and_its_lifting(mailoutbox, alice, moderator):
    moderation.suspend_user(moderator=moderator, user=alice, days=3, reason="Spam")
    alice.refresh_from_db()
    end = alice.suspended_until
    until = f"{end.day} {end:%B %Y, %H:%M}"
    moderation.unsuspend_user(moderator=moderator, user=alice)
    moderation.suspend_user(moderator=moderator, user=alice, reason="Spam again")
    text, html = digest(alice, mailoutbox)
    first, lifted, second = Notification.objects.filter(recipient=alice).order_by("id")
    assert f"- Your account was suspended until {until} UTC: Spam.\n  {link(first)}\n" in text
    assert f"- Your suspension was lifted.\n  {link(lifted)}\n" in text
    assert f"- Your account was suspended indefinitely: Spam again.\n  {link(second)}\n" in text
    assert item(first, f"Your account was suspended until {until} UTC: <bdi>Spam</bdi>.") in html


def test_never_the_text_of_an_argument_its_author_withdrew(mailoutbox, alice, alices, moderator):
    moderation.hide_argument(moderator=moderator, argument=alices, reason="Spam")
    moderation.restore_argument(moderator=moderator, argument=alices, reason="Appeal upheld")
    services.retract_argument(author=alice, argument=alices)
    text, html = digest(alice, mailoutbox)
    assert "Cats" not in text + html
    assert "- Your argument (since withdrawn) was hidden by a moderator: Spam." in text
    assert "- Your argument (since withdrawn) was restored: Appeal upheld." in text


def test_never_the_text_nor_the_author_of_a_withdrawn_reply_even_to_a_moderator(
    mailoutbox, alices, moderator
):
    """A moderator is still told of a reply withdrawn since (policy.told_of), but its text is
    nobody's to read (policy.text_shown_to)."""
    notify.set_following(member=moderator, claim=alices.motion, following=True)
    bob = verified_user(display_name="Bob Baker")
    reply = ArgumentFactory(author=bob, motion=alices.motion, parent=alices, claim="Bob's words.")
    notify.notify_of_argument(argument_id=reply.pk, posted=True)
    services.retract_argument(author=bob, argument=reply)
    text, html = digest(moderator, mailoutbox)
    assert "Bob" not in text + html
    [notification] = Notification.objects.filter(recipient=moderator)
    assert (
        "- Someone replied in a thread you follow: a reply that is no longer shown in "
        f"{alices.motion.title}\n  {link(notification)}\n"
    ) in text


def test_the_digest_costs_the_same_queries_however_many_items(mailoutbox, moderator):
    """Even for a moderator, told of replies nobody else is (whether she moderates is asked
    once), and of every kind of act on what she wrote."""
    other = verified_user(display_name="Other Moderator")
    grant_moderator(user=other)
    motion = MotionFactory(author=moderator)
    notify.set_following(member=moderator, claim=motion, following=True)

    def add_items():
        argument = ArgumentFactory(author=moderator, motion=motion)
        moderation.hide_argument(moderator=other, argument=argument, reason="Spam")
        reply = ArgumentFactory(author=verified_user(), motion=motion, parent=argument)
        notify.notify_of_argument(argument_id=reply.pk, posted=True)
        source = SourceFactory(added_by=moderator)
        sources.hide_source(moderator=other, source=source, reason="Copyright")

    def cost():
        Preferences.objects.filter(member=moderator).update(digest_sent_at=None)
        with CaptureQueriesContext(connection) as queries:
            assert mailing.send_due_digests() == 1
        return len(queries)

    notify.save_preferences(member=moderator, follow_own=True, email_replies=False, digest="daily")
    add_items()
    one = cost()
    for _ in range(4):
        add_items()
    moderation.lock_motion(moderator=other, motion=motion, reason="Heated")
    assert cost() == one
    assert mailoutbox[-1].body.count(f"{SITE}/notifications/") >= 13


def test_no_reply_email_to_a_moderator_of_a_reply_withdrawn_before_it_went(
    settings, mailoutbox, alices, moderator
):
    """The single email names the reply's author and quotes it: of a reply withdrawn before the
    worker got to it, a moderator (still told of it) gets none, as nobody may read it."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    mine = ArgumentFactory(author=moderator, motion=alices.motion)
    bob = verified_user(display_name="Bob Baker")
    reply = ArgumentFactory(author=bob, motion=mine.motion, parent=mine, claim="Bob's words.")
    notify.notify_of_argument(argument_id=reply.pk, posted=True)
    notification = Notification.objects.get(recipient=moderator, kind=Notification.Kind.REPLY)
    services.retract_argument(author=bob, argument=reply)
    assert not mailing.send_reply_email(notification.pk) and mailoutbox == []


def test_both_parts_say_how_many_of_the_unread_they_list(mailoutbox, alice, alices, moderator):
    moderation.hide_argument(moderator=moderator, argument=alices, reason="Spam")
    moderation.restore_argument(moderator=moderator, argument=alices, reason="Appeal upheld.")
    Notification.objects.filter(recipient=alice, action__action="hide").update(
        emailed_at=timezone.now()
    )
    text, html = digest(alice, mailoutbox)
    said = "You have 2 unread notifications on Crux; here is 1 of them:"
    assert said in text and said in html


def test_a_motion_is_named_by_its_title_an_argument_by_its_claim(client, mailoutbox, alice):
    """As the moderation log and the debate's pages name them, in the inbox and the digest."""
    moderator = verified_user()
    grant_moderator(user=moderator)
    motion = MotionFactory(author=alice, title="Tea or coffee", claim="Tea beats coffee.")
    argument = ArgumentFactory(motion=motion, author=alice, claim="Tea soothes.")
    moderation.lock_motion(moderator=moderator, motion=motion, reason="Heated")
    moderation.hide_argument(moderator=moderator, argument=argument, reason="Rude")

    client.force_login(alice)
    inbox = client.get("/notifications/?kind=moderation").content.decode()
    body, html = digest(alice, mailoutbox)

    # The page isolates what people wrote from its own words (<bdi>); the emails do not.
    for text, title in (
        (inbox, "<bdi>Tea or coffee</bdi>"),
        (body, "Tea or coffee"),
        (html, "Tea or coffee"),
    ):
        assert f"“{title}”" in text and "Tea beats coffee." not in text
        assert "Tea soothes." in text
    assert "“<bdi>Tea or coffee</bdi>”</a> was locked: <bdi>Heated</bdi>." in inbox
    assert "Your motion “Tea or coffee” was locked: Heated." in body
