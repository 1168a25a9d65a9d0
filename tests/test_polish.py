"""Issue 17 without a browser: pages are never stored stale, and what a finished site serves."""

import re

import pytest

from debates.moderation import flag_claim
from debates.sitemaps import ArgumentSitemap
from notifications.models import Notification
from tests.factories import ArgumentFactory, MotionFactory, SourceFactory, verified_user


@pytest.mark.django_db
def test_pages_that_change_are_not_stored_but_other_answers_keep_their_own(client):
    motion = MotionFactory()
    for url in ["/", motion.get_absolute_url()]:
        assert "no-store" in client.get(url)["Cache-Control"]
    # Not HTML, or HTML with a Cache-Control of its own (the API's ETags): left as they are.
    assert "no-store" not in client.get("/robots.txt").get("Cache-Control", "")
    api = client.get(f"/api/v1/motions/{motion.slug}")
    assert api.status_code == 200 and "no-store" not in api.get("Cache-Control", "")


def sitemap(client):
    """Every section the sitemap index names, as one text."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200 and "<sitemapindex" in index.content.decode()
    sections = re.findall(r"<loc>http://testserver(/sitemap-[a-z]+\.xml[^<]*)</loc>", index.text)
    assert len(sections) == 3
    return "".join(client.get(section).content.decode() for section in sections)


@pytest.mark.django_db
def test_sitemap_lists_public_motions_and_permalinks_only(client):
    shown = ArgumentFactory()
    hidden = ArgumentFactory(motion=shown.motion, visibility="hidden")
    retracted = ArgumentFactory(motion=shown.motion, visibility="retracted")
    hidden_motion = MotionFactory(visibility="hidden")
    under_hidden = ArgumentFactory(motion=hidden_motion)
    xml = sitemap(client)
    assert shown.motion.get_absolute_url() in xml and shown.get_absolute_url() in xml
    for private in [hidden, retracted, under_hidden, hidden_motion]:
        assert f"{private.get_absolute_url()}<" not in xml
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in robots.content.decode()


@pytest.mark.django_db
def test_a_motion_page_describes_itself_for_search_and_sharing(client):
    motion = MotionFactory(title="Car-free centres", claim="Cities should ban cars.")
    html = client.get(f"{motion.get_absolute_url()}?sort=new").content.decode()
    assert '<meta name="description" content="Cities should ban cars.">' in html
    assert '<meta property="og:title" content="Car-free centres">' in html
    assert '<meta property="og:description" content="Cities should ban cars.">' in html
    assert f'<link rel="canonical" href="http://testserver{motion.get_absolute_url()}">' in html
    assert '<meta name="twitter:card" content="summary">' in html


@pytest.mark.django_db
def test_only_moderators_see_the_queue_link_with_its_open_flag_count(client):
    from accounts.services import grant_moderator
    from debates.models import Flag
    from tests.factories import ArgumentFactory, verified_user

    argument = ArgumentFactory()
    for _ in range(2):
        Flag.objects.create(argument=argument, flagger=verified_user(), reason="spam")
    member, moderator = verified_user(), verified_user()
    grant_moderator(user=moderator)
    client.force_login(member)
    assert "Review queue" not in client.get("/").content.decode()
    client.force_login(moderator)
    html = client.get("/").content.decode()
    assert 'Review queue <span class="badge site-nav__count">2</span>' in html
    assert 'href="/moderation/log/"' in html


def test_ago_says_just_now_under_a_minute():
    from datetime import timedelta

    from django.utils import timezone

    from debates.templatetags.time_tags import ago

    assert ago(timezone.now() - timedelta(seconds=20)) == "just now"
    assert ago(timezone.now() - timedelta(minutes=5)) == "5\xa0minutes ago"


@pytest.mark.django_db
def test_what_just_happened_reads_just_now_in_the_inbox_and_the_review_queue(client, moderator):
    """Not "0 minutes ago": the bell's inbox and the moderators' queue say it as the home does."""
    argument = ArgumentFactory(author=verified_user())
    flag_claim(flagger=verified_user(), claim=argument, reason="spam")
    Notification.objects.create(recipient=moderator, argument=argument, kind="reply")
    client.force_login(moderator)
    for url in ["/notifications/", "/moderation/"]:
        html = client.get(url).content.decode()
        assert ">just now</time>" in html, url
        assert "0\xa0minutes" not in html and "0 minutes" not in html, url


@pytest.mark.django_db
def test_every_public_page_describes_itself_for_search_and_sharing(client):
    """Not only the motion page: each page a reader may land on from a search or a share."""
    author = verified_user(display_name="Ada Author")
    argument = ArgumentFactory(author=author, claim="Trams carry more people than cars.")
    source = SourceFactory()
    motion = argument.motion
    pages = [
        "/",
        motion.get_absolute_url(),
        argument.get_absolute_url(),
        f"{motion.get_absolute_url()}map/",
        f"{motion.get_absolute_url()}analysis/",
        "/sources/",
        source.get_absolute_url(),
        author.get_absolute_url(),
        "/search/?q=trams",
        "/accounts/signup/",
        "/accounts/login/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for tag in [
            '<meta name="description" content="',
            '<link rel="canonical" href="http://testserver/',
            '<meta property="og:title" content="',
            '<meta property="og:description" content="',
            '<meta name="twitter:card" content="summary">',
        ]:
            assert tag in html, (url, tag)
    permalink = client.get(argument.get_absolute_url()).content.decode()
    assert '<meta name="description" content="Trams carry more people than cars.">' in permalink


@pytest.mark.django_db
def test_a_sitemap_section_too_big_for_one_file_is_paged_in_the_index(client, monkeypatch):
    motion = MotionFactory()
    arguments = [ArgumentFactory(motion=motion) for _ in range(3)]
    monkeypatch.setattr(ArgumentSitemap, "limit", 2)  # the protocol's is 50,000
    index = client.get("/sitemap.xml").content.decode()
    assert "/sitemap-arguments.xml?p=2</loc>" in index
    second = client.get("/sitemap-arguments.xml?p=2").content.decode()
    assert arguments[2].get_absolute_url() in second
