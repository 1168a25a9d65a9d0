"""Writes for notifications: telling people, following, reading, preferences, unsubscribing.

Who is told of what:
- an argument posted tells the author of what it answers (its parent argument, or the motion),
  everyone its details mention as `@display name`, and everyone following its motion or the
  argument it answers; each person once, by the most personal reason (reply, mention, follow);
- an edit tells the people its new details mention, if they were not told of it already;
- a moderator's act tells the author of the claim acted on, or the member suspended.
Never one's own act; and while the argument, what it answers or its motion is hidden or
withdrawn, nobody but moderators (debates.policy.told_of).
"""

from django.db import transaction
from django.utils import timezone

from accounts.mentions import people_mentioned
from accounts.models import User
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
    anyone twice of one argument is impossible (a unique constraint), so a repeat is harmless."""
    argument = (
        Argument.objects.select_related("motion", "parent", "author").filter(pk=argument_id).first()
    )
    if argument is None:
        return []
    concerned = {}
    if posted:
        answered = argument.parent or argument.motion
        concerned[answered.author_id] = Kind.REPLY
    for person in people_mentioned(argument.details):
        concerned.setdefault(person.pk, Kind.MENTION)
    if posted:
        for follower in sorted(queries.followers_of(argument)):
            concerned.setdefault(follower, Kind.FOLLOWED)
    concerned.pop(argument.author_id, None)
    concerned.pop(None, None)
    people = User.objects.filter(pk__in=concerned, is_active=True).order_by("pk")
    kinds = {
        person.pk: concerned[person.pk] for person in people if policy.told_of(argument, person)
    }
    with transaction.atomic():
        if posted:
            _follow_what_they_answered(argument)
        created = _create_once(argument, kinds)
        for notification in created:
            _tell(notification)
    return created


def _create_once(argument, kinds: dict) -> list[Notification]:
    """A notification of `argument` for each person of `kinds` ({person id: kind}) not told of
    it yet, in three statements however many they are: a reply to what many follow costs the
    poster's request no more than one nobody follows. A repeat finds them told (the unique
    constraint also turns away a racing one)."""
    if not kinds:
        return []
    told = set(
        Notification.objects.filter(
            argument=argument, action=None, recipient_id__in=kinds
        ).values_list("recipient_id", flat=True)
    )
    untold = [pk for pk in kinds if pk not in told]
    Notification.objects.bulk_create(
        [Notification(recipient_id=pk, argument=argument, kind=kinds[pk]) for pk in untold],
        ignore_conflicts=True,
    )
    return list(
        Notification.objects.filter(argument=argument, action=None, recipient_id__in=untold)
        .select_related("recipient")
        .order_by("recipient_id")
    )


def _follow_what_they_answered(argument):
    author = argument.author
    if author is None or not queries.preferences_of(author).follow_own:
        return
    target = queries.target_of(argument.parent or argument.motion)
    # get_or_create: an earlier unfollow (following=False) stays as it was.
    Follow.objects.get_or_create(follower=author, **target)


def notify_of_act(*, action: ModerationAction) -> Notification | None:
    """Tell the member a moderator's act concerns: the author of the claim acted on, or the
    member (un)suspended; never the moderator acting on their own claim."""
    if action.action not in ACTS_TOLD:
        return None
    claim = action.argument or action.motion  # or neither: an act on a source, nobody's
    recipient_id = action.user_id or getattr(claim, "author_id", None)
    if recipient_id is None or recipient_id == action.moderator_id:
        return None
    notification = Notification.objects.create(
        recipient_id=recipient_id,
        kind=Kind.MODERATION,
        action=action,
        argument=action.argument,
        motion=action.motion,
        created_at=action.created_at,
    )
    _tell(notification)
    return notification


def _tell(notification: Notification) -> None:
    """Light the recipient's bell on their open pages, and mail a reply at once if they want."""
    events.announce_to_member(notification.recipient_id)
    if (
        notification.kind == Kind.REPLY
        and queries.preferences_of(notification.recipient).email_replies
    ):
        tasks.email_reply.enqueue(notification.pk)


# --- Following ---------------------------------------------------------------------------------


def _follow_refusal(member, claim):
    if not getattr(member, "is_authenticated", False) or not member.is_active:
        return DebateRuleError("Sign in to follow.", status=403)
    if not policy.text_shown_to(claim, member):
        return DebateRuleError("There is nothing here to follow.", status=409)
    return None


@transaction.atomic
def set_following(*, member, claim, following: bool) -> Follow:
    """Follow or unfollow a motion or an argument; kept either way, so that automatic
    following (what one posts and answers) never undoes an unfollow."""
    policy.enforce(_follow_refusal(member, claim))
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
