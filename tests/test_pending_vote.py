"""A vote pressed before signing in (debates.pending_votes): kept through sign-in and sign-up,
named on those pages, cast as she signs in under every rule of the vote, and said."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.signals import user_logged_in
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from debates import pending_votes
from debates.models import Argument, Motion, Vote
from debates.voting import cast_vote
from tests.factories import ArgumentFactory, MotionFactory, verified_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a much longer passphrase 42"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def argument():
    return ArgumentFactory(claim="Cheap trains make towns livelier")


@pytest.fixture
def reader():
    return verified_user(email="ada@example.org")


def vote_url(claim):
    if isinstance(claim, Motion):
        return reverse("vote_motion", args=[claim.slug])
    return reverse("vote_argument", args=[claim.motion.slug, claim.pk])


def anchor(claim):
    if isinstance(claim, Motion):
        return f"{claim.get_absolute_url()}#vote-motion-{claim.pk}"
    return f"{claim.motion.get_absolute_url()}#argument-{claim.pk}"


def press(client, claim, choice="agree", **headers):
    """Press a vote button as the page's form does (its `next` names the claim's place)."""
    return client.post(vote_url(claim), {"choice": choice, "next": anchor(claim)}, headers=headers)


def sign_in(client, user, sent_to):
    """Sign in on the page `sent_to` (the sign-in address a press was redirected to)."""
    going = parse_qs(urlsplit(sent_to).query)["next"][0]
    return client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD, "next": going}
    )


def said(response):
    """The messages a response leaves about the vote (allauth adds its own on signing in)."""
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    return [message for message in messages if "vote" in message]


def held(user):
    return list(Vote.objects.filter(user=user).values_list("motion", "argument", "choice"))


# --- Kept through sign-in ----------------------------------------------------------------------


def test_an_anonymous_press_is_counted_as_she_signs_in_and_she_lands_on_the_claim(
    client, reader, argument
):
    pressed = press(client, argument, "disagree")

    assert pressed.status_code == 302
    assert pressed.url.startswith(reverse("account_login"))
    assert not Vote.objects.exists()
    sign_in_page = client.get(pressed.url).content.decode()
    assert (
        "Sign in to cast your vote: Disagree with “Cheap trains make towns livelier”. "
        "It is counted as soon as you sign in." in sign_in_page
    )

    signed_in = sign_in(client, reader, pressed.url)

    assert signed_in.status_code == 302
    assert signed_in.url == anchor(argument)
    assert held(reader) == [(None, argument.pk, "disagree")]
    argument.refresh_from_db()
    assert (argument.agree_count, argument.disagree_count) == (0, 1)
    assert said(signed_in) == [
        "Your vote is counted: Disagree with “Cheap trains make towns livelier”."
    ]
    assert pending_votes.SESSION_KEY not in client.session
    # Once cast it is no longer waiting: the sign-in page says nothing of it.
    client.logout()
    assert "pending-vote" not in client.get(reverse("account_login")).content.decode()


def test_a_press_on_a_motion_is_counted_and_shown_pressed_on_the_page(client, reader):
    motion = MotionFactory(title="Towns should run their own buses")

    pressed = press(client, motion, "agree")
    assert "Agree with “Towns should run their own buses”" in client.get(pressed.url).text
    signed_in = sign_in(client, reader, pressed.url)

    assert signed_in.url == anchor(motion)
    assert held(reader) == [(motion.pk, None, "agree")]
    page = client.get(signed_in.url).content.decode()
    assert "Your vote is counted: Agree with “Towns should run their own buses”." in page
    widget = re.search(rf'<form[^>]* id="vote-motion-{motion.pk}".*?</form>', page, re.S).group()
    assert re.search(r'value="agree"[^>]*aria-pressed="true"', widget)


def test_a_long_argument_is_quoted_short(client, argument):
    Argument.objects.filter(pk=argument.pk).update(claim="Word " * 60)

    page = client.get(press(client, argument).url).content.decode()

    quoted = re.search(r"Agree with “([^”]*)”", page).group(1)
    assert len(quoted) == pending_votes.QUOTED_LENGTH and quoted.endswith("…")


def test_an_htmx_press_is_kept_and_sent_to_sign_in_as_before(client, reader, argument):
    pressed = press(client, argument, "agree", **HTMX)

    assert pressed.status_code == 200
    assert pressed["HX-Redirect"].startswith(reverse("account_login"))
    signed_in = sign_in(client, reader, pressed["HX-Redirect"])

    assert signed_in.url == anchor(argument)
    assert held(reader) == [(None, argument.pk, "agree")]


def test_a_newer_press_replaces_the_one_waiting(client, reader, argument):
    other = ArgumentFactory(motion=argument.motion, claim="Buses beat trams")
    press(client, argument, "agree")
    pressed = press(client, other, "disagree")

    page = client.get(pressed.url).content.decode()
    assert "Disagree with “Buses beat trams”" in page and "Cheap trains" not in page
    sign_in(client, reader, pressed.url)

    assert held(reader) == [(None, other.pk, "disagree")]


def test_an_invalid_choice_is_not_kept_and_goes_to_sign_in_as_before(client, argument):
    pressed = press(client, argument, "maybe")

    assert pressed.status_code == 302 and pressed.url.startswith(reverse("account_login"))
    assert pending_votes.SESSION_KEY not in client.session
    assert "pending-vote" not in client.get(pressed.url).content.decode()


def test_an_invalid_press_leaves_the_earlier_one_waiting(client, reader, argument):
    press(client, argument, "agree")
    pressed = press(client, argument, "maybe")

    sign_in(client, reader, pressed.url)

    assert held(reader) == [(None, argument.pk, "agree")]


def test_a_hidden_argument_is_not_quoted_to_a_forged_press(client, argument):
    Argument.objects.filter(pk=argument.pk).update(visibility=Argument.Visibility.HIDDEN)

    pressed = press(client, argument, "agree")

    assert pressed.url.startswith(reverse("account_login"))
    assert pending_votes.SESSION_KEY not in client.session
    assert "Cheap trains" not in client.get(pressed.url).content.decode()


def test_a_signed_in_press_is_cast_at_once_and_nothing_waits(client, reader, argument):
    client.force_login(reader)

    response = press(client, argument, "agree")

    assert response.status_code == 303 and response.url == anchor(argument)
    assert held(reader) == [(None, argument.pk, "agree")]
    assert pending_votes.SESSION_KEY not in client.session


# --- The vote's rules, as she signs in ---------------------------------------------------------


def test_her_own_argument_is_refused_and_nothing_waits_after(client, reader):
    own = ArgumentFactory(author=reader, claim="My own point")
    pressed = press(client, own, "agree")

    signed_in = sign_in(client, reader, pressed.url)

    assert signed_in.url == anchor(own)
    assert not Vote.objects.exists()
    assert said(signed_in) == [
        "Your vote was not counted: Agree with “My own point”. "
        "You cannot vote on your own argument."
    ]
    assert pending_votes.SESSION_KEY not in client.session


def test_a_claim_gone_before_she_signed_in_is_said_and_nothing_waits_after(
    client, reader, argument
):
    pressed = press(client, argument, "agree")
    Argument.objects.filter(pk=argument.pk).delete()

    signed_in = sign_in(client, reader, pressed.url)

    assert signed_in.status_code == 302
    assert not Vote.objects.exists()
    assert said(signed_in) == [
        "Your vote was not counted: Agree with “Cheap trains make towns livelier”. "
        "The claim is gone."
    ]
    assert pending_votes.SESSION_KEY not in client.session


def close_motion(argument):
    Motion.objects.filter(pk=argument.motion_id).update(state=Motion.State.LOCKED)


def hide_argument(argument):
    Argument.objects.filter(pk=argument.pk).update(visibility=Argument.Visibility.HIDDEN)


def retract_argument(argument):
    Argument.objects.filter(pk=argument.pk).update(visibility=Argument.Visibility.RETRACTED)


def suspend_reader(argument):
    from accounts.models import User

    until = timezone.now() + timedelta(days=2)
    User.objects.filter(email="ada@example.org").update(suspended_until=until)


@pytest.mark.parametrize(
    ("meanwhile", "refusal"),
    [
        (close_motion, "This motion is locked, so voting on it is closed."),
        (hide_argument, "This argument was hidden by a moderator; it can no longer be voted on."),
        (retract_argument, "This argument was retracted by its author; it can no longer be voted"),
        (suspend_reader, "Your account is suspended until"),
    ],
    ids=["locked", "hidden", "retracted", "suspended"],
)
def test_what_changed_before_she_signed_in_refuses_the_vote(
    client, reader, argument, meanwhile, refusal
):
    pressed = press(client, argument, "agree")
    meanwhile(argument)

    signed_in = sign_in(client, reader, pressed.url)

    assert signed_in.url == anchor(argument)
    assert not Vote.objects.exists()
    (message,) = said(signed_in)
    assert message.startswith("Your vote was not counted: Agree with “Cheap trains")
    assert refusal in message
    assert pending_votes.SESSION_KEY not in client.session


def test_the_same_choice_already_held_is_not_withdrawn(client, reader, argument):
    cast_vote(voter=reader, claim=argument, choice="agree")
    pressed = press(client, argument, "agree")

    signed_in = sign_in(client, reader, pressed.url)

    assert held(reader) == [(None, argument.pk, "agree")]
    argument.refresh_from_db()
    assert (argument.agree_count, argument.disagree_count) == (1, 0)
    assert said(signed_in) == [
        "Your vote was already counted: Agree with “Cheap trains make towns livelier”."
    ]


def test_the_same_choice_cast_meanwhile_is_not_withdrawn(client, reader, argument, monkeypatch):
    """Her other tab casts the same choice between the check and the cast: still held."""
    pressed = press(client, argument, "agree")
    cast_vote(voter=reader, claim=argument, choice="agree")
    monkeypatch.setattr(pending_votes.queries, "my_vote", lambda voter, claim: None)

    sign_in(client, reader, pressed.url)

    assert held(reader) == [(None, argument.pk, "agree")]


def test_the_other_choice_than_the_one_held_changes_it(client, reader, argument):
    cast_vote(voter=reader, claim=argument, choice="agree")
    pressed = press(client, argument, "disagree")

    sign_in(client, reader, pressed.url)

    assert held(reader) == [(None, argument.pk, "disagree")]
    argument.refresh_from_db()
    assert (argument.agree_count, argument.disagree_count) == (0, 1)


# --- Kept through sign-up ----------------------------------------------------------------------


def test_through_sign_up_it_waits_for_the_verified_sign_in(client, argument, mailoutbox):
    pressed = press(client, argument, "agree")
    going = parse_qs(urlsplit(pressed.url).query)["next"][0]
    signup_url = f"{reverse('account_signup')}?next={going}"
    assert "Sign up to cast your vote: Agree with “Cheap trains" in client.get(signup_url).text

    signed_up = client.post(
        signup_url,
        {
            "email": "new@example.org",
            "display_name": "Newcomer",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "next": going,
        },
        follow=True,
    )

    assert "Your vote, Agree with “Cheap trains" in signed_up.content.decode()
    assert not Vote.objects.exists()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S*", mailoutbox[0].body).group(0)
    confirmed = client.post(link)

    assert confirmed.url == anchor(argument)
    assert list(Vote.objects.values_list("user__email", "argument", "choice")) == [
        ("new@example.org", argument.pk, "agree")
    ]
    assert said(confirmed)[-1] == (
        "Your vote is counted: Agree with “Cheap trains make towns livelier”."
    )


# --- What it costs -----------------------------------------------------------------------------


def queries_of(request):
    """How many queries `request()` makes."""
    with CaptureQueriesContext(connection) as counted:
        request()
    return len(counted.captured_queries)


def clients_with_and_without_a_vote_waiting(argument):
    waiting, plain = Client(), Client()
    press(waiting, argument)
    plain.session.save()  # a session too, with nothing waiting in it
    assert pending_votes.SESSION_KEY in waiting.session
    assert pending_votes.SESSION_KEY not in plain.session
    return waiting, plain


def test_the_sign_in_page_costs_the_same_with_a_vote_waiting(argument):
    waiting, plain = clients_with_and_without_a_vote_waiting(argument)

    def sign_in_page(client):
        return lambda: client.get(reverse("account_login"))

    assert "pending-vote" in sign_in_page(waiting)().content.decode()
    assert "pending-vote" not in sign_in_page(plain)().content.decode()
    assert queries_of(sign_in_page(waiting)) == queries_of(sign_in_page(plain))


def test_a_debate_page_costs_the_same_with_a_vote_waiting(argument):
    waiting, plain = clients_with_and_without_a_vote_waiting(argument)
    page = argument.motion.get_absolute_url()
    Client().get(page)  # the shared tree is rendered once, for whoever reads it first

    assert queries_of(lambda: waiting.get(page)) == queries_of(lambda: plain.get(page))


def test_signing_in_with_no_vote_waiting_costs_nothing_more(reader):
    def signing_in():
        response = Client().post(
            reverse("account_login"), {"login": reader.email, "password": PASSWORD}
        )
        assert response.status_code == 302

    with_receiver = queries_of(signing_in)
    assert user_logged_in.disconnect(dispatch_uid="pending_votes")
    try:
        without = queries_of(signing_in)
    finally:
        user_logged_in.connect(pending_votes.cast_on_sign_in, dispatch_uid="pending_votes")

    assert with_receiver == without


# --- Kept for a day --------------------------------------------------------------------------


def test_a_press_left_longer_than_a_day_is_neither_shown_nor_cast(client, reader, argument):
    """Carried from an earlier walk: a press lived as long as the session, so on a shared
    computer whoever signed in next, weeks later, cast someone else's vote."""
    pressed = press(client, argument, "agree")
    session = client.session
    pending = session[pending_votes.SESSION_KEY]
    pending["pressed_at"] = (
        timezone.now() - pending_votes.KEPT_FOR - timedelta(minutes=1)
    ).isoformat()
    session[pending_votes.SESSION_KEY] = pending
    session.save()

    assert 'id="pending-vote"' not in client.get(pressed.url).content.decode()
    signed_in = sign_in(client, reader, pressed.url)

    assert held(reader) == []
    assert said(signed_in) == []
    assert pending_votes.SESSION_KEY not in client.session


def test_a_press_within_the_day_still_waits(client, argument):
    pressed = press(client, argument, "agree")
    session = client.session
    pending = session[pending_votes.SESSION_KEY]
    pending["pressed_at"] = (timezone.now() - pending_votes.KEPT_FOR / 2).isoformat()
    session[pending_votes.SESSION_KEY] = pending
    session.save()

    assert 'id="pending-vote"' in client.get(pressed.url).content.decode()
