"""Rough edges a walk through a moderator's and an author's journeys met: the suspension banner
ran its reason into the link after it, an empty review queue showed a count of 0, and an act in
the queue without JavaScript left no way on to what it acted on."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import grant_moderator
from debates.models import Flag
from tests.factories import ArgumentFactory, verified_user

pytestmark = pytest.mark.django_db


def banner_text(client):
    html = client.get(reverse("home")).content.decode()
    (banner,) = re.findall(r'<p class="suspension-banner"[^>]*>(.*?)</p>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", "", banner).split())


@pytest.mark.parametrize("reason", ["Repeated abusive flags", "Repeated abusive flags."])
def test_the_suspension_banner_ends_its_reason_before_its_link(client, reason):
    until = timezone.now() + timedelta(days=3)
    client.force_login(verified_user(suspended_until=until, suspension_reason=reason))
    text = banner_text(client)
    assert text.endswith("Reason: Repeated abusive flags. Read the notice."), text


def test_an_empty_review_queue_shows_no_count(client):
    moderator = verified_user()
    grant_moderator(user=moderator)
    client.force_login(moderator)
    html = client.get(reverse("home")).content.decode()
    (link,) = re.findall(r'<a id="nav-queue"[^>]*>(.*?)</a>', html, re.S)
    assert link == "Review queue"
    assert ">Moderation log</a>" in html


def test_a_plain_queue_act_says_where_the_claim_and_its_log_are(client):
    moderator = verified_user()
    grant_moderator(user=moderator)
    argument = ArgumentFactory()
    Flag.objects.create(flagger=verified_user(), argument=argument, reason="abuse")
    client.force_login(moderator)
    url = reverse("queue_hide", args=["argument", argument.pk])
    page = client.post(url, {"reason": "Abuse"}, follow=True).content.decode()
    (message,) = re.findall(r'<li class="message message--success">(.*?)</li>', page, re.S)
    log = f"{reverse('moderation_log')}?target=argument&amp;target_id={argument.pk}"
    assert message == (
        f'Argument hidden. <a href="{argument.get_absolute_url()}">View the argument</a>'
        f' · <a href="{log}">Its log</a>'
    )
