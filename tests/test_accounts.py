"""Accounts: sign-up, verification, sign-in safety, profiles, display names, moderators."""

import json
import os
import re
import subprocess
import sys
import unicodedata
from datetime import timedelta
from importlib import import_module
from unittest import mock

import pytest
from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session as DjangoSession
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import include, path, reverse
from django.utils import timezone

from accounts import services
from accounts.adapter import (
    ASK_FOR_THE_RESET_AGAIN,
    SEND_FROM_EMAIL_SETTINGS,
    SIGN_IN_FOR_A_NEW_LINK,
)
from accounts.decorators import member_required
from accounts.models import MODERATORS_GROUP, User, fold_display_name
from debates.errors import DebateRuleError
from debates.models import Argument
from debates.policy import participation_refusal
from tests.factories import (
    ArgumentFactory,
    MotionFactory,
    SourceFactory,
    UserFactory,
    verified_user,
)
from tests.migrating import by_hand

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a much longer passphrase 42"


def sign_up(client, follow=False, **overrides):
    data = {
        "email": "ada@example.org",
        "display_name": "Ada Lovelace",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    } | overrides
    return client.post(reverse("account_signup"), data, follow=follow)


def link_in(message, pattern):
    match = re.search(rf"https?://\S+{pattern}\S*", message.body)
    assert match, message.body
    return match.group(0)


# --- Sign-up -------------------------------------------------------------------------------


def test_sign_up_creates_member_and_mails_a_verification_link_before_signing_in(client, mailoutbox):
    response = sign_up(client, display_name="  Ada   Lovelace ")

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="ada@example.org")
    assert user.display_name == "Ada Lovelace"
    assert user.check_password(NEW_PASSWORD)
    assert "_auth_user_id" not in client.session
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("ada@example.org", False, True)
    assert not user.has_verified_email
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ada@example.org"]
    assert mailoutbox[0].subject == "[Crux] Confirm your email address"
    assert "/accounts/confirm-email/" in mailoutbox[0].body
    # In Crux's words, naming the account, not allauth's ("user … has given your email address").
    assert "the Crux account of Ada Lovelace" in mailoutbox[0].body
    assert "receiving" not in mailoutbox[0].body and "ignore this email" in mailoutbox[0].body


def test_following_the_link_signs_the_new_member_in_and_returns_to_next(client, mailoutbox):
    motion = MotionFactory()
    sign_up(client, next=motion.get_absolute_url())

    response = client.post(link_in(mailoutbox[0], "/accounts/confirm-email/"))

    assert response.status_code == 302
    assert response.url == motion.get_absolute_url()
    user = User.objects.get(email="ada@example.org")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.has_verified_email


def test_the_link_opened_in_another_browser_still_leads_where_she_was_going(client, mailoutbox):
    """The session that signed up knows where she was going; the link in the mail carries it too,
    so another browser (her phone's mail app) leads there once the address is verified: to the
    reply she started, which asks her to sign in first."""
    motion = MotionFactory()
    going = reverse("reply_motion", args=[motion.slug])
    sign_up(client, next=going)
    elsewhere = Client()
    link = link_in(mailoutbox[0], "/accounts/confirm-email/")
    page = elsewhere.get(link).content.decode()
    assert f'name="next" value="{going}"' in page

    verified = elsewhere.post(link, {"next": going})

    assert verified.status_code == 302 and verified.url == going
    assert User.objects.get(email="ada@example.org").has_verified_email
    signing_in = elsewhere.get(verified.url)
    assert signing_in.status_code == 302
    assert signing_in.url == f"{reverse('account_login')}?next={going}"


def test_the_link_carries_no_address_of_another_site(client, mailoutbox):
    sign_up(client, next="https://elsewhere.example/phish")
    assert "elsewhere" not in mailoutbox[0].body
    assert "?next=" not in link_in(mailoutbox[0], "/accounts/confirm-email/")


