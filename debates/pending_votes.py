"""A vote pressed before signing in, kept in the session and cast as she signs in.

An anonymous reader who presses Agree or Disagree is sent to sign in (accounts.decorators
member_required); without this she would have to find the claim and press again. One vote is
kept: the last pressed. It waits through sign-up, whose email verification comes before any
sign-in, until the first sign-in in the same browser, for a day at most (KEPT_FOR): on a
shared computer, a press left by someone else long ago is not cast for whoever signs in next.
The sign-in and sign-up pages (templates/account/) say it is waiting (waiting(), through the
pending_vote tag), from the session, where what they show is already written, so those pages
make no query for it.
"""

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import Truncator

from accounts.models import User
from debates import policy, queries, voting
from debates.errors import DebateRuleError
from debates.models import Argument, Motion, Vote

__all__ = ["KEPT_FOR", "SESSION_KEY", "cast", "cast_on_sign_in", "remember", "waiting"]

SESSION_KEY = "pending_vote"
# How much of an argument the pages quote: enough to recognise it, short enough for one line.
QUOTED_LENGTH = 80
# Long enough to sign up and verify the address; short enough not to outlive the reader.
KEPT_FOR = timedelta(days=1)


def remember(
    *,
    session: SessionBase,
    viewer: User | AnonymousUser,
    slug: str,
    argument_id: int | None,
    choice: str,
) -> None:
    """Keep this press to cast on signing in, in place of any earlier one. Only a valid choice
    on a claim `viewer` may read: the sign-in page quotes the claim, and a hidden one's words
    must not reach it through a forged press."""
    if choice not in Vote.Choice.values:
        return
    claim = _claim(slug=slug, argument_id=argument_id)
    if claim is None or not policy.named_to(claim, viewer):
        return
    session[SESSION_KEY] = {
        "slug": slug,
        "argument_id": argument_id,
        "choice": choice,
        "claim": _quoted(claim),
        "pressed_at": timezone.now().isoformat(),
    }


def waiting(session: SessionBase) -> dict | None:
    """The press waiting in `session`, unless it was made longer ago than KEPT_FOR (or before
    presses were dated)."""
    pending = session.get(SESSION_KEY)
    if not pending:
        return None
    try:
        pressed_at = datetime.fromisoformat(pending["pressed_at"])
    except (KeyError, TypeError, ValueError):
        return None
    return pending if timezone.now() - pressed_at <= KEPT_FOR else None


def cast(*, request: HttpRequest, voter: User) -> None:
    """Cast the vote waiting in `request`'s session for `voter`, now signed in, and say what
    came of it; it waits no longer either way. Nothing (no query) when none waits."""
    pending = waiting(request.session)
    request.session.pop(SESSION_KEY, None)
    if pending is None:
        return
    choice = pending["choice"]
    said = f"{Vote.Choice(choice).label} with “{pending['claim']}”"
    claim = _claim(slug=pending["slug"], argument_id=pending["argument_id"])
    if claim is None:
        messages.error(request, f"Your vote was not counted: {said}. The claim is gone.")
        return
    # A press made before signing in means to hold that choice, never to take it back (the
    # page's button toggles): cast without the toggle, so a vote cast meanwhile stays.
    if queries.my_vote(voter, claim) == choice:
        messages.info(request, f"Your vote was already counted: {said}.")
        return
    try:
        voting.cast_vote(voter=voter, claim=claim, choice=choice, toggle=False)
    except DebateRuleError as refusal:
        messages.error(request, f"Your vote was not counted: {said}. {refusal.message}")
    else:
        messages.success(request, f"Your vote is counted: {said}.")


def cast_on_sign_in(sender, *, request: HttpRequest, user: User, **kwargs) -> None:
    """The receiver of django.contrib.auth's user_logged_in (connected in debates.apps)."""
    cast(request=request, voter=user)


def _claim(*, slug: str, argument_id: int | None) -> Motion | Argument | None:
    if argument_id is None:
        return Motion.objects.filter(slug=slug).first()
    arguments = Argument.objects.select_related("motion")
    return arguments.filter(pk=argument_id, motion__slug=slug).first()


def _quoted(claim: Motion | Argument) -> str:
    if isinstance(claim, Motion):
        return claim.title
    return Truncator(claim.claim).chars(QUOTED_LENGTH)
