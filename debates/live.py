"""Live debates: committed events fanned out to open pages as Server-Sent Events.

One broker per server process. Pages subscribe to a motion's channel (or the home channel, which
hears every motion); each event carries an id, and a bounded backlog per channel lets a page that
reconnects with Last-Event-ID catch up on exactly what it missed.

Transport between processes:
- PostgreSQL: publishers NOTIFY, and one LISTEN connection per process (shared by all its pages)
  receives every event in commit order. Ids come from a sequence taken under an advisory lock, so
  id order is delivery order.
- SQLite (one development process): events go straight to the process's own pages.

An idle page is an asyncio task awaiting its queue: no thread, no database connection. Messages
are rendered once per event per process (live_render), never per page, and always as the public
sees them, so a hidden claim's text is never streamed.
"""

import asyncio
import contextlib
import itertools
import json
import logging
import threading
from collections import defaultdict, deque
from dataclasses import dataclass, field

from asgiref.sync import sync_to_async
from django.db import connections

from debates.events import DebateEvent

logger = logging.getLogger(__name__)

HOME = "home"
BACKLOG_SIZE = 256
QUEUE_SIZE = 128
KEEPALIVE_SECONDS = 15
RETRY_MILLISECONDS = 1000
LISTEN_TIMEOUT_SECONDS = 5
CLOSE = object()


@dataclass
class LiveEvent:
    id: int
    motion_id: int
    kind: str
    ids: dict
    rendered: dict = field(default_factory=dict, repr=False)

    @classmethod
    def from_payload(cls, payload: str):
        data = json.loads(payload)
        return cls(id=data["id"], motion_id=data["motion_id"], kind=data["kind"], ids=data["ids"])


class Subscription:
    def __init__(self, channel):
        self.channel = channel
        self.queue = asyncio.Queue(maxsize=QUEUE_SIZE)

    def offer(self, item):
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            # A page that can't keep up is cut off rather than buffered without bound; it
            # reconnects with its Last-Event-ID and catches up from the backlog.
            self.queue = asyncio.Queue(maxsize=1)
            self.queue.put_nowait(CLOSE)


class Broker:
    """Fan-out within one process; subclasses say how events arrive from publishers."""

    def __init__(self):
        self.loop = None
        self.subscribers = defaultdict(set)
        self.backlogs = defaultdict(lambda: deque(maxlen=BACKLOG_SIZE))
        # Events up to `forgotten[channel]` fell out of that channel's backlog.
        self.forgotten = defaultdict(int)
        self.high_water = 0
        self.closed = False

    # --- publishing side (any thread) ---------------------------------------------------------

    def publish(self, event: DebateEvent) -> None:
        """Tell every page watching the event's motion (and the home page); any thread."""
        raise NotImplementedError

    def record_and_publish(self, event: DebateEvent) -> None:
        """After a commit: stamp the motion as changed (Motion.activity), then publish.

        Strictly after the commit: a page rendered from older data can only be cached under the
        stamp it read before this bump, which no reader asks for again.
        """
        from django.db.models import F

        from debates.models import Motion

        Motion.objects.filter(pk=event.motion_id).update(activity=F("activity") + 1)
        self.publish(event)

    def announcing_statement(self) -> tuple[str, int] | None:
        """The channel and lock key with which a statement can publish as it commits
        (crux_cast_vote), or None where events only go through record_and_publish."""
        return None

    def _hand_over(self, live: LiveEvent) -> None:
        loop = self.loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._deliver, live)
        else:
            self._deliver(live)

    # --- delivering side (the event loop) -----------------------------------------------------

    def _deliver(self, live: LiveEvent) -> None:
        self.high_water = max(self.high_water, live.id)
        for channel in (live.motion_id, HOME):
            backlog = self.backlogs[channel]
            if len(backlog) == backlog.maxlen:
                self.forgotten[channel] = backlog[0].id
            backlog.append(live)
            for subscription in list(self.subscribers[channel]):
                subscription.offer(live)

    async def start(self) -> None:
        """Bind to the running loop; called before the first page subscribes."""
        self.loop = asyncio.get_running_loop()
        self.closed = False

    def subscribe(self, channel) -> Subscription:
        subscription = Subscription(channel)
        self.subscribers[channel].add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self.subscribers[subscription.channel].discard(subscription)

    def missed(self, channel, last_event_id: int):
        """What a page that saw `last_event_id` missed, and whether that is all of it."""
        complete = self.forgotten[channel] <= last_event_id <= self.high_water
        return [e for e in self.backlogs[channel] if e.id > last_event_id], complete

    def drop_connections(self) -> None:
        """End every open stream; each page reconnects with its Last-Event-ID and catches up."""
        for subscriptions in self.subscribers.values():
            for subscription in list(subscriptions):
                subscription.offer(CLOSE)

    async def close(self) -> None:
        """Server shutdown: end the streams cleanly so the server need not wait on them."""
        self.closed = True
        self.drop_connections()


