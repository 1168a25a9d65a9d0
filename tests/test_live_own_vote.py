"""A member's own vote reaches her other open pages live, as a reload would show it (issue 17).

Who voted never goes on a debate's stream: the vote's public event carries the tallies, and a
second event of no motion ("member-voted") goes to the voter's own channel alone, rendered for
her from debates/_vote.html and the vote she holds now.
"""

import asyncio
import re

import pytest
from django.db import connection, transaction
from django.test import Client

from debates import events, live, voting
from debates.live import fanout
from debates.live.render import render_event
from debates.models import Argument
from tests.event_loops import run
from tests.factories import ArgumentFactory, MotionFactory, UserFactory
from tests.test_live import request, session_of

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="LISTEN/NOTIFY and crux_cast_vote: PostgreSQL."
)


def own_event(member, claim, event_id=1):
    kind = "argument" if isinstance(claim, Argument) else "motion"
    return fanout.LiveEvent(
        event_id,
        None,
        events.MEMBER_VOTED,
        {"member_id": member.pk, "claim": kind, "claim_id": claim.pk},
    )


def vote_form(html, kind, pk):
    """The vote form of the claim in `html`, as markup compared between a reload and the stream:
    without the CSRF field (the stream has no request; htmx sends the page's token in a header)
    and with its whitespace between tags folded."""
    form = re.search(rf'<form [^>]*id="vote-{kind}-{pk}".*?</form>', html, re.S)
    assert form, f"no vote form for {kind} {pk}"
    markup = re.sub(r'<input type="hidden" name="csrfmiddlewaretoken"[^>]*>', "", form[0])
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", markup)).strip()


def pressed(html, kind, pk):
    form = vote_form(html, kind, pk)
    return {
        choice
        for choice in ("agree", "disagree")
        if f'id="vote-{kind}-{pk}-{choice}" aria-pressed="true"' in form
    }


# --- The event ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_vote_in_a_callers_transaction_tells_her_channel_after_it_commits(
    recording_broker, django_capture_on_commit_callbacks
):
    """The ORM path (SQLite) and a vote inside a caller's transaction (both databases)."""
    argument = ArgumentFactory()
    voter = UserFactory()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        voting.cast_vote(voter=voter, claim=argument, choice="agree")
        voting.cast_vote(voter=voter, claim=argument.motion, choice="disagree")
        assert recording_broker.high_water == 0, "nothing is told before the commit"

    mine = list(recording_broker.backlogs[fanout.member_channel(voter.pk)])
    assert [(e.motion_id, e.kind) for e in mine] == [(None, events.MEMBER_VOTED)] * 2
    assert [e.ids for e in mine] == [
        {"member_id": voter.pk, "claim": "argument", "claim_id": argument.pk},
        {"member_id": voter.pk, "claim": "motion", "claim_id": argument.motion_id},
    ]
    debates = [*recording_broker.backlogs[argument.motion_id], *recording_broker.backlogs["home"]]
    assert debates and all(e.kind == events.VOTE_CHANGED for e in debates)
    assert all(set(e.ids) == {"claim", "claim_id"} for e in debates), "nobody is named"


@pytest.mark.django_db
def test_a_refused_vote_tells_her_nothing(recording_broker, django_capture_on_commit_callbacks):
    argument = ArgumentFactory()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(voting.DebateRuleError):
        voting.cast_vote(voter=argument.author, claim=argument, choice="agree")
    assert recording_broker.high_water == 0


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_vote_on_its_own_tells_her_channel_in_its_own_statement(heard, monkeypatch):
    motion = MotionFactory()
    argument = ArgumentFactory(motion=motion)
    voter = UserFactory()
    monkeypatch.setattr(
        events, "announce_to_voter", lambda *a, **k: pytest.fail("told again after the commit")
    )

    voting.cast_vote_at(voter=voter, slug=motion.slug, argument_id=argument.pk, choice="agree")

    public, own = heard()
    assert public.pop("id") < own.pop("id")
    assert public == {
        "motion_id": motion.pk,
        "kind": events.VOTE_CHANGED,
        "ids": {"claim": "argument", "claim_id": argument.pk},
    }
    assert own == {
        "motion_id": None,
        "kind": events.MEMBER_VOTED,
        "ids": {"member_id": voter.pk, "claim": "argument", "claim_id": argument.pk},
    }
    # Routed to her channel alone.
    assert fanout.LiveEvent(1, None, own["kind"], own["ids"]).channels == (
        fanout.member_channel(voter.pk),
    )

    with pytest.raises(voting.DebateRuleError):
        voting.cast_vote(voter=argument.author, claim=argument, choice="agree")
    assert heard() == [], "a refusal tells nobody"


