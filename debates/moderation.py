"""Moderation acts: flags, hide/restore, lock/unlock, feature/unfeature, suspend/unsuspend.

Every act is one function here (re-exported by debates.services) that, in one transaction,
checks that the actor may moderate, changes the state and appends a ModerationAction to the log;
once committed it announces the change to open pages (debates.events).

Conventions:
- Refusals raise DebateRuleError: 403 for who may not, 409 for a state that forbids the act,
  422 for a missing or bad reason or period, 400 for an unknown choice.
- An act on something already in that state (hide the hidden, unlock the unlocked) is a no-op:
  it changes nothing, writes no log entry, and returns Outcome(changed=False, message=...).
- Nothing is deleted: hiding keeps the text (the author and moderators still read it) and
  restoring brings the claim back as it was; a hide reason lives in `hidden_reason` until then.
- A moderator cannot hide an argument its author retracted: its text is already withdrawn from
  everyone, and a later restore would undo the author's own choice (409).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.decorators import moderation_refusal
from accounts.models import User
from accounts.rules import participation_refusal
from debates.errors import DebateRuleError
from debates.events import ARGUMENT_CHANGED, MOTION_CHANGED, announce
from debates.models import MODERATION_REASON_MAX_LENGTH, Argument, Flag, ModerationAction, Motion

__all__ = [
    "INDEFINITELY",
    "SUSPENSION_PERIODS",
    "Outcome",
    "dismiss_flags",
    "feature_motion",
    "flag_claim",
    "flag_refusal",
    "hide_and_suspend_author",
    "hide_argument",
    "hide_claim",
    "hide_motion",
    "lock_motion",
    "open_flag",
    "parse_days",
    "restore_argument",
    "restore_claim",
    "restore_motion",
    "suspend_user",
    "suspension_refusal",
    "unfeature_motion",
    "unlock_motion",
    "unsuspend_user",
]

Action = ModerationAction.Action

# Suspended "indefinitely" is stored as the far future (accounts.rules shows year 9999 so).
INDEFINITELY = datetime(9999, 12, 31, 23, 59, tzinfo=UTC)
SUSPENSION_MAX_DAYS = 3650
# The periods the forms offer, in days; None is indefinitely. The services take any 1..3650.
SUSPENSION_PERIODS = [(1, "1 day"), (7, "7 days"), (30, "30 days"), (None, "Indefinitely")]


@dataclass(frozen=True)
class Outcome:
    """What a moderation act did: whether it changed anything, a message to show, its log entry."""

    changed: bool
    message: str
    entry: ModerationAction | None = None


# --- Checks ------------------------------------------------------------------------------------


def require_moderator(user):
    """Raise 403 unless `user` may moderate (accounts.decorators.moderation_refusal)."""
    if not getattr(user, "is_authenticated", False):
        raise DebateRuleError("Sign in as a moderator to do that.", status=403)
    refusal = moderation_refusal(user)
    if refusal:
        raise DebateRuleError(refusal, status=403)


# Control characters (NUL among them, which PostgreSQL cannot store) and the bidirectional
# embeddings, overrides and isolates that can make a logged reason read backwards.
_UNPRINTABLE = dict.fromkeys(
    [*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)], " "
)


def one_line(text):
    """`text` as one line of plain, printable text: controls dropped, whitespace collapsed."""
    return " ".join(str(text or "").translate(_UNPRINTABLE).split())


def clean_reason(reason, *, required):
    """A reason trimmed to one line; 422 when required and missing, or too long."""
    reason = one_line(reason)
    if required and not reason:
        raise DebateRuleError(
            "Give a reason: it is logged and shown with the notice.", status=422, field="reason"
        )
    if len(reason) > MODERATION_REASON_MAX_LENGTH:
        raise DebateRuleError(
            f"Keep the reason to {MODERATION_REASON_MAX_LENGTH} characters (it has {len(reason)}).",
            status=422,
            field="reason",
        )
    return reason


def parse_days(raw):
    """A suspension period from a form: "" or "indefinitely" is None, else 1..3650 days (422)."""
    raw = str(raw if raw is not None else "").strip().lower()
    if raw in ("", "indefinitely", "none"):
        return None
    try:
        days = int(raw)
    except ValueError:
        raise DebateRuleError(
            "Choose how many days the suspension lasts, or indefinitely.", status=422, field="days"
        ) from None
    return _check_days(days)


def _check_days(days):
    if days is None:
        return None
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= SUSPENSION_MAX_DAYS:
        raise DebateRuleError(
            f"A suspension lasts 1 to {SUSPENSION_MAX_DAYS} days, or indefinitely.",
            status=422,
            field="days",
        )
    return days


def claim_kind(claim):
    if isinstance(claim, Argument):
        return "argument"
    if isinstance(claim, Motion):
        return "motion"
    raise TypeError(f"Not a claim: {type(claim).__name__}")


def _on(claim):
    """Keyword arguments naming `claim` as a Flag's or ModerationAction's target."""
    return {claim_kind(claim): claim}


def _log(moderator, action, target, reason="", **details):
    field = "user" if isinstance(target, User) else claim_kind(target)
    return ModerationAction.objects.create(
        moderator=moderator, action=action, reason=reason, **{field: target}, **details
    )


def _resolve_flags(claim, moderator, status):
    """Close the claim's open flags; returns how many."""
    return Flag.objects.filter(status=Flag.Status.OPEN, **_on(claim)).update(
        status=status, resolved_at=timezone.now(), resolved_by=moderator
    )


