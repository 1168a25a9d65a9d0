"""The analyst's walk through the API: what every read shares, checked over every read the
OpenAPI document lists, so that a read added later is held to it too."""

import pytest
from django.test import Client

from debates import sources
from tests.factories import ArgumentFactory, MotionFactory, verified_user
from tests.test_api import API

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_read():
    """Each GET address of the document, its parameters filled with rows that exist."""
    author = verified_user()
    motion = MotionFactory(slug="tea", author=author)
    argument = ArgumentFactory(motion=motion, author=author)
    source = sources.add_source(adder=author, title="Essay", text="Some words.", url="")
    values = {
        "slug": motion.slug,
        "argument_id": argument.pk,
        "person_id": author.pk,
        "source_id": source.pk,
    }
    document = Client().get(f"{API}/openapi.json").json()
    addresses = [path.format(**values) for path, ops in document["paths"].items() if "get" in ops]
    assert f"{API}/sources/{source.pk}" in addresses and len(addresses) >= 9
    return addresses


def varies_on(response) -> set:
    return {name.strip() for name in response.get("Vary", "").split(",")}


def test_every_read_varies_on_the_session_and_the_token_even_when_it_asks_neither(every_read):
    """GET /sources/<id> read no session for an anonymous caller, so Django's session middleware
    never added `Cookie` to its Vary, though a session may be shown a source a moderator hid.
    Every read says both itself (api.reads.etagged), its 304 too."""
    for address in every_read:
        first = Client().get(address)
        assert first.status_code == 200, address
        assert {"Authorization", "Cookie"} <= varies_on(first), address
        again = Client().get(address, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, address
        assert {"Authorization", "Cookie"} <= varies_on(again), address
