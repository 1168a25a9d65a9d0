"""Open live pages for the soak (bench/soak.py): SSE streams that reconnect as a browser does.

A Stream reads `/live/motions/<id>/` over its own connection, and when the server ends it or the
connection breaks, it reconnects after the server's `retry:` delay with the id of the last event it
saw (`Last-Event-ID`), as htmx's SSE extension does. It keeps only what the soak needs to decide,
for every change it made, whether this page heard of it:

- each event's content key: a reply's token, or a vote's claim and the total of its two counts;
- when the "reload" notice came (the `#live-status` partial of live_events.html).

Every loop is bounded: connections by count, reads by a timeout, all by the `stop` event.
"""

import asyncio
import codecs
import contextlib
import random
import re
from collections import defaultdict

from bench.common import HOST

CONNECT_TIMEOUT = 15.0
READ_TIMEOUT = 60.0  # the server sends a keep-alive comment every 15 s
RETRY_SECONDS = 1.0  # until the server says otherwise (`retry:`)
MAX_BACKOFF = 8.0
MAX_CONNECTS = 10_000
LATE_SECONDS = 30.0
NOTICE_MARK = "live-status"

REPLY_TOKEN = re.compile(r"soak(\d{7})x")
VOTE_COUNT = re.compile(r'vote-argument-(\d+)-(agree|disagree)-count"[^>]*>\s*(\d+)\s*<')


def reply_token(n: int) -> str:
    return f"soak{n:07d}x"


def vote_totals(html: str) -> dict:
    """{argument id: agree + disagree} for every vote widget or vote update in the HTML."""
    counts = defaultdict(dict)
    for argument, side, value in VOTE_COUNT.findall(html):
        counts[int(argument)][side] = int(value)
    return {a: c["agree"] + c["disagree"] for a, c in counts.items() if len(c) == 2}


def event_key(html: str):
    """("r", n) for a reply posted by the soak, ("v", argument, total) for a vote update, or None.

    A posted reply carries its own (empty) vote widget, so the token is looked for first.
    """
    token = REPLY_TOKEN.search(html)
    if token:
        return ("r", int(token[1]))
    totals = vote_totals(html)
    if len(totals) == 1:
        ((argument, total),) = totals.items()
        return ("v", argument, total)
    return None


