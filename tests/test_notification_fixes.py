"""Notifications as a reload shows them (the accessibility and no-JavaScript test, axn): a notice
of an argument hidden or restored since reaches its recipients' open pages, opening one whose
place is withheld says why, "Mark read" says what it did, a used unsubscribe link says it is
done, and a declined appeal gives its author the moderator's reason."""

import html
import re

import pytest
from django.urls import reverse

from accounts.services import grant_moderator
from debates import events, moderation, services
from debates.live import fanout
from debates.live.render import render_event
from notifications import mailing, queries
from notifications import services as notify
from notifications.models import Digest, Notification, Preferences
from tests.factories import ArgumentFactory, MotionFactory, verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return verified_user(display_name="Alice Archer", email="alice@example.org")


@pytest.fixture
def bob():
    return verified_user(display_name="Bob Baker")


@pytest.fixture
def alices(alice):
    return ArgumentFactory(author=alice, motion=MotionFactory(author=alice), claim="Alice's point.")


@pytest.fixture
def reply(django_capture_on_commit_callbacks):
    def replying(author, parent, claim="Bob's answer."):
        with django_capture_on_commit_callbacks(execute=True):
            argument, _ = services.post_argument(
                author=author, motion=parent.motion, parent=parent, stance="con", claim=claim
            )
        return argument

    return replying


def rung(hub, member):
    return [e.kind for e in hub.backlogs.get(fanout.member_channel(member.pk), ())]


def said(response):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", response.content.decode())).split())


# --- 1. A notice of what was hidden or restored since, on open pages ---------------------------


def test_hiding_and_restoring_a_reply_rings_whoever_holds_a_notice_of_it(
    recording_broker, django_capture_on_commit_callbacks, alice, bob, alices, moderator, reply
):
    answer = reply(bob, alices, "SECRET-SPAM buy cheap things")
    carol = verified_user(display_name="Carol Cole")
    reply(carol, answer, "Carol answers Bob.")  # Bob's notice: of a reply to what is hidden
    # Alice follows her motion too: she is told of Carol's reply, which answers what is hidden.
    assert (queries.unread_count(alice), queries.unread_count(bob)) == (2, 1)
    recording_broker.backlogs.clear()

    with django_capture_on_commit_callbacks(execute=True):
        moderation.hide_argument(moderator=moderator, argument=answer, reason="Spam")
    # Alice's pages: once, with the bell as a reload now shows it (nothing unread).
    assert rung(recording_broker, alice) == [events.MEMBER_NOTIFIED]
    assert events.MEMBER_NOTIFIED in rung(recording_broker, bob)
    assert rung(recording_broker, carol) == []
    ringing = fanout.LiveEvent(1, None, events.MEMBER_NOTIFIED, {"member_id": alice.pk})
    bell = render_event(ringing, fanout.MEMBER)
    assert 'bell__count" hidden>0<' in bell
    assert queries.unread_count(alice) == 0

    recording_broker.backlogs.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.restore_argument(moderator=moderator, argument=answer, reason="Not spam")
    assert rung(recording_broker, alice) == [events.MEMBER_NOTIFIED]
    assert events.MEMBER_NOTIFIED in rung(recording_broker, bob)
    assert queries.unread_count(alice) == 2


def test_a_retraction_rings_them_too(
    recording_broker, django_capture_on_commit_callbacks, alice, bob, alices, reply
):
    answer = reply(bob, alices)
    recording_broker.backlogs.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.retract_argument(author=bob, argument=answer)
    assert rung(recording_broker, alice) == [events.MEMBER_NOTIFIED]
    assert queries.unread_count(alice) == 0


def test_whom_a_change_rings_is_one_read_however_many_hold_a_notice(
    django_assert_num_queries, alice, bob, alices, moderator, reply
):
    answer = reply(bob, alices)
    followers = [verified_user() for _ in range(4)]
    carol = verified_user(display_name="Carol Cole")
    for n, follower in enumerate(followers):
        notify.set_following(member=follower, claim=answer, following=True)
        reply(carol, answer, f"Carol's answer {n}.")
    # The act's own notice is the hidden reply's author's, and reads alike either way.
    moderation.hide_argument(moderator=moderator, argument=answer, reason="Spam")
    with django_assert_num_queries(1):
        told = notify.ring_for_argument(argument_id=answer.pk)
    assert told == sorted([alice.pk, bob.pk, *(f.pk for f in followers)])
    assert notify.ring_for_argument(argument_id=answer.pk, besides={bob.pk}) == sorted(
        [alice.pk, *(f.pk for f in followers)]
    )