class LocalBroker(Broker):
    """One process (the SQLite default): events go straight to this process's pages."""

    def __init__(self):
        super().__init__()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def publish(self, event: DebateEvent) -> None:
        with self._lock:
            live = LiveEvent(next(self._ids), event.motion_id, event.kind, event.ids)
        self._hand_over(live)


class PostgresBroker(Broker):
    """Across processes and machines through LISTEN/NOTIFY on the production database."""

    CHANNEL = "crux_debate_events"
    SEQUENCE = "crux_live_event_id"
    LOCK_KEY = 0x43525558  # "CRUX"

    def __init__(self, alias="default"):
        super().__init__()
        self.alias = alias
        self._listener = None
        self._listening = None
        self._listen_from = 0

    def publish(self, event: DebateEvent) -> None:
        self._notify(event, stamp_motion=False)

    def record_and_publish(self, event: DebateEvent) -> None:
        self._notify(event, stamp_motion=True)

    def announcing_statement(self) -> tuple[str, int]:
        return self.CHANNEL, self.LOCK_KEY

    def _notify(self, event: DebateEvent, *, stamp_motion: bool) -> None:
        # One statement, its own transaction after the caller's commit: the function (migration
        # 0008) stamps the motion, then numbers and notifies under a lock held until it commits.
        with connections[self.alias].cursor() as cursor:
            cursor.execute(
                "SELECT crux_publish_event(%s, %s::jsonb, %s, %s)",
                [
                    event.motion_id if stamp_motion else None,
                    event.payload(),
                    self.CHANNEL,
                    self.LOCK_KEY,
                ],
            )

    async def start(self) -> None:
        await super().start()
        stale = self._listener is None or self._listener.done()
        if stale or self._listener.get_loop() is not self.loop:
            self._listening = asyncio.get_running_loop().create_future()
            self._listener = asyncio.create_task(self._listen())
        try:
            await asyncio.wait_for(asyncio.shield(self._listening), LISTEN_TIMEOUT_SECONDS)
        except TimeoutError:
            # Pages still get their stream; events flow once the listener gets through.
            logger.warning("Live listener is not connected yet; streaming without it")

    def _conninfo(self) -> dict:
        settings = connections[self.alias].settings_dict
        info = {
            "dbname": settings["NAME"],
            "user": settings.get("USER") or None,
            "password": settings.get("PASSWORD") or None,
            "host": settings.get("HOST") or None,
            "port": settings.get("PORT") or None,
        }
        return {k: v for k, v in info.items() if v is not None}

    async def _listen(self) -> None:
        import psycopg

        delay = 0.5
        while not self.closed:
            try:
                async with await psycopg.AsyncConnection.connect(
                    **self._conninfo(), autocommit=True
                ) as conn:
                    await conn.execute(f"LISTEN {self.CHANNEL}")
                    # Events numbered before LISTEN took effect were never heard here.
                    cursor = await conn.execute(
                        f"SELECT last_value, is_called FROM {self.SEQUENCE}"
                    )
                    last_value, is_called = await cursor.fetchone()
                    heard = last_value if is_called else 0
                    self.high_water = self._listen_from = max(self.high_water, heard)
                    if not self._listening.done():
                        self._listening.set_result(None)
                    delay = 0.5
                    async for notify in conn.notifies():
                        self._deliver(LiveEvent.from_payload(notify.payload))
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Live listener lost its database connection; retrying")
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30)

    def missed(self, channel, last_event_id: int):
        backlog, complete = super().missed(channel, last_event_id)
        # Nothing before this process started listening was heard here.
        return backlog, complete and last_event_id >= self._listen_from

    async def close(self) -> None:
        await super().close()
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None


_broker = None
_broker_lock = threading.Lock()


def broker() -> Broker:
    global _broker
    with _broker_lock:
        if _broker is None:
            vendor = connections["default"].vendor
            _broker = PostgresBroker() if vendor == "postgresql" else LocalBroker()
        return _broker


