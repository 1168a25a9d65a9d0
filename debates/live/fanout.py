"""Fan-out within one process: channels, subscriptions and the backlog a returning page reads.

Pages subscribe to a motion's channel (or the home channel, which hears every motion). Each event
carries an id; a backlog per channel, bounded in size and in age, lets a page that reconnects with
Last-Event-ID catch up on exactly what it missed, or learn that it can't. A channel costs nothing
once its last page has left and its backlog has aged out.
"""

import asyncio
import itertools
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field

HOME = "home"
# A moderator's home page lists hidden motions too (debates.queries.motions_for_home): its
# events are rendered for that list.
HOME_FOR_MODERATORS = "home-moderators"
MEMBER = "member"
# Whom a debate page's events are rendered for once the member it was rendered for is no longer
# signed in there (debates.live.signout): the public alone, with nothing her page would still
# take as a member's or an author's, as a reload would show it.
PUBLIC = "public"
BACKLOG_SIZE = 256
BACKLOG_SECONDS = 600
SWEEP_SECONDS = 10
QUEUE_SIZE = 128
# What a page's queue may hold besides events: end the stream, or tell the page it missed some.
CLOSE = object()
STALE = object()


def member_channel(member_id: int) -> tuple:
    return (MEMBER, member_id)


@dataclass(eq=False)
class LiveEvent:
    id: int
    motion_id: int
    kind: str
    ids: dict
    arrived: float = field(default=0.0, repr=False)
    # audience -> (id of the motion's newest event when rendering began, task of the message)
    rendered: dict = field(default_factory=dict, repr=False)

    @classmethod
    def from_payload(cls, payload: str):
        data = json.loads(payload)
        return cls(id=data["id"], motion_id=data["motion_id"], kind=data["kind"], ids=data["ids"])

    @property
    def channels(self) -> tuple:
        """Where it goes: its motion's channel and the home page's, or, for an event of no
        motion (debates.events.announce_to_member, announce_to_voter, announce_own_argument),
        its member's channel alone: never a debate's, whatever its kind."""
        if self.motion_id is None:
            return (member_channel(self.ids["member_id"]),)
        return (self.motion_id, HOME)

    @property
    def subject(self) -> tuple:
        """What the event re-reads: rendered at one moment, two events of one subject say the
        same thing."""
        return self.kind, json.dumps(self.ids, sort_keys=True)


class Subscription:
    """One page's queue, fed by each of its channels (a debate's and its member's)."""

    def __init__(self, channels: tuple):
        self.channels = channels
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

    clock = staticmethod(time.monotonic)
    stamps_motion = False

    def __init__(self):
        self.loop = None
        self.subscribers = {}
        self.backlogs = {}
        # Events up to `forgotten[channel]` fell out of that channel's full backlog; events up to
        # `floor` aged out of some channel's, or were never heard here.
        self.forgotten = {}
        self.floor = 0
        self.high_water = 0
        self.closed = False
        self._swept = self.clock()

    # --- publishing side (any thread) ---------------------------------------------------------

    def publish(self, event) -> None:
        """Tell every page watching a debates.events.DebateEvent's motion (and the home page);
        any thread."""
        raise NotImplementedError

    def publish_many(self, events) -> None:
        for event in events:
            self.publish(event)

    def announcing_statement(self) -> tuple[str, int] | None:
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
        live.arrived = self.clock()
        self._sweep()
        for channel in live.channels:
            backlog = self.backlogs.setdefault(channel, deque(maxlen=BACKLOG_SIZE))
            if len(backlog) == backlog.maxlen:
                self.forgotten[channel] = backlog[0].id
            backlog.append(live)
            for subscription in list(self.subscribers.get(channel, ())):
                subscription.offer(live)

    def _sweep(self) -> None:
        """Drop events older than BACKLOG_SECONDS, and every trace of a channel left empty."""
        now = self.clock()
        if now - self._swept < SWEEP_SECONDS:
            return
        self._swept = now
        for channel, backlog in list(self.backlogs.items()):
            while backlog and now - backlog[0].arrived > BACKLOG_SECONDS:
                self.floor = max(self.floor, backlog.popleft().id)
            if not backlog:
                del self.backlogs[channel]
                self.forgotten.pop(channel, None)

    def newest(self, motion_id) -> int:
        """The id of the newest event heard about the motion (0 if none is kept)."""
        backlog = self.backlogs.get(motion_id)
        return backlog[-1].id if backlog else 0

    async def start(self) -> None:
        """Bind to the running loop; called before the first page subscribes."""
        self.loop = asyncio.get_running_loop()
        self.closed = False

    def subscribe(self, *channels) -> Subscription:
        subscription = Subscription(channels)
        for channel in channels:
            self.subscribers.setdefault(channel, set()).add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        for channel in subscription.channels:
            self._leave(subscription, channel)

    def leave(self, subscription: Subscription, channel) -> None:
        """Stop feeding one of a page's channels (her own, once she signed out); the rest go on."""
        self._leave(subscription, channel)
        subscription.channels = tuple(c for c in subscription.channels if c != channel)

    def _leave(self, subscription: Subscription, channel) -> None:
        subscriptions = self.subscribers.get(channel, set())
        subscriptions.discard(subscription)
        if not subscriptions:
            self.subscribers.pop(channel, None)

    def missed(self, channel, last_event_id: int, *more_channels):
        """What a page that saw `last_event_id` on its channels missed, in id order (ids are
        one sequence for all channels), and whether that is all of it."""
        self._sweep()
        channels = (channel, *more_channels)
        gone = max([self.floor, *(self.forgotten.get(c, 0) for c in channels)])
        complete = gone <= last_event_id <= self.high_water
        events = {
            e.id: e for c in channels for e in self.backlogs.get(c, ()) if e.id > last_event_id
        }
        return [events[i] for i in sorted(events)], complete

    def tell_everyone(self, item) -> None:
        everyone = {s for subscriptions in self.subscribers.values() for s in subscriptions}
        for subscription in everyone:
            subscription.offer(item)

    def drop_connections(self) -> None:
        """End every open stream; each page reconnects with its Last-Event-ID and catches up."""
        self.tell_everyone(CLOSE)

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

    def publish(self, event) -> None:
        with self._lock:
            live = LiveEvent(next(self._ids), event.motion_id, event.kind, event.ids)
        self._hand_over(live)
