"""Browser, on a phone: the argument page's live badge ("Connecting…", "Live") sits clear of the
line under it that offers to follow the argument, as it does of everything else at the top."""

from playwright.sync_api import expect

from debates.models import Argument
from tests.factories import verified_user

PHONE = {"width": 390, "height": 844}


def overlap(a, b) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_the_live_badge_clears_the_follow_line_on_a_phone(signed_in, seeded_live):
    page = signed_in(verified_user())
    page.set_viewport_size(PHONE)
    argument = Argument.objects.filter(depth=0).order_by("pk").first()
    page.goto(argument.get_absolute_url())
    badge, follow = page.locator("#live-status"), page.locator(".debate__follow")
    expect(badge).to_have_attribute("data-state", "live")
    expect(follow).to_be_visible()

    box = badge.bounding_box()
    assert not overlap(box, follow.bounding_box()), (box, follow.bounding_box())
    # Nor any line of its text (a paragraph's box runs under a float; its lines wrap round it).
    lines = follow.evaluate(
        """p => { const range = document.createRange(); range.selectNodeContents(p);
                  return [...range.getClientRects()].map(
                    r => ({x: r.x, y: r.y, width: r.width, height: r.height})); }"""
    )
    assert lines and not any(overlap(box, line) for line in lines), (box, lines)
