"""What the analysis pages read: the stored result of a motion, with its claims resolved.

Nothing here computes an analysis: pages serve the last stored one (analysis.services).
"""

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from math import sqrt
from typing import NamedTuple

from django.db import connection
from django.db.models.expressions import RawSQL

from analysis.ballots import counted_votes, shown_arguments
from analysis.compute_types import (
    MIN_GROUP_VOTERS,
    MIN_VOTES,
    PERSONAL_CRUX_Z,
    Analysis,
    Claim,
)
from analysis.models import MotionAnalysis
from debates.debate_map import OPPOSES, SUPPORTS, side_of
from debates.models import Argument, Stance, Vote
from debates.ranking import wilson_lower_bound

# Colours of the opinion groups on the map and in its legend (SVG presentation attributes, which
# the Content Security Policy allows where it forbids style attributes).
GROUP_COLOURS = ("#1f77b4", "#d95f02", "#1b9e77", "#7570b3", "#e7298a")
MAP_SIZE = 100
MAP_MARGIN = 5
# A dot's radius for one voter; voters who voted alike share a dot whose area grows with their
# number, up to a radius that still leaves the map readable (its title gives the number).
DOT_RADIUS = 1.2
MAX_DOT_RADIUS = 6.0
# The ring around the viewer's own dot stands this far off it, and "You" is written beside the
# ring, on the side with room for it (its width at the map's font size, 4 units).
RING_GAP = 1.2
LABEL_GAP = 0.8
LABEL_WIDTH = 8.0
# Claims of each list the page looks up beyond the `limit` it shows: one hidden or retracted
# since the run drops out and the next takes its place. The hiding queues a run, which leaves it
# out; until then, more hidden than this leave a list short, never wrong.
SPARE = 10


# The stored row's figures: in a debate of 10,000 arguments about 1 MB of result and 0.7 MB of
# tallies, some 40 ms each to decode. What needs neither leaves them out of `stored`.
RESULT, TALLIES = "result", "group_votes"


def stored(motion, *, without=()) -> MotionAnalysis | None:
    """The motion's stored analysis, less its fields named in `without` (each read from the
    database if used after all)."""
    return MotionAnalysis.objects.filter(motion=motion).defer(*without).first()


def analysis_of(row: MotionAnalysis | None) -> Analysis | None:
    """The stored result, or None when there is none yet or it was stored in an older format
    (the next run replaces it)."""
    if row is None or row.result is None:
        return None
    try:
        return Analysis.from_dict(row.result)
    except ValueError:
        return None


def shown_ids(motion) -> set[int]:
    """The ids of the motion's arguments everyone may still read, in one plain query: what the
    JSON, which lists every claim the run scored, checks them against (one hidden or retracted
    since the run never appears). named_arguments would also work out each one's bearing, a
    recursive query per argument, that the JSON does not give."""
    return set(shown_arguments(motion.pk).values_list("pk", flat=True))


# The cons on an argument's chain of ancestors, counted by walking up from the outer query's
# argument, `{table}` (recursive queries: the ORM has none; SQLite and PostgreSQL read this alike).
_CONS_ABOVE = """
    WITH RECURSIVE up (next_id, cons) AS (
        SELECT {table}.parent_id, 0
        UNION ALL
        SELECT above.parent_id, up.cons + CASE WHEN above.stance = %s THEN 1 ELSE 0 END
        FROM {table} above JOIN up ON above.id = up.next_id
    )
    SELECT cons FROM up WHERE next_id IS NULL
"""

# A side of the motion (debate_map's words) in the stances' words, which the page's badges take.
_STANCE_OF_SIDE = {SUPPORTS: Stance.PRO, OPPOSES: Stance.CON}


