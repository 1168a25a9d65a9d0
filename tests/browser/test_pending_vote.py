"""Browser: a reader presses Agree before signing in; the sign-in page names the vote, and signing
in counts it and brings her back to the claim, pressed."""

import re

import pytest
from playwright.sync_api import expect

from debates.models import Vote
from tests.factories import ArgumentFactory, MotionFactory, verified_user

AGREE = re.compile(r"^Agree \d+$")


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "plain"])
def test_a_vote_pressed_before_signing_in_is_counted_on_signing_in(
    new_page, transactional_db, javascript
):
    motion = MotionFactory(title="Votes kept through sign-in")
    argument = ArgumentFactory(motion=motion, claim="Trains beat planes for short trips")
    reader = verified_user(email="ada@example.org", display_name="Ada")
    page = new_page(javascript=javascript)
    page.goto(motion.get_absolute_url())

    page.locator(f"#vote-argument-{argument.pk}").get_by_role("button", name=AGREE).click()

    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    expect(page.locator("#pending-vote")).to_have_text(
        "Sign in to cast your vote: Agree with “Trains beat planes for short trips”. "
        "It is counted as soon as you sign in."
    )
    assert not Vote.objects.exists()
    page.get_by_label("Email").fill(reader.email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(
        re.compile(re.escape(motion.get_absolute_url()) + rf"#argument-{argument.pk}$")
    )
    expect(page.locator(".messages")).to_contain_text(
        "Your vote is counted: Agree with “Trains beat planes for short trips”."
    )
    widget = page.locator(f"#vote-argument-{argument.pk}")
    expect(widget.get_by_role("button", name=AGREE)).to_have_attribute("aria-pressed", "true")
    expect(widget.get_by_role("button", name=AGREE)).to_have_text(re.compile(r"Agree\s+1"))
    assert list(Vote.objects.values_list("user__email", "argument", "choice")) == [
        ("ada@example.org", argument.pk, "agree")
    ]
