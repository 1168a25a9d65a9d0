"""Who may see or do what: the access rules of Crux, in one place.

Views, services, templates (through debates.templatetags.policy_tags, which only calls
these) and live rendering all ask here rather than restate a rule. Facts about a person
(is_moderator, is_suspended, has_verified_email) are the user model's; what they allow is
decided here. A vote's refusals too (vote_refusal): debates.voting asks under the claim's row
lock, and its one statement on PostgreSQL (debates/cast_vote.sql) restates them in SQL.

Conventions: a `*_refusal` function answers why someone may not, or None when they may. The
rules about a person alone answer a message (always a 403); those about a claim answer a
DebateRuleError, whose status says who may not (403) from a state that forbids it (409).
`enforce` raises either. vote_refusal alone answers a code, the one its SQL restatement answers
too; refused_vote turns it into the error. The `*_shown_to` functions answer whether a viewer may
read a text.
"""

from django.db.models import Q

from accounts import suspension
from debates.errors import DebateRuleError
from debates.models import Argument, Motion, Source
from debates.text import reason_and_stop

# --- People ------------------------------------------------------------------------------------


def moderates(user) -> bool:
    """A signed-in moderator (suspended or not); never a query for anonymous viewers."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_moderator", False))


def takes_part(viewer) -> bool:
    """Whether a page offers `viewer` to reply, vote and flag at all: everyone but a suspended
    member, who is told why once, at the top of every page. (An anonymous reader is offered
    them, and asked to sign in.)"""
    return not getattr(viewer, "is_suspended", False)


def moderation_refusal(user):
    """Why `user` may not moderate, or None: moderators are staff, members of the Moderators
    group or holders of accounts.moderate (User.is_moderator), and not while suspended."""
    if not getattr(user, "is_authenticated", False):
        return "Sign in as a moderator to do that."
    if not moderates(user):
        return "Only moderators can do that."
    if user.is_suspended:
        return "Your account is suspended, so you cannot moderate."
    return None


def participation_refusal(user, action="post"):
    """Why `user` may not `action` ("post", "vote", "flag"), or None when they may.

    Anyone signed in, active and not suspended votes and flags; posting needs a verified email.
    """
    if not getattr(user, "is_authenticated", False):
        return f"Sign in to {action}."
    if not user.is_active:
        return "This account is deactivated."
    refusal = suspension.suspended_refusal(user, action)
    if refusal:
        return refusal
    if action == "post" and not user.has_verified_email:
        return "Verify your email address before posting: check your inbox for the link."
    return None


def profile_edit_refusal(user):
    """Why `user` may not change their profile now, or None: not while suspended."""
    return suspension.suspended_refusal(user, "edit your profile")


def suspension_refusal(moderator, person):
    """Why `moderator` may not suspend `person` (themselves, staff, superusers, a closed
    account: it can do nothing to stop), or None."""
    if not person.is_active:
        return DebateRuleError("This account is closed: there is nothing to suspend.", status=409)
    if person.pk == moderator.pk:
        return "You cannot suspend yourself."
    if person.is_staff or person.is_superuser:
        return "Staff accounts cannot be suspended."
    return None


def bulk_hide_refusal(moderator, person):
    """Why `moderator` may not hide `person`'s arguments in one act (their own: a moderator
    withdraws their own words by retracting them), or None."""
    if person.pk == moderator.pk:
        return "You cannot hide your own arguments: retract them instead."
    return None


def lift_refusal(moderator, person):
    """Why `moderator` may not lift `person`'s suspension (their own), or None."""
    if person.pk == moderator.pk:
        return "You cannot lift your own suspension."
    return None


# --- Reading -----------------------------------------------------------------------------------


def _authored_by(claim, user):
    return (
        getattr(user, "is_authenticated", False)
        and claim.author_id is not None
        and claim.author_id == user.pk
    )


def _kind(target) -> str:
    if isinstance(target, Source):
        return "source"
    return "motion" if isinstance(target, Motion) else "argument"


