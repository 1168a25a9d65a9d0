"""What one viewer reads differently from the rest of their audience (debates.policy.audience):
the claims they wrote and the votes they cast, among the arguments a page shows. One query,
however big the debate and however many votes the viewer cast."""

from django.db.models import OuterRef, Q, Subquery

from debates.models import Argument, Vote


def own_arguments(motion, viewer, shown_ids) -> list[Argument]:
    """The arguments of `motion` among `shown_ids` that `viewer` wrote or voted on, loaded as the
    tree shows them, each with `my_vote` and `motion` set."""
    if not getattr(viewer, "is_authenticated", False) or not shown_ids:
        return []
    votes = Vote.objects.filter(user=viewer, argument_id__in=shown_ids)
    mine = Q(author=viewer) | Q(pk__in=votes.values("argument_id"))
    return _loaded(motion, viewer, shown_ids, mine)


def arguments_as_seen_by(motion, viewer, ids) -> list[Argument]:
    """The arguments of `motion` among `ids`, loaded as the tree shows them to `viewer` (with
    their `my_vote`): for a live page that asks for its own copy of what changed."""
    if not getattr(viewer, "is_authenticated", False) or not ids:
        return []
    return _loaded(motion, viewer, ids, Q())


def _loaded(motion, viewer, ids, condition) -> list[Argument]:
    votes = Vote.objects.filter(user=viewer, argument_id__in=ids)
    arguments = (
        Argument.objects.filter(motion=motion, pk__in=ids)
        .filter(condition)
        .select_related("author", "source")
        .annotate(my_vote=Subquery(votes.filter(argument=OuterRef("pk")).values("choice")[:1]))
        .order_by("id")
    )
    arguments = list(arguments)
    for argument in arguments:
        argument.motion = motion
    return arguments
