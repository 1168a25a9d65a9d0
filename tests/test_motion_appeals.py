"""Appeals on motions, as on arguments: the author of a motion a moderator hid (its whole debate
with it) asks a moderator to look again, once for each hiding; another moderator restores it (the
appeal upheld) or keeps it hidden (declined, logged, the author told). Also: the moderator who
made a hiding never decides its appeal, and what a moderator's act in place and a live change
bring match what a reload shows."""

import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import grant_moderator
from debates import bulk_moderation, events, moderation
from debates.errors import DebateRuleError
from debates.live import fanout
from debates.live.render import render_event
from debates.models import Appeal, Flag, ModerationAction, Motion
from notifications.models import Notification
from tests.factories import ArgumentFactory, MotionFactory, verified_user

pytestmark = pytest.mark.django_db

NOTE = "It is on topic: the debate is about exactly this treaty."
HTMX = {"HX-Request": "true"}


@pytest.fixture
def mara(db):
    """The moderator who hides: her hidings' appeals are the others' to decide."""
    person = verified_user(display_name="Mara")
    grant_moderator(user=person)
    return person


@pytest.fixture
def second(db):
    person = verified_user(display_name="Second Mod")
    grant_moderator(user=person)
    return person


@pytest.fixture
def alice(db):
    return verified_user(display_name="Alice")


@pytest.fixture
def hidden(alice, mara):
    motion = MotionFactory(author=alice, title="Keyed motion title", claim="Keys open doors.")
    moderation.hide_motion(moderator=mara, motion=motion, reason="Off-topic motion")
    return motion


def appeal(author, motion, note=NOTE):
    return moderation.appeal_hidden_motion(author=author, motion=motion, note=note)


def refusal(call):
    with pytest.raises(DebateRuleError) as refused:
        call()
    return refused.value


def appeal_url(motion):
    return reverse("appeal_motion", args=[motion.slug])


def appeals_url():
    return reverse("moderation_appeals")


def text(response):
    return response.content.decode()


def appeal_state(html, motion):
    """The paragraph of the motion's page saying where its author's appeal stands."""
    found = re.search(
        rf'<p class="appeal-state" id="appeal-state-motion-{motion.pk}">.*?</p>', html
    )
    return found[0] if found else None


# --- The model ---------------------------------------------------------------------------------


