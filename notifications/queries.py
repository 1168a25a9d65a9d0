"""Reads for notifications: the inbox, the unread count, who follows what, preferences."""

from datetime import datetime, timedelta
from functools import cache

from django.db import connection
from django.db.models import Prefetch, Q

from accounts.models import User
from debates import policy
from debates.models import Argument, ModerationAction, Motion, Vote
from notifications.models import Digest, Follow, Notification, Preferences

DIGEST_EVERY = {Digest.DAILY: timedelta(days=1), Digest.WEEKLY: timedelta(days=7)}
# A digest run a little early still counts as the day's (or the week's): cron is not exact.
DIGEST_SLACK = timedelta(hours=1)


def unread_count(member) -> int:
    """The bell's count (and a digest's): unread notices of what she is still told of
    (debates.policy.told_of), as a notice of a reply hidden since is news to moderators only.
    Every signed-in page asks it: its SQL is composed once an audience, as composing it through
    the ORM on each page cost five times the query (issue 18)."""
    sql, params = _unread_sql(policy.audience(member))
    with connection.cursor() as cursor:
        cursor.execute(sql, [member.pk if param == _RECIPIENT else param for param in params])
        return cursor.fetchone()[0]


_RECIPIENT = -1  # no member's id: where the recipient's id goes in _unread_sql's parameters


@cache
def _unread_sql(audience: str) -> tuple[str, tuple]:
    unread = Notification.objects.filter(
        told(policy.StandIn(audience)), recipient_id=_RECIPIENT, read_at__isnull=True
    )
    sql, params = unread.order_by().values("pk").query.sql_with_params()
    return f"SELECT COUNT(*) FROM ({sql}) AS unread", params


def told(member) -> Q:
    """Notifications `member` is still told of: a moderator's act always, a post (or a motion
    whose context mentions her) while debates.policy.told_of holds."""
    always = Q(kind=Notification.Kind.MODERATION)
    return policy.told_of_filter(member, to="argument", to_motion="motion", always=always)


def still_told(notification: Notification, member) -> bool:
    """told for one notification loaded from inbox_of_anyone: its argument (or the motion
    whose context mentions her) may have been hidden since, and then only moderators hear of
    it."""
    if notification.kind == Notification.Kind.MODERATION:
        return True
    return policy.told_of(notification.argument or notification.motion, member)


def inbox_of_anyone():
    """Notifications with what each names, for one query a page, and a second for the other
    arguments of a member's hidden at once (a notice of a batch names them all)."""
    batched = ModerationAction.objects.select_related("argument__motion").order_by("pk")
    return Notification.objects.select_related(
        "recipient",
        "argument__motion",
        "argument__parent",
        "argument__author",
        "motion__author",
        "action__source",
    ).prefetch_related(Prefetch("action__batched", queryset=batched))


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
    """Unread notifications not yet emailed that she is still told of, oldest first: chosen in
    the database, so that a wave of notices of replies hidden since never fills a digest."""
    return (
        inbox(member)
        .filter(told(member), read_at__isnull=True, emailed_at__isnull=True)
        .order_by("created_at", "id")
    )


def preferences_of(member) -> Preferences:
    """The member's preferences, or the defaults (unsaved) if they never changed them."""
    found = Preferences.objects.filter(member=member).first()
    return found or Preferences(member=member)


def unsubscribed_from(member, mailing: str) -> bool:
    """Whether `member` gets no more of `mailing` ("replies" or "digest")."""
    preferences = preferences_of(member)
    if mailing == "replies":
        return not preferences.email_replies
    return preferences.digest == Digest.OFF


def loaded_preferences(member) -> Preferences:
    """preferences_of for a member loaded with select_related(PREFERENCES), with no query."""
    try:
        return member.notification_preferences
    except Preferences.DoesNotExist:
        return Preferences(member=member)


PREFERENCES = "notification_preferences"