def test_an_unverified_member_signs_in_only_after_verifying(client, mailoutbox):
    member = UserFactory(email="ada@example.org")
    EmailAddress.objects.create(user=member, email=member.email, verified=False, primary=True)

    response = client.post(
        reverse("account_login"), {"login": "ada@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert "/accounts/confirm-email/" in mailoutbox[-1].body


@pytest.mark.parametrize(
    ("taken", "chosen"),
    [
        ("Ada Lovelace", "ada lovelace"),
        ("Ada Lovelace", "ADA   LOVELACE"),
        ("Ada Lovelace", "\uff21\uff44\uff41 Lovelace"),  # full-width "Ada"
        ("Straße", "STRASSE"),
        # Look-alikes from other scripts (TR39 confusables): Cyrillic o, Greek omicron, Cyrillic Er.
        ("Root Admin", "R\u043e\u043et Admin"),
        ("Root Admin", "Ro\u03bft Admin"),
        ("Paypal", "\u0420aypal"),
        ("Tim Berners", "Tirn Berners"),  # rn reads as m
        ("Alan", "A\u217c\u0430n"),  # Roman numeral fifty, Cyrillic a
        # Cyrillic capitals that look Latin though their small letters do not (Em, Ve, En, Ka).
        ("Mara Moderator", "\u041cara Moderator"),
        ("Bob Smith", "\u0412ob Smith"),
        ("Hans", "\u041dans"),
        ("Kim Lee", "\u041aim Lee"),
        # Optional marks: a tatweel, Arabic short vowels, Hebrew points; a dotted capital I.
        (
            "\u0623\u0645\u064a\u0646\u0629 \u0639\u0644\u064a",
            "\u0623\u0645\u0640\u064a\u0646\u0629 \u0639\u0644\u064a",
        ),
        (
            "\u0623\u0645\u064a\u0646\u0629 \u0639\u0644\u064a",
            "\u0623\u064e\u0645\u0650\u064a\u0646\u064e\u0629 \u0639\u0644\u064a",
        ),
        (
            "\u05d3\u05d5\u05d3 \u05db\u05d4\u05df",
            "\u05d3\u05bc\u05b8\u05d5\u05b4\u05d3 \u05db\u05bc\u05b9\u05d4\u05b5\u05df",
        ),
        ("G\u00fcl\u015f\u0259n \u018fliyeva", "G\u00dcL\u015e\u018fN \u018fL\u0130YEVA"),
    ],
)
def test_sign_up_refuses_a_look_alike_of_an_existing_name(client, taken, chosen):
    UserFactory(display_name=taken)

    response = sign_up(client, display_name=chosen)

    assert response.status_code == 422
    assert "That display name is taken" in response.content.decode()
    assert not User.objects.filter(email="ada@example.org").exists()


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        ("Al", "at least 3 characters"),
        ("   A  \t ", "at least 3 characters"),
        ("x" * 41, "at most 40 characters"),
        ("Bob\u200bby", "control or invisible characters"),
        ("Eve\u202e", "control or invisible characters"),
        ("---", "at least one letter or digit"),
        # Empty or spaces alone, one message, the site's own.
        ("", "Choose a display name."),
        ("   ", "Choose a display name."),
        ("\u0301\u0308\u0303\u0304", "at least one letter or digit"),
        ("Ada\u0301\u0308\u0303", "at most 2 accents or marks"),
        ("Z\u0336\u0335\u0334\u0337algo", "at most 2 accents or marks"),
        ("Ada -\u0301\u0308", "accents and marks go on letters or digits"),
        ("\u0301Ada", "accents and marks go on letters or digits"),
        ("Al\u0353", "at least 3 characters"),
    ],
)
def test_sign_up_explains_a_bad_display_name(client, chosen, message):
    response = sign_up(client, display_name=chosen)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not User.objects.exists()


def test_sign_up_applies_djangos_password_validators(client):
    response = sign_up(client, password1="password", password2="password")

    assert response.status_code == 422
    assert "This password is too common" in response.content.decode()
    assert not User.objects.exists()


def page_shown(client, response):
    """The page a response leads to, without what differs on every request (tokens, addresses)."""
    html = client.get(response.url).content.decode()
    html = re.sub(r"[A-Za-z0-9]{32,}", "TOKEN", html)
    return re.sub(r"[\w.+-]+@example\.org", "ADDRESS", html)


def test_sign_up_answers_the_same_whether_or_not_the_email_is_registered(mailoutbox):
    owner = verified_user(email="ada@example.org", display_name="Someone")
    registered, new = Client(), Client()

    answers = [
        sign_up(registered, email="ADA@example.org", display_name="Another"),
        sign_up(new, email="bob@example.org", display_name="Bob Builder"),
    ]

    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0].url == answers[1].url == reverse("account_email_verification_sent")
    assert sorted(answers[0].cookies) == sorted(answers[1].cookies)
    assert page_shown(registered, answers[0]) == page_shown(new, answers[1])
    # Nobody was signed in or created for the registered address; its owner is told by mail.
    assert "_auth_user_id" not in registered.session
    assert list(User.objects.filter(email__iexact="ada@example.org")) == [owner]
    (told,) = [m for m in mailoutbox if m.to == ["ada@example.org"]]
    assert "already" in told.subject.lower() and "/accounts/password/reset/" in told.body
    (verify,) = [m for m in mailoutbox if m.to == ["bob@example.org"]]
    assert "/accounts/confirm-email/" in verify.body


def test_two_people_racing_for_one_name_get_a_clear_error_not_a_500(client):
    UserFactory(display_name="Ada Lovelace")
    # Both checks passed before either saved: the database's unique key catches the second.
    with mock.patch("accounts.services.display_name_taken", return_value=False):
        response = sign_up(client)

    assert response.status_code == 409
    assert "That display name is taken" in response.content.decode()
    assert not User.objects.filter(email="ada@example.org").exists()


# --- Verification --------------------------------------------------------------------------


def test_following_the_verification_link_verifies_the_address(client, mailoutbox):
    sign_up(client)
    url = link_in(mailoutbox[0], "/accounts/confirm-email/")

    page = client.get(url)
    assert page.status_code == 200
    assert b'class="site-header"' in page.content
    confirmed = client.post(url)

    assert confirmed.status_code == 302
    user = User.objects.get(email="ada@example.org")
    assert user.has_verified_email


def test_an_unverified_member_may_read_and_vote_but_not_post():
    member = UserFactory()

    assert participation_refusal(member, "vote") is None
    assert "Verify your email address before posting" in participation_refusal(member, "post")
    assert participation_refusal(verified_user(), "post") is None


def test_own_profile_tells_an_unverified_member_how_to_verify(client):
    member = UserFactory()
    client.force_login(member)

    response = client.get(member.get_absolute_url())

    assert "not verified yet" in response.content.decode()
    assert reverse("account_email") in response.content.decode()


# --- Signing in and out, passwords, email ----------------------------------------------------


