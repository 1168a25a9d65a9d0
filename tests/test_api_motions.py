"""Proposing a motion and importing a debate through the API (POST /api/v1/motions and
/api/v1/motions/import): the pages' services, rules, rate limit and messages, as JSON."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from debates import voting
from debates.interchange.importing import UPLOAD_MAX_BYTES
from debates.models import Argument, Motion
from debates.transfer import TALLIES_NOTE
from tests.factories import ArgumentFactory, MotionFactory, small_export, verified_user
from tests.test_api import API, assert_problem, bearer, send

pytestmark = pytest.mark.django_db
PROPOSE = f"{API}/motions"
IMPORT = f"{API}/motions/import"
KEY = "0b6c2f0e-5a4e-4c1b-9f7e-3d2c1b0a9f8e"
ARGDOWN = "[Tea]: Tea is best.\n  + [Warm]: It is warm.\n  - [Dear]: It is dear.\n"
KIALO = """Discussion Title: Should cities ban cars?

1. Cities should ban cars from their centres.
1.1. Pro: Fewer cars mean cleaner air.
1.2. Con: Shops lose customers who drive in.
"""


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    # Each test makes more motions than a member may in a minute; the limit has its own test.
    settings.CRUX_RATE_LIMITS = {}


# --- Proposing -----------------------------------------------------------------------------------


def test_a_token_proposes_a_motion_shown_as_its_read_shows_it(member):
    sent = {
        "title": " Tea  or coffee ",
        "claim": "Tea is better than coffee.",
        "context": "Some *background*.",
        "submission_key": KEY,
    }
    posted = send(Client(), "post", PROPOSE, sent, **bearer(member))
    assert posted.status_code == 201, posted.content
    body = posted.json()
    motion = Motion.objects.get()
    assert (motion.title, motion.claim, motion.author) == (
        "Tea or coffee",
        "Tea is better than coffee.",
        member,
    )
    assert body["slug"] == motion.slug and body["url"] == motion.get_absolute_url()
    assert body["author"]["id"] == member.pk
    read = Client().get(f"{API}/motions/{motion.slug}", **bearer(member)).json()
    assert body == read
    # The same submission again (a client's retry) is the same motion, answered 200.
    again = send(Client(), "post", PROPOSE, sent, **bearer(member))
    assert again.status_code == 200
    assert again.json()["slug"] == motion.slug
    assert Motion.objects.count() == 1
    # The key with other content is refused, as on the page.
    other = send(Client(), "post", PROPOSE, sent | {"claim": "Coffee."}, **bearer(member))
    assert assert_problem(other, 409)["errors"][0]["field"] == "submission_key"


def test_proposing_needs_a_writer(member):
    sent = {"title": "T", "claim": "C."}
    anonymous = assert_problem(send(Client(), "post", PROPOSE, sent), 401)
    assert anonymous["detail"].startswith("Sign in")
    read_only = assert_problem(send(Client(), "post", PROPOSE, sent, **bearer(member, "read")), 403)
    assert "may only read" in read_only["detail"]
    suspended = verified_user(suspended_until=timezone.now() + timedelta(days=1))
    refused = assert_problem(send(Client(), "post", PROPOSE, sent, **bearer(suspended)), 403)
    assert "suspended" in refused["detail"]
    assert not Motion.objects.exists()


def test_bad_fields_are_refused_in_the_forms_words(member):
    limit = Motion._meta.get_field("title").max_length
    long = {"title": "x" * (limit + 1), "claim": "C.", "source_url": "javascript:x"}
    body = assert_problem(send(Client(), "post", PROPOSE, long, **bearer(member)), 422)
    assert body["errors"][0] == {
        "field": "title",
        "message": f"Keep the title to {limit:,} characters (it has {limit + 1:,}).",
    }
    assert [error["field"] for error in body["errors"]] == ["title", "source_url"]
    missing = assert_problem(
        send(Client(), "post", PROPOSE, {"claim": "C."}, **bearer(member)), 422
    )
    assert missing["errors"][0]["field"] == "title"
    blank = assert_problem(
        send(Client(), "post", PROPOSE, {"title": "  ", "claim": "C."}, **bearer(member)), 422
    )
    assert blank["errors"] == [{"field": "title", "message": "Give the motion a short title."}]
    assert not Motion.objects.exists()


def test_proposing_is_rate_limited_as_the_page_is(member, settings):
    settings.CRUX_RATE_LIMITS = {"motion": "1/m/user"}
    auth = bearer(member)
    assert (
        send(Client(), "post", PROPOSE, {"title": "One", "claim": "1."}, **auth).status_code == 201
    )
    limited = send(Client(), "post", PROPOSE, {"title": "Two", "claim": "2."}, **auth)
    assert assert_problem(limited, 429)["detail"].startswith("You are doing that too often.")
    # Importing is the same action, so the same limit.
    assert_problem(
        send(Client(), "post", IMPORT, {"format": "argdown", "text": ARGDOWN}, **auth), 429
    )
    assert Motion.objects.count() == 1


def test_both_are_in_the_openapi_document():
    paths = Client().get(f"{API}/openapi.json").json()["paths"]
    assert "post" in paths["/api/v1/motions"] and "get" in paths["/api/v1/motions"]
    imported = paths["/api/v1/motions/import"]["post"]
    assert {"201", "413", "422"} <= set(imported["responses"])


# --- Importing -----------------------------------------------------------------------------------


def _import(user, format, text):
    return send(Client(), "post", IMPORT, {"format": format, "text": text}, **bearer(user))


def test_a_member_imports_argdown(member):
    response = _import(member, "argdown", ARGDOWN + "    _ [U]: undercut\n")
    assert response.status_code == 201, response.content
    body = response.json()
    motion = Motion.objects.get()
    assert (motion.title, motion.author) == ("Tea", member)
    assert sorted(Argument.objects.filter(motion=motion).values_list("claim", flat=True)) == [
        "It is dear.",
        "It is warm.",
    ]
    assert body["motion"] == Client().get(f"{API}/motions/{motion.slug}").json()
    assert any(warning.startswith("Line 4:") for warning in body["warnings"])
    assert body["same_title"] is None
    assert (body["imported_tallies"], body["tallies_note"]) == (0, None)


def test_a_member_imports_kialo_and_hears_of_a_motion_with_the_same_title(member):
    earlier = MotionFactory(title="Should cities ban cars?")
    response = _import(member, "kialo", KIALO)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["motion"]["title"] == "Should cities ban cars?"
    assert body["motion"]["slug"] != earlier.slug
    assert body["same_title"] == {
        "slug": earlier.slug,
        "title": earlier.title,
        "url": earlier.get_absolute_url(),
    }
    assert Argument.objects.filter(motion__slug=body["motion"]["slug"]).count() == 2


def test_a_motion_s_export_json_imports_with_its_tallies_noted(author, member):
    motion = MotionFactory(author=author, title="Exported")
    argument = ArgumentFactory(motion=motion, author=author, claim="A reason.")
    ArgumentFactory(motion=motion, parent=argument, author=author, stance="con", claim="No.")
    voting.cast_vote_at(voter=member, slug=motion.slug, argument_id=argument.pk, choice="agree")
    exported = Client().get(f"/motions/{motion.slug}/export.json")
    assert exported.status_code == 200
    response = _import(member, "json", exported.content.decode())
    assert response.status_code == 201, response.content
    body = response.json()
    copy = Motion.objects.get(slug=body["motion"]["slug"])
    assert copy.pk != motion.pk and copy.author == member
    assert Argument.objects.filter(motion=copy).count() == 2
    assert body["imported_tallies"] == 1
    assert body["tallies_note"] == TALLIES_NOTE.format(n=1)
    assert body["same_title"]["slug"] == motion.slug


@pytest.mark.parametrize(
    ("format", "text", "detail", "line"),
    [
        ("argdown", "  + [b]: orphan", "Not imported: Line 1: a relation needs", 1),
        ("kialo", "no numbers", "Not imported: Line 1: expected a numbered claim", 1),
        ("json", '{"format": ', "Not imported: Line 1: this is not JSON", None),
        ("json", '{"format": "something else"}', "Not imported: ", None),
        ("argdown", '{"motion": 1}', "Not imported: This looks like JSON", None),
    ],
)
def test_a_file_the_importer_cannot_read_is_a_422_with_its_reason(
    member, format, text, detail, line
):
    body = assert_problem(_import(member, format, text), 422)
    assert body["detail"].startswith(detail)
    assert body["errors"][0]["field"] == "text"
    assert body.get("line") == line
    assert not Motion.objects.exists()


def test_bad_bodies_are_4xx(member):
    for sent in (
        {"format": "csv", "text": ARGDOWN},
        {"format": "argdown"},
        {"format": "argdown", "text": "a\x00b"},
        {"text": ARGDOWN},
    ):
        assert_problem(send(Client(), "post", IMPORT, sent, **bearer(member)), 422)
    blank = assert_problem(_import(member, "argdown", "  \n "), 422)
    assert blank["errors"] == [{"field": "text", "message": "Send the text to import."}]
    not_json = Client().post(IMPORT, data="{", content_type="application/json", **bearer(member))
    assert not_json.status_code in (400, 422)
    assert not Motion.objects.exists()


def test_over_a_megabyte_of_text_is_a_413_as_on_the_page(member):
    # What reaches Django: a body over REQUEST_BODY_MAX_BYTES (1 MiB) never does, config.body_limit
    # answers 413 before it; a text over the page's 1 MB (in UTF-8) under that is refused here.
    body = assert_problem(_import(member, "argdown", "[T]: " + "x" * UPLOAD_MAX_BYTES), 413)
    assert body["detail"] == "The text is over 1 MB; split the debate."
    # Counted in bytes, as the page counts them: half as many characters in Cyrillic.
    cyrillic = {"format": "argdown", "text": "[T]: " + "я" * (UPLOAD_MAX_BYTES // 2)}
    # Sent as UTF-8, not escaped (six bytes a letter): the body stays near the text's size.
    sent = json.dumps(cyrillic, ensure_ascii=False).encode()
    assert len(sent) < 1.1 * UPLOAD_MAX_BYTES
    assert_problem(
        Client().post(IMPORT, data=sent, content_type="application/json", **bearer(member)), 413
    )
    assert not Motion.objects.exists()


def test_a_body_over_djangos_own_limit_is_a_413_not_a_500(member, settings):
    """Served through WSGI (no config.body_limit before Django), Django itself refuses a body
    over DATA_UPLOAD_MAX_MEMORY_SIZE as the API reads it: a problem, on every write."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    sent = json.dumps({"format": "argdown", "text": "[T]: " + "x" * 20_000})
    for url in (IMPORT, PROPOSE, f"{API}/motions/anything/arguments"):
        answer = Client().post(url, data=sent, content_type="application/json", **bearer(member))
        body = assert_problem(answer, 413)
        assert body["type"].endswith("#problem-too-large")
    assert not Motion.objects.exists()


