"""Notifications over HTTP and by email (issue 21): the bell, the inbox, following, settings,
reply emails, digests, one-click unsubscribing, and the member's live channel."""

import asyncio
import re
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from debates import live, moderation, services
from debates.live import fanout
from debates.live.render import render_event
from notifications import mailing, queries
from notifications import services as notify
from notifications.models import Notification, Preferences
from tests.event_loops import run
from tests.factories import ArgumentFactory, MotionFactory, verified_user
from tests.test_live import request, session_of

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    settings.TASKS = IMMEDIATE
    settings.SITE_URL = "https://crux.example"


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


def html(response):
    return response.content.decode()


# --- The bell and the inbox --------------------------------------------------------------------


def test_the_inbox_names_a_reply_s_author_only_while_the_debate_does(
    client, alice, bob, alices, reply
):
    answer = reply(bob, alices, claim="Bob's words.")
    client.force_login(alice)
    assert "<bdi>Bob Baker</bdi> argued against your argument" in html(
        client.get(reverse("notifications"))
    )

    services.retract_argument(author=bob, argument=answer)
    inbox = html(client.get(reverse("notifications")))
    # Its stance stays, as the debate shows it in the withdrawn claim's place.
    assert "Someone argued against your argument" in inbox and "Bob Baker" not in inbox
    assert "a reply that is no longer shown" in inbox
    assert (
        '<div class="notification__meta muted">' in inbox
        and "<p" not in inbox.split('class="notification__meta')[1].split("</div>")[0]
    )


def test_the_bell_shows_the_unread_count_to_members_only(client, alice, bob, alices, reply):
    assert 'id="bell-count"' not in html(client.get("/"))
    client.force_login(alice)
    assert 'id="bell-count" class="badge site-nav__count bell__count" hidden>0<' in html(
        client.get("/")
    )
    reply(bob, alices)
    body = html(client.get("/"))
    assert 'id="bell-count" class="badge site-nav__count bell__count">1<' in body
    # One stream a page: the home page's carries her channel; the inbox opens hers alone. (What
    # each names is compared, not the address: her token carries the second it was made.)
    assert streams(body) == [named(live.channel_path(None, alice.pk))]
    motion_page = html(client.get(alices.motion.get_absolute_url()))
    assert streams(motion_page) == [named(live.channel_path(alices.motion_id, alice.pk))]
    inbox = html(client.get(reverse("notifications")))
    assert streams(inbox) == [named(live.paths.member_channel_path(alice.pk))]


def named(address):
    """The channels a stream's address names."""
    path, _, query = address.partition("?")
    channels = live.paths.channels_for(path, query)
    assert channels is not None, address
    return channels


def streams(page):
    """The channels of each stream the page opens."""
    return [named(address) for address in re.findall(r'hx-sse:connect="([^"]+)"', page)]


def test_the_inbox_lists_newest_first_and_pages(client, alice, bob, alices, reply, settings):
    first = reply(bob, alices, "First answer.")
    for n in range(20):
        reply(bob, alices, f"Answer {n}.")
    client.force_login(alice)
    page = client.get(reverse("notifications"))
    listed = list(page.context["notifications"])
    assert len(listed) == 20 and listed[0].created_at >= listed[-1].created_at
    assert "<bdi>Bob Baker</bdi> argued against your argument" in html(page)
    second = client.get(reverse("notifications"), {"page": 2})
    assert [n.argument for n in second.context["notifications"]] == [first]
    assert client.get(reverse("notifications"), {"page": "x"}).status_code == 200
    # What the page's live refresh asks for: the same page's list alone, as a reload lists it.
    live = client.get(reverse("notifications"), {"page": 2}, headers={"HX-Request": "true"})
    assert live.content.decode().lstrip().startswith('<div id="inbox-list">')
    assert "<html" not in html(live) and "First answer." in html(live)
    whole = html(client.get(reverse("notifications"), {"page": 2}))
    unmasked = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    assert 'hx-get="/notifications/?page=2"' in whole
    assert unmasked.sub("", html(live).strip()) in unmasked.sub("", whole)


