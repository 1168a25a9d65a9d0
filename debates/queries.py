"""Reads for the debate pages. Each costs a fixed number of queries however big the debate."""

from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.db.models.functions import Coalesce, Greatest
from django.shortcuts import get_object_or_404

from debates import ranking
from debates.models import Argument, Motion, Stance, Vote


def motions_for_home(*, include_hidden=False):
    """Motions with their tallies; those a moderator hid only for moderators (include_hidden)."""
    motions = Motion.objects.all()
    if not include_hidden:
        motions = motions.exclude(visibility=Motion.Visibility.HIDDEN)
    return (
        motions.select_related("source", "author")
        .annotate(
            pro_count=Count(
                "arguments", filter=Q(arguments__parent=None, arguments__stance=Stance.PRO)
            ),
            con_count=Count(
                "arguments", filter=Q(arguments__parent=None, arguments__stance=Stance.CON)
            ),
            argument_count=Count("arguments"),
            last_activity=Greatest(
                "updated_at", Coalesce(Max("arguments__updated_at"), "updated_at")
            ),
        )
        .order_by("-featured", "-created_at", "-id")
    )


def motion_by_slug(slug):
    return get_object_or_404(Motion.objects.select_related("source", "author"), slug=slug)


@dataclass
class DebateTree:
    """A motion's arguments fetched in one query and linked into a tree in Python."""

    motion: Motion
    roots: list[Argument] = field(default_factory=list)
    by_id: dict[int, Argument] = field(default_factory=dict)

    @property
    def size(self):
        return len(self.by_id)

    @property
    def balance(self):
        """The vote-weighted pro/con split of the top-level arguments (see argument_balance)."""
        return argument_balance(self.roots)

    def ancestors(self, argument):
        chain = []
        node = argument
        while node.parent_id is not None:
            node = self.by_id[node.parent_id]
            chain.append(node)
        return chain[::-1]


def debate_tree(motion) -> DebateTree:
    arguments = list(
        Argument.objects.filter(motion=motion)
        .select_related("source", "author")
        .order_by("created_at", "id")
    )
    tree = DebateTree(motion=motion, by_id={a.id: a for a in arguments})
    for argument in arguments:
        argument.motion = motion
        argument.children = []
    for argument in arguments:
        if argument.parent_id is None:
            tree.roots.append(argument)
        else:
            tree.by_id[argument.parent_id].children.append(argument)
    _count_descendants(tree.roots)
    return tree


def _count_descendants(roots):
    # Iterative post-order: a chain thousands deep must not hit Python's recursion limit.
    stack = [(node, False) for node in roots]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            node.descendant_count = sum(1 + c.descendant_count for c in node.children)
        else:
            stack.append((node, True))
            stack.extend((child, False) for child in node.children)


# How many arguments a page shows at each level, strongest first (replies are sorted before they
# are cut): a big debate's page stays small, and "show more" fetches the rest on demand. Below
# the last level a branch folds into a link to its own page.
PAGE_LIMITS = (10, 3, 2, 1)
SUBTREE_LIMITS = (1, 10, 3, 2)
MORE_BATCH = 10


def fold_below(roots, limits):
    """Choose what a page shows of `roots` and their replies; return the roots shown.

    Each shown node gets `shown_children`, `more_children` (replies held back for "show more")
    and `unfolded` (False at the last level, where its replies fold away entirely).
    """
    shown_roots = roots[: limits[0]]
    stack = [(node, 0) for node in shown_roots]
    while stack:
        node, level = stack.pop()
        node.unfolded = level + 1 < len(limits)
        node.shown_children = node.children[: limits[level + 1]] if node.unfolded else []
        node.more_children = len(node.children) - len(node.shown_children)
        stack.extend((child, level + 1) for child in node.shown_children)
    return shown_roots


# --- Votes -------------------------------------------------------------------------------------


