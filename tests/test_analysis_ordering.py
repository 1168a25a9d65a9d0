"""Issue 19 on the motion page: "view as group" (?group=<n>) and the "Bridging" order."""

import re

import pytest
from django.urls import reverse

from analysis import ordering, services
from analysis.models import MotionAnalysis
from debates import queries
from debates.models import Argument, Vote
from tests.factories import ArgumentFactory
from tests.test_analysis_pages import analysed, plant_debate


def shown_order(html, args):
    """The names of `args` in the order the page shows them."""
    found = [(html.find(a.get_absolute_url()), name) for name, a in args.items()]
    return [name for at, name in sorted(found) if at >= 0]


@pytest.fixture
def planted(db):
    return analysed()


def camp_of_group(motion, camps, group_id):
    members = set(MotionAnalysis.objects.get(motion=motion).result["groups"][group_id]["members"])
    return 0 if members <= {u.pk for u in camps[0]} else 1


def test_view_as_group_ranks_replies_by_that_groups_agreement(client, planted):
    motion, args, camps = planted
    tops = []
    for group in (0, 1):
        html = client.get(motion.get_absolute_url(), {"group": group + 1}).content.decode()
        assert 'id="group-view"' in html
        order = shown_order(html, args)
        # A camp agreed with its side's arguments and everyone with the common ground.
        side = "pro" if camp_of_group(motion, camps, group) == 0 else "con"
        top_six = set(order[:6])
        assert top_six == {f"{side}{i}" for i in range(5)} | {"common"}, order
        tops.append(order)
    assert tops[0][:6] != tops[1][:6]


def test_view_as_group_is_never_cached_with_the_public_tree(client, planted):
    motion, args, _ = planted
    first = client.get(motion.get_absolute_url(), {"group": 1}).content.decode()
    second = client.get(motion.get_absolute_url(), {"group": 2}).content.decode()
    assert shown_order(first, args) != shown_order(second, args)


def test_a_bad_group_value_falls_back_quietly(client, planted):
    motion, _, _ = planted
    for value in ("x", "-1", "0", "123456789", "²", "\u0661"):
        response = client.get(motion.get_absolute_url(), {"group": value})
        assert response.status_code == 200
        assert 'id="group-view"' not in response.content.decode()


def test_a_group_the_analysis_lacks_leads_back_to_the_usual_order_saying_so(client, planted):
    motion, _, _ = planted
    response = client.get(motion.get_absolute_url(), {"group": "7"}, follow=True)
    assert response.redirect_chain == [(motion.get_absolute_url(), 302)]
    html = response.content.decode()
    assert "no such opinion group" in html
    assert 'id="group-view"' not in html


def test_bridging_is_a_reply_order(client, planted):
    motion, args, _ = planted
    html = client.get(motion.get_absolute_url(), {"sort": "bridging"}).content.decode()
    assert "Bridging" in html
    assert shown_order(html, args)[0] == "common"


def test_reply_order_reads_the_group_parameter():
    # ?group= names the group as pages number it; the order, by its id.
    assert queries.reply_order("best", group="2") == "group:1"
    assert queries.reply_order("best", group="0") == "best"
    assert queries.reply_order("group:3") == "group:3"
    assert queries.reply_order("best", group="two") == "best"
    assert queries.reply_order("bridging") == "bridging"


# --- "View as group" annotates replies at every level -------------------------------------------


def plant_replies(motion, args, camps):
    """Replies to the planted debate's common ground: one each camp agrees with and the other
    camp rejects, one nobody voted on, and below the first a reply camp 1 agrees with."""
    common = args["common"]
    replies = {
        name: ArgumentFactory(motion=motion, parent=common, claim=f"Reply for {name}")
        for name in ("camp0", "camp1", "unvoted")
    }
    replies["deeper"] = ArgumentFactory(
        motion=motion, parent=replies["camp0"], claim="A deeper reply"
    )
    votes = []
    for side, camp in enumerate(camps):
        for voter in camp:
            for name, agreeing_camp in (("camp0", 0), ("camp1", 1), ("deeper", 1)):
                choice = Vote.Choice.AGREE if side == agreeing_camp else Vote.Choice.DISAGREE
                votes.append(Vote(user=voter, argument=replies[name], choice=choice))
    Vote.objects.bulk_create(votes)
    return replies


