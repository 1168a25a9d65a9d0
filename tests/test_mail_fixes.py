"""What the second walk found in the mail: a digest stopped for good by a wave of spam replies
hidden since, counts that told of them, a List-Unsubscribe header no mail reader could use, and
reply mails sent before a moderator could hide the spam they carried."""

import email
import email.policy
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from django.tasks.backends.dummy import DummyBackend
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from debates import moderation
from debates import services as debate_services
from notifications import mailing, queries, tasks
from notifications import services as notify
from notifications.models import Notification, Preferences
from tests.factories import ArgumentFactory, MotionFactory, verified_user
from tests.test_digest_moderation import site  # noqa: F401 (its autouse fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    alice = verified_user(display_name="Alice Archer", email="alice@example.org")
    notify.save_preferences(member=alice, follow_own=True, email_replies=False, digest="daily")
    return alice


@pytest.fixture
def alices(alice):
    return ArgumentFactory(author=alice, motion=MotionFactory(author=verified_user()))


def reply_to(argument, claim="A reply."):
    reply = ArgumentFactory(
        author=verified_user(), motion=argument.motion, parent=argument, claim=claim
    )
    notify.notify_of_argument(argument_id=reply.pk, posted=True)
    return reply


def spam_wave(alices, moderator, size):
    for n in range(size):
        spam = reply_to(alices, claim=f"Buy now {n}.")
        moderation.hide_argument(moderator=moderator, argument=spam, reason="Spam")


def test_a_wave_of_hidden_spam_does_not_stop_her_digest(alice, alices, moderator, mailoutbox):
    """The 50 oldest unread were taken, then those hidden left out: an empty digest, marked
    sent, each day, while a real reply waited behind the spam."""
    spam_wave(alices, moderator, mailing.DIGEST_MAX_ITEMS + 5)
    real = reply_to(alices, claim="A real answer.")

    mailing.send_due_digests()

    [mail] = [mail for mail in mailoutbox if mail.to == [alice.email]]
    assert "A real answer." in mail.body and "Buy now" not in mail.body
    assert mail.subject == "[Crux] 1 unread notification"
    assert Notification.objects.get(argument=real, recipient=alice).emailed_at is not None


def test_the_bell_counts_what_the_inbox_marks_new(client, alice, alices, moderator):
    spam_wave(alices, moderator, 3)
    reply_to(alices, claim="A real answer.")
    client.force_login(alice)

    assert queries.unread_count(alice) == 1
    page = client.get(reverse("notifications")).content.decode()
    assert page.count("notification--unread") == 1
    assert 'id="bell-count" class="badge site-nav__count bell__count">1<' in page
    # Still listed, as no longer shown, but not news.
    assert page.count("a reply that is no longer shown") == 3


def test_a_moderator_is_still_told_of_replies_hidden_since(alices, moderator):
    notify.set_following(member=moderator, claim=alices.motion, following=True)
    spam = reply_to(alices)
    moderation.hide_argument(moderator=moderator, argument=spam, reason="Spam")

    assert queries.unread_count(moderator) == 1
    assert queries.unread_count(alices.author) == 0


def test_list_unsubscribe_is_written_whole(alice, alices, mailoutbox):
    reply_to(alices, claim="An answer.")
    mailing.send_due_digests()

    [mail] = [mail for mail in mailoutbox if mail.to == [alice.email]]
    sent = mail.message().as_bytes()
    header = next(line for line in sent.split(b"\n") if line.startswith(b"List-Unsubscribe:"))
    assert b"=?utf-8?" not in header
    assert header.startswith(b"List-Unsubscribe: <https://crux.example/notifications/unsub")
    assert header.rstrip().endswith(b">")


