"""The two vote paths held to the same results on PostgreSQL (debates/voting.py).

A vote on PostgreSQL is one statement (debates/cast_vote.sql); SQLite takes the ORM path. Both
are meant to apply the same rules, so hypothesis writes sequences of votes, switches,
withdrawals, the same choice again with the page's toggle and without it (the API's), refused
votes (own claim, locked motion, hidden motion, hidden or retracted argument, missing claim) and
moderation between them, by several people, and plays each on two identical debates in the
same database: one through the statement, one through the ORM. Every answer (the result, or the
refusal's type, message and status), the Vote rows, the tallies and the events announced (the
debate's, and the voter's own on her channel) must be the same.
"""

import json
from contextlib import nullcontext
from dataclasses import dataclass

import psycopg
import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from debates import events, voting
from debates.errors import DebateRuleError
from debates.models import Argument, Motion, Vote
from debates.voting import WITHDRAW, cast_vote, cast_vote_at
from tests.factories import ArgumentFactory, MotionFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="The vote statement is PostgreSQL's."
    ),
]

PEOPLE = 3
# name: (motion, parent, author); motions first. "M0"'s author is person 0, "A0"'s person 1...
ARGUMENTS = {
    "A0": ("M0", None, 1),
    "A1": ("M0", "A0", 2),
    "A2": ("M1", None, 0),
    "A3": ("M1", None, None),
}
MOTIONS = {"M0": 0, "M1": None}
CLAIMS = [*MOTIONS, *ARGUMENTS]
# Claims that are not there: an argument id nobody has, an argument under another motion's slug,
# and a slug nobody has.
MISSING = ["no-such-argument", "argument-elsewhere", "no-such-motion"]


@dataclass
class World:
    people: list
    claims: dict  # name -> Motion or Argument

    def name(self, model, pk):
        return next(n for n, c in self.claims.items() if type(c) is model and c.pk == pk)


def build_world():
    people = UserFactory.create_batch(PEOPLE)
    claims = {}
    for name, author in MOTIONS.items():
        claims[name] = MotionFactory(author=None if author is None else people[author])
    for name, (motion, parent, author) in ARGUMENTS.items():
        claims[name] = ArgumentFactory(
            motion=claims[motion],
            parent=None if parent is None else claims[parent],
            author=None if author is None else people[author],
        )
    return World(people, claims)


# --- What hypothesis writes ---------------------------------------------------------------------

votes = st.fixed_dictionaries(
    {
        "step": st.just("vote"),
        "person": st.integers(0, PEOPLE - 1),
        "claim": st.sampled_from(CLAIMS + MISSING),
        "choice": st.sampled_from(["agree", "disagree", WITHDRAW]),
        "toggle": st.booleans(),  # the page's (the same choice withdraws), or the API's (kept)
        "by_slug": st.booleans(),  # as the view votes (cast_vote_at), or on an instance
        "in_a_transaction": st.booleans(),  # a caller's, or the vote's own
    }
)
moderation = st.one_of(
    st.fixed_dictionaries(
        {
            "step": st.just("moderate"),
            "claim": st.sampled_from(list(MOTIONS)),
            "field": st.just("state"),
            "value": st.sampled_from(Motion.State.values),
        }
    ),
    st.fixed_dictionaries(
        {
            "step": st.just("moderate"),
            "claim": st.sampled_from(list(MOTIONS)),
            "field": st.just("visibility"),
            "value": st.sampled_from(Motion.Visibility.values),
        }
    ),
    st.fixed_dictionaries(
        {
            "step": st.just("moderate"),
            "claim": st.sampled_from(list(ARGUMENTS)),
            "field": st.just("visibility"),
            "value": st.sampled_from(Argument.Visibility.values),
        }
    ),
)
steps = st.lists(st.one_of(votes, votes, votes, moderation), min_size=1, max_size=14)
# Moderation before the first vote too, so that every refusal is common.
sequences = st.tuples(st.lists(moderation, max_size=4), steps).map(lambda s: s[0] + s[1])


def a_vote(person, claim, choice="agree", *, by_slug=True, in_a_transaction=False, toggle=True):
    step = {"step": "vote", "person": person, "claim": claim, "choice": choice, "toggle": toggle}
    return step | {"by_slug": by_slug, "in_a_transaction": in_a_transaction}


def a_change(claim, field, value):
    return {"step": "moderate", "claim": claim, "field": field, "value": value}