def test_an_appeal_names_exactly_one_claim(alice, hidden):
    argument = ArgumentFactory(author=alice)
    for claims in ({}, {"motion": hidden, "argument": argument}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Appeal.objects.create(author=alice, note=NOTE, **claims)


def test_a_motion_has_one_open_appeal(alice, hidden):
    Appeal.objects.create(author=alice, note=NOTE, motion=hidden)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.create(author=alice, note=NOTE, motion=hidden)
    # Appeals on arguments leave the motion empty: they never clash with each other.
    for _ in range(2):
        Appeal.objects.create(author=alice, note=NOTE, argument=ArgumentFactory(author=alice))
    assert str(Appeal.objects.filter(motion=hidden).get()) == (
        f"Appeal on motion #{hidden.pk} (open)"
    )


# --- Appealing ---------------------------------------------------------------------------------


def test_the_author_appeals_her_hidden_motion(alice, hidden):
    made = appeal(alice, hidden, note="  " + NOTE + "\n")
    assert (made.status, made.note, made.motion, made.argument) == ("open", NOTE, hidden, None)
    assert (made.kind, made.claim, made.debate) == ("motion", hidden, hidden)
    # The author's act, not a moderator's: nothing goes in the log.
    assert list(ModerationAction.objects.values_list("action", flat=True)) == ["hide"]


def test_only_a_hidden_motion_is_appealed_by_its_author_alone(alice, member, mara, hidden):
    shown = MotionFactory(author=alice)
    refused = refusal(lambda: appeal(alice, shown))
    assert refused.status == 409
    assert refused.message == (
        "This motion is not hidden (everyone can read it): there is nothing to appeal."
    )
    for someone in (member, mara):
        refused = refusal(lambda someone=someone: appeal(someone, hidden))
        assert (refused.status, refused.message) == (
            403,
            "Only its author can appeal a motion's hiding.",
        )
    assert not Appeal.objects.exists()


def test_one_appeal_for_each_hiding(alice, mara, second, hidden):
    made = appeal(alice, hidden)
    refused = refusal(lambda: appeal(alice, hidden, note="Again"))
    assert refused.status == 409 and "waiting for a moderator" in refused.message
    moderation.decline_appeal(moderator=second, appeal=made, reason="Still off-topic")
    made.refresh_from_db()
    refused = refusal(lambda: appeal(alice, hidden, note="Please"))
    when = made.resolved_at
    assert (refused.status, refused.message) == (
        409,
        f"A moderator declined your appeal on {when.day} {when:%B %Y} and kept this motion "
        "hidden: there is one appeal for each hiding.",
    )
    # Restored, then hidden again: that hiding has an appeal of its own.
    moderation.restore_motion(moderator=second, motion=hidden, reason="Second look")
    moderation.hide_motion(moderator=mara, motion=hidden, reason="Off-topic again")
    assert appeal(alice, hidden).status == Appeal.Status.OPEN


def test_an_appeal_needs_a_note(alice, hidden):
    refused = refusal(lambda: appeal(alice, hidden, note=" "))
    assert (refused.status, refused.field) == (422, "note")
    assert not Appeal.objects.exists()


# --- Deciding ----------------------------------------------------------------------------------


def test_declining_keeps_it_hidden_logs_it_and_tells_the_author(client, alice, second, hidden):
    made = appeal(alice, hidden)
    entry = moderation.decline_appeal(moderator=second, appeal=made, reason="Still off-topic")
    made.refresh_from_db()
    hidden.refresh_from_db()
    assert hidden.is_hidden
    assert (made.status, made.resolved_by) == (Appeal.Status.DECLINED, second)
    assert (entry.action, entry.motion, entry.argument) == ("decline_appeal", hidden, None)
    told = Notification.objects.get(recipient=alice, action=entry)
    assert (told.kind, told.motion, told.argument) == ("moderation", hidden, None)
    client.force_login(alice)
    inbox = text(client.get(reverse("notifications") + "?kind=moderation"))
    assert re.search(
        r"Your motion <a [^>]*>“<bdi>Keyed motion title</bdi>”</a> was kept hidden after your "
        r"appeal: <bdi>Still off-topic</bdi>",
        inbox,
    )


def test_restoring_the_motion_upholds_its_appeal(alice, second, hidden):
    made = appeal(alice, hidden)
    outcome = moderation.uphold_appeal(moderator=second, appeal=made, reason="On topic")
    made.refresh_from_db()
    hidden.refresh_from_db()
    assert outcome.changed and outcome.message == "Motion restored."
    assert not hidden.is_hidden
    assert (made.status, made.resolved_by) == (Appeal.Status.UPHELD, second)
    assert Notification.objects.filter(recipient=alice, action=outcome.entry).exists()


def test_restoring_from_its_page_upholds_it_too(alice, second, hidden):
    made = appeal(alice, hidden)
    moderation.restore_motion(moderator=second, motion=hidden, reason="On topic")
    made.refresh_from_db()
    assert made.status == Appeal.Status.UPHELD


def test_a_moderator_decides_no_appeal_on_her_own_motion(mara, second):
    own = MotionFactory(author=second, title="Mine")
    moderation.hide_motion(moderator=mara, motion=own, reason="Off-topic")
    made = appeal(second, own)
    refused = refusal(lambda: moderation.decline_appeal(moderator=second, appeal=made, reason="No"))
    assert (refused.status, refused.message) == (
        403,
        "You cannot decide the appeal on your own motion: another moderator must review it.",
    )


# --- The moderator who hid it does not decide its appeal ---------------------------------------

YOU_HID_IT = "You hid it: another moderator must review the appeal."


def test_the_moderator_who_hid_it_may_not_decide_its_appeal(alice, mara, second, hidden):
    made = appeal(alice, hidden)
    for decide in (moderation.decline_appeal, moderation.uphold_appeal):
        refused = refusal(lambda decide=decide: decide(moderator=mara, appeal=made, reason="Mine"))
        assert (refused.status, refused.message) == (403, YOU_HID_IT)
    made.refresh_from_db()
    hidden.refresh_from_db()
    assert made.status == Appeal.Status.OPEN and hidden.is_hidden
    assert not ModerationAction.objects.filter(moderator=mara).exclude(action="hide").exists()
    # Another moderator decides it.
    moderation.decline_appeal(moderator=second, appeal=made, reason="Still off-topic")


def test_nor_that_of_an_argument_she_hid_alone_or_with_a_batch(alice, mara, second):
    alone = ArgumentFactory(author=alice, claim="Hidden alone")
    moderation.hide_argument(moderator=mara, argument=alone, reason="Abuse")
    spammer = verified_user()
    batch = [ArgumentFactory(author=spammer) for _ in range(2)]
    bulk_moderation.hide_arguments_by(moderator=mara, member=spammer, reason="Spam", days=None)
    appeals = [
        moderation.appeal_hidden_argument(author=argument.author, argument=argument, note=NOTE)
        for argument in (alone, *batch)
    ]
    for made in appeals:
        refused = refusal(
            lambda made=made: moderation.decline_appeal(moderator=mara, appeal=made, reason="No")
        )
        assert (refused.status, refused.message) == (403, YOU_HID_IT)
    # Hidden again by another moderator after a restoring: that hiding is not hers.
    moderation.uphold_appeal(moderator=second, appeal=appeals[0], reason="Fair")
    moderation.hide_argument(moderator=second, argument=alone, reason="Abuse after all")
    again = moderation.appeal_hidden_argument(author=alice, argument=alone, note=NOTE)
    moderation.decline_appeal(moderator=mara, appeal=again, reason="Still abusive")


def test_the_appeals_page_offers_her_no_buttons_and_refuses_her_post(
    client, alice, mara, second, hidden
):
    made = appeal(alice, hidden)
    client.force_login(mara)
    page = text(client.get(appeals_url()))
    assert YOU_HID_IT in page and "Keyed motion title" in page
    assert 'value="decline"' not in page and 'value="restore"' not in page
    for act in ("decline", "restore"):
        response = client.post(appeals_url(), {"appeal": made.pk, "act": act, "reason": "Mine"})
        assert response.status_code == 403
        assert re.search(rf'id="appeal-{made.pk}-error" role="alert">{YOU_HID_IT}<', text(response))
    made.refresh_from_db()
    assert made.status == Appeal.Status.OPEN
    client.force_login(second)
    page = text(client.get(appeals_url()))
    assert YOU_HID_IT not in page
    assert page.count('value="decline"') == page.count('value="restore"') == 1


def test_her_nav_and_queue_do_not_count_an_appeal_on_her_hiding(
    client, alice, mara, second, hidden
):
    appeal(alice, hidden)
    nav = 'Review queue <span class="badge site-nav__count">1</span>'
    client.force_login(mara)
    assert "Review queue <span" not in text(client.get("/"))
    assert "nothing is waiting for review" in text(client.get(reverse("moderation_queue")))
    client.force_login(second)
    assert nav in text(client.get("/"))
    assert "No open flags, but 1 <a" in text(client.get(reverse("moderation_queue")))


# --- The author's pages ------------------------------------------------------------------------


def test_the_motion_page_offers_its_author_an_appeal_then_says_where_it_stands(
    client, django_capture_on_commit_callbacks, alice, second, hidden
):
    client.force_login(alice)
    page = text(client.get(hidden.get_absolute_url()))
    assert "Hidden by a moderator: <bdi>Off-topic motion</bdi>." in page
    assert appeal_state(page, hidden) == (
        f'<p class="appeal-state" id="appeal-state-motion-{hidden.pk}"><a href="'
        f'{appeal_url(hidden)}">Ask a moderator to look again</a></p>'
    )
    with django_capture_on_commit_callbacks(execute=True):
        made = appeal(alice, hidden)
    page = text(client.get(hidden.get_absolute_url()))
    assert "Your appeal is waiting for a moderator." in appeal_state(page, hidden)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.decline_appeal(moderator=second, appeal=made, reason="Still off-topic")
    made.refresh_from_db()
    page = text(client.get(hidden.get_absolute_url()))
    assert (
        f"Your appeal was declined on {made.resolved_at:%-d %B %Y}: a moderator kept it hidden: "
        "<bdi>Still off-topic</bdi>."
    ) in appeal_state(page, hidden)


def test_nobody_else_is_offered_an_appeal(client, member, mara, second, hidden):
    for someone in (None, member, mara, second):
        client.logout()
        if someone:
            client.force_login(someone)
        page = text(client.get(hidden.get_absolute_url()))
        assert appeal_state(page, hidden) is None and "Your appeal" not in page


def loads_an_appeal(query):
    """Whether a query reads an appeal itself (the nav's count only counts them)."""
    return '"debates_appeal"."note"' in query["sql"]


@pytest.mark.parametrize("appealed", [False, True])
def test_the_page_costs_its_author_one_query_for_her_appeal_whatever_it_is(
    client, alice, mara, hidden, appealed
):
    """Where her appeal stands is one query, asked on her page alone; the same with an appeal
    or without."""
    if appealed:
        appeal(alice, hidden)
    client.force_login(alice)
    url = hidden.get_absolute_url()
    client.get(url)  # the session and the shared tree, as any page after the first
    with CaptureQueriesContext(connection) as hers:
        client.get(url)
    appeals = [q for q in hers.captured_queries if loads_an_appeal(q)]
    assert len(appeals) == 1
    # A moderator, who reads it too, is offered no appeal and pays for none.
    client.force_login(mara)
    client.get(url)
    with CaptureQueriesContext(connection) as theirs:
        client.get(url)
    assert not [q for q in theirs.captured_queries if loads_an_appeal(q)]


def test_the_appeal_form_sends_the_appeal_and_goes_back_to_the_motion(client, alice, hidden):
    client.force_login(alice)
    form = text(client.get(appeal_url(hidden)))
    assert "Keyed motion title" in form and "Keys open doors." in form
    # Her own motion by its title in the breadcrumb too, not as anyone else is shown it.
    crumbs = form.split('<nav class="breadcrumb"')[1].split("</nav>")[0]
    assert "<bdi>Keyed motion title</bdi>" in crumbs and "[hidden" not in crumbs
    assert 'name="note"' in form and 'data-limit="500"' in form
    assert f'action="{appeal_url(hidden)}"' in form and "Back to the motion" in form
    response = client.post(appeal_url(hidden), {"note": NOTE}, follow=True)
    assert response.redirect_chain == [(hidden.get_absolute_url(), 303)]
    assert "Your appeal is sent: a moderator will look at your motion again." in text(response)
    assert Appeal.objects.get().motion == hidden


def test_a_bad_note_comes_back_kept_and_a_refusal_says_why(client, alice, member, hidden):
    client.force_login(alice)
    response = client.post(appeal_url(hidden), {"note": "n" * 501})
    assert response.status_code == 422 and f">{'n' * 501}</textarea>" in text(response)
    client.force_login(member)
    response = client.post(appeal_url(hidden), {"note": "Not mine"})
    page = text(response)
    assert response.status_code == 403 and "Only its author can appeal a motion" in page
    assert "Keyed motion title" not in page and "Keys open doors." not in page
    assert "Not mine</textarea>" in page
    assert not Appeal.objects.exists()


def test_the_appeal_page_of_no_such_motion_is_a_404(client, alice):
    client.force_login(alice)
    assert client.get(reverse("appeal_motion", args=["no-such-motion"])).status_code == 404


# --- The moderators' page ----------------------------------------------------------------------


def test_the_appeals_page_lists_a_motion_appeal_and_restores_it(client, alice, second, hidden):
    made = appeal(alice, hidden)
    client.force_login(second)
    page = text(client.get(appeals_url()))
    entry = page[page.index(f'id="appeal-{made.pk}"') :]
    assert "A motion, and its debate with it" in entry
    assert "<strong>Keyed motion title</strong>: Keys open doors." in entry
    assert "Hidden by <bdi>Mara</bdi>" in entry and "Off-topic motion" in entry
    assert f"target=motion&amp;target_id={hidden.pk}" in entry and NOTE in entry
    response = client.post(
        appeals_url(), {"appeal": made.pk, "act": "restore", "reason": "On topic"}, follow=True
    )
    assert "Motion restored. The appeal is upheld." in text(response)
    made.refresh_from_db()
    hidden.refresh_from_db()
    assert made.status == Appeal.Status.UPHELD and not hidden.is_hidden


def test_keep_hidden_from_the_appeals_page_declines_it(client, alice, second, hidden):
    made = appeal(alice, hidden)
    client.force_login(second)
    response = client.post(
        appeals_url(), {"appeal": made.pk, "act": "decline", "reason": "Off-topic"}, follow=True
    )
    assert "Appeal declined: the motion stays hidden, and its author is told why." in text(response)
    assert ModerationAction.objects.filter(action="decline_appeal", motion=hidden).exists()


# The user and whether they moderate, the nav's count and unread notifications, then the page:
# the count of open appeals, one page of them, and their hidings (tests/test_appeals.py).
APPEALS_PAGE_QUERIES = 7


@pytest.mark.parametrize("count", [1, 3])
def test_the_appeals_page_costs_the_same_with_motions_and_arguments(
    client, django_assert_num_queries, mara, second, count
):
    for _ in range(count):
        author = verified_user()
        motion = MotionFactory(author=author)
        moderation.hide_motion(moderator=mara, motion=motion, reason="Off-topic")
        appeal(author, motion)
        argument = ArgumentFactory(author=author)
        moderation.hide_argument(moderator=mara, argument=argument, reason="Spam")
        moderation.appeal_hidden_argument(author=author, argument=argument, note=NOTE)
    client.force_login(second)
    client.get(appeals_url())
    with django_assert_num_queries(APPEALS_PAGE_QUERIES):
        page = text(client.get(appeals_url()))
    assert page.count('value="decline"') == 2 * count and "Hidden by <bdi>Mara" in page


# --- Live: where her appeal stands ---------------------------------------------------------------


def own_motion_event(member_id, motion_id):
    ids = {"member_id": member_id, "motion_id": motion_id}
    return fanout.LiveEvent(1, None, events.MEMBER_OWN_MOTION, ids)


def test_appealing_and_declining_tell_her_own_channel_and_the_debate_nothing(
    recording_broker, django_capture_on_commit_callbacks, alice, second, hidden
):
    with django_capture_on_commit_callbacks(execute=True):
        made = appeal(alice, hidden)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.decline_appeal(moderator=second, appeal=made, reason="Still off-topic")
    mine = recording_broker.backlogs[fanout.member_channel(alice.pk)]
    own = [(e.motion_id, e.kind, e.ids) for e in mine if e.kind == events.MEMBER_OWN_MOTION]
    assert own == 2 * [
        (None, events.MEMBER_OWN_MOTION, {"member_id": alice.pk, "motion_id": hidden.pk})
    ]
    assert not recording_broker.backlogs.get(hidden.pk)
    assert not recording_broker.backlogs.get(fanout.HOME)


@pytest.mark.parametrize("decided", [False, True])
def test_her_pages_are_sent_where_her_appeal_stands_as_a_reload_shows_it(
    client, alice, second, hidden, decided
):
    made = appeal(alice, hidden)
    if decided:
        moderation.decline_appeal(moderator=second, appeal=made, reason="Still off-topic")
    sent = render_event(own_motion_event(alice.pk, hidden.pk), fanout.MEMBER)
    assert sent.startswith(
        f'<hx-partial hx-target="#appeal-state-motion-{hidden.pk}" hx-swap="outerHTML">'
    )
    client.force_login(alice)
    reload = text(client.get(hidden.get_absolute_url()))
    assert appeal_state(sent, hidden) == appeal_state(reload, hidden)
    said = "Your appeal was declined on" if decided else "Your appeal is waiting for a moderator."
    assert said in appeal_state(sent, hidden)


def test_a_member_or_motion_gone_is_sent_nothing(alice, hidden):
    assert render_event(own_motion_event(alice.pk + 1000, hidden.pk), fanout.MEMBER) == ""
    assert render_event(own_motion_event(alice.pk, hidden.pk + 1000), fanout.MEMBER) == ""


def test_her_live_pages_own_copy_of_the_motion_says_where_it_stands(client, alice, hidden):
    appeal(alice, hidden)
    client.force_login(alice)
    own = text(client.get(reverse("own_copy", args=[hidden.slug]) + "?motion"))
    assert "Your appeal is waiting for a moderator." in appeal_state(own, hidden)


# --- What an act in place and a live change bring ----------------------------------------------


def nav_count(html):
    return re.findall(r'Review queue <span class="badge site-nav__count">(\d+)</span>', html)


@pytest.mark.parametrize("page", ["argument", "motion"])
def test_hiding_in_place_on_a_debate_page_brings_the_navs_count(client, mara, page):
    flagged = [ArgumentFactory(), ArgumentFactory()]
    for argument in flagged:
        Flag.objects.create(flagger=verified_user(), argument=argument, reason="spam")
    client.force_login(mara)
    argument = flagged[0]
    where = (
        argument.get_absolute_url() if page == "argument" else argument.motion.get_absolute_url()
    )
    assert nav_count(text(client.get(where))) == ["2"]
    url = reverse("hide_argument", args=[argument.motion.slug, argument.pk])
    answer = text(client.post(url, {"reason": "Spam"}, headers=HTMX))
    assert '<hx-partial hx-target="#nav-queue" hx-swap="innerHTML">' in answer
    assert nav_count(answer) == nav_count(text(client.get(where))) == ["1"]
    # Restoring in place brings it too (the flags stay resolved).
    url = reverse("restore_argument", args=[argument.motion.slug, argument.pk])
    answer = text(client.post(url, {"reason": "Not spam"}, headers=HTMX))
    assert nav_count(answer) == nav_count(text(client.get(where))) == ["1"]


def test_an_authors_retraction_in_place_brings_no_nav(client, alice):
    argument = ArgumentFactory(author=alice)
    client.force_login(alice)
    url = reverse("retract_argument", args=[argument.motion.slug, argument.pk])
    answer = text(client.post(url, headers=HTMX))
    assert 'id="argument-' in answer and "#nav-queue" not in answer


@pytest.mark.parametrize("act", ["hide", "lock"])
def test_an_empty_debate_closed_live_no_longer_asks_for_a_first_argument(client, mara, act):
    motion = MotionFactory(title="Keyed motion title")
    before = text(client.get(motion.get_absolute_url()))
    assert "Be the first to argue for or against this motion." in before
    getattr(moderation, f"{act}_motion")(moderator=mara, motion=motion, reason="Off-topic")
    sent = render_event(fanout.LiveEvent(1, motion.pk, events.MOTION_CHANGED, {}), "motion")
    empty = r'<p class="empty empty--debate" id="debate-empty">.*?</p>'
    reload = text(client.get(motion.get_absolute_url()))
    assert (
        re.findall(empty, sent)
        == re.findall(empty, reload)
        == ['<p class="empty empty--debate" id="debate-empty">No arguments yet.</p>']
    )
    assert '<hx-partial hx-target="#debate-empty" hx-swap="outerHTML">' in sent
    assert Motion.objects.get(pk=motion.pk).is_hidden == (act == "hide")
