"""Every mail allauth sends under Crux's settings speaks as the site does (README, "Accounts and
email"): Crux's own subject and text for each, none of allauth's stock words, plain text as the
other account mails are. A mail allauth adds, or one a changed setting makes reachable, fails
here until it has Crux's words."""

import re
from pathlib import Path

import allauth
import pytest
from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress
from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse

from tests.factories import verified_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
NEW_PASSWORD = "a much longer passphrase 42"
ALLAUTH = Path(allauth.__file__).resolve().parent
ALLAUTH_MAILS = ALLAUTH / "templates" / "account" / "email"
CRUX_TEMPLATES = Path(settings.BASE_DIR) / "templates"

# allauth's mails that nothing sends under Crux's settings, each with why; test_the_skip_list_holds
# checks every reason, so that a mail becoming reachable fails here.
NOT_SENT = {
    # Shipped, but no code of allauth's names it.
    "email_confirm": "sent by nothing",
    # Signing in by a mailed code is off: one signs in with a password.
    "login_code": "ACCOUNT_LOGIN_BY_CODE_ENABLED",
    # A reset mails a link (password_reset_key), not a code.
    "password_reset_code": "ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED",
}
# allauth's words that none of Crux's mails says, from its stock texts.
STOCK_WORDS = [
    "Thank you for using",
    "receiving this",
    "take proper security precautions",
    "password forgotten procedure",
    "no record of such an account",
    "our database",
    "has been changed",
    "has been reset",
    "has been set",
    "has been removed",
    "can be safely ignored",
    "Please",
    "please",
]


def allauth_mails():
    """The name of every mail allauth ships: each has a subject (base_message has none)."""
    return sorted(
        path.name.removesuffix("_subject.txt") for path in ALLAUTH_MAILS.glob("*_subject.txt")
    )


def is_cruxs(template_name):
    return Path(get_template(template_name).origin.name).is_relative_to(CRUX_TEMPLATES)


def found(template_name):
    try:
        return bool(get_template(template_name))
    except TemplateDoesNotExist:
        return False


def link_in(message, path):
    match = re.search(rf"https?://\S+{re.escape(path)}\S*", message.body)
    assert match, message.body
    return match.group(0)


def sent_to(mailoutbox, address):
    (message,) = [m for m in mailoutbox if m.to == [address]]
    return message


def in_the_sites_voice(message):
    assert message.subject.startswith("[Crux] ")
    subject = message.subject.removeprefix("[Crux] ")
    # Sentence case: no word after the first starts with a capital, but the site's name.
    assert [word for word in subject.split()[1:] if word[0].isupper() and word != "Crux"] == []
    assert message.body.startswith("Hello from Crux!\n\n")
    assert message.body.rstrip().endswith("Crux: structured debate, with sources.\ntestserver")
    assert [words for words in STOCK_WORDS if words in message.body + message.subject] == []
    # Plain text, as every account mail of Crux's is (allauth would add an HTML part from a
    # <name>_message.html template).
    assert message.alternatives == [] and message.content_subtype == "plain"
    return True


# --- Which mails: all of allauth's but those nothing sends -------------------------------------


def test_every_mail_allauth_can_send_has_cruxs_words():
    reachable = [name for name in allauth_mails() if name not in NOT_SENT]

    missing = [
        f"account/email/{name}_{part}.txt"
        for name in reachable
        for part in ("subject", "message")
        if not is_cruxs(f"account/email/{name}_{part}.txt")
    ]

    assert missing == []
    # No HTML part either, Crux's or allauth's: it would go out beside Crux's text.
    assert [name for name in reachable if found(f"account/email/{name}_message.html")] == []
    # The layouts the mails extend are Crux's too.
    assert is_cruxs("account/email/base_message.txt")
    assert is_cruxs("account/email/base_notification.txt")


def test_the_skip_list_holds():
    assert set(NOT_SENT) <= set(allauth_mails())  # no stale entry
    assert not allauth_settings.LOGIN_BY_CODE_ENABLED
    assert not allauth_settings.PASSWORD_RESET_BY_CODE_ENABLED
    sources = "\n".join(path.read_text() for path in ALLAUTH.rglob("*.py"))
    assert '"account/email/email_confirm"' not in sources
    assert "account/email/email_confirm'" not in sources


def test_every_mail_sent_has_a_test_here():
    assert sorted(MAILS) == [name for name in allauth_mails() if name not in NOT_SENT]


# --- Each mail, as a visitor or member brings it about -----------------------------------------


