"""What a tester found in the API: a body's unknown field ignored (a typo of `parent_id` posted
at the top level), a body over the server's limit answered with a page of HTML, a docs page
that printed Markdown as typed and named no body's fields, and 404s in Django's words."""

import json
import re
from http import HTTPStatus

import pytest
from django.conf import settings
from django.test import Client

from api import documentation, lookups
from api.problems import UNKNOWN_FIELD
from api.v1 import api
from debates.models import Argument, Flag, Motion, Vote
from tests.factories import ArgumentFactory, MotionFactory, SourceFactory
from tests.test_api import API, assert_problem, bearer, send
from tests.test_serving import response_of, scope, serve

pytestmark = pytest.mark.django_db
MISSING_ID = 999_999_999
# A body each operation takes, by its schema's name in the OpenAPI document.
VALID = {
    "PostIn": {"stance": "pro", "claim": "A new claim."},
    "EditIn": {"claim": "Reworded."},
    "VoteIn": {"choice": "agree"},
    "FlagIn": {"reason": "spam"},
    "MotionIn": {"title": "Tea or coffee", "claim": "Tea is better."},
    "ImportIn": {"format": "argdown", "text": "[Tea]: Tea is best.\n  + [Warm]: It is warm.\n"},
}


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    settings.CRUX_RATE_LIMITS = {}


@pytest.fixture
def world(author, member):
    """A motion with an argument of the author's and one of the member's (hers to reword), a
    source, and the member's write token."""
    motion = MotionFactory(author=author)
    theirs = ArgumentFactory(motion=motion, author=author, source=SourceFactory())
    hers = ArgumentFactory(motion=motion, author=member, claim="Her claim.")
    return {
        "motion": motion,
        "theirs": theirs,
        "hers": hers,
        "headers": bearer(member),
        "existing": {
            "slug": motion.slug,
            "argument_id": hers.pk,
            "person_id": author.pk,
            "source_id": theirs.source_id,
        },
    }


def _operations():
    """(method, path, body schema name or None) of every operation in the OpenAPI document."""
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, operation in methods.items():
            ref = (
                operation.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema", {})
                .get("$ref", "")
            )
            yield method, path, ref.rpartition("/")[2] or None


WRITES_WITH_A_BODY = [(m, p, name) for m, p, name in _operations() if name]


def _url(path, values):
    return re.sub(r"{(\w+)}", lambda name: str(values[name[1]]), path)


def _written():
    """What a write could have changed."""
    return (
        Motion.objects.count(),
        sorted(Argument.objects.values_list("pk", "claim", "details", "visibility")),
        Vote.objects.count(),
        Flag.objects.count(),
    )


# --- 1. A body's field the operation does not take is refused ----------------------------------


def test_every_write_with_a_body_is_checked():
    assert {name for *_, name in WRITES_WITH_A_BODY} == set(VALID)
    assert {method for method, *_ in WRITES_WITH_A_BODY} == {"post", "patch"}
    assert len(WRITES_WITH_A_BODY) == 8


@pytest.mark.parametrize(
    ("method", "path", "schema"),
    WRITES_WITH_A_BODY,
    ids=[f"{m.upper()} {p}" for m, p, _ in WRITES_WITH_A_BODY],
)
def test_an_unknown_field_is_a_422_naming_it_and_writes_nothing(world, method, path, schema):
    # Her own argument to reword, the author's to vote on and flag.
    mine = world["hers"] if method == "patch" else world["theirs"]
    url = _url(path, {**world["existing"], "argument_id": mine.pk})
    before = _written()
    refused = send(Client(), method, url, {**VALID[schema], "unexpected": 1}, **world["headers"])
    body = assert_problem(refused, 422)
    assert body["type"].endswith("#problem-invalid")
    assert body["errors"] == [{"field": "unexpected", "message": UNKNOWN_FIELD}]
    assert _written() == before
    # The same body without it is taken: the field alone was refused.
    taken = send(Client(), method, url, VALID[schema], **world["headers"])
    assert taken.status_code in (200, 201), taken.content


