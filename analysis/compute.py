"""Where people disagree (issue 19): opinion groups, common ground, bridging claims and cruxes,
computed from one motion's agree/disagree votes.

Pure: numpy, scipy and scikit-learn on the ballots given; no ORM, no database. The formulas and
their sources are in the docstrings of compute_groups (Pol.is), compute_bridging (Community
Notes) and compute_cruxes (log odds ratios).

Votes stay private: `Group.members` and `Point.voter` name users, so whoever publishes an
Analysis decides who may see them (moderators only, for audits).
"""

from collections.abc import Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from analysis import compute_bridging, compute_cruxes, compute_groups
from analysis.compute_types import (
    FORMAT,
    MIN_GROUP_VOTERS,
    MIN_VOTES,
    Analysis,
    Ballot,
    Bridging,
    Claim,
    Consensus,
    Crux,
    Divisive,
    Group,
    PersonalCrux,
    Point,
    Representative,
    groups_rule,
)
from analysis.compute_votes import MOTION_COL, VoteMatrix, vote_matrix

__all__ = [
    "FORMAT",
    "MIN_GROUP_VOTERS",
    "MIN_VOTES",
    "Analysis",
    "Ballot",
    "Bridging",
    "Claim",
    "Consensus",
    "Crux",
    "Divisive",
    "Group",
    "PersonalCrux",
    "Point",
    "Representative",
    "analyse",
    "personal_cruxes",
]


def analyse(ballots: Sequence[Ballot], *, motion: Claim, seed: int = 0) -> Analysis:
    """The motion's analysis; the same ballots and seed give the same result.

    Native code runs on one thread: on small debates thread start-up costs more than it saves,
    and the worker shares the machine with the web server.
    """
    with threadpool_limits(limits=1):
        return _analyse(vote_matrix(ballots, motion), seed)


def _analyse(matrix: VoteMatrix, seed: int) -> Analysis:
    qualifying = compute_groups.qualifying_voters(matrix)
    groups = compute_groups.opinion_groups(matrix, qualifying, seed)
    if groups is None:
        everyone = np.ones(matrix.n_voters, dtype=bool)
        agree, votes = _counts(matrix, everyone)
        consensus = compute_groups.consensus(matrix, agree, votes)
        group_rows, points, divisive = (), (), ()
    else:
        consensus = compute_groups.consensus(matrix, groups.agree, groups.votes)
        group_rows = _groups(matrix, groups)
        points = _points(matrix, groups)
        divisive = compute_groups.divisive(matrix, groups)
    return Analysis(
        voters=matrix.n_voters,
        qualifying_voters=int(qualifying.sum()),
        groups=group_rows,
        points=points,
        consensus=tuple(consensus),
        divisive=tuple(divisive),
        bridging=tuple(compute_bridging.bridging(matrix, seed)),
        cruxes=tuple(compute_cruxes.cruxes(matrix)),
        reason=None if groups is not None else _reason(int(qualifying.sum())),
    )


def _counts(matrix: VoteMatrix, voters: np.ndarray):
    mine = voters[matrix.rows]
    votes = np.bincount(matrix.cols[mine], minlength=matrix.n_claims)
    agree = np.bincount(matrix.cols[mine], matrix.agree[mine], matrix.n_claims)
    return agree[None, :], votes[None, :]


def _groups(matrix: VoteMatrix, groups: compute_groups.Groups) -> tuple[Group, ...]:
    qualifying_ids = matrix.voter_ids[groups.qualifying]
    representative = compute_groups.representative(matrix, groups)
    rows = []
    for g in range(groups.k):
        members = qualifying_ids[groups.labels == g]
        on_motion = groups.votes[g, MOTION_COL]
        stance = round(groups.agree[g, MOTION_COL] / on_motion, 4) if on_motion else None
        rows.append(
            Group(
                id=g,
                size=len(members),
                members=tuple(int(m) for m in members),
                representative=tuple(representative[g]),
                stance_on_motion=None if stance is None else float(stance),
            )
        )
    return tuple(rows)


def _points(matrix: VoteMatrix, groups: compute_groups.Groups) -> tuple[Point, ...]:
    ids = matrix.voter_ids[groups.qualifying]
    coords = groups.coords.round(4)
    return tuple(
        Point(int(v), float(x), float(y), int(g))
        for v, (x, y), g in zip(ids, coords, groups.labels, strict=True)
    )


def _reason(qualifying: int) -> str:
    if qualifying >= MIN_GROUP_VOTERS:
        return "The voters with enough votes all voted alike, so there are no opinion groups."
    voters = "voter" if qualifying == 1 else "voters"
    rule = groups_rule(MIN_GROUP_VOTERS, MIN_VOTES)
    return f"{rule} This motion has {qualifying} such {voters}."


def personal_cruxes(
    ballots: Sequence[Ballot],
    *,
    motion: Claim,
    voter: int,
    analysis: Analysis | None = None,
    against_group: int | None = None,
    limit: int = 5,
) -> list[PersonalCrux]:
    """The arguments where `voter`'s votes differ most from others', strongest first.

    The others are the members of opinion group `against_group` of `analysis` (the voter left
    out), or, without a group, everyone who voted the other way on the motion (nobody, so no
    cruxes, when the voter did not vote on it). Raises ValueError for a group `analysis` lacks.
    """
    if against_group is not None and analysis is None:
        raise ValueError("Comparing with an opinion group needs the analysis that formed it.")
    matrix = vote_matrix(ballots, motion)
    row = int(np.searchsorted(matrix.voter_ids, voter))
    if row == matrix.n_voters or matrix.voter_ids[row] != voter:
        return []
    if against_group is None:
        stance = matrix.motion_votes()
        if stance[row] < 0:
            return []
        others = (stance >= 0) & (stance != stance[row])
    else:
        members = np.array(analysis.group(against_group).members, dtype=np.int64)
        others = np.isin(matrix.voter_ids, members)
        others[row] = False
    return compute_cruxes.personal_cruxes(matrix, row=row, others=others, limit=limit)
