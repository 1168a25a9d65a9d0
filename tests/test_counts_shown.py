"""A debate's figures count what everyone reads: arguments a moderator hid or their author
retracted keep their place but drop out of its pro, con and "in all" counts (the home page, a
profile, the API) and its page's "Arguments (N)"; a member's profile counts what it quotes of
them to its viewer (policy.arguments_counted_for)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from debates import moderation, queries, services
from debates.models import Argument, Stance
from tests.factories import ArgumentFactory, MotionFactory, verified_user
from tests.test_api import API, bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def spammer(db):
    return verified_user(display_name="Eve Spammer")


@pytest.fixture
def cleaned_up(spammer, moderator):
    """The tester's spam debate, small: five arguments, three hidden by a moderator, one
    retracted by its author, one standing."""
    motion = MotionFactory(author=spammer, title="Buy now")
    standing = ArgumentFactory(motion=motion, author=spammer, stance=Stance.PRO, agree_count=2)
    hidden_pro = ArgumentFactory(motion=motion, author=spammer, stance=Stance.PRO, agree_count=4)
    hidden_con = ArgumentFactory(motion=motion, author=spammer, stance=Stance.CON)
    hidden_reply = ArgumentFactory(
        motion=motion, author=spammer, stance=Stance.CON, parent=standing, disagree_count=3
    )
    retracted = ArgumentFactory(motion=motion, author=spammer, stance=Stance.CON)
    for argument in (hidden_pro, hidden_con, hidden_reply):
        moderation.hide_argument(moderator=moderator, argument=argument, reason="Spam.")
    services.retract_argument(author=spammer, argument=retracted)
    return motion


def card(html, motion) -> str:
    """The words of the motion's card's line of figures on the home page."""
    found = re.search(rf'id="motion-meta-{motion.pk}">(.*?)</p>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def heading(html) -> str:
    return re.search(r'<span id="debate-size">(\d+)</span>', html).group(1)


def stat(html, name) -> str:
    return re.search(rf'data-stat="{name}">(\d+)', html).group(1)


def test_the_home_card_counts_only_what_everyone_reads(client, cleaned_up, moderator):
    text = card(client.get(reverse("home")).content.decode(), cleaned_up)
    assert "1 pro · 0 con" in text and "1 argument in all" in text

    # A moderator reads the withdrawn ones, but the debate's figures are everyone's.
    client.force_login(moderator)
    text = card(client.get(reverse("home")).content.decode(), cleaned_up)
    assert "1 pro · 0 con" in text and "1 argument in all" in text


def test_hiding_is_no_activity_on_the_home_card(cleaned_up, moderator):
    [before] = queries.motions_for_home().filter(pk=cleaned_up.pk)
    standing = Argument.objects.get(motion=cleaned_up, visibility=Argument.Visibility.VISIBLE)
    moderation.hide_argument(moderator=moderator, argument=standing, reason="Spam.")

    [after] = queries.motions_for_home().filter(pk=cleaned_up.pk)
    assert after.argument_count == 0 and after.pro_count == 0
    assert after.last_activity == before.last_activity


def test_the_motion_page_heads_the_arguments_everyone_reads(client, cleaned_up, moderator):
    html = client.get(cleaned_up.get_absolute_url()).content.decode()
    assert heading(html) == "1"
    assert html.count("[hidden by a moderator]") == 3
    assert 'id="debate-empty"' not in html

    client.force_login(moderator)
    assert heading(client.get(cleaned_up.get_absolute_url()).content.decode()) == "1"


def test_a_debate_all_withdrawn_counts_none_but_is_not_empty(
    client, cleaned_up, moderator, django_capture_on_commit_callbacks
):
    client.get(cleaned_up.get_absolute_url())  # its tree cached, to be retired by the hiding
    standing = Argument.objects.get(motion=cleaned_up, visibility=Argument.Visibility.VISIBLE)
    with django_capture_on_commit_callbacks(execute=True):  # the hiding stamps the motion
        moderation.hide_argument(moderator=moderator, argument=standing, reason="Spam.")

    for order in ("best", "bridging"):  # the shared tree, and one built for the page alone
        response = client.get(cleaned_up.get_absolute_url(), {"sort": order})
        html = response.content.decode()
        assert response.context["debate_size"] == 0 and heading(html) == "0"
        # Their places are listed, so the page does not say there is nothing yet.
        assert 'id="debate-empty"' not in html
        assert html.count("[hidden by a moderator]") == 4


def test_the_api_counts_what_everyone_reads(cleaned_up, spammer, moderator):
    for headers in ({}, bearer(spammer, "read"), bearer(moderator, "read")):
        read = Client().get(f"{API}/motions/{cleaned_up.slug}", **headers).json()
        assert (read["pro_count"], read["con_count"], read["argument_count"]) == (1, 0, 1)
    [listed] = Client().get(f"{API}/motions").json()["items"]
    assert (listed["pro_count"], listed["con_count"], listed["argument_count"]) == (1, 0, 1)


def test_a_profile_counts_what_it_quotes_to_its_viewer(client, cleaned_up, spammer, moderator):
    # To anyone else: the one standing argument and its votes, and it alone is listed (a
    # withdrawn one would say nothing but that it was withdrawn); the API lists the same.
    html = client.get(spammer.get_absolute_url()).content.decode()
    assert stat(html, "arguments") == "1" and stat(html, "votes") == "2"
    assert html.count('class="profile-argument ') == 1
    assert Client().get(f"{API}/people/{spammer.pk}/arguments").json()["count"] == 1
    # Its motion's figures, as on the home page.
    assert "1 pro</span>" in html and "0 con</span>" in html and "1 argument in all" in html

    # The member herself and moderators read all five: their figures count them.
    for viewer in (spammer, moderator):
        client.force_login(viewer)
        html = client.get(spammer.get_absolute_url()).content.decode()
        assert stat(html, "arguments") == "5" and stat(html, "votes") == "9"
        assert html.count('class="profile-argument ') == 5


def test_the_api_profile_counts_as_the_page_does(cleaned_up, spammer, moderator):
    url = f"{API}/people/{spammer.pk}"
    assert Client().get(url).json()["arguments"] == 1
    assert Client().get(url, **bearer(spammer, "read")).json()["arguments"] == 5
    assert Client().get(url, **bearer(moderator, "read")).json()["agree_received"] == 6


def test_a_profile_pages_through_every_argument_it_lists(client, spammer):
    motion = MotionFactory()
    arguments = ArgumentFactory.create_batch(25, motion=motion, author=spammer)
    hidden = [argument.pk for argument in arguments[1:]]
    Argument.objects.filter(pk__in=hidden).update(visibility=Argument.Visibility.HIDDEN)

    # She reads all her own, over two pages; anyone else the one standing, on one.
    client.force_login(spammer)
    html = client.get(spammer.get_absolute_url(), {"page": 2}).content.decode()
    assert stat(html, "arguments") == "25"
    assert "Page 2 of 2" in html and html.count('class="profile-argument ') == 5
    client.logout()
    html = client.get(spammer.get_absolute_url()).content.decode()
    assert stat(html, "arguments") == "1" and html.count('class="profile-argument ') == 1
