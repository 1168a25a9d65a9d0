"""The soak (bench/soak.py) reads the app's own live messages and judges each page by them: if it
misread them it would report every update lost, or hide a loss behind a notice it never got."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from bench.soak import Action, deliveries
from bench.sse_client import LATE_SECONDS, Stream, event_key, reply_token, vote_totals
from debates import events
from debates.live import fanout
from debates.live.render import render_event, render_stale_notice
from tests.factories import ArgumentFactory, verified_user


def sse(event_id=None, html=""):
    lines = [f"id: {event_id}"] if event_id is not None else []
    return "\n".join(lines + [f"data: {line}" for line in html.splitlines() if line.strip()])


def page(motion_id=1, clock=lambda: 0.0):
    return Stream(0, motion_id, port=1, clock=clock, on_error=None)


@pytest.mark.django_db
def test_a_votes_total_is_read_from_its_answer_and_from_its_live_update(client):
    argument = ArgumentFactory()
    client.force_login(verified_user())
    url = reverse("vote_argument", args=[argument.motion.slug, argument.pk])

    answer = client.post(url, {"choice": "agree"}, HTTP_HX_REQUEST="true", secure=True)
    update = fanout.LiveEvent(
        1, argument.motion_id, events.VOTE_CHANGED, {"claim": "argument", "claim_id": argument.pk}
    )

    assert answer.status_code == 200
    assert vote_totals(answer.content.decode()) == {argument.pk: 1}
    assert event_key(render_event(update, "motion")) == ("v", argument.pk, 1)


@pytest.mark.django_db
def test_a_posted_reply_is_known_by_its_token_not_by_its_own_vote_widget():
    parent = ArgumentFactory()
    reply = ArgumentFactory(
        motion=parent.motion, parent=parent, claim=f"Soak reply {reply_token(42)}: no."
    )
    posted = fanout.LiveEvent(
        2, parent.motion_id, events.ARGUMENT_POSTED, {"argument_id": reply.pk}
    )

    assert event_key(render_event(posted, "motion")) == ("r", 42)


def test_a_page_starts_from_its_first_id_and_notes_the_reload_notice():
    now = [0.0]
    stream = page(clock=lambda: now[0])

    stream._message("retry: 2000")
    stream._message(sse(7))
    now[0] = 1.0
    stream._message(sse(8, f"<p>{reply_token(3)}</p>"))
    now[0] = 2.0
    stream._message(sse(html=render_stale_notice()))
    stream._message(sse(9))  # an id alone moves the page on and shows nothing

    assert (stream.retry, stream.hello, stream.ready_at, stream.last_id) == (2.0, 7, 0.0, 9)
    assert stream.arrivals == {("r", 3): 1.0}
    assert stream.notices == [2.0]


def test_a_vote_update_rendered_late_stands_for_the_vote_only_shortly_after_it():
    stream = page()
    stream.votes[5] = [(4, 3.0), (6, 200.0)]

    assert stream.vote_arrival(5, 3, set()) is None
    assert stream.late_vote_arrival(5, 3, sent=1.0) == 3.0
    assert stream.late_vote_arrival(5, 5, sent=10.0) is None  # 190 s later: another vote's
    assert LATE_SECONDS < 190


def test_a_missed_change_counts_as_lost_unless_a_reload_notice_came_after_it():
    changes = [
        Action("reply", 1, sent=1.0, outcome="ok", token=1),
        Action("vote", 1, sent=2.0, outcome="ok", argument_id=5, total=3),
        Action("vote", 1, sent=2.5, outcome="failed", argument_id=6),  # may not have happened
        Action("reply", 2, sent=3.0, outcome="ok", token=2),  # another motion's
    ]
    heard, noticed, unaware = page(), page(), page()
    heard.arrivals[("r", 1)] = 1.5
    heard.votes[5] = [(3, 2.5)]
    noticed.notices = [10.0]
    unaware.notices = [0.5]
    for stream in (heard, noticed, unaware):
        stream.ready_at = -1.0
    soak = SimpleNamespace(actions=changes, streams=[heard, noticed, unaware], load_start=0.0)

    result = deliveries(soak)

    counts = {k: result[k] for k in ("expected", "arrived", "covered", "silent", "streams_silent")}
    assert counts == {"expected": 6, "arrived": 2, "covered": 2, "silent": 2, "streams_silent": 1}
    assert sorted(result["delays_ms"]) == [500.0, 500.0]
    assert dict(result["silent_by_time"]) == {0: 2}
