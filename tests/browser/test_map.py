"""The debate's map and outline in a browser: arcs lead to permalinks, the outline is a keyboard
tree, the motion page's panel follows the debate live, and axe-core finds nothing to fix."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from debates import services
from debates.models import Stance
from tests.factories import ArgumentFactory, MotionFactory, verified_user

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def debate(transactional_db):
    """Three top-level arguments, each with two replies, the second reply with one of its own."""
    motion = MotionFactory(claim="Cities should ban cars from their centres.")
    author = verified_user()
    arguments = {}
    for n, stance in enumerate([Stance.PRO, Stance.CON, Stance.PRO], start=1):
        top = ArgumentFactory(motion=motion, author=author, stance=stance, claim=f"Top {n}.")
        first = ArgumentFactory(motion=motion, author=author, parent=top, claim=f"Reply {n}a.")
        second = ArgumentFactory(
            motion=motion, author=author, parent=top, stance=Stance.CON, claim=f"Reply {n}b."
        )
        ArgumentFactory(motion=motion, author=author, parent=second, claim=f"Deep {n}.")
        arguments.update({f"top{n}": top, f"reply{n}a": first, f"reply{n}b": second})
    return motion, arguments


def click_arc(page, selector):
    """Click a point inside the arc's own shape (its box's centre may be another arc's)."""
    point = page.evaluate(
        """(selector) => {
            const target = document.querySelector(selector);
            const box = target.getBoundingClientRect();
            for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {
                const x = box.left + box.width * i / 20, y = box.top + box.height * j / 20;
                if (document.elementFromPoint(x, y)?.closest("a") === target) return [x, y];
            }
            return null;
        }""",
        selector,
    )
    assert point, f"no visible point of {selector}"
    page.mouse.click(*point)


def test_an_arc_of_the_map_leads_to_its_argument(page, debate):
    motion, arguments = debate
    page.goto(f"/motions/{motion.slug}/map/")
    reply = arguments["reply2b"]
    arc = page.locator(f"#map-arc-{reply.pk}")
    expect(arc).to_have_class("map__arc map__arc--supports map__arc--weak")  # a con of a con
    click_arc(page, f"#map-arc-{reply.pk}")
    expect(page).to_have_url(re.compile(re.escape(reply.get_absolute_url()) + "$"))
    expect(page.locator(f"#claim-{reply.pk}")).to_have_text("Reply 2b.")


def test_the_outline_is_a_tree_to_move_through_by_keyboard(page, debate):
    motion, _ = debate
    page.goto(f"/motions/{motion.slug}/map/")
    tree = page.get_by_role("tree")
    top = tree.locator('[role="treeitem"][aria-level="1"]')
    expect(top).to_have_count(3)
    third = top.nth(2)
    expect(third).to_have_attribute("aria-posinset", "3")
    expect(third).to_have_attribute("aria-setsize", "3")
    expect(third).to_have_attribute("aria-expanded", "false")
    children = third.locator("xpath=following-sibling::ul/li/a")
    expect(children.first).to_be_hidden()

    top.first.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(third).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(third).to_have_attribute("aria-expanded", "true")
    expect(children).to_have_count(2)
    expect(children.first).to_be_visible()
    expect(children.first).to_have_attribute("aria-level", "2")
    href = third.get_attribute("href")
    third_claim = third.locator(".outline__claim").inner_text()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    expect(page.locator(".tree--focus .argument__claim").first).to_have_text(third_claim)


def test_the_outline_keys_home_end_left_and_type_ahead(page, debate):
    motion, arguments = debate
    page.goto(f"/motions/{motion.slug}/map/?current={arguments['reply1b'].pk}")
    current = page.locator(f"#outline-arc-{arguments['reply1b'].pk}")
    expect(current).to_have_attribute("aria-current", "page")
    expect(current).to_be_visible()  # its branch opened to show it
    current.focus()
    page.keyboard.press("ArrowLeft")  # to its parent
    parent = page.locator(f"#outline-arc-{arguments['top1'].pk}")
    expect(parent).to_be_focused()
    page.keyboard.press("ArrowLeft")  # closes it
    expect(parent).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("End")
    last = page.locator('[role="treeitem"][aria-level="1"]').last
    expect(last).to_be_focused()
    page.keyboard.press("Home")
    expect(page.locator('[role="treeitem"]').first).to_be_focused()
    page.keyboard.type("top 2")
    expect(page.locator(f"#outline-arc-{arguments['top2'].pk}")).to_be_focused()


def test_the_motion_page_panel_follows_the_debate(page, debate):
    motion, arguments = debate
    page.goto(motion.get_absolute_url())
    panel = page.locator("#map-panel")
    expect(panel.locator(f"#map-arc-{arguments['top1'].pk}")).to_be_attached()
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=15_000)
    posted, _ = services.post_argument(
        author=verified_user(), motion=motion, parent=None, stance=Stance.CON, claim="Fresh."
    )
    expect(panel.locator(f"#map-arc-{posted.pk}")).to_be_attached(timeout=15_000)


def test_a_permalink_marks_its_argument_on_the_map(page, debate):
    _, arguments = debate
    reply = arguments["reply3a"]
    page.goto(reply.get_absolute_url())
    page.get_by_text("Where this argument stands in the debate").click()
    arc = page.locator(f"#map-panel #map-arc-{reply.pk}")
    expect(arc).to_have_attribute("aria-current", "page")
    expect(arc).to_be_visible()


@pytest.fixture
def axe_page(browser, live_server):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make test does).")
    # axe is injected as an inline script, which the site's CSP rightly refuses.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def axe_violations(page, scope="html"):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async (scope) => (await axe.run(scope)).violations", scope)
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result
    ]


def test_axe_finds_no_violations_on_the_map_and_outline(axe_page, debate):
    motion, arguments = debate
    axe_page.goto(f"/motions/{motion.slug}/map/?current={arguments['reply2a'].pk}")
    expect(axe_page.get_by_role("tree")).to_be_visible()
    violations = axe_violations(axe_page)
    assert violations == [], json.dumps(violations, indent=1)
    axe_page.goto(motion.get_absolute_url())
    expect(axe_page.locator(f"#map-panel #map-arc-{arguments['top1'].pk}")).to_be_attached()
    # The panel on the motion page: the rest of that page is other tests' business.
    violations = axe_violations(axe_page, ".map-panel")
    assert violations == [], json.dumps(violations, indent=1)
