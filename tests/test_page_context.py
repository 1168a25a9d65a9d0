"""What the debate pages say around the arguments: the claim a permalink or a page of more
replies answers, in full and as the reader may see it; the motion page with its arguments before
the map, and an empty debate that says so; no live stream a reader could not have; the balance's
rule as the code counts it."""

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from debates import moderation, services
from debates.models import Argument, Stance
from tests.factories import ArgumentFactory, MotionFactory, verified_user

pytestmark = pytest.mark.django_db

# Longer than anything the pages used to cut a claim to (60 and 120 characters).
LONG = (
    "By not using its leverage over the warring sides and Turkey to stop the war early, "
    "the Kremlin allowed an outcome that weakened its own position in the region for years."
)


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return unescape(response.content.decode())


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def answered(html):
    """The text of the box that shows the claim answered, tags dropped."""
    box = re.search(r'<figure class="answered">(.*?)</figure>', html, re.S)
    assert box, "the page shows the claim it answers"
    return " ".join(re.sub(r"<[^>]+>", " ", box.group(1)).split())


def h1(html):
    [heading] = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", heading).split())


@pytest.fixture
def debate(author):
    motion = MotionFactory(author=author, claim=LONG)
    parent = ArgumentFactory(motion=motion, author=author, stance=Stance.CON, claim=LONG + " (2)")
    child = ArgumentFactory(motion=motion, parent=parent, stance=Stance.PRO, claim="It did not.")
    return motion, parent, child


# --- The permalink ---------------------------------------------------------------------------


def test_a_permalink_shows_its_parent_claim_in_full_and_is_named_by_its_own(client, debate):
    _, parent, child = debate
    html = html_of(client, child.get_absolute_url())
    assert answered(html) == f"Argues for this claim {parent.claim}"
    assert h1(html) == "Pro argument: It did not."


def test_a_top_level_permalink_shows_the_motion_s_claim_in_full(client, debate):
    motion, parent, _ = debate
    html = html_of(client, parent.get_absolute_url())
    assert answered(html) == f"Argues against the motion {motion.claim}"
    assert h1(html) == f"Con argument: {parent.claim}"


def test_a_withdrawn_parent_shows_its_placeholder_to_those_who_may_not_read_it(
    debate, author, moderator, django_capture_on_commit_callbacks
):
    _, parent, child = debate
    with django_capture_on_commit_callbacks(execute=True):  # which retires the cached pages
        moderation.hide_argument(moderator=moderator, argument=parent, reason="Off topic.")
    for client in (Client(), signed_in(verified_user())):
        box = answered(html_of(client, child.get_absolute_url()))
        assert box == "Argues for this claim [hidden by a moderator]"
    for client in (signed_in(author), signed_in(moderator)):
        box = answered(html_of(client, child.get_absolute_url()))
        assert box == f"Argues for this claim Hidden {parent.claim}"

    with django_capture_on_commit_callbacks(execute=True):
        moderation.restore_argument(moderator=moderator, argument=parent, reason="Fine after all.")
        services.retract_argument(author=author, argument=Argument.objects.get(pk=parent.pk))
    for client in (Client(), signed_in(author), signed_in(moderator)):
        box = answered(html_of(client, child.get_absolute_url()))
        assert box == "Argues for this claim [retracted by its author]"


def test_a_withdrawn_argument_names_its_page_by_its_placeholder(client, debate, moderator):
    _, _, child = debate
    moderation.hide_argument(moderator=moderator, argument=child, reason="Spam.")
    html = html_of(client, child.get_absolute_url())
    assert h1(html) == "Pro argument: [hidden by a moderator]"
    assert "It did not." not in html


def test_a_hidden_motion_s_claim_is_its_placeholder_above_a_top_level_argument(
    debate, author, moderator
):
    motion, parent, _ = debate
    moderation.hide_motion(moderator=moderator, motion=motion, reason="Defamatory.")
    box = answered(html_of(Client(), parent.get_absolute_url()))
    assert box == "Argues against the motion [hidden by a moderator]"
    box = answered(html_of(signed_in(author), parent.get_absolute_url()))
    assert box == f"Argues against the motion Hidden {motion.claim}"


@pytest.mark.parametrize("size", [5, 500])
def test_the_permalink_of_a_deep_argument_costs_what_a_top_level_one_does(
    client, django_assert_num_queries, size
):
    from tests.test_pages import grow_debate

    motion = MotionFactory()
    deepest = max(grow_debate(motion, size), key=lambda argument: argument.depth)
    with django_assert_num_queries(3):
        html = html_of(client, deepest.get_absolute_url())
    assert f"Argues {'for' if deepest.stance == Stance.PRO else 'against'} this claim" in html


# --- More replies, without JavaScript ----------------------------------------------------------


def replies_to(parent, count):
    return [
        ArgumentFactory(motion=parent.motion, parent=parent, claim=f"Reply {n}.")
        for n in range(count)
    ]


def test_a_page_of_more_replies_shows_the_claim_they_answer(
    client, debate, moderator, author, django_capture_on_commit_callbacks
):
    _, parent, _ = debate
    replies_to(parent, 4)
    url = reverse("more_replies", args=[parent.motion.slug, parent.pk]) + "?offset=3"
    html = html_of(client, url)
    assert answered(html) == f"Replies to this claim {parent.claim}"
    crumbs = re.search(r'<nav class="breadcrumb".*?</nav>', html, re.S).group()
    assert f'href="{parent.get_absolute_url()}"' in crumbs and "Con" in crumbs
    assert parent.claim[:57] in crumbs and "The argument" not in crumbs

    with django_capture_on_commit_callbacks(execute=True):  # which retires the cached pages
        moderation.hide_argument(moderator=moderator, argument=parent, reason="Off topic.")
    html = html_of(client, url)
    assert answered(html) == "Replies to this claim [hidden by a moderator]"
    assert parent.claim[:30] not in html
    assert (
        answered(html_of(signed_in(author), url)) == f"Replies to this claim Hidden {parent.claim}"
    )


