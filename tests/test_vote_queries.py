"""What a vote costs in SQL, as production serves it (issue 16: votes had gone from 2 queries to 6).

Counted through the view in autocommit, as a server runs it, with the production session engine
(Django's database sessions): the session, its user, the rate limit's count, the vote, and the
analysis's pending mark. Nothing that only a full page needs (whether the voter moderates) and no
round trip to check a pooled connection that is fine (config.database).
"""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from psycopg_pool import ConnectionPool

from tests.factories import ArgumentFactory, MotionFactory, UserFactory

# The ORM path (SQLite) begins, locks the claim, reads the held vote, writes it, moves the tally,
# commits, and stamps the motion for the announcement: PostgreSQL's one statement does it all.
VOTE_STATEMENTS = 1 if connection.vendor == "postgresql" else 7
# Session, user, rate-limit counter, the vote, the analysis's mark (BEGIN and COMMIT count too).
VOTE_QUERIES = 1 + 1 + 1 + VOTE_STATEMENTS + 1


@pytest.fixture
def production_sessions(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


def vote(client, argument, choice="agree"):
    return client.post(
        f"/motions/{argument.motion.slug}/arguments/{argument.pk}/vote/",
        {"choice": choice},
        HTTP_HX_REQUEST="true",
        secure=True,
    )


@pytest.mark.django_db(transaction=True)
def test_a_vote_costs_a_constant_few_queries(client, production_sessions):
    motion = MotionFactory()
    top = ArgumentFactory(motion=motion)
    first, second = (
        ArgumentFactory(motion=motion, parent=top),
        ArgumentFactory(motion=motion, parent=top),
    )
    client.force_login(UserFactory())
    # The first vote of a connection installs the statement, the first in a minute opens rate
    # windows, the first on a motion creates its analysis row and queues a run: once each.
    assert vote(client, first).status_code == 200

    with CaptureQueriesContext(connection) as queries:
        response = vote(client, second, "disagree")

    assert response.status_code == 200
    assert 'aria-pressed="true"' in response.content.decode()
    statements = "\n".join(q["sql"] for q in queries.captured_queries)
    assert len(queries) == VOTE_QUERIES, statements
    assert "auth_group" not in statements  # User.is_moderator: only pages with the nav ask


@pytest.mark.skipif(connection.vendor != "postgresql", reason="A connection pool: PostgreSQL.")
@pytest.mark.django_db(transaction=True)
def test_a_sound_pooled_connection_is_lent_without_a_round_trip(client):
    assert client.get("/").status_code == 200
    connection.close()
    with mock.patch.object(ConnectionPool, "check_connection", autospec=True) as tried:
        for _ in range(3):
            assert client.get("/").status_code == 200
            connection.close()
    assert tried.call_count == 0
