"""The flag page sent back refused opens on what is wrong, JavaScript or not, as the site's other
forms do (accounts.forms.focus_first_error): exactly one element asks for the focus."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import MotionFactory, verified_user

pytestmark = pytest.mark.django_db


class _Autofocused(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "autofocus" in attrs:
            self.found.append((tag, attrs))


def autofocused(response):
    parser = _Autofocused()
    parser.feed(response.content.decode())
    return parser.found


@pytest.fixture
def flagger(client):
    member = verified_user()
    client.force_login(member)
    return member


@pytest.fixture
def url():
    return reverse("flag_motion", args=[MotionFactory().slug])


def test_nothing_asks_for_the_focus_before_a_submission(client, flagger, url):
    assert autofocused(client.get(url)) == []


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_missing_reason_focuses_the_first_reason(client, flagger, url, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(url, {"note": "Kept."}, headers=headers)

    assert response.status_code == 422
    [(tag, attrs)] = autofocused(response)
    assert (tag, attrs["type"], attrs["value"]) == ("input", "radio", "spam")
    assert attrs["aria-invalid"] == "true"


def test_a_missing_note_focuses_the_note(client, flagger, url):
    response = client.post(url, {"reason": "other"})

    assert response.status_code == 422
    [(tag, attrs)] = autofocused(response)
    assert tag == "textarea" and attrs["name"] == "note" and attrs["aria-invalid"] == "true"


def test_a_refusal_of_the_whole_submission_focuses_its_message(client, flagger, settings):
    settings.CRUX_RATE_LIMITS = {"flag": "1/m/user"}
    first, second = MotionFactory(), MotionFactory()
    assert (
        client.post(reverse("flag_motion", args=[first.slug]), {"reason": "spam"}).status_code
        == 303
    )

    response = client.post(reverse("flag_motion", args=[second.slug]), {"reason": "spam"})

    assert response.status_code == 429
    [(tag, attrs)] = autofocused(response)
    assert tag == "p" and attrs["role"] == "alert" and attrs["tabindex"] == "-1"
