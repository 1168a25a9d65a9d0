"""Opinion groups, their representative claims, common ground and divisive claims (Pol.is).

After C. Small, M. Bjorkegren, T. Erkkilä, L. Shaw, C. Megill, "Polis: Scaling deliberation by
mapping high dimensional opinion spaces", Recerca 26(2), 2021, and the Computational Democracy
Project's notes (compdemocracy.org: "Representative Comments", "Group Informed Consensus").

- A voter qualifies with votes on at least min(7, m) claims, m being the claims they may vote
  on: nobody votes on their own, so these are the claims with votes less the ones they wrote.
  A voter with m = 0 never qualifies. The qualifying voters' matrix holds +1 for agree, -1 for
  disagree, and each missing vote is filled with the claim's mean among them.
- PCA to 2 components. Mean-filling makes each column's mean its voters' mean, so the centred
  matrix is zero wherever a vote is missing: it is the sparse matrix of (vote - claim mean) on
  the votes cast, and its truncated SVD is exactly the PCA of the filled matrix.
- k-means for k = 2..5 on the 2-D points, k chosen by the silhouette score.
- Representative claims: a two-proportion z-test of the group's agree rate against the other
  qualifying voters', each rate smoothed as (n + 1)/(N + 2); a claim is representative at 90%
  one-sided (|z| >= 1.2816) in the direction the group leans (agree rate above 1/2 for z > 0,
  below for z < 0).
- Group-informed consensus of a claim: the product over groups g of (A_g + 1)/(S_g + 2), with
  A_g the agrees and S_g the votes of group g's members on it. Common ground: the best of the
  claims a majority of every group agrees with.
- Divisive claims: the largest spread between the groups' smoothed agree rates, kept when the
  highest and lowest group differ by the same z-test at 90% two-sided (|z| >= 1.6449).
"""

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.metrics import silhouette_score

from analysis.compute_types import (
    DIVISIVE_Z,
    MIN_COMMON_VOTES,
    MIN_GROUP_VOTERS,
    MIN_VOTES,
    REPRESENTATIVE_Z,
    Consensus,
    Divisive,
    Representative,
)
from analysis.compute_votes import MOTION_COL, VoteMatrix

K_RANGE = range(2, 6)
SILHOUETTE_SAMPLE = 3000  # silhouette costs O(n²): past this many points, a seeded sample
TOP = 5


@dataclass(frozen=True, eq=False)
class Groups:
    qualifying: np.ndarray  # (n_voters,) bool
    coords: np.ndarray  # (n_qualifying, 2)
    labels: np.ndarray  # (n_qualifying,) group ids 0..k-1, the largest group 0
    agree: np.ndarray  # (k, n_claims) agrees of each group's members per claim
    votes: np.ndarray  # (k, n_claims) votes of each group's members per claim

    @property
    def k(self) -> int:
        return len(self.agree)


def votes_to_qualify(matrix: VoteMatrix) -> np.ndarray:
    """Per voter: the votes that make them count, 0 for one who may vote on nothing."""
    voted = matrix.votes_per_claim() > 0
    return np.minimum(MIN_VOTES, voted.sum() - matrix.own_claims(voted))


def qualifying_voters(matrix: VoteMatrix) -> np.ndarray:
    need = votes_to_qualify(matrix)
    # A vote on their own claim (an imported debate may hold one) is not among those counted.
    others = ~matrix.own_votes()
    votes = np.bincount(matrix.rows[others], minlength=matrix.n_voters)
    return (need > 0) & (votes >= need)


def opinion_groups(matrix: VoteMatrix, qualifying: np.ndarray, seed: int) -> Groups | None:
    """Projects and clusters the qualifying voters; None when they cannot be split in two."""
    if qualifying.sum() < MIN_GROUP_VOTERS:
        return None
    coords = _project(matrix, qualifying, seed)
    labels = None if coords is None else _cluster(coords, seed)
    if labels is None:
        return None
    row_group = np.full(matrix.n_voters, -1)
    row_group[qualifying] = labels
    agree, votes = _group_counts(matrix, row_group, labels.max() + 1)
    return Groups(qualifying=qualifying, coords=coords, labels=labels, agree=agree, votes=votes)


def _project(matrix: VoteMatrix, qualifying: np.ndarray, seed: int) -> np.ndarray | None:
    """The qualifying voters' 2-D points; None when every column is constant (no spread)."""
    mine = qualifying[matrix.rows]
    rows = np.cumsum(qualifying)[matrix.rows[mine]] - 1
    cols = matrix.cols[mine]
    value = np.where(matrix.agree[mine], 1.0, -1.0)
    n_claims = matrix.n_claims
    mean = np.bincount(cols, value, n_claims) / np.maximum(np.bincount(cols, None, n_claims), 1)
    spread = value - mean[cols]
    if not np.abs(spread).max(initial=0) > 1e-12:
        return None
    # Two columns at least: the SVD wants as many features as components; zeros change nothing.
    centred = sparse.csr_matrix(
        (spread, (rows, cols)), shape=(int(qualifying.sum()), max(n_claims, 2))
    )
    svd = TruncatedSVD(n_components=2, algorithm="randomized", n_iter=7, random_state=seed)
    return svd.fit_transform(centred)