def test_parent_for_parent_id_posts_nothing_at_the_top_level(world):
    motion, theirs = world["motion"], world["theirs"]
    sent = {"stance": "pro", "claim": "A reply to it.", "parent": theirs.pk}
    url = f"{API}/motions/{motion.slug}/arguments"
    body = assert_problem(send(Client(), "post", url, sent, **world["headers"]), 422)
    assert [error["field"] for error in body["errors"]] == ["parent"]
    assert not Argument.objects.filter(claim="A reply to it.").exists()


def test_a_body_s_fields_are_closed_in_the_openapi_document():
    components = api.get_openapi_schema()["components"]["schemas"]
    for name in VALID:
        assert components[name]["additionalProperties"] is False, name


# --- 2. A body over the server's limit: a problem under /api/, a page elsewhere -----------------


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_body_over_the_limit_is_a_413_problem_under_the_api(declared):
    from config.asgi import application

    too_big = b"x" * (settings.REQUEST_BODY_MAX_BYTES + 1)
    headers = [("host", "testserver"), ("content-type", "application/json")]
    if declared:
        headers.append(("content-length", str(len(too_big))))
    request = scope(f"{API}/motions/import", method="POST", headers=headers)

    status, sent_headers, body = response_of(serve(application, request, (too_big,)))

    assert status == 413
    assert sent_headers["content-type"] == "application/problem+json"
    assert sent_headers["connection"] == "close"
    assert re.fullmatch(r"[0-9a-f]{32}", sent_headers["x-request-id"])  # as on every answer
    problem = json.loads(body)
    assert set(problem) == {"type", "title", "status", "detail", "errors"}
    assert problem["type"] == "/api/v1/docs/#problem-too-large"
    assert (problem["status"], problem["errors"]) == (413, [])
    assert problem["title"] == HTTPStatus(413).phrase  # "Content Too Large", as the API titles
    assert "over 1 MB" in problem["detail"] and "nothing was saved" in problem["detail"]
    assert not Motion.objects.exists()


def test_a_body_over_the_limit_is_still_a_page_outside_the_api():
    from config.asgi import application

    too_big = b"x" * (settings.REQUEST_BODY_MAX_BYTES + 1)
    headers = [("host", "testserver"), ("content-length", str(len(too_big)))]

    status, sent_headers, body = response_of(
        serve(application, scope("/motions/new/", method="POST", headers=headers), (too_big,))
    )

    assert status == 413
    assert sent_headers["content-type"].startswith("text/html")
    assert b"Error 413" in body and b"Crux takes at most 1 MB" in body


# --- 3. The docs page: Markdown rendered safely, each body's fields, a title --------------------


def _docs():
    page = Client().get(f"{API}/docs/")
    assert page.status_code == 200
    return page.content.decode().split('<main id="main"', 1)[1]


def _sections(html):
    """Each operation's section, by its "METHOD path" heading."""
    found = {}
    for section in html.split('<section class="api-operation">')[1:]:
        heading = re.search(r"<h3><code>([A-Z]+ \S+)</code>", section)[1]
        found[heading] = section.split("</section>")[0]
    return found


def test_the_docs_page_is_titled_with_the_api_s_version():
    html = _docs()
    assert f"<h1>Crux API, version {api.version}</h1>" in html
    assert "Crux API 1" not in html


def test_the_docs_page_renders_descriptions_markdown_and_prints_no_backticks():
    html = _docs()
    assert "<code>Authorization: Bearer crux_…</code>" in html
    assert "when <code>submission_key</code> repeats" in html
    assert "`" not in html


def test_the_docs_page_lists_every_body_s_fields_with_type_requirement_and_limits():
    sections = _sections(_docs())
    components = api.get_openapi_schema()["components"]["schemas"]
    for method, path, schema in WRITES_WITH_A_BODY:
        section = sections[f"{method.upper()} {path}"]
        assert "<h4>Body (JSON)</h4>" in section
        for field in components[schema]["properties"]:
            assert f"<li><code>{field}</code>: " in section, (path, field)
    post = sections["POST /api/v1/motions/{slug}/arguments"]
    assert "<li><code>parent_id</code>: integer or null, optional" in post
    assert "<li><code>claim</code>: string, required; 1 to 500 characters; not blank</li>" in post
    assert (
        "<code>stance</code>: string, required; one of <code>pro</code>, <code>con</code>" in post
    )
    flag = sections["POST /api/v1/motions/{slug}/flag"]
    assert "needed when the reason is <code>other</code>" in flag
    tree = sections["GET /api/v1/motions/{slug}/arguments"]
    assert "<li><code>cursor</code> (in the query): string or null, optional" in tree
    assert "a <code>next_cursor</code>" in tree


