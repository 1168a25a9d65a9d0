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
    if not policy.text_shown_to(motion, request.user):
        raise Http404("No such motion.")
    return motion


def _confidence(z: float, *, two_sided: bool) -> int:
    """The confidence, in per cent, of a z-test's threshold `z` (the normal distribution's)."""
    inside = erf(z / sqrt(2))
    return round(100 * (inside if two_sided else (1 + inside) / 2))


@require_safe
def analysis_page(request, slug):
    motion = _motion(request, slug)
    row = queries.stored(motion)
    analysis = queries.analysis_of(row)
    report = personal = against = off_map = None
    # Asked only before the first run: a motion nobody votes on is never analysed, and "not
    # analysed yet" would stand forever.
    voted = row is not None or queries.has_votes(motion)
    # Voted on but never queued (votes written in bulk, as seed_synthetic does, announce
    # nothing), or stored in an older format (compute_types.FORMAT): ask for the run, or a
    # motion nobody votes on again would go without its analysis for good.
    outdated = analysis is None and row is not None and row.result is not None
    if analysis is None and voted and (row is None or outdated):
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
        "personal_group": against,
        "off_map": off_map,
        "voted": voted,
        "outdated": outdated,
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
    # The page's own script asks again while the run is pending (its #analysis-pending).
    template = "analysis/analysis.html#report" if request.htmx else "analysis/analysis.html"
    return render(request, template, context)


def _group(request, analysis):
    """The opinion group asked for in `?against=`, or None (the other side of the motion).
    Only digits as the page's links write them ask for one: int() would also read "1_0", " 1 "
    or "-0", and numbers thousands of digits long."""
    asked = request.GET.get("against", "")
    if not is_id(asked):
        return None
    group = int(asked)
    return group if any(g.id == group for g in analysis.groups) else None


@require_safe
def analysis_json(request, slug):
    motion = _motion(request, slug)
    show_members = policy.group_members_shown_to(request.user)
    return JsonResponse(queries.as_json(motion, queries.stored(motion), show_members=show_members))


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
