"""The values the analysis reads and returns: claims, ballots and the rows of each result.

Free of numpy, so that web processes read stored results without loading numpy and
scikit-learn (about 120 MB a process): only the worker computes. Rows are named tuples so that a
row unpacks as the plain tuple the pages expect (`claim, intercept, factor, status = row`) and
still reads by name.
"""

from dataclasses import dataclass, field
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
    """One vote: `voter` (a user id) agrees or disagrees with `claim`, which `author` (a user id,
    None when unknown) wrote. Nobody may vote on their own claims, so the author decides how many
    votes make a voter count towards the opinion groups (compute_groups)."""

    voter: int
    claim: Claim
    agree: bool
    # Not part of the vote, only of its claim: two ballots are the same vote whoever wrote it.
    author: int | None = field(default=None, compare=False)


class Representative(NamedTuple):
    """A claim that sets a group apart. The counts are as cast, for people to read; only the
    z-test that picked it smooths them (compute_groups)."""

    claim: Claim
    agree: int  # the group's members who agreed with it
    votes: int  # the group's members who voted on it
    agree_rest: int  # the other qualifying voters who agreed with it
    votes_rest: int  # the other qualifying voters who voted on it
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


# Bridging (compute_bridging): at least this many votes, an intercept at least this high and a
# factor smaller than this either way. Here, free of numpy, so that pages can state the rule.
BRIDGING_MIN_VOTES = 5
BRIDGING_INTERCEPT = 0.40
BRIDGING_MAX_FACTOR = 0.5
# A claim sets a group apart when the group's agree rate differs from the other voters' by a
# two-proportion z of at least this, one-sided (90%); a claim is divisive when the groups that
# agree most and least with it differ by at least this z, two-sided (90%) (compute_groups). Here,
# free of numpy, so that pages can state the rules.
REPRESENTATIVE_Z = 1.2816
DIVISIVE_Z = 1.6449
# A crux's interval for its log odds ratio: log-odds ± this times its standard error, two-sided
# (90%); cruxes rank by the end of it nearest 0 (compute_cruxes). Here, free of numpy, so that
# pages can state the rule.
CRUX_Z = 1.6449
# A personal crux: the others voted the other way with a one-sided 90% Wilson lower bound over
# half (compute_cruxes.personal_cruxes, and analysis.queries as of the stored analysis).
PERSONAL_CRUX_Z = 1.2816
# Votes a claim needs in all before it can be common ground (compute_groups.consensus): one
# agreeing vote, smoothed to 2/3, would otherwise pass for everyone's.
MIN_COMMON_VOTES = 5


class Bridging(NamedTuple):
    claim: Claim
    intercept: float
    factor: float
    status: str  # "bridging" | "not-bridging" | "needs-more-votes"

    @property
    def lean(self) -> float:
        """How far it leans to one side of the divide, either way."""
        return abs(self.factor)


class Crux(NamedTuple):
    claim: Claim
    log_odds: float  # > 0: agreeing with the argument goes with agreeing with the motion
    lower: float  # the end of the 90% interval nearest 0, with the sign of log_odds
    voters: int  # who voted on both the argument and the motion
    alike: int  # of them, those who voted the same way on both (agreed or disagreed with both)

    @property
    def opposite(self) -> int:
        """Those who voted one way on the argument and the other on the motion."""
        return self.voters - self.alike


class PersonalCrux(NamedTuple):
    claim: Claim
    agree: bool  # the voter's own vote
    others_agree_rate: float  # raw share of the comparison voters who agreed
    others: int  # comparison voters who voted on it
    strength: float  # 90% lower bound of the share of them who voted the other way


FORMAT = 3  # bump when as_dict's shape changes, so stored results are recomputed
# A voter's votes before they count towards opinion groups (Pol.is), or all the claims they may
# vote on if there are fewer: the claims with votes, less their own.
MIN_VOTES = 7
MIN_GROUP_VOTERS = 10  # qualifying voters before groups are formed
MIN_CRUX_VOTERS = 8  # voters on both an argument and the motion before it can be a crux


