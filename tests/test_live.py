"""The live broker and stream: publish, subscribe, catch up, on-commit only, on both databases."""

import asyncio
import gc
import re
import threading
import uuid

import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from debates import events, fragments, live, moderation, services, voting
from debates.live import fanout, postgres, stream
from debates.live.render import render_event
from debates.models import Argument, Motion
from tests.event_loops import run
from tests.factories import ArgumentFactory, MotionFactory, UserFactory, verified_user


def event(motion_id=1, kind=events.VOTE_CHANGED, **ids):
    return events.DebateEvent(motion_id, kind, ids or {"claim": "motion", "claim_id": motion_id})


async def next_item(subscription):
    return await asyncio.wait_for(subscription.queue.get(), 5)


# --- The in-process broker ---------------------------------------------------------------------


def test_subscribers_get_their_motions_events_and_home_gets_all():
    async def scenario():
        hub = fanout.LocalBroker()
        await hub.start()
        first, second, home = hub.subscribe(1), hub.subscribe(2), hub.subscribe(live.HOME)
        hub.publish(event(1))
        hub.publish(event(2))
        await asyncio.sleep(0)
        assert [(await next_item(first)).motion_id] == [1]
        assert (await next_item(second)).motion_id == 2
        assert [(await next_item(home)).id, (await next_item(home)).id] == [1, 2]
        assert first.queue.empty()

    run(scenario())


def test_publishing_from_another_thread_reaches_the_loop():
    async def scenario():
        hub = fanout.LocalBroker()
        await hub.start()
        subscription = hub.subscribe(7)
        thread = threading.Thread(target=hub.publish, args=(event(7),))
        thread.start()
        thread.join()
        assert (await next_item(subscription)).motion_id == 7

    run(scenario())


def test_catch_up_gives_exactly_what_was_missed():
    hub = fanout.LocalBroker()
    for _ in range(5):
        hub.publish(event(3))
    hub.publish(event(4))

    backlog, complete = hub.missed(3, last_event_id=2)

    assert complete
    assert [e.id for e in backlog] == [3, 4, 5]


def test_catch_up_admits_a_gap_once_the_backlog_has_moved_on():
    hub = fanout.LocalBroker()
    for _ in range(fanout.BACKLOG_SIZE + 10):
        hub.publish(event(3))

    _, complete_recent = hub.missed(3, last_event_id=fanout.BACKLOG_SIZE + 5)
    _, complete_old = hub.missed(3, last_event_id=2)
    _, complete_future = hub.missed(3, last_event_id=10**9)

    assert complete_recent
    assert not complete_old
    assert not complete_future, "an id from before a restart cannot be caught up"


def test_a_slow_page_is_cut_off_instead_of_buffered_without_bound():
    async def scenario():
        hub = fanout.LocalBroker()
        await hub.start()
        slow = hub.subscribe(1)
        for _ in range(fanout.QUEUE_SIZE + 5):
            hub.publish(event(1))
        await asyncio.sleep(0)
        assert slow.queue.qsize() == 1
        assert await next_item(slow) is fanout.CLOSE

    run(scenario())


def test_closing_ends_every_stream():
    async def scenario():
        hub = fanout.LocalBroker()
        await hub.start()
        subscription = hub.subscribe(1)
        await hub.close()
        assert await next_item(subscription) is fanout.CLOSE

    run(scenario())


# --- Publishing only what commits --------------------------------------------------------------


@pytest.mark.django_db
def test_events_are_published_only_after_commit(
    recording_broker, django_capture_on_commit_callbacks
):
    motion = MotionFactory()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        events.announce(motion.pk, events.MOTION_CHANGED)
        raise RuntimeError("rolled back")
    assert callbacks == [] and recording_broker.high_water == 0

    with django_capture_on_commit_callbacks(execute=True):
        services.post_argument(
            author=verified_user(), motion=motion, parent=None, stance="pro", claim="Committed."
        )
    [published] = list(recording_broker.backlogs[motion.pk])
    assert published.kind == events.ARGUMENT_POSTED


