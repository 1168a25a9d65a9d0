"""The map page by keyboard: the picture is one Tab stop (none without JavaScript) with arrow
keys from arc to arc and a focus ring that shows on any arc, a visible "Skip the map" leads to
the outline; and Escape closes an in-place flag form with no note typed, the focus back on its
link."""

import random
import re

import pytest
from playwright.sync_api import expect

from debates.models import Argument, Stance
from tests.factories import ArgumentFactory, MotionFactory, verified_user

SIZE = 190

# Where the focus is: the skip link, the map, the outline, or elsewhere (the page's header...).
FOCUS_IN = """() => {
    const focused = document.activeElement;
    if (focused.closest(".map-skip")) return "skip";
    if (focused.closest(".map")) return "map";
    if (focused.closest(".outline-section")) return "outline";
    return "";
}"""


@pytest.fixture
def big_debate(transactional_db):
    """A debate of 190 arguments, each of them drawn as an arc: 12 at the top, the rest replies
    in a few levels below them."""
    rng = random.Random(5)
    motion = MotionFactory(claim="Cities should ban cars from their centres.")
    author = verified_user()
    placed = Argument.objects.bulk_create(
        Argument(motion=motion, author=author, stance=Stance.PRO, claim=f"Top {n}.")
        for n in range(12)
    )
    while len(placed) < SIZE:
        parent = rng.choice(placed)
        reply = Argument(
            motion=motion,
            author=author,
            parent=parent,
            depth=parent.depth + 1,
            stance=rng.choice([Stance.PRO, Stance.CON]),
            claim=f"Reply {len(placed)}.",
        )
        reply.save()
        placed.append(reply)
    return motion, placed


def tabs_to_the_outline(page, limit=40):
    where = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        where.append(page.evaluate(FOCUS_IN))
        if where[-1] == "outline":
            break
    return where


def test_tab_reaches_the_outline_past_the_map_in_a_handful_of_presses(page, big_debate):
    motion, _ = big_debate
    page.goto(f"/motions/{motion.slug}/map/")
    expect(page.locator(".map__svg > a")).to_have_count(SIZE + 1)  # every argument, and the motion
    expect(page.get_by_role("tree")).to_be_visible()
    where = tabs_to_the_outline(page)
    assert where[-1] == "outline", where
    assert len(where) <= 15, where
    assert where.count("skip") == 1 and where.count("map") == 1, where
    # The one stop is the motion at the map's centre, its claim named under the map.
    page.keyboard.press("Shift+Tab")
    expect(page.locator(f"#map-centre-{motion.pk}")).to_be_focused()
    expect(page.locator(".map__caption")).to_have_text(f"The motion: {motion.claim}")


def test_without_javascript_the_map_takes_no_tab_stop_and_its_arcs_stay_links(new_page, big_debate):
    motion, placed = big_debate
    page = new_page(javascript=False)
    page.goto(f"/motions/{motion.slug}/map/")
    arcs = page.locator(".map__svg > a")
    expect(arcs).to_have_count(SIZE + 1)
    assert page.locator('.map__svg > a:not([tabindex="-1"])').count() == 0
    expect(page.locator("[data-map-help]")).to_be_hidden()
    where = tabs_to_the_outline(page)
    assert where[-1] == "outline" and "map" not in where and len(where) <= 15, where
    # A pointer still follows an arc.
    page.locator(f"#map-arc-{placed[0].pk}").click()
    expect(page).to_have_url(re.compile(re.escape(placed[0].get_absolute_url()) + "$"))


@pytest.mark.parametrize("javascript", [True, False])
def test_the_skip_link_is_visible_and_leads_to_the_outline(new_page, big_debate, javascript):
    motion, _ = big_debate
    page = new_page(javascript=javascript)
    page.goto(f"/motions/{motion.slug}/map/")
    skip = page.get_by_role("link", name="Skip the map")
    expect(skip).to_be_visible()
    # Before the picture, in the page's order as on the screen.
    assert skip.bounding_box()["y"] < page.locator(".map__svg").bounding_box()["y"]
    skip.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#outline-heading")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS_IN) == "outline"
    if javascript:  # the tree's one stop: its first item
        expect(page.locator('[role="treeitem"]').first).to_be_focused()


def ring(page):
    return page.evaluate(
        """() => {
            const ring = document.querySelector(".map__svg > .map__focus");
            if (!ring) return null;
            const [halo, line] = ring.children;
            const look = (part) => {
                const style = getComputedStyle(part);
                const shape = part.getAttribute("d") || `circle r=${part.getAttribute("r")}`;
                return [shape, style.stroke, style.strokeWidth];
            };
            return {last: ring === ring.parentElement.lastElementChild,
                    hidden: ring.getAttribute("aria-hidden"), halo: look(halo), line: look(line)};
        }"""
    )


