"""Where her appeal stands reaches the author's open pages live, as a reload would show it.

An appeal made or declined changes her own copy of the argument and nobody else's page, so
nothing goes on the debate's stream: one event of no motion ("member-own-argument") goes to her
own channel alone, and her pages that show the argument ask for their own copy of it (crux.js,
views.own_copy), which says what a reload says.
"""

import re

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.services import grant_moderator
from debates import events, moderation
from debates.errors import DebateRuleError
from debates.live import fanout
from debates.live.render import render_event
from debates.models import Appeal
from tests.factories import ArgumentFactory, verified_user

pytestmark = pytest.mark.django_db

NOTE = "I quoted the report word for word; it is not abuse."


@pytest.fixture
def hidden(author):
    """Hidden by a moderator other than the one who decides its appeal: the one who hid it may
    not (policy.appeal_decider_refusal)."""
    hider = verified_user(display_name="Hasty Hal")
    grant_moderator(user=hider)
    argument = ArgumentFactory(author=author, claim="The treaty was never ratified.")
    moderation.hide_argument(moderator=hider, argument=argument, reason="Abusive wording")
    return argument


@pytest.fixture
def made(author, hidden):
    return moderation.appeal_hidden_argument(author=author, argument=hidden, note=NOTE)


def own_events(hub, member):
    return [
        (e.motion_id, e.kind, e.ids)
        for e in hub.backlogs.get(fanout.member_channel(member.pk), ())
        if e.kind == events.MEMBER_OWN_ARGUMENT
    ]


def debates_heard(hub, argument):
    """What the debate's own channels and the home page's heard."""
    return [*hub.backlogs.get(argument.motion_id, ()), *hub.backlogs.get(fanout.HOME, ())]


def own_event(member_id, argument_id):
    return fanout.LiveEvent(
        1, None, events.MEMBER_OWN_ARGUMENT, {"member_id": member_id, "argument_id": argument_id}
    )


def content_region(html, argument):
    """The argument's content region (debates/_argument.html), where her appeal's state is."""
    found = re.search(rf"<!--r:content-{argument.pk}-->.*?<!--/r-->", html, re.S)
    assert found, f"no content region for argument {argument.pk}"
    return found[0]


# --- The event ----------------------------------------------------------------------------------


def test_declining_tells_her_own_channel_once_and_the_debate_nothing(
    recording_broker, django_capture_on_commit_callbacks, author, moderator, hidden, made
):
    with django_capture_on_commit_callbacks(execute=True):
        moderation.decline_appeal(moderator=moderator, appeal=made, reason="Still abusive")
        assert recording_broker.high_water == 0, "nothing is told before the commit"

    assert own_events(recording_broker, author) == [
        (None, events.MEMBER_OWN_ARGUMENT, {"member_id": author.pk, "argument_id": hidden.pk})
    ]
    assert debates_heard(recording_broker, hidden) == []
    # The moderator hears only that what waits for review changed (her nav's count).
    heard = recording_broker.backlogs[fanout.member_channel(moderator.pk)]
    assert [e.kind for e in heard] == [events.MEMBER_NOTIFIED]


def test_appealing_tells_her_own_channel_once_and_the_debate_nothing(
    recording_broker, django_capture_on_commit_callbacks, author, hidden
):
    with django_capture_on_commit_callbacks(execute=True):
        moderation.appeal_hidden_argument(author=author, argument=hidden, note=NOTE)

    [mine] = recording_broker.backlogs[fanout.member_channel(author.pk)]
    assert (mine.motion_id, mine.kind) == (None, events.MEMBER_OWN_ARGUMENT)
    assert mine.ids == {"member_id": author.pk, "argument_id": hidden.pk}
    assert mine.channels == (fanout.member_channel(author.pk),)
    assert debates_heard(recording_broker, hidden) == []


def test_a_rolled_back_decline_tells_nobody(
    recording_broker, django_capture_on_commit_callbacks, author, moderator, made
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        moderation.decline_appeal(moderator=moderator, appeal=made, reason="Still abusive")
        raise RuntimeError("undone")
    assert callbacks == [] and recording_broker.high_water == 0
    assert Appeal.objects.get().status == Appeal.Status.OPEN


def test_a_refused_decline_tells_nobody(
    recording_broker, django_capture_on_commit_callbacks, author, moderator, made
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DebateRuleError):
        moderation.decline_appeal(moderator=moderator, appeal=made, reason="")
    assert recording_broker.high_water == 0


# --- What her pages are sent ------------------------------------------------------------------


def test_her_pages_are_told_which_argument_to_ask_for(author, hidden):
    html = render_event(own_event(author.pk, hidden.pk), fanout.MEMBER)
    assert 'hx-target="#live-own"' in html
    assert f'<template data-own-argument="{hidden.pk}"></template>' in html
    # Nothing of the argument itself: her page asks for her own copy.
    assert "treaty" not in html and "appeal" not in html.lower()


def test_a_member_or_argument_gone_is_sent_nothing(author, hidden):
    missing = hidden.pk + 1000
    assert render_event(own_event(author.pk + 1000, hidden.pk), fanout.MEMBER) == ""
    assert render_event(own_event(author.pk, missing), fanout.MEMBER) == ""
    author.is_active = False
    author.save(update_fields=["is_active"])
    assert render_event(own_event(author.pk, hidden.pk), fanout.MEMBER) == ""


# --- What her page then asks for ----------------------------------------------------------------


@pytest.mark.parametrize("decided", [False, True])
def test_her_own_copy_says_where_her_appeal_stands_as_a_reload_does(
    client, django_capture_on_commit_callbacks, author, moderator, hidden, made, decided
):
    if decided:
        with django_capture_on_commit_callbacks(execute=True):
            moderation.decline_appeal(moderator=moderator, appeal=made, reason="Still abusive")
    said = "Your appeal was declined on" if decided else "Your appeal is waiting for a moderator."
    client.force_login(author)
    own = client.get(reverse("own_copy", args=[hidden.motion.slug]) + f"?ids={hidden.pk}")
    reload = client.get(hidden.motion.get_absolute_url())
    live, loaded = (
        content_region(own.content.decode(), hidden),
        content_region(reload.content.decode(), hidden),
    )
    assert said in live and "Ask a moderator to look again" not in live
    assert live == loaded


def test_an_argument_of_another_motion_brings_no_copy(client, author, hidden, made):
    elsewhere = ArgumentFactory(author=author)
    client.force_login(author)
    own = client.get(reverse("own_copy", args=[elsewhere.motion.slug]) + f"?ids={hidden.pk}")
    assert own.status_code == 200 and "data-regions" not in own.content.decode()
