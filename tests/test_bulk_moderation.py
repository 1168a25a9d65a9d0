"""After a spam wave: a moderator hides a member's arguments still shown in one act, the last
day's, the last 7 days' or all, each as one hide would be (flags upheld, logged, its author
told)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from debates import bulk_moderation, events, moderation, services
from debates.errors import DebateRuleError
from debates.live import fanout
from debates.models import Argument, Flag, ModerationAction
from notifications import mailing
from notifications import queries as notify_queries
from notifications import services as notify
from notifications.models import Notification
from tests.factories import ArgumentFactory, MotionFactory, verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def spammer():
    return verified_user(display_name="Spam Sam")


@pytest.fixture
def wave(spammer):
    """Spam Sam's arguments: two of today, one of three days ago, one of a month ago; one
    hidden already and one retracted, which stay as they are."""
    motion = MotionFactory()
    today = [
        ArgumentFactory(motion=motion, author=spammer, claim=f"Cheap watches {n}") for n in (1, 2)
    ]
    older = {}
    for days in (3, 30):
        argument = ArgumentFactory(motion=motion, author=spammer, claim=f"Old watches {days}")
        Argument.objects.filter(pk=argument.pk).update(
            created_at=timezone.now() - timedelta(days=days)
        )
        older[days] = argument
    hidden = ArgumentFactory(motion=motion, author=spammer, claim="Hidden watches")
    Argument.objects.filter(pk=hidden.pk).update(visibility="hidden", hidden_reason="Spam")
    retracted = ArgumentFactory(motion=motion, author=spammer, claim="Retracted watches")
    services.retract_argument(author=spammer, argument=retracted)
    return {"today": today, "older": older, "motion": motion}


def url(person):
    return reverse("hide_member_arguments", args=[person.pk])


def visibility(arguments):
    return [Argument.objects.get(pk=argument.pk).visibility for argument in arguments]


def test_the_last_days_arguments_are_hidden_and_no_others(moderator, spammer, wave):
    someone_else = ArgumentFactory(motion=wave["motion"], claim="A fair point")
    flagged = wave["today"][0]
    moderation.flag_claim(flagger=verified_user(), claim=flagged, reason="spam")
    outcome = bulk_moderation.hide_arguments_by(
        moderator=moderator, member=spammer, reason="Spam wave", days=1
    )
    assert outcome.changed and outcome.message == "2 arguments by Spam Sam hidden."
    assert visibility(wave["today"]) == ["hidden", "hidden"]
    assert visibility(wave["older"].values()) == ["visible", "visible"]
    assert visibility([someone_else]) == ["visible"]
    # Each hidden as one hide would be: logged with the reason, its flags upheld; its author is
    # told once, by the first entry's notice, which counts them all.
    entries = ModerationAction.objects.filter(action="hide").order_by("id")
    assert [entry.argument_id for entry in entries] == [a.pk for a in wave["today"]]
    assert {entry.reason for entry in entries} == {"Spam wave"}
    assert Flag.objects.get().status == "actioned"
    assert entries.get(argument=flagged).flags_resolved == 1
    first, second = entries
    assert (first.batch_id, second.batch_id) == (None, first.pk)
    [notice] = Notification.objects.filter(recipient=spammer, kind="moderation")
    assert (notice.action_id, notice.argument_id, notice.acts) == (first.pk, first.argument_id, 2)


@pytest.mark.parametrize(("days", "hidden"), [(7, 3), (None, 4)])
def test_a_wider_window_reaches_further_back(moderator, spammer, wave, days, hidden):
    outcome = bulk_moderation.hide_arguments_by(
        moderator=moderator, member=spammer, reason="Spam wave", days=days
    )
    assert outcome.message == f"{hidden} arguments by Spam Sam hidden."
    assert Argument.objects.filter(author=spammer, visibility="hidden").count() == hidden + 1
    assert Argument.objects.filter(author=spammer, visibility="retracted").count() == 1


def test_nothing_shown_changes_nothing(moderator, spammer):
    outcome = bulk_moderation.hide_arguments_by(
        moderator=moderator, member=spammer, reason="Spam wave", days=None
    )
    assert not outcome.changed and "nothing changed" in outcome.message
    assert not ModerationAction.objects.exists()


def test_only_moderators_and_never_on_their_own(moderator, member, spammer, wave):
    with pytest.raises(DebateRuleError) as refused:
        bulk_moderation.hide_arguments_by(moderator=member, member=spammer, reason="X", days=1)
    assert refused.value.status == 403
    ArgumentFactory(author=moderator)
    with pytest.raises(DebateRuleError) as refused:
        bulk_moderation.hide_arguments_by(moderator=moderator, member=moderator, reason="X", days=1)
    assert refused.value.status == 403 and "retract them" in refused.value.message
    assert visibility(wave["today"]) == ["visible", "visible"]


def test_the_page_counts_each_window(client, moderator, spammer, wave, django_assert_num_queries):
    client.force_login(moderator)
    client.get(url(spammer))
    # Session with its user, is_moderator, the person, the counts, the nav's flag count, the bell.
    with django_assert_num_queries(6):
        page = client.get(url(spammer)).content.decode()
    assert "Which of their shown arguments (4)" in page
    assert "Posted in the last day (2)" in page and "Posted in the last 7 days (3)" in page
    assert "All of them (4)" in page
    assert "checked" not in page


def test_the_page_hides_and_goes_back_to_the_profile(client, moderator, spammer, wave):
    client.force_login(moderator)
    response = client.post(url(spammer), {"window": "7", "reason": "Spam wave"}, follow=True)
    assert response.redirect_chain[-1][0] == spammer.get_absolute_url()
    assert "3 arguments by Spam Sam hidden." in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"window": "7", "reason": ""}, "reason", "reason"),
        ({"window": "365", "reason": "Spam wave"}, "window", "Choose which of their arguments"),
        ({"reason": "Spam wave"}, "window", "Choose which of their arguments"),
    ],
)
def test_bad_input_says_what_and_keeps_what_was_typed(
    client, moderator, spammer, wave, data, field, message
):
    client.force_login(moderator)
    response = client.post(url(spammer), data)
    page = response.content.decode()
    assert response.status_code in (400, 422) and message in page
    if data.get("reason"):
        assert 'value="Spam wave"' in page
    if data.get("window") == "7":
        assert re.search(r'value="7" required checked', page)
    assert not ModerationAction.objects.exists()


def test_the_profile_offers_it_to_moderators_on_others_only(client, moderator, member, spammer):
    client.force_login(moderator)
    assert "Hide their arguments" in client.get(spammer.get_absolute_url()).content.decode()
    assert "Hide their arguments" not in client.get(moderator.get_absolute_url()).content.decode()
    assert client.get(url(moderator)).status_code == 403
    client.force_login(member)
    assert "Hide their arguments" not in client.get(spammer.get_absolute_url()).content.decode()
    assert client.get(url(spammer)).status_code == 403


def test_a_member_with_nothing_shown_gets_no_form(client, moderator, spammer):
    client.force_login(moderator)
    page = client.get(url(spammer)).content.decode()
    assert "there is nothing to hide" in page and '<form method="post" class="form"' not in page


def test_the_queue_leads_from_a_flagged_argument_to_its_authors_others(
    client, moderator, spammer, wave
):
    moderation.flag_claim(flagger=verified_user(), claim=wave["today"][0], reason="spam")
    client.force_login(moderator)
    page = client.get(reverse("moderation_queue")).content.decode()
    assert f'<a href="{url(spammer)}">Hide all their arguments</a>' in page


def test_its_author_is_told_once_in_the_inbox_the_bell_and_the_digest(
    client,
    moderator,
    spammer,
    wave,
    mailoutbox,
    recording_broker,
    django_capture_on_commit_callbacks,
):
    """One notice for the act, saying how many: a spam wave's author, or a member hidden in
    bulk by mistake, is not sent one per argument; restoring one is still told on its own."""
    with django_capture_on_commit_callbacks(execute=True):
        bulk_moderation.hide_arguments_by(
            moderator=moderator, member=spammer, reason="Spam wave", days=None
        )
    rung = recording_broker.backlogs[fanout.member_channel(spammer.pk)]
    assert [event.kind for event in rung] == [events.MEMBER_NOTIFIED]

    client.force_login(spammer)
    page = client.get(reverse("notifications")).content.decode()
    said = " ".join(re.sub(r"<[^>]+>", "", page).split())
    assert "Your argument “Cheap watches 1” and 3 more were hidden by a moderator" in said
    assert "Your argument “Cheap watches 2”" not in said
    assert notify_queries.unread_count(spammer) == 1
    # Each may be appealed on its own page, so the notice leads to every one, not the first only.
    others = re.search(r'<details class="notification__batch">(.*?)</details>', page, re.S)[1]
    assert "<summary>The other 3</summary>" in others
    linked = re.findall(r'<a href="([^"]+)">“<bdi>([^<]+)</bdi>”</a>', others)
    assert linked == [
        (argument.get_absolute_url(), argument.claim)
        for argument in [wave["today"][1], wave["older"][3], wave["older"][30]]
    ]

    moderation.restore_argument(moderator=moderator, argument=wave["today"][1], reason="Fine")
    notices = Notification.objects.filter(recipient=spammer).order_by("id")
    assert [notice.acts for notice in notices] == [4, 1]

    notify.save_preferences(member=spammer, follow_own=True, email_replies=False, digest="daily")
    mailing.send_due_digests()
    [mail] = [mail for mail in mailoutbox if mail.to == [spammer.email]]
    assert "Your argument “Cheap watches 1” and 3 more were hidden by a moderator" in mail.body
    assert "Your argument “Cheap watches 2” was restored" in mail.body


def test_one_hide_is_told_as_before(client, moderator, spammer, wave):
    moderation.hide_argument(moderator=moderator, argument=wave["today"][0], reason="Spam")
    client.force_login(spammer)
    said = " ".join(re.sub(r"<[^>]+>", "", client.get(reverse("notifications")).text).split())
    assert "Your argument “Cheap watches 1” was hidden by a moderator" in said
    assert "more were" not in said


def test_the_inbox_names_a_batch_at_a_constant_cost(
    client, moderator, spammer, wave, django_assert_num_queries
):
    """The other arguments of every batch come in one query, however many batches and entries."""
    bulk_moderation.hide_arguments_by(moderator=moderator, member=spammer, reason="Spam", days=1)
    client.force_login(spammer)
    # the user, the moderator check, the bell, the count, the page and the batches' entries
    with django_assert_num_queries(6):
        client.get(reverse("notifications"))
    motion = MotionFactory()
    for n in range(4):
        ArgumentFactory(motion=motion, author=spammer, claim=f"More watches {n}")
    bulk_moderation.hide_arguments_by(moderator=moderator, member=spammer, reason="Spam", days=1)
    with django_assert_num_queries(6):
        page = client.get(reverse("notifications")).text
    assert page.count('class="notification__batch"') == 2