def test_a_page_of_more_replies_to_the_motion_shows_its_claim(client, debate):
    motion, _, _ = debate
    url = reverse("more_motion_replies", args=[motion.slug]) + "?offset=0"
    assert answered(html_of(client, url)) == f"Replies to the motion {motion.claim}"


def test_more_replies_in_place_bring_only_the_replies(client, debate):
    _, parent, _ = debate
    replies_to(parent, 4)
    url = reverse("more_replies", args=[parent.motion.slug, parent.pk]) + "?offset=3"
    html = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "answered" not in html and "Reply 3." in html


@pytest.mark.parametrize("size", [5, 500])
def test_more_replies_to_an_argument_cost_constant_queries(client, django_assert_num_queries, size):
    from tests.test_pages import grow_debate

    motion = MotionFactory()
    grow_debate(motion, size)
    parent = max(
        Argument.objects.filter(motion=motion), key=lambda argument: argument.replies.count()
    )
    url = reverse("more_replies", args=[motion.slug, parent.pk]) + "?offset=0"
    with django_assert_num_queries(3):
        html = html_of(client, url)
    assert "Replies to this claim" in html
    with django_assert_num_queries(1):  # the second reader: from the cache, the claim with it
        assert answered(html_of(client, url)) == answered(html)


# --- The motion page -------------------------------------------------------------------------


def test_the_map_waits_closed_below_the_balance_and_still_loads(client, debate):
    motion, _, _ = debate
    html = html_of(client, motion.get_absolute_url())
    panel = re.search(r"<details class=\"map-panel\"[^>]*>", html).group()
    assert "open" not in panel
    assert f'hx-get="{reverse("motion_map", args=[motion.slug])}?panel"' in html
    assert 'id="debate-empty"' not in html


def test_an_empty_debate_says_so_where_its_arguments_go(client, moderator):
    motion = MotionFactory()
    html = html_of(client, motion.get_absolute_url())
    empty = re.search(r'<p class="empty empty--debate" id="debate-empty">(.*?)</p>', html)
    assert empty.group(1) == ("No arguments yet. Be the first to argue for or against this motion.")
    # After the motion's actions, where the tree goes; the map waits in the markup, which CSS
    # hides until the first argument takes #debate-empty away (live or on reload).
    assert html.index("Argue for or against this motion") < html.index('id="debate-empty"')
    assert html.index('id="debate-empty"') < html.index('id="debate-tree"')
    assert 'class="map-panel"' in html

    moderation.lock_motion(moderator=moderator, motion=motion, reason="Closed.")
    html = html_of(client, motion.get_absolute_url())
    assert re.search(r'id="debate-empty">No arguments yet.</p>', html)


# --- Live updates of a hidden motion ---------------------------------------------------------


@pytest.fixture
def hidden(debate, moderator):
    motion, parent, _ = debate
    moderation.hide_motion(moderator=moderator, motion=motion, reason="Defamatory.")
    return motion, parent


def pages_of(motion, argument):
    return [motion.get_absolute_url(), argument.get_absolute_url(), f"/motions/{motion.slug}/map/"]


def test_a_hidden_motion_opens_no_stream_for_those_who_may_not_read_it(hidden):
    motion, argument = hidden
    for client, streams in [(Client(), []), (signed_in(verified_user()), ["/live/members/"])]:
        for url in pages_of(motion, argument):
            html = html_of(client, url)
            # A member's own stream (the nav's bell), which rode on the page's, opens alone.
            opened = re.findall(r'hx-sse:connect="([^"?]*/)[^"]*"', html)
            assert [path[: len("/live/members/")] for path in opened] == streams
            assert f"/live/motions/{motion.pk}/" not in html
            assert "This motion is hidden: live updates are off" in html
            assert 'data-state="off"' in html and "Connecting" not in html


def test_a_hidden_motion_still_streams_to_its_author_and_moderators(hidden, author, moderator):
    motion, argument = hidden
    for user in (author, moderator):
        for url in pages_of(motion, argument):
            html = html_of(signed_in(user), url)
            assert f'hx-sse:connect="/live/motions/{motion.pk}/?member=' in html
            assert "live updates are off" not in html


def test_a_shown_motion_streams_to_everyone(client, debate):
    motion, parent, _ = debate
    for url in pages_of(motion, parent):
        html = html_of(client, url)
        assert f'hx-sse:connect="/live/motions/{motion.pk}/"' in html
        assert "live updates are off" not in html


# --- The balance -----------------------------------------------------------------------------


def test_the_balance_states_the_rule_it_counts_by(client, debate):
    motion, _, _ = debate
    caption = " ".join(
        re.search(
            r'<figcaption class="balance__caption">(.*?)</figcaption>',
            html_of(client, motion.get_absolute_url()),
            re.S,
        )
        .group(1)
        .split()
    )
    assert "net agree" not in caption
    assert (
        "Each counts 1, plus its agree votes minus its disagree votes when more agree than disagree"
        in caption
    )
