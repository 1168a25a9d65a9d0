"""A member's live channel answers only her own session: her token names the channel (it is in
the address, so a saved page or a proxy's log can leak it), and the session cookie she holds
proves that she is the one asking. Without it, her token counts as expired: a page's stream keeps
its debate's events without hers, and her own stream alone is refused."""

import asyncio
from importlib import import_module

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from accounts.services import grant_moderator
from debates import live, services
from debates.live import endpoint
from debates.models import Motion
from tests.event_loops import run
from tests.factories import ArgumentFactory, MotionFactory, verified_user
from tests.test_live import request, session_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("tasks_run_at_once"),
]
BELL = 'hx-target="#bell-count"'


@pytest.fixture
def alice():
    return verified_user(display_name="Alice Archer")


@pytest.fixture
def bob():
    return verified_user(display_name="Bob Baker")


@pytest.fixture
def alices(alice):
    return ArgumentFactory(author=alice, motion=MotionFactory(author=alice))


def cookie(value) -> tuple:
    return (b"cookie", f"{settings.SESSION_COOKIE_NAME}={value}".encode())


def signed_out_session(member) -> tuple:
    """The cookie of a session she has since signed out of, as a saved copy of it would hold."""
    client = Client()
    client.force_login(member)
    held = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.logout()
    return cookie(held)


async def read(path, headers=(), bodies=2, linger=0.0):
    """What the endpoint sends: its status and the text of its messages, read until `bodies`
    chunks (its "retry:" first) and then `linger` seconds more, so that a test can tell that
    nothing else was coming."""
    sent, hang_up, enough = [], asyncio.Event(), asyncio.Event()

    async def receive():
        await hang_up.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)
        if message["type"] == "http.response.start" and message["status"] != 200:
            enough.set()
        if len([m for m in sent if m["type"] == "http.response.body"]) >= bodies:
            enough.set()

    path, _, query = path.partition("?")
    scope = {"type": "http", "path": path, "query_string": query.encode(), "method": "GET"}
    scope["headers"] = list(headers)
    answering = asyncio.create_task(live.app(scope, receive, send))
    await asyncio.wait_for(enough.wait(), 10)
    await asyncio.sleep(linger)
    hang_up.set()
    await asyncio.wait_for(answering, 10)
    text = "".join(m.get("body", b"").decode() for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], text


def bob_replies_to(bob, argument):
    """An event in the debate, and one on the author's own channel (her bell)."""
    with transaction.atomic():
        services.post_argument(
            author=bob, motion=argument.motion, parent=argument, stance="con", claim="Bob's say."
        )


def since_a_reply(bob, argument, asks):
    """Each of `asks` ((path, headers, bodies, linger)) read after Bob replied, catching up from
    before it (Last-Event-ID), as a page that reconnects does."""

    async def scenario():
        first = await request(live.channel_path(argument.motion_id), until=2)
        seen = first[2]["body"].decode().removeprefix("id: ").strip()
        await asyncio.to_thread(bob_replies_to, bob, argument)
        await asyncio.sleep(0.5)
        last = (b"last-event-id", seen.encode())
        return [
            await read(path, [last, *headers], bodies, linger)
            for path, headers, bodies, linger in asks
        ]

    return run(scenario())


def test_her_token_with_her_session_gets_her_events(live_broker, alice, bob, alices):
    hers = [session_of(alice)]
    on_her_page, on_home, alone = since_a_reply(
        bob,
        alices,
        [
            (live.channel_path(alices.motion_id, alice.pk), hers, 3, 0),
            (live.channel_path(None, alice.pk), hers, 3, 0),
            (live.paths.member_channel_path(alice.pk), hers, 2, 0),
        ],
    )
    for status, text in (on_her_page, on_home, alone):
        assert status == 200 and BELL in text
    assert "Bob&#x27;s say." in on_her_page[1]


