"""The source pages in a browser, polished: the confirmation of an argument posted from a passage
stands where the reader lands, above the marked passage, with scripts and without; the list of
sources names the works the debates cite whose text Crux does not hold, and where to find them."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from debates import source_queries
from debates.models import Argument, Source
from tests.factories import verified_user, whole_words

POSTED = "Your argument is posted; its passage is marked below."


def _essay():
    return Source.objects.get(seed_key="saradzhyan-essay")


@pytest.mark.parametrize("javascript", [True, False], ids=["scripted", "plain"])
def test_the_confirmation_of_an_argument_from_a_passage_is_where_the_reader_lands(
    signed_in, seeded_live, axe, javascript
):
    essay = _essay()
    # A paragraph far down the essay: the page's top, where messages stand, is out of view there.
    paragraph = source_queries.reading(essay).unargued[-1]
    page = signed_in(verified_user(display_name="Passage Poster"), javascript=javascript)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(reverse("source", args=[essay.pk]))
    page.locator(f"#p-{paragraph.number}").get_by_role(
        "link", name="Argue from this paragraph"
    ).click()
    page.get_by_label("The passage you quote").fill(whole_words(paragraph.text, 60))
    page.get_by_label("Argue on the motion").select_option("strategic-solitude")
    page.get_by_label("Con").check()
    page.get_by_label("Claim").fill("This closing passage undoes strategic solitude.")
    page.get_by_role("button", name="Post the argument").click()

    argument = Argument.objects.get(claim="This closing passage undoes strategic solitude.")
    expect(page).to_have_url(re.compile(f"/sources/{essay.pk}/#{argument.passage_fragment}$"))
    note = page.get_by_role("status").filter(has_text=POSTED)
    expect(note).to_be_visible()
    expect(note).to_be_in_viewport()
    # Said once, by the passage: not again at the top of the page, out of view.
    expect(page.locator("#messages")).to_have_text("")
    marked = page.locator(f'.passage[data-passages~="{argument.passage_fragment}"]').first
    expect(marked).to_be_in_viewport()
    expect(marked).to_have_css("outline-style", "solid")
    if javascript:
        expect(marked).to_have_class(re.compile(r"\bpassage--current\b"))
    if javascript:  # axe runs in the page, as a script
        assert axe(page) == []
    note.get_by_role("link", name="See it in the debate").click()
    expect(page).to_have_url(re.compile(f"{re.escape(argument.get_absolute_url())}$"))

    # Read again, the page is the reader as anyone has it: the note was said once.
    page.goto(argument.passage_url)
    expect(page.get_by_text(POSTED)).to_have_count(0)
    expect(page.locator(f".reader__paragraph #{argument.passage_fragment}")).to_have_count(1)


def test_the_note_stays_while_the_reader_is_refreshed_live(signed_in, seeded_live):
    """Another argument arriving live brings the body afresh: the note and its passage's
    address stay as the page was drawn with them."""
    essay = _essay()
    reading = source_queries.reading(essay)
    paragraph = reading.unargued[-1]
    page = signed_in(verified_user(display_name="Passage Poster"))
    page.goto(
        reverse("argue_from_passage", args=[essay.pk])
        + f"?start={paragraph.start}&end={paragraph.end}"
    )
    page.get_by_label("The passage you quote").fill(whole_words(paragraph.text, 60))
    page.get_by_label("Argue on the motion").select_option("strategic-solitude")
    page.get_by_label("Pro").check()
    page.get_by_label("Claim").fill("Posted before another arrives.")
    page.get_by_role("button", name="Post the argument").click()
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    note = page.get_by_role("status").filter(has_text=POSTED)
    expect(note).to_be_visible()

    other = signed_in(verified_user(display_name="Another Poster"))
    other.goto(
        reverse("argue_from_passage", args=[essay.pk])
        + f"?start={reading.unargued[-2].start}&end={reading.unargued[-2].end}"
    )
    other.get_by_label("The passage you quote").fill(whole_words(reading.unargued[-2].text, 40))
    other.get_by_label("Argue on the motion").select_option("strategic-solitude")
    other.get_by_label("Con").check()
    other.get_by_label("Claim").fill("Arrives while the note is shown.")
    other.get_by_role("button", name="Post the argument").click()
    arrived = Argument.objects.get(claim="Arrives while the note is shown.")

    expect(
        page.locator(f'.passage[data-passages~="{arrived.passage_fragment}"]')
    ).not_to_have_count(0)
    expect(note).to_be_visible()
    posted = Argument.objects.get(claim="Posted before another arrives.")
    expect(page.locator(f"#{posted.passage_fragment}")).to_have_class(re.compile("reader__posted"))


def test_the_list_names_a_cited_work_whose_text_crux_does_not_hold(page, seeded_live, axe):
    page.goto(reverse("sources"))
    trenin = page.get_by_role("listitem").filter(has_text="Moscow's New Rules")
    expect(trenin).to_contain_text("Dmitri Trenin")
    expect(trenin).to_contain_text("Text not held here")
    expect(trenin.get_by_role("link", name="the original")).to_have_attribute(
        "href", "https://russiancouncil.ru/en/analytics-and-comments/comments/moscow-s-new-rules/"
    )
    essay = page.get_by_role("listitem").filter(has_text="Karabakh calculus")
    expect(essay).not_to_contain_text("not held")
    assert axe(page) == []

    trenin.get_by_role("link", name="claims attributed to Dmitri Trenin").click()
    expect(page).to_have_url(re.compile(r"/search/\?author=Dmitri%20Trenin$"))
    expect(page.locator("#main")).to_contain_text("Russia's responses to the crises in Belarus")


def test_an_overlong_web_address_is_counted_then_refused_and_kept(signed_in, axe):
    page = signed_in(verified_user(display_name="Source Adder"))
    page.goto(reverse("add_source"))
    url = "https://example.org/" + "a" * 2000
    address = page.get_by_label("Web address")
    address.fill(url)  # pasted whole: no maxlength cuts it short unseen
    expect(page.locator("#id_url-count")).to_have_text("20 characters over the limit of 2,000")
    page.get_by_label("Title").fill("Too far")
    page.get_by_label("The text").fill("A text to keep.")
    page.get_by_role("button", name="Add the source").click()
    expect(page.get_by_role("alert")).to_have_text("20 characters over the limit of 2,000.")
    expect(address).to_have_value(url)
    expect(page.get_by_label("The text")).to_have_value("A text to keep.")
    assert axe(page) == []
