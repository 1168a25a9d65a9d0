"""A member's flag reaches every moderator's open page: the nav's "Review queue" count goes up
live, as a reload then shows it."""

from playwright.sync_api import expect

from accounts.services import grant_moderator
from debates import moderation
from tests.browser.live_pages import open_live, wait_until_subscribed
from tests.factories import ArgumentFactory, verified_user


def test_a_flag_raises_a_moderators_queue_count_without_a_reload(signed_in, transactional_db):
    argument = ArgumentFactory(claim="Buy cheap watches here.")
    moderator = verified_user(display_name="Careful Cleo")
    grant_moderator(user=moderator)
    cleo = open_live(signed_in(moderator), argument.motion.get_absolute_url())
    wait_until_subscribed(moderator, pages=1)
    queue = cleo.locator("#nav-queue")
    expect(queue).to_have_text("Review queue")

    moderation.flag_claim(flagger=verified_user(), claim=argument, reason="spam")
    expect(queue.locator(".badge")).to_have_text("1")
    assert cleo.evaluate("window.__noReload") is True

    cleo.reload()
    expect(queue.locator(".badge")).to_have_text("1")