def attach_my_votes(tree: DebateTree, user) -> None:
    """Set `my_vote` ("agree", "disagree" or None) on the motion and every argument of the tree.

    One query for a signed-in viewer, whatever the size of the debate; none for anyone else.
    """
    motion = tree.motion
    motion.my_vote = None
    for argument in tree.by_id.values():
        argument.my_vote = None
    if not user.is_authenticated:
        return
    votes = Vote.objects.filter(Q(motion=motion) | Q(argument__motion=motion), user=user)
    for motion_id, argument_id, choice in votes.values_list("motion_id", "argument_id", "choice"):
        if motion_id is not None:
            motion.my_vote = choice
        elif argument_id in tree.by_id:
            tree.by_id[argument_id].my_vote = choice


@dataclass(frozen=True)
class Balance:
    """How the top-level arguments of a motion weigh, pro against con (see argument_balance)."""

    pro: float
    con: float
    pro_arguments: int
    con_arguments: int

    @property
    def total(self):
        return self.pro + self.con

    @property
    def pro_percent(self):
        return round(100 * self.pro / self.total) if self.total else 0

    @property
    def con_percent(self):
        return 100 - self.pro_percent if self.total else 0


def argument_weight(argument) -> int:
    """1 for being argued, plus its net agreement (agree - disagree) when that is positive.

    An argument nobody has voted on still counts once; each net agree adds to it; one that more
    people reject than accept falls back to 1, never below: disagreeing with a pro argument says
    it fails, not that the con side is right, so it must not count for the other side.
    """
    return 1 + max(0, argument.agree_count - argument.disagree_count)


def argument_balance(roots) -> Balance:
    """The pro/con split of a motion's visible top-level arguments, each weighted by votes."""
    pro = con = pro_arguments = con_arguments = 0
    for argument in roots:
        if not argument.is_visible:
            continue
        if argument.stance == Stance.PRO:
            pro += argument_weight(argument)
            pro_arguments += 1
        else:
            con += argument_weight(argument)
            con_arguments += 1
    return Balance(pro=pro, con=con, pro_arguments=pro_arguments, con_arguments=con_arguments)


# Sort keys for replies, highest first. Each takes an argument of the fetched tree.
REPLY_ORDERS = {
    "best": ranking.best_key,
    "newest": lambda argument: (argument.created_at, argument.pk),
    "oldest": lambda argument: (-argument.created_at.timestamp(), -argument.pk),
    "discussed": lambda argument: (argument.descendant_count, argument.created_at),
    "controversial": ranking.controversial_key,
}
REPLY_ORDER_LABELS = {
    "best": "Best",
    "newest": "Newest",
    "oldest": "Oldest",
    "discussed": "Most discussed",
    "controversial": "Controversial",
}
DEFAULT_REPLY_ORDER = "best"


def reply_order(requested):
    """The order a page asked for in its URL, or the default for anything unknown."""
    return requested if requested in REPLY_ORDERS else DEFAULT_REPLY_ORDER


def sort_replies(nodes, order):
    """Return `nodes` sorted by `order` (a key of REPLY_ORDERS), their replies sorted the same way.

    Pure Python over the already-fetched tree: no queries. Each node's `children` list is
    sorted in place, all the way down; ties keep the order they came in (oldest first).
    """
    try:
        key = REPLY_ORDERS[order]
    except KeyError:
        raise ValueError(
            f"Unknown order {order!r}; expected one of {sorted(REPLY_ORDERS)}."
        ) from None
    top = sorted(nodes, key=key, reverse=True)
    stack = list(top)
    while stack:
        node = stack.pop()
        children = getattr(node, "children", None)
        if children:
            children.sort(key=key, reverse=True)
            stack.extend(children)
    return top


def my_vote(user, claim):
    """The choice `user` holds on one motion or argument, or None."""
    if not user.is_authenticated:
        return None
    field = "motion" if isinstance(claim, Motion) else "argument"
    votes = Vote.objects.filter(user=user, **{field: claim})
    return votes.values_list("choice", flat=True).first()


def revisions_shown_to(argument, viewer):
    """Earlier wordings, newest first; none of a withdrawn argument except to its author."""
    if not argument.is_visible and argument.author_id != getattr(viewer, "pk", None):
        return []
    return list(argument.revisions.all())


def motion_balance(motion) -> Balance:
    """argument_balance for a motion without fetching its whole tree: one query."""
    roots = Argument.objects.filter(motion=motion, parent=None).only(
        "stance", "visibility", "agree_count", "disagree_count"
    )
    return argument_balance(roots)