def test_sign_in_by_email_returns_to_next_and_sign_out(client):
    member = verified_user(email="ada@example.org")
    motion = MotionFactory()

    response = client.post(
        reverse("account_login"),
        {"login": "ada@example.org", "password": PASSWORD, "next": motion.get_absolute_url()},
    )

    assert response.status_code == 302
    assert response.url == motion.get_absolute_url()
    assert client.session["_auth_user_id"] == str(member.pk)
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_failed_sign_in_does_not_reveal_whether_the_account_exists(client):
    UserFactory(email="ada@example.org")

    wrong_password = client.post(
        reverse("account_login"), {"login": "ada@example.org", "password": "nope nope"}
    )
    no_account = client.post(
        reverse("account_login"), {"login": "nobody@example.org", "password": "nope nope"}
    )

    assert wrong_password.status_code == no_account.status_code == 422
    first, second = (r.context["form"].non_field_errors() for r in (wrong_password, no_account))
    assert first == second
    assert "not correct" in str(first)


def test_repeated_failed_sign_ins_are_rate_limited(client):
    UserFactory(email="ada@example.org")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "ada@example.org", "password": "wrong"})

    response = client.post(
        reverse("account_login"), {"login": "ada@example.org", "password": PASSWORD}
    )

    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_ups_from_one_address_are_rate_limited(client):
    for n in range(20):
        sign_up(client.__class__(), email=f"p{n}@example.org", display_name=f"Person number {n}")

    response = sign_up(client, email="late@example.org", display_name="Latecomer")

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not User.objects.filter(email="late@example.org").exists()


def test_rate_limits_are_on_for_sign_in_sign_up_and_password_reset():
    limits = allauth_settings.RATE_LIMITS
    for action in ("login", "login_failed", "signup", "reset_password", "reset_password_from_key"):
        assert limits[action], action


# --- Sessions: Django's own, and closing an account ends them ------------------------------


def setting_in(environment, name):
    """A setting as config.settings builds it from this environment, in a fresh interpreter."""
    code = (
        "import json, django; django.setup(); from django.conf import settings;"
        f" print(json.dumps(settings.{name}))"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "DEBUG"}}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x" * 50, **environment}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("environment", "engine"),
    [
        ({}, "cached_db"),  # development: the in-process cache
        ({"CACHE_URL": "redis://127.0.0.1:6379/0"}, "cached_db"),
        ({"DEBUG": "false"}, "db"),  # production's default, the database cache
        ({"CACHE_URL": "dbcache://crux_cache_table"}, "db"),
    ],
)
def test_sessions_are_djangos_own_read_through_a_cache_that_is_not_the_database(
    environment, engine
):
    assert setting_in(environment, "SESSION_ENGINE") == f"django.contrib.sessions.backends.{engine}"


def test_a_signed_in_request_reads_its_session_from_the_cache(client, django_assert_num_queries):
    member = UserFactory()
    client.force_login(member)
    request = RequestFactory().get("/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(
        client.session.session_key
    )
    AuthenticationMiddleware(lambda request: None).process_request(request)

    with django_assert_num_queries(1):  # the user; the session comes from the cache
        assert request.user.is_authenticated and request.user.pk == member.pk


@pytest.mark.parametrize(
    "engine",
    ["django.contrib.sessions.backends.cached_db", "django.contrib.sessions.backends.db"],
)
def test_closing_an_account_signs_out_every_one_of_its_sessions(settings, engine):
    settings.SESSION_ENGINE = engine
    member = verified_user(email="ada@example.org")
    here, elsewhere, bystander = Client(), Client(), Client()
    for browser in (here, elsewhere):
        assert browser.login(email="ada@example.org", password=PASSWORD)
    bystander.force_login(UserFactory())
    home = reverse("home")
    assert elsewhere.get(home).wsgi_request.user == member

    closed = here.post(reverse("delete_account"), {"confirmation": "DELETE"})

    assert closed.status_code == 302
    assert not here.get(home).wsgi_request.user.is_authenticated
    assert not elsewhere.get(home).wsgi_request.user.is_authenticated
    # Switched back on by mistake, the account still has no session: the password its sessions
    # were signed in with is gone (Django's session hash), and that ends them for good.
    User.objects.filter(pk=member.pk).update(is_active=True)
    assert not elsewhere.get(home).wsgi_request.user.is_authenticated
    assert "_auth_user_id" not in elsewhere.session
    assert bystander.get(home).wsgi_request.user.is_authenticated


def mailer_for(environment):
    """The default mailer config.settings builds from this environment, in a fresh interpreter."""
    code = (
        "import json, django; django.setup(); from django.core import mail;"
        " m = mail.mailers['default'];"
        "print(json.dumps([type(m).__module__, getattr(m, 'host', None), getattr(m, 'port', None),"
        " getattr(m, 'username', None), getattr(m, 'use_tls', None), getattr(m, 'use_ssl', None)]))"
    )
    env = {k: v for k, v in os.environ.items() if k != "EMAIL_URL"}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings", **environment}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    return json.loads(done.stdout)


def test_mail_goes_to_the_console_unless_email_url_is_set():
    assert mailer_for({})[0] == "django.core.mail.backends.console"


def test_email_url_configures_smtp():
    mailer = mailer_for({"EMAIL_URL": "smtp+tls://crux:s3cret@mail.example.org:587"})
    assert mailer == [
        "django.core.mail.backends.smtp",
        "mail.example.org",
        587,
        "crux",
        True,
        False,
    ]


