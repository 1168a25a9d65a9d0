"""What a reply costs in SQL through the view, as production serves it (autocommit, Django's
database sessions, HTMX), with everything that hears of it after the commit: the live
announcement, the analysis's pending mark and the notifications (issue 21).

Measured 2026-11-27 (bench.load, 10,000-argument debate): the notifications were most of a
reply's server time, counted per person told, so a reply answering an argument that many follow
cost more queries than one that nobody follows; they are now written in one statement, after
three narrow reads (the argument, the follows, everyone concerned with their preferences).
"""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications import services as notify
from tests.factories import ArgumentFactory, MotionFactory, verified_user

# Session, user, the argument's checks (whether it was sent before is one statement, issue 18)
# and insert, its announcement, the analysis's mark, and telling two people (the answered
# argument's author and the motion's, who follows it): three reads, then their notifications in
# one statement however many they are; then the follow line of what she answered, for her
# answer. On PostgreSQL their bells are one more statement (crux_publish_event over them all);
# SQLite's broker is in-process.
REPLY_QUERIES = 23 if connection.vendor == "postgresql" else 22


@pytest.fixture
def production_sessions(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


@pytest.fixture
def debate():
    motion = MotionFactory(author=verified_user())
    return motion, ArgumentFactory(motion=motion, author=verified_user())


def reply(client, argument, n):
    return client.post(
        f"/motions/{argument.motion.slug}/arguments/{argument.pk}/reply/",
        # Each claim its own: the same reply again would answer with the argument already made.
        {"stance": "con", "claim": f"Not so, for reason {n}.", "submission_key": uuid.uuid4()},
        HTTP_HX_REQUEST="true",
        secure=True,
    )


def queries_of_a_reply(client, argument):
    # The first reply follows what it answers and opens the analysis's mark: once each.
    assert reply(client, argument, uuid.uuid4()).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = reply(client, argument, uuid.uuid4())
    assert response.status_code == 200
    assert "argument--new" in response.content.decode()
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_a_reply_costs_a_pinned_number_of_queries(client, production_sessions, debate):
    _, argument = debate
    client.force_login(verified_user())
    statements = queries_of_a_reply(client, argument)
    assert len(statements) == REPLY_QUERIES, "\n".join(statements)


@pytest.mark.django_db(transaction=True)
def test_a_reply_costs_the_same_however_many_follow_what_it_answers(
    client, production_sessions, debate
):
    """Nothing grows with the people told: their notifications are one statement, and so are
    their bells (each member's pages hear on their own channel)."""
    _, argument = debate
    client.force_login(verified_user())
    few = queries_of_a_reply(client, argument)
    for _ in range(5):
        notify.set_following(member=verified_user(), claim=argument, following=True)
    many = queries_of_a_reply(client, argument)
    assert len(many) == len(few), "\n".join(many)


@pytest.mark.django_db(transaction=True)
def test_her_first_reply_there_follows_it_in_one_statement(client, production_sessions, debate):
    """A poster's first reply to an argument also makes her follow it: one insert that skips a
    follow she chose meanwhile, not a read and an insert in a savepoint."""
    _, argument = debate
    client.force_login(verified_user())
    reply(client, ArgumentFactory(motion=argument.motion), 0)  # the analysis's mark, opened
    with CaptureQueriesContext(connection) as queries:
        assert reply(client, argument, 1).status_code == 200
    statements = [q["sql"] for q in queries.captured_queries]
    follows = [sql for sql in statements if "notifications_follow" in sql]
    # The follows where it was posted, hers, and her answer's follow line reading it back.
    assert len(follows) == 3, "\n".join(follows)
    assert len(statements) == REPLY_QUERIES + 1, "\n".join(statements)
