"""Browser: an account form sent back with errors opens on what is wrong, as the debate's forms
do, so a keyboard or screen-reader user starts where the correction is needed."""

from playwright.sync_api import expect

from tests.factories import verified_user

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's


def sign_in(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_a_bad_sign_in_focuses_the_field_in_error(page, transactional_db):
    verified_user(email="ada@example.org", display_name="Ada Lovelace")

    # The browser takes an address without a dot in its domain; the server does not.
    sign_in(page, "ada@example", PASSWORD)

    email = page.get_by_label("Email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_be_focused()
    expect(email).to_have_value("ada@example")


def test_a_wrong_password_focuses_the_message_that_says_so(page, transactional_db):
    verified_user(email="ada@example.org", display_name="Ada Lovelace")

    sign_in(page, "ada@example.org", "not her password")

    message = page.locator(".form__errors")
    expect(message).to_contain_text("not correct")
    expect(message).to_be_focused()
    expect(page.get_by_label("Email")).to_have_value("ada@example.org")
