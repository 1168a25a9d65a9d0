"""What the analysis pages read: the stored result of a motion, with its claims resolved.

Nothing here computes an analysis: pages serve the last stored one (analysis.services).
"""

from dataclasses import dataclass, field

from analysis.ballots import counted_votes, shown_arguments
from analysis.compute_types import MIN_GROUP_VOTERS, Analysis, Claim
from analysis.models import MotionAnalysis
from debates.models import Argument, Vote
from debates.ranking import wilson_lower_bound

# A personal crux: the others voted the other way with a 90% (one-sided) lower bound over half,
# as analysis.compute.personal_cruxes decides from the votes themselves.
Z_90_ONE_SIDED = 1.2816
# Colours of the opinion groups on the map and in its legend (SVG presentation attributes, which
# the Content Security Policy allows where it forbids style attributes).
GROUP_COLOURS = ("#1f77b4", "#d95f02", "#1b9e77", "#7570b3", "#e7298a")
MAP_SIZE = 100
MAP_MARGIN = 5


def stored(motion) -> MotionAnalysis | None:
    return MotionAnalysis.objects.filter(motion=motion).first()


def analysis_of(row: MotionAnalysis | None) -> Analysis | None:
    """The stored result, or None when there is none yet or it was stored in an older format
    (the next run replaces it)."""
    if row is None or row.result is None:
        return None
    try:
        return Analysis.from_dict(row.result)
    except ValueError:
        return None


def visible_arguments(motion, analysis: Analysis) -> dict[int, Argument]:
    """The motion's arguments the result names that everyone may still read, by id, in one
    query: one hidden or retracted since the run never appears."""
    ids = {claim.id for claim in _claims(analysis) if claim.kind == "argument"}
    if not ids:
        return {}
    arguments = (
        shown_arguments(motion.pk).filter(pk__in=ids).only("id", "claim", "stance", "motion_id")
    )
    for argument in arguments:
        argument.motion = motion
    return {argument.pk: argument for argument in arguments}


def _claims(analysis: Analysis):
    for group in analysis.groups:
        for row in group.representative:
            yield row[0]
    for rows in (analysis.consensus, analysis.divisive, analysis.bridging, analysis.cruxes):
        for row in rows:
            yield row[0]


# --- The page ------------------------------------------------------------------------------------


@dataclass
class ClaimRow:
    """One claim as the page lists it: the motion or an argument, and the row's figures."""

    claim: object
    is_motion: bool
    figures: tuple


@dataclass
class GroupView:
    id: int
    number: int  # as people count: group 1 is id 0
    size: int
    colour: str
    stance_on_motion: float | None
    representative: list
    members: list = field(default_factory=list)


@dataclass
class Report:
    computed_at: object
    voters: int
    qualifying_voters: int
    reason: str | None
    more_voters_needed: int
    groups: list
    points: list  # (x, y, colour) in the map's coordinates; no voter ids
    consensus: list
    divisive: list
    bridging: list
    cruxes_for: list
    cruxes_against: list


def report(
    motion, row: MotionAnalysis, analysis: Analysis, *, show_members: bool, limit: int = 10
) -> Report:
    """The stored analysis as the page shows it (one query: the claims it names)."""
    arguments = visible_arguments(motion, analysis)

    def rows(items):
        shown = []
        for claim, *figures in items:
            if claim.kind == "motion":
                shown.append(ClaimRow(motion, True, tuple(figures)))
            elif claim.id in arguments:
                shown.append(ClaimRow(arguments[claim.id], False, tuple(figures)))
        return shown

    groups = [
        GroupView(
            id=group.id,
            number=group.id + 1,
            size=group.size,
            colour=GROUP_COLOURS[group.id % len(GROUP_COLOURS)],
            stance_on_motion=group.stance_on_motion,
            representative=rows(group.representative),
            members=list(group.members) if show_members else [],
        )
        for group in analysis.groups
    ]
    cruxes = rows(analysis.cruxes)
    return Report(
        computed_at=row.computed_at,
        voters=analysis.voters,
        qualifying_voters=analysis.qualifying_voters,
        reason=analysis.reason,
        more_voters_needed=max(MIN_GROUP_VOTERS - analysis.qualifying_voters, 0),
        groups=groups,
        points=_map_points(analysis),
        consensus=rows(analysis.consensus)[:limit],
        divisive=rows(analysis.divisive)[:limit],
        bridging=[r for r in rows(analysis.bridging) if r.figures[2] == "bridging"][:limit],
        cruxes_for=[r for r in cruxes if r.figures[0] > 0][:limit],
        cruxes_against=[r for r in cruxes if r.figures[0] < 0][:limit],
    )