async def sleep_unless(event: asyncio.Event, seconds: float) -> bool:
    """Wait `seconds`, or less if `event` is set first; whether it is set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), max(0.0, seconds))
    return event.is_set()


class StreamRefused(Exception):
    pass


class Stream:
    """One open page of a motion; `run` until `stop` is set."""

    def __init__(self, index, motion_id, port, clock, on_error, headers=None):
        self.index, self.motion_id, self.port = index, motion_id, port
        self.path = f"/live/motions/{motion_id}/"
        self.clock = clock
        self.headers = dict(headers or {})
        self.on_error = on_error  # (time, what) for a failed (re)connection
        self.rng = random.Random(index)
        self.retry = RETRY_SECONDS
        self.last_id = None
        self.hello = None
        self.ready = asyncio.Event()
        self.ready_at = None
        self.arrivals = {}  # ("r", n) -> first arrival time
        self.votes = defaultdict(list)  # argument -> [(total, arrival time)]
        self.notices = []
        self.unknown = 0  # events whose content names nothing the soak did
        self.drops = []  # times the server ended the stream or the connection broke
        self.connects = 0
        self._streaming = False

    async def run(self, stop: asyncio.Event):
        backoff = self.retry
        while not stop.is_set() and self.connects < MAX_CONNECTS:
            self.connects += 1
            try:
                await self._session(stop)
                backoff = self.retry
            except StreamRefused as refused:
                self.on_error(self.clock(), f"stream {refused}")
                backoff = min(MAX_BACKOFF, backoff * 2)
            except (OSError, EOFError, TimeoutError, asyncio.IncompleteReadError, ValueError) as e:
                if self._streaming:
                    self.drops.append(self.clock())
                    backoff = self.retry
                else:
                    self.on_error(self.clock(), f"stream connect: {type(e).__name__}")
                    backoff = min(MAX_BACKOFF, backoff * 2)
            else:
                if not stop.is_set():
                    self.drops.append(self.clock())
            if stop.is_set():
                return
            # Pages reconnect after `retry` (htmx adds jitter); spread them a little the same way.
            delay = backoff * (1 + 0.5 * self.rng.random())
            await sleep_unless(stop, delay)

    async def _session(self, stop):
        self._streaming = False
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(HOST, self.port), CONNECT_TIMEOUT
        )
        try:
            head = [
                f"GET {self.path} HTTP/1.1",
                f"Host: {HOST}:{self.port}",
                "Accept: text/event-stream",
                "Cache-Control: no-cache",
            ]
            head += [f"{k}: {v}" for k, v in self.headers.items()]
            if self.last_id is not None:
                head.append(f"Last-Event-ID: {self.last_id}")
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
            raw = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), CONNECT_TIMEOUT)
            lines = raw.decode("latin-1").split("\r\n")
            status = lines[0].split()[1] if len(lines[0].split()) > 1 else "?"
            if status != "200":
                raise StreamRefused(f"answered {status}")
            chunked = any(
                line.lower().startswith("transfer-encoding:") and "chunked" in line.lower()
                for line in lines[1:]
            )
            self._streaming = True
            await self._read(reader, chunked, stop)
        finally:
            writer.close()

    async def _read(self, reader, chunked, stop):
        decoder = codecs.getincrementaldecoder("utf-8")()
        pending = ""
        while not stop.is_set():
            if chunked:
                size_line = await asyncio.wait_for(reader.readuntil(b"\r\n"), READ_TIMEOUT)
                size = int(size_line.split(b";")[0], 16)
                if size == 0:
                    return
                data = (await asyncio.wait_for(reader.readexactly(size + 2), READ_TIMEOUT))[:-2]
            else:
                data = await asyncio.wait_for(reader.read(65536), READ_TIMEOUT)
                if not data:
                    return
            pending += decoder.decode(data)
            *complete, pending = pending.split("\n\n")
            for message in complete:
                self._message(message)

    def _message(self, message: str):
        event_id, data = None, []
        for line in message.split("\n"):
            if line.startswith("id:"):
                value = line[3:].strip()
                event_id = int(value) if value.isdigit() else None
            elif line.startswith("data:"):
                data.append(line[5:].lstrip())
            elif line.startswith("retry:") and line[6:].strip().isdigit():
                self.retry = int(line[6:].strip()) / 1000
        html = "\n".join(data)
        now = self.clock()
        if NOTICE_MARK in html:
            self.notices.append(now)
        if event_id is None:
            return
        if self.hello is None and self.last_id is None and not html:
            # A fresh page's first message: the newest id, so a reconnect starts from there.
            self.hello = self.last_id = event_id
            self.ready_at = now
            self.ready.set()
            return
        self.last_id = event_id
        if NOTICE_MARK in html or not html:  # an id alone moves the page's Last-Event-ID on
            return
        key = event_key(html)
        if key is None:
            self.unknown += 1
        elif key[0] == "r":
            self.arrivals.setdefault(key, now)
        else:
            self.votes[key[1]].append((key[2], now))

    def vote_arrival(self, argument, total, taken):
        """When this page heard of the vote that brought `argument` to `total` votes, or None.

        Each soak vote adds one to its claim's total and no two run at once on one claim, so an
        update showing exactly that total is that vote's (`taken` keeps each for one vote). A page
        that catches up after a drop gets the claim as it is now, one update for all it missed:
        an update showing a higher total within LATE_SECONDS of the vote stands for it too.
        """
        arrivals = self.votes.get(argument, ())
        for i, (shown, at) in enumerate(arrivals):
            if shown == total and (argument, i) not in taken:
                taken.add((argument, i))
                return at
        return None

    def late_vote_arrival(self, argument, total, sent):
        later = [at for shown, at in self.votes.get(argument, ()) if shown > total and at >= sent]
        at = min(later, default=None)
        return at if at is not None and at - sent <= LATE_SECONDS else None
