"""The JSON API (issue 22): reads as the public sees them, writes through the pages' services
with their rules, limits and messages, problem details, tokens, ETags and closed CORS."""

import json
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api import cursors, tokens
from api.models import ApiToken
from debates import services
from debates.errors import DebateRuleError
from debates.models import Argument, Flag, Vote
from tests.concurrency import run_at_once
from tests.factories import ArgumentFactory, MotionFactory, UserFactory, verified_user

pytestmark = pytest.mark.django_db
API = "/api/v1"


def bearer(user, scope="write"):
    _, key = tokens.create_token(user=user, name="script", scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def send(client, method, url, body=None, **headers):
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(url, data=data, content_type="application/json", **headers)


def assert_problem(response, status, detail=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail"} <= set(body)
    if detail is not None:
        assert body["detail"] == detail
    return body


@pytest.fixture
def debate(author, member):
    motion = MotionFactory(author=author, featured=True)
    standing = ArgumentFactory(motion=motion, author=author, claim="It stands.")
    withdrawn = ArgumentFactory(motion=motion, author=author, claim="Withdrawn words.")
    services.retract_argument(author=author, argument=withdrawn)
    reply = ArgumentFactory(motion=motion, parent=standing, author=member, claim="A reply.")
    return motion, standing, withdrawn, reply


# --- Reads ---------------------------------------------------------------------------------------


def test_anonymous_reads_motions_filtered_and_paginated(debate):
    motion, *_ = debate
    MotionFactory(state="locked")
    body = Client().get(f"{API}/motions?featured=true").json()
    assert [item["slug"] for item in body["items"]] == [motion.slug]
    assert body["items"][0]["argument_count"] == 2  # not the retracted one
    assert Client().get(f"{API}/motions?open=false").json()["count"] == 1
    page = Client().get(f"{API}/motions?limit=1").json()
    assert page["count"] == 2 and len(page["items"]) == 1 and page["next_offset"] == 1


def test_the_tree_withholds_retracted_text_as_the_page_does(debate):
    motion, standing, withdrawn, _reply = debate
    body = Client().get(f"{API}/motions/{motion.slug}/arguments").json()
    by_id = {item["id"]: item for item in body["items"]}
    assert by_id[withdrawn.pk]["claim"] is None
    assert by_id[withdrawn.pk]["visibility"] == "retracted"
    assert by_id[withdrawn.pk]["author"] is None
    assert by_id[standing.pk]["claim"] == "It stands."
    assert [r["claim"] for r in by_id[standing.pk]["replies"]] == ["A reply."]


def test_a_hidden_argument_is_read_by_its_author_only(debate, moderator, author):
    from debates import moderation

    motion, standing, *_ = debate
    moderation.hide_argument(moderator=moderator, argument=standing, reason="Spam.")
    url = f"{API}/motions/{motion.slug}/arguments/{standing.pk}"
    assert Client().get(url).json()["argument"]["claim"] is None
    assert Client().get(url, **bearer(author, "read")).json()["argument"]["claim"] == "It stands."


def test_an_argument_with_its_ancestors_and_replies(debate):
    motion, standing, _, reply = debate
    body = Client().get(f"{API}/motions/{motion.slug}/arguments/{reply.pk}").json()
    assert body["argument"]["id"] == reply.pk
    assert [a["id"] for a in body["ancestors"]] == [standing.pk]
    missing = Client().get(f"{API}/motions/{motion.slug}/arguments/{reply.pk + 999}")
    assert_problem(missing, 404)


def test_a_member_and_their_arguments_and_a_source(debate, author):
    body = Client().get(f"{API}/people/{author.pk}").json()
    # The figure counts what the list gives the reader: not the retracted one, whose wording
    # (and place on a profile) is its author's only, as on the profile page.
    assert body["display_name"] == author.display_name and body["arguments"] == 1
    listed = Client().get(f"{API}/people/{author.pk}/arguments").json()
    assert [item["claim"] for item in listed["items"]] == ["It stands."] and listed["count"] == 1
    own = Client().get(f"{API}/people/{author.pk}/arguments", **bearer(author, "read"))
    assert {item["claim"] for item in own.json()["items"]} == {"It stands.", "Withdrawn words."}


def test_a_big_tree_comes_a_level_at_a_time_in_a_fixed_number_of_queries(author):
    motion = MotionFactory(author=author)
    rows = [
        Argument(motion=motion, author=author, stance="pro", claim=f"Root {n}") for n in range(60)
    ]
    roots = Argument.objects.bulk_create(rows)
    replies = [
        Argument(motion=motion, parent=root, depth=1, author=author, stance="con", claim="R")
        for root in roots
        for _ in range(8)
    ]
    Argument.objects.bulk_create(replies)
    url = f"{API}/motions/{motion.slug}/arguments"
    with CaptureQueriesContext(connection) as small:
        body = Client().get(url).json()
    nodes = sum(1 + len(item["replies"]) for item in body["items"])
    assert len(body["items"]) == 10 and body["count"] == 60 and body["next_cursor"]
    assert nodes == 10 * 4 and all(item["more_replies"] == 5 for item in body["items"])
    Argument.objects.bulk_create(
        Argument(motion=motion, author=author, stance="pro", claim=f"More {n}") for n in range(300)
    )
    cursor = cursors.make(motion=motion.pk, parent=None, order="best", offset=350)
    with CaptureQueriesContext(connection) as big:
        assert len(Client().get(url, {"cursor": cursor}).json()["items"]) == 10
    assert len(small) == len(big) == 3
    level = Client().get(f"{url}?parent={roots[0].pk}").json()
    assert level["count"] == 8 and len(level["items"]) == 8


def test_reads_carry_an_etag_and_answer_304_to_it(debate):
    motion, *_ = debate
    url = f"{API}/motions/{motion.slug}/arguments"
    first = Client().get(url)
    assert first.status_code == 200 and first["ETag"]
    again = Client().get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and not again.content
    # What a read shows depends on who asks: kept for that caller only, and asked again.
    for response in (first, again):
        assert {"private", "no-cache"} <= set(response["Cache-Control"].replace(" ", "").split(","))
        assert {"Authorization", "Cookie"} <= set(response["Vary"].replace(" ", "").split(","))
    services.post_argument(
        author=motion.author, motion=motion, parent=None, stance="con", claim="New."
    )
    assert Client().get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


@pytest.mark.usefixtures("debate")
def test_cors_is_closed():
    for method in ("get", "options"):
        response = getattr(Client(), method)(
            f"{API}/motions", HTTP_ORIGIN="https://elsewhere.example"
        )
        assert not [h for h in response.headers if h.lower().startswith("access-control-")]


# --- Writes --------------------------------------------------------------------------------------


def test_a_token_posts_edits_and_retracts_through_the_services(debate, member):
    motion, standing, *_ = debate
    auth = bearer(member)
    url = f"{API}/motions/{motion.slug}/arguments"
    sent = {
        "parent_id": standing.pk,
        "stance": "con",
        "claim": "  A  fresh claim. ",
        "submission_key": "7c0b7f4e-8d7b-4b0e-9d7e-1f2a3b4c5d6e",
    }
    posted = send(Client(), "post", url, sent, **auth)
    assert posted.status_code == 201
    new = posted.json()
    assert new["claim"] == "A fresh claim." and new["parent_id"] == standing.pk
    assert send(Client(), "post", url, sent, **auth).status_code == 200  # the same submission
    edited = send(Client(), "patch", f"{url}/{new['id']}", {"claim": "Reworded."}, **auth)
    assert edited.json()["claim"] == "Reworded."
    assert Argument.objects.get(pk=new["id"]).revisions.count() == 1
    retracted = send(Client(), "post", f"{url}/{new['id']}/retract", **auth)
    assert retracted.json()["visibility"] == "retracted"


def test_refusals_are_problem_details_with_the_pages_messages(debate, member):
    motion, standing, *_ = debate
    url = f"{API}/motions/{motion.slug}/arguments"
    assert_problem(
        send(Client(), "post", f"{url}/{standing.pk}/retract", **bearer(member)),
        403,
        "Only its author can retract an argument.",
    )
    body = assert_problem(
        send(Client(), "post", url, {"stance": "pro", "claim": "   "}, **bearer(member)), 422
    )
    assert body["errors"] == [{"field": "claim", "message": "Write the claim you want to make."}]
    both = assert_problem(
        send(
            Client(),
            "post",
            url,
            {"stance": "pro", "claim": " ", "source_url": "javascript:x"},
            **bearer(member),
        ),
        422,
    )
    assert [error["field"] for error in both["errors"]] == ["claim", "source_url"]
    unverified = UserFactory()
    assert_problem(
        send(Client(), "post", url, {"stance": "pro", "claim": "Hi."}, **bearer(unverified)),
        403,
        "Verify your email address before posting: check your inbox for the link.",
    )
    bad = assert_problem(
        send(Client(), "post", url, {"stance": "maybe", "claim": "A\x00"}, **bearer(member)), 422
    )
    # Named as sent, as the rules name them (not by the view's parameter).
    assert {error["field"] for error in bad["errors"]} == {"stance", "claim"}
    orphan = {"stance": "pro", "claim": "To nobody.", "parent_id": 999999}
    missing = assert_problem(send(Client(), "post", url, orphan, **bearer(member)), 422)
    assert missing["errors"] == [
        {"field": "parent_id", "message": "There is no argument 999999 in this motion to reply to."}
    ]
    anonymous = assert_problem(
        send(Client(), "post", url, {"stance": "pro", "claim": "No one."}), 401
    )
    assert anonymous["detail"].startswith("Sign in, or send a personal API token")
    forged = {"HTTP_AUTHORIZATION": "Bearer not-a-token"}
    for method, body in (("get", None), ("post", {"stance": "pro", "claim": "Hi."})):
        refused = assert_problem(send(Client(), method, url, body, **forged), 401)
        assert refused["detail"].startswith("This API token is not valid")


def test_posting_is_rate_limited_as_on_the_pages(debate, member, settings):
    settings.CRUX_RATE_LIMITS = {"post": "1/m/user"}
    motion, *_ = debate
    url = f"{API}/motions/{motion.slug}/arguments"
    auth = bearer(member)
    assert (
        send(Client(), "post", url, {"stance": "pro", "claim": "One."}, **auth).status_code == 201
    )
    limited = send(Client(), "post", url, {"stance": "pro", "claim": "Two."}, **auth)
    body = assert_problem(limited, 429)
    assert body["detail"].startswith("You are doing that too often.")
    assert int(limited["Retry-After"]) >= 1


def test_votes_and_withdrawals(debate, member, author):
    motion, standing, *_ = debate
    url = f"{API}/motions/{motion.slug}/arguments/{standing.pk}/vote"
    auth = bearer(member)
    assert send(Client(), "post", url, {"choice": "agree"}, **auth).json() == {
        "agree": 1,
        "disagree": 0,
        "my_vote": "agree",
    }
    assert send(Client(), "delete", url, **auth).json()["my_vote"] is None
    assert not Vote.objects.filter(user=member).exists()
    # A repeated DELETE (a client's retry) withdraws nothing more and never casts the vote again.
    again = send(Client(), "delete", url, **auth).json()
    assert again == {"agree": 0, "disagree": 0, "my_vote": None}
    assert not Vote.objects.filter(user=member).exists()
    own = send(Client(), "post", url, {"choice": "agree"}, **bearer(author))
    assert_problem(own, 403)
    motion_vote = send(
        Client(), "post", f"{API}/motions/{motion.slug}/vote", {"choice": "disagree"}, **auth
    )
    assert motion_vote.json()["disagree"] == 1


def test_flags_once(debate, member):
    motion, standing, *_ = debate
    url = f"{API}/motions/{motion.slug}/arguments/{standing.pk}/flag"
    auth = bearer(member)
    assert send(Client(), "post", url, {"reason": "spam"}, **auth).status_code == 201
    assert send(Client(), "post", url, {"reason": "spam"}, **auth).status_code == 200
    assert Flag.objects.filter(flagger=member).count() == 1
    other = assert_problem(
        send(Client(), "post", f"{API}/motions/{motion.slug}/flag", {"reason": "other"}, **auth),
        422,
    )
    assert other["errors"][0]["field"] == "note"


# --- Authentication ------------------------------------------------------------------------------


def test_a_read_token_cannot_write_and_a_revoked_one_nothing(debate, member):
    motion, *_ = debate
    url = f"{API}/motions/{motion.slug}/vote"
    read = bearer(member, "read")
    assert_problem(send(Client(), "post", url, {"choice": "agree"}, **read), 403)
    token = ApiToken.objects.get(user=member)
    assert token.last_used_at is not None
    tokens.revoke_token(user=member, token_id=token.pk)
    assert_problem(Client().get(f"{API}/motions", **read), 401)
    assert_problem(send(Client(), "post", url, {"choice": "agree"}, **read), 401)


def test_the_session_writes_with_its_csrf_token_only(debate, member):
    motion, *_ = debate
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    url = f"{API}/motions/{motion.slug}/vote"
    assert_problem(send(client, "post", url, {"choice": "agree"}), 403)
    client.get("/")  # the page sets the CSRF cookie, as a browser gets it
    csrf = client.cookies["csrftoken"].value
    answered = send(client, "post", url, {"choice": "agree"}, HTTP_X_CSRFTOKEN=csrf)
    assert answered.status_code == 200 and answered.json()["my_vote"] == "agree"


def test_tokens_are_made_shown_once_stored_hashed_and_revoked_on_the_settings_page(member):
    client = Client()
    client.force_login(member)
    made = client.post("/people/me/tokens/", {"name": "My script", "scope": "write"})
    assert made.status_code == 303 and made["Location"] == "/people/me/tokens/"
    shown = client.get(made["Location"])
    key = shown.context["new_key"]
    assert key.startswith("crux_") and key in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    token = ApiToken.objects.get(user=member)
    assert key not in (token.key_hash, token.prefix) and token.scope == "write"
    # Reloading shows the key no more, and makes no second token.
    assert key not in client.get("/people/me/tokens/").content.decode()
    assert ApiToken.objects.filter(user=member).count() == 1
    assert Client().get(f"{API}/motions", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    client.post(f"/people/me/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get(f"{API}/motions", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    stranger = verified_user(display_name="Stranger Stan")
    other = Client()
    other.force_login(stranger)
    other.post(f"/people/me/tokens/{token.pk}/revoke/")
    assert ApiToken.objects.filter(user=member).count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_token_requests_make_no_more_than_the_limit(monkeypatch):
    """A member with no token yet: nothing of theirs was there to lock before the member."""
    monkeypatch.setattr(tokens, "MAX_ACTIVE_TOKENS", 2)
    member = verified_user()

    def make():
        try:
            tokens.create_token(user=member, name="script", scope="read")
        except DebateRuleError:
            return "refused"
        return "made"

    results, errors = run_at_once([make] * 6)
    assert errors == []
    assert sorted(results) == ["made"] * 2 + ["refused"] * 4
    assert ApiToken.objects.filter(user=member).count() == 2


def test_a_token_name_is_kept_to_one_printable_line(member):
    """A NUL (which PostgreSQL cannot store) or a control character in the name is dropped, and
    a name of nothing else is refused, rather than a 500."""
    client = Client()
    client.force_login(member)
    made = client.post("/people/me/tokens/", {"name": "my\x00script\x07", "scope": "read"})
    refused = client.post("/people/me/tokens/", {"name": "\x00\u200b", "scope": "read"})

    assert made.status_code == 303 and ApiToken.objects.get(user=member).name == "my script"
    assert refused.status_code == 422 and "Name the token" in refused.content.decode()
    # The refusal describes the field it is about, and the scope chosen stays chosen.
    page = refused.content.decode()
    assert 'aria-invalid="true" aria-describedby="token-name-error"' in page
    assert 'id="token-name-error" role="alert">Name the token' in page
    again = client.post("/people/me/tokens/", {"name": " ", "scope": "write"}).content.decode()
    assert 'value="write" checked' in again and 'value="read" checked' not in again


class _Controls(HTMLParser):
    """Each button and link of a page: its attributes and its accessible name (an aria-label,
    else its text, visually hidden text included)."""

    def __init__(self):
        super().__init__()
        self.controls, self._open = [], []

    def handle_starttag(self, tag, attrs):
        if tag in ("a", "button"):
            self._open.append({"tag": tag, **dict(attrs), "text": ""})

    def handle_data(self, data):
        for control in self._open:
            control["text"] += data

    def handle_endtag(self, tag):
        if tag in ("a", "button") and self._open:
            control = self._open.pop()
            control["name"] = control.get("aria-label") or " ".join(control["text"].split())
            self.controls.append(control)


def controls(html):
    parser = _Controls()
    parser.feed(html)
    return parser.controls


def test_each_revoke_button_names_its_token_and_asks_before_revoking(member):
    client = Client()
    client.force_login(member)
    deploy, _ = tokens.create_token(user=member, name="Deploy bot", scope="write")
    nightly, _ = tokens.create_token(user=member, name="Nightly export", scope="read")
    page = client.get("/people/me/tokens/").content.decode()
    revoking = {c["name"]: c for c in controls(page) if c["name"].startswith("Revoke")}
    assert set(revoking) == {"Revoke Deploy bot", "Revoke Nightly export"}
    button = revoking["Revoke Deploy bot"]
    # With JavaScript: htmx asks, then posts straight to the revoke address.
    assert button["hx-post"] == f"/people/me/tokens/{deploy.pk}/revoke/"
    assert "Deploy bot" in button["hx-confirm"]
    # Without: the button leads to a confirmation on the tokens page, and nothing is revoked yet.
    assert f'name="revoke" value="{deploy.pk}"' in page
    asked = client.get("/people/me/tokens/", {"revoke": deploy.pk})
    assert asked.status_code == 200
    assert ApiToken.objects.filter(revoked_at=None).count() == 2
    confirm = [c for c in controls(asked.content.decode()) if c.get("type") == "submit"]
    assert "Yes, revoke Deploy bot" in {c["name"] for c in confirm}
    assert f'action="/people/me/tokens/{deploy.pk}/revoke/"' in asked.content.decode()
    # Revoking stays a POST; a plain form comes back to the page, htmx is told to reload it.
    assert client.get(f"/people/me/tokens/{deploy.pk}/revoke/").status_code == 405
    plain = client.post(f"/people/me/tokens/{deploy.pk}/revoke/")
    assert (plain.status_code, plain.url) == (303, "/people/me/tokens/")
    deploy.refresh_from_db()
    assert deploy.revoked_at is not None and nightly.revoked_at is None
    htmx = client.post(f"/people/me/tokens/{nightly.pk}/revoke/", headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == "/people/me/tokens/"
    nightly.refresh_from_db()
    assert nightly.revoked_at is not None


def test_only_ones_own_live_token_is_offered_for_revoking(member):
    client = Client()
    client.force_login(member)
    revoked, _ = tokens.create_token(user=member, name="Old bot", scope="read")
    tokens.revoke_token(user=member, token_id=revoked.pk)
    theirs, _ = tokens.create_token(user=UserFactory(), name="Their bot", scope="read")
    for pk in (revoked.pk, theirs.pk, "x", "\x00"):
        asked = client.get("/people/me/tokens/", {"revoke": pk})
        assert asked.status_code == 200
        assert "/revoke/" not in asked.content.decode()


def test_the_docs_page_lists_the_operations_and_loads_nothing_from_elsewhere():
    page = Client().get(f"{API}/docs/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "GET /api/v1/motions/{slug}/arguments" in html
    assert "<script" not in html.split("</header>")[-1]
    assert "https://cdn" not in html
    assert "default-src 'self'" in page["Content-Security-Policy"]


def test_the_api_s_bare_address_leads_to_its_docs_and_an_unknown_one_is_a_problem(client):
    for bare in ("/api/", "/api/v1/"):
        response = client.get(bare)
        assert (response.status_code, response.url) == (302, "/api/v1/docs/")
    for unknown in ("/api/v1/arguments/1", "/api/v1/search", "/api/v1/motions/x/nothing"):
        response = client.get(unknown)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["type"] == "/api/v1/docs/#problem-not-found"
    # A client posting with a token to no operation gets a problem too, not a CSRF page.
    posted = Client(enforce_csrf_checks=True).post(
        "/api/v1/nothing", headers={"Authorization": "Bearer x"}
    )
    assert (posted.status_code, posted["Content-Type"]) == (404, "application/problem+json")
    # An operation's address sent with a final slash is told the address meant.
    for method in (client.get, client.post):
        slashed = method("/api/v1/motions/")
        assert (slashed.status_code, slashed["Content-Type"]) == (404, "application/problem+json")
        assert slashed.json()["detail"] == (
            "No such operation: the address ends without a slash, /api/v1/motions."
        )
    assert "documentation lists them" in client.get("/api/v1/nothing/").json()["detail"]
    # An address that lacks only its final slash still finds it.
    missing_slash = client.get("/api/v1/docs?x=1")
    assert (missing_slash.status_code, missing_slash.url) == (301, "/api/v1/docs/?x=1")
