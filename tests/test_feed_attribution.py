"""An Atom entry's author is the member who posted it; a claim attributed to someone nobody on
Crux posted (the seed's) says so in its summary, as the debate's pages do, and is not passed off
as that person's post. Such a claim is dated by its source, never by the day it was seeded."""

import datetime

import feedparser
import pytest

from tests.factories import ArgumentFactory, MotionFactory, SourceFactory, verified_user

pytestmark = pytest.mark.django_db


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.fixture
def seeded_like():
    """A motion and an argument as the seed leaves them: attributed, cited, posted by nobody."""
    essay = SourceFactory(
        title="Russia's response to the Karabakh war",
        author="Simon Saradzhyan",
        published_on=datetime.date(2021, 1, 29),
    )
    motion = MotionFactory(
        title="Strategic solitude",
        claim="Russia is alone.",
        author=None,
        attribution="Dmitri Trenin",
        source=essay,
    )
    argument = ArgumentFactory(
        motion=motion,
        claim="Allies matter.",
        author=None,
        attribution="Dmitri Trenin",
        source=essay,
    )
    return motion, argument


def test_a_seeded_claim_has_no_author_and_says_whom_it_is_attributed_to(client, seeded_like):
    motion, _ = seeded_like
    motions = read(client, "/feeds/motions/")
    arguments = read(client, f"/motions/{motion.slug}/feed/")

    for feed in (motions, arguments):
        entry = feed.entries[0]
        assert "Dmitri Trenin" not in entry.get("author", "")
        # The source's author in a sentence of its own: after the attribution it read as a
        # second holder of the claim ("Dmitri Trenin, Simon Saradzhyan 2021").
        assert "<p>Attributed to Dmitri Trenin</p><p>Source: <cite>Russia&#x27;s response to " in (
            entry.summary
        )
        assert "Karabakh war</cite>, Simon Saradzhyan, 29 January 2021</p>" in entry.summary
        # Atom wants an author for every entry: the feed's stands for those no member posted.
        assert feed.feed.author == "Crux"


def test_the_source_named_once_when_it_is_also_whom_the_claim_is_attributed_to(client, seeded_like):
    motion, _ = seeded_like
    motion.attribution = "Simon Saradzhyan"
    motion.save()

    summary = read(client, "/feeds/motions/").entries[0].summary

    assert "<p>Attributed to Simon Saradzhyan</p><p>Source: <cite>" in summary
    assert "Saradzhyan, Simon Saradzhyan" not in summary


def test_a_seeded_claim_is_dated_by_its_source_and_keeps_its_id(client, seeded_like):
    motion, argument = seeded_like
    for url, claim in (("/feeds/motions/", motion), (f"/motions/{motion.slug}/feed/", argument)):
        entry = read(client, url).entries[0]
        assert entry.published.startswith("2021-01-29") and entry.updated.startswith("2021-01-29")
        # Django's Atom entry id is its address, not a tag made from the date.
        assert entry.id == f"http://testserver{claim.get_absolute_url()}"


def test_a_members_claim_and_a_hidden_sources_are_dated_by_their_posting(client, seeded_like):
    motion, argument = seeded_like
    member = verified_user()
    ArgumentFactory(motion=motion, author=member, attribution="Someone Else", source=motion.source)
    argument.source.visibility = "hidden"
    argument.source.save()

    entries = read(client, f"/motions/{motion.slug}/feed/").entries

    assert [entry.published[:4] for entry in entries] == [f"{argument.created_at:%Y}"] * 2


def test_a_hidden_source_is_not_named_in_the_attribution(client, seeded_like):
    motion, _ = seeded_like
    motion.source.visibility = "hidden"
    motion.source.save()

    summary = read(client, f"/motions/{motion.slug}/feed/").entries[0].summary

    assert "<p>Attributed to Dmitri Trenin</p>" in summary
    assert "Saradzhyan" not in summary


def test_a_claim_posted_for_another_names_both(client):
    poster = verified_user(display_name="Writer Wyn")
    motion = MotionFactory(author=poster)
    ArgumentFactory(motion=motion, author=poster, attribution="Moderator Mo")

    entry = read(client, f"/motions/{motion.slug}/feed/").entries[0]

    assert entry.author == "Writer Wyn"
    assert "<p>Held by Moderator Mo</p>" in entry.summary


def test_a_members_own_claim_says_nothing_more(client):
    poster = verified_user(display_name="Writer Wyn")
    motion = MotionFactory(author=poster)
    ArgumentFactory(motion=motion, author=poster, attribution="writer wyn")

    entry = read(client, f"/motions/{motion.slug}/feed/").entries[0]

    assert entry.author == "Writer Wyn"
    assert "Held by" not in entry.summary and "Attributed" not in entry.summary
