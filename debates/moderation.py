"""Moderation acts: flags, hide/restore, appeals (on arguments and motions), lock/unlock,
feature/unfeature, suspend/unsuspend.

Every act is one function here that, in one transaction, checks with debates.policy that the
actor may, changes the state and appends a ModerationAction to the log; once committed it
announces the change to open pages (debates.events). A suspension's own state is the account's
(accounts.suspension); the act of suspending, its rules and its log entry are moderation's.

Conventions:
- Refusals raise DebateRuleError: 403 for who may not, 409 for a state that forbids the act,
  422 for a missing or bad reason or period, 400 for an unknown choice.
- An act on something already in that state (hide the hidden, unlock the unlocked) is a no-op:
  it changes nothing, writes no log entry, and returns Outcome(changed=False, message=...).
- Nothing is deleted: hiding keeps the text (the author and moderators still read it) and
  restoring brings the claim back as it was; a hide reason lives in `hidden_reason` until then.
"""

from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import suspension
from accounts.models import User
from debates import moderation_queries, policy
from debates.errors import DebateRuleError, within_limit
from debates.events import (
    ARGUMENT_CHANGED,
    MOTION_CHANGED,
    announce,
    announce_own_argument,
    announce_own_motion,
    announce_to_members,
    stamp_activity,
)
from debates.models import (
    MODERATION_REASON_MAX_LENGTH,
    Appeal,
    Argument,
    Flag,
    ModerationAction,
    Motion,
    Source,
)
from debates.text import one_line

__all__ = [
    "Outcome",
    "appeal_hidden_argument",
    "appeal_hidden_motion",
    "appeal_refusal",
    "decline_appeal",
    "dismiss_flags",
    "feature_motion",
    "flag_claim",
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
    "unfeature_motion",
    "unlock_motion",
    "unsuspend_user",
    "uphold_appeal",
]

Action = ModerationAction.Action


@dataclass(frozen=True)
class Outcome:
    """What a moderation act did: whether it changed anything, a message to show, its log entry."""

    changed: bool
    message: str
    entry: ModerationAction | None = None


# --- Checks ------------------------------------------------------------------------------------


def require_moderator(user):
    """Raise 403 unless `user` may moderate (debates.policy.moderation_refusal)."""
    policy.enforce(policy.moderation_refusal(user))


def clean_reason(reason, *, required):
    """A reason trimmed to one line; 422 when required and missing, or too long."""
    reason = one_line(reason)
    if required and not reason:
        raise DebateRuleError(
            "Give a reason: it is logged and shown with the notice.", status=422, field="reason"
        )
    return within_limit(reason, limit=MODERATION_REASON_MAX_LENGTH, field="reason")


def _days(check, value):
    try:
        return check(value)
    except ValidationError as error:
        raise DebateRuleError(error.messages[0], status=422, field="days") from None


def parse_days(raw):
    """A suspension period from a form (accounts.suspension.parse_days), 422 when bad."""
    return _days(suspension.parse_days, raw)


def claim_kind(claim):
    """What a flag or log entry names `claim` as: an argument, a motion, or a source (its text)."""
    if isinstance(claim, Argument):
        return "argument"
    if isinstance(claim, Motion):
        return "motion"
    if isinstance(claim, Source):
        return "source"
    raise TypeError(f"Not a claim: {type(claim).__name__}")


def _on(claim):
    """Keyword arguments naming `claim` as a Flag's or ModerationAction's target."""
    return {claim_kind(claim): claim}


def _log(moderator, action, target, reason="", **details):
    field = "user" if isinstance(target, User) else claim_kind(target)
    return ModerationAction.objects.create(
        moderator=moderator, action=action, reason=reason, **{field: target}, **details
    )


def resolve_flags(claim, moderator, status, *, tell=True):
    """Close the open flags on `claim` (a motion, argument or source); returns how many.
    `tell`: say so to the moderators now (review_queue_changed), unless the act it is part of
    says so once at its end (debates.bulk_moderation)."""
    count = Flag.objects.filter(status=Flag.Status.OPEN, **_on(claim)).update(
        status=status, resolved_at=timezone.now(), resolved_by=moderator
    )
    if count and tell:
        review_queue_changed()
    return count


