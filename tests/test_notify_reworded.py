"""An argument reworded by its author tells who answered it and who follows it (issue 21's walk):
once per argument however often it is reworded, unread again after each new rewording, never
its author, and while it or what it answers is hidden or withdrawn, moderators alone."""

import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from debates import events, moderation, services, voting
from debates.live import fanout
from notifications import mailing, queries
from notifications import services as notify
from notifications.models import Notification, Preferences
from tests.factories import ArgumentFactory, MotionFactory, verified_user

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


@pytest.fixture
def alice():
    return verified_user(display_name="Alice Archer")


@pytest.fixture
def bob():
    return verified_user(display_name="Bob Baker")


@pytest.fixture
def carol():
    return verified_user(display_name="Carol Cole")


@pytest.fixture
def motion(carol):
    return MotionFactory(author=carol, title="Ports")


@pytest.fixture
def alices(alice, motion):
    """Alice's argument on Carol's motion."""
    return ArgumentFactory(author=alice, motion=motion, claim="Night shifts cost little.")


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """Post as the site does, committed, so every listener hears of it."""
    claims = itertools.count(1)

    def posting(author, parent, details=""):
        with django_capture_on_commit_callbacks(execute=True):
            argument, _ = services.post_argument(
                author=author,
                motion=parent.motion,
                parent=parent,
                stance="con",
                claim=f"I disagree, for reason {next(claims)}.",
                details=details,
            )
        return argument

    return posting


@pytest.fixture
def reword(django_capture_on_commit_callbacks):
    """Edit as the site does, committed, so every listener hears of it."""

    def rewording(argument, claim, details=""):
        with django_capture_on_commit_callbacks(execute=True):
            return services.edit_argument(
                editor=argument.author, argument=argument, claim=claim, details=details
            )

    return rewording


@pytest.fixture
def committed_retract(django_capture_on_commit_callbacks):
    def retract(argument):
        with django_capture_on_commit_callbacks(execute=True):
            services.retract_argument(author=argument.author, argument=argument)

    return retract


def told(person):
    return sorted(Notification.objects.filter(recipient=person).values_list("kind", "argument_id"))


def kinds_of(person, argument):
    """What `person` was told of `argument`."""
    found = Notification.objects.filter(recipient=person, argument=argument)
    return sorted(found.values_list("kind", flat=True))


def reworded(person, argument):
    return Notification.objects.get(recipient=person, argument=argument, kind=Kind.REWORDED)


# --- Who is told -------------------------------------------------------------------------------


def test_who_answered_it_is_told_and_its_author_is_not(post, reword, alice, bob, alices):
    post(bob, alices)
    assert told(bob) == []
    reword(alices, "Night shifts cost less than idle berths.")
    assert told(bob) == [(Kind.REWORDED, alices.pk)]
    assert Kind.REWORDED not in [kind for kind, _ in told(alice)]


def test_who_answered_it_is_told_though_they_follow_nothing(post, reword, bob, alices):
    notify.save_preferences(member=bob, follow_own=False, email_replies=True, digest="off")
    post(bob, alices)
    assert not queries.is_following(bob, alices)
    reword(alices, "Night shifts cost less than idle berths.")
    assert told(bob) == [(Kind.REWORDED, alices.pk)]


def test_who_voted_on_it_is_told_though_nobody_answered_it(reword, alice, bob, alices):
    """The walk: a voter's agreement stood beside words she never voted on, and nobody said."""
    voting.cast_vote(voter=bob, claim=alices, choice="agree")
    reword(alices, "Night shifts cost less than idle berths.")
    assert told(bob) == [(Kind.REWORDED, alices.pk)]
    assert Kind.REWORDED not in [kind for kind, _ in told(alice)]


def test_who_withdrew_her_vote_is_not_told(reword, bob, alices):
    voting.cast_vote(voter=bob, claim=alices, choice="agree")
    voting.cast_vote(voter=bob, claim=alices, choice="agree")  # again: withdrawn
    reword(alices, "Night shifts cost less than idle berths.")
    assert told(bob) == []


def test_its_followers_are_told_and_who_unfollowed_it_is_not(post, reword, bob, alices):
    dave = verified_user(display_name="Dave Dunn")
    erin = verified_user(display_name="Erin Eve")
    notify.set_following(member=dave, claim=alices, following=True)
    notify.set_following(member=erin, claim=alices, following=True)
    notify.set_following(member=erin, claim=alices, following=False)
    post(bob, alices)
    Notification.objects.all().delete()
    reword(alices, "Night shifts cost less than idle berths.")
    assert told(dave) == [(Kind.REWORDED, alices.pk)]
    assert told(erin) == []


