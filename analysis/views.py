import csv
from math import erf, sqrt

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from analysis import queries, scheduling
from analysis.compute_types import (
    BRIDGING_INTERCEPT,
    BRIDGING_MAX_FACTOR,
    BRIDGING_MIN_VOTES,
    CRUX_Z,
    DIVISIVE_Z,
    MIN_COMMON_VOTES,
    MIN_CRUX_VOTERS,
    MIN_GROUP_VOTERS,
    MIN_VOTES,
    REPRESENTATIVE_Z,
    groups_rule,
)
from config.converters import is_id
from debates import policy
from debates import queries as debate_queries


def _motion(request, slug):
    motion = debate_queries.motion_by_slug(slug)
    if not policy.analysis_shown_to(motion, request.user):
        raise Http404("No such motion.")
    return motion


def _confidence(z: float, *, two_sided: bool) -> int:
    """The confidence, in per cent, of a z-test's threshold `z` (the normal distribution's)."""
    inside = erf(z / sqrt(2))
    return round(100 * (inside if two_sided else (1 + inside) / 2))


FIGURES = (queries.RESULT, queries.TALLIES)
# How often an open page asks whether its state has moved on (the partial "report"): while a run
# is awaited, about as often as a burst of votes is analysed (scheduling.DELAY); before any vote,
# less often, as votes may never come.
POLL_AWAITED, POLL_NO_VOTES = 5, 10


@require_safe
def analysis_page(request, slug):
    motion = _motion(request, slug)
    # A poll (`since`: what the page shows) mostly finds nothing new: it reads the figures only
    # once it has something to show.
    since = request.GET.get("since") if request.htmx else None
    row = queries.stored(motion, without=() if since is None else FIGURES)
    report = personal = against = off_map = None
    # Asked only before the first run: a motion nobody votes on is never analysed, and "not
    # analysed yet" would stand forever.
    voted = row is not None or queries.has_votes(motion)
    # The debate changed since the votes behind the stored run were read (Motion.activity), or
    # a run is queued: the figures are shown as they stand, said to be on their way out.
    behind = row is not None and (row.queued_at is not None or row.activity < motion.activity)
    # Voted on but never queued (votes written in bulk, as seed_synthetic does, announce
    # nothing); or behind, and the run that cleared the mark may be under way or may have died
    # with its worker, or the change was one no run follows (a writer's new name), or the mark
    # is a dead worker's (scheduling.STALE). Asked for here, so that "on its way" comes true:
    # at most one more run, and a mark still pending costs one look (scheduling._MARK).
    if voted and (row is None or behind):
        scheduling.request_analysis(motion_id=motion.pk)
    state = _state(voted, row, behind)
    if since == state:
        return HttpResponse(status=204)  # the page holds this already: nothing to swap
    if since is not None and row is not None:
        row.refresh_from_db(fields=FIGURES)
    analysis = queries.analysis_of(row)
    # Stored in an older format (compute_types.FORMAT): ask for the run, or a motion nobody
    # votes on again would go without its analysis for good.
    outdated = analysis is None and row is not None and row.result is not None
    if outdated and not behind:
        scheduling.request_analysis(motion_id=motion.pk)
    if analysis is not None:
        signed_in = request.user.is_authenticated
        report = queries.report(
            motion,
            row,
            analysis,
            show_members=policy.group_members_shown_to(request.user),
            viewer_id=request.user.pk if signed_in else None,
        )
        against = _group(request, analysis)
        if signed_in:
            own = queries.viewer_votes(motion, request.user)
            personal = queries.personal_cruxes(
                motion, row, analysis, request.user, own, against=against
            )
            if report.dots and report.you is None:
                off_map = queries.off_map(row, own)
    context = {
        "motion": motion,
        "report": report,
        "personal": personal,
        # Groups as people count them, from 1, as ?against= takes them.
        "personal_group": None if against is None else against + 1,
        "against_refused": bool(request.GET.get("against")) and against is None,
        "off_map": off_map,
        "voted": voted,
        "outdated": outdated,
        "behind": behind and report is not None,
        "state": state,
        "poll": _poll(voted, report, behind),
        "announce": _announcement(since, report, behind),
        # The page states the rule with compute's own numbers (compute_types: no numpy here).
        "groups_rule": groups_rule(MIN_GROUP_VOTERS, MIN_VOTES),
        "min_votes": MIN_VOTES,
        "min_crux_voters": MIN_CRUX_VOTERS,
        "min_common_votes": MIN_COMMON_VOTES,
        "bridging_min_votes": BRIDGING_MIN_VOTES,
        "bridging_intercept": BRIDGING_INTERCEPT,
        "bridging_max_factor": BRIDGING_MAX_FACTOR,
        "representative_confidence": _confidence(REPRESENTATIVE_Z, two_sided=False),
        "divisive_z": DIVISIVE_Z,
        "divisive_confidence": _confidence(DIVISIVE_Z, two_sided=True),
        "crux_confidence": _confidence(CRUX_Z, two_sided=True),
        "map_size": queries.MAP_SIZE,
    }
    # The page's own script asks again while its state may move on (the report's `poll`).
    template = "analysis/analysis.html#report" if request.htmx else "analysis/analysis.html"
    return render(request, template, context)


