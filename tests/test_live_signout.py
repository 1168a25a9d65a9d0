"""Signing out ends her own live events on the streams of that session at once: a debate's
stream tells its page it is out of date and carries on with the debate as the public reads it
(nothing the page would still take as a member's, such as a new argument's "Flag"), as a reload
would show it; her own stream alone ends, and her streams in a session still signed in go on as
before. A page of hers that comes back after she signed out is told the same. Through the
process's broker, so on PostgreSQL across processes (LISTEN/NOTIFY) as on SQLite in the
process."""

import asyncio

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test import Client

from accounts.services import grant_moderator
from debates import live, moderation, services
from debates.events import MEMBER_NOTIFIED, VOTE_CHANGED, DebateEvent
from debates.live import fanout, signout
from debates.models import Motion
from tests.event_loops import run
from tests.factories import ArgumentFactory, MotionFactory, verified_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("tasks_run_at_once"),
]
BELL = 'hx-target="#bell-count"'
STALE = 'class="live__stale"'
# What members and a new argument's author see differently, which a member's page takes as hers.
FOR_MEMBERS = 'hx-target="#live-own"'


def signed_in(member) -> tuple[Client, tuple]:
    client = Client()
    client.force_login(member)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return client, (b"cookie", f"{settings.SESSION_COOKIE_NAME}={value}".encode())


class Reading:
    """One open stream: what the endpoint sent, until the test hangs up (or it ends itself)."""

    def __init__(self, path, headers):
        self.sent, self.hang_up = [], asyncio.Event()
        path, _, query = path.partition("?")
        scope = {"type": "http", "path": path, "query_string": query.encode(), "method": "GET"}
        scope["headers"] = list(headers)
        self.task = asyncio.create_task(live.app(scope, self.receive, self.send))

    async def receive(self):
        await self.hang_up.wait()
        return {"type": "http.disconnect"}

    async def send(self, message):
        self.sent.append(message)

    @property
    def text(self):
        bodies = (m.get("body", b"") for m in self.sent if m["type"] == "http.response.body")
        return b"".join(bodies).decode()

    async def opened(self):
        # "retry:" and the first id: subscribed, listening.
        while len([m for m in self.sent if m["type"] == "http.response.body"]) < 2:
            await asyncio.sleep(0.02)

    async def close(self):
        ended_by_itself = self.task.done()
        self.hang_up.set()
        await asyncio.wait_for(self.task, 10)
        return ended_by_itself


async def read_while(streams: dict, act):
    """Open each stream ({name: (path, cookie)}), run `act` in a thread once all are listening,
    and give a second for what follows: what each sent, and whether each ended by itself."""
    readings = {name: Reading(path, [cookie]) for name, (path, cookie) in streams.items()}
    for reading in readings.values():
        await asyncio.wait_for(reading.opened(), 10)
    await asyncio.to_thread(act)
    await asyncio.sleep(1.0)
    ended = {name: await reading.close() for name, reading in readings.items()}
    return {name: reading.text for name, reading in readings.items()}, ended


def test_signing_out_stops_her_events_on_that_sessions_streams_alone(live_broker):
    alice, bob = verified_user(display_name="Alice Archer"), verified_user()
    hers = ArgumentFactory(author=alice, motion=MotionFactory(author=alice))
    leaving, leaving_cookie = signed_in(alice)
    _, staying_cookie = signed_in(alice)
    page = live.channel_path(hers.motion_id, alice.pk)
    alone = live.paths.member_channel_path(alice.pk)

    def sign_out_then_bob_replies():
        try:
            leaving.logout()
            with transaction.atomic():
                services.post_argument(
                    author=bob, motion=hers.motion, parent=hers, stance="con", claim="Bob's say."
                )
        finally:
            connections.close_all()  # this thread's, before the test database goes

    streams = {
        "page signed out": (page, leaving_cookie),
        "alone signed out": (alone, leaving_cookie),
        "page still in": (page, staying_cookie),
        "alone still in": (alone, staying_cookie),
    }
    texts, ended = run(read_while(streams, sign_out_then_bob_replies))

    out, still_in = texts["page signed out"], texts["page still in"]
    assert "Bob&#x27;s say." in out and BELL not in out
    assert out.index(STALE) < out.index("Bob&#x27;s say.")
    assert FOR_MEMBERS not in out
    assert ended["alone signed out"] and BELL not in texts["alone signed out"]
    assert "Bob&#x27;s say." in still_in and BELL in still_in
    # (On PostgreSQL it may have the listener's own gap notice too: not the sign-out's.)
    assert FOR_MEMBERS in still_in
    assert not ended["alone still in"] and BELL in texts["alone still in"]
    assert not ended["page signed out"] and not ended["page still in"]