# --- 5. Opening a notice whose place is withheld since -----------------------------------------


def test_opening_a_notice_in_a_debate_hidden_since_says_so(client, alice, bob, moderator, reply):
    mine = ArgumentFactory(author=alice, motion=MotionFactory(author=verified_user()))
    reply(bob, mine)
    notice = Notification.objects.get(recipient=alice)
    moderation.hide_motion(moderator=moderator, motion=mine.motion, reason="Defamatory")
    client.force_login(alice)
    response = client.get(reverse("notification_open", args=[notice.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("notifications")
    assert "That debate was hidden by a moderator, so it can't be opened." in said(response)


@pytest.mark.parametrize("withdrawn", ["hidden", "retracted"])
def test_opening_a_notice_of_an_argument_withdrawn_since_says_so(
    client, alice, bob, alices, moderator, reply, withdrawn
):
    answer = reply(bob, alices)
    notice = Notification.objects.get(recipient=alice)
    if withdrawn == "hidden":
        moderation.hide_argument(moderator=moderator, argument=answer, reason="Spam")
    else:
        services.retract_argument(author=bob, argument=answer)
    client.force_login(alice)
    response = client.get(reverse("notification_open", args=[notice.pk]), follow=True)
    assert response.redirect_chain[-1][0] == answer.get_absolute_url()
    why = "hidden by a moderator" if withdrawn == "hidden" else "retracted by its author"
    assert f"That argument was {why}, so its text is no longer shown." in said(response)


def test_opening_a_notice_of_what_is_still_shown_says_nothing(client, alice, bob, alices, reply):
    reply(bob, alices)
    notice = Notification.objects.get(recipient=alice)
    client.force_login(alice)
    response = client.get(reverse("notification_open", args=[notice.pk]), follow=True)
    assert 'class="messages"' not in response.content.decode()


# --- 4. Mark read --------------------------------------------------------------------------------


def test_mark_read_without_javascript_says_so_after_its_redirect(client, alice, bob, alices, reply):
    reply(bob, alices)
    notice = Notification.objects.get(recipient=alice)
    client.force_login(alice)
    response = client.post(
        reverse("notification_read", args=[notice.pk]),
        {"next": reverse("notifications")},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("notifications")
    assert "Marked as read." in said(response)


def test_mark_read_in_place_answers_with_the_notice_the_bell_and_the_message(
    client, django_assert_num_queries, alice, bob, alices, reply
):
    reply(bob, alices), reply(bob, alices, "Another.")
    first, second = Notification.objects.filter(recipient=alice).order_by("pk")
    client.force_login(alice)
    page = client.get(reverse("notifications")).content.decode()
    # Each "Mark read" is named after its notice.
    for notice in (first, second):
        assert f'<span id="mark-read-{notice.pk}" hidden>Mark read:</span>' in page
        assert f'aria-labelledby="mark-read-{notice.pk} notice-{notice.pk}">Mark read</button>' in (
            page
        )
        assert f'<span id="notice-{notice.pk}">' in page

    # The user, the write (a read and an update in a savepoint), the notice as the inbox loads
    # it, whether she moderates (what she is still told of) and the bell's count.
    with django_assert_num_queries(8):
        response = client.post(
            reverse("notification_read", args=[first.pk]), headers={"HX-Request": "true"}
        )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<li class="notification" id="notification-{first.pk}"')
    assert "Mark read" not in body and "notification--unread" not in body
    assert '<hx-partial hx-target="#bell-count" hx-swap="outerHTML">' in body
    assert 'bell__count">1<span class="visually-hidden"> unread</span>' in body
    assert '<hx-partial hx-target="#messages" hx-swap="innerHTML">' in body
    assert "Marked as read." in body
    assert queries.unread_count(alice) == 1
    # Nothing is left to say on the next page.
    assert "Marked as read." not in client.get(reverse("notifications")).content.decode()


def test_mark_read_of_anothers_notice_is_refused_in_place_too(client, alice, bob, alices, reply):
    reply(bob, alices)
    notice = Notification.objects.get(recipient=alice)
    client.force_login(bob)
    url = reverse("notification_read", args=[notice.pk])
    assert client.post(url, headers={"HX-Request": "true"}).status_code == 404
    assert Notification.objects.get(pk=notice.pk).read_at is None


# --- 8. An unsubscribe link used already -------------------------------------------------------


@pytest.mark.parametrize("mailing_list", ["replies", "digest"])
def test_a_used_unsubscribe_link_says_it_is_done(client, alice, mailing_list):
    Preferences.objects.create(member=alice, email_replies=True, digest=Digest.DAILY)
    url = f"{reverse('unsubscribe')}?token={mailing.unsubscribe_token(alice.pk, mailing_list)}"
    asked = said(client.get(url))
    assert "Stop " in asked and "Done" not in asked
    assert client.post(url).status_code == 200
    again = client.get(url)
    page = said(again)
    assert again.status_code == 200 and "Done: Alice Archer gets no more" in page
    assert "Stop " not in page and "<button" not in again.content.decode().split("<main")[1]


def test_an_unused_link_still_asks_though_the_other_mail_is_off(client, alice):
    Preferences.objects.create(member=alice, email_replies=False, digest=Digest.DAILY)
    url = f"{reverse('unsubscribe')}?token={mailing.unsubscribe_token(alice.pk, 'digest')}"
    assert "Stop the digest of unread notifications to Alice Archer?" in said(client.get(url))


# --- 7. A declined appeal's reason, to its author ----------------------------------------------


@pytest.fixture
def declined(django_capture_on_commit_callbacks, author, moderator):
    hider = verified_user(display_name="Hasty Hal")
    grant_moderator(user=hider)
    argument = ArgumentFactory(author=author, claim="The treaty was never ratified.")
    moderation.hide_argument(moderator=hider, argument=argument, reason="Abusive wording")
    made = moderation.appeal_hidden_argument(author=author, argument=argument, note="Not abuse.")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.decline_appeal(
            moderator=moderator, appeal=made, reason="It addresses a member, not the claim."
        )
    return argument


def test_the_author_reads_why_her_appeal_was_declined_on_the_page_and_live(
    client, author, member, declined
):
    reason = "a moderator kept it hidden: <bdi>It addresses a member, not the claim.</bdi>"
    client.force_login(author)
    for address in (declined.get_absolute_url(), declined.motion.get_absolute_url()):
        assert reason in client.get(address).content.decode()
    own = client.get(reverse("own_copy", args=[declined.motion.slug]) + f"?ids={declined.pk}")
    assert reason in own.content.decode()
    # Another member reads neither the argument nor the appeal's fate.
    client.force_login(member)
    assert "addresses a member" not in client.get(declined.get_absolute_url()).content.decode()


def test_a_declined_appeal_gives_the_reason_of_its_own_decline(
    client, django_capture_on_commit_callbacks, author, moderator, declined
):
    """Restored, hidden again and appealed again, it is declined again: the page gives the
    later decline's reason."""
    moderation.restore_argument(moderator=moderator, argument=declined, reason="On reflection")
    hider = verified_user(display_name="Other Hal")
    grant_moderator(user=hider)
    moderation.hide_argument(moderator=hider, argument=declined, reason="Abusive again")
    made = moderation.appeal_hidden_argument(author=author, argument=declined, note="Again not.")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.decline_appeal(
            moderator=moderator, appeal=made, reason="Still a personal attack"
        )
    client.force_login(author)
    page = client.get(declined.get_absolute_url()).content.decode()
    assert "kept it hidden: <bdi>Still a personal attack</bdi>." in page
    assert "addresses a member" not in page


def test_a_notice_from_a_debate_hidden_since_neither_quotes_nor_names_who_replied(
    client, django_capture_on_commit_callbacks, alice, bob, moderator, reply
):
    """As its link no longer opens it: the hidden debate's words and people stay there."""
    debate = MotionFactory(author=verified_user(), title="A debate soon hidden")
    hers = ArgumentFactory(author=alice, motion=debate, claim="Alice's point.")
    reply(bob, hers, "Bob objects to Alice.")
    client.force_login(alice)
    assert "Bob objects to Alice." in said(client.get(reverse("notifications")))

    with django_capture_on_commit_callbacks(execute=True):
        moderation.hide_motion(moderator=moderator, motion=debate, reason="Spam")
    inbox = said(client.get(reverse("notifications")))
    assert "Bob objects to Alice." not in inbox and "Bob Baker" not in inbox
    assert "Someone argued against your argument: a reply that is no longer shown" in inbox