def test_password_reset_by_emailed_link(client, mailoutbox):
    UserFactory(email="ada@example.org")

    response = client.post(reverse("account_reset_password"), {"email": "ada@example.org"})
    assert response.status_code == 302
    assert mailoutbox[-1].subject == "[Crux] Reset your password"
    assert "your password stays as it is" in mailoutbox[-1].body
    url = link_in(mailoutbox[-1], "/accounts/password/reset/key/")
    form_page = client.get(url, follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else url,
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert done.status_code == 302
    assert User.objects.get(email="ada@example.org").check_password(NEW_PASSWORD)


def test_password_reset_for_an_unknown_address_looks_the_same(client):
    known = UserFactory(email="ada@example.org")
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    real = client.post(reverse("account_reset_password"), {"email": known.email})
    assert unknown.status_code == real.status_code == 302
    assert unknown.url == real.url


def test_change_password(client):
    member = UserFactory()
    client.force_login(member)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


def test_change_email_takes_effect_once_the_new_address_is_verified(client, mailoutbox):
    member = verified_user(email="old@example.org")
    client.force_login(member)

    response = client.post(reverse("account_email"), {"action_add": "", "email": "new@example.org"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.email == "old@example.org"
    url = link_in(mailoutbox[-1], "/accounts/confirm-email/")
    client.post(url)

    member.refresh_from_db()
    assert member.email == "new@example.org"
    assert list(EmailAddress.objects.filter(user=member).values_list("email", "verified")) == [
        ("new@example.org", True)
    ]


@pytest.mark.parametrize(
    ("name", "signed_in"),
    [
        ("account_login", False),
        ("account_signup", False),
        ("account_reset_password", False),
        ("account_reset_password_done", False),
        ("account_email_verification_sent", False),
        ("account_email", True),
        ("account_change_password", True),
        ("account_logout", True),
    ],
)
def test_allauth_pages_use_the_site_layout(client, name, signed_in):
    if signed_in:
        client.force_login(UserFactory())

    response = client.get(reverse(name))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in html and "css/crux.css" in html
    assert "Menu:" not in html  # allauth's own bare layout
    assert "<h1>" in html
    if name not in ("account_email_verification_sent", "account_reset_password_done"):
        assert 'class="form' in html and 'class="button' in html


def test_sign_up_form_asks_for_a_display_name_with_its_rules(client):
    html = client.get(reverse("account_signup")).content.decode()
    assert 'name="display_name"' in html
    assert "3 to 40 characters" in html
    assert html.index('name="email"') < html.index('name="display_name"')


# --- Display names (the one validating function) ---------------------------------------------


def test_no_member_takes_the_name_of_someone_crux_quotes(client, seeded):
    """The seeded claims are Simon Saradzhyan's and Dmitri Trenin's words: a member so named
    would pass for them, and so would one named as the author of a source nobody added."""
    ArgumentFactory(attribution="Ada Quoted", author=None)
    SourceFactory(author="Sam Writer")
    for chosen in ("Simon Saradzhyan", "dmitri  TRENIN", "Ada Qu\u043eted", "Sam Writer"):
        response = sign_up(client, display_name=chosen)
        assert response.status_code == 422, chosen
        assert "Crux quotes someone by this name" in response.text
    assert not User.objects.filter(email="ada@example.org").exists()
    assert sign_up(client, display_name="Simon Sarad").status_code == 302


def test_names_members_attach_or_moderators_hid_bind_nobody(db):
    """A member's own attribution, a pasted source's author or a hidden claim's would let
    anyone take names from the rest (or tell what a moderator hid)."""
    ArgumentFactory(attribution="Pat Member")  # posted by a member
    ArgumentFactory(attribution="Hidden Person", author=None, visibility="hidden")
    hidden_motion = MotionFactory(visibility="hidden")
    ArgumentFactory(motion=hidden_motion, attribution="In Hidden Motion", author=None)
    SourceFactory(author="Pasted Author", added_by=UserFactory())
    for name in ("Pat Member", "Hidden Person", "In Hidden Motion", "Pasted Author"):
        assert services.normalise_display_name(name) == name


def test_a_member_named_as_someone_quoted_may_keep_and_recase_her_name(db):
    ArgumentFactory(attribution="Anna Lee", author=None)
    anna = UserFactory(display_name="anna lee")
    assert services.normalise_display_name("Anna  Lee", user=anna) == "Anna Lee"
    anna.delete()
    with pytest.raises(ValidationError, match="Crux quotes someone by this name"):
        services.normalise_display_name("ANNA LEE", user=UserFactory(display_name="Another"))


def test_normalise_display_name_trims_and_collapses_spaces():
    assert services.normalise_display_name("  Ada \t  Lovelace\n") == "Ada Lovelace"


def test_normalise_display_name_lets_a_person_keep_or_recase_their_own_name():
    ada = UserFactory(display_name="Ada Lovelace")
    assert services.normalise_display_name("ADA LOVELACE", user=ada) == "ADA LOVELACE"
    with pytest.raises(ValidationError, match="taken"):
        services.normalise_display_name("ADA LOVELACE", user=UserFactory())


def test_fold_display_name_ignores_case_width_and_spacing():
    assert fold_display_name("\uff21\uff44\uff41  LOVELACE") == fold_display_name("ada lovelace")
    assert fold_display_name("Ada") != fold_display_name("Adà")


def test_fold_display_name_folds_look_alikes_from_other_scripts():
    root = fold_display_name("Root Admin")
    assert fold_display_name("R\u043e\u043et Admin") == root  # Cyrillic o
    assert fold_display_name("ROOT  ADMIN") == root
    assert fold_display_name("R00t Admin") == root  # zeros read as O
    assert fold_display_name("Root Admln") != root


@pytest.mark.parametrize(
    "chosen",
    [
        "Zoë Ó Briain",
        "Nguye\u0302\u0303n Va\u0306n An",  # typed decomposed; stored composed
        "\u0915\u0941\u092e\u093e\u0930",  # Devanagari: vowel signs are marks
        "\u674e\u5c0f\u9f8d",
        "\u0410\u0434\u0430 \u041b\u0430\u0432\u043b\u0435\u0439\u0441",  # Cyrillic alone
        "Ada Lovelace 2",
    ],
)
def test_names_in_any_script_are_still_welcome(chosen):
    UserFactory(display_name="Ada Lovelace")

    name = services.normalise_display_name(chosen)

    assert name == unicodedata.normalize("NFC", chosen)


def test_names_that_differ_in_a_letter_of_their_own_stay_apart():
    # Latin accents spell a name ("Zoë" is not "Zoe"); an alef with hamza above is a letter.
    assert fold_display_name("Zo\u00eb S.") != fold_display_name("Zoe S.")
    assert fold_display_name("\u0623\u0645\u064a\u0646\u0629") != fold_display_name(
        "\u0627\u0645\u064a\u0646\u0629"
    )


@pytest.mark.parametrize("chosen", ["F\u043ermer member 3", "FORMER  MEMBER 3", "Forrner member 3"])
def test_nobody_may_choose_a_look_alike_of_a_former_members_name(chosen):
    with pytest.raises(ValidationError, match="kept for closed accounts"):
        services.normalise_display_name(chosen)


def test_the_database_refuses_look_alikes_however_they_arrive():
    UserFactory(display_name="Ada Lovelace")
    user = UserFactory.build(display_name="ada  LOVELACE", email="x@example.org")
    with pytest.raises(ValidationError) as error:
        user.full_clean()  # what the admin runs
    assert "display_name" in error.value.message_dict


def test_a_look_alike_that_predates_the_key_can_still_be_saved_and_keep_its_name():
    UserFactory(display_name="Ada Lovelace")
    legacy = UserFactory(display_name="Legacy")
    # What migrations 0003 and 0005 leave for a look-alike that predates them (Cyrillic e).
    key = fold_display_name("Ada Lovelace")
    User.objects.filter(pk=legacy.pk).update(
        display_name="Ada Lovelac\u0435", display_name_key=f"{key} #{legacy.pk}"
    )
    legacy.refresh_from_db()

    legacy.bio = "Still here."
    legacy.save()
    services.update_profile(
        user=legacy, display_name="Ada Lovelac\u0435", bio="Still here, same name."
    )

    legacy.refresh_from_db()
    assert legacy.display_name_key == f"{key} #{legacy.pk}"
    assert legacy.bio == "Still here, same name."
    with pytest.raises(ValidationError, match="taken"):
        services.update_profile(user=legacy, display_name="ADA LOVELACE", bio="")
    services.update_profile(user=legacy, display_name="Ada the Second", bio="")
    assert legacy.display_name_key == fold_display_name("Ada the Second")


@pytest.mark.django_db(transaction=True)
def test_migration_0005_keeps_look_alikes_that_predate_it_and_ends_old_sessions():
    """Recomputing every key with confusables folded must not fail on names that now clash: the
    older account keeps the plain key, later look-alikes a "<key> #<id>" one (as 0003 did)."""
    before = [("accounts", "0004_session_names_its_user"), ("sessions", "0001_initial")]
    after = [("accounts", "0005_stock_sessions_confusable_name_keys")]
    with by_hand() as executor:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        users = old.get_model("accounts", "User")._default_manager
        # Keys as 0003 computed them; the second is a look-alike it let through (Cyrillic o).
        first, second, other = (
            users.create(
                email=f"{key.split()[0]}@example.org", display_name=name, display_name_key=key
            )
            for name, key in [
                ("Root Admin", "root admin"),
                ("R\u043e\u043et Admin", "r\u043e\u043et admin"),
                ("Ada", "ada"),
            ]
        )
        old.get_model("sessions", "Session")._default_manager.create(
            session_key="s" * 32, session_data="{}", expire_date=timezone.now() + timedelta(days=1)
        )
        executor.loader.build_graph()
        executor.migrate(after)

    keys = dict(User.objects.values_list("pk", "display_name_key"))
    root = fold_display_name("Root Admin")
    assert keys == {first.pk: root, second.pk: f"{root} #{second.pk}", other.pk: "ada"}
    look_alike = User.objects.get(pk=second.pk)
    look_alike.bio = "Still here."
    look_alike.save()
    assert User.objects.get(pk=second.pk).display_name_key == f"{root} #{second.pk}"
    assert not DjangoSession.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_migration_0006_folds_look_alike_capitals_and_keeps_those_that_predate_it():
    before = [("accounts", "0005_stock_sessions_confusable_name_keys")]
    after = [("accounts", "0006_display_name_keys_fold_capitals")]
    with by_hand() as executor:
        executor.migrate(before)
        users = executor.loader.project_state(before).apps.get_model("accounts", "User")
        # Keys as 0005 computed them: a Cyrillic capital Em lowercased to a letter of its own.
        first, second = (
            users._default_manager.create(email=email, display_name=name, display_name_key=key)
            for email, name, key in [
                ("mara@example.org", "Mara Moderator", "rnara rnoderator"),
                ("mimic@example.org", "\u041cara Moderator", "\u028dara rnoderator"),
            ]
        )
        executor.loader.build_graph()
        executor.migrate(after)

    keys = dict(User.objects.values_list("pk", "display_name_key"))
    mara = fold_display_name("Mara Moderator")
    assert keys == {first.pk: mara, second.pk: f"{mara} #{second.pk}"}


@pytest.mark.django_db(transaction=True)
def test_migration_0007_folds_optional_marks_and_keeps_those_that_predate_it():
    before = [("accounts", "0006_display_name_keys_fold_capitals")]
    after = [("accounts", "0007_display_name_keys_fold_points")]
    names = [
        (
            "amina@example.org",
            "\u0623\u0645\u064a\u0646\u0629 \u0627\u0644\u062d\u0633\u064a\u0646\u064a",
        ),
        # The same with a tatweel, then with short vowels: accepted as other names before.
        (
            "tatweel@example.org",
            "\u0623\u0645\u0640\u064a\u0646\u0629 \u0627\u0644\u062d\u0633\u064a\u0646\u064a",
        ),
        (
            "vowels@example.org",
            "\u0623\u064e\u0645\u0650\u064a\u0646\u064e\u0629"
            " \u0627\u0644\u062d\u0633\u064a\u0646\u064a",
        ),
    ]
    with by_hand() as executor:
        executor.migrate(before)
        users = executor.loader.project_state(before).apps.get_model("accounts", "User")
        created = [
            # Keys as 0006 computed them: each name a key of its own.
            users._default_manager.create(
                email=email, display_name=name, display_name_key=f"old {n}"
            )
            for n, (email, name) in enumerate(names)
        ]
        executor.loader.build_graph()
        executor.migrate(after)

    keys = dict(User.objects.values_list("pk", "display_name_key"))
    amina = fold_display_name(names[0][1])
    amina_1, amina_2 = created[1].pk, created[2].pk
    assert keys == {
        created[0].pk: amina,
        amina_1: f"{amina} #{amina_1}",
        amina_2: f"{amina} #{amina_2}",
    }
    # (A dotted capital I folds too, but no two names differing in it alone can predate this:
    # PostgreSQL's lower() of the name is unique already.)


def test_update_profile_saves_normalised_name_and_plain_bio():
    member = UserFactory()

    services.update_profile(
        user=member, display_name="  New   Name ", bio="Line one\r\nLine two\x00  \n"
    )

    member.refresh_from_db()
    assert member.display_name == "New Name"
    assert member.display_name_key == fold_display_name("new name")
    assert member.bio == "Line one\nLine two"


def test_update_profile_reports_every_bad_field():
    member = UserFactory(display_name="Original")
    UserFactory(display_name="Taken Name")

    with pytest.raises(ValidationError) as error:
        services.update_profile(user=member, display_name="taken name", bio="x" * 501)

    assert set(error.value.message_dict) == {"display_name", "bio"}
    member.refresh_from_db()
    assert member.display_name == "Original"


def test_update_profile_turns_a_lost_race_into_a_validation_error():
    UserFactory(display_name="Taken Name")
    member = UserFactory(display_name="Original")

    with (
        mock.patch("accounts.services.display_name_taken", return_value=False),
        pytest.raises(ValidationError, match="taken"),
    ):
        services.update_profile(user=member, display_name="Taken name", bio="")
    assert member.display_name == "Original"


# --- Profile page ----------------------------------------------------------------------------


def test_profile_shows_name_joined_date_bio_and_counts(client):
    ada = UserFactory(display_name="Ada Lovelace", bio="Mathematician.\n<b>Analyst</b>")
    first = ArgumentFactory(author=ada, claim="Engines can compose music")
    second = ArgumentFactory(author=ada, claim="Notes matter")
    Argument.objects.filter(pk=first.pk).update(agree_count=3, disagree_count=1)
    Argument.objects.filter(pk=second.pk).update(agree_count=2)
    ArgumentFactory(claim="Someone else's")

    response = client.get(ada.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and "Ada Lovelace" in html
    assert f"{ada.date_joined:%Y-%m-%d}" in html
    assert "Mathematician.<br>&lt;b&gt;Analyst&lt;/b&gt;" in html
    assert response.context["stats"]["arguments"] == 2
    assert response.context["votes_received"] == 6
    assert 'data-stat="arguments">2<' in html
    assert "(5 agree, 1 disagree)" in html
    assert "Someone else" not in html


def test_profile_lists_arguments_newest_first_linking_into_the_debate(client):
    ada = UserFactory()
    older = ArgumentFactory(author=ada, claim="Older claim")
    newer = ArgumentFactory(author=ada, claim="Newer claim")

    html = client.get(ada.get_absolute_url()).content.decode()

    assert html.index("Newer claim") < html.index("Older claim")
    assert f'href="{newer.get_absolute_url()}"' in html
    assert f'href="{older.motion.get_absolute_url()}"' in html


def test_profile_lists_withdrawn_arguments_to_their_author_alone(client):
    """A withdrawn argument would show others only that it was withdrawn: a profile lists it
    (and counts it) for its author, who reads its words, and for moderators."""
    ada = UserFactory()
    ArgumentFactory(author=ada, claim="Standing words")
    ArgumentFactory(author=ada, claim="Retracted words", visibility=Argument.Visibility.RETRACTED)
    ArgumentFactory(author=ada, claim="Hidden words", visibility=Argument.Visibility.HIDDEN)

    to_others = client.get(ada.get_absolute_url()).content.decode()
    client.force_login(ada)
    to_herself = client.get(ada.get_absolute_url()).content.decode()

    assert "Standing words" in to_others
    assert "Retracted words" not in to_others and "Hidden words" not in to_others
    assert (
        "[retracted by its author]" not in to_others and "[hidden by a moderator]" not in to_others
    )
    assert to_others.count('class="profile-argument ') == 1
    assert "Retracted words" in to_herself and "Hidden words" in to_herself
    assert to_herself.count('class="profile-argument ') == 3


def test_profile_paginates_arguments(client):
    ada = UserFactory()
    motion = MotionFactory()
    for n in range(25):
        ArgumentFactory(author=ada, motion=motion, claim=f"Claim {n}")

    first = client.get(ada.get_absolute_url())
    second = client.get(ada.get_absolute_url(), {"page": 2})

    assert len(first.context["arguments"]) == 20
    assert len(second.context["arguments"]) == 5
    assert first.context["page"].paginator.num_pages == 2
    assert client.get(ada.get_absolute_url(), {"page": "nonsense"}).status_code == 200
    assert client.get(ada.get_absolute_url(), {"page": "99"}).status_code == 200


@pytest.mark.parametrize("signed_in", [False, True])
def test_profile_costs_the_same_queries_however_many_arguments(
    client, django_assert_num_queries, signed_in
):
    small, big = UserFactory(), UserFactory()
    ArgumentFactory(author=small)
    for _ in range(15):
        ArgumentFactory(author=big, motion=MotionFactory())
    viewer = UserFactory()
    if signed_in:
        client.force_login(viewer)
    # person, aggregate, one page of arguments, one page of motions proposed (+ the session with
    # its user, whether the viewer moderates, for the moderation links, and the bell's unread
    # count, when signed in)
    expected = 4 + (3 if signed_in else 0)

    for person in (small, big):
        with django_assert_num_queries(expected):
            assert client.get(person.get_absolute_url()).status_code == 200


def test_unknown_profile_is_404(client):
    assert client.get(reverse("profile", args=[999999])).status_code == 404


def test_people_me_goes_to_your_own_profile(client):
    member = UserFactory()
    client.force_login(member)
    response = client.get(reverse("own_profile"))
    assert response.status_code == 302
    assert response.url == member.get_absolute_url()


# --- Profile editing -------------------------------------------------------------------------


def test_anonymous_profile_edit_goes_to_sign_in_and_back(client):
    response = client.get(reverse("profile_edit"))
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={reverse('profile_edit')}"


def test_member_edits_display_name_and_bio(client):
    member = UserFactory(display_name="Old Name")
    client.force_login(member)
    page = client.get(reverse("profile_edit"))
    assert page.status_code == 200
    assert 'value="Old Name"' in page.content.decode()

    response = client.post(
        reverse("profile_edit"), {"display_name": " New  Name ", "bio": "I argue about engines."}
    )

    assert response.status_code == 302
    assert response.url == member.get_absolute_url()
    member.refresh_from_db()
    assert (member.display_name, member.bio) == ("New Name", "I argue about engines.")
    assert "I argue about engines." in client.get(member.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"display_name": "TAKEN NAME", "bio": ""}, "That display name is taken"),
        ({"display_name": "ab", "bio": ""}, "at least 3 characters"),
        ({"display_name": "Fine Name", "bio": "x" * 501}, "Keep your bio to 500 characters"),
        ({"display_name": "", "bio": ""}, "Choose a display name."),
    ],
)
def test_bad_profile_edits_get_a_clear_message_and_a_422_keeping_what_was_typed(
    client, data, message
):
    UserFactory(display_name="Taken Name")
    member = UserFactory(display_name="Original")
    client.force_login(member)

    response = client.post(reverse("profile_edit"), data)

    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert response.context["form"]["display_name"].value() == data["display_name"]
    member.refresh_from_db()
    assert member.display_name == "Original"


def test_a_suspended_member_cannot_edit_their_profile(client):
    from datetime import timedelta

    from django.utils import timezone

    member = UserFactory(
        display_name="Original", suspended_until=timezone.now() + timedelta(days=1)
    )
    client.force_login(member)

    response = client.post(
        reverse("profile_edit"), {"display_name": "Rude name", "bio": ""}, follow=True
    )

    member.refresh_from_db()
    assert member.display_name == "Original"
    assert "suspended" in response.content.decode()
    # The service refuses too, whatever path calls it.
    with pytest.raises(DebateRuleError, match="suspended") as refused:
        services.update_profile(user=member, display_name="Rude name", bio="")
    assert refused.value.status == 403
    member.refresh_from_db()
    assert member.display_name == "Original"


# --- member_required: HTMX-aware redirect to sign in ----------------------------------------


@member_required
def protected_action(request):
    return HttpResponse("done")


urlpatterns = [
    path("protected/", protected_action),
    path("accounts/", include("allauth.urls")),
    path("people/", include("accounts.urls")),
    path("", include("debates.urls")),
]


@pytest.mark.urls(__name__)
def test_member_required_sends_an_htmx_request_to_sign_in_with_a_full_page_redirect(client):
    response = client.post(
        "/protected/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/motions/m/?page=2"},
    )

    # Not a 302 (fetch would follow it and swap the sign-in page into the fragment).
    assert response.status_code == 200
    assert response["HX-Redirect"] == (
        "/accounts/login/?next=http%3A//testserver/motions/m/%3Fpage%3D2"
    )


