"""Proposing a motion whose title a motion already bears (case and spacing aside, as an import is
told): the form comes back first, with what was typed, naming the motions the proposer may read,
and "Propose anyway" sends it on."""

import html
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debates import queries
from debates.interchange.importing import import_text
from debates.models import Motion
from tests.factories import MotionFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("propose_motion")


@pytest.fixture
def existing(author):
    return MotionFactory(author=author, title="Tea beats coffee", slug="tea-beats-coffee")


def sent(**fields):
    return {
        "title": "tea  beats COFFEE",
        "claim": "Tea is better than coffee.",
        "context": "Kept background.",
        "source_url": "https://example.org/tea",
        "quote": "Kept quote.",
        "submission_key": str(uuid.uuid4()),
    } | fields


def propose(client, person, **fields):
    client.force_login(person)
    return client.post(URL, sent(**fields))


def seen_title(page: str) -> str | None:
    found = re.search(r'<input type="hidden" name="same_title_seen" value="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else None


def test_a_title_already_borne_brings_the_form_back_with_the_motion_and_all_typed(
    client, member, existing
):
    response = propose(client, member)
    page = response.content.decode()
    assert response.status_code == 200
    assert "A motion with this title exists:" in page
    assert f'<a href="{existing.get_absolute_url()}" target="_blank" rel="noopener">' in page
    assert "Open it, or propose yours anyway." in page
    assert '<button type="submit" class="button">Propose anyway</button>' in page
    for typed in ("tea  beats COFFEE", "Tea is better than coffee.", "Kept background."):
        assert typed in page
    assert "https://example.org/tea" in page and "Kept quote." in page
    assert seen_title(page) == "tea beats COFFEE"
    assert Motion.objects.count() == 1


def test_proposing_anyway_opens_the_second_debate(client, member, existing):
    first = propose(client, member).content.decode()
    response = propose(client, member, same_title_seen=seen_title(first))
    assert response.status_code == 303
    second = Motion.objects.exclude(pk=existing.pk).get()
    assert response["Location"] == second.get_absolute_url()
    assert second.title == "tea beats COFFEE" and second.slug != existing.slug


def test_a_title_changed_after_the_warning_is_looked_up_again(client, member, existing):
    MotionFactory(title="Coffee beats tea")
    seen = seen_title(propose(client, member).content.decode())
    again = propose(client, member, title="Coffee beats tea", same_title_seen=seen)
    assert again.status_code == 200 and "A motion with this title exists:" in again.content.decode()
    fresh = propose(client, member, title="Water beats both", same_title_seen=seen)
    assert fresh.status_code == 303
    assert Motion.objects.filter(title="Water beats both").exists()


def test_a_new_title_goes_straight_through(client, member, existing):
    response = propose(client, member, title="Tea beats cocoa")
    assert response.status_code == 303
    assert Motion.objects.filter(title="Tea beats cocoa").exists()


def test_a_hidden_motion_is_named_only_to_whoever_may_read_it(client, member, moderator, author):
    hidden = MotionFactory(
        author=author, title="Tea beats coffee", visibility=Motion.Visibility.HIDDEN
    )
    for person in (moderator, author):
        response = propose(client, person)
        assert response.status_code == 200
        assert hidden.get_absolute_url() in response.content.decode()
    response = propose(client, member)
    assert response.status_code == 303
    assert Motion.objects.filter(author=member).count() == 1


def test_who_may_not_post_is_told_so_and_not_of_other_motions(client, existing):
    response = propose(client, UserFactory())
    page = response.content.decode()
    assert response.status_code == 403
    assert "Verify your email address" in page
    assert existing.get_absolute_url() not in page
    assert Motion.objects.count() == 1


def test_the_warning_costs_no_attempt_of_the_rate_limit(client, member, existing, settings):
    settings.CRUX_RATE_LIMITS = {"motion": "1/h/user"}
    seen = seen_title(propose(client, member).content.decode())
    assert propose(client, member, same_title_seen=seen).status_code == 303


def test_many_motions_of_the_title_cost_the_page_no_more_queries(client, member, author):
    MotionFactory(author=author, title="Tea beats coffee")
    client.force_login(member)
    with CaptureQueriesContext(connection) as one:
        page = client.post(URL, sent()).content.decode()
    assert "A motion with this title exists:" in page
    for _ in range(6):
        MotionFactory(author=author, title="TEA BEATS COFFEE")
    with CaptureQueriesContext(connection) as seven:
        page = client.post(URL, sent()).content.decode()
    assert "Motions with this title exist:" in page and "Open one, or propose" in page
    assert page.count('target="_blank" rel="noopener"') == 5 and "<li>and more.</li>" in page
    assert len(seven) == len(one)


def test_a_forged_seen_title_is_a_stale_form_not_a_500(client, member, existing):
    response = propose(client, member, same_title_seen="x" * 1000)
    assert response.status_code == 422
    assert "This form is out of date or incomplete" in response.content.decode()
    assert Motion.objects.count() == 1


def test_import_and_proposal_match_titles_by_one_rule(member, existing):
    """The shared read: an import hears of the oldest motion of its title, a proposal of all."""
    later = MotionFactory(title="TEA BEATS COFFEE")
    assert list(queries.motions_titled(" tea\tbeats coffee ", viewer=member)) == [existing, later]
    text = "Discussion Title: tea beats COFFEE\n\n1. Tea is best.\n1.1. Pro: It is warm.\n"
    _, summary, _ = import_text(text=text, format="kialo", author=member)
    assert summary["same_title"] == existing