def _cluster(coords: np.ndarray, seed: int) -> np.ndarray | None:
    distinct = len(np.unique(coords.round(9), axis=0))
    best, best_score = None, -np.inf
    for k in K_RANGE:
        if k > distinct:
            break
        found = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(coords)
        _, labels = np.unique(found, return_inverse=True)  # numbered 0.. without gaps
        if labels.max() < 1:
            continue
        score = silhouette_score(
            coords,
            labels,
            sample_size=None if len(coords) <= SILHOUETTE_SAMPLE else SILHOUETTE_SAMPLE,
            random_state=seed,
        )
        if score > best_score:
            best, best_score = labels, score
    return None if best is None else _relabel(coords, best)


def _relabel(coords: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Group 0 is the largest; equal sizes are ordered by their centres, left to right."""
    k = labels.max() + 1
    sizes = np.bincount(labels, minlength=k)
    centres = np.array([coords[labels == g].mean(axis=0) for g in range(k)])
    order = np.lexsort((centres[:, 1], centres[:, 0], -sizes))
    new_id = np.empty(k, dtype=np.int64)
    new_id[order] = np.arange(k)
    return new_id[labels]


def _group_counts(matrix: VoteMatrix, row_group: np.ndarray, k: int):
    group = row_group[matrix.rows]
    mine = group >= 0
    index = group[mine] * matrix.n_claims + matrix.cols[mine]
    size = k * matrix.n_claims
    votes = np.bincount(index, minlength=size).reshape(k, -1)
    agree = np.bincount(index, matrix.agree[mine], size).reshape(k, -1)
    return agree, votes


def smoothed(agree: np.ndarray, votes: np.ndarray) -> np.ndarray:
    return (agree + 1) / (votes + 2)


def two_proportion_z(a1, n1, a2, n2) -> np.ndarray:
    """z of p1 - p2 with each p smoothed as (a + 1)/(n + 2) and a pooled standard error."""
    p1, p2 = smoothed(a1, n1), smoothed(a2, n2)
    pooled = (a1 + a2 + 2) / (n1 + n2 + 4)
    se = np.sqrt(pooled * (1 - pooled) * (1 / (n1 + 2) + 1 / (n2 + 2)))
    return (p1 - p2) / se


def representative(matrix: VoteMatrix, groups: Groups) -> list[list[Representative]]:
    all_agree, all_votes = groups.agree.sum(axis=0), groups.votes.sum(axis=0)
    result = []
    for g in range(groups.k):
        a, n = groups.agree[g], groups.votes[g]
        a_rest, n_rest = all_agree - a, all_votes - n
        z = two_proportion_z(a, n, a_rest, n_rest)
        rate = smoothed(a, n)
        leans = ((z >= REPRESENTATIVE_Z) & (rate > 0.5)) | ((z <= -REPRESENTATIVE_Z) & (rate < 0.5))
        leans[MOTION_COL] = False  # the group's stance on the motion is reported on its own
        picked = np.flatnonzero(leans)
        picked = picked[np.argsort(-np.abs(z[picked]), kind="stable")[:TOP]]
        result.append(
            [
                Representative(
                    matrix.claims[c],
                    int(a[c]),
                    int(n[c]),
                    int(a_rest[c]),
                    int(n_rest[c]),
                    _r(z[c]),
                )
                for c in picked
            ]
        )
    return result


def consensus(matrix: VoteMatrix, agree: np.ndarray, votes: np.ndarray) -> list[Consensus]:
    """Group-informed consensus over the rows of `agree`/`votes` (one row per group)."""
    rates = smoothed(agree, votes)
    score = rates.prod(axis=0)
    enough = votes.sum(axis=0) >= MIN_COMMON_VOTES
    common = np.flatnonzero((rates > 0.5).all(axis=0) & enough)
    common = common[np.argsort(-score[common], kind="stable")[:TOP]]
    return [Consensus(matrix.claims[c], _r(score[c])) for c in common]


def divisive(matrix: VoteMatrix, groups: Groups) -> list[Divisive]:
    rates = smoothed(groups.agree, groups.votes)
    high, low = rates.argmax(axis=0), rates.argmin(axis=0)
    cols = np.arange(matrix.n_claims)
    spread = rates[high, cols] - rates[low, cols]
    z = two_proportion_z(
        groups.agree[high, cols],
        groups.votes[high, cols],
        groups.agree[low, cols],
        groups.votes[low, cols],
    )
    split = np.flatnonzero(z >= DIVISIVE_Z)
    split = split[np.argsort(-spread[split], kind="stable")[:TOP]]
    return [Divisive(matrix.claims[c], _r(spread[c])) for c in split]


def _r(x) -> float:
    return round(float(x), 4)
