"""The API's answers to what its review found: cursors that fit the limit the API takes them
back under, a bad bearer token refused on writes as on reads, 405s as problems and HEAD on
reads, the limits and orders in the OpenAPI document, a cursor contradicted by `parent` or
`order`, and a reused submission key refused in words that fit a script."""

import uuid

import pytest
from django.test import Client, RequestFactory
from django.urls import resolve

from api import cursors, tokens
from config.converters import ID_MAX
from debates import queries
from debates.models import (
    CLAIM_MAX_LENGTH,
    DETAILS_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    Argument,
    Flag,
    Motion,
    Vote,
)
from tests.factories import ArgumentFactory, MotionFactory
from tests.test_api import API, assert_problem, bearer, send

pytestmark = pytest.mark.django_db
SLUG_MAX = Motion._meta.get_field("slug").max_length


def level(motion, count, **fields):
    return Argument.objects.bulk_create(
        Argument(motion=motion, author=motion.author, stance="pro", claim=f"Claim {n}", **fields)
        for n in range(count)
    )


# --- 2. A cursor fits the limit it is taken back under -------------------------------------------


def test_the_longest_cursor_make_can_give_fits_what_the_api_takes_back():
    longest = cursors.make(
        motion=ID_MAX, parent=ID_MAX, order=max(queries.REPLY_ORDERS, key=len), offset=ID_MAX
    )
    assert len(longest) <= cursors.LENGTH_MAX


def test_a_motion_with_the_longest_slug_hands_out_a_cursor_it_takes_back(author):
    motion = MotionFactory(author=author, slug="s" * SLUG_MAX)
    roots = level(motion, 25)
    level(motion, 25, parent=roots[0], depth=1)
    for parent in (None, roots[0].pk):
        url = f"{API}/motions/{motion.slug}/arguments"
        first = Client().get(url, {"parent": parent} if parent else {}).json()
        assert first["next_cursor"] and len(first["next_cursor"]) <= cursors.LENGTH_MAX
        rest = Client().get(url, {"cursor": first["next_cursor"]})
        assert rest.status_code == 200, rest.content
        assert rest.json()["parent_id"] == parent


# --- 5. A bearer token that is not one is a 401, session or not ----------------------------------


@pytest.fixture
def signed_in(member):
    client = Client()
    client.force_login(member)
    return client


@pytest.mark.parametrize("key", ["revoked", "crux_mistyped", ""])
def test_a_bad_bearer_token_beside_a_session_is_refused_and_writes_nothing(
    signed_in, member, author, key
):
    motion = MotionFactory(author=author)
    if key == "revoked":
        token, key = tokens.create_token(user=member, name="old", scope="write")
        tokens.revoke_token(user=member, token_id=token.pk)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    url = f"{API}/motions/{motion.slug}"
    written = send(signed_in, "post", f"{url}/vote", {"choice": "agree"}, **headers)
    refused = assert_problem(written, 401)
    assert refused["detail"].startswith("This API token is not valid")
    assert not Vote.objects.exists()
    assert_problem(signed_in.get(url, **headers), 401)


def test_a_key_after_two_spaces_is_read_the_same_on_reads_and_writes(member, author):
    motion = MotionFactory(author=author)
    _, key = tokens.create_token(user=member, name="spaced", scope="write")
    for spaced in (f"Bearer  {key}", f"Bearer {key} "):
        headers = {"HTTP_AUTHORIZATION": spaced}
        assert Client().get(f"{API}/motions/{motion.slug}", **headers).status_code == 200
        voted = send(Client(), "post", f"{API}/motions/{motion.slug}/vote", {"choice": "agree"})
        assert voted.status_code == 401  # no token, no session
        voted = send(
            Client(), "post", f"{API}/motions/{motion.slug}/vote", {"choice": "agree"}, **headers
        )
        assert voted.status_code == 200, voted.content
        send(Client(), "delete", f"{API}/motions/{motion.slug}/vote", **headers)


def test_a_session_still_writes_without_a_bearer_header(signed_in, author):
    motion = MotionFactory(author=author)
    voted = send(signed_in, "post", f"{API}/motions/{motion.slug}/vote", {"choice": "agree"})
    assert voted.status_code == 200 and voted.json()["my_vote"] == "agree"


# --- 6. 405 as a problem, HEAD on reads --------------------------------------------------------


def test_a_method_an_address_does_not_take_is_a_405_problem_with_allow(author):
    motion = MotionFactory(author=author)
    refused = assert_problem(send(Client(), "put", f"{API}/motions/{motion.slug}"), 405)
    assert refused["type"].endswith("#problem-method-not-allowed")
    response = send(Client(), "put", f"{API}/motions/{motion.slug}")
    assert response["Allow"] == "GET, HEAD"
    both = send(Client(), "put", f"{API}/motions/{motion.slug}/arguments")
    assert both.status_code == 405 and both["Allow"] == "GET, HEAD, POST"
    writes_only = send(Client(), "get", f"{API}/motions/{motion.slug}/vote")
    assert_problem(writes_only, 405)
    assert writes_only["Allow"] == "DELETE, POST"
    docs = Client().get("/api/v1/docs/").content.decode()
    assert 'id="problem-method-not-allowed"' in docs


