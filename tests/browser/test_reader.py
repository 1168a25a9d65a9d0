"""The source reader in a browser (issue 20): highlights, following one to its argument and back,
arguing from a selected sentence, and a new argument's passage arriving live."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from accounts.services import grant_moderator
from debates import moderation, services, source_queries, sources
from debates.models import Argument, Motion, Source, Stance
from tests.factories import verified_user, whole_words

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


def _argue_on_the_motion(page, stance, claim) -> Argument:
    """Finish the reader's argue form, already holding its quote, and post it."""
    page.get_by_label("Argue on the motion").select_option("strategic-solitude")
    page.get_by_label(stance).check()
    page.get_by_label("Claim").fill(claim)
    page.get_by_role("button", name="Post the argument").click()
    return Argument.objects.get(claim=claim)


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
    argument = _argue_on_the_motion(page, "Con", "This passage cuts against strategic solitude.")
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
        quote=whole_words(paragraph.text, 40),
    )
    expect(page.locator(f"#{argument.passage_fragment}")).to_have_count(1)
    expect(
        page.locator(f'.passage--pro[data-passages~="{argument.passage_fragment}"]').first
    ).to_be_visible()


def test_without_javascript_a_member_argues_from_a_paragraph(signed_in, seeded_live):
    essay = _essay()
    paragraph = next(
        p
        for p in source_queries.reading(essay).unargued
        if ". " in p.text and p.text == p.text.strip()
    )
    sentence = paragraph.text[: paragraph.text.index(". ") + 1]
    page = signed_in(verified_user(display_name="Plain Pat"), javascript=False)
    page.goto(reverse("source", args=[essay.pk]))
    expect(page.get_by_role("link", name="Argue from this passage")).to_be_hidden()
    page.locator(f"#p-{paragraph.number}").get_by_role(
        "link", name="Argue from this paragraph"
    ).click()
    quote = page.get_by_label("The passage you quote")
    expect(quote).to_have_value(paragraph.text)
    quote.fill(sentence)
    argument = _argue_on_the_motion(page, "Pro", "Argued from a paragraph, without scripts.")
    assert (argument.quote_start, argument.anchor) == (paragraph.start, "exact")
    marked = page.locator(f'.passage--pro[data-passages~="{argument.passage_fragment}"]')
    expect(marked).to_have_text(sentence)


SELECTION = """() => {
  const selection = window.getSelection();
  const link = document.getElementById("argue-selection");
  return { words: selection.toString(), offered: !link.hidden, href: link.getAttribute("href") };
}"""

# The reader's body against the page a reload would give this viewer, node for node.
AS_A_RELOAD = """async () => {
  const html = await (await fetch(window.location.pathname)).text();
  const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("reader-body");
  return fresh.isEqualNode(document.getElementById("reader-body"));
}"""


def test_a_passage_arriving_live_keeps_the_readers_selection(signed_in, seeded_live):
    """Alice has selected a sentence when Bob, in another browser, argues from words in it: her
    page marks his passage as a reload would, and her selection and its offer stay."""
    essay = _essay()
    paragraph = next(
        p for p in source_queries.reading(essay).unargued if ". " in p.text and len(p.text) > 200
    )
    alice = signed_in(verified_user(display_name="Alice Reads"))
    alice.goto(reverse("source", args=[essay.pk]))
    expect(alice.locator("#live-status")).to_have_attribute("data-state", "live")
    sentence = alice.evaluate(SELECT_FIRST_SENTENCE, paragraph.number)
    offer = alice.get_by_role("link", name="Argue from this passage")
    expect(offer).to_be_visible()
    held = alice.evaluate(SELECTION)

    bob = signed_in(verified_user(display_name="Bob Posts"))
    bob.goto(reverse("source", args=[essay.pk]))
    bob.evaluate(SELECT_FIRST_SENTENCE, paragraph.number)
    bob.get_by_role("link", name="Argue from this passage").click()
    bob.get_by_label("The passage you quote").fill(whole_words(sentence, 30))
    argument = _argue_on_the_motion(bob, "Pro", "Bob argues from Alice's sentence.")
    expect(bob).to_have_url(re.compile(f"#{argument.passage_fragment}$"))

    marked = alice.locator(f'.passage--pro[data-passages~="{argument.passage_fragment}"]')
    expect(marked).to_have_text(whole_words(sentence, 30))
    expect(alice.locator(f"#p-{paragraph.number} .reader__claim")).to_contain_text("Bob argues")
    assert alice.evaluate(SELECTION) == held
    expect(offer).to_be_visible()
    assert alice.evaluate(AS_A_RELOAD)
    expect(alice.locator("#live-news")).to_have_text("")