def _map_points(analysis: Analysis) -> list[tuple[float, float, str]]:
    """The voters' coordinates scaled into the map's square, y pointing up; anonymous."""
    if not analysis.points:
        return []
    xs = [point[1] for point in analysis.points]
    ys = [point[2] for point in analysis.points]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    inner = MAP_SIZE - 2 * MAP_MARGIN
    x0, y0 = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2

    def scale(value, centre):
        return round(MAP_SIZE / 2 + (value - centre) / span * inner, 2)

    # In the map's own order, never the analysis's (voters by id): the k-th dot must not be the
    # k-th member to join, whose group its colour would tell.
    return sorted(
        (scale(x, x0), MAP_SIZE - scale(y, y0), GROUP_COLOURS[group % len(GROUP_COLOURS)])
        for _, x, y, group in analysis.points
    )


# --- The JSON ------------------------------------------------------------------------------------


def as_json(motion, row: MotionAnalysis | None, *, show_members: bool) -> dict:
    """Issue 19's JSON: claim refs {"kind", "id"}; members only when `show_members`."""
    analysis = analysis_of(row)
    if analysis is None:
        return {
            "computed_at": None,
            "voters": 0,
            "reason": "This motion has not been analysed yet: it is analysed after votes change.",
            "groups": [],
            "consensus": [],
            "divisive": [],
            "bridging": [],
            "cruxes": [],
        }
    visible = visible_arguments(motion, analysis)

    def shown(claim: Claim) -> bool:
        return claim.kind == "motion" or claim.id in visible

    def ref(claim: Claim, **figures) -> dict:
        return {"kind": claim.kind, "id": claim.id, **figures}

    groups = []
    for group in analysis.groups:
        entry = {
            "id": group.id,
            "size": group.size,
            "stance_on_motion": group.stance_on_motion,
            "representative": [ref(r[0]) for r in group.representative if shown(r[0])],
        }
        if show_members:
            entry["members"] = list(group.members)
        groups.append(entry)
    return {
        "computed_at": row.computed_at.isoformat(),
        "voters": analysis.voters,
        "qualifying_voters": analysis.qualifying_voters,
        "reason": analysis.reason,
        "groups": groups,
        "consensus": [ref(c, score=s) for c, s in analysis.consensus if shown(c)],
        "divisive": [ref(c, spread=s) for c, s in analysis.divisive if shown(c)],
        "bridging": [
            ref(c, intercept=i, factor=f, status=st)
            for c, i, f, st in analysis.bridging
            if shown(c)
        ],
        "cruxes": [
            ref(c, log_odds=lo, lower=lw, voters=n) for c, lo, lw, n in analysis.cruxes if shown(c)
        ],
    }


# --- Personal cruxes -----------------------------------------------------------------------------


def personal_cruxes(motion, row: MotionAnalysis, analysis: Analysis, viewer, *, against=None):
    """Where `viewer`'s votes differ most from others', strongest first, as ClaimRows with
    (own agree, others' agree share, others' votes, strength); None when the viewer has no vote
    on the motion. The others: opinion group `against`, or else everyone who voted the other way
    on the motion, counted as of the stored analysis (MotionAnalysis.group_votes). Two queries:
    the viewer's votes, and the arguments named.
    """
    own = dict(counted_votes(motion.pk).filter(user=viewer).values_list("argument_id", "choice"))
    if None not in own:
        return None
    agree = Vote.Choice.AGREE
    if against is None:
        key, member = ("motion:disagree" if own[None] == agree else "motion:agree"), False
    else:
        key = str(against)
        member = viewer.pk in analysis.group(against).members
    tallies = row.group_votes.get(key, {})
    found = []
    for argument_id, choice in own.items():
        if argument_id is None or str(argument_id) not in tallies:
            continue
        agrees, votes = tallies[str(argument_id)]
        if member:  # the viewer is left out of their own group
            agrees, votes = agrees - (choice == agree), votes - 1
        if votes <= 0:
            continue
        other_way = votes - agrees if choice == agree else agrees
        strength = wilson_lower_bound(other_way, votes - other_way, z=Z_90_ONE_SIDED)
        if strength > 0.5:
            found.append((-strength, -votes, argument_id, choice == agree, agrees / votes))
    found.sort()
    names = (
        shown_arguments(motion.pk)
        .filter(pk__in=[f[2] for f in found[:5]])
        .only("id", "claim", "stance")
    )
    arguments = {argument.pk: argument for argument in names}
    rows = []
    for strength, votes, argument_id, agreed, share in found[:5]:
        if argument_id in arguments:
            arguments[argument_id].motion = motion
            figures = (agreed, share, -votes, -strength)
            rows.append(ClaimRow(arguments[argument_id], False, figures))
    return rows


def has_votes(motion) -> bool:
    """Whether the motion has any vote an analysis counts."""
    return counted_votes(motion.pk).exists()
