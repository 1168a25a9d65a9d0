"""A mention notice says where the mention is by whom it named, not by the name she has now:
renaming herself leaves "the details of their argument" as it was; an edit that rewords the
mention away says "an earlier wording", in the inbox and the digest alike."""

import re
from html import unescape

import pytest
from django.urls import reverse

from debates import services
from notifications import mailing
from notifications import services as notify
from notifications.models import Notification
from tests.factories import MotionFactory, verified_user

pytestmark = pytest.mark.django_db

IN_THE_DETAILS = "Tess Tanner mentioned you in the details of their argument “Trams cost less.”"
EARLIER = "Tess Tanner mentioned you in an earlier wording of the details of their argument"


@pytest.fixture
def member():
    return verified_user(display_name="Member 1")


@pytest.fixture
def tess():
    return verified_user(display_name="Tess Tanner")


@pytest.fixture
def mention(django_capture_on_commit_callbacks, member, tess):
    """Tess's argument whose details greet Member 1, posted as the site posts it."""
    with django_capture_on_commit_callbacks(execute=True):
        argument, _ = services.post_argument(
            author=tess,
            motion=MotionFactory(),
            parent=None,
            stance="pro",
            claim="Trams cost less.",
            details="Hello @Member 1",
        )
    assert Notification.objects.filter(
        recipient=member, argument=argument, kind=Notification.Kind.MENTION
    ).exists()
    return argument


def rename(client, member, name):
    client.force_login(member)
    response = client.post(reverse("profile_edit"), {"display_name": name, "bio": ""})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == name


def inbox_line(client, member):
    client.force_login(member)
    html = client.get(reverse("notifications")).content.decode()
    what = re.search(r'<p class="notification__what">(.*?)</p>', html, re.S).group(1)
    what = re.sub(r"</?bdi>", "", what)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", what)).split())


def digest_body(mailoutbox, member):
    notify.save_preferences(member=member, follow_own=True, email_replies=False, digest="daily")
    mailing.send_due_digests()
    [digest] = [mail for mail in mailoutbox if mail.to == [member.email]]
    return " ".join(digest.body.split())


def reword_away(argument):
    services.edit_argument(
        editor=argument.author, argument=argument, claim=argument.claim, details="Hello all."
    )


def test_renaming_herself_keeps_the_inbox_saying_the_details(client, member, mention):
    assert IN_THE_DETAILS in inbox_line(client, member)
    rename(client, member, "Ann Other")
    line = inbox_line(client, member)
    assert IN_THE_DETAILS in line
    assert "earlier wording" not in line and "See what changed" not in line


def test_renaming_herself_keeps_the_digest_saying_the_details(client, mailoutbox, member, mention):
    rename(client, member, "Ann Other")
    body = digest_body(mailoutbox, member)
    assert IN_THE_DETAILS in body
    assert "earlier wording" not in body


def test_an_edit_removing_the_mention_says_an_earlier_wording_in_the_inbox(client, member, mention):
    reword_away(mention)
    assert inbox_line(client, member).endswith("· See what changed")
    assert EARLIER in inbox_line(client, member)


def test_an_edit_removing_the_mention_says_an_earlier_wording_in_the_digest(
    mailoutbox, member, mention
):
    reword_away(mention)
    assert EARLIER in digest_body(mailoutbox, member)


def test_renamed_then_reworded_away_still_says_an_earlier_wording(client, member, mention):
    rename(client, member, "Ann Other")
    reword_away(mention)
    assert EARLIER in inbox_line(client, member)


def test_her_old_name_taken_by_another_does_not_take_her_mention(client, member, mention):
    """The mention is hers by the link rendered when it was posted: whoever holds her old name
    now was never mentioned, and her notice still reads as it did."""
    rename(client, member, "Ann Other")
    rename(client, verified_user(display_name="Someone Else"), "Member 1")
    assert IN_THE_DETAILS in inbox_line(client, member)


def test_a_mention_in_code_still_reads_as_in_the_details(client, member, mention):
    """Code is never linked, yet names her (she was told of it): read by her name as written."""
    edited = services.edit_argument(
        editor=mention.author, argument=mention, claim=mention.claim, details="`@Member 1`"
    )
    assert 'class="mention"' not in edited.details_html
    assert IN_THE_DETAILS in inbox_line(client, member)
