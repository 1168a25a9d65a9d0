"""A viewer's own part of a motion is read for the arguments a page shows, not for all of hers:
what a signed-in page costs does not grow with how much of the debate she wrote or voted on."""

import pytest

from debates.models import Flag, Vote
from debates.personal_queries import own_state
from tests.factories import ArgumentFactory, MotionFactory, verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_member():
    member, motion = verified_user(), MotionFactory()
    arguments = [ArgumentFactory(motion=motion) for _ in range(6)]
    written = [ArgumentFactory(motion=motion, author=member) for _ in range(2)]
    for argument in arguments:
        Vote.objects.create(user=member, argument=argument, choice="agree")
    Vote.objects.create(user=member, motion=motion, choice="disagree")
    for argument in arguments[:2]:
        Flag.objects.create(flagger=member, argument=argument, reason="spam")
    return member, motion, arguments, written


def test_only_what_the_page_shows_is_read(busy_member):
    member, motion, arguments, written = busy_member
    shown = [arguments[0].pk, arguments[3].pk, written[1].pk]
    state = own_state(motion, member, shown)
    assert state.votes == {arguments[0].pk: "agree", arguments[3].pk: "agree"}
    assert state.written == {written[1].pk}
    assert state.flagged == {arguments[0].pk}
    assert state.motion_vote == "disagree"


def test_a_page_showing_no_argument_still_has_her_vote_on_the_motion(busy_member):
    member, motion, *_ = busy_member
    Flag.objects.create(flagger=member, motion=motion, reason="spam")
    state = own_state(motion, member, [])
    assert (state.votes, state.written, state.flagged) == ({}, set(), set())
    assert state.motion_vote == "disagree" and state.motion_flagged