def test_descriptions_are_escaped_before_they_are_formatted():
    rendered = documentation.markdown("Send `<b>x</b>`.\n\n<script>alert(1)</script>Done.")
    assert "<code>&lt;b&gt;x&lt;/b&gt;</code>" in rendered
    assert "<script" not in rendered and "alert" not in rendered
    assert documentation.inline_markdown("a `b`") == "a <code>b</code>"


def test_a_body_s_fields_are_read_through_their_refs():
    schema = {
        "paths": {
            "/x": {
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/In"}}
                        }
                    }
                }
            }
        },
        "components": {
            "schemas": {
                "In": {
                    "properties": {
                        "kind": {"$ref": "#/components/schemas/Kind"},
                        "maybe": {
                            "anyOf": [{"$ref": "#/components/schemas/Kind"}, {"type": "null"}]
                        },
                    },
                    "required": ["kind"],
                },
                "Kind": {"enum": ["a", "b"], "type": "string", "description": "which"},
            }
        },
    }
    [operation] = documentation.operations(schema)
    kind, maybe = operation["body"]
    assert (kind["name"], kind["type"], kind["values"], kind["required"]) == (
        "kind",
        "string",
        ["a", "b"],
        True,
    )
    assert kind["description"] == "which"
    assert (maybe["type"], maybe["values"], maybe["required"]) == (
        "string or null",
        ["a", "b"],
        False,
    )


# --- 4. 404s in the site's words ---------------------------------------------------------------

MISSING = {
    "slug": ("no-such-motion", lookups.NO_MOTION),
    "argument_id": (MISSING_ID, lookups.NO_ARGUMENT),
    "person_id": (MISSING_ID, lookups.NO_MEMBER),
    "source_id": (MISSING_ID, lookups.NO_SOURCE),
}
AIMED = [
    (method, path, schema, name)
    for method, path, schema in _operations()
    for name in re.findall(r"{(\w+)}", path)
]


@pytest.mark.parametrize(
    ("method", "path", "schema", "missing"),
    AIMED,
    ids=[f"{m.upper()} {p} ({name})" for m, p, _, name in AIMED],
)
def test_what_an_address_names_missing_is_a_404_in_the_site_s_words(
    world, method, path, schema, missing
):
    values = {**world["existing"], missing: MISSING[missing][0]}
    body = VALID[schema] if schema else None
    answer = send(Client(), method, _url(path, values), body, **world["headers"])
    problem = assert_problem(answer, 404, MISSING[missing][1])
    assert problem["type"].endswith("#problem-not-found")


def test_every_kind_of_missing_thing_is_aimed_at():
    assert {name for *_, name in AIMED} == set(MISSING)


def test_an_argument_of_another_motion_or_a_missing_parent_is_no_such_argument(world, author):
    other = MotionFactory(author=author)
    elsewhere = ArgumentFactory(motion=other, author=author)
    slug = world["motion"].slug
    for url in (
        f"{API}/motions/{slug}/arguments/{elsewhere.pk}",
        f"{API}/motions/{slug}/arguments?parent={elsewhere.pk}",
        f"{API}/motions/{slug}/arguments?parent={MISSING_ID}",
    ):
        assert_problem(Client().get(url), 404, lookups.NO_ARGUMENT)
    voted = send(
        Client(),
        "post",
        f"{API}/motions/{slug}/arguments/{elsewhere.pk}/vote",
        {"choice": "agree"},
        **world["headers"],
    )
    assert_problem(voted, 404, lookups.NO_ARGUMENT)
    assert not Vote.objects.exists()
