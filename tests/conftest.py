import json

import psycopg
import pytest

from accounts.services import grant_moderator
from debates import events, live
from debates.live import fanout, postgres
from debates.seeding import load_seed_file
from tests.event_loops import run
from tests.factories import verified_user


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher is deliberately slow; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache():
    # Rate limits count in the cache, and pages are cached by motion id and activity stamp,
    # which a rolled-back test can hand to the next one: every test starts with none.
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def seeded(db):
    """The Karabakh debate, loaded through the seed loader as `make run` does."""
    return load_seed_file()


@pytest.fixture
def moderator(db):
    user = verified_user(display_name="Moderator Mo")
    grant_moderator(user=user)
    return user


@pytest.fixture
def author(db):
    return verified_user(display_name="Author Al")


@pytest.fixture
def member(db):
    return verified_user(display_name="Member Meg")


@pytest.fixture
def recording_broker(monkeypatch):
    """Events go to a broker of the test's own, whose high_water counts what was published."""
    hub = fanout.LocalBroker()
    monkeypatch.setattr(events, "_transport", lambda: hub)
    return hub


@pytest.fixture
def heard():
    """What a LISTEN connection hears on the broker's channel, like each server process's."""
    listener = psycopg.connect(**postgres.PostgresBroker().connection_params(), autocommit=True)
    listener.execute(f"LISTEN {postgres.PostgresBroker.CHANNEL}")

    def drain():
        return [json.loads(n.payload) for n in listener.notifies(timeout=0.5, stop_after=None)]

    live.reset_broker()
    yield drain
    listener.close()
    live.reset_broker()


@pytest.fixture
def tasks_run_at_once(settings):
    """Background tasks (notifications, the analysis) done as they are queued."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def live_broker():
    """A broker of the process's own for the test, closed after it."""
    live.reset_broker()
    yield
    run(live.broker().close())
    live.reset_broker()
