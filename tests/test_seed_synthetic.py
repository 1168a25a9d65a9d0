"""seed_synthetic, the benchmarks' generator: deterministic, realistic in shape, consistent."""

from collections import Counter
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.db.models import F, Q

from accounts.models import User, fold_display_name
from debates.models import Argument, Motion, Vote
from tests.factories import MotionFactory

pytestmark = pytest.mark.django_db

SMALL = {"arguments": 200, "users": 20, "votes": 500}


def seed(**options):
    out = StringIO()
    call_command("seed_synthetic", **(SMALL | options), stdout=out)
    return out.getvalue()


def snapshot(slug="synthetic"):
    """The debate with database ids replaced by positions and emails, comparable across runs."""
    motion = Motion.objects.get(slug=slug)
    arguments = list(Argument.objects.filter(motion=motion).order_by("created_at", "id"))
    position = {a.pk: i for i, a in enumerate(arguments)}
    email = dict(User.objects.values_list("pk", "email"))
    tree = [
        (
            position.get(a.parent_id),
            a.depth,
            a.stance,
            a.claim,
            a.details,
            email[a.author_id],
            a.agree_count,
            a.disagree_count,
        )
        for a in arguments
    ]
    votes = sorted(
        (position.get(v.argument_id, -1), email[v.user_id], v.choice)
        for v in Vote.objects.filter(Q(motion=motion) | Q(argument__motion=motion))
    )
    return tree, votes, (motion.agree_count, motion.disagree_count)


def test_makes_the_debate_it_is_asked_for():
    output = seed()

    motion = Motion.objects.get(slug="synthetic")
    arguments = list(Argument.objects.filter(motion=motion))
    users = User.objects.filter(email__endswith="@synthetic.synthetic.invalid")
    assert len(arguments) == 200
    assert users.count() == 20
    assert Vote.objects.filter(Q(motion=motion) | Q(argument__motion=motion)).count() == 500
    assert "200 arguments" in output
    # Every user may post: a verified address, and the look-alike key bulk_create must fill.
    assert EmailAddress.objects.filter(user__in=users, verified=True, primary=True).count() == 20
    assert all(u.display_name_key == fold_display_name(u.display_name) for u in users)


def test_shape_is_mostly_shallow_with_a_deep_chain_and_a_busy_argument():
    seed()

    arguments = {a.pk: a for a in Argument.objects.all()}
    for argument in arguments.values():
        parent = arguments.get(argument.parent_id)
        assert argument.depth == (parent.depth + 1 if parent else 0)
        if parent:
            assert parent.created_at < argument.created_at
    depths = Counter(a.depth for a in arguments.values())
    replies = Counter(a.parent_id for a in arguments.values() if a.parent_id)
    assert max(depths) == 30
    assert sum(n for depth, n in depths.items() if depth <= 3) >= 0.7 * len(arguments)
    assert max(replies.values()) >= 20  # a hub: hundreds of replies at full size


def test_counters_equal_the_votes_and_nobody_votes_on_their_own_claim():
    seed()

    call_command("recount_votes", "--check", stdout=StringIO())
    own = Vote.objects.filter(Q(argument__author=F("user")) | Q(motion__author=F("user")))
    assert not own.exists()


def test_same_seed_same_debate_and_another_seed_another():
    seed(seed=5)
    first = snapshot()

    seed(seed=5, replace=True)
    assert snapshot() == first

    seed(seed=6, replace=True)
    assert snapshot()[0] != first[0]
    assert User.objects.filter(email__endswith="@synthetic.synthetic.invalid").count() == 20


def test_rerun_with_the_same_parameters_changes_nothing():
    seed()
    before = snapshot()

    output = seed()

    assert "already seeded" in output
    assert snapshot() == before


def test_other_parameters_need_replace():
    seed()
    with pytest.raises(CommandError, match="--replace"):
        seed(votes=400)


@pytest.mark.parametrize(
    "bad",
    [
        {"arguments": 0},
        {"users": 0},
        {"votes": -1},
        {"votes": 201 * 19 + 1},  # more than one vote per user per claim, not their own
        {"motion_slug": "not a slug"},
    ],
)
def test_refuses_bad_arguments(bad):
    with pytest.raises(CommandError):
        seed(**bad)
    assert not Argument.objects.exists()


def test_never_touches_a_motion_it_did_not_make():
    MotionFactory(slug="synthetic")
    with pytest.raises(CommandError, match="did not make"):
        seed(replace=True)
