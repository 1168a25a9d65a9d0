"""Proposing a motion whose title one already bears, in the browser, with JavaScript and without:
the form comes back naming it, opens it beside the form, and "Propose anyway" opens the debate."""

import re

import pytest
from playwright.sync_api import expect

from debates.models import Motion
from tests.factories import MotionFactory, verified_user


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_member_is_shown_the_motion_of_the_same_title_then_proposes_anyway(
    signed_in, transactional_db, axe, javascript
):
    existing = MotionFactory(title="Tea beats coffee", claim="Tea is the better drink.")
    # Hidden by a moderator: not the member's to read, so not named to her.
    MotionFactory(title="Tea beats coffee", visibility=Motion.Visibility.HIDDEN)
    member = verified_user(display_name="Ada")
    page = signed_in(member, javascript=javascript)
    page.goto("/motions/new/")
    page.get_by_label("Title").fill("tea beats Coffee")
    page.get_by_label("Claim").fill("Tea beats coffee at breakfast.")
    page.get_by_label("Context").fill("Some background.")
    page.get_by_role("button", name="Open the debate").click()

    notice = page.get_by_role("alert")
    expect(notice).to_contain_text("A motion with this title exists:")
    expect(notice).to_contain_text("Open it, or propose yours anyway.")
    expect(notice).to_be_focused()
    expect(notice.get_by_role("link")).to_have_count(1)
    expect(page.get_by_label("Title")).to_have_value("tea beats Coffee")
    expect(page.get_by_label("Claim")).to_have_value("Tea beats coffee at breakfast.")
    expect(page.get_by_label("Context")).to_have_value("Some background.")
    if javascript:  # axe is evaluated in the page, which runs no script without JavaScript
        assert axe(page, "form.argument-form") == []

    # The motion opens beside the form, which keeps what was typed.
    with page.context.expect_page() as opened:
        notice.get_by_role("link", name="Tea beats coffee (opens in a new tab)").click()
    other = opened.value
    expect(other.get_by_text("Tea is the better drink.").first).to_be_visible()
    other.close()
    expect(page.get_by_label("Claim")).to_have_value("Tea beats coffee at breakfast.")
    assert Motion.objects.filter(author=member).count() == 0

    notice.get_by_role("button", name="Propose anyway").click()
    expect(page.get_by_text("Your motion is open for debate.")).to_be_visible()
    mine = Motion.objects.get(author=member)
    assert mine.title == "tea beats Coffee" and mine.slug != existing.slug
    expect(page).to_have_url(re.compile(rf"/motions/{mine.slug}/$"))
