"""Issue 19 on the motion page: "view as group" (?group=<n>) and the "Bridging" order."""

import pytest

from analysis.models import MotionAnalysis
from debates import queries
from tests.test_analysis_pages import analysed


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
        html = client.get(motion.get_absolute_url(), {"group": group}).content.decode()
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
    first = client.get(motion.get_absolute_url(), {"group": 0}).content.decode()
    second = client.get(motion.get_absolute_url(), {"group": 1}).content.decode()
    assert shown_order(first, args) != shown_order(second, args)


def test_an_unknown_group_or_a_bad_value_falls_back_quietly(client, planted):
    motion, _, _ = planted
    for value in ("7", "x", "-1", "123456789", "²", "\u0661"):
        assert client.get(motion.get_absolute_url(), {"group": value}).status_code == 200


def test_bridging_is_a_reply_order(client, planted):
    motion, args, _ = planted
    html = client.get(motion.get_absolute_url(), {"sort": "bridging"}).content.decode()
    assert "Bridging" in html
    assert shown_order(html, args)[0] == "common"


def test_reply_order_reads_the_group_parameter():
    assert queries.reply_order("best", group="2") == "group:2"
    assert queries.reply_order("group:3") == "group:3"
    assert queries.reply_order("best", group="two") == "best"
    assert queries.reply_order("bridging") == "bridging"