def review_queue_changed():
    """After the commit, tell every moderator's open pages that what waits for review changed
    (a flag or an appeal made or closed): the count beside their nav's link to the queue is
    re-read for each of them (debates.live.member), as a reload would show it."""
    announce_to_members(moderation_queries.moderator_ids())


def _announce(claim):
    if isinstance(claim, Argument):
        announce(claim.motion_id, ARGUMENT_CHANGED, argument_id=claim.pk)
    else:
        announce(claim.pk, MOTION_CHANGED)


def _locked_copy(claim):
    """The claim's row, re-read and locked for the transaction."""
    model = type(claim)
    return model.objects.select_for_update().get(pk=claim.pk)


# --- Flags -------------------------------------------------------------------------------------


def open_flag(flagger, claim):
    """`flagger`'s open flag on `claim`, or None."""
    if not getattr(flagger, "is_authenticated", False):
        return None
    return Flag.objects.filter(flagger=flagger, status=Flag.Status.OPEN, **_on(claim)).first()


@transaction.atomic
def flag_claim(*, flagger, claim, reason, note=""):
    """Report a motion, an argument or a source. Returns (flag, created); a second open flag is
    a no-op.

    Rules: verified members who may take part (403); not one's own claim or source (403); a
    reason from Flag.Reason (422); a note for "other" (422), at most 500 characters (422); the
    claim or source is still shown (409: a hidden or retracted one needs no flag); not again on
    what a moderator kept after this flagger's earlier flag (409, policy.flag_refusal).
    """
    fresh = _locked_copy(claim)
    policy.enforce(
        policy.flag_refusal(flagger, fresh, moderation_queries.kept_flag(flagger, fresh))
    )
    if reason not in Flag.Reason.values:
        raise DebateRuleError("Choose why you are flagging this.", status=422, field="reason")
    note = one_line(note)
    if reason == Flag.Reason.OTHER and not note:
        raise DebateRuleError(
            "Say what is wrong: a note is needed when the reason is “other”.",
            status=422,
            field="note",
        )
    within_limit(note, limit=Flag.NOTE_MAX_LENGTH, field="note")
    existing = open_flag(flagger, claim)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            flag = Flag.objects.create(flagger=flagger, reason=reason, note=note, **_on(claim))
    except IntegrityError:
        # A concurrent flag by the same person won the unique open-flag constraint.
        return open_flag(flagger, claim), False
    review_queue_changed()
    return flag, True


@transaction.atomic
def dismiss_flags(*, moderator, claim, reason=""):
    """Close a claim's open flags without acting on it; logged once with how many. Never on the
    moderator's own claim (debates.policy.own_content_refusal)."""
    require_moderator(moderator)
    reason = clean_reason(reason, required=False)
    policy.enforce(policy.own_content_refusal(moderator, _locked_copy(claim), "dismiss"))
    count = resolve_flags(claim, moderator, Flag.Status.DISMISSED)
    if not count:
        return Outcome(False, f"This {claim_kind(claim)} has no open flags; nothing changed.")
    entry = _log(moderator, Action.DISMISS_FLAGS, claim, reason, flags_resolved=count)
    return Outcome(True, f"{count} flag{'s' if count != 1 else ''} dismissed.", entry)


# --- Hide and restore --------------------------------------------------------------------------


@transaction.atomic
def hide_argument(*, moderator, argument, reason, batch: ModerationAction | None = None):
    """Hide an argument from everyone but its author and moderators; its replies stay.

    One its author retracted stays retracted, and its open flags are upheld (_uphold_flags).
    `batch`: the first entry of the act this hide is part of (debates.bulk_moderation), whose
    notice tells its author of this one too."""
    require_moderator(moderator)
    reason = clean_reason(reason, required=True)
    fresh = _locked_copy(argument)
    if fresh.is_hidden:
        return Outcome(False, "This argument is already hidden; nothing changed.")
    if fresh.is_retracted:
        return _uphold_flags(moderator, fresh, reason)
    # update(), not save(): moderation is not activity, so updated_at stays as it was.
    Argument.objects.filter(pk=fresh.pk).update(
        visibility=Argument.Visibility.HIDDEN, hidden_reason=reason
    )
    # A batch's later hides leave telling the moderators to its end: once, not once each.
    resolved = resolve_flags(argument, moderator, Flag.Status.ACTIONED, tell=batch is None)
    entry = _log(moderator, Action.HIDE, fresh, reason, flags_resolved=resolved, batch=batch)
    argument.visibility, argument.hidden_reason = Argument.Visibility.HIDDEN, reason
    _announce(fresh)
    return Outcome(True, "Argument hidden.", entry)