def test_arrow_keys_move_through_the_arcs_with_a_ring_drawn_over_them(page, big_debate):
    motion, _ = big_debate
    page.goto(f"/motions/{motion.slug}/map/")
    help_ = page.locator(f"#map-help-{motion.pk}")
    expect(help_).to_be_visible()
    expect(page.locator(".map__svg")).to_have_accessible_description(
        re.compile(r"^Arrow keys move from arc to arc")
    )
    page.get_by_role("link", name="Skip the map").focus()
    page.keyboard.press("Tab")
    centre = page.locator(f"#map-centre-{motion.pk}")
    expect(centre).to_be_focused()
    page.keyboard.press("ArrowRight")
    links = page.locator(".map__svg > a")
    first = links.nth(1)  # the first arc drawn, clockwise from twelve o'clock
    expect(first).to_be_focused()
    expect(page.locator(".map__caption")).to_have_text(first.locator("title").text_content())
    # The ring: the arc's own shape, drawn last (on top of every arc), light under dark.
    drawn = ring(page)
    shape = first.locator("path").get_attribute("d")
    assert drawn["last"] and drawn["hidden"] == "true"
    assert drawn["halo"] == [shape, "rgb(255, 255, 255)", "7px"]
    assert drawn["line"] == [shape, "rgb(17, 17, 17)", "3px"]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    third = links.nth(3)
    expect(third).to_be_focused()
    assert ring(page)["line"][0] == third.locator("path").get_attribute("d")
    page.keyboard.press("ArrowUp")
    expect(links.nth(2)).to_be_focused()
    page.keyboard.press("End")
    expect(links.last).to_be_focused()
    page.keyboard.press("ArrowRight")  # the last stays
    expect(links.last).to_be_focused()
    # Leaving the map takes its ring; Tab back returns where the reader left it.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUS_IN) == "skip"
    assert ring(page) is None
    page.keyboard.press("Tab")
    expect(links.last).to_be_focused()
    assert page.locator('.map__svg > a[tabindex="0"]').count() == 1
    page.keyboard.press("Home")
    expect(centre).to_be_focused()
    assert ring(page)["line"][0] == "circle r=36"  # the motion's ring is its circle's
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(motion.get_absolute_url()) + "$"))


def test_the_map_s_stop_is_the_current_argument_s_arc(page, big_debate):
    motion, placed = big_debate
    current = placed[40]
    page.goto(f"/motions/{motion.slug}/map/?current={current.pk}")
    arc = page.locator(f"#map-arc-{current.pk}")
    expect(arc).to_have_attribute("tabindex", "0")
    where = tabs_to_the_outline(page)
    assert where.count("map") == 1, where
    page.keyboard.press("Shift+Tab")
    expect(arc).to_be_focused()
    expect(page.locator(".map__caption")).to_have_text(arc.locator("title").text_content())
    expect(page.locator(".map__caption bdi")).to_have_text(current.claim)


@pytest.fixture
def flaggable(transactional_db):
    motion = MotionFactory(author=verified_user(), title="Tea beats coffee")
    argument = ArgumentFactory(motion=motion, author=verified_user(), claim="Tea is gentler.")
    return motion, argument


def test_escape_closes_the_in_place_flag_form_and_returns_to_its_link(signed_in, flaggable):
    motion, argument = flaggable
    page = signed_in(verified_user())
    page.goto(motion.get_absolute_url())
    page.evaluate("window.__noReload = true")
    link = page.locator(f"#flag-link-argument-{argument.pk}")
    slot = page.locator(f"#flag-slot-argument-{argument.pk}")
    link.click()
    expect(slot.get_by_label("Spam", exact=True)).to_be_focused()
    page.keyboard.press("Escape")
    expect(slot.locator(".flag-form")).to_have_count(0)
    expect(link).to_be_focused()
    # A note typed stays: Escape (pressed, say, to dismiss the browser's suggestions) keeps the
    # form and what is in it; Cancel closes it.
    page.keyboard.press("Enter")
    slot.get_by_label("Note").fill("Not sure yet")
    page.keyboard.press("Escape")
    expect(slot.get_by_label("Note")).to_have_value("Not sure yet")
    slot.get_by_role("button", name="Cancel").click()
    expect(slot.locator(".flag-form")).to_have_count(0)
    expect(link).to_be_focused()
    # For the motion's own flag too; opened by keyboard.
    motion_link = page.locator(f"#flag-link-motion-{motion.pk}")
    motion_link.focus()
    page.keyboard.press("Enter")
    motion_slot = page.locator(f"#flag-slot-motion-{motion.pk}")
    expect(motion_slot.get_by_label("Spam", exact=True)).to_be_focused()
    page.keyboard.press("Escape")
    expect(motion_slot.locator(".flag-form")).to_have_count(0)
    expect(motion_link).to_be_focused()
    assert page.evaluate("window.__noReload") is True


def test_a_live_refresh_keeps_the_map_s_stop_and_focus_and_the_panel_has_one(page, big_debate):
    motion, _ = big_debate
    page.goto(f"/motions/{motion.slug}/map/")
    page.get_by_role("link", name="Skip the map").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    arc_id = page.evaluate("document.activeElement.id")
    with page.expect_response(lambda r: "/map/?live" in r.url):
        page.evaluate(
            """() => document.getElementById("live-status")
                .dispatchEvent(new CustomEvent("htmx:sse:after:message"))"""
        )
    arc = page.locator(f"#{arc_id}")
    expect(arc).to_be_focused()
    expect(page.locator('.map__svg > a[tabindex="0"]')).to_have_count(1)
    expect(arc).to_have_attribute("tabindex", "0")
    expect(page.locator(f"#map-help-{motion.pk}")).to_be_visible()

    # The motion page's panel, loaded over HTMX, is one stop with the same keys.
    page.goto(motion.get_absolute_url())
    page.locator(".map-panel > summary").click()
    centre = page.locator(f"#map-panel #map-centre-{motion.pk}")
    expect(centre).to_have_attribute("tabindex", "0")
    expect(page.locator('#map-panel .map__svg > a[tabindex="0"]')).to_have_count(1)
    page.keyboard.press("Tab")
    expect(centre).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#map-panel .map__svg > a").nth(1)).to_be_focused()
    assert ring(page)["last"]
