"""Issue 19 in a real browser: a planted debate's Analysis page and "view as group"."""

import json
import re
import time

import pytest
from playwright.sync_api import expect

from analysis import services
from analysis.models import MotionAnalysis
from debates.models import Vote
from debates.moderation import hide_argument
from debates.services import post_argument
from tests.browser.live_pages import open_live
from tests.factories import MotionFactory, verified_user
from tests.test_analysis_ordering import plant_replies
from tests.test_analysis_pages import CAMP_SIZE, plant_debate


def reply_ids(page, parent="motion"):
    ids = page.locator(f"#replies-{parent} > li.argument").evaluate_all("els => els.map(e => e.id)")
    return [int(i.removeprefix("argument-")) for i in ids]


def test_analysis_page_shows_the_map_groups_and_a_crux_and_groups_reorder_replies(
    page, transactional_db
):
    motion, args, camps = plant_debate()
    replies = plant_replies(motion, args, camps)
    services.refresh(motion_id=motion.pk)
    groups = MotionAnalysis.objects.get(motion=motion).result["groups"]
    camp0 = {u.pk for u in camps[0]}
    csp_errors = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )

    page.goto(motion.get_absolute_url())
    page.get_by_role("link", name=re.compile("Where people disagree")).click()
    expect(page.get_by_role("heading", name="Where people disagree")).to_be_visible()
    expect(page.get_by_role("img", name="Opinion map")).to_be_visible()
    # Voters who voted alike share a dot, whose title says how many: every voter is drawn once.
    titles = page.locator(".opinion-map circle > title").all_text_contents()
    assert sum(int(title.split()[0]) for title in titles) == 2 * CAMP_SIZE
    assert len(titles) == page.locator(".opinion-map circle").count() < 2 * CAMP_SIZE
    expect(page.get_by_role("heading", name=re.compile(r"^Group 1: \d+ voters"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Group 2: \d+ voters"))).to_be_visible()
    crux = page.locator("#cruxes-for li, #cruxes-against li").first
    expect(crux).to_contain_text(re.compile(r"(pro|con) claim \d"))

    orders = {}
    for group in groups[:2]:
        page.goto(motion.get_absolute_url().rstrip("/") + "/analysis/")
        number = group["id"] + 1
        page.get_by_role("link", name=f"View the debate as group {number} ranks it").click()
        expect(page.locator("#group-view")).to_contain_text(f"opinion group {number}")
        orders[group["id"]] = reply_ids(page)
        side = "pro" if set(group["members"]) <= camp0 else "con"
        expected = {args[f"{side}{i}"].pk for i in range(5)} | {args["common"].pk}
        assert set(orders[group["id"]][:6]) == expected
        # Replies below an argument are ranked by the group too, and each says how it voted.
        own, other = ("camp0", "camp1") if side == "pro" else ("camp1", "camp0")
        nested = reply_ids(page, args["common"].pk)
        assert nested[:2] == [replies[own].pk, replies[other].pk]
        size = group["size"]
        expect(page.locator(f"#group-agreement-{replies[own].pk}")).to_have_text(
            f"Opinion group {number}: {size} of {size} agree (100%)"
        )
        expect(page.locator(f"#group-agreement-{replies[other].pk}")).to_have_text(
            f"Opinion group {number}: 0 of {size} agree (0%)"
        )
    first, second = (orders[g["id"]] for g in groups[:2])
    assert first != second
    assert csp_errors == []


def test_a_group_view_shows_live_changes_as_a_reload_would(page, moderator, transactional_db):
    """A group's view is never the shared tree, so what arrives live lacks the group's line: the
    page gives a new argument the line of one with no votes, and a hidden claim none."""
    motion, args, _ = plant_debate()
    services.refresh(motion_id=motion.pk)
    common, doomed = args["common"], args["pro0"]
    open_live(page, f"{motion.get_absolute_url()}?group=1")
    expect(page.locator(f"#group-agreement-{doomed.pk}")).to_be_visible()

    reply, _ = post_argument(
        author=verified_user(), motion=motion, parent=common, stance="con", claim="Arrives live."
    )
    hide_argument(moderator=moderator, argument=doomed, reason="Off topic")
    line = page.locator(f"#group-agreement-{reply.pk}")
    expect(line).to_have_text("Opinion group 1: no votes on it")
    expect(page.locator(f"#body-{reply.pk} + #group-agreement-{reply.pk}")).to_have_count(1)
    expect(page.locator(f"#body-{doomed.pk}")).to_contain_text("[hidden")
    expect(page.locator(f"#group-agreement-{doomed.pk}")).to_be_hidden()
    assert page.evaluate("window.__noReload") is True

    page.reload()
    expect(line).to_have_text("Opinion group 1: no votes on it")
    expect(page.locator(f"#group-agreement-{doomed.pk}")).to_have_count(0)

    # Another order, chosen in place, is no group's view: what arrives then has no line.
    page.get_by_role("navigation", name="Order of replies").get_by_role("link").first.click()
    expect(page.locator("#group-view")).to_have_count(0)
    later, _ = post_argument(
        author=verified_user(), motion=motion, parent=None, stance="pro", claim="Later."
    )
    expect(page.locator(f"#argument-{later.pk}")).to_contain_text("Later.")
    expect(page.locator(".argument__group")).to_have_count(0)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_the_analysis_page(new_page, signed_in, axe, transactional_db, scheme):
    """Anonymous, and a member comparing herself with her own group after changing a vote since
    the run (the page that once answered 500)."""
    motion, args, camps = plant_debate()
    plant_replies(motion, args, camps)
    services.refresh(motion_id=motion.pk)
    her = camps[0][0]
    groups = MotionAnalysis.objects.get(motion=motion).result["groups"]
    own = next(group["id"] for group in groups if her.pk in group["members"])
    Vote.objects.filter(user=her, argument=args["common"]).update(choice=Vote.Choice.DISAGREE)
    url = motion.get_absolute_url().rstrip("/") + "/analysis/"
    found = {}
    for who, page in (("anonymous", new_page()), ("member", signed_in(her))):
        page.emulate_media(color_scheme=scheme)
        page.goto(url if who == "anonymous" else f"{url}?against={own + 1}")
        expect(page.get_by_role("heading", name="Where people disagree")).to_be_visible()
        if who == "member":
            expect(page.locator("#personal-list")).to_contain_text(args["common"].claim)
        violations = axe(page)
        if violations:
            found[who] = violations
    assert found == {}, json.dumps(found, indent=1)


def test_a_member_sees_her_own_place_on_the_map_and_a_reader_sees_none(
    new_page, signed_in, transactional_db
):
    motion, _, camps = plant_debate()
    services.refresh(motion_id=motion.pk)
    her = camps[1][0]
    groups = MotionAnalysis.objects.get(motion=motion).result["groups"]
    number = next(group["id"] for group in groups if her.pk in group["members"]) + 1
    url = motion.get_absolute_url().rstrip("/") + "/analysis/"

    page = signed_in(her)
    page.goto(url)
    opinion_map = page.get_by_role("img", name="Opinion map")
    # The map is named by its title and its description together (aria-labelledby).
    expect(opinion_map).to_have_accessible_name(
        re.compile(f"Your own dot, in group {number}, is ringed and labelled “You”")
    )
    expect(page.locator("#map-you text")).to_have_text("You")
    expect(page.locator("#you-are-here")).to_contain_text(f"You are in group {number}:")
    # The ring is round her dot, and the label stands inside the map, where it can be read.
    ring = page.locator("#map-you circle").bounding_box()
    dot = page.locator("circle", has=page.locator("title", has_text="you are here"))
    expect(dot).to_have_count(1)
    own = dot.bounding_box()
    assert abs((ring["x"] + ring["width"] / 2) - (own["x"] + own["width"] / 2)) < 0.5
    assert abs((ring["y"] + ring["height"] / 2) - (own["y"] + own["height"] / 2)) < 0.5
    assert ring["width"] > own["width"]
    label, frame = page.locator("#map-you text").bounding_box(), opinion_map.bounding_box()
    assert frame["x"] <= label["x"] and label["x"] + label["width"] <= frame["x"] + frame["width"]
    expect(
        page.get_by_role("heading", name=f"Group {number}: 12 voters (your group)")
    ).to_be_visible()

    reader = new_page()
    reader.goto(url)
    expect(reader.get_by_role("img", name="Opinion map")).to_be_visible()
    expect(reader.locator("#map-you")).to_have_count(0)
    expect(reader.locator("#you-are-here")).to_have_count(0)
    expect(reader.get_by_text("your group")).to_have_count(0)


def test_on_a_phone_the_dots_numbers_the_motion_s_split_and_whom_a_crux_counts_are_read(
    signed_in, transactional_db
):
    """No pointer to point at a dot with: the numbers are in the table under the map, which the
    keyboard reaches by its links, not by hundreds of focusable dots. The motion's row among
    the divisive claims says how each group voted, and "Your cruxes" name whom they count."""
    motion, _, camps = plant_debate()
    services.refresh(motion_id=motion.pk)
    stored = MotionAnalysis.objects.get(motion=motion)
    groups = stored.result["groups"]
    her = camps[0][0]
    own = next(group["id"] for group in groups if her.pk in group["members"])
    page = signed_in(her)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(motion.get_absolute_url().rstrip("/") + "/analysis/")

    table = page.get_by_role("table", name="The map's dots, by group")
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(len(groups))
    for group in groups:
        row = rows.nth(group["id"])
        expect(row.get_by_role("rowheader")).to_have_text(f"Group {group['id'] + 1}")
        expect(row.get_by_role("cell").first).to_have_text(str(group["size"]))
        expect(row.get_by_role("cell").nth(1)).to_contain_text(re.compile(r"\d+ dots? of \d+"))
    # The table stays within the phone's width, and only the sizes wrap there.
    assert table.bounding_box()["width"] <= 390
    # The lines each heading's text takes (a range over a text node: a rectangle a line).
    lines = table.locator("th").evaluate_all(
        "els => els.map(e => { const t = document.createTreeWalker(e, NodeFilter.SHOW_TEXT)"
        ".nextNode(); const r = document.createRange(); r.selectNodeContents(t);"
        " return r.getClientRects().length; })"
    )
    assert lines == [1] * (3 + len(groups))
    assert page.locator(".opinion-map circle[tabindex]").count() == 0
    # By keyboard: the first group's link in the table is reached and leads to the group.
    page.locator("#analysis-title").focus()
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#map-dots') !== null"):
            break
    expect(page.locator("#map-dots a").first).to_be_focused()

    motion_row = page.locator("#divisive-list li", has_text="The motion:")
    tallies = stored.group_votes["motion"]
    expect(motion_row).to_contain_text(
        "; ".join(
            "group {}: {} of {} agree".format(g["id"] + 1, *tallies[str(g["id"])]) for g in groups
        )
    )

    expect(page.locator("#personal-list li").first).to_contain_text(
        re.compile(r"of those who voted the other way on the motion agree\)")
    )
    other = next(group["id"] for group in groups if group["id"] != own)
    page.goto(f"{motion.get_absolute_url().rstrip('/')}/analysis/?against={other + 1}")
    expect(page.locator("#personal-list li").first).to_contain_text(
        re.compile(rf"; \d+ of \d+ in group {other + 1} agree\)")
    )


def focus_the_breadcrumb(page):
    """Focus on the page's first link, above the analysis: where a screen reader's reader was."""
    link = page.get_by_role("navigation", name="Breadcrumb").get_by_role("link")
    link.focus()
    return link


def test_a_pending_analysis_page_shows_the_report_once_it_is_stored(page, transactional_db):
    """The reader who opened the page before the run sees the report arrive without reloading,
    the notice gone and the page's own heading kept; a screen reader is told, politely, and
    the focus stays where it was."""
    motion, _, _ = plant_debate()
    page.goto(motion.get_absolute_url().rstrip("/") + "/analysis/")
    expect(page.locator("#analysis-empty")).to_contain_text("not been analysed yet")
    breadcrumb = focus_the_breadcrumb(page)
    services.refresh(motion_id=motion.pk)
    expect(page.get_by_role("img", name="Opinion map")).to_be_visible(timeout=15_000)
    expect(page.locator("#analysis-pending")).to_have_count(0)
    expect(page.get_by_role("heading", name="Where people disagree")).to_have_count(1)
    expect(page.locator('#analysis-status[role="status"]')).to_have_text(
        "The analysis is ready: its figures are below."
    )
    expect(breadcrumb).to_be_focused()


def test_a_waiting_analysis_page_asks_less_often_and_not_at_all_out_of_sight(
    page, transactional_db
):
    """Every five seconds while a run is awaited: not while the tab is hidden, and each answer
    that brings nothing lets one more tick pass unasked (a stopped worker, a page left open)."""
    motion, _, _ = plant_debate()
    asks = []
    page.on("request", lambda r: asks.append(time.monotonic()) if "since=" in r.url else None)
    page.add_init_script(
        "Object.defineProperty(document, 'hidden', {configurable: true, get: () => true})"
    )
    page.goto(motion.get_absolute_url().rstrip("/") + "/analysis/")
    expect(page.locator("#analysis-empty")).to_contain_text("not been analysed yet")
    opened = time.monotonic()
    page.wait_for_timeout(11_000)  # two ticks, out of sight
    assert asks == []
    page.evaluate("Object.defineProperty(document, 'hidden', {get: () => false})")
    page.wait_for_timeout(27_000 - 1_000 * (time.monotonic() - opened))
    # Asked at the third tick (15 s: nothing new), skipped one, asked at the fifth (25 s).
    assert len(asks) == 2, [round(at - opened, 1) for at in asks]


def test_a_page_opened_before_any_vote_shows_the_first_analysis(page, transactional_db):
    """ "Nobody has voted yet" once stood until a reload: the page asks now and then, and the
    first votes' analysis replaces it, told to screen readers."""
    motion = MotionFactory()
    page.goto(motion.get_absolute_url().rstrip("/") + "/analysis/")
    expect(page.locator("#analysis-empty")).to_contain_text("Nobody has voted")
    breadcrumb = focus_the_breadcrumb(page)
    Vote.objects.create(user=verified_user(), motion=motion, choice=Vote.Choice.AGREE)
    services.refresh(motion_id=motion.pk)
    expect(page.locator(".analysis__meta")).to_contain_text(
        "From the votes of 1 person", timeout=25_000
    )
    expect(page.locator('#analysis-status[role="status"]')).to_have_text(
        "The analysis is ready: its figures are below."
    )
    expect(breadcrumb).to_be_focused()
    expect(page.locator("#analysis-report")).not_to_have_attribute("hx-get", re.compile("."))


def test_figures_older_than_the_debate_say_so_until_the_newer_ones_arrive(
    page, moderator, transactional_db
):
    """The tester's case: the only common-ground claim hidden while the worker is stopped. The
    old figures stand under a notice of their time; the next run replaces them in place."""
    motion, args, _ = plant_debate()
    services.refresh(motion_id=motion.pk)
    hide_argument(moderator=moderator, argument=args["common"], reason="Off topic")
    page.goto(motion.get_absolute_url().rstrip("/") + "/analysis/")
    notice = page.locator("#analysis-updating")
    expect(notice).to_contain_text("Updating: these figures are from")
    expect(notice).to_contain_text("a newer analysis is on its way")
    expect(page.get_by_role("img", name="Opinion map")).to_be_visible()
    # Its polls find nothing new until the run is stored, and swap nothing: a reader in the
    # report stays where she is.
    polls = []
    page.on("response", lambda r: polls.append(r.status) if "since=" in r.url else None)
    download = page.get_by_role("link", name=re.compile("Download the figures"))
    download.focus()
    with page.expect_response(lambda r: "since=" in r.url, timeout=15_000) as poll:
        pass
    assert poll.value.status == 204
    page.wait_for_timeout(200)  # what a swap would have done, done
    expect(download).to_be_focused()
    breadcrumb = focus_the_breadcrumb(page)
    services.refresh(motion_id=motion.pk)
    expect(notice).to_have_count(0, timeout=15_000)
    expect(page.locator('#analysis-status[role="status"]')).to_have_text(
        "The analysis has been brought up to date."
    )
    expect(page.get_by_role("img", name="Opinion map")).to_be_visible()
    expect(breadcrumb).to_be_focused()
    # The latest figures ask no more.
    asked = len(polls)
    page.wait_for_timeout(6_000)
    assert len(polls) == asked
