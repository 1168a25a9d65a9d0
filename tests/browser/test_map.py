"""The debate's map and outline in a browser: arcs lead to permalinks, the outline is a keyboard
tree, the motion page's panel follows the debate live, and axe-core finds nothing to fix."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from debates.models import Argument, Stance
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


def point_in_arc(page, selector):
    """A point inside the arc's own shape (its box's centre may be another arc's)."""
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
    return point


def test_an_arc_of_the_map_leads_to_its_argument(page, debate):
    motion, arguments = debate
    page.goto(f"/motions/{motion.slug}/map/")
    reply = arguments["reply2b"]
    arc = page.locator(f"#map-arc-{reply.pk}")
    expect(arc).to_have_class("map__arc map__arc--supports map__arc--weak")  # a con of a con
    # Its claim shows under the map on hover and on keyboard focus, not only as a tooltip.
    caption = page.locator(".map__caption")
    page.locator(f"#map-arc-{arguments['top1'].pk}").focus()
    expect(caption).to_have_text("Pro (for the motion; weakly supported): Top 1.")
    # The claim is isolated from the house's lead, as a claim written right to left needs.
    expect(caption.locator("bdi")).to_have_text("Top 1.")
    point = point_in_arc(page, f"#map-arc-{reply.pk}")
    page.mouse.move(*point)
    expect(caption).to_have_text("Con reply (for the motion; weakly supported): Reply 2b.")
    page.mouse.click(*point)
    expect(page).to_have_url(re.compile(re.escape(reply.get_absolute_url()) + "$"))
    expect(page.locator(f"#claim-{reply.pk}")).to_have_text("Reply 2b.")


def test_an_arc_and_its_outline_item_name_its_side_and_weakness_in_words(page, debate):
    """Colour alone said an arc's side of the motion and that votes do not back it (WCAG 1.4.1),
    while its words said "Pro" or "Con", its stance on its parent. A pro of a con, coloured
    against the motion, is named so by the map, its caption and the outline; one agreed with
    is no longer "weakly supported"."""
    motion, arguments = debate
    pro_of_con = arguments["reply2a"]  # a pro reply to the con "Top 2."
    Argument.objects.filter(pk=pro_of_con.pk).update(agree_count=2)
    # As its permalink's map: its outline branch open (a closed one is named to nobody).
    page.goto(f"/motions/{motion.slug}/map/?current={pro_of_con.pk}")
    name = "Pro reply (against the motion): Reply 2a."
    arc = page.locator(f"#map-arc-{pro_of_con.pk}")
    expect(arc).to_have_class("map__arc map__arc--opposes")
    expect(arc).to_have_accessible_name(name)
    arc.focus()
    expect(page.locator(".map__caption")).to_have_text(name)
    expect(page.locator(".map__caption bdi")).to_have_text("Reply 2a.")
    weak = page.locator(f"#map-arc-{arguments['top2'].pk}")
    expect(weak).to_have_accessible_name("Con (against the motion; weakly supported): Top 2.")
    # The outline's item: "Pro" shown, as the tree of the debate shows a reply's stance; the
    # side and the weakness read out with it.
    item = page.locator(f"#outline-arc-{pro_of_con.pk}")
    expect(item).to_have_accessible_name(
        re.compile(r"Pro reply \(against the motion\): Reply 2a\.$")
    )
    expect(item.locator(".stance")).to_have_text("Pro")
    expect(page.locator(f"#outline-arc-{arguments['top2'].pk}")).to_have_accessible_name(
        re.compile(r"Con \(against the motion; weakly supported\): Top 2\.$")
    )


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


def post_from(writer, motion, claim):
    """Argue against the motion from the writer's own browser."""
    writer.goto(motion.get_absolute_url())
    writer.get_by_role("link", name="Argue for or against this motion").click()
    form = writer.locator("#reply-slot-motion form")
    form.get_by_label("Con").check()
    form.get_by_label("Claim").fill(claim)
    form.get_by_role("button", name="Post argument").click()
    expect(writer.locator("#replies-motion")).to_contain_text(claim)
    return Argument.objects.get(motion=motion, claim=claim)


