"""allauth's own rate limits (sign-in, sign-up, password reset) under simultaneous attempts, on the
production cache: Django's database cache (issue 15, item 5: "limits that hold in parallel").

allauth counts in Django's cache and has no hook for another limiter (Crux's own limits count in
ratelimits/ with one upsert). Its releases since 65.x guard each read-modify-write of a history
with a lock taken by cache.add, and the database cache's add is one INSERT that a unique key lets
only one attempt win, so the history is changed one attempt at a time. These tests hold that to
account on real parallel connections: never more than the limit gets through.
"""

import pytest
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.core.management import call_command
from django.test import RequestFactory

from tests.concurrency import run_at_once

DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "crux_cache_table",
    }
}


@pytest.fixture
def database_cache(settings):
    settings.CACHES = DATABASE_CACHE | {"fragments": settings.CACHES["fragments"]}
    call_command("createcachetable", verbosity=0)
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


def attempt(action, **kwargs):
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.7")
    usage = allauth_ratelimit.consume(request, app="allauth.account", action=action, **kwargs)
    return "admitted" if usage else "refused"


def admitted_until_refused(try_once, most=50) -> int:
    """How many more attempts, one at a time, get through before the first refusal: the burst
    may undershoot the limit (a lock waited for too long refuses), never the history's count."""
    for admitted in range(most):
        if try_once() == "refused":
            return admitted
    raise AssertionError(f"{most} attempts in a row were admitted")


@pytest.mark.django_db(transaction=True)
def test_simultaneous_sign_ups_from_one_address_admit_at_most_the_limit(settings, database_cache):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "10/m/ip"}

    results, errors = run_at_once([lambda: attempt("signup")] * 40)

    assert errors == []
    assert len(results) == 40
    # A lock not had within allauth's second of waiting refuses too: the limit can only be
    # undershot, never passed.
    assert 1 <= results.count("admitted") <= 10
    assert results.count("admitted") + admitted_until_refused(lambda: attempt("signup")) == 10


@pytest.mark.django_db(transaction=True)
def test_simultaneous_failed_sign_ins_for_one_address_admit_at_most_the_limit(
    settings, database_cache
):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "5/5m/key"}
    typed = "someone@example.org"

    results, errors = run_at_once([lambda: attempt("login_failed", key=typed)] * 30)

    assert errors == []
    assert 1 <= results.count("admitted") <= 5
    later = admitted_until_refused(lambda: attempt("login_failed", key=typed))
    assert results.count("admitted") + later == 5
