"""The values the analysis reads and returns: claims, ballots and the rows of each result.

Rows are named tuples so that a row unpacks as the plain tuple the pages expect
(`claim, intercept, factor, status = row`) and still reads by name.
"""

from dataclasses import dataclass
from typing import NamedTuple

CLAIM_KINDS = ("motion", "argument")


@dataclass(frozen=True, slots=True)
class Claim:
    """A votable claim of one motion: the motion itself, or one of its arguments."""

    kind: str
    id: int

    def __post_init__(self):
        if self.kind not in CLAIM_KINDS:
            raise ValueError(f"A claim is a motion or an argument, not {self.kind!r}.")

    def as_ref(self) -> dict:
        return {"kind": self.kind, "id": self.id}

    @classmethod
    def from_ref(cls, ref: dict) -> "Claim":
        return cls(kind=ref["kind"], id=int(ref["id"]))


@dataclass(frozen=True, slots=True)
class Ballot:
    """One vote: `voter` (a user id) agrees or disagrees with `claim`."""

    voter: int
    claim: Claim
    agree: bool


class Representative(NamedTuple):
    claim: Claim
    agree_rate: float  # smoothed, among the group's members who voted on it
    agree_rate_rest: float  # smoothed, among the other qualifying voters who did
    z: float  # > 0: the group agrees more than the rest; < 0: it disagrees more


class Point(NamedTuple):
    voter: int
    x: float
    y: float
    group: int


class Consensus(NamedTuple):
    claim: Claim
    score: float


class Divisive(NamedTuple):
    claim: Claim
    spread: float


class Bridging(NamedTuple):
    claim: Claim
    intercept: float
    factor: float
    status: str  # "bridging" | "not-bridging" | "needs-more-votes"


class Crux(NamedTuple):
    claim: Claim
    log_odds: float  # > 0: agreeing with the argument goes with agreeing with the motion
    lower: float  # the end of the 90% interval nearest 0, with the sign of log_odds
    voters: int  # who voted on both the argument and the motion


class PersonalCrux(NamedTuple):
    claim: Claim
    agree: bool  # the voter's own vote
    others_agree_rate: float  # raw share of the comparison voters who agreed
    others: int  # comparison voters who voted on it
    strength: float  # 90% lower bound of the share of them who voted the other way