def _uphold_flags(moderator, fresh, reason):
    """Hiding `fresh`, an argument its author retracted: its open flags close as acted on (the
    flaggers were right: not a dismissal) and the log says they were upheld, with the reason.

    It is not made hidden. Its retraction withdraws it more than hiding would (nobody reads it in
    the debate, where a hidden one shows to its author) and nothing undoes it, whereas a hidden
    argument can be restored: restoring it would publish what its author withdrew. So the state
    the author chose stays, and the moderator's finding is the log entry (and the author's
    notice), which a suspension of the author can follow."""
    resolved = resolve_flags(fresh, moderator, Flag.Status.ACTIONED)
    if not resolved:
        return Outcome(
            False,
            "Its author retracted this argument, so nobody reads it in the debate already, and "
            "it has no open flags; nothing changed.",
        )
    entry = _log(moderator, Action.UPHOLD_FLAGS, fresh, reason, flags_resolved=resolved)
    flags = f"{resolved} flag{'s' if resolved != 1 else ''}"
    return Outcome(
        True,
        f"{flags} upheld. Its author had retracted this argument, so it stays withdrawn as "
        "retracted by its author (nothing to hide or restore).",
        entry,
    )


@transaction.atomic
def restore_argument(*, moderator, argument, reason):
    """Bring a hidden argument back exactly as it was; never one's own (own_content_refusal)."""
    require_moderator(moderator)
    reason = clean_reason(reason, required=True)
    fresh = _locked_copy(argument)
    policy.enforce(policy.restore_refusal(fresh))
    if not fresh.is_hidden:
        return Outcome(False, "This argument is not hidden; nothing changed.")
    policy.enforce(policy.own_content_refusal(moderator, fresh, "restore"))
    Argument.objects.filter(pk=fresh.pk).update(
        visibility=Argument.Visibility.VISIBLE, hidden_reason=""
    )
    _uphold_open_appeal(fresh, moderator)
    entry = _log(moderator, Action.RESTORE, fresh, reason)
    argument.visibility, argument.hidden_reason = Argument.Visibility.VISIBLE, ""
    _announce(fresh)
    return Outcome(True, "Argument restored.", entry)


def _uphold_open_appeal(claim, moderator):
    """Restoring `claim` is what its author asked for, if they appealed: their open appeal on
    it is upheld."""
    if Appeal.objects.filter(status=Appeal.Status.OPEN, **_on(claim)).update(
        status=Appeal.Status.UPHELD, resolved_at=timezone.now(), resolved_by=moderator
    ):
        review_queue_changed()


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
    resolved = resolve_flags(motion, moderator, Flag.Status.ACTIONED)
    entry = _log(moderator, Action.HIDE, fresh, reason, flags_resolved=resolved)
    motion.visibility, motion.hidden_reason = Motion.Visibility.HIDDEN, reason
    _announce(fresh)
    return Outcome(True, "Motion hidden.", entry)


@transaction.atomic
def restore_motion(*, moderator, motion, reason):
    """Bring a hidden motion back as it was; never one's own (own_content_refusal)."""
    require_moderator(moderator)
    reason = clean_reason(reason, required=True)
    fresh = _locked_copy(motion)
    if not fresh.is_hidden:
        return Outcome(False, "This motion is not hidden; nothing changed.")
    policy.enforce(policy.own_content_refusal(moderator, fresh, "restore"))
    Motion.objects.filter(pk=fresh.pk).update(
        visibility=Motion.Visibility.VISIBLE, hidden_reason=""
    )
    _uphold_open_appeal(fresh, moderator)
    entry = _log(moderator, Action.RESTORE, fresh, reason)
    motion.visibility, motion.hidden_reason = Motion.Visibility.VISIBLE, ""
    _announce(fresh)
    return Outcome(True, "Motion restored.", entry)