def test_never_its_author_though_she_answered_and_follows_it(post, reword, alice, bob, alices):
    post(bob, alices)
    post(alice, alices)
    notify.set_following(member=alice, claim=alices, following=True)
    Notification.objects.all().delete()
    reword(alices, "Night shifts cost less than idle berths.")
    assert told(alice) == [] and told(bob) == [(Kind.REWORDED, alices.pk)]


def test_who_withdrew_their_answer_or_had_it_hidden_is_not_told(
    post, committed_retract, reword, bob, carol, alices, moderator
):
    dave = verified_user(display_name="Dave Dunn")
    for person in (bob, carol):
        notify.save_preferences(member=person, follow_own=False, email_replies=True, digest="off")
    withdrawn, hidden = post(bob, alices), post(carol, alices)
    post(dave, alices)
    committed_retract(withdrawn)
    moderation.hide_argument(moderator=moderator, argument=hidden, reason="Abuse")
    reword(alices, "Night shifts cost less than idle berths.")
    assert told(dave) == [(Kind.REWORDED, alices.pk)]
    assert Kind.REWORDED not in [kind for kind, _ in told(bob) + told(carol)]


def test_reworded_before_any_shown_answer_it_tells_nobody(
    post, committed_retract, reword, bob, alices
):
    dave = verified_user(display_name="Dave Dunn")
    notify.set_following(member=dave, claim=alices, following=True)
    reword(alices, "Night shifts cost less than idle berths.")
    committed_retract(post(bob, alices))
    reword(alices, "Night shifts cost less than an idle berth.")
    assert not Notification.objects.filter(kind=Kind.REWORDED).exists()


def test_only_active_members_are_told(post, reword, bob, alices):
    post(bob, alices)
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    reword(alices, "Night shifts cost less than idle berths.")
    assert told(bob) == []


def test_under_a_hidden_claim_only_moderators_are_told(post, reword, alice, bob, moderator):
    """Alice's argument answers Carol's, which a moderator hid: her argument may still be
    reworded, but of it only moderators are told (debates.policy.told_of)."""
    parent = ArgumentFactory(claim="Ports should close at dusk.")
    alices = ArgumentFactory(author=alice, motion=parent.motion, parent=parent)
    post(bob, alices)
    post(moderator, alices)
    moderation.hide_argument(moderator=moderator, argument=parent, reason="Spam")
    Notification.objects.all().delete()
    reword(alices, "Night shifts cost less than idle berths.")
    assert told(bob) == [] and told(moderator) == [(Kind.REWORDED, alices.pk)]


def test_a_hidden_argument_s_rewording_heard_late_tells_only_moderators(
    post, reword, bob, alices, moderator
):
    post(bob, alices)
    post(moderator, alices)
    Notification.objects.all().delete()
    services.edit_argument(editor=alices.author, argument=alices, claim="Reworded, unheard.")
    moderation.hide_argument(moderator=moderator, argument=alices, reason="Abuse")
    Notification.objects.filter(kind=Kind.MODERATION).delete()
    told_now = notify.notify_of_rewording(argument_id=alices.pk)
    assert [n.recipient for n in told_now] == [moderator] and told(bob) == []


# --- One notice, unread again ------------------------------------------------------------------


def test_a_new_rewording_brings_the_one_notice_back_unread(post, reword, bob, alices):
    post(bob, alices)
    reword(alices, "Night shifts cost less than idle berths.")
    first = reworded(bob, alices)
    notify.mark_read(member=bob, notification_id=first.pk)
    Notification.objects.filter(pk=first.pk).update(emailed_at=timezone.now())
    assert queries.unread_count(bob) == 0

    reword(alices, "Night shifts cost less than an idle berth.")
    again = reworded(bob, alices)
    assert again.pk == first.pk and again.read_at is None and again.emailed_at is None
    assert again.created_at > first.created_at >= alices.created_at
    assert queries.unread_count(bob) == 1
    # Ten typo fixes are one notice.
    for n in range(3):
        reword(alices, f"Night shifts cost less than an idle berth ({n}).")
    assert told(bob) == [(Kind.REWORDED, alices.pk)] and queries.unread_count(bob) == 1


def test_a_rewording_heard_twice_tells_nobody_again(post, reword, bob, alices):
    post(bob, alices)
    reword(alices, "Night shifts cost less than idle berths.")
    notice = reworded(bob, alices)
    notify.mark_read(member=bob, notification_id=notice.pk)
    assert notify.notify_of_rewording(argument_id=alices.pk) == []
    assert reworded(bob, alices).read_at is not None


