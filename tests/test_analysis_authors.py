"""Who counts towards the opinion groups when voters wrote claims: nobody votes on their own, so
a voter counts with votes on MIN_VOTES claims, or on all the claims they may vote on if there are
fewer (those with votes that they did not write); one who may vote on nothing never counts. The
page and the API state that rule in the same words, from the computation's numbers."""

import re

import pytest
from django.urls import reverse

from analysis import compute, services
from analysis.ballots import ballots
from analysis.compute import Ballot, Claim, analyse
from analysis.compute_types import MIN_GROUP_VOTERS, MIN_VOTES
from debates.models import Vote
from tests.factories import ArgumentFactory, MotionFactory, UserFactory

MOTION = Claim("motion", 1)
ALICE, BOB, CAROL, MO = 1, 2, 3, 4
BOBS, CAROLS = Claim("argument", 20), Claim("argument", 30)
AUTHOR = {MOTION: ALICE, BOBS: BOB, CAROLS: CAROL}


def votes(voter, *claims):
    return [Ballot(voter, claim, True, author=AUTHOR[claim]) for claim in claims]


def test_on_a_small_motion_everyone_who_voted_on_all_they_may_counts():
    """Alice's motion, an argument each by Bob and Carol: with three claims, Bob and Carol may
    cast two votes each and Alice two, yet each voted on every claim open to them."""
    result = analyse(
        [
            *votes(MO, MOTION, BOBS, CAROLS),
            *votes(ALICE, BOBS, CAROLS),
            *votes(BOB, MOTION, CAROLS),
            *votes(CAROL, MOTION, BOBS),
        ],
        motion=MOTION,
    )
    assert (result.voters, result.qualifying_voters) == (4, 4)


def test_an_author_who_skipped_a_claim_open_to_them_does_not_count():
    result = analyse(
        [*votes(MO, MOTION, BOBS, CAROLS), *votes(BOB, MOTION), *votes(ALICE, CAROLS)],
        motion=MOTION,
    )
    assert result.qualifying_voters == 1


def test_a_claim_nobody_voted_on_is_not_one_to_vote_on():
    """Nobody voted on Alice's motion: two votes are every vote open to Mo and to Alice."""
    result = analyse([*votes(MO, BOBS, CAROLS), *votes(ALICE, BOBS, CAROLS)], motion=MOTION)
    assert result.qualifying_voters == 2


def test_a_voter_who_may_vote_on_nothing_never_counts():
    """An imported debate may hold a vote on one's own claim: it makes nobody count."""
    result = analyse([*votes(ALICE, MOTION), *votes(MO, MOTION)], motion=MOTION)
    assert (result.voters, result.qualifying_voters) == (2, 1)


def test_a_vote_on_ones_own_claim_is_not_counted_towards_the_others():
    """Bob may vote on the motion and Carol's argument; his vote on his own does not stand in
    for the one he did not cast."""
    result = analyse([*votes(MO, MOTION, BOBS, CAROLS), *votes(BOB, MOTION, BOBS)], motion=MOTION)
    assert result.qualifying_voters == 1


def test_with_many_claims_open_min_votes_of_them_are_enough():
    """Ten arguments, Alice's the first two: she and Bob count with MIN_VOTES votes."""
    claims = [Claim("argument", 100 + i) for i in range(MIN_VOTES + 3)]
    written = dict.fromkeys(claims[:2], ALICE)
    cast = [
        Ballot(voter, claim, True, author=written.get(claim))
        for voter, count in (
            (ALICE, MIN_VOTES),
            (BOB, MIN_VOTES),
            (CAROL, MIN_VOTES - 1),
            (MO, len(claims)),
        )
        for claim in claims[-count:]
    ]
    assert analyse(cast, motion=MOTION).qualifying_voters == 3


def test_ballots_name_each_claim_s_author_in_the_one_query(db, django_assert_num_queries):
    alice, bob, mo = UserFactory(), UserFactory(), UserFactory()
    motion = MotionFactory(author=alice)
    argument = ArgumentFactory(motion=motion, author=bob)
    Vote.objects.create(user=mo, motion=motion, choice=Vote.Choice.AGREE)
    Vote.objects.create(user=mo, argument=argument, choice=Vote.Choice.AGREE)
    with django_assert_num_queries(1):
        found = ballots(motion.pk)
    assert sorted((b.claim.kind, b.author) for b in found) == [
        ("argument", bob.pk),
        ("motion", alice.pk),
    ]


@pytest.fixture
def small_motion(db):
    """The walk's motion, analysed: Alice's, with an argument by Bob and one by Carol, and Mo,
    Alice, Bob and Carol each voting on every claim they may vote on."""
    alice, bob, carol, mo = (UserFactory() for _ in range(4))
    motion = MotionFactory(author=alice)
    bobs = ArgumentFactory(motion=motion, author=bob)
    carols = ArgumentFactory(motion=motion, author=carol)
    agree = Vote.Choice.AGREE
    Vote.objects.bulk_create(
        [
            Vote(user=mo, motion=motion, choice=agree),
            Vote(user=bob, motion=motion, choice=agree),
            Vote(user=carol, motion=motion, choice=agree),
            *(Vote(user=user, argument=bobs, choice=agree) for user in (mo, alice, carol)),
            *(Vote(user=user, argument=carols, choice=agree) for user in (mo, alice, bob)),
        ]
    )
    services.refresh(motion_id=motion.pk)
    return motion


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def test_the_page_and_the_api_count_the_authors_and_state_one_rule(client, small_motion):
    reason = client.get(f"/api/v1/motions/{small_motion.slug}/analysis").json()["reason"]
    html = client.get(reverse("analysis", args=[small_motion.slug])).content.decode()
    paragraph = _text(html.split('id="groups-heading"')[1].split("</p>")[0].split("<p>")[1])

    rule, counted = reason.split(" This motion has ")
    assert counted == "4 such voters."
    assert paragraph.startswith(f"{rule} This motion has 4 such voters, so ")
    assert f"at least {MIN_GROUP_VOTERS} voters who have each voted on at least {MIN_VOTES}" in rule


def test_the_api_s_rule_takes_its_numbers_from_the_computation(monkeypatch):
    monkeypatch.setattr(compute, "MIN_VOTES", MIN_VOTES + 2)
    monkeypatch.setattr(compute, "MIN_GROUP_VOTERS", MIN_GROUP_VOTERS + 3)
    reason = analyse(votes(MO, MOTION), motion=MOTION).reason
    assert reason.startswith(
        f"Opinion groups need at least {MIN_GROUP_VOTERS + 3} voters who have each voted on at "
        f"least {MIN_VOTES + 2} claims"
    )
    assert reason.endswith("This motion has 1 such voter.")
