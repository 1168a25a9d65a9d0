"""Rate limits per user and per IP on posting, editing, voting, flagging, motions and sign-up."""

import time
import types
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config import ratelimit
from config.ratelimit import Rate, RateLimited, parse_rates
from debates.models import Argument, Flag, Motion, Vote
from ratelimits.counting import count_attempt
from ratelimits.models import Counter
from tests.concurrency import run_at_once
from tests.factories import ArgumentFactory, MotionFactory, UserFactory, verified_user

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def client_for(user, ip="127.0.0.1"):
    client = Client(REMOTE_ADDR=ip)
    client.force_login(user)
    return client


def reply(client, motion, claim="A claim.", **headers):
    data = {"stance": "pro", "claim": claim, "submission_key": str(uuid.uuid4())}
    return client.post(reverse("reply_motion", args=[motion.slug]), data, headers=headers)


def test_rates_are_read_as_allauth_writes_them():
    assert parse_rates("20/m/user, 5/10m/ip,100/d/user") == [
        Rate(20, 60, "user"),
        Rate(5, 600, "ip"),
        Rate(100, 86400, "user"),
    ]
    assert parse_rates("") == parse_rates(None) == []
    with pytest.raises(ImproperlyConfigured):
        parse_rates("20 per minute")


def test_every_write_is_limited_per_user_and_per_ip_by_default():
    for action in ("post", "edit", "vote", "flag", "motion"):
        kinds = {rate.per for rate in parse_rates(django_settings.CRUX_RATE_LIMITS[action])}
        assert kinds == {"user", "ip"}, action
    assert "ip" in django_settings.ACCOUNT_RATE_LIMITS["signup"]


def test_posting_past_the_users_limit_keeps_the_form_with_a_message_in_place(settings):
    settings.CRUX_RATE_LIMITS = {"post": "2/m/user"}
    motion, ada = MotionFactory(), verified_user()
    client = client_for(ada)

    assert reply(client, motion, "One.", **HTMX).status_code == 200
    assert reply(client, motion, "Two.", **HTMX).status_code == 200
    refused = reply(client, motion, "Three, kept in the form.", **HTMX)
    plain = reply(client, motion, "Four, kept too.")

    assert refused.status_code == 429
    html = refused.content.decode()
    assert "You are doing that too often" in html and "Three, kept in the form." in html
    assert 'class="argument-form"' in html  # the form fragment, swapped into the reply slot
    assert plain.status_code == 429 and "Four, kept too." in plain.content.decode()
    assert Argument.objects.filter(author=ada).count() == 2
    # Someone else is not affected by Ada's limit.
    assert reply(client_for(verified_user()), motion, **HTMX).status_code == 200


def test_a_write_its_rules_refuse_gives_its_attempt_back(settings, frozen_clock):
    """Correcting a mistake costs nothing: a source refused for its blank text and a reply
    refused for a claim that shows nothing do not use up the limit."""
    settings.CRUX_RATE_LIMITS = {"source": "1/m/user", "post": "1/m/user"}
    motion, ada = MotionFactory(), verified_user()
    client = client_for(ada)
    blank = {"title": "A report", "url": "https://example.org/r", "text": " "}
    source = {**blank, "text": "The report's text."}

    assert client.post(reverse("add_source"), blank).status_code == 422
    assert client.post(reverse("add_source"), blank).status_code == 422
    assert client.post(reverse("add_source"), source).status_code == 303
    assert client.post(reverse("add_source"), {**source, "url": ""}).status_code == 429
    assert reply(client, motion, "\u200b", **HTMX).status_code == 422
    assert reply(client, motion, "Right length.", **HTMX).status_code == 200
    assert reply(client, motion, "One too many.", **HTMX).status_code == 429
    # Refused by the limit itself, an attempt still counts: hammering does not shorten the wait.
    assert Counter.objects.filter(key__startswith="post:").get().hits == 2


def test_an_api_write_its_rules_refuse_gives_its_attempt_back(settings, frozen_clock):
    settings.CRUX_RATE_LIMITS = {"post": "1/m/user"}
    motion, ada = MotionFactory(), verified_user()
    client = client_for(ada)
    url = f"/api/v1/motions/{motion.slug}/arguments"

    def post(stance):
        body = {"stance": stance, "claim": "A claim."}
        return client.post(url, body, content_type="application/json")

    assert post("neither").status_code == 422
    assert post("pro").status_code == 201
    assert post("pro").status_code == 429


