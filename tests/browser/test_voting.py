"""Two people vote on the same argument in two browsers; votes update in place, never reloading."""

import re

import pytest
from playwright.sync_api import expect

from debates.models import Motion, Vote
from tests.factories import ArgumentFactory, MotionFactory, UserFactory


@pytest.fixture
def debate(transactional_db):
    motion = MotionFactory(title="Votes in the browser")
    argument = ArgumentFactory(motion=motion, claim="A claim worth voting on")
    return motion, argument


def open_debate(page, motion):
    page.goto(motion.get_absolute_url())
    # A marker that survives only as long as the page does: a reload would wipe it.
    page.evaluate("window.__marker = 1")


# Accessible names are "Agree 3" / "Disagree 0": the ✓/✗ glyphs are decorative.
AGREE = re.compile(r"^Agree \d+$")
DISAGREE = re.compile(r"^Disagree \d+$")


def widget(page, argument):
    form = page.locator(f"#vote-argument-{argument.pk}")
    return (
        form,
        form.get_by_role("button", name=AGREE),
        form.get_by_role("button", name=DISAGREE),
    )


def assert_not_reloaded(page):
    assert page.evaluate("window.__marker") == 1


def test_two_people_vote_switch_and_withdraw_without_reloading(signed_in, debate):
    motion, argument = debate
    alice, bob = UserFactory(display_name="Alice"), UserFactory(display_name="Bob")
    alice_page = signed_in(alice)
    bob_page = signed_in(bob)

    open_debate(alice_page, motion)
    form, agree, disagree = widget(alice_page, argument)
    expect(form).to_contain_text("No votes yet")
    agree.click()
    expect(agree).to_have_attribute("aria-pressed", "true")
    expect(agree).to_contain_text("1")
    expect(disagree).to_have_attribute("aria-pressed", "false")
    expect(form).to_contain_text("100% agree of 1 vote")
    assert_not_reloaded(alice_page)
    # The swap keeps keyboard focus on the button that was pressed.
    assert alice_page.evaluate("document.activeElement.id") == f"vote-argument-{argument.pk}-agree"

    # Bob sees Alice's vote in the tally, but not as his own; he disagrees.
    open_debate(bob_page, motion)
    form_b, agree_b, disagree_b = widget(bob_page, argument)
    expect(agree_b).to_contain_text("1")
    expect(agree_b).to_have_attribute("aria-pressed", "false")
    disagree_b.click()
    expect(disagree_b).to_have_attribute("aria-pressed", "true")
    expect(disagree_b).to_contain_text("1")
    expect(agree_b).to_have_attribute("aria-pressed", "false")
    expect(form_b).to_contain_text("50% agree of 2 votes")

    # Alice switches sides in one click: her agree moves to disagree.
    disagree.click()
    expect(disagree).to_have_attribute("aria-pressed", "true")
    expect(agree).to_have_attribute("aria-pressed", "false")
    expect(agree).to_contain_text("0")
    expect(disagree).to_contain_text("2")

    # Alice withdraws by clicking the same side again.
    disagree.click()
    expect(disagree).to_have_attribute("aria-pressed", "false")
    expect(agree).to_have_attribute("aria-pressed", "false")
    expect(disagree).to_contain_text("1")
    expect(form).to_contain_text("0% agree of 1 vote")

    assert_not_reloaded(alice_page)
    assert_not_reloaded(bob_page)
    assert list(Vote.objects.values_list("user__display_name", "choice")) == [("Bob", "disagree")]

    # A reload shows each person their own state.
    bob_page.reload()
    expect(widget(bob_page, argument)[2]).to_have_attribute("aria-pressed", "true")
    alice_page.reload()
    expect(widget(alice_page, argument)[2]).to_have_attribute("aria-pressed", "false")


def test_voting_on_the_motion_and_the_balance_update_in_place(signed_in, debate):
    motion, argument = debate
    page = signed_in(UserFactory())
    open_debate(page, motion)

    motion_widget = page.locator(f"#vote-motion-{motion.pk}")
    motion_widget.get_by_role("button", name=DISAGREE).click()
    expect(motion_widget.get_by_role("button", name=DISAGREE)).to_have_attribute(
        "aria-pressed", "true"
    )

    ArgumentFactory(motion=motion, stance="con", claim="A con")  # the page does not show it yet
    balance = page.locator(f"#balance-{motion.pk}")
    expect(balance).to_contain_text("100% pro")
    widget(page, argument)[1].click()
    # Now 1 + 1 net agree for the pro against 1 for the con, refreshed with the vote.
    expect(balance).to_contain_text("67% pro")
    assert_not_reloaded(page)


def test_refusals_are_shown_in_place(signed_in, debate):
    motion, argument = debate
    page = signed_in(UserFactory())
    open_debate(page, motion)
    Motion.objects.filter(pk=motion.pk).update(state=Motion.State.LOCKED)  # after the page loaded

    form, agree, _ = widget(page, argument)
    agree.click()

    expect(form.get_by_role("alert")).to_have_text(
        "This motion is locked, so voting on it is closed."
    )
    expect(form.get_by_role("button", name=AGREE)).to_be_disabled()
    assert_not_reloaded(page)
    assert not Vote.objects.exists()


def test_without_javascript_the_buttons_are_forms_that_come_back(signed_in, debate):
    motion, argument = debate
    user = UserFactory()
    page = signed_in(user, javascript=False)
    page.goto(motion.get_absolute_url())
    widget(page, argument)[1].click()

    page.wait_for_url(f"**{motion.get_absolute_url()}#argument-{argument.pk}")
    expect(widget(page, argument)[1]).to_have_attribute("aria-pressed", "true")
    expect(widget(page, argument)[1]).to_contain_text("1")


def test_anonymous_voters_are_sent_to_sign_in_and_back(page, debate):
    motion, argument = debate
    page.goto(motion.get_absolute_url())

    widget(page, argument)[1].click()

    page.wait_for_url("**/accounts/login/**")
    assert motion.get_absolute_url() in page.url.replace("%2F", "/")
    assert not Vote.objects.exists()
