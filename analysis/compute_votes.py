"""The motion's ballots as a sparse voter-by-claim matrix, in numpy arrays.

Column 0 is the motion; the arguments follow in id order. Rows are the distinct voters in id
order. One entry per (voter, claim): if the same pair comes twice, the later ballot counts. Each
claim's author is read from its ballots, so a claim without any (the motion, perhaps) has none.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analysis.compute_types import Ballot, Claim

MOTION_COL = 0


@dataclass(frozen=True, eq=False)
class VoteMatrix:
    voter_ids: np.ndarray  # (n_voters,) int64, ascending
    claims: tuple[Claim, ...]  # (n_claims,), the motion first
    rows: np.ndarray  # (n_votes,) index into voter_ids
    cols: np.ndarray  # (n_votes,) index into claims
    agree: np.ndarray  # (n_votes,) bool
    authors: np.ndarray  # (n_claims,) int64, the user id of who wrote each claim, -1 when unknown

    @property
    def n_voters(self) -> int:
        return len(self.voter_ids)

    @property
    def n_claims(self) -> int:
        return len(self.claims)

    def votes_per_claim(self) -> np.ndarray:
        return np.bincount(self.cols, minlength=self.n_claims)

    def own_votes(self) -> np.ndarray:
        """Per vote: whether it is on a claim the voter wrote."""
        return self.authors[self.cols] == self.voter_ids[self.rows]

    def own_claims(self, claims: np.ndarray) -> np.ndarray:
        """Per voter: how many of `claims` ((n_claims,) bool) they wrote."""
        authors = self.authors[claims]
        rows = np.searchsorted(self.voter_ids, authors)
        found = rows < self.n_voters
        found[found] = self.voter_ids[rows[found]] == authors[found]
        return np.bincount(rows[found], minlength=self.n_voters)

    def motion_votes(self) -> np.ndarray:
        """Per voter: 1 agreed with the motion, 0 disagreed, -1 did not vote on it."""
        stance = np.full(self.n_voters, -1, dtype=np.int8)
        on_motion = self.cols == MOTION_COL
        stance[self.rows[on_motion]] = self.agree[on_motion]
        return stance


def vote_matrix(ballots: Sequence[Ballot], motion: Claim) -> VoteMatrix:
    if motion.kind != "motion":
        raise ValueError(f"The motion must be a claim of kind 'motion', not {motion.kind!r}.")
    n = len(ballots)
    voters = np.fromiter((b.voter for b in ballots), dtype=np.int64, count=n)
    claim_ids = np.fromiter((b.claim.id for b in ballots), dtype=np.int64, count=n)
    on_argument = np.fromiter((b.claim.kind == "argument" for b in ballots), dtype=bool, count=n)
    agree = np.fromiter((b.agree for b in ballots), dtype=bool, count=n)
    unknown = -1
    author = np.fromiter(
        (unknown if b.author is None else b.author for b in ballots), dtype=np.int64, count=n
    )
    stray = ~on_argument & (claim_ids != motion.id)
    if stray.any():
        other = int(claim_ids[np.argmax(stray)])
        raise ValueError(f"A ballot is on motion {other}, not on motion {motion.id}.")

    voter_ids, rows = np.unique(voters, return_inverse=True)
    argument_ids, argument_cols = np.unique(claim_ids[on_argument], return_inverse=True)
    cols = np.full(n, MOTION_COL, dtype=np.int64)
    cols[on_argument] = argument_cols + 1
    claims = (motion, *(Claim("argument", int(i)) for i in argument_ids))

    # The last ballot of each (voter, claim) pair: np.unique keeps the first of the reversed.
    key = rows * len(claims) + cols
    _, first_of_reversed = np.unique(key[::-1], return_index=True)
    keep = np.sort(n - 1 - first_of_reversed)
    authors = np.full(len(claims), unknown, dtype=np.int64)
    authors[cols] = author
    return VoteMatrix(
        voter_ids=voter_ids,
        claims=claims,
        rows=rows[keep],
        cols=cols[keep],
        agree=agree[keep],
        authors=authors,
    )
