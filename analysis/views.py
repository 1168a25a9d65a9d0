from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from analysis import queries, scheduling
from analysis.compute_types import (
    BRIDGING_INTERCEPT,
    BRIDGING_MAX_FACTOR,
    BRIDGING_MIN_VOTES,
    MIN_COMMON_VOTES,
    MIN_CRUX_VOTERS,
    MIN_GROUP_VOTERS,
    MIN_VOTES,
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


@require_safe
def analysis_page(request, slug):
    motion = _motion(request, slug)
    row = queries.stored(motion)
    analysis = queries.analysis_of(row)
    report = personal = against = None
    # Asked only before the first run: a motion nobody votes on is never analysed, and "not
    # analysed yet" would stand forever.
    voted = row is not None or queries.has_votes(motion)
    # Stored in an older format (compute_types.FORMAT): ask for the run that replaces it, or a
    # motion nobody votes on again would go without its analysis for good.
    outdated = analysis is None and row is not None and row.result is not None
    if outdated:
        scheduling.request_analysis(motion_id=motion.pk)
    if analysis is not None:
        report = queries.report(
            motion, row, analysis, show_members=policy.group_members_shown_to(request.user)
        )
        against = _group(request, analysis)
        if request.user.is_authenticated:
            personal = queries.personal_cruxes(motion, row, analysis, request.user, against=against)
    context = {
        "motion": motion,
        "report": report,
        "personal": personal,
        "personal_group": against,
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
        "map_size": queries.MAP_SIZE,
    }
    return render(request, "analysis/analysis.html", context)


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
