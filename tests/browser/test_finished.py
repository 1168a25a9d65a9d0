"""Issue 17's "What a finished site has", driven in the browser: dates and profiles on arguments,
print, touch targets, the focus ring, messages that stay a list, the live indicator without
JavaScript, "voting is closed" said once, and a refused reply that keeps what was typed."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from accounts.services import grant_moderator
from debates import moderation
from debates.models import Argument, Motion, Source
from tests.factories import ArgumentFactory, MotionFactory, SourceFactory, verified_user

SOURCE_URL = "https://example.org/reports/air-2024"


@pytest.fixture
def motion(transactional_db):
    author = verified_user(display_name="Ada Author")
    motion = MotionFactory(author=author, claim="Cities should ban cars from their centres.")
    top = ArgumentFactory(
        motion=motion,
        author=author,
        claim="Air gets cleaner.",
        source=SourceFactory(title="Air report", url=SOURCE_URL),
        quote="Nitrogen dioxide fell by a third.",
    )
    ArgumentFactory(motion=motion, parent=top, author=author, stance="con", claim="Not here.")
    return motion


def test_an_argument_says_when_it_was_posted_and_links_its_author(page, motion):
    page.goto(motion.get_absolute_url())
    argument = page.locator(".argument", has_text="Air gets cleaner.").first
    posted = argument.locator("time.argument__time").first
    expect(posted).to_have_attribute("title", re.compile(r"^\w+day \d+ \w+ \d{4}, \d\d:\d\d UTC$"))
    expect(posted).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))
    author = argument.get_by_role("link", name="Ada Author").first
    expect(author).to_have_attribute("href", motion.author.get_absolute_url())


def test_on_paper_no_nav_buttons_or_live_indicator_and_sources_print_their_address(
    signed_in, motion
):
    page = signed_in(verified_user())
    page.goto(motion.get_absolute_url())
    page.emulate_media(media="print")
    for hidden in (".site-header", "#live-status", ".vote", ".reply-link", ".flag-link"):
        expect(page.locator(hidden).first).to_be_hidden()
    assert page.locator("button:visible").count() == 0
    after = page.locator(f'.citation a[href="{SOURCE_URL}"]').first.evaluate(
        "link => getComputedStyle(link, '::after').content"
    )
    assert SOURCE_URL in after
    page.emulate_media(media="screen")
    expect(page.locator(".site-header")).to_be_visible()


def test_on_paper_a_folded_thread_says_where_the_rest_is(page, transactional_db):
    motion = MotionFactory(title="Deep", claim="Deep threads print.")
    parent = None
    for depth in range(8):
        parent = ArgumentFactory(motion=motion, parent=parent, claim=f"Level {depth}.")
    page.goto(motion.get_absolute_url())
    page.emulate_media(media="print")
    folded = page.locator(".show-more").first
    expect(folded).to_be_visible()
    expect(folded).to_contain_text("Continue this thread")
    after = folded.evaluate("link => getComputedStyle(link, '::after').content")
    assert "online at" in after and "/arguments/" in after
    page.emulate_media(media="screen")
    expect(page.locator(".site-header")).to_be_visible()


def test_what_a_finger_presses_is_at_least_24_px_square(signed_in, motion):
    page = signed_in(verified_user())
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(motion.get_absolute_url())
    small = {}
    for selector in (".vote__button", ".flag-link", ".sort__option", ".reply-link"):
        targets = page.locator(f"{selector}:visible")
        assert targets.count() > 0, selector
        for n in range(targets.count()):
            box = targets.nth(n).bounding_box()
            if box["width"] < 24 or box["height"] < 24:
                small[f"{selector} {n}"] = (box["width"], box["height"])
    assert small == {}


def test_the_details_summary_shows_the_sites_focus_ring(signed_in, motion):
    page = signed_in(verified_user())
    page.goto(f"{motion.get_absolute_url()}reply/")
    summary = page.locator("summary", has_text="Add details or a source")
    page.get_by_label("Claim").focus()
    for _ in range(5):
        if summary.evaluate("element => element === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(summary).to_be_focused()
    outline = summary.evaluate(
        "element => [getComputedStyle(element).outlineStyle,"
        " getComputedStyle(element).outlineWidth]"
    )
    assert outline == ["solid", "3px"]


def test_without_javascript_messages_stay_a_list_and_live_never_says_connecting(signed_in, motion):
    page = signed_in(verified_user(), javascript=False)
    page.goto(f"{motion.get_absolute_url()}reply/")
    page.get_by_label("Pro").check()
    page.get_by_label("Claim").fill("Children walk to school.")
    page.get_by_role("button", name="Post argument").click()
    message = page.get_by_role("listitem").filter(has_text="Your argument is posted.")
    expect(message).to_be_visible()
    expect(page.get_by_role("status").get_by_role("list")).to_have_count(1)
    page.goto(motion.get_absolute_url())
    expect(page.locator("#live-status")).not_to_contain_text("Connecting")


def test_a_locked_motion_says_voting_is_closed_once(signed_in, motion):
    moderator = verified_user()
    grant_moderator(user=moderator)
    moderation.lock_motion(moderator=moderator, motion=motion, reason="Closed for review.")
    page = signed_in(verified_user())
    page.goto(motion.get_absolute_url())
    expect(page.get_by_text(re.compile("voting is closed", re.IGNORECASE))).to_have_count(1)


def test_a_reply_refused_by_a_lock_keeps_what_was_typed(signed_in, motion):
    page = signed_in(verified_user(), javascript=False)
    page.goto(f"{motion.get_absolute_url()}reply/")
    page.get_by_label("Con").check()
    page.get_by_label("Claim").fill("Deliveries need the streets.")
    moderator = verified_user()
    grant_moderator(user=moderator)
    moderation.lock_motion(moderator=moderator, motion=motion, reason="Closed for review.")
    page.get_by_role("button", name="Post argument").click()
    expect(page.get_by_text(re.compile("locked", re.IGNORECASE)).first).to_be_visible()
    expect(page.get_by_label("Claim")).to_have_value("Deliveries need the streets.")


def test_a_cited_source_shows_author_publisher_date_and_link(page, motion):
    source = Argument.objects.get(claim="Air gets cleaner.").source
    Source.objects.filter(pk=source.pk).update(
        author="City Air Lab", publisher="Urban Press", published_on=date(2024, 3, 5)
    )
    page.goto(motion.get_absolute_url())
    caption = page.locator(".citation__source").first
    expect(caption).to_contain_text("City Air Lab")
    expect(caption).to_contain_text("Urban Press")
    expect(caption).to_contain_text("5 March 2024")
    expect(caption.get_by_role("link", name="Air report")).to_have_attribute("href", SOURCE_URL)


def test_the_seeded_sources_show_their_author_and_publisher(page, seeded_live):
    # One citing the motion's own source names it briefly, in full in its title (test_look_debate).
    cited = (
        Argument.objects.filter(source__publisher__gt="")
        .exclude(source_id__in=Motion.objects.values("source_id"))
        .select_related("source")
        .first()
    )
    page.goto(cited.get_absolute_url())
    caption = page.locator(f"#argument-{cited.pk} .citation__source").first
    expect(caption).to_contain_text(cited.source.author)
    expect(caption).to_contain_text(cited.source.publisher)