def sign_up(email, display_name="Grace Hopper"):
    data = {"email": email, "display_name": display_name}
    data |= {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return Client().post(reverse("account_signup"), data)


def signed_in(user, **defaults):
    client = Client(**defaults)
    client.force_login(user)
    return client


def signing_up_with_a_registered_address(mailoutbox):
    verified_user(email="ada@example.org", display_name="Ada Lovelace")
    sign_up("ada@example.org")
    message = sent_to(mailoutbox, "ada@example.org")
    assert message.subject == "[Crux] You have a Crux account already"
    assert "tried to sign up to Crux with this address (ada@example.org)" in message.body
    assert "no new account was made" in message.body
    assert link_in(message, "/accounts/password/reset/")
    assert "Grace Hopper" not in message.body
    assert "Account Already Exists" not in message.subject
    return message


def signing_up(mailoutbox):
    sign_up("grace@example.org")
    message = sent_to(mailoutbox, "grace@example.org")
    assert message.subject == "[Crux] Confirm your email address"
    assert "the Crux account of Grace Hopper" in message.body
    assert link_in(message, "/accounts/confirm-email/")
    return message


def changing_the_address(mailoutbox):
    member = verified_user(email="ada@example.org", display_name="Ada Lovelace")
    signed_in(member).post(
        reverse("account_email"), {"email": "ada@new.example.org", "action_add": ""}
    )
    message = sent_to(mailoutbox, "ada@new.example.org")
    assert message.subject == "[Crux] Confirm your email address"
    assert "the Crux account of Ada Lovelace" in message.body
    assert link_in(message, "/accounts/confirm-email/")
    return message


def asking_for_a_reset(mailoutbox):
    verified_user(email="ada@example.org")
    Client().post(reverse("account_reset_password"), {"email": "ada@example.org"})
    message = sent_to(mailoutbox, "ada@example.org")
    assert message.subject == "[Crux] Reset your password"
    assert link_in(message, "/accounts/password/reset/key/")
    return message


def asking_for_a_reset_for_an_unknown_address(mailoutbox):
    Client().post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    message = sent_to(mailoutbox, "nobody@example.org")
    assert message.subject == "[Crux] No Crux account uses this address"
    assert "asked to reset the password of the Crux account for this address" in message.body
    assert "(nobody@example.org), but no Crux account uses it" in message.body
    assert link_in(message, "/accounts/signup/")
    assert "Unknown Account" not in message.subject
    return message


def resetting_the_password(mailoutbox):
    member = verified_user(email="ada@example.org")
    client = Client()
    client.post(reverse("account_reset_password"), {"email": "ada@example.org"})
    form = client.get(link_in(mailoutbox[-1], "/accounts/password/reset/key/"), follow=True)
    client.post(form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    (message,) = [m for m in mailoutbox if m.subject == "[Crux] Your password was reset"]
    assert message.to == ["ada@example.org"]
    assert "The password of your Crux account was reset, by way of a link" in message.body
    return message


def changing_the_password(mailoutbox):
    member = verified_user(email="ada@example.org")
    data = {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    browser = signed_in(member, HTTP_USER_AGENT="Gecko/20100101 Firefox/140.0")
    browser.post(reverse("account_change_password"), data)
    message = sent_to(mailoutbox, "ada@example.org")
    assert message.subject == "[Crux] Your password was changed"
    assert "The password of your Crux account was changed." in message.body
    assert 'in a browser that calls itself "Gecko/20100101 Firefox/140.0".' in message.body
    return message


def setting_a_first_password(mailoutbox):
    member = verified_user(email="ada@example.org")
    member.set_unusable_password()
    member.save()
    data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    signed_in(member).post(reverse("account_set_password"), data)
    message = sent_to(mailoutbox, "ada@example.org")
    assert message.subject == "[Crux] Your account has a password now"
    assert "had no password, and now has one" in message.body
    return message


def verifying_a_new_address(mailoutbox):
    member = verified_user(email="ada@example.org")
    client = signed_in(member)
    client.post(reverse("account_email"), {"email": "ada@new.example.org", "action_add": ""})
    client.post(link_in(sent_to(mailoutbox, "ada@new.example.org"), "/accounts/confirm-email/"))
    member.refresh_from_db()
    assert member.email == "ada@new.example.org"
    message = sent_to(mailoutbox, "ada@example.org")  # the address it had
    assert message.subject == "[Crux] Your email address was changed"
    assert "changed from this one (ada@example.org) to ada@new.example.org" in message.body
    assert "this address can no longer reset its password" in message.body
    return message


def cancelling_a_change_of_address(mailoutbox):
    member = verified_user(email="ada@example.org")
    client = signed_in(member)
    client.post(reverse("account_email"), {"email": "ada@new.example.org", "action_add": ""})
    client.post(reverse("account_email"), {"email": "ada@new.example.org", "action_remove": ""})
    assert list(EmailAddress.objects.values_list("email", flat=True)) == ["ada@example.org"]
    message = sent_to(mailoutbox, "ada@example.org")
    assert message.subject == "[Crux] Your change of address was cancelled"
    assert "to ada@new.example.org was cancelled before that address was verified" in message.body
    return message


MAILS = {
    "account_already_exists": signing_up_with_a_registered_address,
    "email_confirmation_signup": signing_up,
    "email_confirmation": changing_the_address,
    "password_reset_key": asking_for_a_reset,
    "unknown_account": asking_for_a_reset_for_an_unknown_address,
    "password_reset": resetting_the_password,
    "password_changed": changing_the_password,
    "password_set": setting_a_first_password,
    "email_changed": verifying_a_new_address,
    "email_deleted": cancelling_a_change_of_address,
}
# What changed on an account: said with when, from where, and what to do if it was not her.
NOTES_OF_A_CHANGE = {
    "password_reset",
    "password_changed",
    "password_set",
    "email_changed",
    "email_deleted",
}


@pytest.mark.parametrize("name", sorted(MAILS))
def test_each_mail_speaks_as_the_site_does(name, mailoutbox):
    message = MAILS[name](mailoutbox)

    assert in_the_sites_voice(message)
    if name in NOTES_OF_A_CHANGE:
        assert "It was done on " in message.body and "from the IP address 127.0.0.1" in message.body
        assert "Unspecified" not in message.body  # allauth's word for a browser with no name
        if name != "email_changed":
            assert "choose a new one at once" in message.body
            assert link_in(message, "/accounts/password/reset/")


def test_a_note_of_a_change_that_could_not_be_sent_says_the_change_is_made(settings, mailoutbox):
    settings.MAILERS = {"default": {"BACKEND": "tests.test_accounts.RefusingMailServer"}}
    member = verified_user(email="ada@example.org")
    data = {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}

    response = signed_in(member).post(reverse("account_change_password"), data, follow=True)

    page = response.content.decode()
    assert "The change is made, but the email telling you so could not be sent." in page
    assert "Please try again" not in page
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