@pytest.mark.urls(__name__)
def test_member_required_ignores_a_foreign_current_url(client):
    response = client.post(
        "/protected/", headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/"}
    )
    assert response["HX-Redirect"] == "/accounts/login/?next=/"


@pytest.mark.urls(__name__)
def test_member_required_redirects_a_plain_request_and_lets_members_through(client):
    response = client.get("/protected/?x=1")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/protected/%3Fx%3D1"

    client.force_login(UserFactory())
    assert client.post("/protected/", headers={"HX-Request": "true"}).content == b"done"


# --- Moderators ------------------------------------------------------------------------------


def test_grant_moderator_by_email_gives_the_moderation_permissions(capsys):
    member = UserFactory(email="mod@example.org")
    assert not member.is_moderator

    call_command("grant_moderator", "MOD@example.org")

    member = User.objects.get(pk=member.pk)
    group = Group.objects.get(name=MODERATORS_GROUP)
    perms = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
    assert perms == set(services.MODERATOR_PERMISSIONS)
    assert member.groups.filter(name=MODERATORS_GROUP).exists()
    assert member.has_perm("accounts.moderate")
    assert member.has_perm("debates.change_argument")
    assert member.is_moderator
    assert "is now a moderator" in capsys.readouterr().out


def test_grant_moderator_by_display_name_is_idempotent_and_revocable(capsys):
    member = UserFactory(display_name="Grace Hopper")

    call_command("grant_moderator", "grace  HOPPER")
    call_command("grant_moderator", "Grace Hopper")
    assert "already a moderator" in capsys.readouterr().out
    assert Group.objects.get(name=MODERATORS_GROUP).user_set.count() == 1

    call_command("grant_moderator", "Grace Hopper", "--revoke")
    assert "no longer a moderator" in capsys.readouterr().out
    call_command("grant_moderator", "Grace Hopper", "--revoke")
    assert "was not in the Moderators group" in capsys.readouterr().out

    member = User.objects.get(pk=member.pk)
    assert not member.is_moderator
    assert not member.has_perm("accounts.moderate")


