"""Atom feeds (issue 21): what each holds, that feed readers can read them, and where they are
linked from. Hidden and retracted text is never in a feed."""

import feedparser
import pytest

from tests.factories import ArgumentFactory, MotionFactory, verified_user

pytestmark = pytest.mark.django_db

SECRET = "Walrus-secret"


@pytest.fixture
def debate():
    writer = verified_user(display_name="Writer Wyn")
    motion = MotionFactory(title="Open motion", claim="It is open.", author=writer)
    hidden_motion = MotionFactory(title=f"{SECRET} motion", claim=SECRET, visibility="hidden")
    shown = ArgumentFactory(
        motion=motion, claim="A shown claim.", details="Some *details*.", author=writer
    )
    shown.details_html = "<p>Some <em>details</em>.</p>"
    shown.save()
    for visibility in ("hidden", "retracted"):
        ArgumentFactory(motion=motion, claim=f"{SECRET} {visibility}", visibility=visibility)
    ArgumentFactory(motion=hidden_motion, claim=f"{SECRET} in a hidden motion", author=writer)
    return {"writer": writer, "motion": motion, "hidden_motion": hidden_motion, "shown": shown}


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert SECRET not in body
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_new_motions(client, debate):
    feed = read(client, "/feeds/motions/")
    assert [entry.title for entry in feed.entries] == ["Open motion"]
    assert feed.entries[0].link.endswith(debate["motion"].get_absolute_url())
    assert feed.entries[0].author == "Writer Wyn"


def test_new_arguments_in_a_motion(client, debate):
    feed = read(client, f"/motions/{debate['motion'].slug}/feed/")
    assert [entry.title for entry in feed.entries] == ["Pro: A shown claim."]
    assert "<em>details</em>" in feed.entries[0].summary
    assert feed.entries[0].link.endswith(debate["shown"].get_absolute_url())


def test_a_members_arguments(client, debate):
    feed = read(client, f"/people/{debate['writer'].pk}/feed/")
    assert [entry.title for entry in feed.entries] == ["Pro: A shown claim.", "Motion: Open motion"]
    assert feed.feed.title == "Crux: motions and arguments by Writer Wyn"


def test_no_feed_for_a_hidden_motion_or_nobody(client, debate):
    assert client.get(f"/motions/{debate['hidden_motion'].slug}/feed/").status_code == 404
    assert client.get("/motions/no-such-motion/feed/").status_code == 404
    assert client.get("/people/999999/feed/").status_code == 404


def test_claims_are_escaped(client, debate):
    ArgumentFactory(motion=debate["motion"], claim="<script>x</script> & more")
    feed = read(client, f"/motions/{debate['motion'].slug}/feed/")
    assert "&lt;script&gt;" in feed.entries[0].summary


def test_pages_link_their_feeds(client, debate):
    def alternates(url):
        body = client.get(url).content.decode()
        return [line for line in body.splitlines() if 'rel="alternate"' in line]

    home = alternates("/")
    assert len(home) == 1 and 'href="/feeds/motions/"' in home[0]
    motion = alternates(debate["motion"].get_absolute_url())
    assert len(motion) == 1 and f'href="/motions/{debate["motion"].slug}/feed/"' in motion[0]
    profile = alternates(debate["writer"].get_absolute_url())
    assert len(profile) == 1 and f'href="/people/{debate["writer"].pk}/feed/"' in profile[0]
    assert 'type="application/atom+xml"' in profile[0]
    # And in the page itself, for a reader who does not know to look for <link rel="alternate">.
    for url, feed in (
        (debate["writer"].get_absolute_url(), f"/people/{debate['writer'].pk}/feed/"),
        (debate["motion"].get_absolute_url(), f"/motions/{debate['motion'].slug}/feed/"),
    ):
        body = client.get(url).content.decode().split("</head>")[1]
        assert f'<a href="{feed}" type="application/atom+xml">' in body


def test_an_entry_s_author_is_who_posted_it_not_whom_it_quotes(client, debate):
    """An imported claim keeps the name its file gave it as an attribution; the member who
    posted it is its author, in a feed as on the page."""
    motion = debate["motion"]
    motion.attribution = "Moderator Mo"
    motion.save()
    quoted = ArgumentFactory(motion=motion, author=debate["writer"], attribution="Moderator Mo")

    motions = read(client, "/feeds/motions/")
    arguments = read(client, f"/motions/{motion.slug}/feed/")
    home = client.get("/").content.decode()

    assert motions.entries[0].author == "Writer Wyn"
    entry = next(e for e in arguments.entries if e.link.endswith(quoted.get_absolute_url()))
    assert entry.author == "Writer Wyn"
    assert "Held by <bdi>Moderator Mo</bdi> (posted by <bdi>Writer Wyn</bdi>)" in home


def test_an_entry_links_to_the_site_by_full_address(client, debate):
    """A mention in an entry links to the member's profile by its full address: a feed reader
    shows the entry away from the site, and not every one resolves a path against the feed."""
    profile = debate["writer"].get_absolute_url()
    shown = debate["shown"]
    shown.details_html = (
        f'<p>Ask <a class="mention" href="{profile}">@Writer Wyn</a>, '
        '<a href="//example.org/x">elsewhere</a>, <a href="https://example.org/y">too</a>.</p>'
    )
    shown.save()
    body = client.get(f"/motions/{debate['motion'].slug}/feed/").content.decode()
    assert f'href="http://testserver{profile}"' in body
    assert f'href="{profile}"' not in body
    assert 'href="//example.org/x"' in body
    assert 'href="https://example.org/y"' in body
    summary = read(client, f"/motions/{debate['motion'].slug}/feed/").entries[0].summary
    assert f'href="http://testserver{profile}"' in summary