def _owned_by(target, user) -> bool:
    """Whether `user` wrote the claim, or added the source: what is theirs to stand by."""
    if not isinstance(target, Source):
        return bool(_authored_by(target, user))
    return bool(
        getattr(user, "is_authenticated", False)
        and target.added_by_id is not None
        and target.added_by_id == user.pk
    )


def _yours(target) -> str:
    """The target as its owner is told of it: "your own argument", "a source you added"."""
    return "a source you added" if isinstance(target, Source) else f"your own {_kind(target)}"


def written_by(claim, user) -> bool:
    """Whether `user` wrote the claim (what makes it their own on a page: see audience)."""
    return bool(_authored_by(claim, user))


def is_shown(claim) -> bool:
    """Whether everyone reads the claim: an argument neither hidden nor retracted, a motion (or
    a source) not hidden."""
    if isinstance(claim, Motion | Source):
        return not claim.is_hidden
    return claim.is_visible


def text_shown_to(claim, viewer) -> bool:
    """Whether `viewer` may read the claim's text where it stands in the debate: everyone while
    it is shown; when a moderator hid it, its author and moderators; once its author retracted an
    argument, nobody (its place shows "[retracted]"). Whatever the page, and whatever the viewer
    did before (flagged it, voted on it)."""
    if is_shown(claim):
        return True
    if not claim.is_hidden:
        return False
    return _authored_by(claim, viewer) or moderates(viewer)


def texts_shown_to(viewer, model) -> Q:
    """The rows of `model` (Motion or Argument) whose text_shown_to is true for `viewer`, as a
    filter, for what reads many claims at once (search, issue 21): the shown ones; hidden ones
    too for moderators, and their own for authors; retracted ones never."""
    shown = Q(visibility=model.Visibility.VISIBLE)
    hidden = Q(visibility=model.Visibility.HIDDEN)
    if moderates(viewer):
        return shown | hidden
    if getattr(viewer, "is_authenticated", False):
        return shown | (hidden & Q(author_id=viewer.pk))
    return shown


def arguments_listed_to(viewer) -> Q:
    """The arguments a list outside their debate (a profile, search, the API) may name to
    `viewer`: none in a motion a moderator hid, unless `viewer` may read that motion, for an
    argument's address holds its motion's slug, made from the title the hiding withholds.
    A subquery, not a join, so that it filters any query over arguments as it stands."""
    if moderates(viewer):
        return Q()
    readable = Motion.objects.filter(texts_shown_to(viewer, Motion)).values("pk")
    return Q(motion_id__in=readable)


def named_to(claim, viewer) -> bool:
    """Whether a page outside the debate (reached by a bare id) may quote `claim` to `viewer`
    and link it: its text is shown to them and, for an argument, its motion's too (the one-row
    counterpart of arguments_listed_to)."""
    if not text_shown_to(claim, viewer):
        return False
    return isinstance(claim, Motion) or text_shown_to(claim.motion, viewer)


def texts_found_by(viewer, model) -> Q:
    """What search (issue 21) finds for `viewer` among `model`'s rows: what texts_shown_to
    shows, and for moderators retracted arguments too (their words are theirs to audit, as
    wording_shown_to says); a retracted hit leads to the argument's history, not the debate."""
    found = texts_shown_to(viewer, model)
    if model is Argument and moderates(viewer):
        found |= Q(visibility=Argument.Visibility.RETRACTED)
    return found


def analysis_shown_to(motion, viewer) -> bool:
    """Whether `viewer` may read a motion's analysis (its groups, their tallies, its bridging
    scores), or have its arguments ranked by it: whoever may read the motion."""
    return text_shown_to(motion, viewer)


def group_members_shown_to(viewer) -> bool:
    """Whether `viewer` may learn which members form an opinion group of a motion's analysis
    (issue 19): moderators only, for audits. Everyone else sees counts and anonymous points, so
    nobody learns how a named member voted."""
    return moderates(viewer)


def wording_shown_to(argument, viewer) -> bool:
    """Whether `viewer` may read an argument's wording and earlier wordings outside the debate
    (its history, its author's profile): everyone while it stands; its author and moderators
    always, so that words withdrawn after they did harm can still be audited."""
    return argument.is_visible or withdrawn_wording_shown_to(argument, viewer)


