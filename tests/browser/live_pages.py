"""Helpers for browser tests of live pages."""

import time

from playwright.sync_api import expect

from debates.live import broker
from debates.live.fanout import member_channel


def open_live(page, url):
    """Open `url` and wait until its stream is live, marking the page so that a test can tell
    that what it sees arrived live rather than with a reload (the mark would be gone)."""
    page.goto(url)
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=15_000)
    page.evaluate("window.__noReload = true")
    return page


def wait_until_subscribed(member, pages: int):
    """Until `pages` of the member's pages listen on her own channel: a page says "live" on its
    stream's first bytes, before it subscribes."""
    deadline = time.monotonic() + 15
    while len(broker().subscribers.get(member_channel(member.pk), ())) < pages:
        assert time.monotonic() < deadline, "her pages did not subscribe"
        time.sleep(0.05)
