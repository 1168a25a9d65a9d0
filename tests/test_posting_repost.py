"""The same reply posted again from a fresh form (issue 17): Back to a posted form without
JavaScript fetches it anew, with a new submission key, and Post again must not double it."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from debates import services
from debates.models import Argument
from tests.factories import ArgumentFactory, MotionFactory, verified_user

pytestmark = pytest.mark.django_db


def post(author, motion, **fields):
    sent = {"parent": None, "stance": "con", "claim": "Deliveries get harder."} | fields
    return services.post_argument(author=author, motion=motion, submission_key=uuid.uuid4(), **sent)


def test_the_same_reply_under_a_new_key_is_the_first_one():
    author, motion = verified_user(), MotionFactory()
    first, created = post(author, motion)
    again, created_again = post(author, motion, claim="  Deliveries   get harder. ")
    assert (created, created_again) == (True, False) and again == first
    assert Argument.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"claim": "Deliveries get harder at night."},
        {"stance": "pro"},
        {"details": "Vans cannot stop."},
        {"source_url": "https://example.org/vans"},
    ],
)
def test_a_different_reply_is_a_reply_of_its_own(change):
    author, motion = verified_user(), MotionFactory()
    post(author, motion)
    _, created = post(author, motion, **change)
    assert created and Argument.objects.count() == 2


def test_another_member_another_place_a_retracted_or_an_old_one_is_not_taken_for_it():
    author, motion = verified_user(), MotionFactory()
    first, _ = post(author, motion)
    assert post(verified_user(), motion)[1]
    assert post(author, motion, parent=ArgumentFactory(motion=motion))[1]
    services.retract_argument(author=author, argument=first)
    reposted, created = post(author, motion)
    assert created
    long_ago = reposted.created_at - services.REPOST_WINDOW - timedelta(seconds=1)
    Argument.objects.filter(pk=reposted.pk).update(created_at=long_ago)
    assert post(author, motion)[1]


def test_the_page_without_javascript_posts_it_once(client):
    author, motion = verified_user(), MotionFactory()
    client.force_login(author)
    url = reverse("reply_motion", args=[motion.slug])
    for _ in range(2):
        sent = {"stance": "con", "claim": "Shops lose customers."}
        response = client.post(url, sent | {"submission_key": str(uuid.uuid4())})
        assert response.status_code == 303
    [argument] = Argument.objects.all()
    assert response["Location"] == argument.get_absolute_url()