def named_arguments(motion, ids) -> dict[int, Argument]:
    """The arguments of `ids` everyone may read, by id, in one query, each with its bearing on
    the motion as the debate's map reckons it (debate_map.side_of along its chain: a con of a
    con is for the motion): `bearing` and, for a reply, its parent's `replies_to`, each "pro"
    (for the motion) or "con" (against it)."""
    if not ids:
        return {}
    table = connection.ops.quote_name(Argument._meta.db_table)
    cons_above = RawSQL(_CONS_ABOVE.format(table=table), [Stance.CON])
    arguments = (
        shown_arguments(motion.pk)
        .filter(pk__in=ids)
        .only("id", "claim", "stance", "motion_id", "parent_id")
        .annotate(cons_above=cons_above)
    )
    found = {}
    for argument in arguments:
        argument.motion = motion
        parent_side = OPPOSES if argument.cons_above % 2 else SUPPORTS
        argument.bearing = _STANCE_OF_SIDE[side_of(argument.stance, parent_side)]
        argument.replies_to = None if argument.parent_id is None else _STANCE_OF_SIDE[parent_side]
        found[argument.pk] = argument
    return found


# --- The page ------------------------------------------------------------------------------------


class GroupTally(NamedTuple):
    """How one opinion group's members voted on an argument, as cast."""

    number: int  # the group's, as people count
    agree: int
    votes: int

    @property
    def disagree(self) -> int:
        return self.votes - self.agree


@dataclass
class ClaimRow:
    """One claim as the page lists it: the motion or an argument, and the row's figures (the
    stored row itself, such as a Crux, read by name; for a personal crux, PersonalFigures), and
    for a divisive argument how each group voted on it."""

    claim: object
    is_motion: bool
    figures: tuple
    tallies: tuple[GroupTally, ...] = ()


class PersonalFigures(NamedTuple):
    agree: bool  # the viewer's own vote
    others_agree: int  # of the voters compared with, those who agreed
    others: int  # the voters compared with who voted on it
    strength: float  # 90% lower bound of the share of them who voted the other way


class MapDot(NamedTuple):
    """One dot of the opinion map: the voters of one group who stand at the same place (who
    voted alike), `count` of them."""

    x: float
    y: float
    colour: str
    group_number: int
    count: int

    @property
    def radius(self) -> float:
        return round(min(DOT_RADIUS * sqrt(self.count), MAX_DOT_RADIUS), 2)


class GroupDots(NamedTuple):
    """One opinion group's dots on the map, for a reader who cannot point at a dot to read its
    title (on a phone, by keyboard): `sizes` pairs a number of voters with how many dots stand
    for that many, largest first. A line per group, however many dots the map has."""

    number: int
    colour: str
    voters: int
    dots: int
    sizes: tuple[tuple[int, int], ...]


class YouOnMap(NamedTuple):
    """The viewer's own place on the opinion map: the dot she shares with whoever voted exactly
    as she did, her group, and where the map writes "You" beside the ring round her dot."""

    dot: MapDot
    group_number: int
    group_size: int
    label_x: float
    label_y: float
    label_anchor: str  # "start": the label reads rightwards from label_x; "end": it ends there

    @property
    def ring_radius(self) -> float:
        return round(self.dot.radius + RING_GAP, 2)

    @property
    def alike(self) -> int:
        """The others who voted exactly as she did (who share her dot)."""
        return self.dot.count - 1


class OffMap(NamedTuple):
    """Why a signed-in viewer has no place on the map, as far as the stored analysis and her own
    votes tell: "no-votes"; "since-the-run" (a vote of hers is newer than the run); "too-few"
    (fewer than a voter needs to count, and all of them counted by the run)."""

    reason: str
    votes: int  # her votes that count


class ViewerVotes(NamedTuple):
    choices: dict  # argument id, None for the motion -> her choice
    latest: datetime | None  # when the last of them was cast or changed


@dataclass
class GroupView:
    id: int
    number: int  # as people count: group 1 is id 0
    size: int
    colour: str
    stance_on_motion: float | None
    representative: list
    members: list = field(default_factory=list)
    # Its members' votes on the motion as cast (motion_tallies), which its stance is the share
    # of: None in a row stored before runs kept them.
    on_motion: GroupTally | None = None