def test_hidden_claims_are_for_moderators_to_import(member, moderator):
    hidden = "[T]: Tea. {status: hidden}\n  + [W]: Warm."
    body = assert_problem(_import(member, "argdown", hidden), 422)
    assert "which only moderators may import" in body["detail"]
    assert not Motion.objects.exists()
    assert _import(moderator, "argdown", hidden).status_code == 201


def test_importing_needs_a_writer_who_may_post(member):
    sent = {"format": "argdown", "text": ARGDOWN}
    assert_problem(send(Client(), "post", IMPORT, sent), 401)
    assert_problem(send(Client(), "post", IMPORT, sent, **bearer(member, "read")), 403)
    suspended = verified_user(suspended_until=timezone.now() + timedelta(days=1))
    assert "suspended" in assert_problem(_import(suspended, "argdown", ARGDOWN), 403)["detail"]
    assert not Motion.objects.exists()


def test_too_many_arguments_are_refused(member, monkeypatch):
    monkeypatch.setattr("debates.interchange.importing.ARGUMENTS_MAX", 1)
    body = assert_problem(_import(member, "argdown", ARGDOWN), 422)
    assert body["detail"].startswith("Not imported:")
    assert not Motion.objects.exists()


def test_the_session_imports_with_its_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    sent = json.dumps({"format": "argdown", "text": ARGDOWN})
    refused = client.post(IMPORT, data=sent, content_type="application/json")
    assert_problem(refused, 403)
    client.get("/")
    token = client.cookies["csrftoken"].value
    made = client.post(IMPORT, data=sent, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert made.status_code == 201


# --- Listing -------------------------------------------------------------------------------------


def test_the_listing_refuses_a_cursor_it_never_gave(author):
    motion = MotionFactory(author=author)
    ArgumentFactory.create_batch(11, motion=motion, author=author)
    tree_cursor = Client().get(f"{API}/motions/{motion.slug}/arguments").json()["next_cursor"]
    for cursor in ("garbled", tree_cursor, ""):
        response = Client().get(PROPOSE, {"cursor": cursor, "limit": 1})
        body = assert_problem(response, 400)
        assert body["type"].endswith("#problem-bad-cursor")
        assert "pages by `offset`" in body["detail"]
        assert [error["field"] for error in body["errors"]] == ["cursor"]
    assert Client().get(PROPOSE, {"offset": 0, "limit": 1}).json()["count"] == 1


def test_a_members_arguments_refuse_a_cursor_too(author):
    ArgumentFactory(author=author)
    listing = f"{API}/people/{author.pk}/arguments"
    body = assert_problem(Client().get(listing, {"cursor": "garbled"}), 400)
    assert body["type"].endswith("#problem-bad-cursor")
    assert Client().get(listing, {"offset": 0}).json()["count"] == 1


def test_the_listings_document_their_400():
    document = Client().get(f"{API}/openapi.json").json()
    for path in (f"{API}/motions", f"{API}/people/{{person_id}}/arguments"):
        assert "400" in document["paths"][path]["get"]["responses"], path


def test_one_motion_counts_its_arguments_as_the_listing_does(member):
    """GET /motions/{slug}, and the 201 of an import, had null counts where the listing had
    numbers: one motion is read with the same tallies, in one query."""
    body = _import(member, "argdown", ARGDOWN).json()["motion"]
    listed = Client().get(f"{API}/motions").json()["items"][0]
    one = Client().get(f"{API}/motions/{listed['slug']}").json()
    counts = ("pro_count", "con_count", "argument_count")
    assert [one[key] for key in counts] == [listed[key] for key in counts] == [1, 1, 2]
    assert [body[key] for key in counts] == [1, 1, 2]


def test_one_motion_and_a_proposal_count_in_integers_at_a_constant_cost(
    member, django_assert_num_queries
):
    """GET /motions/{slug} reads its counts in the one query that reads the motion, however
    many arguments it has; a proposal's 201 has them too (none yet: 0, not null), and the
    document types them as integers."""
    small, large = MotionFactory(slug="small"), MotionFactory(slug="large")
    for motion, size in ((small, 2), (large, 40)):
        top = ArgumentFactory(motion=motion, stance="con")
        for _ in range(size - 1):
            ArgumentFactory(motion=motion, parent=top)
    counts = ("pro_count", "con_count", "argument_count")
    for motion, expected in ((small, [0, 1, 2]), (large, [0, 1, 40])):
        # The motion with its counts, and the session (none, so no query) for its viewer.
        with django_assert_num_queries(1):
            body = Client().get(f"{API}/motions/{motion.slug}").json()
        assert [body[key] for key in counts] == expected
    posted = send(Client(), "post", PROPOSE, {"title": "New", "claim": "C."}, **bearer(member))
    assert [posted.json()[key] for key in counts] == [0, 0, 0]
    document = Client().get(f"{API}/openapi.json").json()["components"]["schemas"]["MotionOut"]
    for key in counts:
        assert document["properties"][key]["type"] == "integer"  # no "anyOf" with null
        assert key in document["required"]


def test_an_import_s_201_names_each_quote_that_no_longer_anchors(member):
    """The warnings of import_debate (a quote its source's text does not hold) reach the API's
    answer as the reader's do."""
    data = small_export(argument={"source": "s1", "quote": "Not there."})
    data["sources"] = {"s1": {"title": "Essay", "text": "Other words."}}
    response = _import(member, "json", json.dumps(data))
    assert response.status_code == 201, response.content
    assert response.json()["warnings"] == [
        "Argument a1: its quote is not in the text of source s1 ('Essay'); the quote is kept, "
        "without its place in the source (no “Read the passage in the source”)."
    ]
    assert Argument.objects.get().quote == "Not there."
