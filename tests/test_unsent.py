"""A form sent from its own page after the session ended (signed out in another tab, or timed
out) is not posted, and not lost: signing in leads back to the form, holding what was typed."""

import html
import uuid

import pytest
from django.urls import reverse

from debates.models import Argument, Motion
from tests.factories import ArgumentFactory, MotionFactory

pytestmark = pytest.mark.django_db

DETAILS = "Three careful paragraphs.\n\nOf evidence, typed for twenty minutes."


@pytest.fixture
def motion():
    return MotionFactory(title="Trams beat buses")


def _signed_out_then_back(client, member, url, sent):
    """The form's page read signed in; she is signed out elsewhere; she sends it; she signs in
    again and is led back to it. Returns (the answer to the send, the page she comes back to)."""
    client.force_login(member)
    assert client.get(url).status_code == 200
    client.logout()
    answer = client.post(url, sent, HTTP_REFERER=f"http://testserver{url}", follow=True)
    client.force_login(member)
    return answer, html.unescape(client.get(url).content.decode())


def test_a_reply_sent_after_signing_out_comes_back_after_signing_in(client, member, motion):
    url = reverse("reply_motion", args=[motion.slug])
    sent = {"stance": "con", "claim": "Trams cost too much.", "details": DETAILS}
    answer, page = _signed_out_then_back(
        client, member, url, sent | {"submission_key": str(uuid.uuid4())}
    )
    said = html.unescape(answer.content.decode())
    assert answer.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert "You were signed out, so this was not sent." in said
    assert not Argument.objects.filter(claim="Trams cost too much.").exists()
    assert "Trams cost too much." in page and DETAILS in page
    assert "Here is what you wrote before you were signed out" in page
    # Once: the form after that is a fresh one.
    assert "Trams cost too much." not in client.get(url).content.decode()


def test_an_edit_and_a_proposal_come_back_too(client, member):
    argument = ArgumentFactory(author=member, claim="Before.")
    edit = reverse("edit_argument", args=[argument.motion.slug, argument.pk])
    _, page = _signed_out_then_back(client, member, edit, {"claim": "After.", "details": DETAILS})
    assert "After.</textarea>" in page and DETAILS in page
    assert Argument.objects.get(pk=argument.pk).claim == "Before."

    propose = reverse("propose_motion")
    sent = {"title": "Trams", "claim": "Cities should build trams.", "context": DETAILS}
    _, page = _signed_out_then_back(client, member, propose, sent)
    assert 'value="Trams"' in page and "Cities should build trams.</textarea>" in page
    assert not Motion.objects.filter(title="Trams").exists()


def test_nothing_is_kept_for_another_page_or_from_an_empty_form(client, member, motion):
    url = reverse("reply_motion", args=[motion.slug])
    client.post(url, {"stance": "pro", "claim": "Kept for the reply form."})
    client.force_login(member)
    assert "Kept for the reply form." not in client.get(reverse("propose_motion")).content.decode()
    assert "Kept for the reply form." in client.get(url).content.decode()
    client.logout()
    client.post(url, {"claim": "  "})
    assert "crux_unsent" not in client.session