def withdrawn_wording_shown_to(argument, viewer) -> bool:
    """Whether `viewer` would still read an argument's wording once it is withdrawn."""
    return _authored_by(argument, viewer) or moderates(viewer)


def arguments_counted_for(viewer=None) -> Q:
    """The arguments a figure counts, as a filter: those whose words it stands beside are shown
    to `viewer`, so that a debate cleaned of spam stops advertising it.

    A debate's figures (its pro, con and "in all" counts on the home page, a profile and the
    API; "Arguments (N)" on its page) are the same for every reader, cached and sent live as
    such: they are asked for nobody (None) and count what everyone reads, arguments neither
    hidden nor retracted (is_shown, which the motion's page asks of each branch it has read).
    A member's figures on their profile count what it quotes of them to `viewer`
    (wording_shown_to): their withdrawn arguments too for themselves and moderators."""
    shown = Q(visibility=Argument.Visibility.VISIBLE)
    if moderates(viewer):
        return Q()
    if getattr(viewer, "is_authenticated", False):
        return shown | Q(author_id=viewer.pk)
    return shown


# --- Acting on claims --------------------------------------------------------------------------


def enforce(refusal):
    """Raise `refusal` when there is one (a message is a 403)."""
    if refusal is None:
        return
    if isinstance(refusal, str):
        refusal = DebateRuleError(refusal, status=403)
    raise refusal


def closed_refusal(motion, *, editing: bool = False):
    """Why a motion takes no new arguments, and its arguments no edits, now; or None. The
    message speaks of what was tried: `editing` an argument, or else posting one."""
    refused = "edits to its arguments" if editing else "new arguments"
    if motion.is_locked:
        # With the moderator's reason, as the page's notice gives it.
        reason, stop = reason_and_stop(motion.lock_reason)
        why = f" Reason: {reason}{stop}" if reason else ""
        return DebateRuleError(f"This motion is locked: it takes no {refused}.{why}", status=403)
    if motion.is_hidden:
        return DebateRuleError(
            f"A moderator has hidden this motion: it takes no {refused}.", status=409
        )
    return None


def reply_to_refusal(parent):
    """Why nobody may reply to `parent` (an argument, or None for the motion itself) now."""
    if parent is None or parent.is_visible:
        return None
    state = parent.get_visibility_display().lower()
    return DebateRuleError(f"You can't reply to an argument {state}.", status=409)


def reply_refusal(user, motion, parent=None):
    """Why `user` may not argue on `motion` (under `parent`) now, or None."""
    refusal = participation_refusal(user, "post")
    if refusal:
        return DebateRuleError(refusal, status=403)
    return closed_refusal(motion) or reply_to_refusal(parent)


def replies_open(motion, argument) -> bool:
    """Whether the page offers to reply to `argument`: it stands in an open motion."""
    return reply_to_refusal(argument) is None and closed_refusal(motion) is None


def authorship_refusal(user, argument, verb):
    """Why `user` may not `verb` ("edit", "retract") `argument`: only its author may."""
    if _authored_by(argument, user):
        return None
    return DebateRuleError(f"Only its author can {verb} an argument.", status=403)


def edit_refusal(editor, argument):
    """Why `editor` may not reword `argument` now, or None (its motion is argument.motion)."""
    refusal = participation_refusal(editor, "post")
    if refusal:
        return DebateRuleError(refusal, status=403)
    refusal = authorship_refusal(editor, argument, "edit")
    if refusal:
        return refusal
    if not argument.is_visible:
        state = argument.get_visibility_display().lower()
        return DebateRuleError(f"This argument was {state}: it can't be edited.", status=409)
    return closed_refusal(argument.motion, editing=True)


def retract_refusal(author, argument):
    """Why `author` may not retract `argument`, or None (retracting it again changes nothing)."""
    refusal = authorship_refusal(author, argument, "retract")
    if refusal:
        return refusal
    if argument.is_hidden:
        return DebateRuleError("A moderator has hidden this argument already.", status=409)
    return None