def _announce(claim):
    if isinstance(claim, Argument):
        announce(claim.motion_id, ARGUMENT_CHANGED, argument_id=claim.pk)
    else:
        announce(claim.pk, MOTION_CHANGED)


def _locked_copy(claim):
    """The claim's row, re-read and locked for the transaction."""
    model = type(claim)
    return model.objects.select_for_update().get(pk=claim.pk)


def _refresh(instance, fresh, fields):
    for name in fields:
        setattr(instance, name, getattr(fresh, name))


# --- Flags -------------------------------------------------------------------------------------


def flag_refusal(flagger, claim):
    """Why `flagger` may not flag `claim` (a DebateRuleError to raise or show), or None."""
    refusal = participation_refusal(flagger, "flag")
    if refusal:
        return DebateRuleError(refusal, status=403)
    if not flagger.has_verified_email:
        return DebateRuleError(
            "Verify your email address before flagging: check your inbox for the link.",
            status=403,
        )
    kind = claim_kind(claim)
    if claim.author_id is not None and claim.author_id == flagger.pk:
        return DebateRuleError(f"You cannot flag your own {kind}.", status=403)
    shown = claim.is_visible if kind == "argument" else not claim.is_hidden
    if not shown:
        state = claim.get_visibility_display().lower()
        return DebateRuleError(f"This {kind} is already {state}.", status=409)
    return None


def open_flag(flagger, claim):
    """`flagger`'s open flag on `claim`, or None."""
    if not getattr(flagger, "is_authenticated", False):
        return None
    return Flag.objects.filter(flagger=flagger, status=Flag.Status.OPEN, **_on(claim)).first()


@transaction.atomic
def flag_claim(*, flagger, claim, reason, note=""):
    """Report a motion or argument. Returns (flag, created); a second open flag is a no-op.

    Rules: verified members who may take part (403); not one's own claim (403); a reason from
    Flag.Reason (400); a note for "other" (422), at most 500 characters (422); the claim is
    still shown (409: a hidden or retracted claim needs no flag).
    """
    fresh = _locked_copy(claim)
    refusal = flag_refusal(flagger, fresh)
    if refusal:
        raise refusal
    if reason not in Flag.Reason.values:
        raise DebateRuleError("Choose why you are flagging this.", status=400, field="reason")
    note = one_line(note)
    if reason == Flag.Reason.OTHER and not note:
        raise DebateRuleError(
            "Say what is wrong: a note is needed when the reason is “other”.",
            status=422,
            field="note",
        )
    if len(note) > Flag.NOTE_MAX_LENGTH:
        raise DebateRuleError(
            f"Keep the note to {Flag.NOTE_MAX_LENGTH} characters (it has {len(note)}).",
            status=422,
            field="note",
        )
    existing = open_flag(flagger, claim)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            flag = Flag.objects.create(flagger=flagger, reason=reason, note=note, **_on(claim))
    except IntegrityError:
        # A concurrent flag by the same person won the unique open-flag constraint.
        return open_flag(flagger, claim), False
    return flag, True


@transaction.atomic
def dismiss_flags(*, moderator, claim, reason=""):
    """Close a claim's open flags without acting on it; logged once with how many."""
    require_moderator(moderator)
    reason = clean_reason(reason, required=False)
    _locked_copy(claim)
    count = _resolve_flags(claim, moderator, Flag.Status.DISMISSED)
    if not count:
        return Outcome(False, f"This {claim_kind(claim)} has no open flags; nothing changed.")
    entry = _log(moderator, Action.DISMISS_FLAGS, claim, reason, flags_resolved=count)
    return Outcome(True, f"{count} flag{'s' if count != 1 else ''} dismissed.", entry)


# --- Hide and restore --------------------------------------------------------------------------


