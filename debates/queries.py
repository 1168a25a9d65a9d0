"""Reads for the debate pages. Each costs a fixed number of queries however big the debate."""

from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.db.models.functions import Coalesce, Greatest
from django.shortcuts import get_object_or_404

from debates.models import Argument, Motion, Stance


def motions_for_home():
    return (
        Motion.objects.select_related("source", "author")
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


def fold_below(roots, levels):
    """Mark which nodes show their replies: those fewer than `levels` below the given roots."""
    stack = [(node, 0) for node in roots]
    while stack:
        node, level = stack.pop()
        node.unfolded = level < levels
        if node.unfolded:
            stack.extend((child, level + 1) for child in node.children)
