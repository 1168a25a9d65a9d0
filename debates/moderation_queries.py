"""Reads for the moderation pages: the review queue and the log.

Each costs a fixed number of queries per page, however many flags or entries there are.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.models import Permission
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    Min,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import MODERATE_PERMISSION, MODERATORS_GROUP, User
from debates import policy
from debates.models import (
    Appeal,
    Argument,
    ArgumentRevision,
    Flag,
    ModerationAction,
    Motion,
    Source,
)

REASON_COUNTS = {
    "spam": Flag.Reason.SPAM,
    "abuse": Flag.Reason.ABUSE,
    "off_topic": Flag.Reason.OFF_TOPIC,
    "copyright": Flag.Reason.COPYRIGHT,
    "other": Flag.Reason.OTHER,
}


def flag_groups():
    """Open flags grouped by what they flag (a claim or a source), one row each, the
    longest-waiting first."""
    counts = {name: Count("id", filter=Q(reason=reason)) for name, reason in REASON_COUNTS.items()}
    return (
        Flag.objects.filter(status=Flag.Status.OPEN)
        .values("argument_id", "motion_id", "source_id")
        .annotate(first_flagged=Min("created_at"), total=Count("id"), **counts)
        .order_by("first_flagged", "argument_id", "motion_id", "source_id")
    )


@dataclass
class QueueItem:
    """One flagged claim (or source) in the review queue, with its context and its open flags."""

    kind: str  # "argument", "motion" or "source"
    claim: Argument | Motion | Source
    first_flagged: datetime
    total: int
    counts: list = field(default_factory=list)  # [(label, n)] for reasons with n > 0
    flags: list = field(default_factory=list)
    # Its earlier flags a moderator dismissed, as Dismissals, the latest first: what the
    # moderator deciding now should know was judged before.
    dismissals: list = field(default_factory=list)

    @property
    def motion(self):
        """The motion the claim is in; None for a source, which stands outside any."""
        if self.kind == "source":
            return None
        return self.claim.motion if self.kind == "argument" else self.claim

    @property
    def pk(self):
        return self.claim.pk

    @property
    def dom_id(self):
        return f"queue-{self.kind}-{self.claim.pk}"

    @property
    def reworded_since_flagged(self):
        """Whether some open flag was raised on a wording its author has replaced since."""
        return any(getattr(flag, "wording_then", None) for flag in self.flags)

    @property
    def default_reason(self):
        """What a one-click hide logs unless the moderator writes their own reason."""
        parts = ", ".join(f"{label.lower()} ({n})" for label, n in self.counts)
        return f"Flagged: {parts}."


@dataclass
class Dismissal:
    """One dismissal of a claim's flags: when, by whom, how many, and whether an argument was
    reworded since (then what was kept is not what the queue shows now)."""

    when: datetime
    by: User | None
    count: int = 0
    reworded_since: bool = False


def _dismissals(flags, claim):
    """`flags`, dismissed flags on `claim`, as its Dismissals (one act resolves its flags at one
    time), the latest first."""
    acts = {}
    for flag in flags:
        act = acts.setdefault(
            (flag.resolved_at, flag.resolved_by_id), Dismissal(flag.resolved_at, flag.resolved_by)
        )
        act.count += 1
    reworded = getattr(claim, "edited_at", None)
    for act in acts.values():
        act.reworded_since = reworded is not None and reworded > act.when
    return sorted(acts.values(), key=lambda act: act.when, reverse=True)


def queue_items(groups):
    """QueueItems for one page of flag_groups(): one query for each kind of thing flagged on
    the page and one for the flags, open and dismissed (its history), whatever the page holds."""
    groups = list(groups)
    argument_ids = [g["argument_id"] for g in groups if g["argument_id"]]
    motion_ids = [g["motion_id"] for g in groups if g["motion_id"]]
    source_ids = [g["source_id"] for g in groups if g["source_id"]]
    arguments = Argument.objects.select_related("motion", "author", "parent").in_bulk(argument_ids)
    motions = Motion.objects.select_related("author").in_bulk(motion_ids)
    sources = Source.objects.select_related("added_by").in_bulk(source_ids)
    flags = (
        Flag.objects.filter(status__in=[Flag.Status.OPEN, Flag.Status.DISMISSED])
        .filter(
            Q(argument_id__in=argument_ids)
            | Q(motion_id__in=motion_ids)
            | Q(source_id__in=source_ids)
        )
        .select_related("flagger", "resolved_by")
        .order_by("created_at", "id")
    )
    by_claim, dismissed = {}, {}
    for flag in flags:
        held = by_claim if flag.status == Flag.Status.OPEN else dismissed
        held.setdefault(_flagged(flag), []).append(flag)
    _attach_wordings_then(
        [
            flag
            for flag in flags
            if flag.status == Flag.Status.OPEN and flag.argument_id in arguments
        ],
        lambda flag: (arguments[flag.argument_id], flag.created_at),
    )
    labels = dict(Flag.Reason.choices)
    items = []
    for group in groups:
        kind, pk = _flagged(group)
        claim = {"argument": arguments, "motion": motions, "source": sources}[kind].get(pk)
        if claim is None:
            continue
        counts = [(labels[reason], group[name]) for name, reason in REASON_COUNTS.items()]
        items.append(
            QueueItem(
                kind=kind,
                claim=claim,
                first_flagged=group["first_flagged"],
                total=group["total"],
                counts=[(label, n) for label, n in counts if n],
                flags=by_claim.get((kind, claim.pk), []),
                dismissals=_dismissals(dismissed.get((kind, claim.pk), []), claim),
            )
        )
    return items


def earlier_wordings(moments):
    """{(argument id, when): the ArgumentRevision that was its wording then} for each
    (argument, when) of `moments` whose argument its author reworded after `when`: what a flag
    was raised on, or a moderator acted on, is not what the argument says now. One query, none
    when no argument was reworded since."""
    later = [(argument, when) for argument, when in moments if _reworded_after(argument, when)]
    if not later:
        return {}
    revisions = {}
    replaced = ArgumentRevision.objects.filter(argument_id__in={a.pk for a, _ in later})
    for revision in replaced.order_by("replaced_at", "id"):
        revisions.setdefault(revision.argument_id, []).append(revision)
    # Each revision is a wording as it stood until replaced_at: the wording at `when` is the
    # first one replaced after it.
    return {
        (argument.pk, when): next(
            (
                revision
                for revision in revisions.get(argument.pk, [])
                if revision.replaced_at > when
            ),
            None,
        )
        for argument, when in later
    }


def _reworded_after(argument, when) -> bool:
    return argument.edited_at is not None and argument.edited_at > when


def _attach_wordings_then(rows, moment):
    """Set `wording_then` on each of `rows` (flags or log entries on arguments): the revision
    its argument had at the row's `moment`, or None if it reads the same now."""
    then = earlier_wordings(moment(row) for row in rows)
    for row in rows:
        argument, when = moment(row)
        row.wording_then = then.get((argument.pk, when))