def test_a_vote_its_rules_refuse_gives_its_attempt_back(settings, frozen_clock):
    """A click on one's own claim (refused, with the reason shown) leaves the limit for real votes,
    through the page and the API alike."""
    settings.CRUX_RATE_LIMITS = {"vote": "1/m/user"}
    ada = verified_user()
    own, other = ArgumentFactory(author=ada), ArgumentFactory()
    client = client_for(ada)

    def page_vote(argument):
        url = reverse("vote_argument", args=[argument.motion.slug, argument.pk])
        return client.post(url, {"choice": "agree"}, headers=HTMX).status_code

    def api_vote(argument):
        url = f"/api/v1/motions/{argument.motion.slug}/arguments/{argument.pk}/vote"
        return client.post(url, {"choice": "agree"}, content_type="application/json").status_code

    assert [page_vote(own), api_vote(own), page_vote(other)] == [403, 403, 200]
    assert api_vote(other) == 429
    assert Vote.objects.filter(user=ada).count() == 1


def test_one_address_is_limited_whoever_signs_in_from_it(settings):
    settings.CRUX_RATE_LIMITS = {"post": "2/m/ip"}
    motion = MotionFactory()
    same_address = [client_for(verified_user(), ip="203.0.113.7") for _ in range(3)]

    statuses = [reply(client, motion, **HTMX).status_code for client in same_address]
    elsewhere = reply(client_for(verified_user(), ip="198.51.100.9"), motion, **HTMX)

    assert statuses == [200, 200, 429]
    assert elsewhere.status_code == 200


def test_voting_too_fast_answers_the_widget_in_place_or_the_429_page(settings):
    settings.CRUX_RATE_LIMITS = {"vote": "2/m/user"}
    argument = ArgumentFactory()
    client = client_for(UserFactory())
    url = reverse("vote_argument", args=[argument.motion.slug, argument.pk])

    for _ in range(2):
        assert client.post(url, {"choice": "agree"}, headers=HTMX).status_code == 200
    in_place = client.post(url, {"choice": "agree"}, headers=HTMX)
    plain = client.post(url, {"choice": "agree"})

    assert in_place.status_code == 429
    widget = in_place.content.decode()
    assert f'id="vote-argument-{argument.pk}"' in widget and "too often" in widget
    assert plain.status_code == 429 and int(plain["Retry-After"]) > 0
    page = plain.content.decode()
    assert "Too many attempts" in page and "too often" in page
    assert Vote.objects.count() == 0  # agreed, then withdrew; the refused clicks changed nothing


def test_flagging_too_fast_is_refused_in_place(settings):
    settings.CRUX_RATE_LIMITS = {"flag": "1/m/user"}
    flagger = verified_user()
    client = client_for(flagger)
    first, second = ArgumentFactory(), ArgumentFactory()

    def flag(argument):
        url = reverse("flag_argument", args=[argument.motion.slug, argument.pk])
        return client.post(url, {"reason": "spam"}, headers=HTMX)

    assert flag(first).status_code == 200
    refused = flag(second)
    assert refused.status_code == 429
    assert f'id="flag-form-argument-{second.pk}"' in refused.content.decode()
    assert Flag.objects.filter(flagger=flagger).count() == 1


def test_proposing_motions_too_fast_is_refused(settings):
    settings.CRUX_RATE_LIMITS = {"motion": "1/h/user"}
    client = client_for(verified_user())

    def propose(title):
        data = {"title": title, "claim": "It is so.", "submission_key": str(uuid.uuid4())}
        return client.post(reverse("propose_motion"), data)

    assert propose("First").status_code == 303
    refused = propose("Second")
    assert refused.status_code == 429 and "too often" in refused.content.decode()
    assert Motion.objects.filter(title="Second").count() == 0


def test_editing_too_fast_is_refused(settings):
    settings.CRUX_RATE_LIMITS = {"edit": "1/m/user"}
    ada = verified_user()
    argument = ArgumentFactory(author=ada)
    client = client_for(ada)
    url = reverse("edit_argument", args=[argument.motion.slug, argument.pk])

    assert client.post(url, {"claim": "Reworded once."}).status_code == 303
    assert client.post(url, {"claim": "Reworded twice."}).status_code == 429
    argument.refresh_from_db()
    assert argument.claim == "Reworded once."


