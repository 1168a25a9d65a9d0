"""The account pages under /accounts/ in the site's look and voice: each of allauth's pages and
messages that Crux's settings can show has Crux's words (a page allauth adds, or one a changed
setting makes reachable, fails here until it has), none of allauth's stock text is left on any
page a visitor or member reaches, and the forms answer errors as the site's other forms do: 422,
errors tied to their fields, the first focused."""

import re
from pathlib import Path

import allauth
import pytest
from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from django.apps import apps
from django.conf import settings
from django.template.loader import get_template
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.factories import UserFactory, verified_user
from tests.test_account_forms import Controls, focused_field
from tests.test_form_semantics import Page

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
NEW_PASSWORD = "a much longer passphrase 42"
ALLAUTH_TEMPLATES = Path(allauth.__file__).resolve().parent / "templates" / "account"
CRUX_TEMPLATES = Path(settings.BASE_DIR) / "templates"
# allauth's stock words, from its pages and messages, that no page of Crux's says.
STOCK_WORDS = [
    "Password Reset",
    "Reset My Password",
    "contact us",
    "Change Password",
    "Set Password",
    "Bad Token",
    "Email Address",
    "Change Email",
    "Re-send Verification",
    "Cancel Change",
    "Current Password",
    "New Password",
    "Confirm Access",
    "Please reauthenticate",
    "Note:",
    "logged in",
    "is now changed",
    "successfully",
    "Successfully",
    "Confirmation email sent",
    "Please",
    "Sign In",
    "Sign Up",
    "Sign Out",
    "we'll",
    "We have sent",
    "Menu:",
]


def is_cruxs(template_name):
    return Path(get_template(template_name).origin.name).is_relative_to(CRUX_TEMPLATES)


def source_of(name):
    return (ALLAUTH_TEMPLATES / name).read_text()


def crux_modules():
    """The source of Crux's own Python modules: its apps' and its configuration's."""
    base = Path(settings.BASE_DIR)
    folders = [Path(config.path) for config in apps.get_app_configs()] + [base / "config"]
    folders = [f for f in folders if f.is_relative_to(base) and ".venv" not in f.parts]
    return "\n".join(p.read_text() for f in folders for p in f.rglob("*.py"))


# --- Which pages and messages: all of allauth's but those Crux's settings never show -----------

# Each with a check that it holds: a page becoming reachable fails here.
PAGES_NOT_SHOWN = {
    # Layouts with no words of their own.
    **{
        name: lambda name=name: "trans" not in source_of(name)
        for name in (
            "base_entrance.html",
            "base_manage.html",
            "base_manage_email.html",
            "base_manage_password.html",
            "base_manage_phone.html",
        )
    },
    # Only allauth's reauthenticate.html (and its MFA's, not installed) extend it; Crux's does not.
    "base_reauthenticate.html": lambda: (
        "base_reauthenticate" not in (CRUX_TEMPLATES / "account/reauthenticate.html").read_text()
        and "allauth.mfa" not in settings.INSTALLED_APPS
    ),
    # Codes by mail instead of links are off: for verifying, signing in and resetting.
    "base_confirm_code.html": lambda: (
        not (
            allauth_settings.EMAIL_VERIFICATION_BY_CODE_ENABLED
            or allauth_settings.LOGIN_BY_CODE_ENABLED
            or allauth_settings.PASSWORD_RESET_BY_CODE_ENABLED
        )
    ),
    "confirm_email_verification_code.html": lambda: (
        not allauth_settings.EMAIL_VERIFICATION_BY_CODE_ENABLED
    ),
    "confirm_login_code.html": lambda: not allauth_settings.LOGIN_BY_CODE_ENABLED,
    "request_login_code.html": lambda: not allauth_settings.LOGIN_BY_CODE_ENABLED,
    "confirm_password_reset_code.html": lambda: not allauth_settings.PASSWORD_RESET_BY_CODE_ENABLED,
    # No phone numbers.
    "confirm_phone_verification_code.html": lambda: "phone" not in allauth_settings.SIGNUP_FIELDS,
    "phone_change.html": lambda: "phone" not in allauth_settings.SIGNUP_FIELDS,
    # One address an account (ACCOUNT_CHANGE_EMAIL): the email page is email_change.html.
    "email.html": lambda: allauth_settings.CHANGE_EMAIL,
    # Signing up with a passkey needs allauth's MFA, not installed.
    "signup_by_passkey.html": lambda: "allauth.mfa" not in settings.INSTALLED_APPS,
    # Sign-up is open.
    "signup_closed.html": lambda: get_adapter().is_open_for_signup(RequestFactory().get("/")),
    # Shown by allauth's verified_email_required decorator, which no view of Crux's uses.
    "verified_email_required.html": lambda: "verified_email_required" not in crux_modules(),
}
MESSAGES_NOT_SHOWN = {
    "login_code_sent.txt": lambda: not allauth_settings.LOGIN_BY_CODE_ENABLED,
    "phone_verification_sent.txt": lambda: "phone" not in allauth_settings.SIGNUP_FIELDS,
    "phone_verified.txt": lambda: "phone" not in allauth_settings.SIGNUP_FIELDS,
}


