"""The API against its own OpenAPI document: the document is valid OpenAPI 3, and schemathesis
sends every operation generated requests (valid and not, a bounded number each, derandomised so
every run sends the same) and finds no 5xx and every answer as the document declares it."""

import json
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import tokens
from debates import services
from tests.factories import ArgumentFactory, MotionFactory, SourceFactory, verified_user

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.mark.django_db
def test_the_openapi_document_is_valid_openapi_3():
    document = Client().get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    validate(document)


@pytest.fixture
def api_schema(db):
    # As Django's test client does: the test's transaction must outlive each request.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def world(db):
    """A debate to read and write (ids the generated requests also aim at), and a read-write
    token for the writes."""
    author = verified_user(display_name="Schema Author")
    motion = MotionFactory(author=author, slug="a", featured=True)
    argument = ArgumentFactory(motion=motion, author=author, source=SourceFactory())
    retracted = ArgumentFactory(motion=motion, parent=argument, author=author)
    services.retract_argument(author=author, argument=retracted)
    writer = verified_user(display_name="Schema Writer")
    _, key = tokens.create_token(user=writer, name="schemathesis", scope="write")
    existing = {
        "slug": motion.slug,
        "argument_id": argument.pk,
        "person_id": author.pk,
        "source_id": argument.source_id,
    }
    return {"Authorization": f"Bearer {key}"}, existing


def strategy(operation, existing):
    """Requests that fit the document, the same aimed at what exists (else nearly all would be
    404s), and requests that do not fit it."""
    names = re.findall(r"{(\w+)}", operation.path)
    aimed = {name: existing[name] for name in names}
    return st.one_of(
        operation.as_strategy(),
        operation.as_strategy(path_parameters=aimed),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )


def test_every_operation_answers_as_documented_and_never_5xx(api_schema, world, settings):
    # Each operation in turn under hypothesis (schemathesis' pytest plugin predates pytest 9).
    settings.CRUX_RATE_LIMITS = {}
    headers, existing = world
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 16
    statuses = set()
    for operation in operations:

        @given(case=strategy(operation, existing))
        @hypothesis_settings(
            max_examples=30,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_documented(case):
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            statuses.add(response.status_code)
            if response.status_code >= 400:
                assert json.loads(response.content)["status"] == response.status_code

        answers_as_documented()
    # The examples reached past the 404s: found things, refused bodies, wrote.
    assert {200, 201, 404, 422} <= statuses