@dataclass
class Report:
    computed_at: object
    voters: int
    qualifying_voters: int
    reason: str | None
    more_voters_needed: int
    groups: list
    dots: list  # MapDots in the map's coordinates; no voter ids
    consensus: list
    divisive: list
    bridging: list
    cruxes_for: list
    cruxes_against: list
    you: YouOnMap | None = None  # the viewer's place on the map, when she has one

    @property
    def unplaced_voters(self) -> int:
        """Voters with too few votes to count towards the groups, left off the map."""
        return self.voters - self.qualifying_voters

    @property
    def group_dots(self) -> list[GroupDots]:
        """The map's dots by group and size (GroupDots)."""
        sizes = {group.number: Counter() for group in self.groups}
        for dot in self.dots:
            sizes[dot.group_number][dot.count] += 1
        return [
            GroupDots(
                group.number,
                group.colour,
                sum(size * dots for size, dots in sizes[group.number].items()),
                sum(sizes[group.number].values()),
                tuple(sorted(sizes[group.number].items(), reverse=True)),
            )
            for group in self.groups
        ]


def report(
    motion,
    row: MotionAnalysis,
    analysis: Analysis,
    *,
    show_members: bool,
    viewer_id: int | None = None,
    limit: int = 10,
) -> Report:
    """The stored analysis as the page shows it to the viewer whose id is `viewer_id` (None:
    anonymous), her own dot marked if she is on the map (one query: the claims it names).

    Only the claims the page can show are looked up: the first `limit` of each list and SPARE
    more, whatever the size of the debate (the bridging figures score every claim with a vote).
    """

    def head(items):
        return list(items)[: limit + SPARE]

    consensus, divisive = head(analysis.consensus), head(analysis.divisive)
    bridging = head(r for r in analysis.bridging if r.status == "bridging")
    cruxes_for = head(c for c in analysis.cruxes if c.log_odds > 0)
    cruxes_against = head(c for c in analysis.cruxes if c.log_odds < 0)
    # Each group's claims that set it apart are few already (compute_groups.TOP), all shown.
    representative = [row for group in analysis.groups for row in group.representative]
    named = (consensus, divisive, bridging, cruxes_for, cruxes_against, representative)
    ids = {row.claim.id for rows in named for row in rows if row.claim.kind == "argument"}
    arguments = named_arguments(motion, ids)

    def rows(items, *, tallied=False):
        shown = []
        for item in items:
            claim = item.claim
            if claim.kind == "motion":
                tallies = motion_tallies(row, analysis) if tallied else ()
                shown.append(ClaimRow(motion, True, item, tallies))
            elif claim.id in arguments:
                tallies = group_tallies(row, analysis, claim.id) if tallied else ()
                shown.append(ClaimRow(arguments[claim.id], False, item, tallies))
        return shown

    on_motion = {tally.number: tally for tally in motion_tallies(row, analysis)}
    groups = [
        GroupView(
            id=group.id,
            number=group.id + 1,
            size=group.size,
            colour=GROUP_COLOURS[group.id % len(GROUP_COLOURS)],
            stance_on_motion=group.stance_on_motion,
            representative=rows(group.representative),
            members=list(group.members) if show_members else [],
            on_motion=on_motion.get(group.id + 1),
        )
        for group in analysis.groups
    ]
    places = _places(analysis)
    dots = _map_dots(places)
    return Report(
        computed_at=row.computed_at,
        voters=analysis.voters,
        qualifying_voters=analysis.qualifying_voters,
        reason=analysis.reason,
        more_voters_needed=max(MIN_GROUP_VOTERS - analysis.qualifying_voters, 0),
        groups=groups,
        dots=dots,
        consensus=rows(consensus)[:limit],
        divisive=rows(divisive, tallied=True)[:limit],
        bridging=rows(bridging)[:limit],
        cruxes_for=rows(cruxes_for)[:limit],
        cruxes_against=rows(cruxes_against)[:limit],
        you=_you_on_map(places, dots, analysis, viewer_id),
    )


