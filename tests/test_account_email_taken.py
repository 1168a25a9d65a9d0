"""A member who asks to change her address to one another account has (ACCOUNT_UNIQUE_EMAIL):
allauth takes the request as for any address, so that the answer tells nobody who is registered
(ACCOUNT_PREVENT_ENUMERATION), and would mail the address's owner a link naming her that could
never be followed. Crux mails the owner instead that someone tried to use the address, naming
nobody and with no link (accounts.adapter); the member sees just what a free address shows."""

import re

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.test import Client
from django.urls import reverse

from accounts.adapter import SEND_FROM_EMAIL_SETTINGS
from accounts.queries import email_held_by_another
from tests.factories import UserFactory, verified_user
from tests.test_account_mails import in_the_sites_voice

pytestmark = pytest.mark.django_db

NAMES = ("Dave Nolan", "Eve Ortiz")


@pytest.fixture
def bob(db):
    return verified_user(email="bob@example.org", display_name="Bob Brown")


@pytest.fixture
def dave(db):
    return verified_user(email="dave@example.org", display_name="Dave Nolan")


@pytest.fixture
def eve(db):
    """Dave's twin: asks for a free address where he asks for Bob's."""
    return verified_user(email="eve@example.org", display_name="Eve Ortiz")


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def change_email(client, email, action="action_add", follow=False):
    return client.post(reverse("account_email"), {"email": email, action: ""}, follow=follow)


def as_seen(response):
    """What the page says (its messages and main), without what differs between two members
    and two addresses: the addresses, their names, tokens."""
    html = response.content.decode()
    html = html[html.index('<div role="status" id="messages">') : html.index("</main>")]
    html = re.sub(r"[\w.+-]+@[\w.-]*example\.org", "ADDRESS", html)
    html = re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "TOKEN", html)
    for name in NAMES:
        html = html.replace(name, "NAME")
    return html


def test_asking_for_another_members_address_answers_as_a_free_one(bob, dave, eve, mailoutbox):
    taken = change_email(signed_in(dave), "BOB@example.org", follow=True)
    free = change_email(signed_in(eve), "eve@new.example.org", follow=True)

    assert taken.status_code == free.status_code == 200
    assert taken.redirect_chain == free.redirect_chain == [(reverse("account_email"), 302)]
    assert as_seen(taken) == as_seen(free)
    page = taken.content.decode()
    assert "Crux has emailed bob@example.org: follow the link in that email" in page
    assert "Changing to:" in page and 'value="bob@example.org"' in page
    # Waiting as any address waits; nothing of Bob's moved.
    assert list(
        EmailAddress.objects.filter(email="bob@example.org")
        .order_by("user__display_name")
        .values_list("user__display_name", "verified", "primary")
    ) == [("Bob Brown", True, True), ("Dave Nolan", False, False)]
    dave.refresh_from_db(), bob.refresh_from_db()
    assert (dave.email, bob.email) == ("dave@example.org", "bob@example.org")


def test_the_addresss_owner_is_told_without_a_link_or_a_name(bob, dave, mailoutbox):
    change_email(signed_in(dave), "bob@example.org")

    (told,) = mailoutbox
    assert told.to == ["bob@example.org"]
    assert told.subject == "[Crux] Someone tried to use your address"
    assert "asked to change their account's address to this one (bob@example.org)" in told.body
    assert "it stays with that account and nothing has changed" in told.body
    assert "http://testserver/accounts/login/" in told.body
    assert "/accounts/confirm-email/" not in told.body
    assert "Dave" not in told.body and "Nolan" not in told.body
    assert "dave@example.org" not in told.body
    assert in_the_sites_voice(told)


