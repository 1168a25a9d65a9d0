from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan
from django.urls import reverse

CLAIM_MAX_LENGTH = 500
DETAILS_MAX_LENGTH = 5000


def _not_empty(field):
    return GreaterThan(Length(field), 0)


class Stance(models.TextChoices):
    PRO = "pro", "Pro"
    CON = "con", "Con"


class Source(models.Model):
    """A published work a claim is drawn from: an essay, an article, a reader's comment."""

    seed_key = models.SlugField(max_length=80, unique=True, null=True, blank=True)
    title = models.CharField(max_length=300)
    author = models.CharField(max_length=200, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    published_on = models.DateField(null=True, blank=True)

    def __str__(self):
        return self.title


class Claim(models.Model):
    """What motions and arguments share: a statement someone holds, with where it comes from."""

    claim = models.CharField(max_length=CLAIM_MAX_LENGTH)
    attribution = models.CharField(
        max_length=200, blank=True, help_text="Who holds this claim, when not its author."
    )
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quote = models.TextField(blank=True, help_text="A short verbatim quote from the source.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Denormalised tallies of Vote rows; only debates.services.cast_vote changes them (with F()),
    # and `manage.py recount_votes` recomputes them from the votes.
    agree_count = models.PositiveIntegerField(default=0, editable=False)
    disagree_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True

    @property
    def held_by(self):
        return self.attribution or (self.author.display_name if self.author else "")


class Motion(Claim):
    class State(models.TextChoices):
        OPEN = "open", "Open"
        LOCKED = "locked", "Locked"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=120)
    context = models.TextField(blank=True, max_length=DETAILS_MAX_LENGTH)
    context_html = models.TextField(blank=True, editable=False)
    state = models.CharField(max_length=10, choices=State, default=State.OPEN)
    featured = models.BooleanField(default=False)
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-featured", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=_not_empty("claim"), name="motion_claim_not_empty"),
            models.CheckConstraint(condition=_not_empty("title"), name="motion_title_not_empty"),
            models.CheckConstraint(
                condition=models.Q(state__in=["open", "locked"]), name="motion_state_valid"
            ),
            models.UniqueConstraint(
                fields=["author", "submission_key"], name="motion_submitted_once"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("motion", args=[self.slug])

    @property
    def is_locked(self):
        return self.state == self.State.LOCKED


class Argument(Claim):
    """A pro or con reply to a motion (parent empty) or to another argument of the same motion."""

    class Visibility(models.TextChoices):
        VISIBLE = "visible", "Visible"
        HIDDEN = "hidden", "Hidden by a moderator"
        RETRACTED = "retracted", "Retracted by its author"

    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="arguments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    stance = models.CharField(max_length=3, choices=Stance)
    details = models.TextField(blank=True, max_length=DETAILS_MAX_LENGTH)
    details_html = models.TextField(blank=True, editable=False)
    figures = models.JSONField(null=True, blank=True)
    visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.VISIBLE)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    seed_key = models.SlugField(max_length=80, unique=True, null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A key minted with each reply form: a double click or a retried request posts it twice.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["motion", "parent"])]
        constraints = [
            models.CheckConstraint(condition=_not_empty("claim"), name="argument_claim_not_empty"),
            models.CheckConstraint(
                condition=models.Q(stance__in=["pro", "con"]), name="argument_stance_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(visibility__in=["visible", "hidden", "retracted"]),
                name="argument_visibility_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="argument_not_own_parent"
            ),
            models.UniqueConstraint(
                fields=["author", "submission_key"], name="argument_submitted_once"
            ),
        ]

    def __str__(self):
        return self.claim[:80]

    def get_absolute_url(self):
        return reverse("argument", args=[self.motion.slug, self.pk])

    @property
    def is_visible(self):
        return self.visibility == self.Visibility.VISIBLE


class ArgumentRevision(models.Model):
    """An earlier wording of an argument, kept whenever its author edits it."""

    argument = models.ForeignKey(Argument, on_delete=models.PROTECT, related_name="revisions")
    claim = models.CharField(max_length=CLAIM_MAX_LENGTH)
    details = models.TextField(blank=True)
    details_html = models.TextField(blank=True)
    written_at = models.DateTimeField(help_text="When this wording was first published.")
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-replaced_at", "-id"]

    def __str__(self):
        return self.claim[:80]


# --- Votes -------------------------------------------------------------------------------------


class Vote(models.Model):
    """One person's agree/disagree on one claim: a motion or an argument, never both."""

    class Choice(models.TextChoices):
        AGREE = "agree", "Agree"
        DISAGREE = "disagree", "Disagree"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    motion = models.ForeignKey(
        Motion, null=True, blank=True, on_delete=models.CASCADE, related_name="votes"
    )
    argument = models.ForeignKey(
        Argument, null=True, blank=True, on_delete=models.CASCADE, related_name="votes"
    )
    choice = models.CharField(max_length=8, choices=Choice)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(motion__isnull=False, argument__isnull=True)
                    | models.Q(motion__isnull=True, argument__isnull=False)
                ),
                name="vote_on_exactly_one_claim",
            ),
            models.CheckConstraint(
                condition=models.Q(choice__in=["agree", "disagree"]), name="vote_choice_valid"
            ),
            models.UniqueConstraint(
                fields=["user", "motion"],
                condition=models.Q(argument__isnull=True),
                name="vote_one_per_user_per_motion",
            ),
            models.UniqueConstraint(
                fields=["user", "argument"],
                condition=models.Q(motion__isnull=True),
                name="vote_one_per_user_per_argument",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.choice} {self.motion_id or self.argument_id}"

    @property
    def claim(self):
        return self.motion if self.motion_id else self.argument