def group_tallies(row: MotionAnalysis, analysis: Analysis, argument_id: int):
    """How each opinion group voted on the argument, as cast (MotionAnalysis.group_votes)."""
    return tuple(
        GroupTally(
            group.id + 1, *row.group_votes.get(str(group.id), {}).get(str(argument_id), (0, 0))
        )
        for group in analysis.groups
    )


def motion_tallies(row: MotionAnalysis, analysis: Analysis):
    """How each opinion group voted on the motion, as cast (MotionAnalysis.group_votes); empty
    for a row stored before runs kept these, which shows no counts until the next run."""
    stored = row.group_votes.get("motion")
    if stored is None:
        return ()
    return tuple(
        GroupTally(group.id + 1, *stored.get(str(group.id), (0, 0))) for group in analysis.groups
    )


def _places(analysis: Analysis) -> list[tuple[int, tuple[float, float, int]]]:
    """Each voter's place, (x, y, group): the coordinates scaled into the map's square, y
    pointing up. Voters who voted alike stand at the same place."""
    if not analysis.points:
        return []
    xs = [point[1] for point in analysis.points]
    ys = [point[2] for point in analysis.points]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    inner = MAP_SIZE - 2 * MAP_MARGIN
    x0, y0 = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2

    def scale(value, centre):
        return round(MAP_SIZE / 2 + (value - centre) / span * inner, 2)

    return [
        (voter, (scale(x, x0), round(MAP_SIZE - scale(y, y0), 2), group))
        for voter, x, y, group in analysis.points
    ]


def _map_dots(places) -> list[MapDot]:
    """One dot a place (`_places`), which says how many voters stand there; anonymous."""
    counts = Counter(place for _, place in places)
    # In the map's own order, never the analysis's (voters by id): the k-th dot must not be the
    # k-th member to join, whose group its colour would tell.
    return [
        MapDot(x, y, GROUP_COLOURS[group % len(GROUP_COLOURS)], group + 1, count)
        for (x, y, group), count in sorted(counts.items())
    ]


def _you_on_map(places, dots, analysis: Analysis, viewer_id: int | None) -> YouOnMap | None:
    """The viewer's dot, or None for a viewer the map does not place (or nobody signed in)."""
    if viewer_id is None:
        return None
    place = next((place for voter, place in places if voter == viewer_id), None)
    if place is None:
        return None
    x, y, group = place
    dot = next(dot for dot in dots if (dot.x, dot.y, dot.group_number) == (x, y, group + 1))
    beside = dot.radius + RING_GAP + LABEL_GAP
    # Right of the ring, unless the label would run off the map; then left of it.
    right = x + beside + LABEL_WIDTH <= MAP_SIZE
    return YouOnMap(
        dot=dot,
        group_number=group + 1,
        group_size=analysis.group(group).size,
        label_x=round(x + beside if right else x - beside, 2),
        # The baseline a little below the centre: a capital's height at the map's font size.
        label_y=round(y + 1.4, 2),
        label_anchor="start" if right else "end",
    )


def off_map(row: MotionAnalysis, own: ViewerVotes) -> OffMap | None:
    """Why the viewer, not on the map, is not, when her votes say: None when they do not (a
    vote withdrawn since, an argument hidden since)."""
    count = len(own.choices)
    if not count:
        return OffMap("no-votes", 0)
    if own.latest > row.computed_at:
        return OffMap("since-the-run", count)
    if count < MIN_VOTES:
        return OffMap("too-few", count)
    return None


# --- The JSON ------------------------------------------------------------------------------------