def log_entries(entries):
    """One page of moderation_log(), each entry on an argument with the wording it acted on when
    its author has reworded it since (wording_then): at most one query more."""
    entries = list(entries)
    _attach_wordings_then(
        [entry for entry in entries if entry.argument_id],
        lambda entry: (entry.argument, entry.created_at),
    )
    return entries


def shown_arguments_by(member, *, days=None):
    """`member`'s arguments still shown in the debate; only those of the last `days` if given."""
    arguments = Argument.objects.filter(author=member, visibility=Argument.Visibility.VISIBLE)
    if days is not None:
        arguments = arguments.filter(created_at__gte=timezone.now() - timedelta(days=days))
    return arguments


def shown_argument_counts(member, windows) -> dict:
    """{days: how many of `member`'s shown arguments are that recent} for each of `windows`
    (None: all of them), in one query."""
    now = timezone.now()
    counts = {
        str(days): Count("id", filter=Q(created_at__gte=now - timedelta(days=days)))
        if days is not None
        else Count("id")
        for days in windows
    }
    found = shown_arguments_by(member).aggregate(**counts)
    return {days: found[str(days)] for days in windows}


def _flagged(flag) -> tuple[str, int]:
    """(kind, id) of what a flag, or a row of flag_groups(), is on."""
    for kind in ("argument", "motion", "source"):
        pk = flag[f"{kind}_id"] if isinstance(flag, dict) else getattr(flag, f"{kind}_id")
        if pk:
            return kind, pk
    raise ValueError("A flag on nothing")


