"""Moderation views: flagging, in-place moderator acts, the review queue and the log.

Each view parses the request and calls a debates.moderation act, then answers HTMX with a
fragment (4xx with the message in place on refusal) and a plain form with a redirect or a page
of its own. Every moderator URL is behind moderator_required: 403 for signed-in
non-moderators whatever the method or headers, sign-in for anonymous visitors.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts import suspension
from accounts.decorators import member_required
from accounts.models import User
from config import ratelimit
from config.converters import is_digits, is_id
from debates import bulk_moderation, moderation, moderation_queries, policy, queries, sources
from debates.errors import DebateRuleError
from debates.models import Argument, Flag, ModerationAction, Motion, Source
from debates.views import HttpResponseSeeOther

QUEUE_PAGE_SIZE = 20
LOG_PAGE_SIZE = 50

# What the review queue holds flags on (a source's text is flagged as a claim is).
CLAIM_KINDS = ("argument", "motion", "source")


def moderator_required(view):
    """member_required, then 403 for anyone who may not moderate, whatever the method or headers.

    The 403 page is debates/moderation/forbidden.html; an HTMX request gets its fragment.
    """

    @wraps(view)
    @member_required
    def wrapper(request, *args, **kwargs):
        refusal = policy.moderation_refusal(request.user)
        if refusal:
            template = "debates/moderation/forbidden.html"
            if request.htmx:
                template += "#refusal"
            return render(request, template, {"refusal": refusal}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _argument(slug, pk):
    return get_object_or_404(
        Argument.objects.select_related("motion", "author"), pk=pk, motion__slug=slug
    )


def _claim(kind, pk):
    if kind == "argument":
        return get_object_or_404(Argument.objects.select_related("motion", "author"), pk=pk)
    if kind == "motion":
        return get_object_or_404(Motion.objects.select_related("author"), pk=pk)
    if kind == "source":
        return get_object_or_404(Source.objects.select_related("added_by"), pk=pk)
    raise Http404("No such kind of claim.")


def _done(request, outcome, url):
    """After a plain-form act: the outcome as a message, then "go and GET" the page."""
    (messages.success if outcome.changed else messages.info)(request, outcome.message)
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseSeeOther(url)


# --- Flags -------------------------------------------------------------------------------------


@member_required
@require_http_methods(["GET", "POST"])
def flag_argument(request, slug, pk):
    argument = _argument(slug, pk)
    return _flag(request, argument, "argument", argument.motion)


@member_required
@require_http_methods(["GET", "POST"])
def flag_motion(request, slug):
    motion = get_object_or_404(Motion.objects.select_related("author"), slug=slug)
    return _flag(request, motion, "motion", motion)


@member_required
@require_http_methods(["GET", "POST"])
def flag_source(request, pk):
    source = get_object_or_404(Source.objects.select_related("added_by"), pk=pk)
    return _flag(request, source, "source", None)


def _flag(request, claim, kind, motion):
    """The flag form: in place over HTMX, a page of its own without JavaScript."""
    status, error, field_errors = 200, None, {}
    flagged = moderation.open_flag(request.user, claim)
    refusal = None
    if not flagged:
        kept = moderation_queries.kept_flag(request.user, claim)
        refusal = policy.flag_refusal(request.user, claim, kept)
    if refusal is not None:
        status, error = refusal.status, refusal.message
    elif request.method == "POST" and not flagged:
        try:
            with ratelimit.attempt(request, "flag"):
                flagged, _ = moderation.flag_claim(
                    flagger=request.user,
                    claim=claim,
                    reason=request.POST.get("reason", ""),
                    note=request.POST.get("note", ""),
                )
        except (DebateRuleError, ratelimit.RateLimited) as rule:
            status = rule.status
            if rule.field in ("reason", "note"):
                field_errors[rule.field] = rule.message
            else:
                error = rule.message
        else:
            if not request.htmx:
                messages.success(request, "Thank you: a moderator will review your flag.")
                return HttpResponseSeeOther(claim.get_absolute_url())
    context = {
        "claim": claim,
        "kind": kind,
        "motion": motion,
        "flagged": flagged,
        "error": error,
        "field_errors": field_errors,
        "reasons": Flag.Reason.choices,
        "chosen": request.POST.get("reason", ""),
        "note": request.POST.get("note", ""),
        "flag_url": _flag_url(claim, kind),
    }
    template = "debates/moderation/flag.html"
    if request.htmx:
        template += "#flagged" if flagged else "#flag-form"
    return render(request, template, context, status=status)


def _flag_url(claim, kind):
    if kind == "argument":
        return reverse("flag_argument", args=[claim.motion.slug, claim.pk])
    if kind == "source":
        return reverse("flag_source", args=[claim.pk])
    return reverse("flag_motion", args=[claim.slug])


# --- Acts on an argument, in place -------------------------------------------------------------

ARGUMENT_ACTS = {"hide": moderation.hide_argument, "restore": moderation.restore_argument}


@moderator_required
@require_http_methods(["GET", "POST"])
def moderate_argument(request, slug, pk, act):
    """Hide or restore an argument with a reason: in place over HTMX, else a confirmation page."""
    argument = _argument(slug, pk)
    status, error, error_field = 200, None, None
    # Asked up front so that the confirmation page offers no button the act would refuse; a POST
    # still goes to the act, which refuses it the same way (in place over HTMX).
    refusal = policy.own_content_refusal(request.user, argument, act)
    if refusal:
        status, error = refusal.status, refusal.message
    if request.method == "POST":
        try:
            outcome = ARGUMENT_ACTS[act](
                moderator=request.user, argument=argument, reason=request.POST.get("reason", "")
            )
        except DebateRuleError as rule:
            status, error, error_field = rule.status, rule.message, rule.field
            outcome = None
        if request.htmx:
            return _argument_in_place(request, argument, outcome, error, status)
        if outcome is not None:
            return _done(request, outcome, argument.get_absolute_url())
    context = {
        "act": act,
        "kind": "argument",
        "claim": argument,
        "motion": argument.motion,
        "refused": bool(refusal),
        "error": error,
        "error_field": error_field,
        "reason": request.POST.get("reason", ""),
        "action_url": reverse(f"{act}_argument", args=[slug, pk]),
        "back_url": argument.get_absolute_url(),
    }
    return render(request, "debates/moderation/confirm.html", context, status=status)


def _argument_in_place(request, argument, outcome, error, status):
    """The argument re-rendered with its replies, the act's message or refusal beside its tools."""
    motion = queries.motion_by_slug(argument.motion.slug)
    node = queries.subtree(motion, argument.pk, viewer=request.user).argument
    context = {
        "motion": motion,
        "argument": node,
        "mod_result": {
            "pk": node.pk,
            "message": outcome.message if outcome else "",
            "error": error or "",
        },
    }
    return render(request, "debates/argument_detail.html#acted-in-place", context, status=status)