def test_an_offer_that_no_longer_holds_is_withdrawn_and_said(signed_in, seeded_live):
    """Alice is suspended while she holds a selection: the next live refresh takes the offer
    away, as a reload would, and tells her politely instead of leaving a dead button."""
    essay = _essay()
    paragraph = next(
        p for p in source_queries.reading(essay).unargued if ". " in p.text and len(p.text) > 200
    )
    alice = verified_user(display_name="Alice Reads")
    page = signed_in(alice)
    page.goto(reverse("source", args=[essay.pk]))
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    page.evaluate(SELECT_FIRST_SENTENCE, paragraph.number)
    offer = page.get_by_role("link", name="Argue from this passage")
    expect(offer).to_be_visible()

    moderator = verified_user(display_name="Mod Mae")
    grant_moderator(user=moderator)
    moderation.suspend_user(moderator=moderator, user=alice, days=3, reason="A cooling-off.")
    services.post_argument(
        author=verified_user(display_name="Live Lou"),
        motion=Motion.objects.get(slug="strategic-solitude"),
        parent=None,
        stance=Stance.CON,
        claim="Arrives after the suspension.",
        source=essay,
        quote=whole_words(source_queries.reading(essay).unargued[-1].text, 40),
    )
    expect(page.locator("#live-news")).to_contain_text("no longer")
    expect(offer).to_be_hidden()
    expect(page.locator(".reader__argue")).to_have_count(0)
    # The suspension and the argument may come in two refreshes: once the argument is there too.
    arrived = page.locator(".reader__claim", has_text="Arrives after the suspension.")
    expect(arrived).to_have_count(1)
    assert page.evaluate(AS_A_RELOAD)


def test_a_source_hidden_while_it_is_read_reads_as_a_reload_shows_it(page, seeded_live):
    essay = _essay()
    page.goto(reverse("source", args=[essay.pk]))
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    moderator = verified_user(display_name="Mod Mae")
    grant_moderator(user=moderator)
    sources.hide_source(moderator=moderator, source=essay, reason="Copyright.")
    expect(page.get_by_role("heading", level=1)).to_have_text("[hidden by a moderator]")
    expect(page.locator(".reader__paragraph")).to_have_count(0)


def _quote_live(essay, paragraph, claim):
    return services.post_argument(
        author=verified_user(display_name="Live Lou"),
        motion=Motion.objects.get(slug="strategic-solitude"),
        parent=None,
        stance=Stance.PRO,
        claim=claim,
        source=essay,
        quote=whole_words(paragraph.text, 40),
    )[0]


def test_a_passage_arriving_live_leaves_the_keyboards_focus_where_it_was(signed_in, seeded_live):
    """Ruth has tabbed to a paragraph's "Argue from this paragraph" when an argument quoting it
    arrives: the margin gains the claim, and her focus is still on the link."""
    essay = _essay()
    paragraph = source_queries.reading(essay).unargued[-1]
    page = signed_in(verified_user(display_name="Reader Ruth"))
    page.goto(reverse("source", args=[essay.pk]))
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    argue = page.locator(f"#p-{paragraph.number} .reader__argue")
    argue.focus()

    _quote_live(essay, paragraph, "Arrives while Ruth is on the paragraph.")
    expect(page.locator(f"#p-{paragraph.number} .reader__claim")).to_contain_text("Arrives")
    expect(argue).to_be_focused()


def test_a_selection_being_made_is_not_cut_short_by_a_live_refresh(signed_in, seeded_live):
    """Ruth is dragging over a sentence when an argument quoting it arrives: the page waits for
    her to let go, then marks the passage with her selection intact."""
    essay = _essay()
    paragraph = next(
        p for p in source_queries.reading(essay).unargued if ". " in p.text and len(p.text) > 200
    )
    page = signed_in(verified_user(display_name="Reader Ruth"))
    page.goto(reverse("source", args=[essay.pk]))
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    text = page.locator(f"#p-{paragraph.number} .reader__paragraph")
    text.scroll_into_view_if_needed()
    box = text.bounding_box()
    page.mouse.move(box["x"] + 1, box["y"] + 8)
    page.mouse.down()
    page.mouse.move(box["x"] + 200, box["y"] + 8, steps=5)

    with page.expect_response(lambda response: "part=body" in response.url) as refresh:
        argument = _quote_live(essay, paragraph, "Arrives while Ruth selects.")
    refresh.value.finished()
    page.wait_for_timeout(300)
    marked = page.locator(f'.passage[data-passages~="{argument.passage_fragment}"]')
    expect(marked).to_have_count(0)
    words = page.evaluate("window.getSelection().toString()")
    assert words

    page.mouse.up()
    expect(marked).to_have_count(1)
    assert page.evaluate("window.getSelection().toString()") == words
    expect(page.get_by_role("link", name="Argue from this passage")).to_be_visible()