def retract_offer_refusal(author, argument):
    """Why the retract page offers `author` no button: retract_refusal, or it is retracted
    already (retracting again is no error, but there is nothing to offer)."""
    refusal = retract_refusal(author, argument)
    if refusal is None and argument.visibility == Argument.Visibility.RETRACTED:
        return DebateRuleError("You have retracted this argument already.", status=409)
    return refusal


def amendable_by(argument, user) -> bool:
    """Whether the page offers `user` to edit or retract `argument`: their own, still standing."""
    return argument.is_visible and _authored_by(argument, user)


# --- Votes -------------------------------------------------------------------------------------

# Why a vote is refused, as codes: debates/cast_vote.sql answers the same ones.
OWN_CLAIM = "own-claim"
MOTION_LOCKED = "motion-locked"
MOTION_HIDDEN = "motion-hidden"
ARGUMENT_WITHDRAWN = "argument-"  # + the argument's visibility: "argument-hidden", "-retracted"

# Each code's error (debates.voting raises it) and what the page says beside its vote buttons.
_REFUSED_VOTE = {
    OWN_CLAIM: ("You cannot vote on your own {kind}.", 403),
    MOTION_LOCKED: ("This motion is locked, so voting on it is closed.", 403),
    MOTION_HIDDEN: ("A moderator has hidden this motion, so voting on it is closed.", 409),
    "argument-hidden": (
        "This argument was hidden by a moderator; it can no longer be voted on.",
        409,
    ),
    "argument-retracted": (
        "This argument was retracted by its author; it can no longer be voted on.",
        409,
    ),
}
_VOTING_CLOSED = {
    MOTION_LOCKED: "Voting is closed: the motion is locked",
    MOTION_HIDDEN: "Voting is closed: a moderator hid the motion",
    "argument-hidden": "Voting is closed: a moderator hid the argument",
    "argument-retracted": "Voting is closed: its author retracted the argument",
}


def vote_refusal(voter, claim, motion):
    """Why `voter` may not vote on `claim` (a motion, which is `motion`, or an argument in it),
    as a code, or None. The first that holds, in this order: their own claim; the motion locked;
    the motion hidden; the argument hidden or retracted.

    A vote meets participation_refusal(voter, "vote") before these, as it needs no claim.
    debates.voting asks this with the claim locked, and its SQL statement restates it."""
    if _authored_by(claim, voter):
        return OWN_CLAIM
    return _closed_to_votes(claim, motion)


def _closed_to_votes(claim, motion):
    """Why nobody may vote on `claim` now, as a vote_refusal code, or None."""
    if motion.is_locked:
        return MOTION_LOCKED
    if motion.is_hidden:
        return MOTION_HIDDEN
    if isinstance(claim, Argument) and not claim.is_visible:
        return ARGUMENT_WITHDRAWN + claim.visibility
    return None


def refused_vote(outcome, kind: str):
    """The error a vote on a `kind` of claim ("motion", "argument") refused with `outcome` (a
    vote_refusal code) raises, or None for any other outcome of a vote (the choice it counted,
    or no such claim). It names the claim as the note beside the buttons does."""
    if outcome not in _REFUSED_VOTE:
        return None
    message, status = _REFUSED_VOTE[outcome]
    return DebateRuleError(message.format(kind=kind), status=status)


def vote_closure(claim, motion, user):
    """Why the vote buttons on `claim` (in `motion`) are off for `user`, or None: exactly when
    vote_refusal refuses the vote. What closes the claim to everyone is named before its being
    theirs: the page says a motion's closure once, on the motion, and an own argument's note
    waits, hidden, for a live reopening (static/js/crux.js)."""
    closed = _closed_to_votes(claim, motion)
    if closed:
        return _VOTING_CLOSED[closed]
    return own_vote_closure(claim, user)


def own_vote_closure(claim, user):
    """Why `user` may never vote on `claim`, whatever the state of its motion, or None: a page
    that learns live that the motion reopened keeps these buttons off."""
    if _authored_by(claim, user):
        return f"You cannot vote on {_yours(claim)}"
    if not takes_part(user):
        return "You cannot vote while your account is suspended"
    return None


