import pytest

from accounts.services import grant_moderator
from debates.seeding import load_seed_file
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
    grant_moderator(user)
    return user


@pytest.fixture
def author(db):
    return verified_user(display_name="Author Al")


@pytest.fixture
def member(db):
    return verified_user(display_name="Member Meg")
