"""Writes for notifications: telling people, following, reading, preferences, unsubscribing.

Who is told of what:
- an argument posted tells the author of what it answers (its parent argument, or the motion),
  everyone its details mention as `@display name`, and everyone following its motion or the
  argument it answers; each person once, by the most personal reason (reply, mention, follow);
- an edit tells the people its new details mention, if they were not told of it already;
- a motion made (proposed or imported) tells everyone its context mentions, once;
- a rewording by its author tells the authors of the argument's shown replies and its
  followers, in one notice each that every new rewording brings back as unread;
- a moderator's act tells the author of the claim acted on, or the member suspended.
Never one's own act; and while the argument, what it answers or its motion is hidden or
withdrawn (or the motion whose context mentions them is hidden), nobody but moderators
(debates.policy.told_of).
"""

from collections.abc import Collection
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.mentions import people_mentioned
from debates import events, policy
from debates.errors import DebateRuleError
from debates.models import Argument, ModerationAction
from notifications import queries, tasks
from notifications.models import Digest, Follow, Notification, Preferences

Kind = Notification.Kind
# The acts a member hears of; dismissing flags on their claim was never theirs to know about.
ACTS_TOLD = set(ModerationAction.Action.values) - {ModerationAction.Action.DISMISS_FLAGS}
LISTS = {"replies", "digest"}


def notify_of_argument(*, argument_id: int, posted: bool) -> list[Notification]:
    """Tell whom a committed argument concerns: `posted` for a new one (replies, mentions,
    follows), else an edit (mentions only). Returns the notifications created now; telling
    anyone twice of one argument is impossible (a unique constraint), so a repeat is harmless.

    It runs in the poster's request, so its reads are few and narrow: the argument with what it
    answers, the follows where it was posted, and everyone it may concern with the preferences
    that decide it; then one insert for all who are told.
    """
    argument = queries.argument_to_tell(argument_id)
    if argument is None:
        return []
    concerned = {}
    if posted:
        answered = argument.parent or argument.motion
        concerned[answered.author_id] = Kind.REPLY
    for person in people_mentioned(argument.details):
        concerned.setdefault(person.pk, Kind.MENTION)
    follows = queries.follows_at(argument) if posted else {}
    undecided = _undecided(argument, follows) if posted else set()
    by_choice = {follower for (follower, _), following in follows.items() if following}
    # One read of everyone this may concern, with the preferences that decide it.
    wanted = {*concerned, *by_choice, *undecided} - {None}
    people = {person.pk: person for person in queries.people_to_tell(wanted)} if wanted else {}
    opted_out = {
        pk for pk, person in people.items() if not queries.loaded_preferences(person).follow_own
    }
    for follower in sorted(by_choice | _by_authorship(argument, follows, opted_out)):
        concerned.setdefault(follower, Kind.FOLLOWED)
    concerned.pop(argument.author_id, None)
    told = {
        people[pk]: kind
        for pk, kind in sorted(concerned.items(), key=lambda item: item[0] or 0)
        if pk in people and policy.told_of(argument, people[pk])
    }
    if posted:
        try:
            with transaction.atomic():
                _follow_what_they_answered(argument, follows, opted_out)
                return _tell_all(argument, told)
        except IntegrityError:
            pass  # some were told already: this event is heard a second time
    with transaction.atomic():
        if posted:
            _follow_what_they_answered(argument, follows, opted_out)
        return _tell_the_untold(argument, told)


