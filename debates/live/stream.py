"""The Server-Sent Events a page reads: what it missed, then each event as it comes.

An idle page is an asyncio task awaiting its queue: no thread, no database connection. A message
is rendered once per event per process for the pages that follow along, however many they are.
A page catching up is sent the debate as it is now: nothing rendered before a later event about
the same motion, which may have hidden or withdrawn what it showed. A member's own events stop on
the streams of a session she signs out of (debates.live.signout); her pages there are then out of
date (a reload shows them signed out): they are told so, and their debate's events come as the
public's (fanout.PUBLIC), with nothing they would still take as hers or a member's.
"""

import asyncio
import logging

from asgiref.sync import sync_to_async

from debates.live.fanout import (
    CLOSE,
    HOME,
    HOME_FOR_MODERATORS,
    MEMBER,
    PUBLIC,
    STALE,
    Broker,
    LiveEvent,
)
from debates.live.hub import broker
from debates.live.render import render_event_apart, render_stale_notice
from debates.live.signout import ends, is_sign_out

logger = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 15
RETRY_MILLISECONDS = 1000


def encode(event_id, data: str = "") -> bytes:
    lines = [f"id: {event_id}"] if event_id is not None else []
    lines += [f"data: {line}" for line in data.splitlines() if line.strip()]
    return ("\n".join(lines) + "\n\n").encode()


async def message(hub: Broker, live: LiveEvent, audience: str, *, as_of_now=False) -> bytes:
    """The event as an SSE message for one audience. `as_of_now`: not rendered before the
    motion's newest event, so it shows nothing that has been hidden since."""
    newest = hub.newest(live.motion_id)
    rendered = live.rendered.get(audience)
    if rendered is None or (as_of_now and rendered[0] < newest):
        rendered = (newest, asyncio.ensure_future(_render_message(live, audience)))
        live.rendered[audience] = rendered
    return await asyncio.shield(rendered[1])


async def _render_message(live: LiveEvent, audience: str) -> bytes:
    try:
        html = await sync_to_async(render_event_apart, thread_sensitive=False)(live, audience)
    except Exception:
        logger.exception("Could not render live event %s for %s", live, audience)
        html = ""
    return encode(live.id, html)


def audience_of(live: LiveEvent, audience: str) -> str:
    """Whom an event on a page's stream is rendered for: a member's own event (of no motion)
    for that member, the rest for the page's audience."""
    return MEMBER if live.motion_id is None else audience


def _latest_of_each(backlog: list[LiveEvent], audience: str) -> list[LiveEvent]:
    """Rendered as of now, events with one subject say the same: the last one is enough."""
    latest = {}
    for live in backlog:
        home = audience_of(live, audience) in (HOME, HOME_FOR_MODERATORS)
        subject = live.motion_id if home else live.subject
        latest.pop(subject, None)
        latest[subject] = live
    return list(latest.values())


async def stream(
    channels: tuple,
    last_event_id: int | None,
    audience: str,
    session: str | None = None,
    *,
    signed_out_here: bool = False,
    ends_with_her: bool = False,
):
    """Yield a page's SSE bytes: what it missed on its channels, then each event as it comes,
    until closed. `audience`: whom the page's debate events are rendered for; `session`: the
    mark (signout.session_mark) of the session that opened her own channel, if among them;
    `signed_out_here`: the page was rendered for a member not signed in with this request;
    `ends_with_her`: the debate is hers to read alone (a hidden motion's, debates.live.endpoint),
    so her signing out ends the stream, once the page is told it is out of date."""
    # The page learns at once that it is connected, even while this process's listener is still
    # connecting to the database.
    yield f"retry: {RETRY_MILLISECONDS}\n\n".encode()
    hub = broker()
    if hub.loop is not asyncio.get_running_loop() or hub.closed:
        await hub.start()
    subscription = hub.subscribe(*channels)
    hers = next((channel for channel in channels if isinstance(channel, tuple)), None)
    stale_notice = sync_to_async(render_stale_notice, thread_sensitive=False)

    out = signed_out_here

    def signed_out(live) -> bool:
        """Whether the event is a sign-out, which is never sent: her own events stop here if it
        is this stream's session's, and the page is out."""
        nonlocal out
        if not is_sign_out(live):
            return False
        if ends(live, session):
            hub.leave(subscription, hers)
            out = True
        return True

    def hers_ended(live) -> bool:
        return live.motion_id is None and hers not in subscription.channels

    def audience_now() -> str:
        return PUBLIC if out and audience == "motion" else audience

    try:
        sent = hub.high_water
        # The notice stays on the page for good once shown: once is enough.
        told = out
        if out:
            yield encode(None, await stale_notice())
        if last_event_id is not None:
            backlog, complete = hub.missed(channels[0], last_event_id, *channels[1:])
            backlog = [live for live in backlog if not signed_out(live)]
            if not subscription.channels:
                return
            if (out or not complete) and not told:
                told = True
                yield encode(None, await stale_notice())
            if out and ends_with_her:
                return
            sent = max([sent, *(live.id for live in backlog)])
            backlog = [live for live in backlog if not hers_ended(live)]
            for live in _latest_of_each(backlog, audience):
                yield await message(hub, live, audience_of(live, audience_now()), as_of_now=True)
        else:
            yield encode(sent)
        while True:
            try:
                item = await asyncio.wait_for(subscription.queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                # Nothing is waiting, so the page has had everything of its channel up to here:
                # its id moves on, and a page back after a short drop still catches up.
                sent = max(sent, hub.high_water)
                yield encode(sent)
                continue
            if item is CLOSE:
                return
            if item is STALE:
                if not told:  # a page already told it is out of date needs no second notice
                    told = out
                    yield encode(None, await stale_notice())
                continue
            if signed_out(item):
                if not subscription.channels:
                    return  # her own stream, which has nothing left to carry
                if out and not told:
                    told = True
                    yield encode(None, await stale_notice())
                if out and ends_with_her:
                    return  # a debate the public may not read
                continue
            if item.id <= sent or hers_ended(item):
                continue
            sent = item.id
            yield await message(hub, item, audience_of(item, audience_now()))
    finally:
        hub.unsubscribe(subscription)
