"""What a second walk met in the browser: after posting in place, the page still offered to
follow the motion that posting had just followed."""

from playwright.sync_api import expect

from debates.models import Motion
from tests.factories import verified_user


def test_posting_in_place_shows_the_motion_followed(signed_in, seeded_live):
    motion = Motion.objects.filter(arguments__isnull=False).distinct().first()
    page = signed_in(verified_user(display_name="Voter Five"))
    page.goto(motion.get_absolute_url())
    line = page.locator(f"#follow-motion-{motion.pk}")
    expect(line).to_contain_text("Follow this motion")
    page.evaluate("window.__noReload = true")

    page.get_by_role("link", name="Argue for or against this motion").click()
    form = page.locator("#reply-slot-motion form")
    form.get_by_label("Pro").check()
    form.get_by_label("Claim").fill("Posting follows the motion.")
    form.get_by_role("button", name="Post argument").click()

    expect(page.locator("#replies-motion")).to_contain_text("Posting follows the motion.")
    expect(line).to_contain_text("You are following this motion")
    expect(line.get_by_role("link", name="Unfollow")).to_be_visible()
    assert page.evaluate("window.__noReload") is True