def test_only_the_authors_edit_tells_not_later_changes_to_the_argument(
    post, committed_retract, reword, bob, alices, moderator, django_capture_on_commit_callbacks
):
    """Withdrawing and moderating announce a changed argument too: those tell of no
    rewording, not even whoever began following it after the edit."""
    post(bob, alices)
    reword(alices, "Night shifts cost less than idle berths.")
    notify.mark_all_read(member=bob)
    dave = verified_user(display_name="Dave Dunn")
    notify.set_following(member=dave, claim=alices, following=True)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.hide_argument(moderator=moderator, argument=alices, reason="Check")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.restore_argument(moderator=moderator, argument=alices, reason="Fine")
    committed_retract(alices)
    assert queries.unread_count(bob) == 0 and told(dave) == []


def test_an_edit_that_changes_no_wording_tells_nobody(post, reword, bob, alices):
    post(bob, alices)
    reword(alices, "  Night shifts   cost little. ")  # the same claim, as it is stored
    assert told(bob) == []


# --- Alongside the other notices ---------------------------------------------------------------


def test_a_reply_or_mention_and_a_rewording_of_one_argument_are_both_told(
    post, reword, bob, carol, alices
):
    """Carol was told of Alice's argument as its motion's author, and answered it; Bob answered
    it, and a later rewording names him: each hears of the rewording besides."""
    notify.notify_of_argument(argument_id=alices.pk, posted=True)
    post(carol, alices)
    post(bob, alices)
    reword(alices, "Night shifts cost less than idle berths.")
    assert kinds_of(carol, alices) == [Kind.REPLY, Kind.REWORDED]
    assert kinds_of(bob, alices) == [Kind.REWORDED]
    reword(alices, "Night shifts cost less than a berth.", details="Ask @Bob Baker.")
    assert kinds_of(bob, alices) == [Kind.MENTION, Kind.REWORDED]
    # A mention on a later edit is still told once, the rewording's notice notwithstanding.
    dave = verified_user(display_name="Dave Dunn")
    reword(alices, "Night shifts cost less.", details="Ask @Bob Baker and @Dave Dunn.")
    assert kinds_of(bob, alices) == [Kind.MENTION, Kind.REWORDED]
    assert kinds_of(dave, alices) == [Kind.MENTION]


def test_the_rewording_rings_each_recipients_bell(recording_broker, post, reword, bob, alices):
    post(bob, alices)
    channel = fanout.member_channel(bob.pk)
    assert channel not in recording_broker.backlogs
    reword(alices, "Night shifts cost less than idle berths.")
    reword(alices, "Night shifts cost less than an idle berth.")
    rung = list(recording_broker.backlogs[channel])
    assert [(e.kind, e.ids) for e in rung] == [(events.MEMBER_NOTIFIED, {"member_id": bob.pk})] * 2


# --- How it reads ------------------------------------------------------------------------------


def test_the_inbox_says_who_reworded_what_and_links_its_history(
    client, post, reword, bob, alices, django_assert_num_queries
):
    post(bob, alices)
    reword(alices, "Night shifts cost less than idle berths.")
    notice = reworded(bob, alices)
    client.force_login(bob)
    with django_assert_num_queries(5):  # as test_notifications_pages pins the inbox
        page = client.get(reverse("notifications")).content.decode()
    assert "<bdi>Alice Archer</bdi> reworded an argument you answered, voted on or follow:" in page
    assert (
        f'<a href="{reverse("notification_open", args=[notice.pk])}">'
        "“<bdi>Night shifts cost less than idle berths.</bdi>”</a>"
    ) in page
    history = reverse("argument_history", args=[alices.motion.slug, alices.pk])
    assert f'<a href="{history}">See what changed</a>' in page
    assert "Night shifts cost little." in client.get(history).content.decode()


def test_the_inbox_names_nothing_of_a_reworded_argument_withdrawn_since(
    client, post, reword, committed_retract, bob, alices
):
    post(bob, alices)
    reword(alices, "Night shifts cost less than idle berths.")
    committed_retract(alices)
    client.force_login(bob)
    page = client.get(reverse("notifications")).content.decode()
    assert "Someone reworded an argument you answered, voted on or follow:" in page
    assert "an argument that is no longer shown" in page
    assert "idle berths" not in page and "See what changed" not in page


def test_the_digest_tells_of_the_rewording_and_no_mail_goes_at_once(
    post, reword, bob, alices, mailoutbox, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    post(bob, alices)
    mailoutbox.clear()  # Alice's reply mail
    reword(alices, "Night shifts cost less than idle berths.")
    assert mailoutbox == []
    Preferences.objects.update_or_create(member=bob, defaults={"digest": "daily"})
    mailing.send_due_digests()
    [mail] = [mail for mail in mailoutbox if mail.to == [bob.email]]
    assert (
        "Alice Archer reworded an argument you answered, voted on or follow: "
        "“Night shifts cost less than idle berths.” in Ports"
    ) in mail.body