def test_her_page_back_after_she_signed_out_is_told_it_is_out_of_date(live_broker):
    """Reconnecting with her token and the session she signed out of (the sign-out unheard, or
    heard before the page dropped): out of date at once, and the debate as the public reads it,
    on a debate's page and the home page; her stream in a session still signed in as before."""
    alice, bob = verified_user(display_name="Alice Archer"), verified_user()
    hers = ArgumentFactory(author=alice, motion=MotionFactory(author=alice))
    leaving, leaving_cookie = signed_in(alice)
    _, staying_cookie = signed_in(alice)
    leaving.logout()
    page = live.channel_path(hers.motion_id, alice.pk)

    def bob_replies():
        try:
            with transaction.atomic():
                services.post_argument(
                    author=bob, motion=hers.motion, parent=hers, stance="con", claim="Bob's say."
                )
        finally:
            connections.close_all()

    async def scenario():
        readings = {
            "page": Reading(page, [leaving_cookie]),
            "home": Reading(live.channel_path(None, alice.pk), [leaving_cookie]),
            "page still in": Reading(page, [staying_cookie]),
        }
        for reading in readings.values():
            await asyncio.wait_for(reading.opened(), 10)
        await asyncio.to_thread(bob_replies)
        await asyncio.sleep(1.0)
        for reading in readings.values():
            await reading.close()
        return {name: reading.text for name, reading in readings.items()}

    texts = run(scenario())

    assert STALE in texts["page"] and "Bob&#x27;s say." in texts["page"]
    assert FOR_MEMBERS not in texts["page"] and BELL not in texts["page"]
    assert STALE in texts["home"] and BELL not in texts["home"]
    # Still a member's page (on PostgreSQL it may also have the listener's own gap notice, of
    # a stream that opened while the listener connected: not the sign-out's).
    assert FOR_MEMBERS in texts["page still in"]


def test_signing_out_ends_her_stream_of_a_motion_only_she_may_read(live_broker):
    """A hidden motion's stream is open to its author and moderators alone: once she signs out,
    her page there is told it is out of date and its stream ends, rather than carrying on with
    the public's events of a debate the public may not read (they name it by its slug)."""
    alice, moderator = verified_user(), verified_user()
    grant_moderator(user=moderator)
    motion = MotionFactory(author=alice, visibility=Motion.Visibility.HIDDEN)
    hers = ArgumentFactory(author=alice, motion=motion, claim="Her standing claim.")
    leaving, leaving_cookie = signed_in(alice)
    _, staying_cookie = signed_in(alice)
    page = live.channel_path(motion.pk, alice.pk)

    def sign_out_then_a_moderator_acts():
        try:
            leaving.logout()
            moderation.hide_argument(moderator=moderator, argument=hers, reason="Abusive.")
        finally:
            connections.close_all()

    streams = {"signed out": (page, leaving_cookie), "still in": (page, staying_cookie)}
    texts, ended = run(read_while(streams, sign_out_then_a_moderator_acts))

    out = texts["signed out"]
    assert ended["signed out"] and STALE in out
    assert f'id="body-{hers.pk}"' not in out and motion.slug not in out.split(STALE, 1)[1]
    still_in = texts["still in"]
    assert not ended["still in"] and f'id="body-{hers.pk}"' in still_in and motion.slug in still_in


def test_the_sign_out_names_the_session_by_a_digest_after_the_commit(monkeypatch):
    heard = fanout.LocalBroker()
    monkeypatch.setattr(signout, "broker", lambda: heard)
    caught = []
    monkeypatch.setattr(heard, "_deliver", caught.append)
    alice = verified_user()
    client, _ = signed_in(alice)
    key = client.session.session_key

    with transaction.atomic():
        client.logout()
        assert caught == []

    [event] = caught
    assert event.motion_id is None and event.kind == signout.MEMBER_SIGNED_OUT
    assert event.channels == (fanout.member_channel(alice.pk),)
    assert event.ids["session"] == signout.session_mark(key) and key not in str(event.ids)


def test_a_page_that_leaves_her_channel_keeps_its_debates():
    hub = fanout.LocalBroker()
    hers = fanout.member_channel(7)
    subscription = hub.subscribe(3, hers)

    hub.leave(subscription, hers)
    hub.publish(DebateEvent(motion_id=None, kind=MEMBER_NOTIFIED, ids={"member_id": 7}))
    hub.publish(DebateEvent(motion_id=3, kind=VOTE_CHANGED))

    assert subscription.channels == (3,)
    assert hers not in hub.subscribers
    assert [subscription.queue.get_nowait().motion_id] == [3] and subscription.queue.empty()