@transaction.atomic
def hide_argument(*, moderator, argument, reason):
    """Hide an argument from everyone but its author and moderators; its replies stay."""
    require_moderator(moderator)
    reason = clean_reason(reason, required=True)
    fresh = _locked_copy(argument)
    if fresh.is_hidden:
        return Outcome(False, "This argument is already hidden; nothing changed.")
    if fresh.visibility == Argument.Visibility.RETRACTED:
        raise DebateRuleError(
            "Its author retracted this argument, so its text is already withdrawn; "
            "there is nothing to hide.",
            status=409,
        )
    # update(), not save(): moderation is not activity, so updated_at stays as it was.
    Argument.objects.filter(pk=fresh.pk).update(
        visibility=Argument.Visibility.HIDDEN, hidden_reason=reason
    )
    resolved = _resolve_flags(argument, moderator, Flag.Status.ACTIONED)
    entry = _log(moderator, Action.HIDE, fresh, reason, flags_resolved=resolved)
    argument.visibility, argument.hidden_reason = Argument.Visibility.HIDDEN, reason
    _announce(fresh)
    return Outcome(True, "Argument hidden.", entry)


@transaction.atomic
def restore_argument(*, moderator, argument, reason):
    """Bring a hidden argument back exactly as it was."""
    require_moderator(moderator)
    reason = clean_reason(reason, required=True)
    fresh = _locked_copy(argument)
    if fresh.visibility == Argument.Visibility.RETRACTED:
        raise DebateRuleError(
            "Its author retracted this argument; only hidden arguments can be restored.",
            status=409,
        )
    if not fresh.is_hidden:
        return Outcome(False, "This argument is not hidden; nothing changed.")
    Argument.objects.filter(pk=fresh.pk).update(
        visibility=Argument.Visibility.VISIBLE, hidden_reason=""
    )
    entry = _log(moderator, Action.RESTORE, fresh, reason)
    argument.visibility, argument.hidden_reason = Argument.Visibility.VISIBLE, ""
    _announce(fresh)
    return Outcome(True, "Argument restored.", entry)


@transaction.atomic
def hide_motion(*, moderator, motion, reason):
    """Hide a motion's title, claim and context from everyone but its author and moderators.

    Its arguments stay in place; while hidden it takes no new arguments or votes.
    """
    require_moderator(moderator)
    reason = clean_reason(reason, required=True)
    fresh = _locked_copy(motion)
    if fresh.is_hidden:
        return Outcome(False, "This motion is already hidden; nothing changed.")
    Motion.objects.filter(pk=fresh.pk).update(
        visibility=Motion.Visibility.HIDDEN, hidden_reason=reason
    )
    resolved = _resolve_flags(motion, moderator, Flag.Status.ACTIONED)
    entry = _log(moderator, Action.HIDE, fresh, reason, flags_resolved=resolved)
    motion.visibility, motion.hidden_reason = Motion.Visibility.HIDDEN, reason
    _announce(fresh)
    return Outcome(True, "Motion hidden.", entry)


@transaction.atomic
def restore_motion(*, moderator, motion, reason):
    require_moderator(moderator)
    reason = clean_reason(reason, required=True)
    fresh = _locked_copy(motion)
    if not fresh.is_hidden:
        return Outcome(False, "This motion is not hidden; nothing changed.")
    Motion.objects.filter(pk=fresh.pk).update(
        visibility=Motion.Visibility.VISIBLE, hidden_reason=""
    )
    entry = _log(moderator, Action.RESTORE, fresh, reason)
    motion.visibility, motion.hidden_reason = Motion.Visibility.VISIBLE, ""
    _announce(fresh)
    return Outcome(True, "Motion restored.", entry)


def hide_claim(*, moderator, claim, reason):
    """hide_argument or hide_motion, by the claim's type."""
    if claim_kind(claim) == "argument":
        return hide_argument(moderator=moderator, argument=claim, reason=reason)
    return hide_motion(moderator=moderator, motion=claim, reason=reason)


def restore_claim(*, moderator, claim, reason):
    if claim_kind(claim) == "argument":
        return restore_argument(moderator=moderator, argument=claim, reason=reason)
    return restore_motion(moderator=moderator, motion=claim, reason=reason)


# --- Lock and feature --------------------------------------------------------------------------


def _set_motion(moderator, motion, action, fields, *, done, already, reason, required):
    """Set `fields` on the motion and log `action`, unless it already has those values."""
    require_moderator(moderator)
    reason = clean_reason(reason, required=required)
    with transaction.atomic():
        fresh = _locked_copy(motion)
        state_fields = [name for name in fields if name != "lock_reason"]
        if all(getattr(fresh, name) == fields[name] for name in state_fields):
            return Outcome(False, already)
        Motion.objects.filter(pk=fresh.pk).update(**fields)
        entry = _log(moderator, action, fresh, reason)
        for name, value in fields.items():
            setattr(motion, name, value)
        _announce(fresh)
    return Outcome(True, done, entry)