@pytest.fixture
def queued(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    backend = tasks.email_reply.get_backend()
    assert isinstance(backend, DummyBackend)
    backend.clear()
    return backend


def test_a_reply_mail_waits_for_the_hold(alice, alices, queued, settings):
    settings.CRUX_REPLY_MAIL_DELAY_MINUTES = 5
    notify.save_preferences(member=alice, follow_own=True, email_replies=True, digest="off")
    before = timezone.now()

    reply_to(alices)

    [result] = queued.results
    assert result.task.run_after is not None
    assert before + timedelta(minutes=5) <= result.task.run_after
    assert result.task.run_after <= timezone.now() + timedelta(minutes=5)


def test_no_hold_when_it_is_set_to_nothing(alice, alices, queued, settings):
    settings.CRUX_REPLY_MAIL_DELAY_MINUTES = 0
    notify.save_preferences(member=alice, follow_own=True, email_replies=True, digest="off")

    reply_to(alices)

    [result] = queued.results
    assert result.task.run_after is None


def test_spam_hidden_within_the_hold_is_never_mailed(alice, alices, moderator, queued, mailoutbox):
    notify.save_preferences(member=alice, follow_own=True, email_replies=True, digest="off")
    spam = reply_to(alices, claim="Buy now.")
    [held] = queued.results
    moderation.hide_argument(moderator=moderator, argument=spam, reason="Spam")

    assert mailing.send_reply_email(*held.args) is False
    assert [mail for mail in mailoutbox if mail.to == [alice.email]] == []


def test_the_worker_queue_holds_the_reply_mail(alice, alices, settings):
    """The hold in the backend production runs (django-tasks-db): the worker picks the mail up
    only once the hold is over."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CRUX_REPLY_MAIL_DELAY_MINUTES = 5
    notify.save_preferences(member=alice, follow_own=True, email_replies=True, digest="off")
    before = timezone.now()

    reply_to(alices)

    [row] = DBTaskResult.objects.filter(task_path=tasks.email_reply.module_path)
    assert before + timedelta(minutes=5) <= row.run_after <= timezone.now() + timedelta(minutes=5)
    assert not DBTaskResult.objects.ready().filter(pk=row.pk).exists()


def test_a_reply_read_within_the_hold_is_never_mailed(alice, alices, queued, mailoutbox):
    notify.save_preferences(member=alice, follow_own=True, email_replies=True, digest="off")
    reply_to(alices)
    [held] = queued.results
    notify.mark_read(member=alice, notification_id=held.args[0])

    assert mailing.send_reply_email(*held.args) is False
    assert [mail for mail in mailoutbox if mail.to == [alice.email]] == []


def test_list_unsubscribe_as_the_smtp_backend_writes_it(alice, alices, mailoutbox):
    """The SMTP backend serialises with email.policy.SMTP (CRLF), not the default policy: the
    header must come out whole there too, and read back as the link itself."""
    reply_to(alices, claim="An answer.")
    mailing.send_due_digests()

    [mail] = [mail for mail in mailoutbox if mail.to == [alice.email]]
    sent = mail.message(policy=email.policy.SMTP).as_bytes()
    # The token is stamped with the second it was signed, so the link is read back from the
    # mail rather than signed again here (a second may pass in between).
    parsed = email.message_from_bytes(sent, policy=email.policy.default)
    link = parsed["List-Unsubscribe"].removeprefix("<").removesuffix(">")
    path, _, query = link.partition("?")
    assert path == mailing.absolute(reverse("unsubscribe"))
    token = parse_qs(query)["token"][0]
    assert mailing.read_unsubscribe_token(token) == (alice.pk, "digest")
    assert f"\r\nList-Unsubscribe: <{link}>\r\n".encode() in sent
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in sent


def _hide_reply(moderator, reply):
    moderation.hide_argument(moderator=moderator, argument=reply, reason="Spam")


def _retract_reply(moderator, reply):
    debate_services.retract_argument(author=reply.author, argument=reply)


def _hide_what_it_answers(moderator, reply):
    moderation.hide_argument(moderator=moderator, argument=reply.parent, reason="Spam")


def _hide_the_motion(moderator, reply):
    moderation.hide_motion(moderator=moderator, motion=reply.motion, reason="Spam")


@pytest.mark.parametrize(
    "since", [_hide_reply, _retract_reply, _hide_what_it_answers, _hide_the_motion]
)
def test_the_counts_and_the_digest_keep_to_policy_told_of(alice, alices, moderator, since):
    """The bell and the digest choose in SQL (policy.told_of_filter) what the inbox decides a
    notice at a time (policy.told_of): for each way a reply stops being shown, both agree, for
    a member and for a moderator."""
    notify.set_following(member=moderator, claim=alices.motion, following=True)
    reply = reply_to(alices)
    reply_to(alices, claim="Still shown.")
    since(moderator, reply)

    for member in (alice, moderator):
        unread = [n for n in queries.inbox(member) if n.read_at is None]
        told = [n.pk for n in unread if queries.still_told(n, member)]
        assert queries.unread_count(member) == len(told)
        digest = [n.pk for n in queries.unread_for_digest(member)]
        assert sorted(digest) == sorted(told)
    # The case is one the two tell apart: she is not told of the reply, the moderator is.
    assert not queries.still_told(Notification.objects.get(argument=reply, recipient=alice), alice)
    assert queries.still_told(
        Notification.objects.get(argument=reply, recipient=moderator), moderator
    )


def test_the_bell_is_one_query(alice, alices, moderator, django_assert_num_queries):
    """Every signed-in page asks it; whether she moderates the page has asked already."""
    notify.set_following(member=moderator, claim=alices.motion, following=True)
    spam_wave(alices, moderator, 2)
    reply_to(alices)
    for member in (alice, moderator):
        assert member.is_moderator in (True, False)  # asked, as the page asks it
        with django_assert_num_queries(1):
            queries.unread_count(member)


def test_a_digest_of_nothing_told_does_not_start_her_period_again(alice, alices, moderator):
    spam_wave(alices, moderator, 2)

    mailing.send_due_digests()

    assert Preferences.objects.get(member=alice).digest_sent_at is None
