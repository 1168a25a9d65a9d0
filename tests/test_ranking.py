"""Ranking and balance: pure functions over counts and the fetched tree, checked on known inputs."""

from types import SimpleNamespace

import pytest

from debates.queries import argument_balance, argument_weight, sort_replies
from debates.ranking import controversy, wilson_lower_bound


def node(name, agree=0, disagree=0, children=(), stance="pro", visible=True):
    return SimpleNamespace(
        name=name,
        agree_count=agree,
        disagree_count=disagree,
        children=list(children),
        stance=stance,
        is_visible=visible,
    )


def names(nodes):
    return [n.name for n in nodes]


# --- Wilson lower bound ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agree", "disagree", "expected"),
    [
        (0, 0, 0.0),
        (1, 0, 0.2065),
        (0, 1, 0.0),
        (100, 0, 0.9630),
        (10, 0, 0.7225),
        (5, 5, 0.2366),
        (50, 50, 0.4038),
        (95, 5, 0.8882),
    ],
)
def test_wilson_lower_bound_known_values(agree, disagree, expected):
    assert wilson_lower_bound(agree, disagree) == pytest.approx(expected, abs=1e-4)


def test_one_vote_does_not_beat_a_hundred():
    assert wilson_lower_bound(1, 0) < wilson_lower_bound(100, 0)
    assert wilson_lower_bound(1, 0) < wilson_lower_bound(95, 5)
    assert wilson_lower_bound(1, 0) < wilson_lower_bound(60, 40)


def test_the_same_split_with_more_votes_is_surer():
    assert wilson_lower_bound(5, 5) < wilson_lower_bound(50, 50) < wilson_lower_bound(500, 500)
    assert wilson_lower_bound(500, 500) < 0.5


def test_wilson_stays_within_zero_and_one():
    for agree in range(30):
        for disagree in range(30):
            assert 0.0 <= wilson_lower_bound(agree, disagree) <= 1.0


def test_wilson_rises_with_agreement_and_falls_with_disagreement():
    assert wilson_lower_bound(11, 3) > wilson_lower_bound(10, 3)
    assert wilson_lower_bound(10, 4) < wilson_lower_bound(10, 3)


# --- Controversy -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agree", "disagree", "expected"),
    [
        (0, 0, 0.0),
        (10, 0, 0.0),
        (0, 10, 0.0),
        (5, 5, 10.0),
        (50, 50, 100.0),
        (1, 1, 2.0),
        (60, 40, 100 ** (40 / 60)),
        (100, 1, 101**0.01),
    ],
)
def test_controversy_known_values(agree, disagree, expected):
    assert controversy(agree, disagree) == pytest.approx(expected)


def test_controversy_wants_both_many_votes_and_a_close_split():
    assert controversy(50, 50) > controversy(5, 5)  # more votes
    assert controversy(50, 50) > controversy(60, 40) > controversy(90, 10)  # closer split
    assert controversy(5, 5) > controversy(100, 1)  # a close small fight beats a landslide
    assert controversy(3, 7) == controversy(7, 3)  # symmetric


# --- sort_replies ------------------------------------------------------------------------------


def test_best_puts_the_surest_agreement_first():
    nodes = [
        node("one lucky vote", 1, 0),
        node("unvoted"),
        node("hundred strong", 100, 0),
        node("mostly liked", 95, 5),
        node("rejected", 0, 20),
    ]
    assert names(sort_replies(nodes, "best")) == [
        "hundred strong",
        "mostly liked",
        "one lucky vote",
        "unvoted",
        "rejected",
    ]


def test_best_breaks_ties_by_net_agreement_then_keeps_the_original_order():
    nodes = [node("rejected", 0, 3), node("second", 0, 0), node("third", 0, 0), node("x", 0, 1)]
    assert names(sort_replies(nodes, "best")) == ["second", "third", "x", "rejected"]