def as_json(motion, row: MotionAnalysis | None, *, show_members: bool) -> dict:
    """Issue 19's JSON: claim refs {"kind", "id"}; members only when `show_members`. Its shape
    is the API's (api.schemas.AnalysisOut), kept as it was whatever the stored format holds."""
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
    visible = shown_ids(motion)

    def shown(claim: Claim) -> bool:
        return claim.kind == "motion" or claim.id in visible

    def ref(claim: Claim, **figures) -> dict:
        return {"kind": claim.kind, "id": claim.id, **figures}

    groups = []
    for group in analysis.groups:
        entry = {
            "id": group.id,
            "number": group.id + 1,  # as the pages name it, and as ?group= takes it
            "size": group.size,
            "stance_on_motion": group.stance_on_motion,
            # With its votes as cast, here and among the rest: which way the group leans.
            "representative": [
                ref(
                    r.claim,
                    agree=r.agree,
                    votes=r.votes,
                    agree_rest=r.agree_rest,
                    votes_rest=r.votes_rest,
                )
                for r in group.representative
                if shown(r.claim)
            ],
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
            ref(c.claim, log_odds=c.log_odds, lower=c.lower, voters=c.voters)
            for c in analysis.cruxes
            if shown(c.claim)
        ],
    }


# --- The download --------------------------------------------------------------------------------

# A spreadsheet takes a cell that starts with one of these for a formula (OWASP, "CSV
# Injection"), even after spaces; a tab or carriage return first hides one the same way.
_FORMULA_STARTS = ("=", "+", "-", "@")
_CONTROL_STARTS = ("\t", "\r")
_FORMULA_AFTER_SEMICOLON = re.compile(r";([ \t]*)(?=[=+\-@])")
_SIDE_WORDS = {Stance.PRO: "for", Stance.CON: "against"}


def download(
    motion, row: MotionAnalysis, analysis: Analysis, *, link: Callable[[str], str]
) -> tuple[list[str], list[list]]:
    """The analysis per claim and opinion group, as the CSV download has it: a header, and a
    row for each claim the run counted a vote on that everyone may still read (one query, as
    the page reads them): the motion first, then its arguments by id. The columns:

    - `kind`: "motion" or "argument";
    - `argument_id`: the argument's id; empty for the motion;
    - `url`: the claim's address (`link` makes it absolute);
    - `text`: the claim in full, on one line (its runs of spaces and newlines made one space);
    - `bearing`: "for" or "against" the motion, as the page's badges say; empty for the motion;
    - `group_N_agree`, `group_N_disagree`: for each opinion group N (1, 2, ...), its members'
      votes as cast (MotionAnalysis.group_votes); both empty for the motion in a row stored
      before runs kept the motion's;
    - `across_the_divide`, `lean`, `bridging_status`: the bridging figures, the status
      "bridging", "not-bridging" or "needs-more-votes";
    - `crux_side`, `crux_voters`, `crux_voted_alike`, `crux_log_odds`: the crux figures, the
      side "for" or "against" the motion as the page's two lists of cruxes say; all four
      empty when the claim is no crux;
    - `common_ground`, `divisive`: "yes" or "no", whether the analysis finds it common ground
      or divisive (the page lists the first ten of each)."""
    bridging = {(r.claim.kind, r.claim.id): r for r in analysis.bridging}
    cruxes = {(r.claim.kind, r.claim.id): r for r in analysis.cruxes}
    common = {(r.claim.kind, r.claim.id) for r in analysis.consensus}
    divisive = {(r.claim.kind, r.claim.id) for r in analysis.divisive}
    ids = [claim_id for kind, claim_id in bridging if kind == "argument"]
    arguments = named_arguments(motion, ids)
    header = ["kind", "argument_id", "url", "text", "bearing"]
    for group in analysis.groups:
        header += [f"group_{group.id + 1}_agree", f"group_{group.id + 1}_disagree"]
    header += [
        *("across_the_divide", "lean", "bridging_status"),
        *("crux_side", "crux_voters", "crux_voted_alike", "crux_log_odds"),
        *("common_ground", "divisive"),
    ]
    claims = []
    if ("motion", motion.pk) in bridging:
        # A row stored before runs kept the motion's tallies: empty cells, not zeros.
        tallies = motion_tallies(row, analysis) or (None,) * len(analysis.groups)
        claims.append(("motion", motion, "", tallies))
    for argument_id, argument in sorted(arguments.items()):
        tallies = group_tallies(row, analysis, argument_id)
        claims.append(("argument", argument, _SIDE_WORDS[argument.bearing], tallies))
    rows = []
    for kind, claim, bearing, tallies in claims:
        key = (kind, claim.pk)
        line = [kind, claim.pk if kind == "argument" else "", link(claim.get_absolute_url())]
        line += [_cell(" ".join(claim.claim.split())), bearing]
        for tally in tallies:
            line += ["", ""] if tally is None else [tally.agree, tally.disagree]
        figures = bridging[key]
        line += [figures.intercept, figures.lean, figures.status]
        crux = cruxes.get(key)
        if crux is None:
            line += ["", "", "", ""]
        else:
            side = _SIDE_WORDS[Stance.PRO if crux.log_odds > 0 else Stance.CON]
            line += [side, crux.voters, crux.alike, crux.log_odds]
        line += ["yes" if key in common else "no", "yes" if key in divisive else "no"]
        rows.append(line)
    return header, rows