# One sequence that meets every answer and every refusal, whatever hypothesis draws besides.
EVERY_ANSWER = [
    a_vote(1, "A0"),  # own claim
    a_vote(0, "no-such-argument"),
    a_vote(0, "argument-elsewhere", by_slug=False),
    a_vote(0, "no-such-motion", in_a_transaction=True),
    a_vote(2, "A0", "disagree"),
    a_vote(2, "A0", "agree", by_slug=False),  # a switch
    a_vote(2, "A0", "agree", toggle=False),  # kept
    a_vote(2, "A0", "agree", by_slug=False, in_a_transaction=True, toggle=False),  # kept
    a_vote(2, "A0", "agree", in_a_transaction=True),  # withdrawn
    a_vote(2, "A0", "disagree", toggle=False),
    a_change("A0", "visibility", "hidden"),
    a_vote(2, "A0", by_slug=False),
    a_change("A3", "visibility", "retracted"),
    a_vote(1, "A3", in_a_transaction=True),
    a_vote(1, "M1"),
    a_change("M1", "visibility", "hidden"),
    a_vote(1, "M1", "disagree"),
    a_change("M0", "state", "locked"),
    a_vote(2, "M0", by_slug=False, in_a_transaction=True),
    a_vote(2, "A1"),
]


# --- Playing a sequence -------------------------------------------------------------------------

CHANNEL = "crux_test_vote_paths"
LOCK_KEY = 0x564F5445  # "VOTE"
DONE = "done"


class Recorder:
    """A transport that records (events.Transport): the vote statement NOTIFYs on a channel it
    listens to, and what is published after a commit is noted as it is sent."""

    def __init__(self, listener):
        self.listener = listener
        self.published = []

    def announcing_statement(self):
        return CHANNEL, LOCK_KEY

    def publish(self, event):
        self.published.append({"motion_id": event.motion_id, "kind": event.kind, "ids": event.ids})

    def heard(self):
        """Everything announced since the last call (the marker is committed after it)."""
        self.listener.execute("SELECT pg_notify(%s, %s)", [CHANNEL, DONE])
        heard = []
        for note in self.listener.notifies(timeout=10):
            if note.payload == DONE:
                break
            heard.append({k: v for k, v in json.loads(note.payload).items() if k != "id"})
        heard, self.published = heard + self.published, []
        return heard


def vote(world, step):
    voter = world.people[step["person"]]
    name = step["claim"]
    how = {"choice": step["choice"], "toggle": step["toggle"]}
    if name == "no-such-argument":
        return cast_vote_at(voter=voter, slug=world.claims["M0"].slug, argument_id=10**9, **how)
    if name == "argument-elsewhere":
        return cast_vote_at(
            voter=voter, slug=world.claims["M0"].slug, argument_id=world.claims["A2"].pk, **how
        )
    if name == "no-such-motion":
        return cast_vote_at(voter=voter, slug="no-such-motion", **how)
    claim = world.claims[name]
    if step["by_slug"]:
        on_argument = isinstance(claim, Argument)
        return cast_vote_at(
            voter=voter,
            slug=claim.motion.slug if on_argument else claim.slug,
            argument_id=claim.pk if on_argument else None,
            **how,
        )
    fresh = type(claim).objects.get(pk=claim.pk)  # as a request would load it
    result = cast_vote(voter=voter, claim=fresh, **how)
    assert (fresh.agree_count, fresh.disagree_count) == (result.agree_count, result.disagree_count)
    return result


def answer(world, step):
    """What the vote answered, in the world's names."""
    try:
        with transaction.atomic() if step["in_a_transaction"] else nullcontext():
            result = vote(world, step)
    except DebateRuleError as refusal:
        return ("refused", type(refusal).__name__, refusal.message, refusal.status)
    except (Motion.DoesNotExist, Argument.DoesNotExist) as missing:
        return ("missing", type(missing).__name__, str(missing))
    claim = result.claim
    motion = claim.motion if isinstance(claim, Argument) else claim
    # The claim as the view shows it after the vote, without loading it again.
    shown = (motion.state, motion.visibility, world.name(Motion, motion.pk))
    shown += (next(n for n, c in world.claims.items() if getattr(c, "slug", None) == motion.slug),)
    if isinstance(claim, Argument):
        parent = None if claim.parent_id is None else world.name(Argument, claim.parent_id)
        shown += (parent, claim.visibility)
    people = {p.pk: i for i, p in enumerate(world.people)}
    shown += (people.get(claim.author_id), claim.agree_count, claim.disagree_count)
    return (
        "counted",
        result.choice,
        result.agree_count,
        result.disagree_count,
        world.name(type(claim), claim.pk),
        shown,
    )


