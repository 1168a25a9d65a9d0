"""Which rule refuses a vote, said once (debates.policy.vote_refusal) and answered alike by the
vote's ORM path, its one statement on PostgreSQL (debates/cast_vote.sql) and the page's vote
buttons (policy.vote_closure)."""

import itertools
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from debates import policy, voting
from debates.errors import DebateRuleError
from debates.models import Argument, Motion, Vote
from tests.factories import ArgumentFactory, MotionFactory, UserFactory

pytestmark = pytest.mark.django_db

PATHS = [
    "orm",
    pytest.param(
        "statement",
        marks=pytest.mark.skipif(
            connection.vendor != "postgresql", reason="The vote statement is PostgreSQL's."
        ),
    ),
]


@pytest.fixture(params=PATHS)
def path(request, monkeypatch):
    monkeypatch.setattr(voting, "IN_ONE_STATEMENT", request.param == "statement")
    return request.param


def refusal(voter, claim):
    """What a vote on `claim` by `voter` is refused with, as (message, status)."""
    with pytest.raises(DebateRuleError) as refused:
        voting.cast_vote(voter=voter, claim=claim, choice="agree")
    return refused.value.message, refused.value.status


def motion_of(claim):
    return claim if isinstance(claim, Motion) else claim.motion


OWN = "You cannot vote on your own argument."
LOCKED = "This motion is locked, so voting on it is closed."
MOTION_HIDDEN = "A moderator has hidden this motion, so voting on it is closed."
HIDDEN = "This argument was hidden by a moderator; it can no longer be voted on."
RETRACTED = "This argument was retracted by its author; it can no longer be voted on."
SUSPENDED = "Your account is suspended"

# case: (the code vote_refusal answers, the vote's refusal and status, the buttons' note)
CASES = {
    "own argument": (policy.OWN_CLAIM, OWN, 403, "You cannot vote on your own argument"),
    "own motion": (
        policy.OWN_CLAIM,
        "You cannot vote on your own motion.",
        403,
        "You cannot vote on your own motion",
    ),
    "locked motion": (policy.MOTION_LOCKED, LOCKED, 403, "Voting is closed: the motion is locked"),
    "hidden motion": (
        policy.MOTION_HIDDEN,
        MOTION_HIDDEN,
        409,
        "Voting is closed: a moderator hid the motion",
    ),
    "argument in a hidden motion": (
        policy.MOTION_HIDDEN,
        MOTION_HIDDEN,
        409,
        "Voting is closed: a moderator hid the motion",
    ),
    "hidden argument": (
        "argument-hidden",
        HIDDEN,
        409,
        "Voting is closed: a moderator hid the argument",
    ),
    "retracted argument": (
        "argument-retracted",
        RETRACTED,
        409,
        "Voting is closed: its author retracted the argument",
    ),
    # Taking part at all is refused before any claim's rule. A suspended member's buttons are
    # off (her audience's shared rendering says why); signed out, they lead to sign in.
    "suspended voter": (None, SUSPENDED, 403, "You cannot vote while your account is suspended"),
    "anonymous": (None, "Sign in to vote.", 403, None),
}


def build_case(case):
    """The voter and the claim of `case`."""
    voter = UserFactory()
    motion = MotionFactory()
    claim = ArgumentFactory(motion=motion)
    if case == "own argument":
        claim = ArgumentFactory(motion=motion, author=voter)
    elif case == "own motion":
        claim = MotionFactory(author=voter)
    elif case == "locked motion":
        Motion.objects.filter(pk=motion.pk).update(state=Motion.State.LOCKED)
    elif case == "hidden motion":
        claim = motion
        Motion.objects.filter(pk=motion.pk).update(visibility=Motion.Visibility.HIDDEN)
    elif case == "argument in a hidden motion":
        Motion.objects.filter(pk=motion.pk).update(visibility=Motion.Visibility.HIDDEN)
    elif case == "hidden argument":
        Argument.objects.filter(pk=claim.pk).update(visibility=Argument.Visibility.HIDDEN)
    elif case == "retracted argument":
        Argument.objects.filter(pk=claim.pk).update(visibility=Argument.Visibility.RETRACTED)
    elif case == "suspended voter":
        voter.suspended_until = timezone.now() + timedelta(days=1)
        voter.save()
    elif case == "anonymous":
        voter = AnonymousUser()
    claim.refresh_from_db()
    return voter, claim


@pytest.mark.parametrize("case", CASES)
def test_each_refusal_is_the_same_on_both_paths_and_on_the_buttons(case, path):
    code, message, status, note = CASES[case]
    voter, claim = build_case(case)

    said, refused_with = refusal(voter, claim)

    assert said.startswith(message) and refused_with == status
    assert policy.vote_refusal(voter, claim, motion_of(claim)) == code
    assert policy.vote_closure(claim, motion_of(claim), voter) == note
    assert not Vote.objects.exists()