# --- Acts on a motion --------------------------------------------------------------------------

MOTION_ACTS = {
    "hide": moderation.hide_motion,
    "restore": moderation.restore_motion,
    "lock": moderation.lock_motion,
    "unlock": moderation.unlock_motion,
    "feature": moderation.feature_motion,
    "unfeature": moderation.unfeature_motion,
}


@moderator_required
@require_http_methods(["GET", "POST"])
def moderate_motion(request, slug, act):
    """Hide, restore, lock, unlock, feature or unfeature a motion; back to its page after.

    A GET is the act's confirmation page: the panel's hiding form leads here without JavaScript,
    with the reason typed there. Sent in place (hiding, once confirmed), a refusal comes back
    into the panel."""
    motion = get_object_or_404(Motion.objects.select_related("author"), slug=slug)
    status, error, error_field = 200, None, None
    refusal = policy.own_content_refusal(request.user, motion, act)
    if refusal:
        status, error = refusal.status, refusal.message
    elif request.method == "POST":
        try:
            outcome = MOTION_ACTS[act](
                moderator=request.user, motion=motion, reason=request.POST.get("reason", "")
            )
        except DebateRuleError as rule:
            if request.htmx:
                return _motion_panel_refusal(request, motion, act, rule)
            status, error, error_field = rule.status, rule.message, rule.field
        else:
            return _done(request, outcome, motion.get_absolute_url())
    typed = request.POST if request.method == "POST" else request.GET
    context = {
        "act": act,
        "kind": "motion",
        "claim": motion,
        "motion": motion,
        "refused": bool(refusal),
        "error": error,
        "error_field": error_field,
        "reason": typed.get("reason", ""),
        "action_url": reverse(f"{act}_motion", args=[slug]),
        "back_url": motion.get_absolute_url(),
    }
    return render(request, "debates/moderation/confirm.html", context, status=status)


