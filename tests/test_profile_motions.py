"""A member's profile and feed list the motions she proposed: newest first, paged, with the home
page's counts, a hidden one only to her and moderators (marked), and an empty state."""

import re
from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from accounts.views import PROFILE_MOTIONS
from debates.models import Motion
from tests.factories import ArgumentFactory, MotionFactory, UserFactory, verified_user

pytestmark = pytest.mark.django_db

HIDDEN = "Hidden by a moderator"


def motions_section(html: str) -> str:
    return re.search(r'<section class="profile-motions".*?</section>', html, re.S).group(0)


def titles(html: str) -> list[str]:
    return re.findall(r'<p class="profile-motion__title" dir="auto"><a [^>]*>([^<]*)</a>', html)


@pytest.fixture
def ada():
    return verified_user(display_name="Ada Lovelace")


def test_her_motions_are_listed_newest_first_linking_to_each(client, ada):
    older = MotionFactory(author=ada, title="Older motion")
    newer = MotionFactory(author=ada, title="Newer motion")
    MotionFactory(title="Someone else's motion")

    section = motions_section(client.get(ada.get_absolute_url()).content.decode())

    assert "<h2" in section and "Motions proposed" in section
    assert titles(section) == ["Newer motion", "Older motion"]
    assert f'href="{newer.get_absolute_url()}"' in section
    assert f'href="{older.get_absolute_url()}"' in section


def test_each_motion_has_the_counts_the_home_page_shows(client, ada):
    motion = MotionFactory(author=ada)
    Motion.objects.filter(pk=motion.pk).update(agree_count=4, disagree_count=1)
    pro = ArgumentFactory(motion=motion, stance="pro")
    ArgumentFactory(motion=motion, stance="pro")
    ArgumentFactory(motion=motion, stance="con")
    ArgumentFactory(motion=motion, parent=pro, stance="con")

    section = " ".join(motions_section(client.get(ada.get_absolute_url()).content.decode()).split())

    assert '<span class="count count--pro">2 pro</span>' in section
    assert '<span class="count count--con">1 con</span>' in section
    assert "4 agree, 1 disagree" in section
    assert "4 arguments in all" in section


def test_a_hidden_motion_is_listed_only_to_its_author_and_moderators_marked(client, ada, moderator):
    MotionFactory(author=ada, title="Shown motion")
    MotionFactory(author=ada, title="Hidden motion", visibility=Motion.Visibility.HIDDEN)

    def section_for(viewer):
        client.logout()
        if viewer:
            client.force_login(viewer)
        return motions_section(client.get(ada.get_absolute_url()).content.decode())

    for viewer in (None, UserFactory()):
        section = section_for(viewer)
        assert titles(section) == ["Shown motion"]
        assert HIDDEN not in section
    for viewer in (ada, moderator):
        section = section_for(viewer)
        assert titles(section) == ["Hidden motion", "Shown motion"]
        assert section.count(f'<span class="badge badge--locked">{HIDDEN}</span>') == 1


def test_a_member_who_proposed_none_has_an_empty_state(client, ada):
    ArgumentFactory(author=ada)  # arguing is not proposing
    section = motions_section(client.get(ada.get_absolute_url()).content.decode())
    assert "<bdi>Ada Lovelace</bdi> has not proposed a motion yet." in section

    client.force_login(ada)
    section = motions_section(client.get(ada.get_absolute_url()).content.decode())
    assert "You have not proposed a motion yet." in section


def test_only_hidden_motions_read_as_none_to_others(client, ada):
    MotionFactory(author=ada, visibility=Motion.Visibility.HIDDEN)
    section = motions_section(client.get(ada.get_absolute_url()).content.decode())
    assert "has not proposed a motion yet." in section


