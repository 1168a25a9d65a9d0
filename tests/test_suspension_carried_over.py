"""A suspension is no way out by closing the account and signing up again with its address: the
address carries the suspension to the account that next verifies it, as long as it runs."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import ClosedAddress, User
from debates import moderation
from debates.models import ModerationAction
from debates.policy import participation_refusal
from tests.factories import verified_user

# The database first: pytest-django's mailoutbox, set up before it, is not the outbox used.
pytestmark = pytest.mark.django_db

PASSWORD = "a long and unlikely passphrase 42"


def sign_up_and_verify(client, mailoutbox, email, name="Ada Again"):
    mailoutbox.clear()
    data = {"email": email, "display_name": name, "password1": PASSWORD, "password2": PASSWORD}
    assert client.post(reverse("account_signup"), data).status_code == 302
    link = re.search(r"https?://\S+/accounts/confirm-email/\S*", mailoutbox[0].body).group(0)
    assert client.post(link).status_code == 302
    return User.objects.get(email__iexact=email)


@pytest.fixture
def closed_while_suspended(moderator):
    ada = verified_user(email="ada@example.org", display_name="Ada")
    moderation.suspend_user(moderator=moderator, user=ada, days=30, reason="Spam wave")
    ada.refresh_from_db()
    services.delete_account(user=ada)
    return User.objects.get(pk=ada.pk)


@pytest.mark.parametrize("email", ["ada@example.org", "Ada+again@Example.org"])
def test_signing_up_again_with_the_address_brings_the_suspension_back(
    client, mailoutbox, moderator, closed_while_suspended, email
):
    again = sign_up_and_verify(client, mailoutbox, email)

    assert again.pk != closed_while_suspended.pk
    assert again.is_suspended
    assert again.suspended_until == closed_while_suspended.suspended_until
    assert "Carried over from a closed account" in again.suspension_reason
    assert "Spam wave" in again.suspension_reason
    assert participation_refusal(again, "vote")
    entry = ModerationAction.objects.get(user=again)
    assert (entry.action, entry.moderator, entry.suspended_until) == (
        ModerationAction.Action.SUSPEND,
        moderator,
        again.suspended_until,
    )
    page = " ".join(client.get(reverse("home")).content.decode().split())
    assert "suspended" in page
    # The verification's message does not tell her she may take part.
    assert "is verified. Your account is suspended until" in page
    assert "so you cannot post, vote or flag" in page and "you can post" not in page


def test_the_address_itself_is_not_kept_only_its_key(closed_while_suspended):
    keys = list(ClosedAddress.objects.filter(account=closed_while_suspended))
    assert len(keys) == 1
    assert "ada" not in keys[0].key and len(keys[0].key) == 64


def test_a_suspension_that_ended_is_not_carried_over(client, mailoutbox, closed_while_suspended):
    User.objects.filter(pk=closed_while_suspended.pk).update(
        suspended_until=timezone.now() - timedelta(minutes=1)
    )

    again = sign_up_and_verify(client, mailoutbox, "ada@example.org")

    assert not again.is_suspended
    assert not ModerationAction.objects.filter(user=again).exists()
    page = " ".join(client.get(reverse("home")).content.decode().split())
    assert "is verified: you can post, vote and flag." in page


def test_closing_an_account_not_suspended_keeps_nothing_and_carries_nothing(client, mailoutbox):
    ada = verified_user(email="ada@example.org", display_name="Ada")
    services.delete_account(user=ada)
    assert not ClosedAddress.objects.exists()

    again = sign_up_and_verify(client, mailoutbox, "ada@example.org")

    assert not again.is_suspended


def test_every_address_of_the_closed_account_carries_it(moderator, closed_while_suspended):
    bob = verified_user(email="bob@example.org", display_name="Bob")
    ada = verified_user(email="ada2@example.org", display_name="Ada Two")
    moderation.suspend_user(moderator=moderator, user=ada, days=None, reason="Again")
    EmailAddress.objects.create(user=ada, email="ada.work@example.net", verified=True)
    services.delete_account(user=ada)

    entry = services.carry_over_suspension(user=bob, email="ADA.work@example.net")

    bob.refresh_from_db()
    assert entry is not None and bob.is_suspended
    assert bob.suspended_until.year == 9999


def test_a_longer_suspension_already_running_is_kept(moderator, closed_while_suspended):
    bob = verified_user(email="bob@example.org", display_name="Bob")
    moderation.suspend_user(moderator=moderator, user=bob, days=None, reason="His own")

    assert services.carry_over_suspension(user=bob, email="ada@example.org") is None

    bob.refresh_from_db()
    assert bob.suspension_reason == "His own"


def test_the_close_page_says_so_only_to_a_suspended_member(client, moderator):
    ada = verified_user(email="ada@example.org", display_name="Ada")
    client.force_login(ada)
    said = "a new account that verifies one of them is suspended"
    assert said not in " ".join(client.get(reverse("delete_account")).content.decode().split())
    moderation.suspend_user(moderator=moderator, user=ada, days=7, reason="Spam")

    assert said in " ".join(client.get(reverse("delete_account")).content.decode().split())