# --- Flags -------------------------------------------------------------------------------------


def flag_offered_to(claim, user) -> bool:
    """Whether the page shows `user` a "Flag" link on `claim` (or a source): signed in and not
    suspended, not its author (or who added the source), and shown to everyone (a withdrawn one
    needs no flag)."""
    return (
        getattr(user, "is_authenticated", False)
        and takes_part(user)
        and not _owned_by(claim, user)
        and is_shown(claim)
    )


def flag_refusal(flagger, claim, kept=None):
    """Why `flagger` may not flag `claim`, or None: verified members who may take part, not on
    their own claim, and only while it is shown (409: a hidden or retracted claim needs none).
    `kept` is their flag on it a moderator dismissed since its wording last changed
    (moderation_queries.kept_flag): the moderator read it and kept it, so the same member's
    flag on the same words is refused (409) rather than queued again; someone else's still
    counts, and so does theirs once an argument is reworded."""
    refusal = participation_refusal(flagger, "flag")
    if refusal:
        return DebateRuleError(refusal, status=403)
    if not flagger.has_verified_email:
        return DebateRuleError(
            "Verify your email address before flagging: check your inbox for the link.",
            status=403,
        )
    if _owned_by(claim, flagger):
        return DebateRuleError(f"You cannot flag {_yours(claim)}.", status=403)
    if not is_shown(claim):
        state = claim.get_visibility_display().lower()
        return DebateRuleError(f"This {_kind(claim)} is already {state}.", status=409)
    if kept is not None:
        kind, when = _kind(claim), kept.resolved_at
        unless = " unless its author rewords it" if kind == "argument" else ""
        return DebateRuleError(
            f"You flagged this {kind} and a moderator reviewed it and kept it "
            f"({when.day} {when:%B %Y}), so you can't flag it again{unless}.",
            status=409,
        )
    return None


# --- Moderating claims -------------------------------------------------------------------------


def restore_refusal(argument):
    """Why no moderator may restore `argument` (409): only what a moderator hid comes back."""
    if argument.visibility == Argument.Visibility.RETRACTED:
        return DebateRuleError(
            "Its author retracted this argument; only hidden arguments can be restored.",
            status=409,
        )
    return None


# The moderation acts nobody may do to what they wrote or added, with their wording.
SELF_REVIEWED_ACTS = {
    "dismiss": "dismiss flags on",
    "restore": "restore",
    "decide": "decide the appeal on",
}


def own_content_refusal(moderator, target, act):
    """Why `moderator` may not `act` on `target`, an argument or motion they wrote or a source
    they added (403), or None. Dismissing its flags or restoring it overrules a complaint or a
    hide about the moderator's own words, so another moderator must judge it, as nobody suspends
    themselves or lifts their own suspension. Every other act (hiding one's own: it only
    withdraws; locking, featuring) answers None."""
    verb = SELF_REVIEWED_ACTS.get(act)
    if verb is None or not _owned_by(target, moderator):
        return None
    return DebateRuleError(
        f"You cannot {verb} {_yours(target)}: another moderator must review it.", status=403
    )


# --- Appeals -----------------------------------------------------------------------------------
# An author's appeal on their argument or motion a moderator hid (debates.models.Appeal).


def _appellant_refusal(author, claim):
    """Why `author` may not appeal `claim` whatever became of their appeals, or None."""
    if not getattr(author, "is_authenticated", False):
        return DebateRuleError("Sign in to appeal.", status=403)
    if not author.is_active:
        return DebateRuleError("This account is deactivated.", status=403)
    # A suspension is no bar: an appeal is how a claim hidden wrongly (and perhaps the
    # suspension that came with it) is put right.
    if not author.has_verified_email:
        return DebateRuleError(
            "Verify your email address before appealing: check your inbox for the link.",
            status=403,
        )
    return _appealable_refusal(author, claim)