def queue_item(kind, claim):
    """The queue entry for one claim (after an act on it), or None when it has no open flags."""
    groups = flag_groups().filter(**{f"{kind}_id": claim.pk})
    items = queue_items(groups)
    return items[0] if items else None


def kept_flag(flagger, claim):
    """`flagger`'s latest flag on `claim` (a motion, argument or source) that a moderator
    dismissed since its wording last changed, or None: an argument reworded after the dismissal
    is not what the moderator kept."""
    if not getattr(flagger, "is_authenticated", False):
        return None
    flags = Flag.objects.filter(
        flagger=flagger, status=Flag.Status.DISMISSED, **{claim._meta.model_name: claim}
    )
    reworded = getattr(claim, "edited_at", None)
    if reworded is not None:
        flags = flags.filter(resolved_at__gt=reworded)
    return flags.order_by("-resolved_at", "-id").first()


TARGET_TYPES = ("argument", "motion", "user", "source")


def moderation_log(*, moderator_id=None, action=None, target_type=None, target_id=None):
    """The log, newest first, filtered; each entry with its target loaded (one query)."""
    entries = ModerationAction.objects.select_related(
        "moderator", "argument__motion", "motion", "user", "source"
    ).order_by("-created_at", "-id")
    if moderator_id is not None:
        entries = entries.filter(moderator_id=moderator_id)
    if action:
        entries = entries.filter(action=action)
    if target_type:
        entries = entries.filter(**{f"{target_type}__isnull": False})
        if target_id is not None:
            entries = entries.filter(**{f"{target_type}_id": target_id})
    return entries


def acting_moderators():
    """Everyone who has an entry in the log, for the log's moderator filter."""
    return User.objects.filter(moderation_acts__isnull=False).distinct().order_by("display_name")


def waiting_for_review(moderator) -> int:
    """Open flags and the open appeals `moderator` may decide, what awaits her: the number
    beside the nav's link to the queue, which leads to both. One query."""
    flags = Flag.objects.filter(status=Flag.Status.OPEN).values("id")
    return flags.union(_appeals_for(moderator).values("id"), all=True).count()


def moderator_ids() -> list[int]:
    """Everyone whose nav shows that number (policy.moderates, as the account's moderator fact
    decides: active, and staff, in the Moderators group or holding accounts.moderate directly or
    through a group), suspended or not, since a suspended moderator's nav shows it too. One
    query."""
    app_label, codename = MODERATE_PERMISSION.split(".")
    moderate = Permission.objects.filter(codename=codename, content_type__app_label=app_label)
    moderators = User.objects.filter(
        Q(is_staff=True)
        | Q(is_superuser=True)
        | Q(groups__name=MODERATORS_GROUP)
        | Q(user_permissions__in=moderate)
        | Q(groups__permissions__in=moderate),
        is_active=True,
    )
    return list(moderators.distinct().values_list("pk", flat=True))


# --- Appeals -----------------------------------------------------------------------------------
# An appeal names an argument or a motion (its `kind`): each lookup below asks of the one named.


def _hides(kind, claim_ref):
    """The hides in the log of the `kind` of claim ("argument", "motion") `claim_ref` names, the
    latest first."""
    hides = ModerationAction.objects.filter(
        **{f"{kind}_id": claim_ref}, action=ModerationAction.Action.HIDE
    )
    return hides.order_by("-created_at", "-id")


def _current_appeals(kind, claim_ref):
    """The appeals on the `kind` of claim `claim_ref` names that stand for its hiding now: its
    open one (there is at most one), and those made since it was last hidden, the latest first."""
    last_hidden = Subquery(_hides(kind, OuterRef(f"{kind}_id")).values("created_at")[:1])
    return (
        Appeal.objects.filter(**{f"{kind}_id": claim_ref})
        .filter(Q(status=Appeal.Status.OPEN) | Q(created_at__gte=last_hidden))
        .order_by("-created_at", "-id")
    )