def _state(voted, row, behind) -> str:
    """What the page shows, as a word its poll sends back (`?since=`): "none" before any vote,
    "pending" before the first run is stored, else the stored run's time (a result in an older
    format too: the run that replaces it changes that), and "-behind" while a newer one is on
    its way. The same word: nothing has changed for that page."""
    if not voted:
        return "none"
    if row is None or row.computed_at is None:
        return "pending"
    stamp = f"{row.computed_at.timestamp():.6f}".replace(".", "")
    return f"{stamp}-behind" if behind else stamp


def _poll(voted, report, behind) -> int | None:
    """Seconds between a page's asking whether its state moved on; None once it shows the
    latest run, which only a reload (or the live debate's next change) brings forward."""
    if not voted:
        return POLL_NO_VOTES
    if report is None or behind:
        return POLL_AWAITED
    return None


def _announcement(since, report, behind) -> str | None:
    """What a screen reader is told (a polite status) when a poll brings a report: the page
    changed under the reader without her asking, and her focus stays where it was."""
    if since is None or report is None:
        return None
    if since in ("none", "pending"):
        return "The analysis is ready: its figures are below."
    if behind:
        return "Newer figures are shown; the debate has changed again, and more are on their way."
    return "The analysis has been brought up to date."


def _group(request, analysis):
    """The id of the opinion group asked for in `?against=`, or None (the other side of the
    motion). The parameter takes the group's number, from 1, as `?group=` and every label name
    it. Before, it took the id (number less one): an old link's 0 now names no group, and the
    page says so (against_refused) and compares with the other side; an old 1 reads as group 1,
    which the heading names. Only digits as the page's links write them ask for one: int()
    would also read "1_0", " 1 " or "-0", and numbers thousands of digits long."""
    asked = request.GET.get("against", "")
    if not is_id(asked):
        return None
    group = int(asked) - 1
    return group if any(g.id == group for g in analysis.groups) else None


@require_safe
def analysis_json(request, slug):
    motion = _motion(request, slug)
    show_members = policy.group_members_shown_to(request.user)
    row = queries.stored(motion, without=(queries.TALLIES,))  # the JSON gives none
    return JsonResponse(queries.as_json(motion, row, show_members=show_members))


@require_safe
def analysis_csv(request, slug):
    """The analysis per claim and opinion group as a CSV file (queries.download): what the page
    shows to everyone, so the same for every reader the motion is shown to."""
    motion = _motion(request, slug)
    row = queries.stored(motion)
    analysis = queries.analysis_of(row)
    if analysis is None:
        raise Http404("This motion has no analysis to download yet.")
    header, rows = queries.download(motion, row, analysis, link=request.build_absolute_uri)
    filename = f"{motion.slug}-analysis-{row.computed_at:%Y-%m-%d}.csv"
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
    # A byte order mark first: without it, Excel reads UTF-8 as the machine's code page, and an
    # Arabic or Armenian claim arrives garbled (readers of UTF-8 take it as the mark it is).
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    # A hidden motion's file is its moderators': no shared cache may keep it for the next reader.
    patch_cache_control(response, private=True, no_store=True)
    return response