def test_sign_up_is_limited_per_address_by_allauth(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/m/ip"}

    def sign_up(n, ip):
        data = {
            "email": f"new{n}@example.org",
            "display_name": f"Newcomer {n}",
            "password1": "a long passphrase 1",
            "password2": "a long passphrase 1",
        }
        return Client(REMOTE_ADDR=ip).post(reverse("account_signup"), data)

    assert [sign_up(n, "203.0.113.7").status_code for n in range(3)] == [302, 302, 429]
    assert sign_up(3, "198.51.100.9").status_code == 302


def test_limits_can_be_turned_off(settings):
    settings.CRUX_RATE_LIMITS = {"post": ""}
    motion, client = MotionFactory(), client_for(verified_user())
    assert all(reply(client, motion, **HTMX).status_code == 200 for _ in range(12))


def test_a_counting_failure_lets_people_take_part(settings, caplog, monkeypatch):
    def unreachable(windows, *, now):
        raise ConnectionError("the database is away")

    settings.CRUX_RATE_LIMITS = {"post": "1/m/user"}
    monkeypatch.setattr("config.ratelimit.count_attempt", unreachable)
    motion, client = MotionFactory(), client_for(verified_user())

    assert reply(client, motion, **HTMX).status_code == 200
    assert reply(client, motion, **HTMX).status_code == 200
    assert "Rate limit counters unavailable; allowing post" in caplog.text


# --- In parallel (issue 15, item 5) --------------------------------------------------------------
# Counting by cache.add + cache.incr let 14-17 of 40 simultaneous posts through a limit of 10, and
# 98 of 100 votes through 60, on Django's database cache. Each thread here has its own database
# connection (on PostgreSQL, truly parallel); exactly the limit must get through.


@pytest.fixture
def frozen_clock(monkeypatch):
    """The middle of an hour, so a test's attempts never straddle two windows."""
    now = (int(time.time()) // 3600) * 3600 + 1800.5
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=lambda: now))
    return now


@pytest.mark.django_db(transaction=True)
def test_simultaneous_attempts_admit_exactly_the_limit(settings, frozen_clock):
    settings.CRUX_RATE_LIMITS = {"vote": "60/h/user,1000/h/ip"}
    member = UserFactory()

    def attempt():
        request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.7")
        request.user = member
        try:
            with ratelimit.attempt(request, "vote"):
                pass
        except RateLimited:
            return "refused"
        return "admitted"

    results, errors = run_at_once([attempt] * 100)

    assert errors == []
    assert results.count("admitted") == 60 and results.count("refused") == 40
    counts = dict(Counter.objects.values_list("key", "hits"))
    assert sorted(counts.values()) == [100, 100]  # the refused attempts count too


@pytest.mark.django_db(transaction=True)
def test_simultaneous_posts_by_one_member_store_exactly_the_limit(settings, frozen_clock):
    settings.CRUX_RATE_LIMITS = {"post": "10/h/user"}
    motion, ada = MotionFactory(), verified_user()
    clients = [client_for(ada) for _ in range(40)]

    results, errors = run_at_once(
        # Each its own claim: the same one again is the first reply, not another (issue 17).
        [
            lambda c=c, n=n: reply(c, motion, f"At once, {n}.", **HTMX).status_code
            for n, c in enumerate(clients)
        ]
    )

    assert errors == []
    assert sorted(results) == [200] * 10 + [429] * 30
    assert Argument.objects.filter(author=ada).count() == 10


def test_windows_that_are_over_are_deleted_when_a_new_one_opens():
    count_attempt({"post:1/60:u1:100": 6060, "post:1/60:u2:100": 6060}, now=6000)
    assert count_attempt({"post:1/60:u1:100": 6060}, now=6010) == {"post:1/60:u1:100": 2}
    assert Counter.objects.count() == 2  # nothing is over yet

    assert count_attempt({"post:1/60:u1:101": 6120}, now=6061) == {"post:1/60:u1:101": 1}
    assert list(Counter.objects.values_list("key", "hits")) == [("post:1/60:u1:101", 1)]


def test_one_statement_counts_every_rate_of_an_attempt(settings):
    settings.CRUX_RATE_LIMITS = {"post": "10/m/user,120/h/user,30/m/ip"}
    request = RequestFactory().post("/")
    request.user = UserFactory()
    with ratelimit.attempt(request, "post"):  # the first of a window also clears those over
        pass
    with CaptureQueriesContext(connection) as queries, ratelimit.attempt(request, "post"):
        pass
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]  # the test's own
    assert len(statements) == 1 and "ON CONFLICT" in statements[0]
    assert sorted(Counter.objects.values_list("hits", flat=True)) == [2, 2, 2]
