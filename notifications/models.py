"""What members are told, what they follow, and how they like to hear of it (issue 21)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from debates.models import Argument, ModerationAction, Motion


class Notification(models.Model):
    """One thing a member is told of: a reply, a mention (in an argument's details or a
    motion's context), a reply in what they follow, an argument they answered, voted on or
    follow reworded, or a moderator's act on their content or account.
    One per event per person (the constraints): an argument that answers them, mentions them and
    lands in what they follow tells them once, by the most personal of those. Its rewordings
    tell them apart from that, in one row of their own that each new rewording brings back as
    unread: ten typo fixes are one notice, not ten."""

    class Kind(models.TextChoices):
        REPLY = "reply", "Reply to you"
        MENTION = "mention", "Mention"
        FOLLOWED = "followed", "Reply in what you follow"
        REWORDED = "reworded", "An argument you answered, voted on or follow was reworded"
        MODERATION = "moderation", "Moderation"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=12, choices=Kind)
    # The argument posted (reply, mention, followed), reworded, or acted on (moderation), if any.
    argument = models.ForeignKey(Argument, null=True, on_delete=models.PROTECT, related_name="+")
    # The motion acted on (moderation of a motion), or whose context mentions them (a mention
    # naming no argument).
    motion = models.ForeignKey(Motion, null=True, on_delete=models.PROTECT, related_name="+")
    action = models.ForeignKey(
        ModerationAction, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # How many entries of one moderator's act it tells of (the first is `action`): a member's
    # arguments hidden at once are one notice, not one each.
    acts = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # When it went out by email (on its own, or in a digest): never mailed twice.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "argument"],
                condition=Q(action__isnull=True) & ~Q(kind="reworded"),
                name="notification_one_per_argument",
            ),
            models.UniqueConstraint(
                fields=["recipient", "argument"],
                condition=Q(kind="reworded"),
                name="notification_one_per_rewording",
            ),
            models.UniqueConstraint(
                fields=["recipient", "action"],
                condition=Q(action__isnull=False),
                name="notification_one_per_act",
            ),
            models.UniqueConstraint(
                fields=["recipient", "motion"],
                condition=Q(kind="mention", argument__isnull=True),
                name="notification_one_per_motion_mention",
            ),
            models.CheckConstraint(
                condition=Q(kind="moderation", action__isnull=False)
                | Q(~Q(kind="moderation"), argument__isnull=False, action__isnull=True)
                | Q(
                    kind="mention", argument__isnull=True, motion__isnull=False, action__isnull=True
                ),
                name="notification_names_its_event",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient_id}"


class Follow(models.Model):
    """A member following a motion (every new argument in it) or an argument (its replies).

    `following=False` keeps an unfollow, so that replying again does not follow it anew.
    """

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    motion = models.ForeignKey(Motion, null=True, on_delete=models.PROTECT, related_name="+")
    argument = models.ForeignKey(Argument, null=True, on_delete=models.PROTECT, related_name="+")
    following = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(motion__isnull=False, argument__isnull=True)
                | Q(motion__isnull=True, argument__isnull=False),
                name="follow_one_claim",
            ),
            models.UniqueConstraint(
                fields=["follower", "motion"],
                condition=Q(motion__isnull=False),
                name="follow_once_per_motion",
            ),
            models.UniqueConstraint(
                fields=["follower", "argument"],
                condition=Q(argument__isnull=False),
                name="follow_once_per_argument",
            ),
        ]

    def __str__(self):
        verb = "follows" if self.following else "unfollowed"
        return f"{self.follower_id} {verb} {self.motion_id or self.argument_id}"


class Digest(models.TextChoices):
    OFF = "off", "Never"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"


class Preferences(models.Model):
    """How a member likes to be told; a member without a row has the defaults."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preferences",
    )
    follow_own = models.BooleanField(
        "Follow what I post and reply to",
        default=True,
        help_text="Be told of new replies under your arguments and motions and those you answer.",
    )
    email_replies = models.BooleanField(
        "Email me when someone replies to me",
        default=True,
    )
    digest = models.CharField(
        "Email digest of unread notifications", max_length=8, choices=Digest, default=Digest.WEEKLY
    )
    digest_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self):
        return f"Notification preferences of {self.member_id}"
