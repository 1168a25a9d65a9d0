"""The moderators' "Review queue N" badge stays true on their open pages: every act that makes
or closes a flag or an appeal rings each moderator's own channel, and her bell's event carries
the badge as a reload would show it (nobody else's does)."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts import suspension
from accounts.services import grant_moderator
from debates import bulk_moderation, events, moderation, moderation_queries
from debates.live import fanout
from debates.live.member import render_member_event
from tests.factories import ArgumentFactory, verified_user

pytestmark = pytest.mark.django_db

BADGE = '<hx-partial hx-target="#nav-queue" hx-swap="innerHTML">'
COUNT = '<span class="badge site-nav__count">'


@pytest.fixture
def other_mod(db):
    person = verified_user(display_name="Other Mod")
    grant_moderator(user=person)
    return person


def bell_event(member):
    return fanout.LiveEvent(1, None, events.MEMBER_NOTIFIED, {"member_id": member.pk})


def rung(broker, member) -> bool:
    backlog = broker.backlogs.get(fanout.member_channel(member.pk), ())
    return any(e.kind == events.MEMBER_NOTIFIED for e in backlog)


def test_a_moderators_bell_carries_the_badge_a_reload_shows(moderator, member):
    assert BADGE in render_member_event(bell_event(moderator))
    assert COUNT not in render_member_event(bell_event(moderator))  # none waits
    moderation.flag_claim(flagger=member, claim=ArgumentFactory(), reason="spam")
    html = render_member_event(bell_event(moderator))
    assert BADGE in html and f"{COUNT}1</span>" in html


def test_nobody_elses_bell_carries_it(member):
    moderation.flag_claim(flagger=verified_user(), claim=ArgumentFactory(), reason="spam")
    html = render_member_event(bell_event(member))
    assert 'hx-target="#bell-count"' in html
    assert "nav-queue" not in html


def test_moderator_ids_are_whose_nav_shows_the_queue(moderator, member):
    staff = verified_user(is_staff=True)
    direct = verified_user()
    moderate = Permission.objects.get(codename="moderate", content_type__app_label="accounts")
    direct.user_permissions.add(moderate)
    through_group = verified_user()
    group = Group.objects.create(name="Stewards")
    group.permissions.add(moderate)
    through_group.groups.add(group)
    gone = verified_user(is_staff=True, is_active=False)
    # A suspended moderator's nav still shows the queue's count (policy.moderates).
    suspended = verified_user()
    grant_moderator(user=suspended)
    suspension.suspend(user=suspended, days=7, reason="Cooling off")
    ids = moderation_queries.moderator_ids()
    moderators = (moderator, staff, direct, through_group, suspended)
    assert sorted(ids) == sorted(p.pk for p in moderators)
    assert all(p.is_moderator for p in moderators)
    assert not member.is_moderator and not gone.is_moderator


def test_flagging_dismissing_and_appealing_ring_every_moderator(
    recording_broker, django_capture_on_commit_callbacks, moderator, other_mod, author, member
):
    argument = ArgumentFactory(author=author)

    def rings_moderators(act):
        recording_broker.backlogs.clear()
        with django_capture_on_commit_callbacks(execute=True):
            act()
        assert rung(recording_broker, moderator) and rung(recording_broker, other_mod)
        assert not rung(recording_broker, member)

    rings_moderators(lambda: moderation.flag_claim(flagger=member, claim=argument, reason="spam"))
    rings_moderators(lambda: moderation.dismiss_flags(moderator=moderator, claim=argument))
    another = verified_user()
    rings_moderators(lambda: moderation.flag_claim(flagger=another, claim=argument, reason="abuse"))
    rings_moderators(
        lambda: moderation.hide_argument(moderator=moderator, argument=argument, reason="Abuse")
    )
    note = "It is not abuse."
    rings_moderators(
        lambda: moderation.appeal_hidden_argument(author=author, argument=argument, note=note)
    )
    appeal = moderation_queries.current_appeal(argument)
    rings_moderators(
        lambda: moderation.decline_appeal(moderator=other_mod, appeal=appeal, reason="No")
    )
    assert moderation_queries.waiting_for_review(other_mod) == 0


def test_restoring_an_appealed_claim_rings_every_moderator(
    recording_broker, django_capture_on_commit_callbacks, moderator, other_mod, author
):
    argument = ArgumentFactory(author=author)
    moderation.hide_argument(moderator=moderator, argument=argument, reason="Abuse")
    moderation.appeal_hidden_argument(author=author, argument=argument, note="Not abuse.")
    appeal = moderation_queries.current_appeal(argument)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.uphold_appeal(moderator=other_mod, appeal=appeal, reason="Fair point")
    assert rung(recording_broker, moderator) and rung(recording_broker, other_mod)


def test_a_second_flag_by_the_same_member_rings_nobody(
    recording_broker, django_capture_on_commit_callbacks, moderator, member
):
    argument = ArgumentFactory()
    moderation.flag_claim(flagger=member, claim=argument, reason="spam")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.flag_claim(flagger=member, claim=argument, reason="spam")
    assert not rung(recording_broker, moderator)


def test_a_bulk_hide_rings_each_moderator_a_couple_of_times_not_once_an_argument(
    recording_broker, django_capture_on_commit_callbacks, moderator, other_mod, member
):
    """A spam wave's arguments, all flagged, hidden in one act: its end tells the moderators that
    the queue changed, rather than each hide once more."""
    spam = ArgumentFactory.create_batch(6, author=member)
    for argument in spam:
        moderation.flag_claim(flagger=verified_user(), claim=argument, reason="spam")
    recording_broker.backlogs.clear()
    with django_capture_on_commit_callbacks(execute=True):
        bulk_moderation.hide_arguments_by(
            moderator=moderator, member=member, reason="Spam wave", days=None
        )
    backlog = recording_broker.backlogs.get(fanout.member_channel(other_mod.pk), ())
    told = [event for event in backlog if event.kind == events.MEMBER_NOTIFIED]
    assert 1 <= len(told) <= 2
    assert moderation_queries.waiting_for_review(other_mod) == 0
