"""Reads for notifications: the inbox, the unread count, who follows what, preferences."""

from datetime import datetime, timedelta

from django.db.models import Q

from debates.models import Argument, Motion
from notifications.models import Digest, Follow, Notification, Preferences

DIGEST_EVERY = {Digest.DAILY: timedelta(days=1), Digest.WEEKLY: timedelta(days=7)}
# A digest run a little early still counts as the day's (or the week's): cron is not exact.
DIGEST_SLACK = timedelta(hours=1)


def unread_count(member_id: int) -> int:
    return Notification.objects.filter(recipient_id=member_id, read_at__isnull=True).count()


def inbox_of_anyone():
    """Notifications with what each names, for one query a page."""
    return Notification.objects.select_related(
        "recipient", "argument__motion", "argument__parent", "argument__author", "motion", "action"
    )


def inbox(member):
    """A member's notifications, newest first."""
    return inbox_of_anyone().filter(recipient=member)


def moderation_notices(member):
    """Moderators' acts on a member's content or account (the former notices), newest first."""
    return inbox(member).filter(kind=Notification.Kind.MODERATION)


def _waiting():
    return Notification.objects.filter(read_at__isnull=True, emailed_at__isnull=True)


def members_with_mail_waiting() -> list[int]:
    """Members with unread notifications not yet mailed."""
    return list(_waiting().values_list("recipient_id", flat=True).distinct())


def digests_due(frequency: str, sent_before: datetime) -> list[int]:
    """Members on a `frequency` digest, last sent before `sent_before` (or never), with
    something to tell."""
    due = Preferences.objects.filter(
        Q(digest_sent_at__isnull=True) | Q(digest_sent_at__lt=sent_before),
        digest=frequency,
        member_id__in=_waiting().values("recipient_id"),
    )
    return list(due.order_by("member_id").values_list("member_id", flat=True))


def unread_for_digest(member):
    """Unread notifications not yet emailed, oldest first."""
    return (
        inbox(member)
        .filter(read_at__isnull=True, emailed_at__isnull=True)
        .order_by("created_at", "id")
    )


def preferences_of(member) -> Preferences:
    """The member's preferences, or the defaults (unsaved) if they never changed them."""
    found = Preferences.objects.filter(member=member).first()
    return found or Preferences(member=member)


def target_of(claim) -> dict:
    """The follow's field for `claim`, a motion or an argument."""
    return {"argument": claim} if isinstance(claim, Argument) else {"motion": claim}


def is_following(member, claim) -> bool:
    """Whether `member` follows `claim`: as they chose, or else because they wrote it (unless
    they turned following their own off)."""
    if not getattr(member, "is_authenticated", False):
        return False
    choice = Follow.objects.filter(follower=member, **target_of(claim)).first()
    if choice is not None:
        return choice.following
    return claim.author_id == member.pk and preferences_of(member).follow_own


def followers_of(argument) -> set[int]:
    """Who follows where `argument` was posted: its motion (every argument in it) and the
    argument it answers (its replies), by choice or as their author (two queries)."""
    places = [("motion", argument.motion.author_id)]
    where = Q(motion_id=argument.motion_id)
    if argument.parent_id:
        places.append(("argument", argument.parent.author_id))
        where |= Q(argument_id=argument.parent_id)
    choices = {
        (row["follower_id"], "motion" if row["motion_id"] else "argument"): row["following"]
        for row in Follow.objects.filter(where).values(
            "follower_id", "motion_id", "argument_id", "following"
        )
    }
    authors = {author for _, author in places if author is not None}
    opted_out = set(
        Preferences.objects.filter(member_id__in=authors, follow_own=False).values_list(
            "member_id", flat=True
        )
    )
    by_authorship = {
        author
        for kind, author in places
        if author in authors and author not in opted_out and (author, kind) not in choices
    }
    return {follower for (follower, _), following in choices.items() if following} | by_authorship


def claim_of(kind: str, pk: int):
    """The motion or argument a follow form names, or None."""
    if kind == "motion":
        return Motion.objects.filter(pk=pk).first()
    if kind == "argument":
        return Argument.objects.select_related("motion").filter(pk=pk).first()
    return None
