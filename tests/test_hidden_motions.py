"""A motion a moderator hid: its title reaches nobody but its author and moderators, and its
slug, made from that title, is part of every address in it. So lists outside the debate (a
profile, the API, search) leave its arguments out for everyone else, and its Argdown download,
whose name and ids hold the slug, is refused as its export.json is."""

import pytest
from django.test import Client
from django.urls import reverse

from debates.models import Argument
from debates.moderation import hide_argument, hide_motion
from notifications.models import Notification
from tests.factories import ArgumentFactory, MotionFactory, verified_user

SLUG = "bob-smith-embezzled-the-club-funds"


@pytest.fixture
def hidden(moderator, author):
    motion = MotionFactory(slug=SLUG, title="Bob Smith embezzled the club funds", author=author)
    arguer = verified_user(display_name="Arguer")
    ArgumentFactory(motion=motion, author=arguer, claim="The evidence is overwhelming.")
    hide_motion(moderator=moderator, motion=motion, reason="Defamatory")
    return arguer


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("path", ["/people/{id}/", "/api/v1/people/{id}/arguments"])
def test_lists_outside_the_debate_name_it_to_its_author_and_moderators_only(
    hidden, author, moderator, path
):
    url = path.format(id=hidden.pk)
    for client in (Client(), signed_in(verified_user()), signed_in(hidden)):
        page = client.get(url)
        assert page.status_code == 200
        assert SLUG not in page.content.decode()
        assert "overwhelming" not in page.content.decode()
    for client in (signed_in(author), signed_in(moderator)):
        assert SLUG in client.get(url).content.decode()


def test_the_profile_counts_what_it_lists(hidden):
    assert Client().get(f"/api/v1/people/{hidden.pk}").json()["arguments"] == 0


def test_its_argdown_download_is_refused_as_its_export_json_is(hidden):
    for download in ("export.argdown", "export.json"):
        assert Client().get(f"/motions/{SLUG}/{download}").status_code == 404


def test_a_notice_of_an_act_in_a_hidden_motion_leads_its_arguer_to_her_notices(
    hidden, author, moderator
):
    argument = Argument.objects.get(author=hidden)
    hide_argument(moderator=moderator, argument=argument, reason="Also defamatory")
    notice = Notification.objects.get(recipient=hidden)
    opened = signed_in(hidden).get(reverse("notification_open", args=[notice.pk]))
    assert opened.status_code == 302
    assert opened.headers["Location"] == reverse("notifications") + "?kind=moderation"
    # Its author and moderators may read the motion: theirs lead into it.
    reply = ArgumentFactory(motion=argument.motion, parent=argument, author=moderator)
    told = Notification.objects.create(recipient=author, argument=reply, kind="reply")
    opened = signed_in(author).get(reverse("notification_open", args=[told.pk]))
    assert opened.headers["Location"] == reply.get_absolute_url()
