"""The votes an analysis reads: the motion's and its visible arguments', as compute's Ballots."""

from analysis.compute_types import Ballot, Claim
from debates.models import Argument, Vote


def ballots(motion_id: int) -> list[Ballot]:
    """Every vote on the motion and on its visible arguments, with who wrote its claim, in one
    query. A hidden or retracted argument's votes do not count."""
    visible = Argument.objects.filter(
        motion_id=motion_id, visibility=Argument.Visibility.VISIBLE
    ).values("pk")
    rows = (
        (Vote.objects.filter(motion_id=motion_id) | Vote.objects.filter(argument__in=visible))
        .order_by()
        .values_list("user_id", "argument_id", "choice", "argument__author_id", "motion__author_id")
    )
    agree = Vote.Choice.AGREE
    return [
        Ballot(
            voter=user_id,
            claim=Claim("argument", argument_id) if argument_id else Claim("motion", motion_id),
            agree=choice == agree,
            author=argument_author if argument_id else motion_author,
        )
        for user_id, argument_id, choice, argument_author, motion_author in rows
    ]