def argument_to_tell(argument_id: int) -> Argument | None:
    """A committed argument with what telling people of it reads, and nothing else: who wrote
    it, what it answers and its motion, what it says, when it was last reworded, and whether
    each is shown. A reply's request runs this, and a whole row of each costs twice the time."""
    return (
        Argument.objects.select_related("motion", "parent")
        .only(
            *("author_id", "parent_id", "motion_id", "details", "visibility", "edited_at"),
            *("motion__author_id", "motion__visibility"),
            *("parent__author_id", "parent__visibility"),
        )
        .filter(pk=argument_id)
        .first()
    )


def motion_to_tell(motion_id: int) -> Motion | None:
    """A committed motion with what telling whom its context mentions reads: who proposed it,
    what its context says, and whether it is shown."""
    motion = Motion.objects.only("author_id", "context", "visibility")
    return motion.filter(pk=motion_id).first()


def repliers_to(argument) -> set[int]:
    """The authors of the replies to `argument` that everyone reads (policy.is_shown: neither
    hidden nor withdrawn)."""
    replies = Argument.objects.filter(parent_id=argument.pk, visibility=Argument.Visibility.VISIBLE)
    return set(replies.exclude(author=None).values_list("author_id", flat=True))


def voters_on(argument) -> set[int]:
    """Who holds a vote on `argument`."""
    return set(Vote.objects.filter(argument_id=argument.pk).values_list("user_id", flat=True))


def followers_of(argument) -> set[int]:
    """Who chose to follow `argument`, and have not unfollowed it since."""
    follows = Follow.objects.filter(argument_id=argument.pk, following=True)
    return set(follows.values_list("follower_id", flat=True))


def people_to_tell(member_ids) -> list:
    """The active members among `member_ids`, with their preferences, by id."""
    people = User.objects.filter(pk__in=member_ids, is_active=True)
    return list(people.select_related(PREFERENCES).order_by("pk"))


def target_of(claim) -> dict:
    """The follow's field for `claim`, a motion or an argument."""
    return {"argument": claim} if isinstance(claim, Argument) else {"motion": claim}


def is_following(member, claim) -> bool:
    """Whether `member` follows `claim`: as they chose, or else because they wrote it (unless
    they turned following their own off). One query: every motion and argument page asks it
    for a member (notifications.templatetags.follow_tags). Plain SQL: composing it through the
    ORM cost a signed-in page more CPU than the query itself (issue 18)."""
    if not getattr(member, "is_authenticated", False):
        return False
    (field,) = target_of(claim)
    target = Follow._meta.get_field(field).column
    chosen = (
        f"SELECT following FROM {Follow._meta.db_table} WHERE follower_id = %s AND {target} = %s"
    )
    params = [member.pk, claim.pk]
    if policy.written_by(claim, member):
        # Their choice, else their preference, else the preference's default (no row saved yet).
        preference = f"SELECT follow_own FROM {Preferences._meta.db_table} WHERE member_id = %s"
        sql = f"SELECT COALESCE(({chosen}), ({preference}), %s)"
        params += [member.pk, Preferences().follow_own]
    else:
        sql = f"SELECT COALESCE(({chosen}), %s)"
        params += [False]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return bool(cursor.fetchone()[0])


def follows_at(argument) -> dict[tuple[int, str], bool]:
    """The choices to follow where `argument` was posted, its motion and the argument it
    answers: {(follower id, "motion" or "argument"): following}."""
    where = Q(motion_id=argument.motion_id)
    if argument.parent_id:
        where |= Q(argument_id=argument.parent_id)
    rows = Follow.objects.filter(where).values_list("follower_id", "motion_id", "following")
    return {
        (follower, "motion" if motion else "argument"): following
        for follower, motion, following in rows
    }


def claim_of(kind: str, pk: int):
    """The motion or argument a follow form names, or None."""
    if kind == "motion":
        return Motion.objects.filter(pk=pk).first()
    if kind == "argument":
        return Argument.objects.select_related("motion").filter(pk=pk).first()
    return None
