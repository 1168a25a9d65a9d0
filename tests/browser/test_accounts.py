"""Browser: joining Crux, verifying, signing in and out; signing in from an HTMX action."""

import re

from playwright.sync_api import expect

from accounts.models import User
from debates.models import Motion
from tests.factories import verified_user

PASSWORD = "a much longer passphrase 42"


def confirmation_link(mailoutbox, to):
    for message in reversed(mailoutbox):
        if message.to == [to]:
            match = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body)
            if match:
                return match.group(0)
    raise AssertionError(f"No verification email to {to}: {[m.to for m in mailoutbox]}")


def test_visitor_joins_verifies_signs_in_sees_profile_and_signs_out(
    page, transactional_db, mailoutbox
):
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", name="Sign up")).to_be_visible()
    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_label("Display name").fill("  Ada   Lovelace ")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()

    # Not signed in until the emailed link is followed: sign-up answers this way for every address.
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    nav = page.get_by_role("navigation", name="Site")
    expect(nav.get_by_role("link", name="Sign in")).to_be_visible()

    page.goto(confirmation_link(mailoutbox, "ada@example.org"))
    expect(page.get_by_role("heading", name="Verify your email address")).to_be_visible()
    expect(page.locator("main")).to_contain_text("ada@example.org as the address of Ada Lovelace")
    page.get_by_role("button", name="Verify this address").click()

    # Confirming in the browser that signed up signs in, with the name tidied.
    expect(nav.get_by_role("link", name="Ada Lovelace")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("ada@example.org is verified")
    assert User.objects.get(email="ada@example.org").has_verified_email
    nav.get_by_role("button", name="Sign out").click()
    nav.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    nav.get_by_role("link", name="Ada Lovelace").click()
    expect(page.get_by_role("heading", name="Ada Lovelace", level=1)).to_be_visible()
    expect(page.locator(".profile__meta")).to_contain_text("Joined")
    expect(page.get_by_text("not verified yet")).to_have_count(0)
    expect(page.get_by_text("You have not argued anything yet.")).to_be_visible()
    expect(page.get_by_role("heading", name="Motions proposed", level=2)).to_be_visible()
    expect(page.get_by_text("You have not proposed a motion yet.")).to_be_visible()

    nav.get_by_role("button", name="Sign out").click()
    expect(nav.get_by_role("link", name="Sign in")).to_be_visible()
    expect(nav.get_by_role("link", name="Ada Lovelace")).to_have_count(0)


def test_anonymous_htmx_vote_goes_to_sign_in_and_back_to_the_debate(page, seeded_live):
    member = verified_user(email="grace@example.org", display_name="Grace Hopper")
    motion = Motion.objects.order_by("pk").first()
    page.goto(motion.get_absolute_url())
    vote = page.locator("form.vote").first
    expect(vote).to_be_visible()

    vote.locator("button[value=agree]").click()

    # A full page load of the sign-in page, not a fragment swapped into the vote widget.
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(page.locator("form.vote")).to_have_count(0)
    expect(page.locator("h1")).to_have_count(1)

    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(re.compile(re.escape(motion.get_absolute_url()) + r"#vote-motion-\d+$"))
    expect(page.get_by_role("heading", name=motion.title, level=1)).to_be_visible()
    nav = page.get_by_role("navigation", name="Site")
    expect(nav.get_by_role("link", name="Grace Hopper")).to_be_visible()


def test_member_edits_their_profile(page, transactional_db):
    member = verified_user(email="ada@example.org", display_name="Ada")
    verified_user(display_name="Taken Name")
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.goto(member.get_absolute_url())

    page.get_by_role("link", name="Edit profile").click()
    page.get_by_label("Display name").fill("TAKEN  name")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("That display name is taken")).to_be_visible()

    page.get_by_label("Display name").fill("Ada Lovelace")
    page.get_by_label("Short bio").fill("Wrote the first program.")
    page.get_by_role("button", name="Save profile").click()

    expect(page.get_by_role("heading", name="Ada Lovelace", level=1)).to_be_visible()
    expect(page.get_by_text("Wrote the first program.")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("Profile saved.")


def reset_link(mailoutbox, to):
    (message,) = [m for m in mailoutbox if m.to == [to]]
    match = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", message.body)
    assert match, message.body
    return match.group(0)


def test_a_forgotten_password_is_reset_by_the_emailed_link_then_signed_in_with(
    page, transactional_db, mailoutbox
):
    member = verified_user(email="ada@example.org", display_name="Ada Lovelace")
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()

    expect(page.get_by_role("heading", name="Reset your password", level=1)).to_be_visible()
    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("heading", name="Password reset", level=1)).to_be_visible()

    page.goto(reset_link(mailoutbox, "ada@example.org"))
    expect(page.get_by_role("heading", name="Choose a new password", level=1)).to_be_visible()
    # Sent wrong first: answered in place, the field in error focused.
    page.get_by_label("New password:", exact=True).fill(PASSWORD)
    page.get_by_label("New password (again):").fill("not the same one 42")
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_text("You must type the same password each time.")).to_be_visible()
    expect(page.get_by_label("New password (again):")).to_be_focused()
    page.get_by_label("New password:", exact=True).fill(PASSWORD)
    page.get_by_label("New password (again):").fill(PASSWORD)
    page.get_by_role("button", name="Save new password").click()

    # Said once, on the page, which leads to signing in.
    expect(page.get_by_role("heading", name="Password changed", level=1)).to_be_visible()
    expect(page.locator(".messages")).to_have_count(0)
    page.locator("main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    nav = page.get_by_role("navigation", name="Site")
    expect(nav.get_by_role("link", name="Ada Lovelace")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("You are signed in as Ada Lovelace.")
    member.refresh_from_db()
    assert member.check_password(PASSWORD) and not member.check_password("correct horse battery")
    (told,) = [m for m in mailoutbox if m.subject == "[Crux] Your password was reset"]
    assert told.to == ["ada@example.org"]