def _appealable_refusal(author, claim):
    """Why `claim` (an argument or a motion) is not `author`'s to appeal: not theirs (403), not
    hidden (409)."""
    kind = _kind(claim)
    if not _authored_by(claim, author):
        article = "an" if kind == "argument" else "a"
        return DebateRuleError(f"Only its author can appeal {article} {kind}'s hiding.", status=403)
    if not claim.is_hidden:
        state = claim.get_visibility_display().lower()
        if is_shown(claim):
            state = "not hidden (everyone can read it)"
        return DebateRuleError(f"This {kind} is {state}: there is nothing to appeal.", status=409)
    return None


def appeal_refusal(author, claim, *, waiting=None, declined=None):
    """Why `author` may not appeal the hiding of `claim` (an argument or a motion), or None: its
    author alone, signed in with a verified address (suspended or not), while it is hidden (409
    otherwise). `waiting` is its open appeal (409: a moderator has yet to answer it) and
    `declined` an appeal on it a moderator declined since it was last hidden (409: one appeal
    per hiding); both as moderation_queries.current_appeal finds them."""
    refusal = _appellant_refusal(author, claim)
    if refusal:
        return refusal
    if waiting is not None:
        when = waiting.created_at
        return DebateRuleError(
            f"You appealed on {when.day} {when:%B %Y}: your appeal is waiting for a moderator.",
            status=409,
        )
    if declined is not None:
        when = declined.resolved_at
        return DebateRuleError(
            f"A moderator declined your appeal on {when.day} {when:%B %Y} and kept this "
            f"{_kind(claim)} hidden: there is one appeal for each hiding.",
            status=409,
        )
    return None


def appeal_offered_to(claim, user) -> bool:
    """Whether the page offers `user` to appeal the hiding of `claim` (an argument or a motion),
    before looking at their appeals: its author, while it is hidden and their account is open.
    Not whether their address is verified, which costs the page a query: they posted it with
    one, and the appeal page says so in the rare case they have none now (appeal_refusal)."""
    return bool(getattr(user, "is_active", False)) and _appealable_refusal(user, claim) is None


def appeal_decider_refusal(moderator, appeal, hiding):
    """Why `moderator` is not the one to decide `appeal`, whatever became of it, or None: one on
    their own claim (own_content_refusal), or on a hiding they made (`hiding`, its log entry as
    moderation_queries.latest_hiding finds it, one of a batch too), is another moderator's to
    judge. The author asks for a second opinion: the moderator who hid it gave the first."""
    refusal = own_content_refusal(moderator, appeal.claim, "decide")
    if refusal:
        return refusal
    if hiding is not None and hiding.moderator_id == moderator.pk:
        return DebateRuleError("You hid it: another moderator must review the appeal.", status=403)
    return None


def decide_appeal_refusal(moderator, appeal, hiding):
    """Why `moderator` may not decide `appeal` now, or None: appeal_decider_refusal (403), or
    it was decided already (409)."""
    refusal = appeal_decider_refusal(moderator, appeal, hiding)
    if refusal:
        return refusal
    if appeal.status != appeal.Status.OPEN:
        return DebateRuleError(
            f"This appeal was {appeal.status} already: there is nothing to decide.", status=409
        )
    return None


def appeals_decided_by(moderator) -> Q:
    """appeal_decider_refusal as a filter of appeals annotated with `hidden_by_id`, who made
    the hiding appealed (moderation_queries): what counts as waiting for `moderator`. Only its
    author appeals a claim, so the appeal's author is the claim's."""
    hid_it = Q(hidden_by_id=moderator.pk, hidden_by_id__isnull=False)
    return ~Q(author_id=moderator.pk) & ~hid_it


# --- Audiences ---------------------------------------------------------------------------------

ANONYMOUS, MEMBER, MODERATOR = "anonymous", "member", "moderator"
# A suspended member or moderator reads as one, and is offered nothing to take part with.
SUSPENDED, SUSPENDED_MODERATOR = "suspended", "suspended-moderator"


