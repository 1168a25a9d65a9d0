"""Bridging claims: Community Notes' matrix factorisation applied to agree/disagree votes.

After X's Community Notes documentation, "Note ranking algorithm" (communitynotes.x.com/guide,
section "Matrix Factorization"), and J. Wojcik et al., "Birdwatch: Crowd Wisdom and Bridging
Algorithms can Inform Understanding and Reduce the Spread of Misinformation", arXiv:2210.15723.

Each vote is a rating r(u, c): 1 agree, 0 disagree, predicted by

    r̂(u, c) = μ + i_u + i_c + f_u · f_c            (one factor)

fitted by minimising, over the votes cast,

    Σ (r(u, c) - r̂(u, c))² + λ_i (μ² + Σ i_u² + Σ i_c²) + λ_f (Σ f_u² + Σ f_c²)

with λ_i = 0.15 and λ_f = 0.03: the intercepts are held 5 times harder than the factors, so the
factor explains all the agreement it can and a claim earns a high intercept i_c only when
voters on both sides of the factor agree with it. A claim with at least 5 votes is bridging
when i_c >= 0.40 and |f_c| < 0.5; with fewer it needs more votes.

The fit is alternating least squares: with the voters' (i_u, f_u) fixed, each claim's
(i_c, f_c) is a 2-by-2 ridge regression solved in closed form, all claims at once; then the
voters' likewise; then μ. Every step lowers the loss, the start is seeded, so the result is
deterministic.
"""

from dataclasses import dataclass

import numpy as np

from analysis.compute_types import (
    BRIDGING_INTERCEPT,
    BRIDGING_MAX_FACTOR,
    BRIDGING_MIN_VOTES,
    Bridging,
)
from analysis.compute_votes import VoteMatrix

LAMBDA_INTERCEPT = 0.15
LAMBDA_FACTOR = 0.03
MAX_ITERATIONS = 500
TOLERANCE = 1e-7  # stop when an iteration lowers the loss by less than this share of it


@dataclass(frozen=True, eq=False)
class Factorisation:
    mu: float
    voter_intercept: np.ndarray
    voter_factor: np.ndarray
    claim_intercept: np.ndarray
    claim_factor: np.ndarray
    loss: float
    iterations: int


def factorise(matrix: VoteMatrix, seed: int) -> Factorisation:
    rows = matrix.rows
    # Claims nobody voted on (the motion, perhaps) are no parameters of the model.
    rated, cols = np.unique(matrix.cols, return_inverse=True)
    n_claims = len(rated)
    rating = matrix.agree.astype(float)
    rng = np.random.default_rng(seed)
    voter_factor = rng.normal(0.0, 0.1, matrix.n_voters)
    voter_intercept = np.zeros(matrix.n_voters)
    claim_factor = np.zeros(n_claims)
    claim_intercept = np.zeros(n_claims)
    mu = float(rating.mean()) if len(rating) else 0.0
    # Each entity's number of votes (plus λ_i) is the same in every iteration.
    claim_votes = np.bincount(cols, minlength=n_claims) + LAMBDA_INTERCEPT
    voter_votes = np.bincount(rows, minlength=matrix.n_voters) + LAMBDA_INTERCEPT
    loss, iterations = np.inf, 0
    for iterations in range(1, MAX_ITERATIONS + 1):  # noqa: B007 - reported after the loop
        claim_intercept, claim_factor = _ridge_step(
            cols, claim_votes, rating - mu - voter_intercept[rows], voter_factor[rows]
        )
        voter_intercept, voter_factor = _ridge_step(
            rows, voter_votes, rating - mu - claim_intercept[cols], claim_factor[cols]
        )
        rest = (
            voter_intercept[rows] + claim_intercept[cols] + voter_factor[rows] * claim_factor[cols]
        )
        mu = float((rating - rest).sum() / (len(rating) + LAMBDA_INTERCEPT))
        # The moves below change no prediction, only the penalty: this stays the residual.
        residual = rating - mu - rest
        mu, voter_intercept, claim_intercept = _rebalance_intercepts(
            mu, voter_intercept, claim_intercept
        )
        voter_factor, claim_intercept = _shift_factor(voter_factor, claim_factor, claim_intercept)
        claim_factor, voter_intercept = _shift_factor(claim_factor, voter_factor, voter_intercept)
        voter_factor, claim_factor = _rebalance_factors(voter_factor, claim_factor)
        previous, loss = (
            loss,
            _loss(residual, mu, voter_intercept, claim_intercept, voter_factor, claim_factor),
        )
        if previous - loss <= TOLERANCE * loss:
            break
    return Factorisation(
        mu=mu,
        voter_intercept=voter_intercept,
        voter_factor=voter_factor,
        claim_intercept=_spread(claim_intercept, rated, matrix.n_claims),
        claim_factor=_spread(claim_factor, rated, matrix.n_claims),
        loss=float(loss),
        iterations=iterations,
    )


