"""Posting at the same moment: threads with their own database connections, as separate requests.

Replies to one motion go in side by side (nothing locks the motion), and a submission sent twice at
once, or two motions taking the same slug, end as one argument and two slugs, never a 500.
On SQLite, IMMEDIATE transactions serialise the writers; the same tests run there too.
"""

import uuid

import pytest

from debates.models import Argument, Motion
from debates.services import post_argument, propose_motion
from tests.concurrency import run_at_once
from tests.factories import MotionFactory, verified_user

pytestmark = pytest.mark.django_db(transaction=True)


def reply_job(author_pk, motion_pk, claim, submission_key=None):
    def job():
        author = type(verified_user())._default_manager.get(pk=author_pk)
        motion = Motion.objects.get(pk=motion_pk)
        return post_argument(
            author=author,
            motion=motion,
            parent=None,
            stance="pro",
            claim=claim,
            submission_key=submission_key,
        )

    return job


def test_the_same_submission_sent_twice_at_once_makes_one_argument():
    author, motion, key = verified_user(), MotionFactory(), uuid.uuid4()
    jobs = [reply_job(author.pk, motion.pk, "Sent twice.", key) for _ in range(2)]

    results, errors = run_at_once(jobs)

    assert errors == []
    assert Argument.objects.filter(submission_key=key).count() == 1
    assert {argument.pk for argument, _ in results} == {Argument.objects.get().pk}
    assert sorted(created for _, created in results) == [False, True]


def test_replies_to_one_motion_at_once_all_land():
    motion = MotionFactory()
    authors = [verified_user() for _ in range(6)]
    jobs = [reply_job(a.pk, motion.pk, f"Reply {i}.") for i, a in enumerate(authors)]

    results, errors = run_at_once(jobs)

    assert errors == [] and len(results) == 6
    assert Argument.objects.filter(motion=motion).count() == 6


def test_two_motions_with_one_title_at_once_get_two_slugs():
    authors = [verified_user() for _ in range(2)]

    def propose(author_pk):
        def job():
            author = type(authors[0])._default_manager.get(pk=author_pk)
            return propose_motion(author=author, title="Same title", claim="A claim.")

        return job

    results, errors = run_at_once([propose(a.pk) for a in authors])

    assert errors == []
    slugs = sorted(motion.slug for motion, _ in results)
    assert slugs == ["same-title", "same-title-2"]