def test_sending_the_link_again_tells_the_owner_again(bob, dave, eve, settings, mailoutbox):
    settings.ACCOUNT_RATE_LIMITS = False  # allauth mails an address at most once in 3 minutes
    daves, eves = signed_in(dave), signed_in(eve)
    change_email(daves, "bob@example.org"), change_email(eves, "eve@new.example.org")

    taken = change_email(daves, "bob@example.org", action="action_send", follow=True)
    free = change_email(eves, "eve@new.example.org", action="action_send", follow=True)

    assert as_seen(taken) == as_seen(free)
    assert [m.subject for m in mailoutbox if m.to == ["bob@example.org"]] == [
        "[Crux] Someone tried to use your address"
    ] * 2
    assert len([m for m in mailoutbox if m.to == ["eve@new.example.org"]]) == 2


def test_cancelling_the_change_reads_as_for_a_free_address(bob, dave, eve, mailoutbox):
    daves, eves = signed_in(dave), signed_in(eve)
    change_email(daves, "bob@example.org"), change_email(eves, "eve@new.example.org")

    taken = change_email(daves, "bob@example.org", action="action_remove", follow=True)
    free = change_email(eves, "eve@new.example.org", action="action_remove", follow=True)

    assert as_seen(taken) == as_seen(free)
    assert "The change of address to bob@example.org is cancelled" in taken.content.decode()
    assert list(EmailAddress.objects.filter(user=dave).values_list("email", flat=True)) == [
        "dave@example.org"
    ]
    assert EmailAddress.objects.get(email="bob@example.org").user == bob


def test_an_address_an_unverified_account_signs_in_with_is_held_too(dave, mailoutbox):
    UserFactory(email="new@example.org")  # signed up, never followed the link

    change_email(signed_in(dave), "new@example.org")

    (told,) = mailoutbox
    assert told.subject == "[Crux] Someone tried to use your address"
    assert "Dave" not in told.body


def test_a_free_address_still_gets_its_link_naming_the_member(dave, mailoutbox):
    change_email(signed_in(dave), "dave@new.example.org")

    (link,) = mailoutbox
    assert link.subject == "[Crux] Confirm your email address"
    assert "the Crux account of Dave Nolan" in link.body and "/accounts/confirm-email/" in link.body


def test_the_mail_server_down_reads_the_same_for_a_held_address(bob, dave, eve, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.test_accounts.RefusingMailServer"}}

    taken = change_email(signed_in(dave), "bob@example.org", follow=True)
    free = change_email(signed_in(eve), "eve@new.example.org", follow=True)

    assert as_seen(taken) == as_seen(free)
    assert SEND_FROM_EMAIL_SETTINGS in taken.content.decode()


def test_a_link_sent_before_cannot_move_the_address(bob, dave):
    """A link allauth mailed for a held address (before Crux told the owner instead) verifies
    nothing: the address stays with the account that has it."""
    waiting = EmailAddress.objects.create(user=dave, email="bob@example.org")
    url = reverse("account_confirm_email", args=[EmailConfirmationHMAC(waiting).key])

    page = Client().get(url).content.decode()
    followed = Client().post(url, follow=True)

    assert "bob@example.org is verified already, by another account" in page
    assert "bob@example.org is verified already, by another account" in (followed.content.decode())
    waiting.refresh_from_db()
    assert not waiting.verified
    assert EmailAddress.objects.get(email="bob@example.org", verified=True).user == bob


def test_which_addresses_another_account_holds(bob, dave):
    carol = verified_user(email="carol@example.org")
    EmailAddress.objects.create(user=carol, email="waiting@example.org")  # her change, pending
    UserFactory(email="unverified@example.org")

    assert email_held_by_another("bob@example.org", user=dave)
    assert email_held_by_another("BOB@Example.org", user=dave)
    assert email_held_by_another("unverified@example.org", user=dave)
    assert not email_held_by_another("bob@example.org", user=bob)  # her own
    # Only asked for, by Carol: whoever verifies it first has it.
    assert not email_held_by_another("waiting@example.org", user=dave)
    assert not email_held_by_another("nobody@example.org", user=dave)
