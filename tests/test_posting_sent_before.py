"""Whether a reply was sent before is one statement (debates.services._sent_before, issue 18):
every case it decides, in each place a reply can stand, finds what the ORM's checks found."""

import uuid
from datetime import timedelta

import pytest

from debates import services
from debates.models import Argument
from tests.factories import ArgumentFactory, MotionFactory, verified_user

pytestmark = pytest.mark.django_db


def post(author, motion, key="new", **fields):
    sent = {"parent": None, "stance": "pro", "claim": "Buses run late."} | fields
    key = uuid.uuid4() if key == "new" else key
    return services.post_argument(author=author, motion=motion, submission_key=key, **sent)


def test_the_same_reply_to_an_argument_under_a_new_key_is_the_first_one():
    author, motion = verified_user(), MotionFactory()
    parent = ArgumentFactory(motion=motion)
    first, _ = post(author, motion, parent=parent)
    assert post(author, motion, parent=parent) == (first, False)
    assert post(author, motion, parent=ArgumentFactory(motion=motion))[1]
    assert post(author, motion)[1]  # the same words on the motion itself


def test_without_a_key_the_same_reply_is_still_the_first_one():
    author, motion = verified_user(), MotionFactory()
    first, _ = post(author, motion, key=None)
    assert post(author, motion, key=None) == (first, False)
    assert post(author, motion, key=None, claim="Buses run early.")[1]


def test_a_key_is_the_authors_own():
    key, motion = uuid.uuid4(), MotionFactory()
    first, _ = post(verified_user(), motion, key=key)
    second, created = post(verified_user(), motion, key=key)
    assert created and second != first
    assert post(first.author, motion, key=key) == (first, False)


def test_hidden_is_no_retraction_and_the_window_is_counted_from_now():
    author, motion = verified_user(), MotionFactory()
    first, _ = post(author, motion)
    Argument.objects.filter(pk=first.pk).update(visibility=Argument.Visibility.HIDDEN)
    assert post(author, motion) == (first, False)
    lately = first.created_at - services.REPOST_WINDOW + timedelta(minutes=1)
    Argument.objects.filter(pk=first.pk).update(created_at=lately)
    assert post(author, motion) == (first, False)