@pytest.mark.django_db
def test_every_write_announces_itself(recording_broker, django_capture_on_commit_callbacks):
    member = verified_user()
    motion = MotionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        argument, _ = services.post_argument(
            author=member, motion=motion, parent=None, stance="con", claim="One."
        )
        voting.cast_vote(voter=UserFactory(), claim=argument, choice="agree")
        services.edit_argument(editor=member, argument=argument, claim="Two.")
        services.retract_argument(author=member, argument=argument)
    kinds = [e.kind for e in recording_broker.backlogs[motion.pk]]
    assert kinds == [
        events.ARGUMENT_POSTED,
        events.VOTE_CHANGED,
        events.ARGUMENT_CHANGED,
        events.ARGUMENT_CHANGED,
    ]


def test_an_unknown_event_kind_is_a_bug():
    with pytest.raises(ValueError):
        events.announce(1, "argument-deleted")


# --- What a page is sent -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_hidden_claims_text_is_never_streamed():
    argument = ArgumentFactory(claim="Secret abuse", visibility=Argument.Visibility.HIDDEN)
    live_event = fanout.LiveEvent(
        1, argument.motion_id, events.ARGUMENT_CHANGED, {"argument_id": argument.pk}
    )

    html = render_event(live_event, "motion")

    assert f'<hx-partial hx-target="#body-{argument.pk}" hx-swap="outerHTML">' in html
    assert "Secret abuse" not in html and "[hidden by a moderator]" in html


@pytest.mark.django_db
def test_a_changed_arguments_vote_form_comes_back_to_the_motion_as_a_reloads_does():
    argument = ArgumentFactory()
    live_event = fanout.LiveEvent(
        1, argument.motion_id, events.ARGUMENT_CHANGED, {"argument_id": argument.pk}
    )

    html = render_event(live_event, "motion")

    assert f'name="next" value="{argument.motion.get_absolute_url()}' in html
    assert "__crux_" not in html and "csrfmiddlewaretoken" not in html


@pytest.mark.django_db
def test_event_messages_target_the_pages_elements():
    argument = ArgumentFactory(agree_count=3, disagree_count=1)
    motion = argument.motion
    posted = fanout.LiveEvent(1, motion.pk, events.ARGUMENT_POSTED, {"argument_id": argument.pk})
    vote = fanout.LiveEvent(
        2, motion.pk, events.VOTE_CHANGED, {"claim": "argument", "claim_id": argument.pk}
    )
    locked = fanout.LiveEvent(3, motion.pk, events.MOTION_CHANGED, {})

    assert '<hx-partial hx-target="#replies-motion" hx-swap="beforeend">' in render_event(
        posted, "motion"
    )
    vote_html = render_event(vote, "motion")
    assert (
        f'hx-target="#vote-argument-{argument.pk}-agree-count" hx-swap="innerHTML">3<' in vote_html
    )
    assert f'hx-target="#balance-{motion.pk}"' in vote_html
    assert 'hx-target="#motion-status"' in render_event(locked, "motion")
    assert f'hx-target="#motion-card-{motion.pk}"' in render_event(vote, "home")


def test_a_hidden_motion_leaves_the_public_home_page_and_shows_hidden_on_a_moderators(db):
    """As a reload lists it: gone for the public, with its title nowhere in the message; on a
    moderator's home page (which lists hidden motions) with its "Hidden" badge."""
    motion = MotionFactory(title="A title the hiding withholds")
    hidden = fanout.LiveEvent(1, motion.pk, events.MOTION_CHANGED, {})
    Motion.objects.filter(pk=motion.pk).update(visibility=Motion.Visibility.HIDDEN)

    public = render_event(hidden, fanout.HOME)
    assert (
        f'<hx-partial hx-target="#motion-card-{motion.pk}" hx-swap="outerHTML"><li '
        f'class="motion-card" id="motion-card-{motion.pk}" hidden></li></hx-partial>'
    ) in public
    assert "A title the hiding withholds" not in public
    moderators = render_event(hidden, fanout.HOME_FOR_MODERATORS)
    assert f'<hx-partial hx-target="#motion-card-{motion.pk}" hx-swap="outerHTML">' in moderators
    assert "A title the hiding withholds" in moderators
    assert '<span class="badge badge--hidden">Hidden</span>' in moderators


