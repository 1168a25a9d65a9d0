"""The source reader in a browser (issue 20): highlights, following one to its argument and back,
arguing from a selected sentence, and a new argument's passage arriving live."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from debates import services, source_queries
from debates.models import Argument, Motion, Source, Stance
from tests.factories import verified_user

SELECT_FIRST_SENTENCE = """(number) => {
  const span = document.querySelector(`#p-${number} .reader__paragraph span[data-start]`);
  const text = span.firstChild;
  const end = text.data.indexOf(". ") + 1;
  const range = document.createRange();
  range.setStart(text, 0);
  range.setEnd(text, end);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  return text.data.slice(0, end);
}"""


def _essay():
    return Source.objects.get(seed_key="saradzhyan-essay")


def _coverage(page) -> int:
    return int(page.locator("#coverage-figure strong").inner_text().rstrip("%"))


def test_a_reader_follows_a_highlight_to_its_argument_and_back(page, seeded_live, axe, live_server):
    essay = _essay()
    page.goto(reverse("source", args=[essay.pk]))
    expect(page.locator(".passage--pro").first).to_be_visible()
    expect(page.locator(".passage--con").first).to_be_visible()
    assert axe(page) == []
    page.set_viewport_size({"width": 390, "height": 800})
    overflow = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert page.evaluate(overflow) <= 0, "the reader scrolls sideways on a phone"
    page.set_viewport_size({"width": 1280, "height": 800})

    argument = Argument.objects.filter(source=essay, stance=Stance.CON).order_by("pk").first()
    page.locator(f'.passage[data-passages~="{argument.passage_fragment}"]').first.click()
    expect(page).to_have_url(live_server.url + argument.get_absolute_url())

    page.get_by_role("link", name="Read the passage in the source").first.click()
    expect(page).to_have_url(re.compile(f"/sources/{essay.pk}/#{argument.passage_fragment}$"))
    marked = page.locator(".passage--current")
    expect(marked.first).to_be_visible()
    expect(marked.first).to_be_in_viewport()


def test_a_member_argues_from_a_selected_sentence_and_coverage_rises(signed_in, seeded_live, axe):
    essay = _essay()
    paragraph = next(
        p for p in source_queries.reading(essay).unargued if ". " in p.text and len(p.text) > 200
    )
    page = signed_in(verified_user(display_name="Reader Ruth"))
    page.goto(reverse("source", args=[essay.pk]))
    before = _coverage(page)

    sentence = page.evaluate(SELECT_FIRST_SENTENCE, paragraph.number)
    argue = page.get_by_role("link", name="Argue from this passage")
    expect(argue).to_be_visible()
    argue.click()

    expect(page.get_by_label("The passage you quote")).to_have_value(sentence)
    assert axe(page) == []
    page.get_by_label("Argue on the motion").select_option("strategic-solitude")
    page.get_by_label("Con").check()
    page.get_by_label("Claim").fill("This passage cuts against strategic solitude.")
    page.get_by_role("button", name="Post the argument").click()

    argument = Argument.objects.get(claim="This passage cuts against strategic solitude.")
    assert (argument.quote_start, argument.anchor) == (paragraph.start, "exact")
    assert argument.quote_end == paragraph.start + len(sentence)
    expect(page).to_have_url(re.compile(f"/sources/{essay.pk}/#{argument.passage_fragment}$"))
    highlight = page.locator(f'.passage[data-passages~="{argument.passage_fragment}"]')
    expect(highlight.first).to_have_class("passage passage--con passage--current")
    assert _coverage(page) > before


def test_a_new_argument_quoting_the_source_is_highlighted_on_open_reader_pages(page, seeded_live):
    essay = _essay()
    paragraph = source_queries.reading(essay).unargued[-1]
    page.goto(reverse("source", args=[essay.pk]))
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")

    argument, _ = services.post_argument(
        author=verified_user(display_name="Live Lou"),
        motion=Motion.objects.get(slug="strategic-solitude"),
        parent=None,
        stance=Stance.PRO,
        claim="Arrives while the essay is open.",
        source=essay,
        quote=paragraph.text[:40],
    )
    expect(page.locator(f"#{argument.passage_fragment}")).to_have_count(1)
    expect(
        page.locator(f'.passage--pro[data-passages~="{argument.passage_fragment}"]').first
    ).to_be_visible()


def test_without_javascript_a_member_argues_from_a_paragraph(browser, live_server, seeded_live):
    from django.conf import settings
    from django.test import Client

    essay = _essay()
    paragraph = next(
        p
        for p in source_queries.reading(essay).unargued
        if ". " in p.text and p.text == p.text.strip()
    )
    sentence = paragraph.text[: paragraph.text.index(". ") + 1]
    client = Client()
    client.force_login(verified_user(display_name="Plain Pat"))
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    try:
        page = context.new_page()
        page.goto(reverse("source", args=[essay.pk]))
        expect(page.get_by_role("link", name="Argue from this passage")).to_be_hidden()
        page.locator(f"#p-{paragraph.number}").get_by_role(
            "link", name="Argue from this paragraph"
        ).click()
        quote = page.get_by_label("The passage you quote")
        expect(quote).to_have_value(paragraph.text)
        quote.fill(sentence)
        page.get_by_label("Argue on the motion").select_option("strategic-solitude")
        page.get_by_label("Pro").check()
        page.get_by_label("Claim").fill("Argued from a paragraph, without scripts.")
        page.get_by_role("button", name="Post the argument").click()

        argument = Argument.objects.get(claim="Argued from a paragraph, without scripts.")
        assert (argument.quote_start, argument.anchor) == (paragraph.start, "exact")
        marked = page.locator(f'.passage--pro[data-passages~="{argument.passage_fragment}"]')
        expect(marked).to_have_text(sentence)
    finally:
        context.close()