def hide_claim(*, moderator, claim, reason):
    """hide_argument or hide_motion, by the claim's type (a source: debates.sources)."""
    kind = claim_kind(claim)
    if kind == "argument":
        return hide_argument(moderator=moderator, argument=claim, reason=reason)
    if kind == "motion":
        return hide_motion(moderator=moderator, motion=claim, reason=reason)
    raise TypeError("A source is hidden by debates.sources.hide_source")


def restore_claim(*, moderator, claim, reason):
    kind = claim_kind(claim)
    if kind == "argument":
        return restore_argument(moderator=moderator, argument=claim, reason=reason)
    if kind == "motion":
        return restore_motion(moderator=moderator, motion=claim, reason=reason)
    raise TypeError("A source is restored by debates.sources.restore_source")


# --- Appeals ----------------------------------------------------------------------------------
# An author's appeal on their argument or motion a moderator hid: one service each to appeal,
# one to uphold (by restoring the claim) or decline, whichever the claim.


def _appeal_state(appeal):
    """moderation_queries.current_appeal's answer as policy.appeal_refusal takes it."""
    if appeal is None:
        return {}
    if appeal.status == Appeal.Status.OPEN:
        return {"waiting": appeal}
    return {"declined": appeal}


def appeal_refusal(author, claim):
    """policy.appeal_refusal with the appeal on `claim` (an argument or a motion) that stands now
    looked up (one query): what the appeal page asks before offering its form."""
    appeal = moderation_queries.current_appeal(claim)
    return policy.appeal_refusal(author, claim, **_appeal_state(appeal))


def _appeal_changed(claim, author_id: int):
    """After the commit, tell the appeal's author alone, on her own channel, that her own copy
    of `claim` changed (where her appeal stands): nobody else's page changes, so nothing goes on
    the debate's stream. Her open pages that show an argument ask for their own copy of it, as a
    reload would show it, once the cached rendering of its debate, in which her copy says where
    her appeal stands, is retired; a motion's text is rendered for each page afresh, and her
    pages are sent where her appeal on it stands (debates.live.member)."""
    if isinstance(claim, Argument):
        transaction.on_commit(partial(stamp_activity, claim.motion_id), robust=True)
        announce_own_argument(author_id, claim.pk)
    else:
        announce_own_motion(author_id, claim.pk)


def _appeal(author: User, claim, note: str) -> Appeal:
    fresh = _locked_copy(claim)
    policy.enforce(appeal_refusal(author, fresh))
    note = one_line(note)
    if not note:
        raise DebateRuleError(
            "Say why a moderator should look again: your note is what they read.",
            status=422,
            field="note",
        )
    within_limit(note, limit=Appeal.NOTE_MAX_LENGTH, field="note")
    appeal = Appeal.objects.create(author=author, note=note, **_on(fresh))
    _appeal_changed(fresh, author.pk)
    review_queue_changed()
    return appeal


@transaction.atomic
def appeal_hidden_argument(*, author: User, argument: Argument, note: str) -> Appeal:
    """Ask a moderator to look again at `argument`, hidden by one: its author alone, once for
    each hiding, with a note saying why (policy.appeal_refusal; 422 for a missing or too long
    note). A moderator restores it (upholding the appeal) or declines it (decline_appeal)."""
    return _appeal(author, argument, note)


@transaction.atomic
def appeal_hidden_motion(*, author: User, motion: Motion, note: str) -> Appeal:
    """appeal_hidden_argument for a motion a moderator hid, the whole debate with it."""
    return _appeal(author, motion, note)


def _appeal_to_decide(moderator, appeal) -> Appeal:
    """`appeal` read afresh with its claim, both locked (the claim first, as every act on it
    locks it), once `moderator` may decide it (policy.decide_appeal_refusal): still open, not
    on their own claim, and not on a hiding they made."""
    require_moderator(moderator)
    claim = _locked_copy(appeal.claim)
    fresh = Appeal.objects.select_for_update().get(pk=appeal.pk)
    setattr(fresh, appeal.kind, claim)
    hiding = moderation_queries.latest_hiding(claim)
    policy.enforce(policy.decide_appeal_refusal(moderator, fresh, hiding))
    return fresh