def test_her_motions_are_paged_with_newer_and_older_links(client, ada):
    for n in range(PROFILE_MOTIONS + 2):
        MotionFactory(author=ada, title=f"Motion number {n}")
    url = ada.get_absolute_url()

    first = motions_section(client.get(url).content.decode())
    second = motions_section(client.get(url, {"motions_page": 2}).content.decode())

    assert len(titles(first)) == PROFILE_MOTIONS
    assert titles(first)[0] == f"Motion number {PROFILE_MOTIONS + 1}"
    assert 'href="?motions_page=2">Older motions</a>' in first and "Newer motions" not in first
    assert titles(second) == ["Motion number 1", "Motion number 0"]
    assert 'href="?motions_page=1">Newer motions</a>' in second and "Older motions" not in second


def test_each_list_keeps_the_other_s_page(client, ada):
    motion = MotionFactory()
    for _ in range(21):
        ArgumentFactory(author=ada, motion=motion)
    for _ in range(PROFILE_MOTIONS + 1):
        MotionFactory(author=ada)

    html = client.get(ada.get_absolute_url(), {"page": 2}).content.decode()

    assert 'href="?page=2&amp;motions_page=2">Older motions</a>' in html


@pytest.mark.parametrize("number", ["nonsense", "-3", "0", "99999999999999999999999", "1.5"])
def test_any_motions_page_number_answers(client, ada, number):
    MotionFactory(author=ada, title="Her motion")
    response = client.get(ada.get_absolute_url(), {"motions_page": number})
    assert response.status_code == 200


def test_a_page_past_her_motions_leads_back_to_the_newest(client, ada):
    MotionFactory(author=ada, title="Her motion")
    section = motions_section(
        client.get(ada.get_absolute_url(), {"motions_page": 5}).content.decode()
    )
    assert titles(section) == []
    assert "No older motions." in section and "Newer motions" not in section
    assert '<a href="?">The newest</a>' in section


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_profile_costs_the_same_queries_however_many_motions(
    client, django_assert_num_queries, signed_in
):
    small, big = UserFactory(), UserFactory()
    ArgumentFactory(author=small)  # none proposed; an argument, or no page of them is read
    for _ in range(PROFILE_MOTIONS + 5):
        motion = MotionFactory(author=big)
        ArgumentFactory(author=big, motion=motion)
        ArgumentFactory(motion=motion, stance="con")
    if signed_in:
        client.force_login(UserFactory())
    # As tests/test_accounts.py counts it: the person, the aggregate, a page of arguments, a page
    # of motions (+ the session with its user, whether the viewer moderates, the bell's count).
    expected = 4 + (3 if signed_in else 0)

    for person in (small, big):
        for page in ({}, {"motions_page": 2}):
            with django_assert_num_queries(expected):
                assert client.get(person.get_absolute_url(), page).status_code == 200


# --- Her feed --------------------------------------------------------------------------------


def test_her_feed_has_her_shown_motions_among_her_arguments_newest_first(client, ada):
    now = timezone.now()
    oldest = MotionFactory(author=ada, title="First motion", claim="Trams beat buses.")
    argument = ArgumentFactory(author=ada, claim="Buses are slow.")
    newest = MotionFactory(author=ada, title="Second motion")
    MotionFactory(author=ada, title="Withheld motion", visibility=Motion.Visibility.HIDDEN)
    MotionFactory(title="Someone else's motion")
    for claim, days_ago in ((oldest, 3), (argument, 2), (newest, 1)):
        type(claim).objects.filter(pk=claim.pk).update(created_at=now - timedelta(days=days_ago))

    response = client.get(f"/people/{ada.pk}/feed/")
    feed = feedparser.parse(response.content)

    assert response.status_code == 200 and not feed.bozo
    assert feed.feed.title == "Crux: motions and arguments by Ada Lovelace"
    assert [entry.title for entry in feed.entries] == [
        "Motion: Second motion",
        "Pro: Buses are slow.",
        "Motion: First motion",
    ]
    assert feed.entries[2].link.endswith(oldest.get_absolute_url())
    assert "Trams beat buses." in feed.entries[2].summary
    assert feed.entries[2].author == "Ada Lovelace"
    assert "Withheld" not in response.content.decode()


def test_her_profile_names_the_feed_for_what_it_holds(client, ada):
    html = client.get(ada.get_absolute_url()).content.decode()
    assert 'title="Motions and arguments by Ada Lovelace"' in html