def moderate(world, step):
    claim = world.claims[step["claim"]]
    type(claim).objects.filter(pk=claim.pk).update(**{step["field"]: step["value"]})


def named_event(world, event):
    ids = dict(event["ids"])
    ids["claim_id"] = world.name(Motion if ids["claim"] == "motion" else Argument, ids["claim_id"])
    if event["motion_id"] is None:  # the voter's own (events.MEMBER_VOTED): her channel alone
        people = {p.pk: i for i, p in enumerate(world.people)}
        ids["member_id"] = people[ids["member_id"]]
        return (None, event["kind"], ids)
    return (world.name(Motion, event["motion_id"]), event["kind"], ids)


def end_state(world):
    people = {p.pk: i for i, p in enumerate(world.people)}
    held = sorted(
        (
            people[v.user_id],
            world.name(Motion, v.motion_id) if v.motion_id else world.name(Argument, v.argument_id),
            v.choice,
        )
        for v in Vote.objects.filter(user__in=world.people)
    )
    tallies = {}
    for name, claim in world.claims.items():
        claim.refresh_from_db(fields=["agree_count", "disagree_count"])
        tallies[name] = (claim.agree_count, claim.disagree_count)
    return held, tallies


def play(steps, *, in_one_statement, recorder):
    voting.IN_ONE_STATEMENT = in_one_statement
    world = build_world()
    recorder.heard()
    played = []
    for step in steps:
        if step["step"] == "moderate":
            moderate(world, step)
            played.append(("moderated", recorder.heard()))
            continue
        said = answer(world, step)
        played.append((said, [named_event(world, e) for e in recorder.heard()]))
    return played, end_state(world)


# --- The test -----------------------------------------------------------------------------------


@pytest.fixture
def recorder(monkeypatch):
    s = connection.settings_dict
    params = {"dbname": s["NAME"], "user": s["USER"], "password": s["PASSWORD"]}
    params |= {"host": s["HOST"], "port": s["PORT"]}
    listener = psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True)
    listener.execute(f"LISTEN {CHANNEL}")
    recording = Recorder(listener)
    monkeypatch.setattr(events, "_transport", lambda: recording)
    monkeypatch.setattr(voting, "IN_ONE_STATEMENT", True)
    yield recording
    listener.close()


def test_the_vote_statement_and_the_orm_path_agree(recorder):
    seen = {"statement announcements": 0, "refusals": set(), "outcomes": set(), "own": 0}
    seen["kept"] = 0

    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(steps=sequences)
    @example(steps=EVERY_ANSWER)
    def both_paths_agree(steps):
        statement = play(steps, in_one_statement=True, recorder=recorder)
        orm = play(steps, in_one_statement=False, recorder=recorder)
        assert statement == orm
        for step, (said, heard) in zip(steps, statement[0], strict=True):
            if step["step"] == "vote":
                seen["outcomes" if said[0] == "counted" else "refusals"].add(said[1:3])
                # A choice held already, sent again with the toggle off: counted, still held,
                # and nothing changed, so nothing announced.
                if said[0] == "counted" and said[1] == step["choice"] and not heard:
                    seen["kept"] += 1
                if heard and not step["in_a_transaction"]:
                    seen["statement announcements"] += 1
                seen["own"] += sum(kind == events.MEMBER_VOTED for _, kind, _ in heard)

    both_paths_agree()

    # The examples reached every refusal and every outcome, not just the easy ones.
    assert {message for _, message in seen["refusals"]} >= {
        "You cannot vote on your own argument.",
        "This motion is locked, so voting on it is closed.",
        "A moderator has hidden this motion, so voting on it is closed.",
        "This argument was hidden by a moderator; it can no longer be voted on.",
        "This argument was retracted by its author; it can no longer be voted on.",
        "No such argument.",
        "No such motion.",
    }
    assert {choice for choice, _ in seen["outcomes"]} == {"agree", "disagree", None}
    assert seen["statement announcements"] > 0
    assert seen["own"] > 0, "the voter's own pages are told too (issue 17)"
    assert seen["kept"] > 0, "a choice held already, sent with the toggle off, is kept"