def test_the_map_follows_the_debate_live_and_throttled(page, signed_in, debate):
    """A reader has the map page and the motion page open; a member posts and votes from a
    browser of their own. Both maps take the change without a reload, the outline keeps the
    branch the reader opened and its focus, and a burst of changes costs one more refresh."""
    motion, arguments = debate
    refreshes, errors = [], []
    page.on("request", lambda r: refreshes.append(r.url) if "/map/?live" in r.url else None)
    # The stream's messages are made for the motion page: here their targets are missing.
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"/motions/{motion.slug}/map/")
    panel_page = page.context.new_page()
    panel_loads = []
    panel_page.on(
        "request", lambda r: panel_loads.append(r.url) if "/map/?panel" in r.url else None
    )
    panel_page.goto(motion.get_absolute_url())
    panel_page.locator(".map-panel > summary").click()  # closed until the reader opens it
    expect(panel_page.locator(f"#map-panel #map-arc-{arguments['top1'].pk}")).to_be_visible()
    for reader in (page, panel_page):
        expect(reader.locator("#live-status")).to_have_attribute(
            "data-state", "live", timeout=15_000
        )
        reader.evaluate("window.__noReload = true")
    messages = page.evaluate_handle(
        """() => { const seen = {count: 0};
            document.addEventListener("htmx:sse:after:message", () => seen.count++);
            return seen; }"""
    )
    second = page.locator(f"#outline-arc-{arguments['top2'].pk}")
    second.focus()
    page.keyboard.press("ArrowRight")
    expect(second).to_have_attribute("aria-expanded", "true")

    writer = signed_in(verified_user(display_name="Writer elsewhere"))
    fresh = post_from(writer, motion, "Fresh from another browser.")
    for reader in (page, panel_page):
        arc = reader.locator(f"#map-arc-{fresh.pk}")
        expect(arc).to_be_visible(timeout=15_000)
        expect(arc.locator("title")).to_have_text(
            "Con (against the motion; weakly supported): Fresh from another browser."
        )
    expect(page.locator(f"#outline-arc-{fresh.pk}")).to_have_attribute("role", "treeitem")
    expect(page.get_by_role("heading", level=1)).to_contain_text("(13 arguments)")
    expect(second).to_have_attribute("aria-expanded", "true")
    expect(second).to_be_focused()
    assert len(refreshes) == 1
    assert len(panel_loads) == 2  # when the page loaded, and now

    # A burst: two votes and a post within the throttle's 10 s make one refresh, at its end.
    for name in ("top1", "top3"):
        writer.goto(arguments[name].get_absolute_url())
        writer.locator(f"#vote-argument-{arguments[name].pk}-agree").click()
        expect(writer.locator(f"#vote-argument-{arguments[name].pk}-agree-count")).to_have_text("1")
    later = post_from(writer, motion, "Later in the burst.")
    expect(page.locator(f"#map-arc-{later.pk}")).to_be_attached(timeout=15_000)
    expect(page.locator(f"#map-arc-{arguments['top1'].pk}")).not_to_have_class(
        re.compile("map__arc--weak")
    )
    assert messages.evaluate("seen => seen.count") >= 4
    expect(panel_page.locator(f"#map-arc-{later.pk}")).to_be_attached(timeout=15_000)
    assert len(refreshes) == 2
    assert len(panel_loads) == 3
    assert page.evaluate("window.__noReload") and panel_page.evaluate("window.__noReload")
    assert errors == []


# Where the focus is: in the map's panel, in an argument of the motion's tree, or elsewhere.
FOCUS_IN = """() => {
    const focused = document.activeElement;
    if (focused.closest(".map-panel")) return "map";
    return focused.closest("#replies-motion > li.argument") ? "argument" : "";
}"""


def test_the_motion_page_s_arguments_come_before_its_map(page, debate):
    """The map's panel starts closed: its arcs, a link each, would otherwise stand between the
    top of the page and the arguments (198 presses of Tab on a big debate). It loads all the
    same, and opens in place."""
    motion, arguments = debate
    page.goto(motion.get_absolute_url())
    arc = page.locator(f"#map-panel #map-arc-{arguments['top1'].pk}")
    expect(arc).to_be_attached()  # loaded while closed
    expect(arc).to_be_hidden()
    panel = page.locator(".map-panel")
    assert panel.get_attribute("open") is None
    assert panel.bounding_box()["height"] < 60
    where = []
    for _ in range(40):
        page.keyboard.press("Tab")
        where.append(page.evaluate(FOCUS_IN))
        if where[-1] == "argument":
            break
    assert where[-1] == "argument", where
    assert where.count("map") == 1, where  # its summary alone
    page.locator(".map-panel > summary").click()
    expect(arc).to_be_visible()
    expect(panel.get_by_role("link", name="Map and outline of the whole debate")).to_be_visible()


def test_a_permalink_marks_its_argument_on_the_map(page, debate):
    _, arguments = debate
    reply = arguments["reply3a"]
    page.goto(reply.get_absolute_url())
    page.get_by_text("Where this argument stands in the debate").click()
    arc = page.locator(f"#map-panel #map-arc-{reply.pk}")
    expect(arc).to_have_attribute("aria-current", "page")
    expect(arc).to_be_visible()


def test_the_map_fits_a_phone_and_prints_the_whole_outline(page, debate):
    motion, arguments = debate
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/motions/{motion.slug}/map/")
    width = page.locator(".map__svg").bounding_box()["width"]
    assert 300 < width <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    nested = page.locator(f"#outline-arc-{arguments['reply2b'].pk}")
    expect(nested).to_be_hidden()  # a closed branch on screen
    page.emulate_media(media="print")
    expect(nested).to_be_visible()  # on paper every branch is open
    expect(page.locator(f"#map-arc-{arguments['reply2b'].pk} path")).to_be_visible()


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
    axe_page.locator(".map-panel > summary").click()
    expect(axe_page.locator(f"#map-panel #map-arc-{arguments['top1'].pk}")).to_be_visible()
    # The panel on the motion page: the rest of that page is other tests' business.
    violations = axe_violations(axe_page, ".map-panel")
    assert violations == [], json.dumps(violations, indent=1)
