"""Sign-up and sign-in respond quickly (issue 17): the password hasher stays Django's default
and is the only slow step, so each path hashes the password exactly once, and the rest is a
handful of queries. Measured (README): sign-in ~540 ms of which the hasher ~534 ms."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import hashers
from django.test import Client

pytestmark = pytest.mark.django_db
PASSWORD = "a long and fine password 1"
# allauth's own work (the account, its address, the confirmation mail, the session, the rate
# limits off here) on either database, and Crux's check that the name is not someone it quotes;
# a new query on these paths shows here.
SIGN_UP_QUERIES = 18
SIGN_IN_QUERIES = 10


@pytest.fixture
def hashes(monkeypatch, settings):
    settings.ACCOUNT_RATE_LIMITS = False
    made = []
    encode = hashers.MD5PasswordHasher.encode

    def counted(self, password, salt):
        made.append(password)
        return encode(self, password, salt)

    monkeypatch.setattr(hashers.MD5PasswordHasher, "encode", counted)
    return made


def test_sign_up_then_sign_in_hash_once_each(hashes, django_assert_max_num_queries):
    sent = {"email": "ada@example.org", "display_name": "Ada", "password1": PASSWORD}
    with django_assert_max_num_queries(SIGN_UP_QUERIES):
        response = Client().post("/accounts/signup/", sent | {"password2": PASSWORD})
    assert response.status_code == 302 and hashes == [PASSWORD]
    EmailAddress.objects.filter(email="ada@example.org").update(verified=True)
    hashes.clear()
    with django_assert_max_num_queries(SIGN_IN_QUERIES):
        response = Client().post(
            "/accounts/login/", {"login": "ada@example.org", "password": PASSWORD}
        )
    assert response.status_code == 302 and hashes == [PASSWORD]