def current_appeal(claim):
    """The appeal on `claim` (an argument or a motion) that stands for its hiding now, or None:
    the open one, or the latest made since it was last hidden (then declined, as restoring it
    upholds its appeal), with `decline_reason` (declined_reason). One query."""
    kind = claim._meta.model_name
    return (
        _current_appeals(kind, claim.pk)
        .annotate(decline_reason=declined_reason(kind, claim.pk))
        .first()
    )


def declined_reason(kind, claim_ref):
    """Why a moderator last declined an appeal on the `kind` of claim `claim_ref` names, as a
    subquery: the log's entry. Where its current appeal was declined, that is the one it
    declined (one appeal stands for each hiding)."""
    declines = ModerationAction.objects.filter(
        **{f"{kind}_id": claim_ref}, action=ModerationAction.Action.DECLINE_APPEAL
    )
    return Subquery(declines.order_by("-created_at", "-id").values("reason")[:1])


def latest_hiding(claim):
    """The log entry of `claim`'s latest hide (an argument or a motion), with its moderator: the
    hiding an appeal on it is about. One query."""
    return _hides(claim._meta.model_name, claim.pk).select_related("moderator").first()


def with_appeal_state(arguments):
    """`arguments` (a queryset) with `appeal_status` and `appeal_resolved_at` of current_appeal
    on each (None where there is none): in the query that loads them, not one more. Only a
    hidden argument has an appeal that stands, so the others skip the lookup (a member's page
    loads every argument of hers it shows this way)."""
    appeal = _current_appeals("argument", OuterRef("pk"))

    def if_hidden(field, output_field):
        return Case(
            When(visibility=Argument.Visibility.HIDDEN, then=Subquery(appeal.values(field)[:1])),
            default=None,
            output_field=output_field,
        )

    return arguments.annotate(
        appeal_status=if_hidden("status", CharField()),
        appeal_resolved_at=if_hidden("resolved_at", DateTimeField()),
    )


def open_appeals():
    """Open appeals, the longest-waiting first, each with its claim (an argument with its
    motion, or a motion) and author; appeals_page adds what hid each claim to one page of
    them."""
    return (
        Appeal.objects.filter(status=Appeal.Status.OPEN)
        .select_related("argument__motion", "motion", "author")
        .order_by("created_at", "id")
    )


def open_appeal_count(moderator) -> int:
    """Appeals awaiting `moderator`: the review queue says how many, flags or none."""
    return _appeals_for(moderator).count()


def _appeals_for(moderator):
    """Open appeals `moderator` may decide (policy.appeals_decided_by): neither on her own
    claim nor on a hiding she made, which are another moderator's to decide."""
    hider = Coalesce(
        *(
            Subquery(_hides(kind, OuterRef(f"{kind}_id")).values("moderator_id")[:1])
            for kind in ("argument", "motion")
        )
    )
    return (
        Appeal.objects.filter(status=Appeal.Status.OPEN)
        .annotate(hidden_by_id=hider)
        .filter(policy.appeals_decided_by(moderator))
    )


def appeals_page(appeals):
    """One page of open_appeals(), each appeal with `hiding`, the log entry of its claim's
    latest hide (who hid it, why): one query for the page, whatever it holds."""
    appeals = list(appeals)
    argument_ids = {appeal.argument_id for appeal in appeals if appeal.argument_id}
    motion_ids = {appeal.motion_id for appeal in appeals if appeal.motion_id}
    hides = (
        ModerationAction.objects.filter(
            Q(argument_id__in=argument_ids) | Q(motion_id__in=motion_ids),
            action=ModerationAction.Action.HIDE,
        )
        .select_related("moderator")
        .order_by("created_at", "id")
    )
    latest = {(hide.argument_id, hide.motion_id): hide for hide in hides} if appeals else {}
    for appeal in appeals:
        appeal.hiding = latest.get((appeal.argument_id, appeal.motion_id))
    return appeals
