"""The follow line on a motion's and an argument's page tells the viewer whether they follow it,
by choice or as its author, as the follow page does; anonymous readers get no line."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from debates.models import Argument, Motion
from notifications import queries
from notifications import services as notify
from tests.factories import ArgumentFactory, MotionFactory, verified_user

pytestmark = pytest.mark.django_db

LINES = {
    "motion": (
        "You are following this motion: you are told of every new argument in it",
        "Follow this motion</a> to be told of every new argument in it",
    ),
    "argument": (
        "You are following this argument: you are told of its replies",
        "Follow this argument</a> to be told of its replies",
    ),
}


@pytest.fixture
def author():
    return verified_user(display_name="Alice Archer")


@pytest.fixture
def claims(author):
    motion = MotionFactory(author=author)
    return {"motion": motion, "argument": ArgumentFactory(motion=motion, author=author)}


def follow_line(client, claim) -> str:
    """The page's follow paragraph, or "" if it has none or shows none: one rendered hidden
    waits for a live restoring of its motion (crux.js)."""
    html = client.get(claim.get_absolute_url()).content.decode()
    start = html.find('<p class="debate__follow"')
    if start < 0 or " hidden" in html[start : html.index(">", start)]:
        return ""
    return html[start : html.index("</p>", start)]


def assert_says(line, kind, claim, following):
    followed, invitation = LINES[kind]
    assert (followed in line, invitation in line) == (following, not following), line
    assert f'href="{reverse("follow", args=[kind, claim.pk])}"' in line
    assert ("Unfollow</a>" in line) == following


@pytest.mark.parametrize("kind", ["motion", "argument"])
def test_a_member_who_chose_to_follow_is_told_so(client, claims, kind):
    member = verified_user()
    notify.set_following(member=member, claim=claims[kind], following=True)
    client.force_login(member)
    assert_says(follow_line(client, claims[kind]), kind, claims[kind], following=True)


@pytest.mark.parametrize("kind", ["motion", "argument"])
def test_the_author_follows_what_she_wrote(client, author, claims, kind):
    client.force_login(author)
    assert_says(follow_line(client, claims[kind]), kind, claims[kind], following=True)


@pytest.mark.parametrize("kind", ["motion", "argument"])
def test_an_author_who_turned_following_her_own_off_is_invited(client, author, claims, kind):
    notify.save_preferences(member=author, follow_own=False, email_replies=True, digest="off")
    client.force_login(author)
    assert_says(follow_line(client, claims[kind]), kind, claims[kind], following=False)
    # A choice outweighs the preference.
    notify.set_following(member=author, claim=claims[kind], following=True)
    assert_says(follow_line(client, claims[kind]), kind, claims[kind], following=True)


@pytest.mark.parametrize("kind", ["motion", "argument"])
def test_an_author_who_unfollowed_is_invited(client, author, claims, kind):
    notify.set_following(member=author, claim=claims[kind], following=False)
    client.force_login(author)
    assert_says(follow_line(client, claims[kind]), kind, claims[kind], following=False)


@pytest.mark.parametrize("kind", ["motion", "argument"])
def test_a_member_who_does_not_follow_is_invited(client, claims, kind):
    member = verified_user()
    client.force_login(member)
    assert_says(follow_line(client, claims[kind]), kind, claims[kind], following=False)
    notify.set_following(member=member, claim=claims[kind], following=True)
    notify.set_following(member=member, claim=claims[kind], following=False)
    assert_says(follow_line(client, claims[kind]), kind, claims[kind], following=False)


@pytest.mark.parametrize("kind", ["motion", "argument"])
def test_an_anonymous_reader_gets_no_follow_line(client, claims, kind):
    assert follow_line(client, claims[kind]) == ""


def test_the_page_line_and_the_follow_page_agree(client, author, claims):
    """Both ask queries.is_following: what one says, the other says."""
    client.force_login(author)
    page = client.get(reverse("follow", args=["motion", claims["motion"].pk])).content.decode()
    assert "You are following this motion." in page
    assert_says(follow_line(client, claims["motion"]), "motion", claims["motion"], following=True)


def test_deciding_costs_one_query_for_a_member_and_none_for_anonymous(
    author, claims, django_assert_num_queries
):
    member = verified_user()
    for viewer in (author, member):
        for claim in claims.values():
            with django_assert_num_queries(1):
                queries.is_following(viewer, claim)
    with django_assert_num_queries(0):
        assert not queries.is_following(AnonymousUser(), claims["motion"])


@pytest.mark.parametrize("withdrawn", ["retracted", "hidden", "motion hidden"])
def test_no_follow_line_on_a_withdrawn_claim(client, author, claims, withdrawn):
    """Replies under a withdrawn claim are told to moderators alone, and the follow page
    refuses it: the page neither says she follows it nor offers to."""
    motion, argument = claims["motion"], claims["argument"]
    if withdrawn == "motion hidden":
        Motion.objects.filter(pk=motion.pk).update(visibility=Motion.Visibility.HIDDEN)
    else:
        Argument.objects.filter(pk=argument.pk).update(visibility=withdrawn)
    client.force_login(author)
    assert follow_line(client, argument) == ""
    if withdrawn == "motion hidden":
        assert follow_line(client, motion) == ""
    else:
        assert "You are following this motion" in follow_line(client, motion)


def test_the_follow_page_offers_nothing_on_a_withdrawn_claim(client, author, claims):
    """Its author still reads her hidden argument, but replies there are told to moderators
    alone: she may unfollow it, and then the page says so (409) and following it is refused."""
    argument = claims["argument"]
    Argument.objects.filter(pk=argument.pk).update(visibility="hidden")
    client.force_login(author)
    url = reverse("follow", args=["argument", argument.pk])
    assert 'name="following" value="0"' in client.get(url).content.decode()
    assert client.post(url, {"following": "0"}).status_code == 302
    page = client.get(url)
    assert page.status_code == 409 and "only moderators are told" in page.content.decode()
    assert 'name="following"' not in page.content.decode()
    assert client.post(url, {"following": "1"}).status_code == 409