def test_every_read_answers_head_as_get_without_the_body(author):
    motion = MotionFactory(author=author)
    argument = ArgumentFactory(motion=motion, author=author)
    url = f"{API}/motions/{motion.slug}/arguments/{argument.pk}"
    got, head = Client().get(url), Client().head(url)
    assert head.status_code == 200 and head["ETag"] == got["ETag"]
    per_request = {"X-Request-ID", "Server-Timing"}
    assert {key: head[key] for key in got.headers if key not in per_request} == {
        key: value for key, value in got.headers.items() if key not in per_request
    }
    # The test client drops a HEAD answer's body itself: the view's own answer has none either.
    request = RequestFactory().head(url)
    match = resolve(url)
    assert match.func(request, *match.args, **match.kwargs).content == b""
    assert Client().head(url, HTTP_IF_NONE_MATCH=got["ETag"]).status_code == 304


def test_every_get_operation_takes_head_and_the_document_lists_get_only():
    from api.router import router

    methods = [op.methods for view in router.path_operations.values() for op in view.operations]
    assert all("HEAD" in each for each in methods if "GET" in each)
    document = Client().get(f"{API}/openapi.json").json()
    assert not any("head" in operations for operations in document["paths"].values())


# --- 7. The document's limits and orders -------------------------------------------------------


def test_the_document_gives_the_texts_their_limits_and_the_orders_their_names():
    schemas = Client().get(f"{API}/openapi.json").json()["components"]["schemas"]
    post, edit, flag = schemas["PostIn"], schemas["EditIn"], schemas["FlagIn"]
    for claim in (post["properties"]["claim"], edit["properties"]["claim"]):
        assert (claim["minLength"], claim["maxLength"]) == (1, CLAIM_MAX_LENGTH)
    for details in (post["properties"]["details"], edit["properties"]["details"]):
        assert details["maxLength"] == DETAILS_MAX_LENGTH
    assert post["properties"]["quote"]["maxLength"] == QUOTE_MAX_LENGTH
    assert flag["properties"]["note"]["maxLength"] == Flag.NOTE_MAX_LENGTH
    paths = Client().get(f"{API}/openapi.json").json()["paths"]
    argument = paths["/api/v1/motions/{slug}/arguments/{argument_id}"]["get"]["parameters"]
    order = next(parameter for parameter in argument if parameter["name"] == "order")
    assert order["schema"]["enum"] == list(queries.REPLY_ORDERS)


@pytest.mark.parametrize("tail", ["/arguments", "/arguments/{pk}"])
def test_an_unknown_order_is_a_422_naming_the_field(author, tail):
    motion = MotionFactory(author=author)
    argument = ArgumentFactory(motion=motion, author=author)
    url = f"{API}/motions/{motion.slug}" + tail.format(pk=argument.pk)
    refused = assert_problem(Client().get(url, {"order": "bogus"}), 422)
    assert [error["field"] for error in refused["errors"]] == ["order"]
    assert Client().get(url, {"order": "newest"}).status_code == 200


def test_texts_over_their_limits_are_refused_in_the_forms_words(member, author):
    motion = MotionFactory(author=author)
    url = f"{API}/motions/{motion.slug}/arguments"
    long = {"stance": "pro", "claim": "c" * (CLAIM_MAX_LENGTH + 1)}
    refused = assert_problem(send(Client(), "post", url, long, **bearer(member)), 422)
    assert refused["errors"] == [
        {
            "field": "claim",
            "message": f"Keep the claim to {CLAIM_MAX_LENGTH} characters (it has "
            f"{CLAIM_MAX_LENGTH + 1}).",
        }
    ]
    # Counted as stored: runs of spaces in a claim are one, as the page counts them.
    spaced = {"stance": "pro", "claim": "c " * (CLAIM_MAX_LENGTH // 2) + "  "}
    assert send(Client(), "post", url, spaced, **bearer(member)).status_code == 201


# --- 8. A cursor contradicted -----------------------------------------------------------------


@pytest.fixture
def paged(author):
    motion = MotionFactory(author=author)
    roots = level(motion, 25)
    level(motion, 25, parent=roots[0], depth=1)
    url = f"{API}/motions/{motion.slug}/arguments"
    return url, roots[0], Client().get(url, {"order": "newest"}).json()["next_cursor"]


@pytest.mark.parametrize(
    ("asked", "field"), [({"parent": "first"}, "parent"), ({"order": "oldest"}, "order")]
)
def test_a_parent_or_order_the_cursor_contradicts_is_a_400_naming_it(paged, asked, field):
    url, first, cursor = paged
    asked = {key: first.pk if value == "first" else value for key, value in asked.items()}
    refused = assert_problem(Client().get(url, {"cursor": cursor, **asked}), 400)
    assert [error["field"] for error in refused["errors"]] == [field]
    assert refused["detail"].startswith("This cursor continues")


def test_a_parent_or_order_the_cursor_agrees_with_is_taken(paged):
    url, _first, cursor = paged
    same = Client().get(url, {"cursor": cursor, "order": "newest"})
    assert same.status_code == 200 and same.json()["order"] == "newest"


# --- 10. A reused submission key --------------------------------------------------------------


def test_a_reused_submission_key_with_other_content_names_the_field(member, author):
    motion = MotionFactory(author=author)
    url = f"{API}/motions/{motion.slug}/arguments"
    key = str(uuid.uuid4())
    first = {"stance": "pro", "claim": "The first.", "submission_key": key}
    assert send(Client(), "post", url, first, **bearer(member)).status_code == 201
    other = assert_problem(
        send(Client(), "post", url, first | {"claim": "Another."}, **bearer(member)), 409
    )
    assert [error["field"] for error in other["errors"]] == ["submission_key"]
    assert "reload the page" not in other["detail"]
    assert "new submission key" in other["detail"]
    assert Argument.objects.filter(author=member).count() == 1