@transaction.atomic
def uphold_appeal(*, moderator: User, appeal: Appeal, reason: str) -> Outcome:
    """Restore an appealed argument or motion, which upholds the appeal (restore_argument and
    restore_motion close it): in the same transaction as the check that it is still open and
    this moderator's to decide (_appeal_to_decide)."""
    fresh = _appeal_to_decide(moderator, appeal)
    return restore_claim(moderator=moderator, claim=fresh.claim, reason=reason)


@transaction.atomic
def decline_appeal(*, moderator: User, appeal: Appeal, reason: str) -> ModerationAction:
    """Keep an appealed argument or motion hidden: the appeal is declined, the log says why (as
    decline_appeal on the claim) and its author is told (notifications, from the entry). Only
    by a moderator who may decide it (policy.decide_appeal_refusal); to uphold it, restore it."""
    fresh = _appeal_to_decide(moderator, appeal)
    reason = clean_reason(reason, required=True)
    claim = fresh.claim
    now = timezone.now()
    Appeal.objects.filter(pk=fresh.pk).update(
        status=Appeal.Status.DECLINED, resolved_at=now, resolved_by=moderator
    )
    appeal.status, appeal.resolved_at, appeal.resolved_by = Appeal.Status.DECLINED, now, moderator
    entry = _log(moderator, Action.DECLINE_APPEAL, claim, reason)
    _appeal_changed(claim, fresh.author_id)
    review_queue_changed()
    return entry


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


# --- Suspensions ------------------------------------------------------------------------------


@transaction.atomic
def suspend_user(*, moderator, user, days=None, reason):
    """Stop `user` posting, voting and flagging for `days` (None: indefinitely); they can read,
    and see the reason and the end. Suspending someone already suspended is a no-op: lift the
    suspension first to change the period."""
    require_moderator(moderator)
    reason = clean_reason(reason, required=True)
    days = _days(suspension.check_days, days)
    policy.enforce(policy.suspension_refusal(moderator, user))
    person = suspension.suspend(user=user, days=days, reason=reason)
    if person is None:
        return Outcome(
            False,
            f"{user.display_name} is already suspended; nothing changed. "
            "Lift the suspension first to change it.",
        )
    entry = _log(moderator, Action.SUSPEND, person, reason, suspended_until=person.suspended_until)
    when = "indefinitely" if days is None else f"for {days} day{'s' if days != 1 else ''}"
    return Outcome(True, f"{person.display_name} is suspended {when}.", entry)


@transaction.atomic
def unsuspend_user(*, moderator, user, reason=""):
    require_moderator(moderator)
    reason = clean_reason(reason, required=False)
    policy.enforce(policy.lift_refusal(moderator, user))
    person = suspension.lift(user=user)
    if person is None:
        return Outcome(False, f"{user.display_name} is not suspended; nothing changed.")
    entry = _log(moderator, Action.UNSUSPEND, person, reason)
    return Outcome(True, f"{person.display_name}'s suspension is lifted.", entry)


@transaction.atomic
def hide_and_suspend_author(*, moderator, claim, reason, days=None):
    """Hide a claim and suspend its author with the same reason: two log entries, one commit.

    Refused as a whole (nothing hidden) when the author cannot be suspended, or for a source,
    which has no author among the members (suspend who added it from their profile).
    """
    require_moderator(moderator)
    if claim_kind(claim) == "source":
        raise DebateRuleError(
            "A source has no author to suspend here: hide it, then suspend who added it from "
            "their profile.",
            status=409,
        )
    reason = clean_reason(reason, required=True)
    days = _days(suspension.check_days, days)
    author = User.objects.filter(pk=claim.author_id).first() if claim.author_id else None
    if author is None:
        raise DebateRuleError(
            f"This {claim_kind(claim)} has no member as its author to suspend.", status=409
        )
    policy.enforce(policy.suspension_refusal(moderator, author))
    hidden = hide_claim(moderator=moderator, claim=claim, reason=reason)
    suspended = suspend_user(moderator=moderator, user=author, days=days, reason=reason)
    return [hidden, suspended]