def notify_of_motion(*, motion_id: int) -> list[Notification]:
    """Tell the members a committed motion's context mentions, as an argument's details tell
    them (notify_of_argument): a mention each, never its author, while policy.told_of holds.
    A motion nobody proposed (an admin's import, whose claims are nobody's) tells nobody: no
    member wrote its mentions. Returns the notifications created now; an event heard again tells
    nobody twice (a unique constraint)."""
    motion = queries.motion_to_tell(motion_id)
    if motion is None or motion.author_id is None:
        return []
    # people_mentioned reads active members alone, as people_to_tell does; in the order of
    # their ids, as notify_of_argument inserts.
    mentioned = sorted(people_mentioned(motion.context), key=lambda person: person.pk)
    told = {
        person: Kind.MENTION
        for person in mentioned
        if person.pk != motion.author_id and policy.told_of(motion, person)
    }
    if not told:
        return []
    try:
        with transaction.atomic():
            return _tell_all(motion, told)
    except IntegrityError:
        pass  # some were told already: this event is heard a second time
    with transaction.atomic():
        return _tell_the_untold(motion, told)


def _places(argument) -> list[tuple[str, int | None]]:
    """Where `argument` was posted, as follows name places, with the author of each: its
    motion, and the argument it answers."""
    places = [("motion", argument.motion.author_id)]
    if argument.parent_id:
        places.append(("argument", argument.parent.author_id))
    return places


def _answered(argument) -> tuple[str, int | None]:
    """The place `argument` answers, with its poster: whom the poster will follow."""
    return ("argument" if argument.parent_id else "motion", argument.author_id)


def _undecided(argument, follows: dict) -> set[int]:
    """The authors who follow a place of `argument` by authorship unless they turned that off
    (nobody chose there for them), and its poster, who will follow the place answered."""
    return {
        author
        for kind, author in [*_places(argument), _answered(argument)]
        if author is not None and (author, kind) not in follows
    }


def _by_authorship(argument, follows: dict, opted_out: set[int]) -> set[int]:
    """Who follows where `argument` was posted as the author of a place there (its motion, the
    argument it answers): unless they chose otherwise there or turned following their own off."""
    return {
        author
        for kind, author in _places(argument)
        if author is not None and (author, kind) not in follows and author not in opted_out
    }


def _follow_what_they_answered(argument, follows: dict, opted_out: set[int]) -> None:
    """The poster follows what they answered, unless they chose either way there already or
    turned following their own off."""
    kind, author_id = _answered(argument)
    if author_id is None or (author_id, kind) in follows or author_id in opted_out:
        return
    target = queries.target_of(argument.parent or argument.motion)
    # A follow chosen since the follows were read stays as it was: the insert skips it, in one
    # statement where get_or_create took four (a read, and an insert in a savepoint).
    Follow.objects.bulk_create([Follow(follower_id=author_id, **target)], ignore_conflicts=True)


def _named(claim) -> dict:
    """The fields by which a notice names `claim`: an argument, or a motion (whose context
    mentions its recipient) and no argument."""
    return {"argument": claim} if isinstance(claim, Argument) else {"motion": claim}


def _tell_all(claim, told: dict) -> list[Notification]:
    """Create the notifications of `claim` (an argument, or a motion) to `told` ({person:
    kind}) in one statement, and tell each; a clash with one made meanwhile raises
    IntegrityError (then _tell_the_untold)."""
    created = Notification.objects.bulk_create(
        [
            Notification(recipient=person, kind=kind, **_named(claim))
            for person, kind in told.items()
        ]
    )
    _tell(created)
    return created


def _tell_the_untold(claim, told: dict) -> list[Notification]:
    """_tell_all for those of `told` not told of `claim` yet, where some may be: an edit
    naming again whom its wording named, an event heard twice. A handler running at the same
    time may tell someone between the read and the insert: the insert skips them rather than
    failing the rest, and is read back for the ids (a skipped row has none). Whoever it raced
    is told twice at most, and mailed once (mailing.send_reply_email claims the mail)."""
    untold = {person.pk: (person, kind) for person, kind in told.items()}
    # A rewording's notice is no telling of the argument itself: it has a row of its own.
    of_it = Notification.objects.filter(action=None, **_named(claim)).exclude(kind=Kind.REWORDED)
    already = of_it.filter(recipient_id__in=untold).order_by()
    for pk in already.values_list("recipient_id", flat=True):
        untold.pop(pk)
    if not untold:
        return []
    Notification.objects.bulk_create(
        [Notification(recipient=p, kind=k, **_named(claim)) for p, k in untold.values()],
        ignore_conflicts=True,
    )
    created = list(of_it.filter(recipient_id__in=untold).order_by("recipient_id"))
    for notification in created:
        notification.recipient = untold[notification.recipient_id][0]
    _tell(created)
    return created


