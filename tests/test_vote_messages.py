"""A vote sent as a plain form (no JavaScript) comes back saying what the press did: counted,
changed, or withdrawn by pressing the same choice again. The HTMX answer, the widget itself,
says it by its pressed button and queues no message."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from debates.models import Motion, Vote
from debates.voting import cast_vote
from tests.factories import ArgumentFactory, MotionFactory, UserFactory

pytestmark = pytest.mark.django_db


def vote_url(claim):
    if isinstance(claim, Motion):
        return reverse("vote_motion", args=[claim.slug])
    return reverse("vote_argument", args=[claim.motion.slug, claim.pk])


def said(response):
    """The messages the response queued (read from its request, so never shown)."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def press(client, claim, choice):
    """The plain form's press, and the messages on the page it comes back to."""
    page = client.post(vote_url(claim), {"choice": choice}, follow=True)
    assert page.redirect_chain[0][1] == 303
    return re.findall(r'<li class="message message--\w+">([^<]*)</li>', page.content.decode())


@pytest.fixture
def voter(client):
    person = UserFactory()
    client.force_login(person)
    return person


@pytest.mark.parametrize("make", [ArgumentFactory, MotionFactory])
def test_each_press_says_what_it_did(client, voter, make):
    claim = make()

    assert press(client, claim, "agree") == ["Your vote is counted: agree."]
    assert press(client, claim, "disagree") == ["Your vote is changed to disagree."]
    assert press(client, claim, "disagree") == ["Your vote is withdrawn."]
    assert not Vote.objects.exists()
    assert press(client, claim, "disagree") == ["Your vote is counted: disagree."]
    assert Vote.objects.get().choice == "disagree"


def test_a_vote_cast_elsewhere_is_withdrawn_by_the_same_choice(client, voter):
    argument = ArgumentFactory()
    cast_vote(voter=voter, claim=argument, choice="agree")

    assert press(client, argument, "agree") == ["Your vote is withdrawn."]
    assert not Vote.objects.exists()


def test_a_refusal_says_only_why(client, voter):
    own = ArgumentFactory(author=voter)

    response = client.post(vote_url(own), {"choice": "agree"})

    assert said(response) == ["You cannot vote on your own argument."]


def test_the_htmx_answer_queues_no_message(client, voter):
    argument = ArgumentFactory()

    response = client.post(vote_url(argument), {"choice": "agree"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert 'aria-pressed="true"' in response.content.decode()
    assert said(response) == []


def test_an_unknown_claim_is_still_a_404(client, voter):
    argument = ArgumentFactory()
    url = reverse("vote_argument", args=[argument.motion.slug, argument.pk + 1000])

    assert client.post(url, {"choice": "agree"}).status_code == 404
    assert client.post(vote_url(MotionFactory.build()), {"choice": "agree"}).status_code == 404
