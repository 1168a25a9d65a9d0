"""Appeals: an author asks a moderator to look again at their argument or motion a moderator
hid, and moderators answer on a page of their own, restoring it (the appeal upheld) or keeping it
hidden.

Plain forms, POST-redirect-GET: a refused form comes back with the message, its status (4xx)
and what was typed.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.decorators import member_required
from config.converters import is_id
from debates import moderation, moderation_queries, policy
from debates.errors import DebateRuleError
from debates.models import Appeal, Argument, Motion
from debates.views import HttpResponseSeeOther
from debates.views_moderation import moderator_required

APPEALS_PAGE_SIZE = 25
# A moderator's answers to an appeal: act, the reason's label, the button, whether it warns.
DECISIONS = (
    ("restore", "Why restore it", "Restore", False),
    ("decline", "Why keep it hidden", "Keep hidden", True),
)
APPEAL_ACTS = {act for act, *_ in DECISIONS}


@member_required
@require_http_methods(["GET", "POST"])
def appeal_argument(request, slug, pk):
    argument = get_object_or_404(
        Argument.objects.select_related("motion", "author"), pk=pk, motion__slug=slug
    )
    return _appeal_form(request, argument, argument.motion, moderation.appeal_hidden_argument)


@member_required
@require_http_methods(["GET", "POST"])
def appeal_motion(request, slug):
    motion = get_object_or_404(Motion.objects.select_related("author"), slug=slug)
    return _appeal_form(request, motion, motion, moderation.appeal_hidden_motion)


def _appeal_form(request, claim, motion, appeal):
    """The author's appeal form on `claim` (an argument of `motion`, or `motion` itself), sent
    by `appeal` (its service): refused (403, 409) with the reason, a note missing or too long
    (422) beside the note, as typed either way."""
    kind = moderation.claim_kind(claim)
    note = request.POST.get("note", "")
    status, error, note_error = 200, None, None
    refusal = moderation.appeal_refusal(request.user, claim)
    if refusal is not None:
        status, error = refusal.status, refusal.message
    elif request.method == "POST":
        try:
            appeal(author=request.user, note=note, **{kind: claim})
        except DebateRuleError as rule:
            status = rule.status
            if rule.field == "note":
                note_error = rule.message
            else:
                error = rule.message
        else:
            messages.success(
                request, f"Your appeal is sent: a moderator will look at your {kind} again."
            )
            return HttpResponseSeeOther(claim.get_absolute_url())
    context = {
        "claim": claim,
        "kind": kind,
        "motion": motion,
        "error": error,
        "note_error": note_error,
        "note": note,
    }
    return render(request, "debates/appeal.html", context, status=status)


@dataclass(frozen=True)
class AppealRefusal:
    """A refused act on one appeal, shown on that appeal alone: the act, its message, whether
    it is the reason's (then beside the field) and the reason as typed."""

    pk: int
    act: str
    message: str
    field: str | None
    reason: str


@moderator_required
@require_http_methods(["GET", "POST"])
def appeals(request):
    """Open appeals, the longest-waiting first; a POST restores one's argument or motion (the
    appeal upheld) or keeps it hidden (declined), then back to the page it was sent from."""
    if request.method == "GET":
        return _appeals_page(request)
    act, raw = request.POST.get("act", ""), request.POST.get("appeal", "")
    if act not in APPEAL_ACTS or not is_id(raw):
        return HttpResponseBadRequest("Choose an appeal and what to do with it.")
    appeal = get_object_or_404(
        Appeal.objects.select_related("argument__motion", "motion"), pk=int(raw)
    )
    reason = request.POST.get("reason", "")
    try:
        if act == "restore":
            outcome = moderation.uphold_appeal(moderator=request.user, appeal=appeal, reason=reason)
            messages.success(request, f"{outcome.message} The appeal is upheld.")
        else:
            moderation.decline_appeal(moderator=request.user, appeal=appeal, reason=reason)
            messages.success(
                request,
                f"Appeal declined: the {appeal.kind} stays hidden, and its author is told why.",
            )
    except DebateRuleError as rule:
        refused = AppealRefusal(appeal.pk, act, rule.message, rule.field, reason)
        return _appeals_page(request, refused=refused, status=rule.status)
    return HttpResponseSeeOther(_appeals_url(request))


@dataclass(frozen=True)
class AppealRow:
    """One open appeal on the page: why it is not this moderator's to decide (their own claim,
    or a hiding they made: policy.appeal_decider_refusal), or None, and the refusal of the act
    just sent on it, or None."""

    appeal: Appeal
    own_refusal: DebateRuleError | None
    refused: AppealRefusal | None

    @property
    def dom_id(self):
        return f"appeal-{self.appeal.pk}"

    @property
    def decisions(self):
        """Its two forms, each with the reason as typed when it was the act refused."""
        return [self._decision(*choice) for choice in DECISIONS]

    def _decision(self, act, label, button, danger):
        refused = self.refused if self.refused and self.refused.act == act else None
        return Decision(
            act=act,
            label=label,
            button=button,
            danger=danger,
            field_id=f"{self.dom_id}-{act}-reason",
            reason=refused.reason if refused else "",
            error_id=f"{self.dom_id}-error" if refused and refused.field == "reason" else "",
        )


@dataclass(frozen=True)
class Decision:
    """One of a moderator's two answers to an appeal, as its form shows it."""

    act: str
    label: str
    button: str
    danger: bool
    field_id: str
    reason: str
    error_id: str


def _appeals_page(request, *, refused=None, status=200):
    page = Paginator(moderation_queries.open_appeals(), APPEALS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        AppealRow(
            appeal,
            policy.appeal_decider_refusal(request.user, appeal, appeal.hiding),
            refused if refused and refused.pk == appeal.pk else None,
        )
        for appeal in moderation_queries.appeals_page(page.object_list)
    ]
    context = {
        "page": page,
        "rows": rows,
        # Said above the appeals only when the refused one is not on the page (decided
        # meanwhile by another moderator).
        "error": refused.message if refused and not any(row.refused for row in rows) else None,
    }
    return render(request, "debates/moderation/appeals.html", context, status=status)


def _appeals_url(request):
    """The appeals page the form was sent from (its forms name a page after the first)."""
    number = request.GET.get("page", "")
    url = reverse("moderation_appeals")
    return f"{url}?page={int(number)}" if is_id(number) and int(number) > 1 else url
