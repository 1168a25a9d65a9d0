"""What a tester found in the API: a PATCH of the claim alone erased the details; a hidden
argument's votes and edit time were shown to everyone; bodies were read loosely (true as an id,
a key given twice, any Content-Type, Python's words for a long number); and with DEBUG on, a
wrong address under the API answered Django's page of HTML, not a problem."""

import json
import threading
import time

import pytest
from django.db import connection
from django.test import Client

from api.problems import NO_BODY
from api.writes import NOTHING_TO_CHANGE
from debates import moderation, policy, services, voting
from debates.models import Argument, ArgumentRevision
from tests.concurrency import run_at_once
from tests.factories import ArgumentFactory, MotionFactory, verified_user
from tests.test_api import API, assert_problem, bearer, send

pytestmark = pytest.mark.django_db

DETAILS = "Three paragraphs of careful **evidence**.\n\nSecond para."


@pytest.fixture
def motion(author):
    return MotionFactory(author=author)


def _post(member, motion, body, **headers):
    return send(Client(), "post", f"{API}/motions/{motion.slug}/arguments", body, **headers)


def _edit(member, motion, argument_id, body, headers=None):
    url = f"{API}/motions/{motion.slug}/arguments/{argument_id}"
    return send(Client(), "patch", url, body, **(headers or bearer(member)))


# --- 1. A PATCH changes only the fields it is sent -----------------------------------------------


@pytest.fixture
def posted(member, motion):
    body = {"stance": "pro", "claim": "Claim with long details", "details": DETAILS}
    response = _post(member, motion, body, **bearer(member))
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_a_patch_of_the_claim_alone_keeps_the_details(member, motion, posted):
    edited = _edit(member, motion, posted, {"claim": "Claim with long details (typo fixed)"})
    assert edited.status_code == 200, edited.content
    assert (edited.json()["claim"], edited.json()["details"]) == (
        "Claim with long details (typo fixed)",
        DETAILS,
    )
    stored = Argument.objects.get(pk=posted)
    assert (stored.claim, stored.details) == ("Claim with long details (typo fixed)", DETAILS)
    assert "<strong>evidence</strong>" in stored.details_html


def test_a_patch_of_the_details_alone_keeps_the_claim_and_an_empty_one_clears_them(
    member, motion, posted
):
    edited = _edit(member, motion, posted, {"details": "Shorter."}).json()
    assert (edited["claim"], edited["details"]) == ("Claim with long details", "Shorter.")
    cleared = _edit(member, motion, posted, {"details": ""}).json()
    assert (cleared["claim"], cleared["details"]) == ("Claim with long details", "")
    assert Argument.objects.get(pk=posted).details_html == ""


def test_a_patch_with_nothing_to_change_is_a_422_and_changes_nothing(member, motion, posted):
    url = f"{API}/motions/{motion.slug}/arguments/{posted}"
    empty = assert_problem(_edit(member, motion, posted, {}), 422, NOTHING_TO_CHANGE)
    assert empty["type"].endswith("#problem-rule")
    no_body = Client().patch(url, content_type="application/json", **bearer(member))
    assert assert_problem(no_body, 422)["errors"] == [{"field": "request", "message": NO_BODY}]
    # A null is refused, not read as "leave it as it is".
    for field in ("claim", "details"):
        nulled = assert_problem(_edit(member, motion, posted, {field: None}), 422)
        assert [error["field"] for error in nulled["errors"]] == [field]
    assert not ArgumentRevision.objects.exists()
    stored = Argument.objects.get(pk=posted)
    assert (stored.claim, stored.details, stored.edited_at) == (
        "Claim with long details",
        DETAILS,
        None,
    )


def test_the_edit_is_documented_as_changing_only_the_fields_sent(client):
    document = client.get(f"{API}/openapi.json").json()
    edit_in = document["components"]["schemas"]["EditIn"]
    assert "required" not in edit_in and edit_in["minProperties"] == 1
    assert all("default" not in field for field in edit_in["properties"].values())
    page = client.get(f"{API}/docs/").content.decode()
    section = page.split("PATCH /api/v1/motions/{slug}/arguments/{argument_id}")[1]
    section = section.split("</section>")[0]
    assert "<code>claim</code>: string, optional" in section
    assert "<code>details</code>: string, optional" in section
    assert "left out, they stay as they are" in section
    assert "A body with neither field is a 422" in section


def first_edit_holds_the_lock(monkeypatch):
    """The first of two edits at once holds the argument's lock a while (in the check made under
    it): the other waits on it, then reads what it left."""
    refusal = policy.edit_refusal
    first = threading.Event()

    def slow_refusal(editor, locked):
        if not first.is_set():
            first.set()
            time.sleep(0.5)
        return refusal(editor, locked)

    monkeypatch.setattr(policy, "edit_refusal", slow_refusal)