BALANCE = re.compile(r'<figure class="balance" id="balance-\d+">.*?</figure>', re.S)


@pytest.mark.django_db
def test_a_top_level_arguments_events_bring_the_balance_a_reload_shows(client):
    """Posting, hiding or retracting a top-level argument moves the motion's balance: its event
    brings the balance as a reload now shows it; a reply's does not touch it."""
    motion = MotionFactory()
    ArgumentFactory(motion=motion, stance="pro")
    con = ArgumentFactory(motion=motion, stance="con")
    reply = ArgumentFactory(motion=motion, parent=con)

    def reloaded():
        return BALANCE.search(client.get(motion.get_absolute_url()).content.decode())[0]

    def sent(kind, argument):
        live_event = fanout.LiveEvent(1, motion.pk, kind, {"argument_id": argument.pk})
        found = BALANCE.search(render_event(live_event, "motion"))
        return found[0] if found else None

    assert sent(events.ARGUMENT_POSTED, con) == reloaded()
    assert "1 pro, 1 con" in reloaded()
    Argument.objects.filter(pk=con.pk).update(visibility=Argument.Visibility.HIDDEN)
    events.stamp_activity(motion.pk)  # as every committed change does
    assert sent(events.ARGUMENT_CHANGED, con) == reloaded()
    assert "1 pro, 0 con" in reloaded()
    assert sent(events.ARGUMENT_POSTED, reply) is None
    assert sent(events.ARGUMENT_CHANGED, reply) is None


def test_messages_are_framed_as_server_sent_events():
    assert stream.encode(5, "<p>a</p>\n\n<p>b</p>") == b"id: 5\ndata: <p>a</p>\ndata: <p>b</p>\n\n"
    assert stream.encode(None, "x") == b"data: x\n\n"


def test_live_paths_name_their_channels():
    assert live.channel_for(live.channel_path(12)) == 12
    assert live.channel_for(live.channel_path()) == live.HOME
    for path in ["/live/motions/x/", "/live/motions/1/extra/", "/live/", "/motions/1/"]:
        assert live.channel_for(path) is None


# --- The endpoint, end to end -----------------------------------------------------------------


async def request(path, method="GET", headers=(), until=2):
    """Call the SSE app; collect what it sends until `until` body chunks, then hang up."""
    sent, hang_up = [], asyncio.Event()

    async def receive():
        await hang_up.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)
        if len([m for m in sent if m["type"] == "http.response.body"]) >= until:
            hang_up.set()

    path, _, query = path.partition("?")
    scope = {"type": "http", "path": path, "query_string": query.encode(), "method": method}
    scope["headers"] = list(headers)
    await asyncio.wait_for(live.app(scope, receive, send), 10)
    return sent


def session_of(member) -> tuple:
    """The cookie header of a browser signed in as `member`: a stream gives a member's own
    events only to her own session."""
    client = Client()
    client.force_login(member)
    name = settings.SESSION_COOKIE_NAME
    return (b"cookie", f"{name}={client.cookies[name].value}".encode())


def test_the_endpoint_refuses_what_it_does_not_serve():
    live.reset_broker()
    assert run(request("/live/motions/abc/"))[0]["status"] == 404
    assert run(request("/live/motions/1/", method="POST"))[0]["status"] == 405


