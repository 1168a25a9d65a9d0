"""Searching on a phone and as one types: the filters fold away under "Filters" so the results
follow the words typed (open when one is set, with or without JavaScript; always shown on a
wider screen), and a word half typed already finds what it starts."""

import pytest
from playwright.sync_api import expect

from tests.factories import ArgumentFactory, MotionFactory

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def debate(transactional_db):
    motion = MotionFactory(title="Talks over the border", claim="The talks will succeed.")
    ArgumentFactory(motion=motion, claim="Pashinyan met Aliyev in Brussels.")
    ArgumentFactory(motion=motion, claim="Pashinyan's critics walked out.", stance="con")
    return motion


def test_on_a_phone_the_results_come_before_the_folded_filters_open(page, debate, axe):
    page.set_viewport_size(PHONE)
    page.goto("/search/")
    page.evaluate("window.__noReload = true")
    summary = page.locator(".search-form__more > summary")
    expect(summary).to_have_text("Filters")
    expect(page.get_by_label("Stance")).to_be_hidden()
    # Half a name already finds it, as the words are typed.
    page.get_by_label("Search for").press_sequentially("Pashin", delay=30)
    hits = page.locator("#search-results .search-hit")
    expect(hits).to_have_count(2)
    expect(page.locator("#search-status")).to_have_text("2 results")
    expect(hits.first.locator("mark").first).to_have_text("Pashinyan")
    expect(hits.first).to_be_in_viewport(ratio=1)  # above the fold, not under the whole form
    assert axe(page) == []

    summary.click()
    page.get_by_label("Stance").select_option("con")
    expect(page.locator("#search-status")).to_have_text("1 result")
    expect(page.get_by_label("Stance")).to_be_visible()  # the swap leaves the filters open
    assert page.evaluate("window.__noReload") is True
    assert axe(page) == []


def test_without_javascript_a_filter_set_opens_them_and_none_folds_them(new_page, debate):
    page = new_page(javascript=False)
    page.set_viewport_size(PHONE)
    page.goto("/search/?q=pashin")
    expect(page.get_by_label("Stance")).to_be_hidden()
    page.locator(".search-form__more > summary").click()
    page.get_by_label("Stance").select_option("con")
    page.get_by_role("search", name="Search with filters").get_by_role(
        "button", name="Search"
    ).click()
    expect(page).to_have_url("/search/?q=pashin&motion=&stance=con&author=")
    expect(page.locator(".search-results__count")).to_have_text("1 result")
    expect(page.get_by_label("Stance")).to_be_visible()


def test_a_wider_screen_shows_the_filters_without_the_summary(page, debate, axe):
    page.set_viewport_size(DESKTOP)
    page.goto("/search/?q=pashinyan")
    expect(page.locator(".search-form__more > summary")).to_be_hidden()
    for field in ("Motion", "Stance", "Author"):
        expect(page.get_by_label(field)).to_be_visible()
    expect(page.locator("#search-results .search-hit")).to_have_count(2)
    assert axe(page) == []
