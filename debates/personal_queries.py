"""What one viewer reads differently from the rest of their audience (debates.policy.audience):
the claims they wrote, the votes they cast and the flags they have open. A page asks for them in
one light query, whatever the size of the debate, and loads in full only what the viewer wrote or
flagged among the arguments it shows (one more query, and only when there is any)."""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, CharField, Exists, OuterRef, Subquery, When

from debates import moderation_queries
from debates.models import Argument, Flag, Vote


@dataclass
class OwnState:
    """A viewer's own part of one motion: their vote on it, their votes on its arguments, the
    arguments they wrote, and what of it they flagged (open flags: the page says "Flagged")."""

    motion_vote: str | None = None
    votes: dict = field(default_factory=dict)
    written: set = field(default_factory=set)
    flagged: set = field(default_factory=set)
    motion_flagged: bool = False

    def own_among(self, ids) -> list:
        """Which of `ids` the viewer wrote or flagged, in id order."""
        return sorted(pk for pk in ids if pk in self.written or pk in self.flagged)


def own_state(motion, viewer, ids) -> OwnState:
    """The viewer's vote on `motion` and their own among `ids` (the arguments of `motion` a page
    shows), as ids: one query whatever the size of the debate or of the viewer's part in it
    (plain SQL: the ORM's compilation cost more than the query on every signed-in page); none
    for anonymous readers."""
    state = OwnState()
    if not getattr(viewer, "is_authenticated", False):
        return state
    votes, arguments, flags = Vote._meta.db_table, Argument._meta.db_table, Flag._meta.db_table
    ids = list(ids)
    among = ", ".join(["%s"] * len(ids)) or "NULL"  # IN (NULL) matches no row
    sql = f"""
        SELECT 'vote', argument_id, choice FROM {votes}
         WHERE user_id = %s AND motion_id IS NULL AND argument_id IN ({among})
        UNION ALL
        SELECT 'wrote', id, NULL FROM {arguments} WHERE author_id = %s AND id IN ({among})
        UNION ALL
        SELECT 'flagged', argument_id, NULL FROM {flags}
         WHERE flagger_id = %s AND status = 'open' AND argument_id IN ({among})
        UNION ALL
        SELECT 'motion', NULL, choice FROM {votes}
         WHERE user_id = %s AND motion_id = %s AND argument_id IS NULL
        UNION ALL
        SELECT 'flagged-motion', NULL, NULL FROM {flags}
         WHERE flagger_id = %s AND motion_id = %s AND status = 'open'
    """
    params = [viewer.pk, *ids] * 3 + [viewer.pk, motion.pk] * 2
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, pk, choice in cursor.fetchall():
            if kind == "motion":
                state.motion_vote = choice
            elif kind == "vote":
                state.votes[pk] = choice
            elif kind == "wrote":
                state.written.add(pk)
            elif kind == "flagged":
                state.flagged.add(pk)
            else:
                state.motion_flagged = True
    return state


def own_among(motion, state: OwnState, shown_ids) -> list[Argument]:
    """What the viewer wrote or flagged among `shown_ids` (own_state), loaded as the tree shows
    it, with `my_vote`, `my_flag` and `motion` set, and where the viewer's appeal on it stands
    (moderation_queries.with_appeal_state): one query, none when the page shows none of
    it. (Their votes need no loading: a page presses them in the markup it has.)"""
    wanted = state.own_among(shown_ids)
    if not wanted:
        return []
    own = Argument.objects.select_related("author", "source__added_by")
    loaded = _with_appeal(own).in_bulk(wanted)
    arguments = [loaded[pk] for pk in wanted if pk in loaded]
    for argument in arguments:
        argument.motion, argument.my_vote = motion, state.votes.get(argument.pk)
        argument.my_flag = argument.pk in state.flagged
    return arguments


def arguments_as_seen_by(motion, viewer, ids) -> list[Argument]:
    """The arguments of `motion` among `ids`, loaded as the tree shows them to `viewer` (with
    their `my_vote` and `my_flag`): for a live page that asks for its own copy of what changed."""
    if not getattr(viewer, "is_authenticated", False) or not ids:
        return []
    votes = Vote.objects.filter(user=viewer, argument=OuterRef("pk")).values("choice")[:1]
    flags = Flag.objects.filter(flagger=viewer, argument=OuterRef("pk"), status=Flag.Status.OPEN)
    seen = (
        Argument.objects.filter(motion=motion, pk__in=ids)
        .select_related("author", "source__added_by")
        .annotate(my_vote=Subquery(votes), my_flag=Exists(flags))
        .order_by("id")
    )
    arguments = list(_with_appeal(seen))
    for argument in arguments:
        argument.motion = motion
    return arguments


def _with_appeal(arguments):
    """moderation_queries.with_appeal_state, and `appeal_reason`: why a moderator last declined
    an appeal on each hidden one (the log's entry), which its author's copy gives beside her
    declined appeal. Her current appeal, when declined, is the one that entry declined: one
    appeal stands for each hiding. In the same query."""
    declined = moderation_queries.declined_reason("argument", OuterRef("pk"))
    reason = Case(
        When(visibility=Argument.Visibility.HIDDEN, then=declined),
        default=None,
        output_field=CharField(),
    )
    return moderation_queries.with_appeal_state(arguments).annotate(appeal_reason=reason)