def _motion_panel_refusal(request, motion, act, rule):
    """The motion's moderation panel again, with the refusal beside the act's form and the
    reason as typed."""
    context = {
        "motion": motion,
        "mod_result": {
            "act": act,
            "error": rule.message,
            "field": rule.field,
            "reason": request.POST.get("reason", ""),
        },
    }
    template = "debates/motion_detail.html#motion-moderation"
    return render(request, template, context, status=rule.status)


# --- Suspensions -------------------------------------------------------------------------------


@moderator_required
@require_http_methods(["GET", "POST"])
def moderate_user(request, pk, act):
    """Suspend (for a period or indefinitely) or lift a suspension, with a reason."""
    person = get_object_or_404(User, pk=pk)
    status, error, error_field, refused = 200, None, None, False
    try:
        if act == "suspend":
            policy.enforce(policy.suspension_refusal(request.user, person))
    except DebateRuleError as refusal:
        status, error, refused = refusal.status, refusal.message, True
    if request.method == "POST" and not refused:
        try:
            if act == "suspend":
                outcome = moderation.suspend_user(
                    moderator=request.user,
                    user=person,
                    days=moderation.parse_days(request.POST.get("days", "")),
                    reason=request.POST.get("reason", ""),
                )
            else:
                outcome = moderation.unsuspend_user(
                    moderator=request.user, user=person, reason=request.POST.get("reason", "")
                )
        except DebateRuleError as rule:
            status, error, error_field = rule.status, rule.message, rule.field
        else:
            return _done(request, outcome, person.get_absolute_url())
    context = {
        "act": act,
        "kind": "user",
        "person": person,
        "refused": refused,
        "error": error,
        "error_field": error_field,
        "reason": request.POST.get("reason", ""),
        "days": request.POST.get("days", "7"),
        "periods": suspension.PERIODS,
        "action_url": reverse(f"{act}_user", args=[pk]),
        "back_url": person.get_absolute_url(),
    }
    return render(request, "debates/moderation/confirm.html", context, status=status)


@moderator_required
@require_http_methods(["GET", "POST"])
def hide_member_arguments(request, pk):
    """After a spam wave: hide a member's arguments still shown (the last day's, the last 7
    days', or all), with one reason, each as one hide would."""
    person = get_object_or_404(User, pk=pk)
    status, error, error_field = 200, None, None
    refusal = policy.bulk_hide_refusal(request.user, person)
    if refusal:
        status, error = 403, refusal
    elif request.method == "POST":
        try:
            outcome = bulk_moderation.hide_arguments_by(
                moderator=request.user,
                member=person,
                reason=request.POST.get("reason", ""),
                days=bulk_moderation.parse_window(request.POST.get("window")),
            )
        except DebateRuleError as rule:
            status, error, error_field = rule.status, rule.message, rule.field
        else:
            return _done(request, outcome, person.get_absolute_url())
    windows = [days for days, _ in bulk_moderation.WINDOWS]
    counts = moderation_queries.shown_argument_counts(person, windows)
    context = {
        "person": person,
        "refused": bool(refusal),
        "error": error,
        "error_field": error_field,
        "reason": request.POST.get("reason", ""),
        # Nothing is chosen for her: which of a member's words go is the moderator's decision.
        "window": request.POST.get("window", ""),
        "windows": [
            ("all" if days is None else str(days), label, counts[days])
            for days, label in bulk_moderation.WINDOWS
        ],
        "shown": counts[None],
    }
    return render(request, "debates/moderation/hide_arguments.html", context, status=status)


# --- The review queue --------------------------------------------------------------------------


@moderator_required
@require_GET
def queue(request):
    return _queue_page(request)


@dataclass(frozen=True)
class QueueRefusal:
    """A refused act on one queue entry, shown in that entry alone: the message, the control it
    is about ("reason", "days" or None: the act as a whole), and the reason and period the
    moderator sent, which the entry shows again as typed."""

    kind: str
    pk: int
    message: str
    field: str | None
    reason: str
    days: str

    def is_of(self, item):
        return (item.kind, item.pk) == (self.kind, self.pk)