def ring_for_argument(*, argument_id: int, besides: Collection[int] = ()) -> list[int]:
    """Light the bells of whoever holds a notice of a committed argument that changed, or of a
    reply to it, on their open pages (and so bring their open inboxes afresh), but for those in
    `besides` (rung already): a notice stops counting and quotes nothing while the argument, or
    what a reply answers, is hidden or withdrawn (policy.told_of), and counts and quotes it
    again once it is shown, so their pages must change as a reload would. A moderator's act on
    it is not among them: its notice counts and reads alike either way. One read of them,
    however many; returns whom it rang."""
    it_and_replies = Argument.objects.filter(Q(pk=argument_id) | Q(parent_id=argument_id))
    recipients = (
        Notification.objects.filter(argument_id__in=it_and_replies.values("pk"))
        .exclude(kind=Kind.MODERATION)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    rung = [recipient for recipient in recipients if recipient not in besides]
    events.announce_to_members(rung)
    return rung


def notify_of_rewording(*, argument_id: int) -> list[Notification]:
    """Tell whom its author's rewording of a committed argument concerns: the authors of its
    shown replies, whose answers now stand under words they did not answer, those who voted on
    it, whose votes now stand beside words they did not vote on (the page counts them as before
    the edit), and those who follow it. Returns the notifications told now.

    Each has one notice of the argument's rewordings: a new rewording brings it back as unread
    (and to the digest) rather than adding another; told of this wording already (the rewording
    heard a second time), they are not told again.
    """
    argument = queries.argument_to_tell(argument_id)
    if argument is None or argument.edited_at is None:
        return []
    standing = queries.repliers_to(argument) | queries.voters_on(argument)
    if not standing:
        return []  # reworded before anyone answered or voted: nothing stands under other words
    # Its author follows it too, by authorship (queries.is_following), and is who reworded it.
    wanted = (standing | queries.followers_of(argument)) - {argument.author_id}
    people = queries.people_to_tell(wanted) if wanted else []
    told = [person.pk for person in people if policy.told_of(argument, person)]
    if not told:
        return []
    notices = Notification.objects.filter(
        kind=Kind.REWORDED, argument=argument, recipient_id__in=told
    )
    now = timezone.now()
    with transaction.atomic():
        notices.filter(created_at__lt=argument.edited_at).update(
            created_at=now, read_at=None, emailed_at=None
        )
        # Whoever has a notice already is skipped: brought back just now, or told of this
        # wording before.
        Notification.objects.bulk_create(
            [
                Notification(recipient_id=pk, argument=argument, kind=Kind.REWORDED, created_at=now)
                for pk in told
            ],
            ignore_conflicts=True,
        )
        told_now = list(notices.filter(created_at=now).order_by("recipient_id"))
        _tell(told_now)
    return told_now


def notify_of_act(*, action: ModerationAction) -> Notification | None:
    """Tell the member a moderator's act concerns: the author of the claim acted on, who added
    the source acted on, or the member (un)suspended; never the moderator acting on their own."""
    if action.action not in ACTS_TOLD:
        return None
    if action.source_id:
        recipient_id = action.source.added_by_id  # a seeded source is nobody's
    else:
        claim = action.argument or action.motion
        recipient_id = action.user_id or getattr(claim, "author_id", None)
    if recipient_id is None or recipient_id == action.moderator_id:
        return None
    if action.batch_id is not None:
        # Told already, by the act's first entry: its notice counts this one too.
        Notification.objects.filter(recipient_id=recipient_id, action_id=action.batch_id).update(
            acts=F("acts") + 1
        )
        return None
    notification = Notification.objects.create(
        recipient_id=recipient_id,
        kind=Kind.MODERATION,
        action=action,
        argument=action.argument,
        motion=action.motion,
        created_at=action.created_at,
    )
    _tell([notification])
    return notification


def _tell(notifications: list[Notification]) -> None:
    """Light the recipients' bells on their open pages (one announcement for all), and mail a
    reply to whoever wants it, once the hold (settings.CRUX_REPLY_MAIL_DELAY_MINUTES) is over:
    mailing.send_reply_email checks then that it is still shown and unread."""
    events.announce_to_members([notification.recipient_id for notification in notifications])
    mail = None
    for notification in notifications:
        if (
            notification.kind == Kind.REPLY
            and queries.loaded_preferences(notification.recipient).email_replies
        ):
            mail = mail or _held(tasks.email_reply)
            mail.enqueue(notification.pk)


def _held(task):
    """`task` to run after the reply mail's hold, where its backend can wait (the worker's
    database queue; not the immediate one tests and `manage.py` runs may use)."""
    minutes = settings.CRUX_REPLY_MAIL_DELAY_MINUTES
    if not minutes or not task.get_backend().supports_defer:
        return task
    return task.using(run_after=timezone.now() + timedelta(minutes=minutes))


# --- Following ---------------------------------------------------------------------------------


def follow_refusal(member, claim, *, following: bool = True):
    """Why `member` may not follow (or, `following` False, unfollow) `claim` now, or None. No
    new following while it or its motion is withdrawn: replies there are told to moderators
    alone (policy.told_of); unfollowing stays open."""
    if not getattr(member, "is_authenticated", False) or not member.is_active:
        return DebateRuleError("Sign in to follow.", status=403)
    if not policy.named_to(claim, member):
        return DebateRuleError("There is nothing here to follow.", status=409)
    if following and not policy.followable(claim):
        return DebateRuleError(
            "While this is withdrawn, only moderators are told of replies here: there is "
            "nothing to follow.",
            status=409,
        )
    return None


@transaction.atomic
def set_following(*, member, claim, following: bool) -> Follow:
    """Follow or unfollow a motion or an argument; kept either way, so that automatic
    following (what one posts and answers) never undoes an unfollow."""
    policy.enforce(follow_refusal(member, claim, following=following))
    target = queries.target_of(claim)
    follow, _ = Follow.objects.update_or_create(
        follower=member, **target, defaults={"following": following}
    )
    return follow


# --- Reading -----------------------------------------------------------------------------------


@transaction.atomic
def mark_read(*, member, notification_id: int) -> Notification | None:
    """Mark one of the member's notifications read; None if it is not theirs."""
    notification = Notification.objects.filter(recipient=member, pk=notification_id).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        events.announce_to_member(member.pk)
    return notification


@transaction.atomic
def mark_all_read(*, member) -> int:
    marked = Notification.objects.filter(recipient=member, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if marked:
        events.announce_to_member(member.pk)
    return marked


# --- Preferences -------------------------------------------------------------------------------


@transaction.atomic
def save_preferences(*, member, follow_own: bool, email_replies: bool, digest: str) -> Preferences:
    if digest not in Digest.values:
        raise DebateRuleError("Choose how often the digest comes.", status=422, field="digest")
    preferences, _ = Preferences.objects.update_or_create(
        member=member,
        defaults={"follow_own": follow_own, "email_replies": email_replies, "digest": digest},
    )
    return preferences


@transaction.atomic
def unsubscribe(*, member, mailing: str) -> Preferences:
    """Stop one kind of email ("replies" or "digest"), as its one-click link asks."""
    if mailing not in LISTS:
        raise DebateRuleError("No such email to unsubscribe from.", status=404)
    preferences = queries.preferences_of(member)
    if mailing == "replies":
        preferences.email_replies = False
    else:
        preferences.digest = Digest.OFF
    preferences.save()
    return preferences
