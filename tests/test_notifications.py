"""Notifications (issue 21): every rule of who is told of what, the never cases, one per event,
following, reading, and the bell's live event."""

import itertools

import pytest

from debates import events, moderation, services
from debates.live import fanout
from debates.models import Flag
from notifications import queries
from notifications import services as notify
from notifications.models import Follow, Notification, Preferences
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
    return MotionFactory(author=carol)


@pytest.fixture
def alices(alice, motion):
    """Alice's argument on Carol's motion."""
    return ArgumentFactory(author=alice, motion=motion)


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """Post as the site does, committed, so every listener hears of it."""

    claims = itertools.count(1)

    def posting(author, parent=None, motion=None, details="", stance="con", claim=None):
        # A fresh claim each time: the same post sent again is taken for a repeat, not a reply.
        claim = claim or f"I disagree, for reason {next(claims)}."
        with django_capture_on_commit_callbacks(execute=True):
            argument, _ = services.post_argument(
                author=author,
                motion=motion or parent.motion,
                parent=parent,
                stance=stance,
                claim=claim,
                details=details,
            )
        return argument

    return posting


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(write, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(**kwargs)

    return run


def told(person):
    return list(Notification.objects.filter(recipient=person).values_list("kind", "argument_id"))


# --- Replies -----------------------------------------------------------------------------------


def test_a_reply_to_an_argument_tells_its_author(post, alice, bob, alices):
    reply = post(bob, parent=alices)
    assert told(alice) == [(Kind.REPLY, reply.pk)]
    assert told(bob) == []


def test_a_reply_to_a_motion_tells_its_author(post, bob, carol, motion):
    reply = post(bob, motion=motion, stance="pro")
    assert told(carol) == [(Kind.REPLY, reply.pk)]


def test_never_for_ones_own_reply(post, alice, alices, motion):
    post(alice, parent=alices)
    post(alice, motion=motion, details="@Alice Archer says so")
    assert told(alice) == []


def test_one_notification_per_event_by_the_most_personal_reason(post, alice, bob, alices):
    notify.set_following(member=alice, claim=alices.motion, following=True)
    notify.set_following(member=alice, claim=alices, following=True)
    reply = post(bob, parent=alices, details="What do you say, @Alice Archer?")
    assert told(alice) == [(Kind.REPLY, reply.pk)]
    # The same event heard twice (a second listener, a retried handler) tells nobody again.
    assert notify.notify_of_argument(argument_id=reply.pk, posted=True) == []
    assert Notification.objects.filter(recipient=alice).count() == 1


# --- Mentions ----------------------------------------------------------------------------------


def test_a_mention_tells_the_member_named_and_links_their_profile(post, alice, bob, motion):
    reply = post(bob, motion=motion, details="As @Alice Archer, said: and @Nobody Here agrees.")
    assert told(alice) == [(Kind.MENTION, reply.pk)]
    assert f'<a class="mention" href="{alice.get_absolute_url()}">@Alice Archer</a>,' in (
        reply.details_html
    )
    assert "@Nobody Here" in reply.details_html and reply.details_html.count("<a ") == 1


@pytest.mark.parametrize(
    "after", ["\u060c", "\u061b", "\u061f", "\u0589", "\u05c3", "\u3001", "\u3002"]
)
def test_a_name_followed_by_another_scripts_punctuation_is_a_mention(post, bob, motion, after):
    # An Arabic comma, semicolon or question mark, an Armenian full stop, a Hebrew sof pasuq, an
    # ideographic comma or full stop: the name ends where the punctuation begins.
    amina = verified_user(
        display_name="\u0623\u0645\u064a\u0646\u0629 \u0627\u0644\u062d\u0633\u064a\u0646\u064a"
    )
    reply = post(
        bob, motion=motion, details=f"@{amina.display_name}{after} \u0634\u0643\u0631\u0627\u064b"
    )
    assert told(amina) == [(Kind.MENTION, reply.pk)]
    assert (
        f'href="{amina.get_absolute_url()}">@{amina.display_name}</a>{after}' in reply.details_html
    )


def test_a_mention_finds_a_look_alike_spelling_and_the_longest_name(post, bob, motion):
    ann = verified_user(display_name="Ann")
    ann_lee = verified_user(display_name="Ann Lee")
    # A Cyrillic capital A (U+0410) opens "Ann Lee": the names' look-alike key still finds her.
    reply = post(bob, motion=motion, details="Ask @\u0410nn Lee about it.")
    assert told(ann_lee) == [(Kind.MENTION, reply.pk)]
    assert told(ann) == []


def test_mentions_in_code_or_links_are_not_linked(post, alice, bob, motion):
    details = "`@Alice Archer` and [@Alice Archer](https://x.org/@Alice)"
    reply = post(bob, motion=motion, details=details)
    assert 'class="mention"' not in reply.details_html
    assert '<a href="https://x.org/@Alice" rel="nofollow ugc noopener">' in reply.details_html
    # Still a mention in code: she is named as written.
    assert told(alice) == [(Kind.MENTION, reply.pk)]


def test_an_email_address_is_no_mention(post, alice, bob, motion):
    verified_user(display_name="example")
    post(bob, motion=motion, details="Write to bob@example.org")
    assert Notification.objects.count() == 1  # Carol, the motion's author


def test_an_edit_tells_who_it_newly_mentions_once(post, committed, alice, bob, motion):
    reply = post(bob, motion=motion)
    committed(
        services.edit_argument, editor=bob, argument=reply, claim="Better.", details="@Alice Archer"
    )
    committed(
        services.edit_argument, editor=bob, argument=reply, claim="Best.", details="@Alice Archer!"
    )
    assert told(alice) == [(Kind.MENTION, reply.pk)]


def test_an_edit_racing_another_handler_still_tells_the_rest(
    post, alice, bob, carol, motion, monkeypatch
):
    """Two handlers at once (the post's and an edit's, in two processes): the other tells Alice
    between this one's read of who was told and its insert; Dave is told all the same."""
    dave = verified_user(display_name="Dave Dunn")
    reply = post(bob, motion=motion)
    reply.details = "@Alice Archer and @Dave Dunn"
    reply.save()
    real_bulk_create = Notification.objects.bulk_create

    def racing(notifications, **kwargs):
        Notification.objects.create(recipient=alice, argument=reply, kind=Kind.MENTION)
        return real_bulk_create(notifications, **kwargs)

    monkeypatch.setattr(Notification.objects, "bulk_create", racing)
    notify.notify_of_argument(argument_id=reply.pk, posted=False)
    assert told(dave) == [(Kind.MENTION, reply.pk)]
    assert told(alice) == [(Kind.MENTION, reply.pk)]


# --- Following ---------------------------------------------------------------------------------


def test_followers_of_an_argument_hear_of_its_replies(post, alice, bob, carol, alices):
    dave = verified_user(display_name="Dave Dunn")
    notify.set_following(member=dave, claim=alices, following=True)
    reply = post(bob, parent=alices)
    assert told(dave) == [(Kind.FOLLOWED, reply.pk)]
    # Replies further down are not replies to the argument Dave follows.
    post(carol, parent=reply)
    assert len(told(dave)) == 1


def test_followers_of_a_motion_hear_of_every_argument_in_it(post, alice, bob, alices, motion):
    dave = verified_user(display_name="Dave Dunn")
    notify.set_following(member=dave, claim=motion, following=True)
    top = post(bob, motion=motion)
    deep = post(bob, parent=alices)
    assert sorted(told(dave)) == [(Kind.FOLLOWED, top.pk), (Kind.FOLLOWED, deep.pk)]


def test_members_follow_what_they_reply_to_and_what_they_wrote(post, alice, bob, carol, alices):
    reply = post(bob, parent=alices)
    assert queries.is_following(bob, alices) and queries.is_following(alice, alices)
    assert queries.is_following(carol, alices.motion)  # her own motion
    later = post(verified_user(), parent=alices)
    assert (Kind.FOLLOWED, later.pk) in told(bob)
    # Carol wrote the motion: every argument in it is news to her.
    assert (Kind.FOLLOWED, reply.pk) in told(carol)


def test_following_what_one_wrote_or_answered_can_be_turned_off(post, alice, bob, carol, alices):
    for member in (bob, carol):
        notify.save_preferences(member=member, follow_own=False, email_replies=True, digest="off")
    post(bob, parent=alices)
    assert not queries.is_following(bob, alices)
    post(verified_user(), parent=alices)
    assert told(bob) == [] and told(carol) == []


def test_an_unfollow_outlasts_replying_again(post, alice, bob, alices):
    post(bob, parent=alices)
    notify.set_following(member=bob, claim=alices, following=False)
    post(bob, parent=alices)
    assert not queries.is_following(bob, alices)
    post(verified_user(), parent=alices)
    assert told(bob) == []
    notify.set_following(member=alice, claim=alices, following=False)
    assert not queries.is_following(alice, alices)
    # Unfollowing never silences a reply to oneself.
    reply = post(bob, parent=alices)
    assert (Kind.REPLY, reply.pk) in told(alice)


def test_nobody_follows_what_they_may_not_read(alice, bob, alices, moderator):
    moderation.hide_argument(moderator=moderator, argument=alices, reason="Spam")
    with pytest.raises(Exception, match="nothing here to follow"):
        notify.set_following(member=bob, claim=alices, following=True)
    assert notify.set_following(member=alice, claim=alices, following=False)


# --- Hidden and withdrawn: nobody but moderators ----------------------------------------------


@pytest.fixture
def watchers(alices, moderator):
    """Alice (the parent's author), a member and a moderator following the motion."""
    member = verified_user(display_name="Watcher Wu")
    for person in (member, moderator):
        notify.set_following(member=person, claim=alices.motion, following=True)
    return member


def test_a_reply_under_a_hidden_claim_tells_only_moderators(
    alice, bob, alices, moderator, watchers
):
    reply = ArgumentFactory(author=bob, parent=alices, motion=alices.motion)
    moderation.hide_argument(moderator=moderator, argument=alices, reason="Spam")
    Notification.objects.all().delete()
    notify.notify_of_argument(argument_id=reply.pk, posted=True)
    assert told(alice) == [] and told(watchers) == []
    assert told(moderator) == [(Kind.FOLLOWED, reply.pk)]


def test_a_reply_under_a_retracted_claim_tells_only_moderators(
    committed, alice, bob, alices, moderator, watchers
):
    reply = ArgumentFactory(author=bob, parent=alices, motion=alices.motion)
    committed(services.retract_argument, author=alice, argument=alices)
    notify.notify_of_argument(argument_id=reply.pk, posted=True)
    assert told(alice) == [] and told(watchers) == []
    assert told(moderator) == [(Kind.FOLLOWED, reply.pk)]


def test_a_hidden_reply_tells_only_moderators(alice, bob, alices, moderator, watchers):
    reply = ArgumentFactory(author=bob, parent=alices, motion=alices.motion)
    moderation.hide_argument(moderator=moderator, argument=reply, reason="Abuse")
    Notification.objects.all().delete()
    notify.notify_of_argument(argument_id=reply.pk, posted=True)
    assert told(alice) == [] and told(watchers) == []
    assert told(moderator) == [(Kind.FOLLOWED, reply.pk)]


def test_a_reply_in_a_hidden_motion_tells_only_moderators(alice, bob, alices, moderator, watchers):
    reply = ArgumentFactory(author=bob, parent=alices, motion=alices.motion)
    moderation.hide_motion(moderator=moderator, motion=alices.motion, reason="Off-topic")
    notify.notify_of_argument(argument_id=reply.pk, posted=True)
    assert told(alice) == [] and told(watchers) == []
    assert told(moderator) == [(Kind.FOLLOWED, reply.pk)]


# --- Moderators' acts --------------------------------------------------------------------------


def test_a_moderators_act_tells_the_author_or_the_member(alice, alices, moderator, motion, carol):
    moderation.hide_argument(moderator=moderator, argument=alices, reason="Insult")
    moderation.lock_motion(moderator=moderator, motion=motion, reason="Heated")
    moderation.suspend_user(moderator=moderator, user=alice, days=3, reason="Spam")
    acts = Notification.objects.filter(kind=Kind.MODERATION).order_by("id")
    assert [(n.recipient, n.action.action) for n in acts] == [
        (alice, "hide"),
        (carol, "lock"),
        (alice, "suspend"),
    ]
    assert acts[0].argument == alices and acts[1].motion == motion


def test_never_for_a_moderators_act_on_their_own_content_nor_dismissed_flags(
    alice, alices, moderator, bob
):
    own = ArgumentFactory(author=moderator, motion=alices.motion)
    moderation.hide_argument(moderator=moderator, argument=own, reason="Mine")
    Flag.objects.create(flagger=bob, argument=alices, reason="spam")
    moderation.dismiss_flags(moderator=moderator, claim=alices)
    assert not Notification.objects.exists()


def test_a_moderators_act_rolled_back_tells_nobody(alice, alices, moderator):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        moderation.hide_argument(moderator=moderator, argument=alices, reason="Insult")
        raise RuntimeError("undone")
    assert not Notification.objects.exists()


# --- Reading and the bell ----------------------------------------------------------------------


def test_everyone_a_reply_tells_hears_it_on_their_own_channel(
    recording_broker, post, alice, bob, alices
):
    followers = [verified_user() for _ in range(3)]
    for follower in followers:
        notify.set_following(member=follower, claim=alices, following=True)
    post(bob, parent=alices)
    for member in (alice, *followers):
        [rung] = list(recording_broker.backlogs[fanout.member_channel(member.pk)])
        assert rung.kind == events.MEMBER_NOTIFIED and rung.ids == {"member_id": member.pk}


def test_marking_read_lowers_the_count(post, alice, bob, alices, motion):
    first, second = post(bob, parent=alices), post(bob, parent=alices, claim="Again, no.")
    assert queries.unread_count(alice) == 2
    mine = Notification.objects.get(argument=first, recipient=alice)
    assert notify.mark_read(member=bob, notification_id=mine.pk) is None  # not Bob's
    notify.mark_read(member=alice, notification_id=mine.pk)
    assert queries.unread_count(alice) == 1
    assert notify.mark_all_read(member=alice) == 1
    assert queries.unread_count(alice) == 0
    assert second.pk


def test_the_bell_rings_on_the_members_own_channel_only(recording_broker, post, alice, bob, alices):
    post(bob, parent=alices)
    alices_channel = fanout.member_channel(alice.pk)
    [rung] = list(recording_broker.backlogs[alices_channel])
    assert rung.kind == events.MEMBER_NOTIFIED and rung.motion_id is None
    assert fanout.member_channel(bob.pk) not in recording_broker.backlogs
    # The debate's channels hear of the argument, never of whom it concerned.
    assert all(e.kind != events.MEMBER_NOTIFIED for e in recording_broker.backlogs[fanout.HOME])


def test_preferences_default_and_refuse_a_bad_digest(alice):
    defaults = queries.preferences_of(alice)
    assert (defaults.follow_own, defaults.email_replies, defaults.digest) == (True, True, "weekly")
    assert not Preferences.objects.exists()
    with pytest.raises(Exception, match="how often"):
        notify.save_preferences(member=alice, follow_own=True, email_replies=True, digest="hourly")


def test_follow_rows_stay_one_per_member_and_claim(alice, alices):
    for following in (True, False, True):
        notify.set_following(member=alice, claim=alices, following=following)
    assert Follow.objects.filter(follower=alice).count() == 1
