from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils.text import Truncator

CLAIM_MAX_LENGTH = 500
DETAILS_MAX_LENGTH = 5000
QUOTE_MAX_LENGTH = 1000  # a quote, not the source: forms and imports keep it to this
MODERATION_REASON_MAX_LENGTH = 500
SOURCE_TEXT_MAX_LENGTH = 200_000


def _not_empty(field):
    return GreaterThan(Length(field), 0)


def _anchor_is_a_passage(kind):
    """A claim's quote is anchored to a passage (start before end) or not at all."""
    return models.CheckConstraint(
        condition=(
            models.Q(anchor="", quote_start__isnull=True, quote_end__isnull=True)
            | models.Q(anchor__in=["exact", "fuzzy"], quote_start__lt=models.F("quote_end"))
        ),
        name=f"{kind}_anchor_is_a_passage",
    )


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
    # Issue 20: who added it on the site (seeded and cited-by-address sources have nobody); its
    # full text, when it is ours to show, is its SourceText.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Moderation (debates.moderation), as for a claim: hidden, its text is its adder's and
    # moderators' to read.
    visibility = models.CharField(
        max_length=10,
        choices=[("visible", "Visible"), ("hidden", "Hidden by a moderator")],
        default="visible",
    )
    hidden_reason = models.CharField(max_length=MODERATION_REASON_MAX_LENGTH, blank=True)
    # A source that is only a web address, cited by typing it (no text held): the SHA-256 of the
    # address as debates.sources.web_address writes it. Unique, so every claim citing an address
    # cites one source, even two citing a new address at once; "" for any other source.
    address_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        # A web address typed in a citation is looked up (debates.sources.held_at).
        indexes = [models.Index(fields=["url"], name="source_url")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visibility__in=["visible", "hidden"]),
                name="source_visibility_valid",
            ),
            models.UniqueConstraint(
                fields=["address_key"],
                condition=~models.Q(address_key=""),
                name="source_address_once",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("source", args=[self.pk])

    @property
    def is_hidden(self):
        return self.visibility == "hidden"

    @property
    def short_citation(self) -> str:
        """The source cited in short (a debate's cards, the feeds): its author and year, else
        the start of its title."""
        if not self.author:
            return Truncator(self.title).words(6, truncate=" …")
        return f"{self.author} {self.published_on:%Y}" if self.published_on else self.author


class SourceText(models.Model):
    """A source's full text (issue 20): plain text, a blank line between paragraphs. A citation
    of a source with text is anchored to its passage (Claim.quote_start etc.). Kept apart from
    the source so that the pages showing citations, which load sources by the dozen, never load
    texts of up to 200,000 characters."""

    source = models.OneToOneField(
        Source, primary_key=True, on_delete=models.PROTECT, related_name="full_text"
    )
    text = models.TextField(max_length=SOURCE_TEXT_MAX_LENGTH)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=_not_empty("text"), name="source_text_not_empty"),
        ]

    def __str__(self):
        return f"Text of {self.source}"


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
    # Where the quote stands in its source's text, when the source has one (issue 20): W3C
    # TextPositionSelector (start, end) and TextQuoteSelector (the text there, with the prefix and
    # suffix around it), and how it was found (debates.anchoring).
    quote_start = models.PositiveIntegerField(null=True, blank=True, editable=False)
    quote_end = models.PositiveIntegerField(null=True, blank=True, editable=False)
    quote_prefix = models.CharField(max_length=32, blank=True, editable=False)
    quote_suffix = models.CharField(max_length=32, blank=True, editable=False)
    anchor = models.CharField(
        max_length=5,
        choices=[("exact", "Exact"), ("fuzzy", "Fuzzy")],
        blank=True,
        editable=False,
    )
    anchor_score = models.FloatField(null=True, blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Denormalised tallies of Vote rows; only debates.voting.cast_vote changes them (with F()),
    # and `manage.py recount_votes` recomputes them from the votes.
    agree_count = models.PositiveIntegerField(default=0, editable=False)
    disagree_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True

    @property
    def held_by(self):
        return self.attribution or (self.author.display_name if self.author else "")

    @property
    def posted_for_another(self) -> bool:
        """Whether a member posted it for someone else it names (an import's `by`): pages then
        say who posted it, so a name is never passed off as the poster's."""
        if not (self.author_id and self.attribution):
            return False
        return self.attribution.casefold() != self.author.display_name.casefold()

    @property
    def passage_fragment(self):
        """The id of the quote's passage in its source's reader (issue 20): passage-a12 for an
        argument, passage-m3 for a motion."""
        return f"passage-{self._meta.model_name[0]}{self.pk}"

    @property
    def passage_url(self):
        """The quote's passage in its source's reader, marked; "" when it is not anchored."""
        if self.quote_start is None:
            return ""
        return f"{reverse('source', args=[self.source_id])}#{self.passage_fragment}"


class Motion(Claim):
    class State(models.TextChoices):
        OPEN = "open", "Open"
        LOCKED = "locked", "Locked"

    class Visibility(models.TextChoices):
        VISIBLE = "visible", "Visible"
        HIDDEN = "hidden", "Hidden by a moderator"

    slug = models.SlugField(max_length=80, unique=True)
    # Addresses under motions/ that are pages of their own (debates/urls.py): a motion given one
    # of these could never be opened.
    RESERVED_SLUGS = frozenset({"new", "import"})
    title = models.CharField(max_length=120)
    context = models.TextField(blank=True, max_length=DETAILS_MAX_LENGTH)
    context_html = models.TextField(blank=True, editable=False)
    state = models.CharField(max_length=10, choices=State, default=State.OPEN)
    featured = models.BooleanField(default=False)
    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    # Bumped after every committed change to the debate (debates.events): caches of its pages
    # key on it, so no process can serve a change stale.
    activity = models.PositiveBigIntegerField(default=0, editable=False)
    # Moderation (debates.moderation): set only by its services, each act logged.
    visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.VISIBLE)
    hidden_reason = models.CharField(max_length=MODERATION_REASON_MAX_LENGTH, blank=True)
    lock_reason = models.CharField(max_length=MODERATION_REASON_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["-featured", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=_not_empty("claim"), name="motion_claim_not_empty"),
            models.CheckConstraint(condition=_not_empty("title"), name="motion_title_not_empty"),
            models.CheckConstraint(
                condition=models.Q(state__in=["open", "locked"]), name="motion_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(visibility__in=["visible", "hidden"]),
                name="motion_visibility_valid",
            ),
            models.UniqueConstraint(
                fields=["author", "submission_key"], name="motion_submitted_once"
            ),
            _anchor_is_a_passage("motion"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("motion", args=[self.slug])

    @property
    def is_locked(self):
        return self.state == self.State.LOCKED

    @property
    def is_hidden(self):
        return self.visibility == self.Visibility.HIDDEN

    @property
    def public_title(self):
        """The title as anyone may see it, e.g. in breadcrumbs: a placeholder while hidden."""
        return "[hidden by a moderator]" if self.is_hidden else self.title


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
    # Why a moderator hid it (debates.moderation); cleared on restore.
    hidden_reason = models.CharField(max_length=MODERATION_REASON_MAX_LENGTH, blank=True)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    seed_key = models.SlugField(max_length=80, unique=True, null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The votes it held when its author last reworded it: those were cast on an earlier wording,
    # and its readers are told so beside "edited".
    votes_before_edit = models.PositiveIntegerField(default=0, editable=False)
    # A key minted with each reply form: a double click or a retried request posts it twice.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["motion", "parent"]),
            # The home page's "latest activity" per motion: a lookup, not a scan of the debate.
            models.Index(fields=["motion", "updated_at"]),
        ]
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
            _anchor_is_a_passage("argument"),
        ]

    def __str__(self):
        return self.claim[:80]

    def get_absolute_url(self):
        return reverse("argument", args=[self.motion.slug, self.pk])

    @property
    def is_visible(self):
        return self.visibility == self.Visibility.VISIBLE

    @property
    def is_hidden(self):
        return self.visibility == self.Visibility.HIDDEN

    @property
    def is_retracted(self):
        return self.visibility == self.Visibility.RETRACTED


class ArgumentRevision(models.Model):
    """An earlier wording of an argument, kept whenever its author edits it."""

    argument = models.ForeignKey(Argument, on_delete=models.PROTECT, related_name="revisions")
    claim = models.CharField(max_length=CLAIM_MAX_LENGTH)
    details = models.TextField(blank=True)
    details_html = models.TextField(blank=True)
    written_at = models.DateTimeField(help_text="When this wording was first published.")
    replaced_at = models.DateTimeField(auto_now_add=True)
    # The argument's tallies when this wording was replaced: what its voters had said of it (and
    # of any wording before it).
    agree_count = models.PositiveIntegerField(default=0, editable=False)
    disagree_count = models.PositiveIntegerField(default=0, editable=False)

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
        Motion, null=True, blank=True, on_delete=models.PROTECT, related_name="votes"
    )
    argument = models.ForeignKey(
        Argument, null=True, blank=True, on_delete=models.PROTECT, related_name="votes"
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


# --- Moderation --------------------------------------------------------------------------------
# Flags people raise and the log of what moderators did; the acts live in debates.moderation.


def _on_exactly_one(*fields):
    """Q: exactly one of these nullable foreign keys is set."""
    condition = models.Q()
    for chosen in fields:
        term = models.Q(**{f"{chosen}__isnull": False})
        for other in fields:
            if other != chosen:
                term &= models.Q(**{f"{other}__isnull": True})
        condition |= term
    return condition


class _Review(models.Model):
    """What a member asks of the moderators (a flag, an appeal) and when and by whom it was
    decided: open, with no decision, until a moderator resolves it."""

    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


def _resolved_once_closed(*closed: str) -> models.Q:
    """A review's status agrees with its decision: open and undecided, or closed and decided."""
    return models.Q(status="open", resolved_at__isnull=True) | models.Q(
        status__in=list(closed), resolved_at__isnull=False
    )


class Flag(_Review):
    """One person's report that a motion, an argument or a source breaks the rules; a moderator
    resolves it."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        ABUSE = "abuse", "Abuse"
        OFF_TOPIC = "off-topic", "Off-topic"
        # Pasted texts and long quotes: the likeliest complaint about a source.
        COPYRIGHT = "copyright", "Copyright"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DISMISSED = "dismissed", "Dismissed"
        ACTIONED = "actioned", "Actioned"

    NOTE_MAX_LENGTH = 500

    flagger = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="flags_raised"
    )
    motion = models.ForeignKey(
        Motion, null=True, blank=True, on_delete=models.PROTECT, related_name="flags"
    )
    argument = models.ForeignKey(
        Argument, null=True, blank=True, on_delete=models.PROTECT, related_name="flags"
    )
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="flags"
    )
    reason = models.CharField(max_length=10, choices=Reason)
    note = models.CharField(max_length=NOTE_MAX_LENGTH, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)

    class Meta(_Review.Meta):
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=_on_exactly_one("motion", "argument", "source"),
                name="flag_on_exactly_one_target",
            ),
            models.CheckConstraint(
                condition=models.Q(reason__in=["spam", "abuse", "off-topic", "copyright", "other"]),
                name="flag_reason_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(reason="other") | _not_empty("note"),
                name="flag_other_has_a_note",
            ),
            models.CheckConstraint(
                condition=_resolved_once_closed("dismissed", "actioned"), name="flag_status_valid"
            ),
            models.UniqueConstraint(
                fields=["flagger", "argument"],
                condition=models.Q(status="open", argument__isnull=False),
                name="flag_one_open_per_user_per_argument",
            ),
            models.UniqueConstraint(
                fields=["flagger", "motion"],
                condition=models.Q(status="open", motion__isnull=False),
                name="flag_one_open_per_user_per_motion",
            ),
            models.UniqueConstraint(
                fields=["flagger", "source"],
                condition=models.Q(status="open", source__isnull=False),
                name="flag_one_open_per_user_per_source",
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} flag on {self.claim}"

    @property
    def claim(self):
        """What was flagged: a motion, an argument or a source."""
        if self.source_id:
            return self.source
        return self.motion if self.motion_id else self.argument


class Appeal(_Review):
    """An author's request that a moderator look again at their argument or motion a moderator
    hid. A moderator upholds it by restoring the claim (debates.moderation.restore_argument,
    restore_motion) or declines it, keeping the claim hidden (decline_appeal); one appeal per
    hiding."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a moderator"
        UPHELD = "upheld", "Upheld: restored"
        DECLINED = "declined", "Declined: kept hidden"

    NOTE_MAX_LENGTH = 500

    # The claim appealed: an argument or a motion, never both.
    argument = models.ForeignKey(
        Argument, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    motion = models.ForeignKey(
        Motion, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=NOTE_MAX_LENGTH)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)

    class Meta(_Review.Meta):
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=_on_exactly_one("argument", "motion"), name="appeal_on_exactly_one_claim"
            ),
            models.CheckConstraint(condition=_not_empty("note"), name="appeal_note_not_empty"),
            models.CheckConstraint(
                condition=_resolved_once_closed("upheld", "declined"), name="appeal_status_valid"
            ),
            # An appeal on the other kind of claim leaves the field empty: NULLs never clash.
            models.UniqueConstraint(
                fields=["argument"],
                condition=models.Q(status="open"),
                name="appeal_one_open_per_argument",
            ),
            models.UniqueConstraint(
                fields=["motion"],
                condition=models.Q(status="open"),
                name="appeal_one_open_per_motion",
            ),
        ]

    def __str__(self):
        return f"Appeal on {self.kind} #{self.argument_id or self.motion_id} ({self.status})"

    @property
    def kind(self) -> str:
        """What was appealed: "argument" or "motion"."""
        return "argument" if self.argument_id else "motion"

    @property
    def claim(self):
        """The argument or motion appealed."""
        return self.argument if self.argument_id else self.motion

    @property
    def debate(self):
        """The motion the claim appealed stands in (the claim itself for a motion)."""
        return self.argument.motion if self.argument_id else self.motion


