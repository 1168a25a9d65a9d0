"""bench.load leaves the bench debate as the seed made it: every run's replies posted alike."""

import uuid

import pytest

from bench import load
from debates import services
from debates.models import Argument
from notifications.models import Follow, Notification
from tests.factories import ArgumentFactory, MotionFactory, verified_user

pytestmark = pytest.mark.django_db


def test_removing_a_runs_replies_removes_the_follows_and_notifications_they_made(
    django_capture_on_commit_callbacks,
):
    motion = MotionFactory(slug=load.SLUG, author=verified_user())
    seeded = ArgumentFactory(motion=motion, author=verified_user())
    poster = verified_user()
    with django_capture_on_commit_callbacks(execute=True):
        reply, _ = services.post_argument(
            author=poster,
            motion=motion,
            parent=seeded,
            stance="con",
            claim="Benchmark reply: the evidence points the other way.",
            submission_key=uuid.uuid4(),
        )
    assert Follow.objects.filter(follower=poster, argument=seeded).exists()
    assert Notification.objects.filter(argument=reply).exists()

    assert load.remove_bench_replies() == 1

    assert list(Argument.objects.filter(motion=motion)) == [seeded]
    assert not Follow.objects.exists()  # a later run's reply to `seeded` tells its author alone
    assert not Notification.objects.exists()