def _queue_page(request, *, refused=None, status=200):
    page = Paginator(moderation_queries.flag_groups(), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    items = moderation_queries.queue_items(page.object_list)
    rows = [
        (
            item,
            _dismiss_refusal(request.user, item),
            refused if refused and refused.is_of(item) else None,
        )
        for item in items
    ]
    context = {
        "page": page,
        "items": items,
        # Each entry with why its flags are not this moderator's to dismiss (their own claim),
        # and the refusal of the act just sent on it, if any.
        "rows": rows,
        "periods": suspension.PERIODS,
        "appeals_waiting": moderation_queries.open_appeal_count(request.user),
        # Said above the entries only when the refused one is not on the page shown (another
        # moderator resolved it meanwhile): the other entries have nothing to do with it.
        "error": refused.message if refused and not any(row[2] for row in rows) else None,
    }
    return render(request, "debates/moderation/queue.html", context, status=status)


def _dismiss_refusal(user, item):
    """The message of policy.own_content_refusal for dismissing `item`'s flags, or None."""
    refusal = policy.own_content_refusal(user, item.claim, "dismiss")
    return refusal.message if refusal else None


@moderator_required
@require_POST
def queue_act(request, kind, pk, act):
    """One click in the queue: dismiss the flags, hide the claim, or hide and suspend its author.

    HTMX gets the queue entry back, resolved or with the refusal; a plain form goes back to the
    queue with a message.
    """
    if kind not in CLAIM_KINDS:
        raise Http404("No such kind of claim.")
    claim = _claim(kind, pk)
    status, refused, outcomes = 200, None, []
    item = moderation_queries.queue_item(kind, claim)
    default_reason = item.default_reason if item is not None else ""
    # The flags stand for the reason when none is sent (a one-click act); one the moderator
    # emptied in the form is refused like any other missing reason, not quietly replaced.
    typed = request.POST.get("reason")
    reason = typed
    if reason is None:
        reason = default_reason if act == "hide" else ""
    try:
        if act == "dismiss":
            outcomes = [
                moderation.dismiss_flags(moderator=request.user, claim=claim, reason=reason)
            ]
        elif request.POST.get("suspend"):
            outcomes = moderation.hide_and_suspend_author(
                moderator=request.user,
                claim=claim,
                reason=reason,
                days=moderation.parse_days(request.POST.get("days", "")),
            )
        elif kind == "source":
            outcomes = [sources.hide_source(moderator=request.user, source=claim, reason=reason)]
        else:
            outcomes = [moderation.hide_claim(moderator=request.user, claim=claim, reason=reason)]
    except DebateRuleError as rule:
        status = rule.status
        refused = QueueRefusal(
            kind=kind,
            pk=claim.pk,
            message=rule.message,
            field=rule.field,
            reason=typed if typed is not None else default_reason,
            days=request.POST.get("days", ""),
        )
    if not request.htmx:
        if refused:
            return _queue_page(request, refused=refused, status=status)
        # With the ways on that the page in place offers: to the claim, and to its log.
        log_url = f"{reverse('moderation_log')}?target={kind}&target_id={claim.pk}"
        for outcome in outcomes:
            (messages.success if outcome.changed else messages.info)(
                request,
                format_html(
                    '{} <a href="{}">View the {}</a> · <a href="{}">Its log</a>',
                    outcome.message,
                    claim.get_absolute_url(),
                    kind,
                    log_url,
                ),
            )
        return HttpResponseSeeOther(_queue_url(request))
    if refused is None:
        claim = _claim(kind, pk)  # as the acts left it
    item = moderation_queries.queue_item(kind, claim) if refused else None
    context = {
        "item": item,
        "dismiss_refusal": _dismiss_refusal(request.user, item) if item else None,
        "kind": kind,
        "claim": claim,
        "outcomes": outcomes,
        "refused": refused,
        "periods": suspension.PERIODS,
    }
    return render(request, "debates/moderation/queue.html#resolved", context, status=status)


def _queue_url(request):
    """The queue at the page the plain form was sent from (its entries' forms name it)."""
    number = request.GET.get("page", "")
    url = reverse("moderation_queue")
    return f"{url}?page={int(number)}" if is_id(number) and int(number) > 1 else url


# --- The log -----------------------------------------------------------------------------------


LOG_FILTERS = ("moderator", "action", "target", "target_id")


class BadFilter(ValueError):
    """A log filter that names nothing the log holds; `field` is the control to correct ("page"
    has none: the error stands by the form alone)."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


def _log_filters(params, moderator_ids):
    """The log's filters from the query string; BadFilter names the first bad one.
    `moderator_ids`: everyone the moderator filter offers."""
    filters = {}
    moderator = params.get("moderator", "").strip()
    if moderator:
        if not is_digits(moderator):
            raise BadFilter("moderator", "Choose the moderator from the list.")
        digits = moderator.lstrip("0") or "0"
        if not is_id(digits) or int(digits) not in moderator_ids:
            raise BadFilter(
                "moderator", "No moderator with that id is in the log: choose one from the list."
            )
        filters["moderator_id"] = int(digits)
    action = params.get("action", "").strip()
    if action:
        if action not in ModerationAction.Action.values:
            raise BadFilter("action", "Choose the action from the list.")
        filters["action"] = action
    target = params.get("target", "").strip()
    if target:
        if target not in moderation_queries.TARGET_TYPES:
            raise BadFilter("target", "Choose the target from the list.")
        filters["target_type"] = target
    target_id = params.get("target_id", "").strip()
    if target_id:
        if not is_digits(target_id):
            raise BadFilter("target_id", "The target id must be a number, such as 42.")
        if not target:
            raise BadFilter("target", "Choose a target too: the id alone does not say of what.")
        # Leading zeros aside, more digits than any id has names no row.
        digits = target_id.lstrip("0") or "0"
        if not is_id(digits):
            raise BadFilter("target_id", f"There is no {target} with that id.")
        filters["target_id"] = int(digits)
    return filters


def _log_page(entries, number, *, filtered):
    """The page of `entries` the query string asks for (the first if none); BadFilter for one
    that is no page number or past the last page, rather than some other page unasked."""
    paginator = Paginator(entries, LOG_PAGE_SIZE)
    number = (number or "").strip()
    if not number:
        return paginator.page(1)
    digits = number.lstrip("0") if is_digits(number) else ""
    if not digits:
        raise BadFilter("page", "The page must be a number from 1 up, such as 2.")
    last = paginator.num_pages
    # Compared as text first: int() refuses a number of more than 4,300 digits.
    if len(digits) > len(str(last)) or int(digits) > last:
        pages = "one page" if last == 1 else f"{last} pages"
        these = "what these filters find fits" if filtered else "the log fits"
        raise BadFilter("page", f"There is no such page: {these} on {pages}.")
    return paginator.page(int(digits))


@moderator_required
@require_GET
def log(request):
    """The log, filtered by the query string. A bad filter or page answers the page again (422)
    with the values as typed and the error by the form, and no entries: the whole log under an
    error would read as what the filter found."""
    typed = {name: request.GET.get(name, "").strip() for name in LOG_FILTERS}
    filtered = any(typed.values())
    moderators = list(moderation_queries.acting_moderators())
    status, bad, filters, entries, page = 200, None, {}, [], None
    try:
        filters = _log_filters(request.GET, {moderator.pk for moderator in moderators})
        page = _log_page(
            moderation_queries.moderation_log(**filters),
            request.GET.get("page"),
            filtered=filtered,
        )
    except BadFilter as error:
        status, bad = 422, error
    else:
        entries = moderation_queries.log_entries(page.object_list)
    context = {
        "page": page,
        "entries": entries,
        "filters": filters,
        "typed": typed,
        "filtered": filtered,
        "bad_filter": bad,
        "moderators": moderators,
        "actions": ModerationAction.Action.choices,
        "target_types": moderation_queries.TARGET_TYPES,
    }
    return render(request, "debates/moderation/log.html", context, status=status)


# --- Notices to people about their own content ------------------------------------------------


@require_GET
def notices(request):
    """The notices moved to the notifications (issue 21); old links still lead there."""
    return HttpResponsePermanentRedirect(reverse("notifications") + "?kind=moderation")