@pytest.mark.django_db(transaction=True)
def test_the_endpoint_streams_and_catches_up_on_both_databases():
    live.reset_broker()
    motion = MotionFactory()
    argument = ArgumentFactory(motion=motion)

    async def scenario():
        first = await request(live.channel_path(motion.pk), until=2)
        start, hello = first[0], first[2]["body"].decode()
        assert start["status"] == 200
        assert (b"content-type", b"text/event-stream; charset=utf-8") in start["headers"]
        assert first[1]["body"].startswith(b"retry: ")
        seen = int(hello.removeprefix("id: ").strip())

        await asyncio.to_thread(
            lambda: voting.cast_vote(voter=UserFactory(), claim=argument, choice="agree")
        )
        await asyncio.sleep(0.5)

        again = await request(
            live.channel_path(motion.pk), headers=[(b"last-event-id", str(seen).encode())], until=2
        )
        caught_up = again[2]["body"].decode()
        assert caught_up.startswith(f"id: {seen + 1}\n")
        assert f"vote-argument-{argument.pk}-agree-count" in caught_up
        return type(live.broker())

    try:
        transport = run(scenario())
    finally:
        run(live.broker().close())
        live.reset_broker()
    # Across processes on PostgreSQL; SQLite serves one process, so events stay in it.
    postgresql = connection.vendor == "postgresql"
    assert transport is (postgres.PostgresBroker if postgresql else fanout.LocalBroker)


# --- A vote announces itself in its own statement (PostgreSQL) ---------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="LISTEN/NOTIFY and crux_cast_vote: PostgreSQL."
)


def activity(motion):
    return type(motion).objects.values_list("activity", flat=True).get(pk=motion.pk)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_bells_rung_together_are_heard_each_on_its_members_channel_in_order(heard):
    members = [UserFactory() for _ in range(3)]
    with transaction.atomic():
        events.announce_to_members([member.pk for member in members])
        assert heard() == []  # after the commit, as every event

    rung = heard()
    assert [event["ids"]["member_id"] for event in rung] == [member.pk for member in members]
    assert all(e["kind"] == events.MEMBER_NOTIFIED and e["motion_id"] is None for e in rung)
    assert [event["id"] for event in rung] == sorted({event["id"] for event in rung})


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_vote_on_its_own_is_announced_by_its_statement_once(heard, monkeypatch):
    motion = MotionFactory()
    argument = ArgumentFactory(motion=motion)
    monkeypatch.setattr(
        events, "announce", lambda *args, **ids: pytest.fail("announced again after the commit")
    )
    stamped = activity(motion)

    voting.cast_vote_at(
        voter=UserFactory(), slug=motion.slug, argument_id=argument.pk, choice="agree"
    )
    voting.cast_vote_at(voter=UserFactory(), slug=motion.slug, choice="disagree")

    # Each vote also tells its voter's own channel (tests/test_live_own_vote.py).
    first, second = [e for e in heard() if e["kind"] == events.VOTE_CHANGED]
    assert first.pop("id") < second.pop("id")
    assert first == {
        "motion_id": motion.pk,
        "kind": events.VOTE_CHANGED,
        "ids": {"claim": "argument", "claim_id": argument.pk},
    }
    assert second["ids"] == {"claim": "motion", "claim_id": motion.pk}
    assert activity(motion) == stamped + 2, "cached fragments must not outlive a vote"


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_refused_vote_announces_nothing(heard):
    argument = ArgumentFactory()
    stamped = activity(argument.motion)

    with pytest.raises(services.DebateRuleError):
        voting.cast_vote(voter=argument.author, claim=argument, choice="agree")

    assert heard() == [] and activity(argument.motion) == stamped


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_vote_inside_a_transaction_is_announced_once_that_commits(heard):
    argument = ArgumentFactory()

    with pytest.raises(RuntimeError), transaction.atomic():
        voting.cast_vote(voter=UserFactory(), claim=argument, choice="agree")
        raise RuntimeError("rolled back")
    assert heard() == []

    with transaction.atomic():
        voting.cast_vote(voter=UserFactory(), claim=argument, choice="agree")
        assert heard() == [], "nothing is announced before the commit"
    [announced] = [e for e in heard() if e["kind"] == events.VOTE_CHANGED]
    assert announced["ids"] == {"claim": "argument", "claim_id": argument.pk}


# --- Catch-up shows the debate as it is now (issue 15.1) ---------------------------------------


