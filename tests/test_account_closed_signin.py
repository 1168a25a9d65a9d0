"""Signing in to a closed account, and changing one's password to the same one.

A closed account is one no longer active. Its right password leads, through allauth's own flow
for inactive users, to a page saying it is closed (templates/account/account_inactive.html), with
nobody signed in; a wrong one gets the sign-in form's usual message, as for an address nobody
uses, so the notice never tells who has an account. The change-password form refuses the
current password as the new one (accounts.forms.PasswordChangeForm); a reset from the emailed
link does not (see test_a_reset_may_choose_the_password_the_account_had).
"""

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.test import Client
from django.urls import reverse

from accounts import services, suspension
from accounts.forms import PasswordChangeForm
from accounts.models import User
from tests.factories import verified_user
from tests.test_account_forms import Controls, focused_field

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
NEW_PASSWORD = "a much longer passphrase 42"
NOT_CORRECT = "The email address and/or password you specified are not correct."
CLOSED = "This account is closed"


def sign_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def closed(db):
    """A member whose account was closed by unticking "Active" in the admin: the address and
    password stay, only the account is no longer active."""
    member = verified_user(email="ada@example.org", display_name="Ada Lovelace")
    User.objects.filter(pk=member.pk).update(is_active=False)
    return member


# --- Signing in to a closed account --------------------------------------------------------------


def test_the_right_password_for_a_closed_account_says_it_is_closed_and_signs_nobody_in(closed):
    client = Client()

    response = sign_in(client, "ada@example.org", PASSWORD)

    assert response.status_code == 302 and response.url == reverse("account_inactive")
    assert signed_in_user_id(client) is None
    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert CLOSED in html and "password are right" in html
    assert NOT_CORRECT not in html
    assert not page.wsgi_request.user.is_authenticated
    # Nor is she half signed in: allauth keeps no login in progress and no record of the password.
    assert not {"account_login", "account_authentication_methods"} & set(client.session.keys())
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


@pytest.mark.parametrize(
    "email, password",
    [("ada@example.org", "not her password"), ("nobody@example.org", PASSWORD)],
    ids=["closed account, wrong password", "no such account"],
)
def test_a_wrong_password_for_a_closed_account_reads_as_for_an_address_nobody_uses(
    closed, email, password
):
    client = Client()

    response = sign_in(client, email, password)

    assert response.status_code == 422
    assert response.context["form"].non_field_errors() == [NOT_CORRECT]
    assert response.context["form"].errors.keys() == {"__all__"}
    assert CLOSED not in response.content.decode()
    assert signed_in_user_id(client) is None


def test_a_suspended_member_still_signs_in_as_before(db):
    member = verified_user(email="grace@example.org", display_name="Grace Hopper")
    suspension.suspend(user=member, days=7, reason="Spam.")
    client = Client()

    response = sign_in(client, "grace@example.org", PASSWORD)

    assert response.status_code == 302 and response.url == reverse("home")
    assert signed_in_user_id(client) == str(member.pk)


def test_a_member_who_closed_her_own_account_was_told_nothing_would_know_her_again(db):
    """Closing keeps nothing to recognise her by (the address and the password go, as she
    asked): the closing page says so, and signing in afterwards is answered as for a stranger."""
    member = verified_user(email="ada@example.org", display_name="Ada Lovelace")
    client = Client()
    client.force_login(member)
    page = " ".join(client.get(reverse("delete_account")).content.decode().split())
    assert "Crux keeps nothing to know your address or password by" in page
    services.delete_account(user=member)

    closed = sign_in(Client(), "ada@example.org", PASSWORD)
    stranger = sign_in(Client(), "nobody@example.org", PASSWORD)

    assert closed.status_code == stranger.status_code == 422
    assert closed.context["form"].errors == stranger.context["form"].errors


# --- Changing the password to the same one -------------------------------------------------------


@pytest.fixture
def member(db):
    return verified_user(email="ada@example.org", display_name="Ada Lovelace")


@pytest.fixture
def member_client(member):
    client = Client()
    client.force_login(member)
    return client


def change_password(client, old, new):
    data = {"oldpassword": old, "password1": new, "password2": new}
    return client.post(reverse("account_change_password"), data)


def test_changing_the_password_to_the_same_one_is_refused(member_client, member, mailoutbox):
    response = change_password(member_client, PASSWORD, PASSWORD)

    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors == {"password1": [PasswordChangeForm.SAME_PASSWORD]}
    assert "The new password is the same as your current one." in response.content.decode()
    assert focused_field(response) == "id_password1"
    member.refresh_from_db()
    assert member.check_password(PASSWORD)
    assert mailoutbox == []  # no "your password was changed" mail for a change that was not
    assert signed_in_user_id(member_client) == str(member.pk)


def test_a_refused_change_does_not_echo_the_passwords(member_client):
    response = change_password(member_client, PASSWORD, PASSWORD)

    controls = Controls(response.content.decode()).by_id
    for name in ("id_oldpassword", "id_password1", "id_password2"):
        _, attrs = controls[name]
        assert attrs["type"] == "password" and not attrs.get("value"), (name, attrs)


def test_changing_the_password_to_another_one_is_accepted(member_client, member, mailoutbox):
    response = change_password(member_client, PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert [message.to for message in mailoutbox] == [["ada@example.org"]]


def test_with_a_wrong_current_password_the_new_one_is_not_compared(member_client, member):
    # Whoever has her session but not her password learns nothing about it from the refusal.
    response = change_password(member_client, "not her password", PASSWORD)

    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"oldpassword"}
    assert PasswordChangeForm.SAME_PASSWORD not in response.content.decode()


def test_a_reset_may_choose_the_password_the_account_had(member):
    # Refusing it would tell whoever holds the emailed link whether a guess is her current
    # password, which she may use elsewhere; and a member who forgot it loses nothing.
    client = Client()
    key = default_token_generator.make_token(member)
    link = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(member), "key": key},
    )
    form_page = client.get(link)
    assert form_page.status_code == 302

    response = client.post(form_page.url, {"password1": PASSWORD, "password2": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_from_key_done")
    member.refresh_from_db()
    assert member.check_password(PASSWORD)