@pytest.fixture
def with_replies(db):
    motion, args, camps = plant_debate()
    replies = plant_replies(motion, args, camps)
    services.refresh(motion_id=motion.pk)
    return motion, replies, camps


def annotation(html, argument):
    found = re.search(rf'id="group-agreement-{argument.pk}">([^<]*)</p>', html)
    return found and found.group(1)


def test_view_as_group_ranks_and_annotates_replies_at_every_level(client, with_replies):
    motion, replies, camps = with_replies
    groups = MotionAnalysis.objects.get(motion=motion).result["groups"]
    for group in groups:
        number, size = group["id"] + 1, group["size"]
        camp = camp_of_group(motion, camps, group["id"])
        html = client.get(motion.get_absolute_url(), {"group": number}).content.decode()
        shown = shown_order(html, {k: v for k, v in replies.items() if k != "deeper"})
        own, other = ("camp0", "camp1") if camp == 0 else ("camp1", "camp0")
        assert shown == [own, other, "unvoted"], shown  # the group's favourite first
        expected = {
            own: f"{size} of {size} agree (100%)",
            other: f"0 of {size} agree (0%)",
            "deeper": f"{size if camp == 1 else 0} of {size} agree ({100 if camp == 1 else 0}%)",
            "unvoted": "no votes on it",
        }
        for name, figures in expected.items():
            assert annotation(html, replies[name]) == f"Opinion group {number}: {figures}", name
    plain = client.get(motion.get_absolute_url()).content.decode()
    assert "group-agreement-" not in plain


def test_replies_loaded_later_keep_the_groups_view(client, with_replies):
    """A branch opened on its own page, or the next batch of replies, in the same view."""
    motion, replies, _ = with_replies
    common = replies["camp0"].parent
    html = client.get(common.get_absolute_url(), {"sort": "group:0"}).content.decode()
    for name in ("camp0", "camp1", "deeper"):
        assert annotation(html, replies[name]).startswith("Opinion group 1: "), name
    more = reverse("more_replies", args=[motion.slug, common.pk])
    html = client.get(more, {"offset": 1, "sort": "group:0"}).content.decode()
    assert annotation(html, replies["unvoted"]) == "Opinion group 1: no votes on it"


def test_a_withdrawn_reply_shows_no_groups_figures(client, with_replies):
    motion, replies, _ = with_replies
    Argument.objects.filter(pk=replies["camp1"].pk).update(visibility=Argument.Visibility.HIDDEN)
    html = client.get(motion.get_absolute_url(), {"group": 1}).content.decode()
    assert annotation(html, replies["camp1"]) is None
    assert annotation(html, replies["camp0"]) is not None


def test_group_scores_carry_the_groups_votes(with_replies):
    motion, replies, camps = with_replies
    size = MotionAnalysis.objects.get(motion=motion).result["groups"][0]["size"]
    own, other = ("camp0", "camp1") if camp_of_group(motion, camps, 0) == 0 else ("camp1", "camp0")
    scores = ordering.scores(motion, "group:0")
    assert scores[replies[own].pk][2:] == (size, size)
    assert (scores[replies[other].pk].agree, scores[replies[other].pk].votes) == (0, size)
    assert (scores[replies[own].pk].percent, scores[replies[other].pk].percent) == (100, 0)
    assert scores[replies[own].pk] > scores[replies[other].pk]
    assert replies["unvoted"].pk not in scores


def test_an_arguments_page_takes_the_group_as_the_motion_page_does(client, with_replies):
    """The walk: the argument's own page ignored ?group= and took only ?sort=group:<id>, which
    counts from 0 where the pages number groups from 1; nor did it say whose view it was."""
    _, replies, _ = with_replies
    url = replies["camp0"].parent.get_absolute_url()
    firsts = []
    for group in (1, 2):
        by_number = client.get(url, {"group": group}).content.decode()
        by_order = client.get(url, {"sort": f"group:{group - 1}"}).content.decode()
        assert shown_order(by_number, replies) == shown_order(by_order, replies)
        assert f"opinion group {group} of" in " ".join(by_number.split())
        firsts.append(shown_order(by_number, replies)[0])
    assert sorted(firsts) == ["camp0", "camp1"]
    assert 'id="group-view"' not in client.get(url).content.decode()