class AppendOnlyError(Exception):
    """The moderation log is append-only: entries are never changed or deleted."""


class ModerationActionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Moderation log entries cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Moderation log entries cannot be deleted.")


class ModerationAction(models.Model):
    """One entry of the moderation log: who did what to which claim or person, why and when.

    Append-only: save() only inserts, and update()/delete() refuse, on rows and querysets.
    """

    class Action(models.TextChoices):
        HIDE = "hide", "Hide"
        RESTORE = "restore", "Restore"
        LOCK = "lock", "Lock"
        UNLOCK = "unlock", "Unlock"
        FEATURE = "feature", "Feature"
        UNFEATURE = "unfeature", "Unfeature"
        SUSPEND = "suspend", "Suspend"
        UNSUSPEND = "unsuspend", "Unsuspend"
        DISMISS_FLAGS = "dismiss_flags", "Dismiss flags"
        # Flags found right on an argument its author had retracted: nothing is hidden, as the
        # retraction withdrew it already (debates.moderation.hide_argument).
        UPHOLD_FLAGS = "uphold_flags", "Uphold flags (retracted by its author)"
        # Its author appealed its hiding and a moderator kept it hidden (debates.moderation).
        DECLINE_APPEAL = "decline_appeal", "Decline appeal (kept hidden)"

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="moderation_acts"
    )
    action = models.CharField(max_length=16, choices=Action)
    motion = models.ForeignKey(
        Motion, null=True, blank=True, on_delete=models.PROTECT, related_name="moderation_log"
    )
    argument = models.ForeignKey(
        Argument, null=True, blank=True, on_delete=models.PROTECT, related_name="moderation_log"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="moderation_log",
    )
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="moderation_log"
    )
    reason = models.CharField(max_length=MODERATION_REASON_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Details of some acts: a suspension's end, how many flags a hide or dismissal resolved.
    suspended_until = models.DateTimeField(null=True, blank=True)
    flags_resolved = models.PositiveIntegerField(default=0)
    # The first entry of the one act this one is part of (a member's arguments hidden at once,
    # debates.bulk_moderation): its subject is told of the act once, by that entry's notice.
    batch = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="batched"
    )

    objects = ModerationActionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=_on_exactly_one("motion", "argument", "user", "source"),
                name="moderation_action_on_exactly_one_target",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    action__in=[
                        "hide",
                        "restore",
                        "lock",
                        "unlock",
                        "feature",
                        "unfeature",
                        "suspend",
                        "unsuspend",
                        "dismiss_flags",
                        "uphold_flags",
                        "decline_appeal",
                    ]
                ),
                name="moderation_action_valid",
            ),
        ]

    def __str__(self):
        return f"{self.moderator} {self.get_action_display().lower()} {self.target_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Moderation log entries cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Moderation log entries cannot be deleted.")

    @property
    def target(self):
        return self.argument or self.motion or self.user or self.source

    @property
    def target_type(self):
        if self.argument_id:
            return "argument"
        if self.source_id:
            return "source"
        return "motion" if self.motion_id else "user"

    @property
    def target_label(self):
        target_id = self.argument_id or self.motion_id or self.user_id or self.source_id
        return f"{self.target_type} #{target_id}"

    PAST_TENSE = {
        "hide": "hidden by a moderator",
        "restore": "restored",
        "lock": "locked",
        "unlock": "unlocked",
        "feature": "featured on the home page",
        "unfeature": "no longer featured",
        "suspend": "suspended",
        "unsuspend": "no longer suspended",
        "dismiss_flags": "cleared of flags",
        "uphold_flags": "found to break the rules after its retraction",
        "decline_appeal": "kept hidden after your appeal",
    }

    @property
    def done_label(self):
        """The act as it reads in a notice: "Your argument was <done_label>"."""
        return self.PAST_TENSE[self.action]