def allauths(pattern):
    return sorted(str(p.relative_to(ALLAUTH_TEMPLATES)) for p in ALLAUTH_TEMPLATES.glob(pattern))


def test_every_page_allauth_can_show_has_cruxs_words():
    pages = allauths("*.html") + allauths("snippets/*.html")

    missing = [p for p in pages if p not in PAGES_NOT_SHOWN and not is_cruxs(f"account/{p}")]

    assert missing == []


def test_every_message_allauth_can_give_has_cruxs_words():
    messages = [p.removeprefix("messages/") for p in allauths("messages/*.txt")]

    missing = [
        m for m in messages if m not in MESSAGES_NOT_SHOWN and not is_cruxs(f"account/messages/{m}")
    ]

    assert missing == []


@pytest.mark.parametrize(
    "name, holds",
    sorted((PAGES_NOT_SHOWN | MESSAGES_NOT_SHOWN).items()),
    ids=lambda value: value if isinstance(value, str) else "check",
)
def test_what_is_left_to_allauth_is_never_shown(name, holds):
    assert (ALLAUTH_TEMPLATES / name).exists() or (ALLAUTH_TEMPLATES / "messages" / name).exists()
    assert holds()


# --- Every page a visitor or member reaches ----------------------------------------------------


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def link_in(message, path):
    match = re.search(rf"https?://\S+{re.escape(path)}\S*", message.body)
    assert match, message.body
    return match.group(0)


def main_of(response):
    """The page's messages and its main, where allauth's words would be."""
    html = response.content.decode()
    return html[html.index('<div role="status" id="messages">') : html.index("</main>")]


def stock_words_in(response):
    return [words for words in STOCK_WORDS if words in main_of(response)]


def visitor_pages(mailoutbox):
    verified_user(email="ada@example.org")
    visitor = Client()
    visitor.post(reverse("account_reset_password"), {"email": "ada@example.org"})
    reset_link = link_in(mailoutbox[-1], "/accounts/password/reset/key/")
    return visitor, [
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
        reverse("account_reset_password_done"),
        reset_link,
        reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "x-y"}),
        reverse("account_reset_password_from_key_done"),
        reverse("account_email_verification_sent"),
        reverse("account_confirm_email", args=["not-a-key"]),
        reverse("account_inactive"),
    ]


def test_no_page_a_visitor_reaches_has_allauths_words(mailoutbox):
    visitor, urls = visitor_pages(mailoutbox)

    for url in urls:
        response = visitor.get(url, follow=True)
        assert response.status_code == 200, url
        assert stock_words_in(response) == [], url
        assert 'class="site-header"' in response.content.decode()


def test_no_page_a_member_reaches_has_allauths_words():
    member = signed_in(verified_user(email="ada@example.org", display_name="Ada Lovelace"))
    member.post(reverse("account_email"), {"email": "ada@new.example.org", "action_add": ""})

    for name in (
        "account_email",
        "account_change_password",
        "account_set_password",
        "account_reauthenticate",
        "account_reset_password",
        "account_reset_password_done",
        "account_logout",
    ):
        response = member.get(reverse(name), follow=True)
        assert response.status_code == 200, name
        assert stock_words_in(response) == [], name


# --- Each page's words -------------------------------------------------------------------------


def test_asking_for_a_reset_says_what_happens_and_where_else_to_go(client):
    response = client.get(reverse("account_reset_password"))

    page = main_of(response)
    assert "<h1>Reset your password</h1>" in page
    assert "Give the email address you sign in with" in page
    assert "Email me a link</button>" in page
    assert f'<a href="{reverse("account_login")}">Sign in</a>' in page


def test_a_member_asking_for_a_reset_is_told_she_is_signed_in():
    member = signed_in(verified_user(display_name="Ada Lovelace"))

    for name in ("account_reset_password", "account_reset_password_done"):
        page = main_of(member.get(reverse(name)))
        assert "You are signed in already, as <bdi>Ada Lovelace</bdi>." in page
        assert f'href="{reverse("account_change_password")}">change it</a>' in page
        assert "Remembered it?" not in page


def test_a_reset_walked_through_says_it_once_and_leads_to_sign_in(client, mailoutbox):
    member = verified_user(email="ada@example.org", display_name="Ada Lovelace")
    client.post(reverse("account_reset_password"), {"email": "ada@example.org"})
    form = client.get(link_in(mailoutbox[-1], "/accounts/password/reset/key/"), follow=True)
    assert "<h1>Choose a new password</h1>" in main_of(form)
    assert Page(form.content.decode()).labels().keys() >= {
        "New password:",
        "New password (again):",
    }

    done = client.post(
        form.redirect_chain[-1][0],
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )

    assert done.redirect_chain == [(reverse("account_reset_password_from_key_done"), 302)]
    page = main_of(done)
    assert "<h1>Password changed</h1>" in page
    assert page.count("password is changed") + page.count("password is saved") == 1
    assert 'class="messages"' not in page  # allauth's "changed" message, said again
    assert f'<a class="button" href="{reverse("account_login")}">Sign in</a>' in page
    signing_in = client.post(
        reverse("account_login"), {"login": "ada@example.org", "password": NEW_PASSWORD}
    )
    assert signing_in.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_a_reset_link_that_no_longer_works_says_what_to_do(client):
    user = UserFactory()

    response = client.get(
        reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "x-y"})
    )

    page = main_of(response)
    assert "<h1>Reset your password</h1>" in page
    assert "This link has expired or was used already." in page
    assert f'<a href="{reverse("account_reset_password")}">Ask\n    for a new link</a>' in page
    assert user.check_password(PASSWORD)


