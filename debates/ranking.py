"""Pure scoring functions for votes: how good a claim is and how divisive. No database access."""

from math import sqrt

# The two-sided 95% normal quantile, rounded as it usually is.
Z_95 = 1.96


def wilson_lower_bound(agree: int, disagree: int, z: float = Z_95) -> float:
    """The lower bound of the Wilson score interval for the share of voters who agree.

    It answers "given these votes, what agree share can we be 95% sure of at least?", so a
    claim with 1 agree and no disagree (≈0.21) ranks below one with 95 agree and 5 disagree
    (≈0.89), and a claim nobody has voted on scores 0.

    Counts are never negative: callers that derive them (analysis.queries) must keep them so,
    and one that did not is told here rather than by sqrt's "math domain error".
    """
    if agree < 0 or disagree < 0:
        raise ValueError(f"Vote counts cannot be negative: {agree} agree, {disagree} disagree.")
    n = agree + disagree
    if n <= 0:
        return 0.0
    p = agree / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * sqrt((p * (1 - p) + z2 / (4 * n)) / n)
    # max(): with no agree votes the exact answer is 0, which floating point can miss by 1e-17.
    return max(0.0, (centre - spread) / (1 + z2 / n))


def controversy(agree: int, disagree: int) -> float:
    """How divisive a claim is: many votes, split close to evenly. Reddit's formula.

        controversy = (agree + disagree) ** (min(agree, disagree) / max(agree, disagree))

    A one-sided claim scores 0; a perfect split scores its vote count (50/50 → 100, 5/5 → 10);
    a lopsided one scores little however many votes it has (100/1 → 101 ** 0.01 ≈ 1.05).
    """
    if agree <= 0 or disagree <= 0:
        return 0.0
    balance = min(agree, disagree) / max(agree, disagree)
    return float(agree + disagree) ** balance


def best_key(claim) -> tuple:
    """Sort key, highest first: Wilson lower bound, then net agreement.

    The tie-break matters at the bottom, where every claim without an agree vote scores 0:
    an unvoted claim then ranks above one that many people rejected.
    """
    agree, disagree = claim.agree_count, claim.disagree_count
    return (wilson_lower_bound(agree, disagree), agree - disagree)


def controversial_key(claim) -> tuple:
    """Sort key, highest first: controversy, then more votes."""
    agree, disagree = claim.agree_count, claim.disagree_count
    return (controversy(agree, disagree), agree + disagree)


def scored_key(claim) -> tuple:
    """Sort key, highest first, for orders scored outside the debate (issue 19's "Bridging" and
    "view as group", from the motion's analysis): the claim's `score` (a tuple, set on the tree
    before sorting), those without one after, each by best_key within."""
    score = getattr(claim, "score", None)
    return (score is not None, score or (), *best_key(claim))