async def read(path, last_event_id=None, *, until):
    """The bodies a page reads from `path` until `until(bodies)` holds; then it hangs up."""
    headers = [] if last_event_id is None else [(b"last-event-id", str(last_event_id).encode())]
    sent, hang_up = [], asyncio.Event()

    async def receive():
        await hang_up.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)
        bodies = [m["body"].decode() for m in sent if m["type"] == "http.response.body"]
        if until(bodies):
            hang_up.set()

    scope = {"type": "http", "path": path, "method": "GET", "headers": headers}
    await asyncio.wait_for(live.app(scope, receive, send), 10)
    return "".join(m["body"].decode() for m in sent if m["type"] == "http.response.body")


async def wait_for(condition, timeout=5):
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timed out")


def heard_events(motion_id):
    return list(live.broker().backlogs.get(motion_id, ()))


def replay_after(motion, first_change, second_change, *, events_expected=2):
    """A page is open while `first_change` streams (so its message is rendered and kept), then
    `second_change` runs; what a fresh page asking for everything since id 0 is sent."""
    live.reset_broker()
    path = live.channel_path(motion.pk)

    async def scenario():
        await read(live.channel_path(), until=lambda bodies: len(bodies) >= 2)  # listener up
        reader = asyncio.create_task(
            read(
                path,
                until=lambda bodies: any(b.startswith("id: ") and "data:" in b for b in bodies),
            )
        )
        await wait_for(lambda: live.broker().subscribers.get(motion.pk))
        await asyncio.to_thread(first_change)
        shown = await reader
        await asyncio.to_thread(second_change)
        await wait_for(lambda: len(heard_events(motion.pk)) == events_expected)
        last = heard_events(motion.pk)[-1].id
        replayed = await read(
            path, 0, until=lambda bodies: any(b.startswith(f"id: {last}\n") for b in bodies)
        )
        return shown, replayed

    try:
        return run(scenario())
    finally:
        run(live.broker().close())
        live.reset_broker()


@pytest.mark.django_db(transaction=True)
def test_catch_up_never_replays_an_argument_hidden_since(moderator):
    motion = MotionFactory()
    posted = {}

    def post():
        posted["argument"], _ = services.post_argument(
            author=verified_user(), motion=motion, parent=None, stance="pro", claim="Leaked claim"
        )

    def hide():
        moderation.hide_argument(moderator=moderator, argument=posted["argument"], reason="Abuse.")

    shown, replayed = replay_after(motion, post, hide)

    assert "Leaked claim" in shown
    assert "Leaked claim" not in replayed
    assert f'id="argument-{posted["argument"].pk}"' in replayed, "the page still learns of it"
    assert "[hidden by a moderator]" in replayed


@pytest.mark.django_db(transaction=True)
def test_catch_up_never_replays_a_retracted_argument():
    motion = MotionFactory()
    author = verified_user()
    posted = {}

    def post():
        posted["argument"], _ = services.post_argument(
            author=author, motion=motion, parent=None, stance="con", claim="Withdrawn claim"
        )

    def retract():
        services.retract_argument(author=author, argument=posted["argument"])

    shown, replayed = replay_after(motion, post, retract)

    assert "Withdrawn claim" in shown
    assert "Withdrawn claim" not in replayed


@pytest.mark.django_db(transaction=True)
def test_catch_up_never_replays_a_motion_hidden_since(moderator):
    motion = MotionFactory(
        title="Leaked title", context="Leaked context", context_html="<p>Leaked context</p>"
    )

    def lock():
        moderation.lock_motion(moderator=moderator, motion=motion, reason="Cooling off.")

    def hide():
        moderation.hide_motion(moderator=moderator, motion=motion, reason="Spam.")

    shown, replayed = replay_after(motion, lock, hide)

    assert "Leaked title" in shown and "Leaked context" in shown
    assert "Leaked title" not in replayed and "Leaked context" not in replayed