def test_changing_the_password_says_so_in_the_sites_voice():
    member = signed_in(verified_user())
    page = main_of(member.get(reverse("account_change_password")))
    assert "<h1>Change your password</h1>" in page
    assert "Change password</button>" in page

    changed = member.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )

    assert "Your password is changed: sign in with the new one from now on." in main_of(changed)


def test_the_email_page_says_what_changing_the_address_does():
    member = signed_in(verified_user(email="ada@example.org"))

    page = main_of(member.get(reverse("account_email")))
    assert "<h1>Your email address</h1>" in page
    assert Page(page).labels().keys() == {"Current address:", "New address:"}
    assert "Change address</button>" in page

    waiting = main_of(
        member.post(
            reverse("account_email"),
            {"email": "ada@new.example.org", "action_add": ""},
            follow=True,
        )
    )
    assert "Crux has emailed ada@new.example.org: follow the link in that email" in waiting
    assert Page(waiting).labels().keys() == {
        "Current address:",
        "Changing to:",
        "New address:",
    }
    assert "Until then you sign in with your current address." in waiting
    assert "Send the link again</button>" in waiting and "Cancel the change</button>" in waiting


def test_a_first_password_is_chosen_in_the_sites_voice():
    user = verified_user()
    user.set_unusable_password()
    user.save()
    member = signed_in(user)

    page = main_of(member.get(reverse("account_set_password")))
    assert "<h1>Choose a password</h1>" in page and "Save password</button>" in page

    done = member.post(
        reverse("account_set_password"),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )

    assert "Your password is set" in main_of(done)


def test_signing_in_and_out_say_so_in_the_sites_voice(client):
    verified_user(email="ada@example.org", display_name="Ada Lovelace")

    signed = client.post(
        reverse("account_login"),
        {"login": "ada@example.org", "password": PASSWORD},
        follow=True,
    )
    out = client.post(reverse("account_logout"), follow=True)

    assert "You are signed in as Ada Lovelace." in signed.content.decode()
    assert "You are signed out." in out.content.decode()


# --- Their forms answer errors as the site's other forms do ------------------------------------


def errors_tied(response, field_id):
    """The field's error is in the page, named by the field's aria-describedby."""
    page = Page(response.content.decode())
    field = page.by_id[field_id]
    assert field.attrs.get("aria-invalid") == "true"
    assert f"{field_id}_error" in field.ids("aria-describedby")
    assert page.dangling() == []
    return page.by_id[f"{field_id}_error"].text.strip()


def test_a_reset_link_form_sent_wrong_is_a_422_focused_on_its_first_error(client, mailoutbox):
    verified_user(email="ada@example.org")
    client.post(reverse("account_reset_password"), {"email": "ada@example.org"})
    form = client.get(link_in(mailoutbox[-1], "/accounts/password/reset/key/"), follow=True)

    response = client.post(
        form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": "another one 42"}
    )

    assert response.status_code == 422
    assert focused_field(response) == "id_password2"
    assert errors_tied(response, "id_password2") == "You must type the same password each time."


def test_asking_for_a_reset_with_no_address_is_a_422_focused_on_it(client):
    response = client.post(reverse("account_reset_password"), {"email": ""})

    assert response.status_code == 422
    assert focused_field(response) == "id_email"
    assert errors_tied(response, "id_email") == "This field is required."


def test_choosing_a_first_password_sent_wrong_is_a_422_focused_on_it():
    user = verified_user()
    user.set_unusable_password()
    user.save()

    response = signed_in(user).post(
        reverse("account_set_password"), {"password1": "short", "password2": "short"}
    )

    assert response.status_code == 422
    assert focused_field(response) == "id_password1"
    assert "too short" in errors_tied(response, "id_password1")


def test_a_wrong_password_to_confirm_it_is_you_is_a_422_focused_on_it():
    response = signed_in(verified_user()).post(
        reverse("account_reauthenticate"), {"password": "not it"}
    )

    assert response.status_code == 422
    assert focused_field(response) == "id_password"
    assert "<h1>Confirm it is you</h1>" in main_of(response)


def test_an_address_sent_wrong_keeps_what_was_typed_and_its_error_tied():
    member = signed_in(verified_user(email="ada@example.org"))

    response = member.post(reverse("account_email"), {"email": "nope", "action_add": ""})

    assert response.status_code == 422
    assert focused_field(response) == "id_email"
    assert errors_tied(response, "id_email") == "Enter a valid email address."
    assert Controls(response.content.decode()).by_id["id_email"][1]["value"] == "nope"