# Every state a claim's rules read, for an argument and for a motion, the voter's own or not.
STATES = [
    (kind, own, state, motion_visibility, visibility)
    for kind, own, state, motion_visibility, visibility in itertools.product(
        ["argument", "motion"],
        [False, True],
        Motion.State.values,
        Motion.Visibility.values,
        Argument.Visibility.values,
    )
    if kind == "argument" or visibility == "visible"
]


def build_state(voter, kind, own, state, motion_visibility, visibility):
    author = voter if own else UserFactory()
    motion = MotionFactory(author=author if kind == "motion" else None)
    Motion.objects.filter(pk=motion.pk).update(state=state, visibility=motion_visibility)
    if kind == "motion":
        motion.refresh_from_db()
        return motion
    argument = ArgumentFactory(motion=motion, author=author)
    Argument.objects.filter(pk=argument.pk).update(visibility=visibility)
    return Argument.objects.select_related("motion").get(pk=argument.pk)


def first_that_holds(own, state, motion_visibility, visibility):
    """The order of the rules, as the house states it: who votes, then the motion, then the
    argument."""
    rules = [
        (own, policy.OWN_CLAIM),
        (state == "locked", policy.MOTION_LOCKED),
        (motion_visibility == "hidden", policy.MOTION_HIDDEN),
        (visibility != "visible", f"argument-{visibility}"),
    ]
    return next((code for holds, code in rules if holds), None)


def test_both_paths_meet_the_rules_in_the_policys_order(path):
    voter = UserFactory()
    for kind, own, *states in STATES:
        claim = build_state(voter, kind, own, *states)
        code = policy.vote_refusal(voter, claim, motion_of(claim))
        assert code == first_that_holds(own, *states), (kind, own, *states)
        if code is None:
            assert voting.cast_vote(voter=voter, claim=claim, choice="agree").choice == "agree"
            continue
        expected = policy.refused_vote(code, kind)
        assert refusal(voter, claim) == (expected.message, expected.status), (kind, own, *states)


def test_the_buttons_are_off_exactly_when_the_vote_is_refused():
    voter = UserFactory()
    for kind, own, *states in STATES:
        claim = build_state(voter, kind, own, *states)
        closure = policy.vote_closure(claim, motion_of(claim), voter)
        refused = policy.vote_refusal(voter, claim, motion_of(claim))
        assert bool(closure) == (refused is not None), (kind, own, *states)
        # What closes the claim to everyone is named before its being the voter's own (the page
        # says a motion's closure once, on the motion).
        if refused == policy.OWN_CLAIM and closure != policy.own_vote_closure(claim, voter):
            assert closure.startswith("Voting is closed:"), (kind, own, *states)


@pytest.mark.parametrize("visibility", [v for v in Argument.Visibility.values if v != "visible"])
def test_every_withdrawn_argument_has_its_refusal_and_its_note(visibility):
    argument = ArgumentFactory.build(visibility=visibility)
    code = policy.vote_refusal(UserFactory.build(pk=10**9), argument, argument.motion)
    assert code == f"argument-{visibility}"
    assert policy.refused_vote(code, "argument").status == 409
    assert policy.vote_closure(argument, argument.motion, AnonymousUser())


def test_only_a_refusal_code_is_an_error():
    for outcome in ["agree", "disagree", voting.WITHDRAWN, voting.NOTHING_HELD, voting.MISSING]:
        assert policy.refused_vote(outcome, "argument") is None


def widget(html, claim):
    kind = "motion" if isinstance(claim, Motion) else "argument"
    return re.search(rf'<form[^>]* id="vote-{kind}-{claim.pk}".*?</form>', html, re.S).group()


@pytest.mark.parametrize("visibility", ["hidden", "retracted"])
def test_a_refused_vote_on_a_withdrawn_argument_answers_its_buttons_off(client, visibility):
    argument = ArgumentFactory()
    Argument.objects.filter(pk=argument.pk).update(visibility=visibility)
    client.force_login(UserFactory())
    url = reverse("vote_argument", args=[argument.motion.slug, argument.pk])

    response = client.post(url, {"choice": "agree"}, headers={"HX-Request": "true"})

    assert response.status_code == 409
    html = widget(response.content.decode(), argument)
    assert f"This argument was {visibility}" in html
    assert html.count(" disabled>") == 2, "no button to press again"


def test_an_authors_page_names_a_lock_once_and_keeps_her_own_note_for_a_reopening(client):
    author = UserFactory()
    motion = MotionFactory(author=author)
    own = ArgumentFactory(motion=motion, author=author)
    Motion.objects.filter(pk=motion.pk).update(state=Motion.State.LOCKED)
    client.force_login(author)

    html = client.get(motion.get_absolute_url()).content.decode()

    assert '<span class="vote__note">Voting is closed: the motion is locked.</span>' in widget(
        html, motion
    )
    assert '<span class="vote__note" hidden>You cannot vote on your own argument.</span>' in widget(
        html, own
    )
