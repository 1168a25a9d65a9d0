"""Helpers for browser tests of live pages."""

from playwright.sync_api import expect


def open_live(page, url):
    """Open `url` and wait until its stream is live, marking the page so that a test can tell
    that what it sees arrived live rather than with a reload (the mark would be gone)."""
    page.goto(url)
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=15_000)
    page.evaluate("window.__noReload = true")
    return page
