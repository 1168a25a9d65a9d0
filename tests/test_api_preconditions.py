"""What a tester found in the API's writes (apf findings 2, 6, 7): a PATCH ignored If-Match, so
two clients editing one argument overwrote each other unseen; a GET's failed If-Match was an
empty page of HTML; a POST of a vote toggled, so a retry took the vote back; and some refusals
spoke of forms and in ninja's words."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils.http import http_date

from api import problems
from api.auth import CSRF_REFUSED, NO_CSRF_TOKEN
from api.reads import CHANGED
from api.writes import EDITED_MEANWHILE
from debates import policy, services
from debates.models import Argument, ArgumentRevision, Motion, Vote
from tests.concurrency import run_at_once
from tests.factories import ArgumentFactory, MotionFactory, verified_user
from tests.test_api import API, assert_problem, bearer, send
from tests.test_api_tester_fixes import first_edit_holds_the_lock

pytestmark = pytest.mark.django_db


@pytest.fixture
def motion(author):
    return MotionFactory(author=author)


@pytest.fixture
def argument(member, motion):
    return ArgumentFactory(motion=motion, author=member, claim="First words.", details="Why.")


def _url(argument):
    return f"{API}/motions/{argument.motion.slug}/arguments/{argument.pk}"


def _edit(member, argument, claim, **headers):
    return send(Client(), "patch", _url(argument), {"claim": claim}, **bearer(member), **headers)


def _etag(member, argument):
    read = Client().get(_url(argument), **bearer(member, "read"))
    assert read.status_code == 200
    return read["ETag"]


def _assert_precondition_failed(response, detail):
    body = assert_problem(response, 412, detail)
    assert body["type"].endswith("#problem-precondition-failed")


# --- 1. A PATCH honours If-Match and If-Unmodified-Since ---------------------------------------


def test_a_patch_against_a_stale_etag_is_a_412_and_changes_nothing(member, argument):
    """The tester's two clients: both read, both edit with the ETag they read. The second
    edit was written against words that are gone: it is refused, not laid over the first."""
    read = _etag(member, argument)
    laptop = _edit(member, argument, "Edit from the laptop.", HTTP_IF_MATCH=read)
    assert laptop.status_code == 200, laptop.content
    phone = _edit(member, argument, "Edit from the phone.", HTTP_IF_MATCH=read)
    _assert_precondition_failed(phone, EDITED_MEANWHILE)
    argument.refresh_from_db()
    assert argument.claim == "Edit from the laptop."
    assert ArgumentRevision.objects.filter(argument=argument).count() == 1
    unknown = _edit(member, argument, "Edit from nowhere.", HTTP_IF_MATCH='"definitely-not"')
    _assert_precondition_failed(unknown, EDITED_MEANWHILE)


def test_a_patch_answers_the_etag_a_get_gives_so_edits_chain(member, argument):
    first = _edit(member, argument, "Once.", HTTP_IF_MATCH=_etag(member, argument))
    assert first.status_code == 200 and first.json()["claim"] == "Once."
    assert first["ETag"] == _etag(member, argument)
    second = _edit(member, argument, "Twice.", HTTP_IF_MATCH=first["ETag"])
    assert second.status_code == 200, second.content
    assert second["ETag"] == _etag(member, argument) != first["ETag"]
    # Without If-Match an edit goes ahead as before, and says its ETag too.
    third = _edit(member, argument, "Thrice.")
    assert third.status_code == 200 and third["ETag"] == _etag(member, argument)


def test_if_match_star_matches_the_argument_and_a_weak_etag_never_does(member, argument):
    etag = _etag(member, argument)
    _assert_precondition_failed(
        _edit(member, argument, "Weakly.", HTTP_IF_MATCH=f"W/{etag}"), EDITED_MEANWHILE
    )
    listed = _edit(member, argument, "Listed.", HTTP_IF_MATCH=f'"other", {etag}')
    assert listed.status_code == 200, listed.content
    assert _edit(member, argument, "Any.", HTTP_IF_MATCH="*").status_code == 200


def test_if_unmodified_since_refuses_an_edit_after_it(member, argument):
    changed = argument.updated_at
    before = http_date((changed - timedelta(days=1)).timestamp())
    _assert_precondition_failed(
        _edit(member, argument, "Late.", HTTP_IF_UNMODIFIED_SINCE=before), EDITED_MEANWHILE
    )
    after = http_date((changed + timedelta(minutes=1)).timestamp())
    assert _edit(member, argument, "In time.", HTTP_IF_UNMODIFIED_SINCE=after).status_code == 200
    # Not an HTTP date: ignored (RFC 9110). Beside If-Match: If-Match decides.
    garbled = _edit(member, argument, "Garbled.", HTTP_IF_UNMODIFIED_SINCE="Mon, 01 Jan 2001")
    assert garbled.status_code == 200
    beside = _edit(
        member,
        argument,
        "Beside.",
        HTTP_IF_MATCH=_etag(member, argument),
        HTTP_IF_UNMODIFIED_SINCE=before,
    )
    assert beside.status_code == 200


def test_the_etag_is_compared_under_the_edits_lock(member, argument, monkeypatch):
    """An edit that lands between the view's read and the edit's lock is seen: If-Match is
    compared with the argument as locked, not as it was read before."""
    etag = _etag(member, argument)
    refusal = policy.edit_refusal

    def edited_meanwhile(editor, locked):
        Argument.objects.filter(pk=locked.pk).update(claim="Meanwhile.")
        return refusal(editor, locked)

    monkeypatch.setattr(policy, "edit_refusal", edited_meanwhile)
    _assert_precondition_failed(
        _edit(member, argument, "Mine.", HTTP_IF_MATCH=etag), EDITED_MEANWHILE
    )
    # The refusal rolls back the edit's transaction, the stand-in edit made in it with it.
    assert not ArgumentRevision.objects.filter(argument=argument).exists()


@pytest.mark.django_db(transaction=True)
def test_two_edits_with_the_same_etag_at_once_make_one_change(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: no two edits are under way at once.")
    member = verified_user()
    argument = ArgumentFactory(motion=MotionFactory(), author=member, claim="Old claim.")
    etag = _etag(member, argument)
    first_edit_holds_the_lock(monkeypatch)

    def edit(claim):
        return lambda: _edit(member, argument, claim, HTTP_IF_MATCH=etag).status_code

    results, errors = run_at_once([edit("From the laptop."), edit("From the phone.")])
    assert (sorted(results), errors) == ([200, 412], [])
    assert ArgumentRevision.objects.filter(argument=argument).count() == 1


def test_a_precondition_is_asked_after_who_may_edit(author, member, argument):
    """RFC 9110 13.2.1: a request refused without its precondition is refused as such."""
    refused = _edit(author, argument, "Not mine.", HTTP_IF_MATCH='"stale"')
    assert_problem(refused, 403)


# --- 2. A read's If-Match that fails is a problem, and the document says so ---------------------


def test_a_read_with_an_if_match_it_does_not_meet_is_a_412_problem(member, argument):
    url = f"{API}/motions/{argument.motion.slug}"
    _assert_precondition_failed(Client().get(url, HTTP_IF_MATCH='"x"'), CHANGED)
    etag = Client().get(url)["ETag"]
    assert Client().get(url, HTTP_IF_MATCH=etag).status_code == 200
    head = Client().head(_url(argument), HTTP_IF_MATCH='"x"')
    assert head.status_code == 412 and head["Content-Type"] == problems.MEDIA_TYPE


def test_a_read_ignores_if_unmodified_since_having_no_modification_date(argument):
    """RFC 9110 13.1.4: Django's evaluation, given no date, refused every read that sent one."""
    url = f"{API}/motions/{argument.motion.slug}"
    long_ago = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert Client().get(url, HTTP_IF_UNMODIFIED_SINCE=long_ago).status_code == 200
    etag = Client().get(url)["ETag"]
    unchanged = Client().get(url, HTTP_IF_UNMODIFIED_SINCE=long_ago, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304


def test_the_document_declares_304_and_412_where_they_are_answered(client):
    document = client.get(f"{API}/openapi.json").json()
    reads = [ops["get"] for ops in document["paths"].values() if "get" in ops]
    assert len(reads) >= 8
    for operation in reads:
        assert "content" not in operation["responses"]["304"]
        assert problems.MEDIA_TYPE in operation["responses"]["412"]["content"]
    patch = document["paths"][f"{API}/motions/{{slug}}/arguments/{{argument_id}}"]["patch"]
    assert problems.MEDIA_TYPE in patch["responses"]["412"]["content"]
    headers = {p["name"] for p in patch["parameters"] if p["in"] == "header"}
    assert headers == {"If-Match", "If-Unmodified-Since"}
    for write in ("post", "delete"):
        vote = document["paths"][f"{API}/motions/{{slug}}/vote"][write]
        assert "412" not in vote["responses"]
    page = client.get(f"{API}/docs/").content.decode()
    assert 'id="problem-precondition-failed"' in page


# --- 3. A POST of a vote sets it: a retry changes nothing ---------------------------------------


@pytest.mark.parametrize("on", ["argument", "motion"])
def test_posting_the_same_vote_again_keeps_it(author, member, motion, on):
    claim = motion if on == "motion" else ArgumentFactory(motion=motion, author=author)
    url = f"{API}/motions/{motion.slug}" + (f"/arguments/{claim.pk}" if on == "argument" else "")
    url += "/vote"
    auth = bearer(member)
    held = {"agree": 1, "disagree": 0, "my_vote": "agree"}
    assert send(Client(), "post", url, {"choice": "agree"}, **auth).json() == held
    again = send(Client(), "post", url, {"choice": "agree"}, **auth)
    assert again.status_code == 200 and again.json() == held
    assert Vote.objects.get(user=member).choice == "agree"
    claim.refresh_from_db()
    assert (claim.agree_count, claim.disagree_count) == (1, 0)
    switched = send(Client(), "post", url, {"choice": "disagree"}, **auth).json()
    assert switched == {"agree": 0, "disagree": 1, "my_vote": "disagree"}
    assert send(Client(), "delete", url, **auth).json()["my_vote"] is None
    assert not Vote.objects.filter(user=member).exists()


def test_the_page_still_takes_a_vote_back_when_pressed_again(author, member, motion):
    argument = ArgumentFactory(motion=motion, author=author)
    client = Client()
    client.force_login(member)
    url = f"/motions/{motion.slug}/arguments/{argument.pk}/vote/"
    assert client.post(url, {"choice": "agree"}).status_code in (200, 302, 303)
    assert Vote.objects.filter(user=member).exists()
    client.post(url, {"choice": "agree"})
    assert not Vote.objects.filter(user=member).exists()


# --- 4. Refusals in words for an API client ------------------------------------------------------


def test_a_session_write_without_its_csrf_token_says_what_to_send(member, motion):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    refused = send(client, "post", f"{API}/motions/{motion.slug}/vote", {"choice": "agree"})
    body = assert_problem(refused, 403, NO_CSRF_TOKEN)
    assert body["type"].endswith("#problem-forbidden")
    assert "X-CSRFToken" in body["detail"]


def test_a_session_write_whose_csrf_token_is_wrong_is_told_so(member, motion):
    """Sent, but not the cookie's: not told to send it (it did), but what must match."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    url = f"{API}/motions/{motion.slug}/vote"
    refused = send(client, "post", url, {"choice": "agree"}, HTTP_X_CSRFTOKEN="x" * 32)
    assert_problem(refused, 403, CSRF_REFUSED)


def test_a_reused_submission_key_is_worded_for_the_api(member, motion):
    key = str(uuid.uuid4())
    url = f"{API}/motions/{motion.slug}/arguments"
    auth = bearer(member)
    sent = {"stance": "pro", "claim": "Once.", "submission_key": key}
    assert send(Client(), "post", url, sent, **auth).status_code == 201
    other = send(Client(), "post", url, sent | {"claim": "Something else."}, **auth)
    body = assert_problem(other, 409, problems.SUBMISSION_REUSED)
    assert body["errors"] == [{"field": "submission_key", "message": problems.SUBMISSION_REUSED}]
    assert "form" not in body["detail"]
    proposed = {"title": "A title", "claim": "A claim.", "submission_key": key}
    assert send(Client(), "post", f"{API}/motions", proposed, **auth).status_code == 201
    again = send(Client(), "post", f"{API}/motions", proposed | {"claim": "Other."}, **auth)
    assert_problem(again, 409, problems.SUBMISSION_REUSED)
    assert Motion.objects.filter(author=member).count() == 1
    # The page keeps its own words: its form is what the member reuses.
    with pytest.raises(services.SubmissionReused, match="from a fresh form"):
        services.post_argument(
            author=member,
            motion=motion,
            parent=None,
            stance="pro",
            claim="Yet another.",
            submission_key=uuid.UUID(key),
        )
