"""A hidden motion's analysis, wherever it shows: the analysis pages answer 404 to a viewer the
motion's text is not shown to (analysis.views), and so do the debate's pages that rank by it, a
group's view ("?group=", its tallies beside every argument) and "Bridging", which fall back to
the usual order for her. Its author and moderators, who read the analysis, keep them all."""

import pytest
from django.test import Client
from django.urls import reverse

from analysis import services
from debates.models import Motion
from debates.moderation import hide_motion
from debates.queries import DEFAULT_REPLY_ORDER
from tests.factories import verified_user
from tests.test_analysis_ordering import plant_replies
from tests.test_analysis_pages import analysed, plant_debate

REFUSED = "This motion&#x27;s analysis is not shown: the usual order."


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def withheld(db, author, moderator):
    motion, args, camps = plant_debate()
    replies = plant_replies(motion, args, camps)
    Motion.objects.filter(pk=motion.pk).update(author=author)
    services.refresh(motion_id=motion.pk)
    motion.refresh_from_db()
    hide_motion(moderator=moderator, motion=motion, reason="Off topic")
    return motion, args, replies


def viewers(author, moderator):
    """Each viewer, and whether she may read the motion's analysis."""
    return {
        "anonymous": (Client(), False),
        "member": (signed_in(verified_user()), False),
        "author": (signed_in(author), True),
        "moderator": (signed_in(moderator), True),
    }


@pytest.mark.parametrize("who", ["anonymous", "member", "author", "moderator"])
def test_a_group_s_view_of_a_hidden_motion_is_shown_where_its_analysis_is(
    withheld, author, moderator, who
):
    motion, args, _ = withheld
    client, reads = viewers(author, moderator)[who]
    analysis = reverse("analysis", args=[motion.slug])
    assert client.get(analysis).status_code == (200 if reads else 404)
    pages = {
        "motion": motion.get_absolute_url(),
        "argument": args["common"].get_absolute_url(),
    }
    for name, url in pages.items():
        response = client.get(url, {"group": "1"})
        assert response.status_code == 200, name
        html = response.content.decode()
        # Beside every argument, how the group voted on it; and the view's own notice.
        assert ('id="group-agreement-' in html) == reads, (who, name)
        assert ('id="group-view"' in html) == reads, (who, name)
        assert (REFUSED in html) == (not reads), (who, name)
    # A later batch of the same view asks with the order itself.
    more = reverse("more_replies", args=[motion.slug, args["common"].pk])
    batch = client.get(more, {"sort": "group:0"}).content.decode()
    assert ("Opinion group 1:" in batch) == reads, who


@pytest.mark.parametrize("who", ["anonymous", "member", "author", "moderator"])
def test_the_motion_page_links_to_the_analysis_only_where_it_is_shown(
    withheld, author, moderator, who
):
    motion, _, _ = withheld
    client, reads = viewers(author, moderator)[who]
    html = client.get(motion.get_absolute_url()).content.decode()
    assert (f'href="{reverse("analysis", args=[motion.slug])}"' in html) == reads


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_bridging_falls_back_to_the_usual_order_and_is_not_offered(
    withheld, author, moderator, who
):
    """ "Bridging" ranks by the analysis's scores: asked for, the usual order; not offered in
    the order bar (which one rendering serves to every member, the author's included)."""
    motion, _, _ = withheld
    client, _ = viewers(author, moderator)[who]
    html = client.get(motion.get_absolute_url(), {"sort": "bridging"}).content.decode()
    assert '<span class="sort__option sort__option--current" aria-current="true">Best' in html
    assert 'href="?sort=bridging"' not in html
    assert REFUSED in html
    in_place = client.get(
        motion.get_absolute_url(), {"sort": "bridging"}, headers={"HX-Request": "true"}
    )
    assert in_place.status_code == 200
    assert "sort__option--current" in in_place.content.decode()


def test_moderators_keep_bridging_on_a_hidden_motion(withheld, moderator):
    motion, _, _ = withheld
    html = signed_in(moderator).get(motion.get_absolute_url(), {"sort": "bridging"})
    html = html.content.decode()
    assert '<span class="sort__option sort__option--current" aria-current="true">Bridging' in html
    assert REFUSED not in html


def test_a_shown_motion_keeps_its_group_views_for_everyone(client, db):
    motion, _, _ = analysed()
    html = client.get(motion.get_absolute_url(), {"group": "1"}).content.decode()
    assert 'id="group-view"' in html and 'id="group-agreement-' in html
    assert reverse("analysis", args=[motion.slug]) in html
    assert 'href="?sort=bridging"' in html


@pytest.mark.parametrize("who", ["anonymous", "member", "author", "moderator"])
def test_the_api_ranks_by_the_analysis_only_for_who_may_read_it(withheld, author, moderator, who):
    """As the pages do: asked for "bridging", the usual order, and the answer says which."""
    motion, args, _ = withheld
    client, reads = viewers(author, moderator)[who]
    expected = "bridging" if reads else DEFAULT_REPLY_ORDER
    tree = client.get(f"/api/v1/motions/{motion.slug}/arguments", {"order": "bridging"})
    assert tree.status_code == 200 and tree.json()["order"] == expected
    ranked = [item["id"] for item in tree.json()["items"]]
    usual = client.get(f"/api/v1/motions/{motion.slug}/arguments").json()["items"]
    assert (ranked == [item["id"] for item in usual]) or reads
    one = f"/api/v1/motions/{motion.slug}/arguments/{args['common'].pk}"
    assert client.get(one, {"order": "bridging"}).status_code == 200