@pytest.fixture
def rendered(monkeypatch):
    """Each rendering of an event the stream makes, as (event id, audience)."""
    renders = []
    real_render = stream.render_event_apart

    def counted(live, audience):
        renders.append((live.id, audience))
        return real_render(live, audience)

    monkeypatch.setattr(stream, "render_event_apart", counted)
    return renders


@pytest.mark.django_db(transaction=True)
def test_catch_up_sends_one_message_per_thing_changed(rendered):
    live.reset_broker()
    argument = ArgumentFactory()

    async def scenario():
        hub = live.broker()
        await hub.start()
        start = hub.high_water
        for choice in ("agree", "disagree", "agree"):
            await asyncio.to_thread(
                lambda c=choice: voting.cast_vote(voter=UserFactory(), claim=argument, choice=c)
            )
        # Each vote also tells its voter's own channel, which this page does not hear.
        await wait_for(lambda: len(heard_events(argument.motion_id)) == 3)
        last = heard_events(argument.motion_id)[-1].id
        return await read(
            live.channel_path(argument.motion_id),
            start,
            until=lambda bodies: any(b.startswith(f"id: {last}\n") for b in bodies),
        )

    try:
        replayed = run(scenario())
    finally:
        run(live.broker().close())
        live.reset_broker()
    assert replayed.count("-agree-count") == 1 and ">2</hx-partial>" in replayed
    assert len(rendered) == 1


@pytest.mark.django_db(transaction=True)
def test_an_event_is_rendered_once_for_every_open_page_of_an_audience(rendered):
    """Five pages open on one motion (issue 17: render once per event, not once per page)."""
    live.reset_broker()
    argument = ArgumentFactory()

    async def scenario():
        hub = live.broker()
        await hub.start()
        pages = [
            asyncio.create_task(
                read(
                    live.channel_path(argument.motion_id),
                    until=lambda bodies: any("-agree-count" in b for b in bodies),
                )
            )
            for _ in range(5)
        ]
        await wait_for(lambda: len(hub.subscribers.get(argument.motion_id, ())) == 5)
        await asyncio.to_thread(
            lambda: voting.cast_vote(voter=UserFactory(), claim=argument, choice="agree")
        )
        return await asyncio.gather(*pages)

    try:
        seen = run(scenario())
    finally:
        run(live.broker().close())
        live.reset_broker()
        # The pages' executor threads have ended; their database connections go with them now,
        # not whenever the collector comes by (the test database is dropped after this test).
        gc.collect()
    assert all(">1</hx-partial>" in page for page in seen)
    assert len(rendered) == 1


# --- A channel costs nothing once its pages have gone (issue 15.10) ----------------------------


@pytest.mark.django_db(transaction=True)
def test_unknown_motions_are_refused_and_leave_nothing_behind(moderator):
    live.reset_broker()
    hidden = MotionFactory(visibility=Motion.Visibility.HIDDEN, author=UserFactory())
    stranger = UserFactory()
    missing = hidden.pk + 1000
    readers = [(None, [])] + [
        (person.pk, [session_of(person)]) for person in (stranger, hidden.author, moderator)
    ]

    async def status(path, headers=()):
        return (await request(path, headers=headers, until=1))[0]["status"]

    async def scenario():
        statuses = {await status(live.channel_path(missing + offset)) for offset in range(100)}
        # A hidden motion's events hold its slug: its stream is its author's and moderators'
        # alone (their pages name them with a signed token, their session proves who asks),
        # not open to a bare id.
        hidden_to = [
            await status(live.channel_path(hidden.pk, reader), cookie) for reader, cookie in readers
        ]
        return statuses, hidden_to

    try:
        statuses, hidden_to = run(scenario())
        hub = live.broker()
        assert statuses == {404} and hidden_to == [404, 404, 200, 200]
        assert (hub.subscribers, hub.backlogs, hub.forgotten) == ({}, {}, {})
    finally:
        run(live.broker().close())
        live.reset_broker()