def test_controversial_puts_big_close_fights_first():
    nodes = [
        node("landslide", 100, 1),
        node("small fight", 5, 5),
        node("unanimous", 40, 0),
        node("big fight", 50, 50),
        node("leaning", 60, 40),
    ]
    assert names(sort_replies(nodes, "controversial")) == [
        "big fight",
        "leaning",
        "small fight",
        "landslide",
        "unanimous",
    ]


def test_sort_replies_sorts_every_level_and_leaves_the_input_list_alone():
    deep = [node("deep low", 0, 1), node("deep high", 9, 0)]
    child = node("child high", 20, 0, children=deep)
    roots = [node("root low", 1, 1, children=[node("child low", 0, 0), child]), node("root hi", 8)]
    original = list(roots)

    ordered = sort_replies(roots, "best")

    assert names(ordered) == ["root hi", "root low"]
    assert roots == original
    assert names(ordered[1].children) == ["child high", "child low"]
    assert names(child.children) == ["deep high", "deep low"]


def test_sort_replies_handles_very_deep_chains_without_recursion():
    root = current = node("root", 0, 0)
    for depth in range(5000):
        fresh = node(f"n{depth}", depth % 3, depth % 2)
        current.children = [fresh, node(f"sibling{depth}", 50, 0)]
        current = fresh
    ordered = sort_replies([root], "best")
    assert ordered[0].children[0].name == "sibling0"


def test_sort_replies_refuses_unknown_orders():
    with pytest.raises(ValueError, match="best"):
        sort_replies([node("x")], "loudest")


# --- Balance of a motion's arguments -----------------------------------------------------------


def test_argument_weight_is_one_plus_net_agreement_never_below_one():
    assert argument_weight(node("unvoted")) == 1
    assert argument_weight(node("liked", 5, 1)) == 5
    assert argument_weight(node("split", 100, 100)) == 1
    assert argument_weight(node("rejected", 0, 50)) == 1


def test_balance_weighs_top_level_arguments_by_their_votes():
    roots = [
        node("pro liked", 5, 1),  # 5
        node("pro unvoted"),  # 1
        node("con liked", 3, 0, stance="con"),  # 4
        node("con rejected", 0, 9, stance="con"),  # 1
        node("pro hidden", 99, 0, visible=False),  # not counted
    ]
    balance = argument_balance(roots)
    assert (balance.pro, balance.con) == (6, 5)
    assert (balance.pro_arguments, balance.con_arguments) == (2, 2)
    assert (balance.pro_percent, balance.con_percent) == (55, 45)


def test_balance_of_nothing_is_empty_not_a_division_by_zero():
    balance = argument_balance([])
    assert balance.total == 0
    assert (balance.pro_percent, balance.con_percent) == (0, 0)


def test_balance_percentages_always_add_up_to_a_hundred():
    for pro in range(1, 12):
        for con in range(12):
            roots = [node("p", pro - 1, 0), node("c", con, 0, stance="con")]
            balance = argument_balance(roots)
            assert balance.pro_percent + balance.con_percent == 100


@pytest.mark.django_db
def test_motion_balance_in_sql_agrees_with_the_tree():
    from debates.queries import debate_tree, motion_balance
    from tests.factories import ArgumentFactory, MotionFactory

    motion = MotionFactory()
    for agree, disagree, stance, visibility in [
        (5, 1, "pro", "visible"),
        (0, 3, "pro", "visible"),
        (2, 2, "con", "visible"),
        (9, 0, "con", "hidden"),
        (7, 1, "con", "visible"),
    ]:
        top = ArgumentFactory(
            motion=motion,
            stance=stance,
            visibility=visibility,
            agree_count=agree,
            disagree_count=disagree,
        )
    ArgumentFactory(motion=motion, parent=top, stance="pro", agree_count=40)  # not top-level

    expected = argument_balance(debate_tree(motion).roots)
    assert (expected.pro, expected.con) == (6, 8)
    assert motion_balance(motion) == expected
    assert motion_balance(motion.pk) == expected
    assert motion_balance(MotionFactory()) == argument_balance([])