def _spread(values, index, size):
    out = np.zeros(size)
    out[index] = values
    return out


def _rebalance_intercepts(mu, voter_intercept, claim_intercept):
    """Moves a constant between μ, the voters' and the claims' intercepts at the least penalty.

    μ + a + b, i_u - a, i_c - b predict every vote alike; only the penalty changes, so ALS
    alone creeps along these directions. Setting its gradient to 0 gives, with U voters and
    C claims: (1 + U) a + b = Σ i_u - μ and a + (1 + C) b = Σ i_c - μ.
    """
    n_u, n_c = len(voter_intercept), len(claim_intercept)
    r_u, r_c = voter_intercept.sum() - mu, claim_intercept.sum() - mu
    det = (1 + n_u) * (1 + n_c) - 1
    a = (r_u * (1 + n_c) - r_c) / det
    b = ((1 + n_u) * r_c - r_u) / det
    return mu + a + b, voter_intercept - a, claim_intercept - b


def _shift_factor(factor, other_factor, other_intercept):
    """Moves one side's factors by t, the other side's intercepts by -t·f, at the least penalty.

    (f_u + t)·f_c + (i_c - t·f_c) = f_u·f_c + i_c: every prediction stays; the penalty
    λ_f Σ (f_u + t)² + λ_i Σ (i_c - t·f_c)² is least at
    t = (λ_i Σ f_c·i_c - λ_f Σ f_u) / (λ_f U + λ_i Σ f_c²).
    """
    t = (LAMBDA_INTERCEPT * (other_factor @ other_intercept) - LAMBDA_FACTOR * factor.sum()) / (
        LAMBDA_FACTOR * len(factor) + LAMBDA_INTERCEPT * (other_factor @ other_factor)
    )
    return factor + t, other_intercept - t * other_factor


def _rebalance_factors(voter_factor, claim_factor):
    """f_u·s and f_c/s predict alike; the penalty is least when both sides weigh the same."""
    u, c = voter_factor @ voter_factor, claim_factor @ claim_factor
    if u == 0 or c == 0:
        return voter_factor, claim_factor
    scale = (c / u) ** 0.25
    return voter_factor * scale, claim_factor / scale


def _ridge_step(index, n, target, other_factor):
    """Per entity e, minimise Σ (target - i_e - f_e·other)² + λ_i i_e² + λ_f f_e², where `n` is
    each entity's number of votes plus λ_i."""
    size = len(n)
    s_f = np.bincount(index, other_factor, size)
    s_ff = np.bincount(index, other_factor * other_factor, size) + LAMBDA_FACTOR
    s_t = np.bincount(index, target, size)
    s_tf = np.bincount(index, target * other_factor, size)
    det = n * s_ff - s_f * s_f  # > 0: λ_i·λ_f > 0 and Cauchy-Schwarz
    return (s_t * s_ff - s_f * s_tf) / det, (n * s_tf - s_f * s_t) / det


def _loss(residual, mu, voter_intercept, claim_intercept, voter_factor, claim_factor) -> float:
    intercepts = mu * mu + voter_intercept @ voter_intercept + claim_intercept @ claim_intercept
    factors = voter_factor @ voter_factor + claim_factor @ claim_factor
    return float(residual @ residual + LAMBDA_INTERCEPT * intercepts + LAMBDA_FACTOR * factors)


def bridging(matrix: VoteMatrix, seed: int) -> list[Bridging]:
    """Every claim with a vote, highest intercept first."""
    if not len(matrix.rows):
        return []
    fit = factorise(matrix, seed)
    votes = matrix.votes_per_claim()
    voted = np.flatnonzero(votes)
    voted = voted[np.argsort(-fit.claim_intercept[voted], kind="stable")]
    rows = []
    for c in voted:
        intercept = round(float(fit.claim_intercept[c]), 4)
        factor = round(float(fit.claim_factor[c]), 4)
        rows.append(
            Bridging(matrix.claims[c], intercept, factor, _status(votes[c], intercept, factor))
        )
    return rows


def _status(votes: int, intercept: float, factor: float) -> str:
    if votes < BRIDGING_MIN_VOTES:
        return "needs-more-votes"
    if intercept >= BRIDGING_INTERCEPT and abs(factor) < BRIDGING_MAX_FACTOR:
        return "bridging"
    return "not-bridging"