def audience(viewer) -> str:
    """Which shared rendering of a debate `viewer` reads. By the rules above, what a viewer may
    see and do on arguments depends on whether they are signed in, moderate and are suspended,
    and beyond that only on the claims they wrote and the votes they cast: the rest is alike for
    every viewer of one audience (debates.fragments renders it once each and adds the viewer's
    own)."""
    if not getattr(viewer, "is_authenticated", False):
        return ANONYMOUS
    if moderates(viewer):
        return SUSPENDED_MODERATOR if viewer.is_suspended else MODERATOR
    return SUSPENDED if viewer.is_suspended else MEMBER


class StandIn:
    """A viewer of an audience who wrote nothing and voted on nothing: what a shared rendering
    is rendered for."""

    pk = id = None
    is_active = True
    has_verified_email = True

    def __init__(self, audience_name: str):
        self.is_authenticated = audience_name != ANONYMOUS
        self.is_anonymous = not self.is_authenticated
        self.is_moderator = audience_name in (MODERATOR, SUSPENDED_MODERATOR)
        self.is_suspended = audience_name in (SUSPENDED, SUSPENDED_MODERATOR)


# --- Sources (issue 20) ------------------------------------------------------------------------


def source_shown_to(source, viewer) -> bool:
    """Whether `viewer` may read a source's text, and what names it where a claim cites it (its
    title, author and addresses): everyone while it is shown; once a moderator hid it, the
    member who added it and moderators. A seeded source has no adder, and a shared rendering's
    stand-in (StandIn, of no id) is never taken for one."""
    return is_shown(source) or _owned_by(source, viewer) or moderates(viewer)


def sources_shown_to(viewer) -> Q:
    """The sources source_shown_to is true of for `viewer`, as a filter (search, issue 21)."""
    shown = Q(visibility="visible")
    if moderates(viewer):
        return Q()
    if getattr(viewer, "is_authenticated", False):
        return shown | Q(added_by_id=viewer.pk)
    return shown


def citation_refusal(source):
    """Why no new argument may cite `source` now (409), or None."""
    if source.is_hidden:
        return DebateRuleError(
            "A moderator has hidden this source: arguments can't quote it now.", status=409
        )
    return None


def passage_argued(argument) -> bool:
    """Whether `argument` marks its passage in the source's reader: only while everyone reads it
    (and its motion); a hidden or retracted argument leaves the passage plain."""
    return is_shown(argument) and is_shown(argument.motion)


# --- Notifications (issue 21) --------------------------------------------------------------------


def followable(claim) -> bool:
    """Whether following `claim` (a motion or an argument) would tell anyone but moderators of
    anything: while it and its motion are shown to everyone (told_of)."""
    return is_shown(claim) and is_shown(getattr(claim, "motion", claim))


def told_of(claim, person) -> bool:
    """Whether `person` is notified of `claim`: of an argument (a reply, a mention, a reply in
    what they follow) while it, the claim it answers and its motion are shown to everyone; of a
    motion (a mention in its context) while it is shown; otherwise moderators only, so a hidden
    or withdrawn claim and its replies are announced to nobody else. An argument comes with its
    motion and parent loaded."""
    if isinstance(claim, Motion):
        return is_shown(claim) or moderates(person)
    answered = [claim.motion] + ([claim.parent] if claim.parent_id else [])
    return all(is_shown(each) for each in [claim, *answered]) or moderates(person)


def told_of_filter(person, *, to: str, to_motion: str, always: Q) -> Q:
    """told_of as a filter of rows whose argument is the field `to` or, where that is empty,
    whose motion is the field `to_motion` (notifications), besides the rows `always` told of:
    what counts and lists them in the database (the bell, a digest) keeps to what the pages
    tell."""
    if moderates(person):
        return Q()
    visible = Argument.Visibility.VISIBLE
    shown = Q(
        **{f"{to}__visibility": visible, f"{to}__motion__visibility": Motion.Visibility.VISIBLE}
    ) & (Q(**{f"{to}__parent__isnull": True}) | Q(**{f"{to}__parent__visibility": visible}))
    motion_shown = Q(
        **{f"{to}__isnull": True, f"{to_motion}__visibility": Motion.Visibility.VISIBLE}
    )
    return always | shown | motion_shown