@pytest.mark.django_db(transaction=True)
def test_two_patches_of_different_fields_at_once_keep_both(monkeypatch):
    """Each PATCH leaves the field it was not sent as the row holds it under the edit's lock
    (services.edit_argument): a claim sent alone never writes back details it read before
    another edit of them."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: no two edits are under way at once.")
    member = verified_user()
    motion = MotionFactory()
    argument = ArgumentFactory(motion=motion, author=member, claim="Old claim.", details="Old.")
    first_edit_holds_the_lock(monkeypatch)
    headers = bearer(member)

    def claim_alone():
        return _edit(member, motion, argument.pk, {"claim": "New claim."}, headers).status_code

    def details_alone():
        time.sleep(0.15)
        return _edit(member, motion, argument.pk, {"details": "New."}, headers).status_code

    results, errors = run_at_once([claim_alone, details_alone])
    assert (results, errors) == ([200, 200], [])
    argument.refresh_from_db()
    assert (argument.claim, argument.details) == ("New claim.", "New.")


# --- 2. A hidden or retracted argument's votes, as the debate's page shows them: none -----------


@pytest.fixture
def hidden(author, member, moderator, motion):
    argument = ArgumentFactory(motion=motion, author=author, claim="Rude words.")
    voting.cast_vote(voter=member, claim=argument, choice="agree")
    services.edit_argument(editor=author, argument=argument, claim="Ruder words.")
    moderation.hide_argument(moderator=moderator, argument=argument, reason="Abuse.")
    return argument


WITHHELD = {"agree": None, "disagree": None, "my_vote": None, "edited_at": None}
WITHHELD |= {"votes_before_edit": None}


def _withheld(item):
    return {key: item[key] for key in WITHHELD}


def test_a_hidden_argument_s_votes_and_edit_time_are_shown_to_nobody(
    hidden, motion, author, member, moderator
):
    url = f"{API}/motions/{motion.slug}/arguments/{hidden.pk}"
    for headers in ({}, bearer(member, "read"), bearer(author, "read"), bearer(moderator, "read")):
        read = Client().get(url, **headers).json()["argument"]
        assert _withheld(read) == WITHHELD
        listed = Client().get(f"{API}/motions/{motion.slug}/arguments", **headers).json()
        assert [_withheld(item) for item in listed["items"]] == [WITHHELD]
    # Its author and moderators still read its words, as on the page.
    assert Client().get(url, **bearer(author, "read")).json()["argument"]["claim"] == "Ruder words."
    profile = Client().get(f"{API}/people/{author.pk}/arguments", **bearer(author, "read")).json()
    assert [_withheld(item) for item in profile["items"]] == [WITHHELD]
    # The page shows no vote buttons, and no "edited", under it either: to anyone.
    for viewer in (None, author, moderator):
        browser = Client()
        if viewer:
            browser.force_login(viewer)
        page = browser.get(motion.get_absolute_url()).content.decode()
        assert f'id="vote-argument-{hidden.pk}"' not in page
        assert f"/arguments/{hidden.pk}/history/" not in page


def test_a_standing_argument_s_votes_and_edit_time_are_shown_and_a_retracted_one_s_are_not(
    author, member, motion
):
    standing = ArgumentFactory(motion=motion, author=author, claim="It stands.")
    voting.cast_vote(voter=member, claim=standing, choice="agree")
    services.edit_argument(editor=author, argument=standing, claim="It still stands.")
    url = f"{API}/motions/{motion.slug}/arguments/{standing.pk}"
    read = Client().get(url, **bearer(member, "read")).json()["argument"]
    assert (read["agree"], read["disagree"], read["my_vote"], read["votes_before_edit"]) == (
        1,
        0,
        "agree",
        1,
    )
    assert read["edited_at"] is not None
    # As its page shows them to everyone.
    page = Client().get(motion.get_absolute_url()).content.decode()
    assert f'id="vote-argument-{standing.pk}"' in page
    assert f"/arguments/{standing.pk}/history/" in page
    services.retract_argument(author=author, argument=standing)
    retracted = Client().get(url, **bearer(author, "read")).json()["argument"]
    assert _withheld(retracted) == WITHHELD


def test_a_hidden_motion_s_votes_are_shown_to_nobody(motion, member, moderator):
    voting.cast_vote(voter=member, claim=motion, choice="agree")
    url = f"{API}/motions/{motion.slug}"
    assert Client().get(url).json()["agree"] == 1
    moderation.hide_motion(moderator=moderator, motion=motion, reason="Spam.")
    for headers in ({}, bearer(member, "read"), bearer(moderator, "read")):
        read = Client().get(url, **headers).json()
        assert (read["agree"], read["disagree"], read["my_vote"]) == (None, None, None)


# --- 3. A body is read strictly ------------------------------------------------------------------


@pytest.mark.parametrize("as_sent", [lambda pk: True, str, float])
def test_an_id_in_a_body_is_a_json_integer(member, motion, as_sent):
    parent = ArgumentFactory(motion=motion)
    sent = {"stance": "pro", "claim": "A reply.", "parent_id": as_sent(parent.pk)}
    refused = assert_problem(_post(member, motion, sent, **bearer(member)), 422)
    assert refused["errors"] == [
        {"field": "parent_id", "message": "Input should be a valid integer"}
    ]
    assert Argument.objects.count() == 1
    assert (
        _post(member, motion, sent | {"parent_id": parent.pk}, **bearer(member)).json()["parent_id"]
        == parent.pk
    )


def _raw(member, motion, text, content_type="application/json"):
    url = f"{API}/motions/{motion.slug}/arguments"
    return Client().post(url, data=text, content_type=content_type, **bearer(member))


@pytest.mark.parametrize("debug", [False, True])
def test_a_key_given_twice_is_refused_naming_it(member, motion, settings, debug):
    settings.DEBUG = debug
    sent = '{"stance": "pro", "claim": "dup", "claim": "dup2"}'
    refused = assert_problem(_raw(member, motion, sent), 400)
    assert refused["type"].endswith("#problem-bad-body")
    assert "“claim” more than once" in refused["detail"]
    assert [error["field"] for error in refused["errors"]] == ["claim"]
    assert not Argument.objects.exists()


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_body_sent_as_another_media_type_is_a_415(member, motion, content_type):
    sent = json.dumps({"stance": "pro", "claim": "Sent as text."})
    refused = assert_problem(_raw(member, motion, sent, content_type), 415)
    assert refused["type"].endswith("#problem-unsupported-media-type")
    assert refused["detail"] == (
        f"Send the body as application/json (with that Content-Type), not {content_type}."
    )
    assert not Argument.objects.exists()
    # With its charset named, it is JSON still.
    taken = _raw(member, motion, sent, "application/json; charset=utf-8")
    assert taken.status_code == 201


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    ("sent", "detail"),
    [
        (
            '{"stance": "pro", "claim": "x", "parent_id": ' + "9" * 5000 + "}",
            "The body has a number of 5,000 digits: no field takes a number that long.",
        ),
        ('{"stance": "pro", "claim": "x", "parent_id": NaN}', "NaN is not a JSON value"),
        ('{"stance": "pro", "claim": "x",', "The body is not valid JSON: Expecting property"),
        (b'{"claim": "\xff"}', "it is not UTF-8 text"),
    ],
)
def test_a_body_that_is_not_json_is_a_400_in_plain_words(
    member, motion, settings, debug, sent, detail
):
    settings.DEBUG = debug
    refused = assert_problem(_raw(member, motion, sent), 400)
    assert detail in refused["detail"]
    assert "sys." not in refused["detail"] and "Cannot parse" not in refused["detail"]
    assert not Argument.objects.exists()


def test_every_operation_with_a_body_declares_its_refusals(client):
    document = client.get(f"{API}/openapi.json").json()
    with_bodies = [
        operation
        for operations in document["paths"].values()
        for operation in operations.values()
        if "requestBody" in operation
    ]
    assert len(with_bodies) >= 6
    for operation in with_bodies:
        for status in ("400", "415"):
            assert "application/problem+json" in operation["responses"][status]["content"]
    page = client.get(f"{API}/docs/").content.decode()
    assert 'id="problem-unsupported-media-type"' in page and 'id="problem-bad-body"' in page


# --- 4. A wrong address under the API is a problem with DEBUG on too ------------------------------


@pytest.mark.parametrize("debug", [False, True])
def test_a_wrong_address_under_the_api_is_a_problem_whatever_debug_says(client, settings, debug):
    settings.DEBUG = debug
    for wrong, detail in (
        ("/api/v1/nonexistent", "No such operation: the documentation lists them all"),
        ("/api/v1/motions/", "the address ends without a slash, /api/v1/motions."),
    ):
        answer = assert_problem(client.get(wrong), 404)
        assert detail in answer["detail"]
    missing = assert_problem(client.get("/api/v1/motions/no-such-motion"), 404)
    assert missing["detail"] == "No such motion."
    # Django's APPEND_SLASH still leads to the docs; a page outside the API is still a page.
    docs = client.get("/api/v1/docs")
    assert (docs.status_code, docs.url) == (301, "/api/v1/docs/")
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
