"""Browser: signing in to a closed account says it is closed once the password is right, and
signs nobody in; a wrong password reads as it does for any address."""

from playwright.sync_api import expect

from accounts.models import User
from tests.factories import verified_user

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's


def test_a_closed_account_is_told_it_is_closed_only_after_the_right_password(
    page, transactional_db, axe
):
    member = verified_user(email="ada@example.org", display_name="Ada Lovelace")
    User.objects.filter(pk=member.pk).update(is_active=False)  # "Active" unticked in the admin
    nav = page.get_by_role("navigation", name="Site")

    page.goto("/")
    nav.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_label("Password").fill("not her password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "The email address and/or password you specified are not correct."
    )
    expect(page.get_by_text("closed")).to_have_count(0)

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="This account is closed", level=1)).to_be_visible()
    expect(page.locator("#account-closed")).to_contain_text("password are right")
    expect(nav.get_by_role("link", name="Sign in")).to_be_visible()
    expect(nav.get_by_role("link", name="Ada Lovelace")).to_have_count(0)
    assert axe(page, "main") == []

    page.get_by_role("link", name="Back to the debates").click()
    expect(nav.get_by_role("link", name="Sign in")).to_be_visible()
    expect(nav.get_by_role("button", name="Sign out")).to_have_count(0)