def reset_broker() -> None:
    """Forget the process's broker (tests switch databases and event loops)."""
    global _broker
    with _broker_lock:
        _broker = None


# --- The stream a page reads --------------------------------------------------------------------


def encode(event_id, data: str = "") -> bytes:
    lines = [f"id: {event_id}"] if event_id is not None else []
    lines += [f"data: {line}" for line in data.splitlines() if line.strip()]
    return ("\n".join(lines) + "\n\n").encode()


async def message(live: LiveEvent, audience: str) -> bytes:
    """The event as an SSE message for one audience, made once per process however many pages
    read it."""
    task = live.rendered.get(audience)
    if task is None:
        task = asyncio.ensure_future(_render_message(live, audience))
        live.rendered[audience] = task
    return await asyncio.shield(task)


async def _render_message(live: LiveEvent, audience: str) -> bytes:
    from debates.live_render import render_event_apart

    try:
        html = await sync_to_async(render_event_apart, thread_sensitive=False)(live, audience)
    except Exception:
        logger.exception("Could not render live event %s for %s", live, audience)
        html = ""
    return encode(live.id, html)


async def stream(channel, last_event_id: int | None, audience: str):
    """Yield a page's SSE bytes: what it missed, then each event as it comes, until closed."""
    from debates.live_render import render_stale_notice

    # The page learns at once that it is connected, even while this process's listener is still
    # connecting to the database.
    yield f"retry: {RETRY_MILLISECONDS}\n\n".encode()
    hub = broker()
    if hub.loop is not asyncio.get_running_loop() or hub.closed:
        await hub.start()
    subscription = hub.subscribe(channel)
    try:
        sent = hub.high_water
        if last_event_id is not None:
            backlog, complete = hub.missed(channel, last_event_id)
            if not complete:
                yield encode(None, await sync_to_async(render_stale_notice)())
            for live in backlog:
                yield await message(live, audience)
            sent = max([sent, *(live.id for live in backlog)])
        else:
            yield encode(sent)
        while True:
            try:
                item = await asyncio.wait_for(subscription.queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                yield b": keepalive\n\n"
                continue
            if item is CLOSE:
                return
            if item.id <= sent:
                continue
            sent = item.id
            yield await message(item, audience)
    finally:
        hub.unsubscribe(subscription)


# --- The HTTP endpoint --------------------------------------------------------------------------

PATH_PREFIX = "/live/"


def channel_path(motion_id=None) -> str:
    return f"{PATH_PREFIX}motions/{motion_id}/" if motion_id else f"{PATH_PREFIX}home/"


def _is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 18


def channel_for(path: str):
    """The channel a live path names, or None for anything else."""
    if path == channel_path():
        return HOME
    head, _, tail = path.removeprefix(f"{PATH_PREFIX}motions/").partition("/")
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    if path.startswith(f"{PATH_PREFIX}motions/") and _is_id(head) and tail == "":
        return int(head)
    return None


async def app(scope, receive, send):
    """The SSE endpoint as a bare ASGI app.

    Served beside Django rather than through a Django view on purpose: Django's ASGI handler
    gives every request its own worker thread for sync code, held until the response ends,
    and a page holds this response open for as long as it is open.
    """
    channel = channel_for(scope["path"])
    if channel is None or scope["method"] != "GET":
        status = 404 if channel is None else 405
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    headers = dict(scope.get("headers") or [])
    raw_last_id = headers.get(b"last-event-id", b"").decode("latin-1").strip()
    last_event_id = int(raw_last_id) if _is_id(raw_last_id) else None
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"text/event-stream; charset=utf-8"),
                (b"cache-control", b"no-cache"),
                (b"x-accel-buffering", b"no"),
            ],
        }
    )
    audience = "home" if channel == HOME else "motion"

    async def pump():
        async for chunk in stream(channel, last_event_id, audience):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})

    async def hang_up():
        while (await receive())["type"] != "http.disconnect":
            pass

    writer, listener = asyncio.create_task(pump()), asyncio.create_task(hang_up())
    try:
        await asyncio.wait({writer, listener}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (writer, listener):
            task.cancel()
        await asyncio.gather(writer, listener, return_exceptions=True)
    if writer.done() and not writer.cancelled() and writer.exception() is None:
        with contextlib.suppress(OSError):
            await send({"type": "http.response.body", "body": b"", "more_body": False})