def test_grant_moderator_refuses_an_unknown_user():
    with pytest.raises(CommandError, match="No user"):
        call_command("grant_moderator", "nobody@example.org")
    with pytest.raises(CommandError, match="No user"):
        call_command("grant_moderator", "Nobody At All", "--revoke")


def test_is_moderator_for_staff_but_not_for_the_deactivated():
    assert UserFactory(is_staff=True).is_moderator
    assert not UserFactory().is_moderator
    assert not UserFactory(is_staff=True, is_active=False).is_moderator


def test_is_moderator_by_the_group_or_the_permission_held_any_way_and_by_nothing_else(db):
    """Every way has_perm would find accounts.moderate, and the Moderators group, make a
    moderator; another group, another permission, or another member's grant do not."""
    moderate = Permission.objects.get(codename="moderate", content_type__app_label="accounts")
    other = Permission.objects.get(codename="change_user", content_type__app_label="accounts")
    holders, plain = Group.objects.create(name="Stewards"), Group.objects.create(name="Readers")
    holders.permissions.add(moderate)
    plain.permissions.add(other)
    by_group, by_perm, by_holding_group = UserFactory(), UserFactory(), UserFactory()
    by_group.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    by_perm.user_permissions.add(moderate)
    by_holding_group.groups.add(holders)
    in_plain_group, with_other_perm, bystander = UserFactory(), UserFactory(), UserFactory()
    in_plain_group.groups.add(plain)
    with_other_perm.user_permissions.add(other)
    for user in (by_group, by_perm, by_holding_group):
        fresh = User.objects.get(pk=user.pk)
        assert fresh.is_moderator
        assert fresh.has_perm("accounts.moderate") or user is by_group
    for user in (in_plain_group, with_other_perm, bystander):
        fresh = User.objects.get(pk=user.pk)
        assert not fresh.is_moderator
        assert not fresh.has_perm("accounts.moderate")


