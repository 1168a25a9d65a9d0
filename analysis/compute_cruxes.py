"""Cruxes: arguments whose vote predicts the vote on the motion.

For an argument and the voters who voted on both it and the motion, the 2-by-2 table
a = agree both, b = agree argument / disagree motion, c = disagree argument / agree motion,
d = disagree both gives the log odds ratio with the Haldane-Anscombe correction (+0.5 per cell;
J. B. S. Haldane, "The estimation and significance of the logarithm of a ratio of
frequencies", Annals of Human Genetics 20, 1956):

    L = ln((a + ½)(d + ½) / ((b + ½)(c + ½)))
    SE = √(1/(a + ½) + 1/(b + ½) + 1/(c + ½) + 1/(d + ½))

(Woolf's standard error) and the 90% interval L ± 1.6449·SE. An argument with at least
MIN_CRUX_VOTERS such voters whose interval excludes 0 is a crux: for the motion when L > 0
(agreeing with it goes with agreeing with the motion), against it when L < 0. Cruxes rank by
the end of the interval nearest 0, strongest first: a strong crux is one that is surely far
from 0.

A personal crux compares one voter with others (an opinion group, or everyone who voted the
other way on the motion): the arguments the voter voted on where a clear majority of those
others voted the other way, ranked by the Wilson score lower bound (E. B. Wilson, JASA 22,
1927), 90% one-sided, of the share of them who did; kept when that bound exceeds ½.
"""

from dataclasses import dataclass

import numpy as np

from analysis.compute_types import CRUX_Z, MIN_CRUX_VOTERS, PERSONAL_CRUX_Z, Crux, PersonalCrux
from analysis.compute_votes import MOTION_COL, VoteMatrix

HALDANE = 0.5
TOP_EACH_WAY = 10


@dataclass(frozen=True, eq=False)
class CruxTable:
    """Every argument's statistics, aligned with the matrix's claims (the motion's are NaN)."""

    log_odds: np.ndarray
    low: np.ndarray
    high: np.ndarray
    voters: np.ndarray
    alike: np.ndarray  # voters who voted the same way on the argument and the motion


def crux_table(matrix: VoteMatrix) -> CruxTable:
    stance = matrix.motion_votes()
    on_both = (stance[matrix.rows] >= 0) & (matrix.cols != MOTION_COL)
    # cell: 0 = disagree both, 1 = disagree argument / agree motion, 2 = agree argument /
    # disagree motion, 3 = agree both
    cell = 2 * matrix.agree[on_both] + stance[matrix.rows[on_both]]
    counts = np.bincount(4 * matrix.cols[on_both] + cell, minlength=4 * matrix.n_claims).reshape(
        -1, 4
    )
    d, c, b, a = (counts[:, i] + HALDANE for i in range(4))
    log_odds = np.log(a * d / (b * c))
    se = np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    log_odds[MOTION_COL] = np.nan
    return CruxTable(
        log_odds=log_odds,
        low=log_odds - CRUX_Z * se,
        high=log_odds + CRUX_Z * se,
        voters=counts.sum(axis=1),
        alike=counts[:, 0] + counts[:, 3],
    )


def cruxes(matrix: VoteMatrix) -> list[Crux]:
    table = crux_table(matrix)
    enough = table.voters >= MIN_CRUX_VOTERS
    enough[MOTION_COL] = False
    lower = np.where(table.log_odds > 0, table.low, table.high)
    picked = []
    for side in (enough & (table.low > 0), enough & (table.high < 0)):
        cols = np.flatnonzero(side)
        picked.extend(cols[np.argsort(-np.abs(lower[cols]), kind="stable")[:TOP_EACH_WAY]])
    picked.sort(key=lambda col: (-abs(lower[col]), col))
    return [
        Crux(
            matrix.claims[c],
            round(float(table.log_odds[c]), 4),
            round(float(lower[c]), 4),
            int(table.voters[c]),
            int(table.alike[c]),
        )
        for c in picked
    ]


def wilson_lower(successes: np.ndarray, n: np.ndarray, z: float) -> np.ndarray:
    n = np.maximum(n, 1)
    p = successes / n
    centre = p + z * z / (2 * n)
    margin = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - margin) / (1 + z * z / n)


def personal_cruxes(
    matrix: VoteMatrix, *, row: int, others: np.ndarray, limit: int
) -> list[PersonalCrux]:
    """`row`: the voter's row; `others`: (n_voters,) bool, the voters to compare with."""
    own = (matrix.rows == row) & (matrix.cols != MOTION_COL)
    own_cols, own_agree = matrix.cols[own], matrix.agree[own]
    theirs = others[matrix.rows]
    votes = np.bincount(matrix.cols[theirs], minlength=matrix.n_claims)[own_cols]
    agrees = np.bincount(matrix.cols[theirs], matrix.agree[theirs], matrix.n_claims)[own_cols]
    other_way = np.where(own_agree, votes - agrees, agrees)
    strength = wilson_lower(other_way, votes, PERSONAL_CRUX_Z)
    clear = np.flatnonzero((votes > 0) & (strength > 0.5))
    clear = clear[np.lexsort((own_cols[clear], -votes[clear], -strength[clear]))][:limit]
    return [
        PersonalCrux(
            matrix.claims[own_cols[i]],
            bool(own_agree[i]),
            round(float(agrees[i] / votes[i]), 4),
            int(votes[i]),
            round(float(strength[i]), 4),
        )
        for i in clear
    ]
