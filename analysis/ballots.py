"""The votes an analysis counts: the motion's and those on its arguments everyone reads, as
compute's Ballots. The computation, the page's personal cruxes and its "nobody has voted" all
read counted_votes, so they count the same votes, and what "everyone reads" means stays
debates.policy's to say."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from analysis.compute_types import Ballot, Claim
from debates import policy
from debates.models import Argument, Vote

# Nobody in particular: what policy shows them, it shows every reader.
PUBLIC = AnonymousUser()


def shown_arguments(motion_id: int) -> QuerySet[Argument]:
    """The motion's arguments every reader may read (policy.texts_shown_to for nobody in
    particular): neither hidden nor retracted."""
    return Argument.objects.filter(policy.texts_shown_to(PUBLIC, Argument), motion_id=motion_id)


def counted_votes(motion_id: int) -> QuerySet[Vote]:
    """The votes on the motion and on its shown arguments, as one query: a hidden or retracted
    argument's votes do not count."""
    on_arguments = Vote.objects.filter(argument__in=shown_arguments(motion_id).values("pk"))
    return Vote.objects.filter(motion_id=motion_id) | on_arguments


def ballots(motion_id: int) -> list[Ballot]:
    """Every counted vote, with who wrote its claim, in one query."""
    rows = (
        counted_votes(motion_id)
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