def test_the_sign_in_form_speaks_in_the_sites_sentence_case(client, db):
    html = client.get(reverse("account_login")).content.decode()
    assert "Remember me" in html
    assert "Remember Me" not in html


class RefusingMailServer(BaseEmailBackend):
    """A mail server that is down, as smtplib finds one."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


@pytest.fixture
def mail_server_down(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingMailServer"}}


def test_sign_up_stands_and_says_so_when_the_mail_server_is_down(client, mail_server_down):
    response = sign_up(client, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("account_email_verification_sent"), 302)]
    assert User.objects.filter(email="ada@example.org").exists()
    page = response.content.decode()
    assert SIGN_IN_FOR_A_NEW_LINK in page
    assert "sent" not in page.replace(SIGN_IN_FOR_A_NEW_LINK, "")
    # Signing up with a registered address reads the same.
    verified_user(email="bo@example.org")
    again = sign_up(Client(), follow=True, email="bo@example.org", display_name="Bo Other")
    assert again.redirect_chain == response.redirect_chain
    assert SIGN_IN_FOR_A_NEW_LINK in again.content.decode()


def test_a_password_reset_says_so_when_the_mail_server_is_down(client, mail_server_down):
    """For an address with no account too (it is mailed as well), or the notice would tell
    which addresses have one."""
    verified_user(email="ada@example.org")

    for address in ("ada@example.org", "nobody@example.org"):
        response = client.post(reverse("account_reset_password"), {"email": address}, follow=True)

        assert response.status_code == 200
        assert ASK_FOR_THE_RESET_AGAIN in response.content.decode()


def test_signing_in_unverified_while_the_mail_server_is_down_says_to_sign_in_later(
    client, mail_server_down
):
    """Signing in sends a new link; failing, it may not point to the email settings, which
    are not open to someone not yet verified."""
    UserFactory(email="new@example.org", password=NEW_PASSWORD)
    response = client.post(
        reverse("account_login"),
        {"login": "new@example.org", "password": NEW_PASSWORD},
        follow=True,
    )
    page = response.content.decode()
    assert SIGN_IN_FOR_A_NEW_LINK in page and SEND_FROM_EMAIL_SETTINGS not in page


def test_a_stale_verification_link_says_what_to_do(client):
    page = client.get("/accounts/confirm-email/not-a-key/").content.decode()
    assert "This link has expired or was used already." in page
    assert "Confirm Email Address" not in page


@pytest.mark.urls(__name__)
def test_member_required_returns_to_the_place_a_form_names(client):
    """A vote's form names the claim's anchor in `next`; no Referer ever carries one."""
    sent = {"next": "/motions/m/?sort=newest#argument-12"}
    plain = client.post("/protected/", sent, HTTP_REFERER="http://testserver/motions/m/")
    assert plain.url == "/accounts/login/?next=/motions/m/%3Fsort%3Dnewest%23argument-12"
    foreign = client.post("/protected/", {"next": "https://evil.example/"})
    assert foreign.url == "/accounts/login/?next=/"