def groups_rule(min_group_voters: int, min_votes: int) -> str:
    """When there are opinion groups, in the words the page and the API's reason both use."""
    return (
        f"Opinion groups need at least {min_group_voters} voters who have each voted on at least "
        f"{min_votes} claims (the motion and its arguments). Where fewer than {min_votes} claims "
        "have votes, voting on all of them is enough; nobody votes on their own claims, so "
        "those are left out of the count."
    )


@dataclass(frozen=True)
class Group:
    id: int
    size: int
    members: tuple[int, ...]  # user ids: for moderators only
    representative: tuple[Representative, ...]
    stance_on_motion: float | None  # agree share of the members who voted on the motion

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "size": self.size,
            "members": list(self.members),
            "representative": [
                {
                    **row.claim.as_ref(),
                    "agree": row.agree,
                    "votes": row.votes,
                    "agree_rest": row.agree_rest,
                    "votes_rest": row.votes_rest,
                    "z": row.z,
                }
                for row in self.representative
            ],
            "stance_on_motion": self.stance_on_motion,
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Group":
        return cls(
            id=d["id"],
            size=d["size"],
            members=tuple(d["members"]),
            representative=tuple(
                Representative(
                    Claim.from_ref(r),
                    r["agree"],
                    r["votes"],
                    r["agree_rest"],
                    r["votes_rest"],
                    r["z"],
                )
                for r in d["representative"]
            ),
            stance_on_motion=d["stance_on_motion"],
        )


@dataclass(frozen=True)
class Analysis:
    voters: int
    qualifying_voters: int
    groups: tuple[Group, ...]
    points: tuple[Point, ...]  # qualifying voters on the opinion map; empty without groups
    consensus: tuple[Consensus, ...]
    divisive: tuple[Divisive, ...]
    bridging: tuple[Bridging, ...]
    cruxes: tuple[Crux, ...]
    reason: str | None  # why there are no groups, or None

    def as_dict(self) -> dict:
        """Plain JSON types; a claim ref is {"kind", "id"} merged with the row's numbers."""
        return {
            "format": FORMAT,
            "voters": self.voters,
            "qualifying_voters": self.qualifying_voters,
            "reason": self.reason,
            "groups": [group.as_dict() for group in self.groups],
            "points": [list(point) for point in self.points],
            "consensus": [{**row.claim.as_ref(), "score": row.score} for row in self.consensus],
            "divisive": [{**row.claim.as_ref(), "spread": row.spread} for row in self.divisive],
            "bridging": [
                {
                    **row.claim.as_ref(),
                    "intercept": row.intercept,
                    "factor": row.factor,
                    "status": row.status,
                }
                for row in self.bridging
            ],
            "cruxes": [
                {
                    **row.claim.as_ref(),
                    "log_odds": row.log_odds,
                    "lower": row.lower,
                    "voters": row.voters,
                    "alike": row.alike,
                }
                for row in self.cruxes
            ],
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Analysis":
        if d.get("format") != FORMAT:
            raise ValueError(f"An analysis in format {d.get('format')!r}, not {FORMAT}.")
        return cls(
            voters=d["voters"],
            qualifying_voters=d["qualifying_voters"],
            groups=tuple(Group.from_dict(g) for g in d["groups"]),
            points=tuple(Point(*p) for p in d["points"]),
            consensus=tuple(Consensus(Claim.from_ref(r), r["score"]) for r in d["consensus"]),
            divisive=tuple(Divisive(Claim.from_ref(r), r["spread"]) for r in d["divisive"]),
            bridging=tuple(
                Bridging(Claim.from_ref(r), r["intercept"], r["factor"], r["status"])
                for r in d["bridging"]
            ),
            cruxes=tuple(
                Crux(Claim.from_ref(r), r["log_odds"], r["lower"], r["voters"], r["alike"])
                for r in d["cruxes"]
            ),
            reason=d["reason"],
        )

    def group(self, group_id: int) -> Group:
        for group in self.groups:
            if group.id == group_id:
                return group
        raise ValueError(f"There is no opinion group {group_id}.")