@pytest.mark.django_db(transaction=True)
def test_her_page_gets_her_vote_and_the_public_stream_never_names_her_on_both_databases():
    live.reset_broker()
    motion = MotionFactory()
    argument = ArgumentFactory(motion=motion)
    voter = UserFactory()
    hers = live.channel_path(motion.pk, member_id=voter.pk)
    public = live.channel_path(motion.pk)
    her_session = session_of(voter)

    async def first_id(path):
        sent = await request(path, headers=[her_session], until=2)
        return int(sent[2]["body"].decode().removeprefix("id: ").strip())

    async def since(path, seen, messages):
        headers = [(b"last-event-id", str(seen).encode()), her_session]
        sent = await request(path, headers=headers, until=1 + messages)  # after "retry:"
        return "".join(m["body"].decode() for m in sent if m["type"] == "http.response.body")

    async def scenario():
        seen = await first_id(hers)
        await asyncio.to_thread(
            lambda: voting.cast_vote(voter=voter, claim=argument, choice="agree")
        )
        await asyncio.sleep(0.5)
        return await since(hers, seen, 2), await since(public, seen, 1), live.broker()

    try:
        own_page, public_page, hub = run(scenario())
    finally:
        run(live.broker().close())
        live.reset_broker()
    assert f'hx-target="#vote-argument-{argument.pk}" hx-swap="outerMorph"' in own_page
    assert f'id="vote-argument-{argument.pk}-agree" aria-pressed="true"' in own_page
    assert f'hx-target="#vote-argument-{argument.pk}-agree-count"' in own_page
    # The public copy: the tallies, and no sign of whose vote it was.
    assert f'hx-target="#vote-argument-{argument.pk}-agree-count"' in public_page
    assert "outerMorph" not in public_page and 'aria-pressed="true"' not in public_page
    on_debate = [*hub.backlogs.get(motion.pk, ()), *hub.backlogs.get(fanout.HOME, ())]
    assert on_debate and all(e.kind == events.VOTE_CHANGED for e in on_debate)
    assert all(set(e.ids) == {"claim", "claim_id"} for e in on_debate), "nobody is named"
    [own] = hub.backlogs[fanout.member_channel(voter.pk)]
    assert own.kind == events.MEMBER_VOTED


# --- The rendering ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_her_live_vote_widget_is_the_one_a_reload_shows_her(django_capture_on_commit_callbacks):
    argument = ArgumentFactory()
    motion = argument.motion
    voter = UserFactory()
    client = Client()
    client.force_login(voter)

    def reload():
        response = client.get(motion.get_absolute_url())
        assert response.status_code == 200
        return response.content.decode()

    for claim, kind, choice, expected in [
        (argument, "argument", "agree", {"agree"}),
        (argument, "argument", "disagree", {"disagree"}),  # a switch
        (argument, "argument", "disagree", set()),  # withdrawn
        (motion, "motion", "agree", {"agree"}),
        (motion, "motion", "agree", set()),
    ]:
        with django_capture_on_commit_callbacks(execute=True):  # the page's cache is retired
            voting.cast_vote(voter=voter, claim=claim, choice=choice)
        streamed = render_event(own_event(voter, claim), fanout.MEMBER)
        assert "__crux_" not in streamed
        page = reload()
        assert pressed(page, kind, claim.pk) == expected
        assert vote_form(streamed, kind, claim.pk) == vote_form(page, kind, claim.pk)


@pytest.mark.django_db
def test_an_event_rendered_late_shows_her_vote_as_it_is_now():
    """Events carry no choice: one that arrives after a later vote still converges."""
    argument = ArgumentFactory()
    voter = UserFactory()
    voting.cast_vote(voter=voter, claim=argument, choice="agree")
    first = own_event(voter, argument, event_id=1)
    voting.cast_vote(voter=voter, claim=argument, choice="agree")  # withdrawn
    assert pressed(render_event(first, fanout.MEMBER), "argument", argument.pk) == set()


@pytest.mark.django_db
def test_nothing_is_rendered_where_her_pages_show_no_vote_widget():
    argument = ArgumentFactory(visibility=Argument.Visibility.HIDDEN)
    voter = UserFactory()
    assert render_event(own_event(voter, argument), fanout.MEMBER) == ""
    gone = own_event(voter, argument)
    gone.ids["claim_id"] = 10**9
    assert render_event(gone, fanout.MEMBER) == ""
