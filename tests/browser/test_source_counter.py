"""The add-source form's text box in a browser: its counter counts to the 200,000 characters the
help and the server keep, says by how much a pasted text is over, and the text is kept whole."""

from django.urls import reverse
from playwright.sync_api import expect

from debates.models import SOURCE_TEXT_MAX_LENGTH, Source
from tests.factories import verified_user


def test_a_text_pasted_past_the_limit_is_counted_refused_by_how_much_and_kept(signed_in, axe):
    page = signed_in(verified_user(display_name="Long Paster"))
    page.goto(reverse("add_source"))
    page.get_by_label("Title").fill("Too long a text")
    box = page.get_by_label("The text")
    count = page.locator("#id_text-count")
    box.fill("x" * (SOURCE_TEXT_MAX_LENGTH - 1))  # a paste: no maxlength cuts it
    expect(count).to_have_text(
        f"{SOURCE_TEXT_MAX_LENGTH - 1:,} of {SOURCE_TEXT_MAX_LENGTH:,} characters"
    )
    box.press("End")
    box.press_sequentially("yz")
    expect(count).to_have_text(f"1 character over the limit of {SOURCE_TEXT_MAX_LENGTH:,}")
    page.get_by_role("button", name="Add the source").click()
    expect(page.get_by_role("alert")).to_have_text(
        f"1 character over the limit of {SOURCE_TEXT_MAX_LENGTH:,}."
    )
    kept = box.evaluate("box => [box.value.length, box.value.slice(-3)]")
    assert kept == [SOURCE_TEXT_MAX_LENGTH + 1, "xyz"]
    # Back on the refused page the counter says nothing beside the server's same words, then
    # takes over from them, stale by then, at the first change.
    box.focus()
    expect(count).to_have_text("")
    box.press("End")
    box.press("Backspace")
    expect(count).to_have_text(
        f"{SOURCE_TEXT_MAX_LENGTH:,} of {SOURCE_TEXT_MAX_LENGTH:,} characters"
    )
    expect(page.get_by_role("alert")).to_have_count(0)
    assert not Source.objects.filter(title="Too long a text").exists()
    assert axe(page) == []
