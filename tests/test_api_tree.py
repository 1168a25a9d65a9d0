"""The API's argument tree (issue 22): folded as the motion's page folds it, a bounded answer
however big the debate, and opaque cursors that refuse what the API did not give."""

import random

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from api import cursors
from debates import queries
from debates.models import Argument, Vote
from tests.factories import MotionFactory, UserFactory

pytestmark = pytest.mark.django_db
API = "/api/v1"


def grow(motion, author, shape, parent=None, depth=0):
    """`shape[0]` replies under `parent`, each with a `shape[1:]` tree below it."""
    if not shape:
        return []
    made = Argument.objects.bulk_create(
        Argument(
            motion=motion,
            parent=parent,
            depth=depth,
            author=author,
            stance=random.choice(["pro", "con"]),
            claim=f"Claim {depth}.{n}",
        )
        for n in range(shape[0])
    )
    below = [grow(motion, author, shape[1:], argument, depth + 1) for argument in made]
    return made + [argument for branch in below for argument in branch]


def from_api(items):
    return [(item["id"], from_api(item["replies"])) for item in items]


def from_page(arguments):
    return [(a.pk, from_page(getattr(a, "shown_children", ()))) for a in arguments]


def count(nodes):
    return sum(1 + count(children) for _, children in nodes)


@pytest.fixture
def bushy(author):
    random.seed(22)
    motion = MotionFactory(author=author, slug="bushy")
    arguments = grow(motion, author, (14, 4, 3, 2, 2))
    voters = UserFactory.create_batch(3)
    # Votes give the strongest-first order something to sort.
    Vote.objects.bulk_create(
        Vote(user=voter, argument=argument, choice=random.choice(["agree", "disagree"]))
        for argument in random.sample(arguments, 150)
        for voter in voters
    )
    return motion


def test_the_first_answer_folds_as_the_motion_page_does(bushy):
    body = Client().get(f"{API}/motions/{bushy.slug}/arguments").json()
    page = queries.motion_page_tree(bushy, viewer=AnonymousUser())
    assert from_api(body["items"]) == from_page(page.shown_roots)
    assert count(from_api(body["items"])) == 10 + 10 * 3 + 30 * 2 + 60 * 1  # and never more
    deepest = body["items"][0]["replies"][0]["replies"][0]["replies"][0]
    assert deepest["folded"] and deepest["replies"] == [] and deepest["reply_count"] == 2


def test_the_cursor_walks_a_level_once_keeping_its_order(bushy):
    url = f"{API}/motions/{bushy.slug}/arguments"
    first = Client().get(url, {"order": "newest"}).json()
    assert first["count"] == 14 and first["order"] == "newest"
    rest = Client().get(url, {"cursor": first["next_cursor"]}).json()
    assert rest["order"] == "newest" and rest["next_cursor"] is None
    walked = [item["id"] for item in first["items"] + rest["items"]]
    roots = Argument.objects.filter(motion=bushy, parent=None)
    assert walked == list(roots.order_by("-created_at", "-id").values_list("id", flat=True))
    assert count(from_api(rest["items"])) <= 160


def test_a_reply_level_pages_by_cursor_too(author):
    motion = MotionFactory(author=author)
    [root] = grow(motion, author, (1,))
    grow(motion, author, (25,), parent=root, depth=1)
    url = f"{API}/motions/{motion.slug}/arguments"
    seen, cursor = [], None
    while True:
        query = {"cursor": cursor} if cursor else {"parent": root.pk}
        body = Client().get(url, query).json()
        assert body["parent_id"] == root.pk and len(body["items"]) <= 10
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(Argument.objects.filter(parent=root).values_list("id", flat=True))


def test_a_cursor_the_api_did_not_give_is_a_400_problem(bushy):
    url = f"{API}/motions/{bushy.slug}/arguments"
    given = Client().get(url).json()["next_cursor"]
    other = MotionFactory(slug="other")
    forged = cursors.make(motion=bushy.pk, parent=None, order="best", offset=10) + "x"
    for cursor, target in (
        ("10", url),
        (forged, url),
        (given[:-2] + ("AA" if given[-2:] != "AA" else "BB"), url),
        (given, f"{API}/motions/{other.slug}/arguments"),
    ):
        response = Client().get(target, {"cursor": cursor})
        assert response.status_code == 400, cursor
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert body["type"].endswith("#problem-bad-cursor") and body["status"] == 400
        assert [error["field"] for error in body["errors"]] == ["cursor"]
    assert Client().get(url, {"cursor": "x" * 201}).status_code == 422


def test_an_argument_deep_down_brings_its_nearest_ancestors_only(author):
    motion = MotionFactory(author=author)
    chain = grow(motion, author, (1,) * 60)
    deepest = max(chain, key=lambda argument: argument.depth)
    body = Client().get(f"{API}/motions/{motion.slug}/arguments/{deepest.pk}").json()
    assert len(body["ancestors"]) == 20 and body["more_ancestors"] == 39
    assert body["ancestors"][-1]["id"] == deepest.parent_id
