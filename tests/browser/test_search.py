"""Searching (issue 21) in a real browser: as one types, without JavaScript, and the duplicate
warning under a claim being typed, and a passage of a source's text leading into its reader;
each checked with axe."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import ArgumentFactory, MotionFactory, verified_user


@pytest.fixture
def debate(transactional_db):
    motion = MotionFactory(title="Talks over the border", claim="The talks will succeed.")
    ArgumentFactory(motion=motion, claim="The negotiations stalled for a year.")
    ArgumentFactory(motion=motion, claim="Mediators kept both sides talking.", stance="con")
    ArgumentFactory(motion=motion, claim="Hidden negotiations text.", visibility="hidden")
    return motion


def test_results_follow_the_typing_without_a_reload(page, debate, axe):
    page.goto("/search/")
    page.evaluate("window.__noReload = true")
    page.get_by_label("Search for").press_sequentially("negotiate", delay=30)
    hits = page.locator("#search-results .search-hit")
    expect(hits).to_have_count(1)
    expect(hits.first.locator("mark")).to_have_text("negotiations")
    expect(hits.first).to_contain_text("Talks over the border")
    expect(page.locator(".search-results__count")).to_have_text("1 result")
    expect(page.locator("#search-status")).to_have_text("1 result")  # heard, not only seen
    assert page.evaluate("window.__noReload") is True
    expect(page).to_have_url("/search/?q=negotiate&motion=&stance=&author=")

    page.get_by_label("Stance").select_option("con")
    expect(page.locator(".search-results__count")).to_have_text(
        "Nothing found. Try fewer or other words, or fewer filters."
    )
    assert axe(page) == []


def test_filters_alone_list_as_they_change_and_are_heard(page, debate, axe):
    """No words, a filter: everything it admits, newest first, its count in the status region."""
    page.goto("/search/")
    page.evaluate("window.__noReload = true")
    page.get_by_label("Stance").select_option("con")
    hits = page.locator("#search-results .search-hit")
    expect(hits).to_have_count(1)
    expect(hits.first).to_contain_text("Mediators kept both sides talking.")
    expect(page.locator(".search-results__count")).to_have_text("1 con argument")
    expect(page.locator("#search-status")).to_have_text("1 con argument")
    expect(page).to_have_url("/search/?q=&motion=&stance=con&author=")

    page.get_by_label("Stance").select_option("")
    page.get_by_label("Motion").select_option(debate.slug)
    # The motion and its two shown arguments, never the hidden one.
    expected = f"3 results in “{debate.title}”"
    expect(page.locator("#search-status")).to_have_text(expected)
    expect(hits).to_have_count(3)
    expect(hits.last).to_contain_text("The talks will succeed.")
    expect(page.locator("#search-results")).not_to_contain_text("Hidden negotiations")

    page.get_by_label("Search for").press_sequentially("mediators", delay=30)
    expect(page.locator("#search-status")).to_have_text("1 result")
    page.get_by_label("Search for").fill("")
    expect(page.locator("#search-status")).to_have_text(expected)
    assert page.evaluate("window.__noReload") is True
    assert axe(page) == []


def test_the_nav_box_searches_without_javascript(browser, live_server, debate, axe):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(debate.get_absolute_url())
        page.get_by_role("searchbox", name="Search Crux").fill("mediators")
        page.get_by_role("search", name="Search Crux").get_by_role("button", name="Search").click()
        expect(page).to_have_url("/search/?q=mediators")
        hits = page.locator(".search-hit")
        expect(hits).to_have_count(1)
        expect(hits.first.locator(".stance")).to_have_text("Con")
        hits.first.get_by_role("link", name="Mediators kept both sides talking.").click()
        expect(page.locator("h1, .argument__claim").first).to_be_visible()
        assert "/arguments/" in page.url
    finally:
        context.close()


def test_is_your_point_already_here(signed_in, debate, axe):
    page = signed_in(verified_user(display_name="Typing Tam"))
    page.goto(debate.get_absolute_url())
    page.get_by_role("link", name="Argue for or against this motion").click()
    form = page.locator("#reply-slot-motion form")
    form.get_by_label("Claim").press_sequentially("The negotiations stalled for years", delay=20)
    warning = form.locator(".similar-claims")
    expect(warning).to_contain_text("Is your point already here?")
    expect(warning.get_by_role("link")).to_have_text(["The negotiations stalled for a year."])
    assert axe(page, "#reply-slot-motion") == []

    # Posting anyway stays possible.
    form.get_by_label("Pro").check()
    form.get_by_role("button", name="Post argument").click()
    expect(page.locator("#replies-motion")).to_contain_text("The negotiations stalled for years")


def test_a_passage_of_a_source_leads_into_its_reader(page, seeded_live, axe):
    """Words in the essay's text: the hit names the essay, marks the words and leads to their
    paragraph in the reader."""
    page.goto("/search/")
    page.get_by_label("Search for").press_sequentially("game-changer drones", delay=20)
    passage = page.locator("#search-results .search-hit").filter(
        has_text="From the text of a source"
    )
    expect(passage).to_have_count(1)
    expect(passage.locator("mark").first).to_have_text(re.compile("game", re.I))
    expect(passage.locator(".search-hit__byline")).to_have_text("Simon Saradzhyan, 2021")
    assert axe(page) == []
    link = passage.get_by_role("link", name=re.compile("Karabakh calculus"))
    fragment = link.get_attribute("href").split("#")[1]
    link.click()
    expect(page).to_have_url(re.compile(f"/sources/\\d+/#{fragment}$"))
    paragraph = page.locator(f"#{fragment}")
    expect(paragraph).to_contain_text("game-changer")
    expect(paragraph).to_be_in_viewport()