def _cell(text: str) -> str:
    """`text` as a spreadsheet shows it, never runs it: quoted when it could start a formula,
    and after each ";" that could (a spreadsheet of a locale that splits lines at ";" would
    make the rest a cell of its own)."""
    text = _FORMULA_AFTER_SEMICOLON.sub(r";\1'", text)
    if text.startswith(_CONTROL_STARTS) or text.lstrip(" ").startswith(_FORMULA_STARTS):
        return f"'{text}"
    return text


# --- Personal cruxes -----------------------------------------------------------------------------


def viewer_votes(motion, viewer) -> ViewerVotes:
    """The viewer's votes the analysis counts, on the motion and its arguments (one query)."""
    rows = list(
        counted_votes(motion.pk)
        .filter(user=viewer)
        .values_list("argument_id", "choice", "updated_at")
    )
    return ViewerVotes(
        choices={argument_id: choice for argument_id, choice, _ in rows},
        latest=max((updated for *_, updated in rows), default=None),
    )


def personal_cruxes(
    motion, row: MotionAnalysis, analysis: Analysis, viewer, own: ViewerVotes, *, against=None
):
    """Where `viewer`'s votes (`own`, viewer_votes) differ most from others', strongest first,
    as ClaimRows with PersonalFigures; None when the viewer has no vote on the motion. The
    others: opinion group `against`, or else everyone who voted the other way on the motion,
    counted as of the stored analysis (MotionAnalysis.group_votes). One query: the arguments
    named.
    """
    own = own.choices
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
            agrees, votes = without_viewer(agrees, votes, agreed=choice == agree)
        if votes <= 0:
            continue
        other_way = votes - agrees if choice == agree else agrees
        strength = wilson_lower_bound(other_way, votes - other_way, z=PERSONAL_CRUX_Z)
        if strength > 0.5:
            found.append((-strength, -votes, argument_id, choice == agree, agrees))
    found.sort()
    arguments = named_arguments(motion, [f[2] for f in found[:5]])
    return [
        ClaimRow(arguments[argument_id], False, PersonalFigures(agreed, agrees, -votes, -strength))
        for strength, votes, argument_id, agreed, agrees in found[:5]
        if argument_id in arguments
    ]


def without_viewer(agrees: int, votes: int, *, agreed: bool) -> tuple[int, int]:
    """A group's stored tally of an argument (agrees, votes) less the viewer's own vote on it,
    `agreed` as it stands now.

    The stored analysis keeps who formed each group, not what it counted of each member (that
    would copy every vote into the row every page reads), so her current vote is what comes
    off. It is the one counted unless she changed, withdrew and cast again, or first cast it
    after the run read the votes; her vote queued a new run, and until it is stored the
    difference may take off a vote never counted (7 of 7 agreed, she now disagrees: 7 of 6).
    Each count is kept within what a tally can be (0 <= agrees <= votes), which is off by at
    most her one vote, for those few seconds.
    """
    votes = max(votes - 1, 0)
    return min(max(agrees - agreed, 0), votes), votes


def has_votes(motion) -> bool:
    """Whether the motion has any vote an analysis counts."""
    return counted_votes(motion.pk).exists()