def test_the_inbox_costs_the_same_queries_however_many(
    client, alice, bob, alices, reply, django_assert_num_queries
):
    client.force_login(alice)
    reply(bob, alices)
    # the user, whether they moderate (nav), the unread count (bell), the count and the page
    with django_assert_num_queries(5):
        client.get(reverse("notifications"))
    for n in range(5):
        reply(bob, ArgumentFactory(author=alice), f"More {n}.")
        # A mention in a motion's context, which names the motion and no argument.
        mentioning = MotionFactory(author=bob, context=f"Ask @Alice Archer {n}.")
        notify.notify_of_motion(motion_id=mentioning.pk)
    with django_assert_num_queries(5):
        assert "mentioned you in the context of their motion" in html(
            client.get(reverse("notifications"))
        )


def test_opening_a_notification_marks_it_read_and_goes_to_the_place(
    client, alice, bob, alices, reply
):
    answer = reply(bob, alices)
    notification = Notification.objects.get(recipient=alice)
    client.force_login(bob)
    assert client.get(reverse("notification_open", args=[notification.pk])).status_code == 404
    client.force_login(alice)
    response = client.get(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 302 and response.url == answer.get_absolute_url()
    assert queries.unread_count(alice) == 0


def test_anothers_notification_says_whose_account_is_signed_in_and_leads_to_the_right_one(
    client, alice, bob, alices, reply
):
    reply(bob, alices)
    notification = Notification.objects.get(recipient=alice)
    opening = reverse("notification_open", args=[notification.pk])
    client.force_login(bob)
    for address in (opening, reverse("notification_open", args=[notification.pk + 1000])):
        response = client.get(address)
        html = response.content.decode()
        # Alike whether the number is someone else's or nobody's: it tells nobody what exists.
        assert response.status_code == 404 and "none of your notifications has this address" in html
        assert f"You are signed in as <bdi>{bob.display_name}</bdi>" in html
        assert f'<input type="hidden" name="next" value="{address}">' in html
    assert Notification.objects.get(pk=notification.pk).read_at is None
    # Signing out leads to the sign-in, and on to the notification for the account it is for.
    response = client.post(reverse("account_logout"), {"next": opening}, follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('account_login')}?next={opening}"
    client.force_login(alice)
    assert client.get(opening).url == alices.replies.get().get_absolute_url()


def test_mark_read_and_all_read(client, alice, bob, alices, reply):
    reply(bob, alices), reply(bob, alices, "Another.")
    client.force_login(alice)
    one = Notification.objects.filter(recipient=alice).first()
    response = client.post(reverse("notification_read", args=[one.pk]))
    assert response.status_code == 302 and queries.unread_count(alice) == 1
    assert client.get(reverse("notifications_read")).status_code == 405
    response = client.post(reverse("notifications_read"), {"next": "https://evil.example/"})
    assert response.url == reverse("notifications")
    assert queries.unread_count(alice) == 0


def test_pages_ask_anonymous_readers_to_sign_in(client):
    for name in ("notifications", "notification_settings"):
        assert client.get(reverse(name)).status_code == 302


def test_moderation_notices_live_in_the_inbox(client, alice, alices, moderator):
    moderation.hide_argument(moderator=moderator, argument=alices, reason="Insult")
    moderation.suspend_user(moderator=moderator, user=alice, days=None, reason="Spam")
    client.force_login(alice)
    body = html(client.get(reverse("notifications"), {"kind": "moderation"}))
    assert "was hidden by a moderator: <bdi>Insult</bdi>." in body
    assert "Your account was suspended indefinitely: <bdi>Spam</bdi>." in body
    assert "Moderator Mo" not in body


# --- Following and settings --------------------------------------------------------------------


def test_a_hidden_claim_has_no_follow_page_but_for_whom_may_read_it(client, bob, alices, moderator):
    moderation.hide_argument(moderator=moderator, argument=alices, reason="Spam")
    url = reverse("follow", args=["argument", alices.pk])
    client.force_login(bob)
    assert client.get(url).status_code == 404
    assert client.post(url, {"following": "1"}).status_code == 404
    client.force_login(alices.author)
    assert "Alice&#x27;s point." in html(client.get(url))


def test_an_argument_in_a_hidden_motion_has_no_follow_page_but_for_whom_may_read_the_motion(
    client, bob, alices, moderator
):
    """Its address holds the motion's slug, made from the title the hiding withholds."""
    motion = alices.motion
    moderation.hide_motion(moderator=moderator, motion=motion, reason="Defamatory")
    url = reverse("follow", args=["argument", alices.pk])
    client.force_login(bob)
    assert client.get(url).status_code == 404
    assert client.post(url, {"following": "1"}).status_code == 404
    for reader in (alices.author, moderator):
        client.force_login(reader)
        assert motion.slug in html(client.get(url))


def test_follow_and_unfollow_over_http(client, bob, alices):
    url = reverse("follow", args=["argument", alices.pk])
    client.force_login(bob)
    assert "You are not following this argument." in html(client.get(url))
    response = client.post(url, {"following": "1"})
    assert response.status_code == 302 and queries.is_following(bob, alices)
    client.post(url, {"following": "0"})
    assert not queries.is_following(bob, alices)
    assert client.get(reverse("follow", args=["vote", 1])).status_code == 404
    motion_url = reverse("follow", args=["motion", alices.motion.pk])
    assert "You are not following this motion." in html(client.get(motion_url))
    client.post(motion_url, {"following": "1"})
    assert queries.is_following(bob, alices.motion)


def test_settings_save_and_refuse_nonsense(client, alice):
    client.force_login(alice)
    url = reverse("notification_settings")
    assert client.get(url).status_code == 200
    response = client.post(url, {"email_replies": "on", "digest": "daily"})
    assert response.status_code == 302
    saved = Preferences.objects.get(member=alice)
    assert (saved.follow_own, saved.email_replies, saved.digest) == (False, True, "daily")
    assert client.post(url, {"digest": "hourly"}).status_code == 422


# --- Email -------------------------------------------------------------------------------------


def test_a_reply_is_emailed_at_once_with_one_click_unsubscribe(
    client, mailoutbox, alice, bob, alices, reply
):
    answer = reply(bob, alices)
    [mail] = mailoutbox
    assert mail.to == ["alice@example.org"] and "Bob Baker replied to you" in mail.subject
    # Its link is the inbox's: it marks the notification read on the way to the reply.
    [told] = Notification.objects.filter(recipient=alice, argument=answer)
    opening = reverse("notification_open", args=[told.pk])
    assert f"https://crux.example{opening}" in mail.body and told.read_at is None
    client.force_login(alice)
    assert client.get(opening).url == answer.get_absolute_url()
    told.refresh_from_db()
    assert told.read_at is not None
    client.logout()
    link = mail.extra_headers["List-Unsubscribe"].strip("<>")
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in mail.body
    assert link.startswith("https://crux.example/notifications/unsubscribe/?token=")
    path = link.removeprefix("https://crux.example")
    # Opening the link changes nothing (scanners open links); the button or the mail reader's
    # one-click POST, with no session and no CSRF token, unsubscribes. The page, open to whoever
    # holds an old or forwarded mail, never shows the address the account mails now.
    alice.email = "alice.now@example.org"
    alice.save()
    page = html(client.get(path))
    assert "Unsubscribe" in page and alice.display_name in page
    assert "alice.now@example.org" not in page and "alice@example.org" not in page
    assert queries.preferences_of(alice).email_replies
    client_without_csrf = client.__class__(enforce_csrf_checks=True)
    response = client_without_csrf.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "Done" in html(response)
    assert "example.org" not in html(response)
    assert not queries.preferences_of(alice).email_replies
    reply(bob, alices, "Again.")
    assert len(mailoutbox) == 1


def test_a_forged_unsubscribe_link_is_refused(client, alice):
    token = mailing.unsubscribe_token(alice.pk, "replies")
    url = reverse("unsubscribe")
    assert client.post(f"{url}?token={token}x").status_code == 404
    assert client.get(url).status_code == 404
    other = mailing.unsubscribe_token(alice.pk, "everything")
    assert client.post(f"{url}?token={other}").status_code == 404
    assert queries.preferences_of(alice).email_replies


def test_no_email_for_mentions_follows_or_a_reply_read_already(mailoutbox, alice, bob, alices):
    others = ArgumentFactory(motion=alices.motion, author=bob)
    answer = ArgumentFactory(motion=alices.motion, parent=others, author=verified_user())
    told = notify.notify_of_argument(argument_id=answer.pk, posted=True)
    [followed] = [n for n in told if n.recipient == alice]
    assert followed.kind == "followed"
    assert [m.to for m in mailoutbox] == [[bob.email]]  # the reply to Bob, not Alice's follow
    mention = ArgumentFactory(motion=alices.motion, author=bob, details="@Alice Archer")
    notify.notify_of_argument(argument_id=mention.pk, posted=False)
    assert len(mailoutbox) == 1
    notify.mark_all_read(member=alice)
    assert not mailing.send_reply_email(followed.pk)


def digest_due_for(alice, bob, alices, frequency):
    notify.save_preferences(member=alice, follow_own=True, email_replies=False, digest=frequency)
    for _ in range(3):
        notify.notify_of_argument(
            argument_id=ArgumentFactory(motion=alices.motion, parent=alices, author=bob).pk,
            posted=True,
        )


@pytest.mark.parametrize("frequency, every", [("daily", 1), ("weekly", 7)])
def test_digests_go_once_per_period_with_what_is_unread(
    mailoutbox, alice, bob, alices, frequency, every
):
    digest_due_for(alice, bob, alices, frequency)
    notify.mark_read(member=alice, notification_id=Notification.objects.first().pk)
    assert mailing.send_due_digests() == 1
    [mail] = mailoutbox
    assert (
        "2 unread notifications" in mail.subject
        and mail.body.count("Bob Baker argued for your argument") == 2
    )
    assert "List-Unsubscribe" in mail.extra_headers and "digest" in mail.subject + mail.body
    # Something new the same period waits for the next.
    notify.notify_of_argument(
        argument_id=ArgumentFactory(parent=alices, author=bob, motion=alices.motion).pk, posted=True
    )
    assert mailing.send_due_digests() == 0
    Preferences.objects.filter(member=alice).update(
        digest_sent_at=timezone.now() - timedelta(days=every)
    )
    assert mailing.send_due_digests() == 1
    assert mailoutbox[1].body.count("Bob Baker argued for your argument") == 1


def test_no_digest_when_off_or_nothing_new(mailoutbox, alice, bob, alices):
    digest_due_for(alice, bob, alices, "off")
    assert mailing.send_due_digests() == 0
    notify.save_preferences(member=alice, follow_own=True, email_replies=False, digest="daily")
    notify.mark_all_read(member=alice)
    assert mailing.send_due_digests() == 0 and mailoutbox == []


def test_the_digest_task_runs_on_the_worker(mailoutbox, alice, bob, alices):
    from notifications import tasks

    digest_due_for(alice, bob, alices, "weekly")
    tasks.send_digests.enqueue()
    assert len(mailoutbox) == 1


def test_the_digest_leaves_out_what_has_been_hidden_since(
    mailoutbox, alice, bob, alices, moderator
):
    digest_due_for(alice, bob, alices, "daily")
    for notification in Notification.objects.all()[:2]:
        moderation.hide_argument(moderator=moderator, argument=notification.argument, reason="x")
    mailing.send_due_digests()
    assert mailoutbox[0].body.count("Bob Baker argued for your argument") == 1


# --- The member's live channel -----------------------------------------------------------------


def test_member_paths_are_signed_and_unknown_ones_refused(alice):
    path = live.paths.member_channel_path(alice.pk)
    assert live.channel_for(path) == fanout.member_channel(alice.pk)
    head, _, token = path.rstrip("/").rpartition("/")
    forged = f"{head}/{alice.pk + 1}{token[len(str(alice.pk)) :]}/"
    for wrong in [forged, f"{head}/{alice.pk}/", f"{path}x/", "/live/members/", path[:-1]]:
        assert live.channel_for(wrong) is None
    assert run(request(forged))[0]["status"] == 404


def test_a_members_token_is_good_for_a_day(alices, alice, monkeypatch):
    """A token that leaked stops telling when she has news or how she voted; a page open longer
    keeps its debate's events (and gets a new token on reload)."""
    member_path = live.paths.member_channel_path(alice.pk)
    page_path, _, query = live.channel_path(alices.motion_id, alice.pk).partition("?")
    assert live.paths.channels_for(page_path, query) == (
        alices.motion_id,
        fanout.member_channel(alice.pk),
    )
    later = time.time() + live.paths.MEMBER_TOKEN_MAX_AGE + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert live.channel_for(member_path) is None
    assert live.paths.channels_for(page_path, query) == (alices.motion_id,)
    assert live.paths.channels_for(
        page_path, live.channel_path(alices.motion_id, alice.pk).partition("?")[2]
    ) == (alices.motion_id, fanout.member_channel(alice.pk))


def test_a_page_stream_takes_its_members_channel_signed_and_nothing_else(alices, alice):
    motion_path = live.channel_path(alices.motion_id)
    token = live.channel_path(alices.motion_id, alice.pk).partition("?member=")[2]
    forged = f"{alice.pk + 1}{token[len(str(alice.pk)) :]}"
    assert live.paths.channels_for(motion_path, f"member={token}") == (
        alices.motion_id,
        fanout.member_channel(alice.pk),
    )
    assert live.paths.channels_for("/live/home/", f"member={token}")[0] == live.HOME
    member_path = live.paths.member_channel_path(alice.pk)
    for path, query in [
        (motion_path, f"member={forged}"),
        (motion_path, f"member={alice.pk}"),
        (motion_path, "member="),
        (motion_path, f"member={token}&member={token}"),
        (member_path, f"member={token}"),  # a member's path takes no second member
    ]:
        assert live.paths.channels_for(path, query) is None
        assert run(request(f"{path}?{query}"))[0]["status"] == 404


def test_the_live_bell_is_the_bell_of_a_reload(alice, bob, alices, reply):
    reply(bob, alices)
    event = fanout.LiveEvent(1, None, "member-notified", {"member_id": alice.pk})
    assert event.channels == (fanout.member_channel(alice.pk),)
    message = render_event(event, "member")
    assert '<hx-partial hx-target="#bell-count" hx-swap="outerHTML">' in message
    assert 'class="badge site-nav__count bell__count">1<' in message


def test_the_command_queues_the_digests(mailoutbox, alice, bob, alices):
    from io import StringIO

    from django.core.management import call_command

    digest_due_for(alice, bob, alices, "daily")
    out = StringIO()
    call_command("send_digests", stdout=out)
    assert "Queued the digests" in out.getvalue()
    assert [m.to for m in mailoutbox] == [[alice.email]]


@pytest.mark.django_db(transaction=True)
def test_the_members_stream_rings_and_catches_up_on_both_databases():
    """Through the broker of the database in use: in-process on SQLite, NOTIFY (of no motion)
    on PostgreSQL; a page back after a drop gets the bell as it stands."""
    alice = verified_user(display_name="Alice Archer")
    argument = ArgumentFactory(author=alice)
    reply = ArgumentFactory(parent=argument, motion=argument.motion)
    path = live.paths.member_channel_path(alice.pk)
    her_session = session_of(alice)
    live.reset_broker()

    async def scenario():
        first = await request(path, headers=[her_session], until=2)
        assert first[0]["status"] == 200
        seen = int(first[2]["body"].decode().removeprefix("id: ").strip())
        await asyncio.to_thread(notify.notify_of_argument, argument_id=reply.pk, posted=True)
        await asyncio.sleep(0.5)
        headers = [(b"last-event-id", str(seen).encode()), her_session]
        again = await request(path, headers=headers, until=2)
        return again[2]["body"].decode()

    try:
        caught_up = run(scenario())
    finally:
        run(live.broker().close())
        live.reset_broker()
    assert 'hx-target="#bell-count"' in caught_up
    assert 'bell__count">1<span class="visually-hidden"> unread</span>' in caught_up


@pytest.mark.django_db(transaction=True)
def test_one_page_stream_carries_the_debate_and_the_bell_and_catches_up_on_both():
    """A signed-in motion page's one stream: an argument in its debate and its member's bell,
    each as a reload shows it, live and again after a drop (Last-Event-ID), on both databases."""
    alice = verified_user(display_name="Alice Archer")
    argument = ArgumentFactory(author=alice)
    path = live.channel_path(argument.motion_id, alice.pk)
    her_session = session_of(alice)
    live.reset_broker()

    def bob_replies():
        with transaction.atomic():
            services.post_argument(
                author=verified_user(display_name="Bob Baker"),
                motion=argument.motion,
                parent=argument,
                stance="con",
                claim="Bob's live answer.",
            )

    async def scenario():
        first = await request(path, headers=[her_session], until=2)
        assert first[0]["status"] == 200
        seen = int(first[2]["body"].decode().removeprefix("id: ").strip())
        await asyncio.to_thread(bob_replies)
        await asyncio.sleep(0.5)
        headers = [(b"last-event-id", str(seen).encode()), her_session]
        again = await request(path, headers=headers, until=3)
        return "".join(m.get("body", b"").decode() for m in again[1:])

    try:
        caught_up = run(scenario())
    finally:
        run(live.broker().close())
        live.reset_broker()
    assert "Bob&#x27;s live answer." in caught_up
    assert 'hx-target="#bell-count"' in caught_up
    assert 'bell__count">1<span class="visually-hidden"> unread</span>' in caught_up