@pytest.mark.parametrize(
    "who", ["nobody", "another member", "signed out", "closed", "new password"]
)
def test_her_token_without_her_live_session_gets_none_of_her_events(
    live_broker, alice, bob, alices, who
):
    """As if her token had expired: the debate's events go on, hers stop; her stream alone is
    refused."""
    if who == "nobody":
        headers = []
    elif who == "another member":
        headers = [session_of(bob)]
    elif who == "signed out":
        headers = [signed_out_session(alice)]
    else:
        headers = [session_of(alice)]
        if who == "closed":
            type(alice).objects.filter(pk=alice.pk).update(is_active=False)
        else:  # Django signs her other sessions out
            alice.set_password("a new secret, 1234")
            alice.save()
    page, home, alone = since_a_reply(
        bob,
        alices,
        [
            (live.channel_path(alices.motion_id, alice.pk), headers, 2, 0.5),
            (live.channel_path(None, alice.pk), headers, 2, 0.5),
            (live.paths.member_channel_path(alice.pk), headers, 2, 0),
        ],
    )
    assert page[0] == 200 and "Bob&#x27;s say." in page[1] and BELL not in page[1]
    assert home[0] == 200 and "id: " in home[1] and BELL not in home[1]
    assert alone == (404, "")


def test_a_hidden_motions_stream_needs_its_authors_session_too(live_broker, alice, bob):
    """Its events hold the slug made from the title the hiding withholds: her token alone, in
    anyone else's hands, opens nothing."""
    hidden = MotionFactory(author=alice, visibility=Motion.Visibility.HIDDEN)
    path = live.channel_path(hidden.pk, alice.pk)
    asking = [[session_of(alice)], [], [session_of(bob)], [signed_out_session(alice)]]

    async def statuses():
        return [(await read(path, headers, bodies=1))[0] for headers in asking]

    assert run(statuses()) == [200, 404, 404, 404]


def test_a_moderators_home_stream_is_rendered_for_moderators_and_no_one_elses(alice, alices):
    """Her home page lists hidden motions: its events are rendered so (debates.live.render)
    only where her session proves who asks; a debate's stream asks nothing of the kind."""
    moderator = verified_user()
    grant_moderator(user=moderator)
    keys = {}
    for member in (alice, moderator):
        client = Client()
        client.force_login(member)
        keys[member] = client.cookies[settings.SESSION_COOKIE_NAME].value

    assert endpoint._admitted(None, moderator.pk, keys[moderator])[3] is True
    assert endpoint._admitted(None, moderator.pk, None)[3] is False
    assert endpoint._admitted(None, moderator.pk, keys[alice])[3] is False
    assert endpoint._admitted(None, alice.pk, keys[alice])[3] is False
    assert endpoint._admitted(alices.motion_id, moderator.pk, keys[moderator])[3] is False


def test_a_member_stream_costs_one_check_and_others_nothing_more(
    live_broker, alice, alices, monkeypatch
):
    """The motion, her session (from the cache, or one query where sessions live in the
    database alone) and her account: read once as the stream opens, on a worker thread."""
    key = Client()
    key.force_login(alice)
    session_key = key.cookies[settings.SESSION_COOKIE_NAME].value
    session_queries = int(settings.SESSION_ENGINE == "django.contrib.sessions.backends.db")
    with CaptureQueriesContext(connection) as anonymous:
        assert endpoint._admitted(alices.motion_id, None, None) == (True, False, False, False)
    with CaptureQueriesContext(connection) as hers:
        assert endpoint._admitted(alices.motion_id, alice.pk, session_key) == (
            True,
            True,
            False,
            False,
        )
    with CaptureQueriesContext(connection) as no_cookie:
        assert endpoint._admitted(alices.motion_id, alice.pk, None) == (True, False, False, False)
    assert len(anonymous) == 1 and len(no_cookie) == 1
    assert len(hers) == 2 + session_queries

    def refused(*args):
        raise AssertionError("a home page's public stream reads nothing")

    monkeypatch.setattr(endpoint, "_admitted", refused)
    assert run(read(live.channel_path(), bodies=1))[0] == 200


def test_the_check_leaves_a_session_signed_with_a_retired_key_as_it_was(alice):
    """A page moves such a session to a new key and sends it back as a cookie; a stream sends
    none, so its check must not move or end the session her browser names."""
    retired = settings.SECRET_KEY
    client = Client()
    client.force_login(alice)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    store = import_module(settings.SESSION_ENGINE).SessionStore
    with override_settings(
        SECRET_KEY="a-new-secret-key-" + "x" * 40, SECRET_KEY_FALLBACKS=[retired]
    ):
        assert endpoint._signed_in_member(alice.pk, key) == alice
        assert store().exists(key)
        assert client.get("/").wsgi_request.user == alice
