"""The votes an analysis reads: the motion's and its visible arguments', as compute's Ballots."""

from analysis.compute_types import Ballot, Claim
from debates.models import Argument, Vote


def ballots(motion_id: int) -> list[Ballot]:
    """Every vote on the motion and on its visible arguments, in one query. A hidden or retracted
    argument's votes do not count."""
    visible = Argument.objects.filter(
        motion_id=motion_id, visibility=Argument.Visibility.VISIBLE
    ).values("pk")
    rows = Vote.objects.filter(motion_id=motion_id) | Vote.objects.filter(argument__in=visible)
    agree = Vote.Choice.AGREE
    return [
        Ballot(
            voter=user_id,
            claim=Claim("argument", argument_id) if argument_id else Claim("motion", motion_id),
            agree=choice == agree,
        )
        for user_id, argument_id, choice in rows.order_by().values_list(
            "user_id", "argument_id", "choice"
        )
    ]
