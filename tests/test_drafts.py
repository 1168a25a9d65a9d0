"""What the posting views answer so that nothing typed, and no place, is lost: the same reply
sent again says so and leads to the first, and a form sent back with errors opens on the first
of them (the browser side is tests/browser/test_drafts.py)."""

import re
import uuid

import pytest
from django.urls import reverse

from debates.models import Argument, Motion
from tests.factories import ArgumentFactory, MotionFactory, verified_user

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def reply_data(**fields):
    return {"stance": "con", "claim": "A rebuttal.", "submission_key": str(uuid.uuid4())} | fields


def autofocused(html):
    """The elements of `html` that carry autofocus, as their opening tags."""
    return re.findall(r"<[^>]*\bautofocus\b[^>]*>", html)


@pytest.fixture
def member(client):
    member = verified_user(display_name="Ada")
    client.force_login(member)
    return member


def test_the_same_reply_again_in_place_says_so_and_leads_to_the_first(client, member):
    parent = ArgumentFactory()
    url = reverse("reply", args=[parent.motion.slug, parent.pk])
    client.post(url, reply_data(), headers=HTMX)
    [first] = Argument.objects.filter(parent=parent)

    # A fresh form (a new key) with the same reply: nothing new, and the answer says why.
    response = client.post(url, reply_data(), headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "You already posted this." in html
    assert f'href="{first.get_absolute_url()}" data-argument="{first.pk}"' in html
    # Not the argument again: the page has it, and would count it twice.
    assert "hx-partial" not in html and "<form" not in html
    assert Argument.objects.filter(parent=parent).count() == 1


def test_the_same_reply_again_without_javascript_goes_to_the_first_and_says_so(client, member):
    motion = MotionFactory()
    url = reverse("reply_motion", args=[motion.slug])
    assert "Your argument is posted." in client.post(url, reply_data(), follow=True).text
    response = client.post(url, reply_data(), follow=True)

    [first] = Argument.objects.all()
    assert response.redirect_chain == [(first.get_absolute_url(), 303)]
    assert "You already posted this: here it is." in response.text
    assert "Your argument is posted." not in response.text


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "in-place"])
def test_a_reply_sent_back_with_errors_opens_on_the_first_of_them(client, member, htmx):
    motion = MotionFactory()
    url = reverse("reply_motion", args=[motion.slug])
    headers = HTMX if htmx else {}

    response = client.post(url, reply_data(stance="", claim=""), headers=headers)
    assert response.status_code == 422
    focused = autofocused(response.content.decode())
    # Both radios of the stance carry it; the browser takes the first.
    assert focused and all('name="stance"' in tag for tag in focused)

    response = client.post(url, reply_data(claim=""), headers=headers)
    [focused] = autofocused(response.content.decode())
    assert 'name="claim"' in focused

    # A fresh form opens on nothing: only an answer with errors moves the focus.
    assert not autofocused(client.get(url, headers=headers).content.decode())


def test_a_reply_refused_for_the_whole_form_opens_on_the_message(client, member):
    from debates import moderation

    motion = MotionFactory()
    moderation.lock_motion(moderator=verified_user(is_staff=True), motion=motion, reason="Done.")
    response = client.post(reverse("reply_motion", args=[motion.slug]), reply_data())

    html = response.content.decode()
    assert response.status_code == 403
    [focused] = autofocused(html)
    assert 'role="alert"' in focused and 'tabindex="-1"' in focused
    assert "A rebuttal." in html  # the form stays, with what was typed


def test_a_proposed_motion_sent_back_with_errors_opens_on_the_first_of_them(client, member):
    url = reverse("propose_motion")
    response = client.post(url, {"title": " ", "claim": "", "submission_key": str(uuid.uuid4())})
    assert response.status_code == 422
    [focused] = autofocused(response.content.decode())
    assert 'name="title"' in focused

    response = client.post(url, {"title": "Tea", "claim": "", "submission_key": str(uuid.uuid4())})
    [focused] = autofocused(response.content.decode())
    assert 'name="claim"' in focused

    assert not autofocused(client.get(url).content.decode())
    assert not Motion.objects.exists()