def lock_motion(*, moderator, motion, reason):
    """Close a motion to new arguments and votes; the reason is shown on its page."""
    return _set_motion(
        moderator,
        motion,
        Action.LOCK,
        {"state": Motion.State.LOCKED, "lock_reason": clean_reason(reason, required=False)},
        done="Motion locked.",
        already="This motion is already locked; nothing changed.",
        reason=reason,
        required=True,
    )


def unlock_motion(*, moderator, motion, reason=""):
    return _set_motion(
        moderator,
        motion,
        Action.UNLOCK,
        {"state": Motion.State.OPEN, "lock_reason": ""},
        done="Motion unlocked.",
        already="This motion is not locked; nothing changed.",
        reason=reason,
        required=False,
    )


def feature_motion(*, moderator, motion, reason=""):
    """Put a motion at the top of the home page."""
    return _set_motion(
        moderator,
        motion,
        Action.FEATURE,
        {"featured": True},
        done="Motion featured on the home page.",
        already="This motion is already featured; nothing changed.",
        reason=reason,
        required=False,
    )


def unfeature_motion(*, moderator, motion, reason=""):
    return _set_motion(
        moderator,
        motion,
        Action.UNFEATURE,
        {"featured": False},
        done="Motion no longer featured.",
        already="This motion is not featured; nothing changed.",
        reason=reason,
        required=False,
    )


# --- Suspensions -------------------------------------------------------------------------------


def suspension_refusal(moderator, person):
    """Why `moderator` may not suspend `person` (themselves, staff, superusers), or None."""
    if person.pk == moderator.pk:
        return "You cannot suspend yourself."
    if person.is_staff or person.is_superuser:
        return "Staff accounts cannot be suspended."
    return None


@transaction.atomic
def suspend_user(*, moderator, user, days=None, reason):
    """Stop `user` posting, voting and flagging for `days` (None: indefinitely); they can read.

    They see the reason and the end (accounts.rules). Suspending someone already suspended is
    a no-op: unsuspend first to change the period.
    """
    require_moderator(moderator)
    reason = clean_reason(reason, required=True)
    days = _check_days(days)
    person = User.objects.select_for_update().get(pk=user.pk)
    refusal = suspension_refusal(moderator, person)
    if refusal:
        raise DebateRuleError(refusal, status=403)
    if person.is_suspended:
        return Outcome(
            False,
            f"{person.display_name} is already suspended; nothing changed. "
            "Lift the suspension first to change it.",
        )
    until = INDEFINITELY if days is None else timezone.now() + timedelta(days=days)
    person.suspended_until, person.suspension_reason = until, reason
    person.save(update_fields=["suspended_until", "suspension_reason"])
    user.suspended_until, user.suspension_reason = until, reason
    entry = _log(moderator, Action.SUSPEND, person, reason, suspended_until=until)
    when = "indefinitely" if days is None else f"for {days} day{'s' if days != 1 else ''}"
    return Outcome(True, f"{person.display_name} is suspended {when}.", entry)


@transaction.atomic
def unsuspend_user(*, moderator, user, reason=""):
    require_moderator(moderator)
    reason = clean_reason(reason, required=False)
    person = User.objects.select_for_update().get(pk=user.pk)
    if person.pk == moderator.pk:
        raise DebateRuleError("You cannot lift your own suspension.", status=403)
    if not person.is_suspended:
        return Outcome(False, f"{person.display_name} is not suspended; nothing changed.")
    person.suspended_until, person.suspension_reason = None, ""
    person.save(update_fields=["suspended_until", "suspension_reason"])
    user.suspended_until, user.suspension_reason = None, ""
    entry = _log(moderator, Action.UNSUSPEND, person, reason)
    return Outcome(True, f"{person.display_name}'s suspension is lifted.", entry)


@transaction.atomic
def hide_and_suspend_author(*, moderator, claim, reason, days=None):
    """Hide a claim and suspend its author with the same reason: two log entries, one commit.

    Refused as a whole (nothing hidden) when the author cannot be suspended.
    """
    require_moderator(moderator)
    reason = clean_reason(reason, required=True)
    days = _check_days(days)
    author = User.objects.filter(pk=claim.author_id).first() if claim.author_id else None
    if author is None:
        raise DebateRuleError(
            f"This {claim_kind(claim)} has no member as its author to suspend.", status=409
        )
    refusal = suspension_refusal(moderator, author)
    if refusal:
        raise DebateRuleError(refusal, status=403)
    hidden = hide_claim(moderator=moderator, claim=claim, reason=reason)
    suspended = suspend_user(moderator=moderator, user=author, days=days, reason=reason)
    return [hidden, suspended]