def test_a_channel_is_forgotten_when_its_last_page_leaves_and_its_events_age(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(fanout.Broker, "clock", staticmethod(lambda: now[0]))

    async def scenario():
        hub = fanout.LocalBroker()
        await hub.start()
        first, second = hub.subscribe(5), hub.subscribe(5)
        hub.publish(event(5))
        await asyncio.sleep(0)
        hub.unsubscribe(first)
        assert set(hub.subscribers) == {5}
        hub.unsubscribe(second)
        assert hub.subscribers == {}

        backlog, complete = hub.missed(5, 0)
        assert [e.motion_id for e in backlog] == [5] and complete, "a page back soon catches up"
        now[0] += fanout.BACKLOG_SECONDS + fanout.SWEEP_SECONDS + 1
        hub.publish(event(6))
        await asyncio.sleep(0)
        assert set(hub.backlogs) == {6, live.HOME} and 5 not in hub.forgotten
        backlog, complete = hub.missed(5, 0)
        assert backlog == [] and not complete, "a page gone that long is told to reload"

    run(scenario())


def test_an_idle_page_keeps_up_with_the_ids_of_other_motions(monkeypatch):
    monkeypatch.setattr(stream, "KEEPALIVE_SECONDS", 0.05)
    hub = fanout.LocalBroker()
    live.reset_broker(hub)

    async def scenario():
        await hub.start()
        pages = stream.stream((5,), None, "motion")
        assert (await anext(pages)).startswith(b"retry: ")
        assert await anext(pages) == b"id: 0\n\n"
        hub.publish(event(6))
        hub.publish(event(6))
        await asyncio.sleep(0)
        # The page reconnecting after a drop asks from here, not from before its channel's quiet.
        assert await anext(pages) == b"id: 2\n\n"
        await pages.aclose()

    try:
        run(scenario())
    finally:
        live.reset_broker()


# --- Without a transport, and with one ---------------------------------------------------------


@pytest.mark.django_db
def test_with_no_transport_a_change_still_retires_the_cached_page(
    monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(events, "_transport", None)
    motion = MotionFactory()
    stamped = activity(motion)

    with django_capture_on_commit_callbacks(execute=True):
        events.announce(motion.pk, events.MOTION_CHANGED)

    assert activity(motion) == stamped + 1
    assert events.statement_announcement(event(motion.pk)) is None


@pytest.mark.django_db(transaction=True)
def test_a_published_change_stamps_its_motion_once_on_both_databases():
    live.reset_broker()
    motion = MotionFactory()
    stamped = activity(motion)

    events._publish(events.DebateEvent(motion.pk, events.MOTION_CHANGED, {}))

    assert activity(motion) == stamped + 1
    live.reset_broker()


# --- The response is dressed like every other (issue 15.11) ------------------------------------

SECURITY_HEADERS = [
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "cross-origin-opener-policy",
    "x-frame-options",
]


@pytest.mark.django_db(transaction=True)
def test_live_responses_carry_the_request_id_and_the_security_headers(client):
    live.reset_broker()
    motion = MotionFactory()
    page = client.get("/")
    incoming = (b"x-request-id", b"proxy-given-id-123")

    async def scenario():
        streamed = await request(live.channel_path(motion.pk), headers=[incoming], until=2)
        refused = await request(live.channel_path(motion.pk + 1000), until=1)
        return streamed[0], refused[0]

    try:
        streamed, refused = run(scenario())
    finally:
        run(live.broker().close())
        live.reset_broker()
    for start in (streamed, refused):
        headers = {name.decode(): value.decode() for name, value in start["headers"]}
        assert {name: headers.get(name) for name in SECURITY_HEADERS} == {
            name: page[name] for name in SECURITY_HEADERS
        }
        assert len(headers["x-request-id"]) >= 8
    assert dict(streamed["headers"])[b"x-request-id"] == b"proxy-given-id-123"
    assert dict(streamed["headers"])[b"content-type"] == b"text/event-stream; charset=utf-8"
    assert refused["status"] == 404


# --- The listener (PostgreSQL) -----------------------------------------------------------------

listener_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The LISTEN connection exists only on PostgreSQL; with SQLite events stay in-process.",
)


@listener_only
@pytest.mark.django_db(transaction=True)
def test_the_listener_connects_with_every_option_the_app_uses(monkeypatch):
    options = connection.settings_dict["OPTIONS"]
    monkeypatch.setitem(options, "application_name", "crux-live-listener")
    monkeypatch.setitem(options, "sslrootcert", "/etc/ssl/certs/ca-certificates.crt")
    monkeypatch.setitem(options, "sslmode", "prefer")
    live.reset_broker()

    params = postgres.PostgresBroker().connection_params()
    assert params["sslmode"] == "prefer"
    assert params["sslrootcert"] == "/etc/ssl/certs/ca-certificates.crt"
    assert "cursor_factory" not in params and "pool" not in params

    def name_of(pid):
        with psycopg.connect(**params, autocommit=True) as conn:
            query = "SELECT application_name FROM pg_stat_activity WHERE pid = %s"
            return conn.execute(query, [pid]).fetchone()[0]

    async def scenario():
        hub = live.broker()
        await hub.start()
        return await asyncio.to_thread(name_of, hub.listener_pid)

    try:
        assert run(scenario()) == "crux-live-listener"
    finally:
        run(live.broker().close())
        live.reset_broker()


@listener_only
@pytest.mark.django_db(transaction=True)
def test_pages_are_told_of_events_the_listener_missed_while_cut_off(monkeypatch):
    """The database drops the listening connection (as in a restart); a reply posted before the
    listener is back is never heard, so every open page gets the reload notice."""
    monkeypatch.setattr(postgres.PostgresBroker, "FIRST_RETRY_SECONDS", 2)
    live.reset_broker()
    motion = MotionFactory()
    path = live.channel_path(motion.pk)

    def terminate(pid):
        with psycopg.connect(**postgres.PostgresBroker().connection_params()) as conn:
            conn.execute("SELECT pg_terminate_backend(%s)", [pid])

    def post():
        try:
            services.post_argument(
                author=verified_user(), motion=motion, parent=None, stance="pro", claim="Unheard."
            )
        finally:
            connection.close()  # this thread's, as a request's thread does at the end

    def told(bodies):
        return any("reload the page" in body for body in bodies)

    async def scenario():
        hub = live.broker()
        await hub.start()
        seen = hub.high_water
        page = asyncio.create_task(read(path, until=told))
        await wait_for(lambda: hub.subscribers.get(motion.pk))
        await asyncio.to_thread(terminate, hub.listener_pid)
        await wait_for(lambda: hub.listener_pid is None)
        await asyncio.to_thread(post)
        open_page = await page
        back_later = await read(path, seen, until=told)
        return open_page, back_later

    try:
        open_page, back_later = run(scenario())
    finally:
        run(live.broker().close())
        live.reset_broker()
    assert "reload the page" in open_page and "reload the page" in back_later


@pytest.mark.django_db
def test_a_reply_is_rendered_once_for_its_poster_and_for_every_page(client, monkeypatch):
    """The poster's answer and the stream's message share one rendering of the new argument
    (debates.fragments' author's copy): a reply must not pay for its markup twice."""
    motion = MotionFactory()
    client.force_login(verified_user())
    rendered = []
    real = fragments.render_tree

    def counting(template, *args, **kwargs):
        rendered.append(template)
        return real(template, *args, **kwargs)

    monkeypatch.setattr(fragments, "render_tree", counting)
    data = {"stance": "pro", "claim": "Said once.", "submission_key": str(uuid.uuid4())}
    answer = client.post(
        reverse("reply_motion", args=[motion.slug]), data, headers={"HX-Request": "true"}
    )
    argument = Argument.objects.get(claim="Said once.")
    posted = fanout.LiveEvent(1, motion.pk, events.ARGUMENT_POSTED, {"argument_id": argument.pk})
    message = render_event(posted, "motion")

    assert answer.status_code == 200 and "Said once." in answer.content.decode()
    assert "Said once." in message
    assert rendered == ["debates/_argument.html"]
