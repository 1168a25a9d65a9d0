"""Scores for the reply orders that come from the analysis: "Bridging" and "view as group".

Registered with debates.queries when Django starts (analysis.apps); read from the stored result,
never computed during a request. One query.
"""

from typing import NamedTuple

from analysis.compute_types import Analysis
from analysis.models import MotionAnalysis
from debates.queries import GROUP_ORDER
from debates.ranking import wilson_lower_bound

# Bridging first (by intercept), then the rest that have enough votes, by intercept.
_BRIDGING_RANK = {"bridging": 1, "not-bridging": 0}


class GroupAgreement(NamedTuple):
    """An argument's score in "view as group": how much one opinion group agreed with it. Ranked
    by the Wilson lower bound of its agree share, then by agree minus disagree votes; the page
    shows `agree` of `votes` beside the argument."""

    lower_bound: float
    margin: int
    agree: int
    votes: int

    @property
    def percent(self) -> int:
        return round(100 * self.agree / self.votes) if self.votes else 0


def scores(motion, order) -> dict[int, tuple]:
    """{argument id: score tuple, highest first} for `order`; arguments without one sort after."""
    if order.startswith(GROUP_ORDER):
        row = MotionAnalysis.objects.filter(motion=motion).values_list("group_votes").first()
        tallies = row[0].get(order.removeprefix(GROUP_ORDER), {}) if row else {}
        return {
            int(argument_id): GroupAgreement(
                wilson_lower_bound(agree, votes - agree), 2 * agree - votes, agree, votes
            )
            for argument_id, (agree, votes) in tallies.items()
        }
    row = MotionAnalysis.objects.filter(motion=motion).values_list("result").first()
    if not row or not row[0]:
        return {}
    try:
        analysis = Analysis.from_dict(row[0])
    except ValueError:  # an older format: the next run replaces it
        return {}
    return {
        claim.id: (_BRIDGING_RANK[status], intercept)
        for claim, intercept, _factor, status in analysis.bridging
        if claim.kind == "argument" and status in _BRIDGING_RANK
    }
