"""The geometry of a debate's map: a sunburst, pure functions from a tree's shape to arcs.

The motion sits at the centre and each ring is one level of replies; an argument's arc spans
its share of the debate (itself and every reply below it) inside its parent's arc. Replies too
thin to see are merged into one "N more" arc per parent, which bounds the drawing however big
the debate: what is drawn is at most a few arcs per pixel of the outer ring.

Nodes are anything with `pk`, `stance`, `children`, `descendant_count`, `agree_count`,
`disagree_count` and `is_visible` (queries.Branch, or a test's stand-in). No database access.
"""

from dataclasses import dataclass
from math import cos, pi, sin, tau

# The drawing's units: the viewBox is 2 * RADIUS wide, and a "pixel" is one of its units, so
# the map keeps its detail at its nominal size and scales down (a phone) or up alike.
RADIUS = 200
CENTRE_RADIUS = 36
# Rings never grow wider than this, so a shallow debate doesn't draw a few fat bands.
MAX_RING = 44
# An arc narrower than this at its outer edge is merged into its parent's "N more".
MIN_WIDTH = 1.0

SUPPORTS, OPPOSES = "supports", "opposes"


@dataclass
class Arc:
    """One drawn arc: an argument (`pk`), or the merged replies of `parent_pk` (`pk` is None).

    `side` says whether it supports or opposes the motion; `weak` that votes do not back it;
    `shown` that the public reads its text. `count` is how many arguments it stands for.
    `closes` is how many levels end after it in preorder (for a nested list of the same arcs).
    """

    pk: int | None
    parent_pk: int | None
    depth: int
    start: float
    end: float
    side: str
    weak: bool
    shown: bool
    count: int
    path: str = ""
    has_children: bool = False
    closes: int = 0

    @property
    def is_more(self):
        return self.pk is None

    @property
    def close_range(self):
        return range(self.closes)


def side_of(stance, parent_side=SUPPORTS):
    """Whether an argument of `stance` supports or opposes the motion, given its parent's side:
    a pro of something keeps its side, a con turns it (a con of a con supports the motion)."""
    if stance == "pro":
        return parent_side
    return OPPOSES if parent_side == SUPPORTS else SUPPORTS


def weakly_supported(node) -> bool:
    """Votes do not back it: no more people agree than disagree (none voting included)."""
    return node.agree_count <= node.disagree_count


def weight(node) -> int:
    return 1 + node.descendant_count


@dataclass
class Layout:
    arcs: list
    ring: float
    depth: int
    total: int

    @property
    def merged(self):
        return sum(arc.count for arc in self.arcs if arc.is_more)


def _deepest_visible(roots, total):
    """How many rings the map needs: the deepest argument wide enough to draw at the outer edge
    (a bound: the rings can only be narrower, so nothing deeper is ever drawn)."""
    threshold = MIN_WIDTH / RADIUS
    deepest = 0
    stack = [(node, 0) for node in roots]
    while stack:
        node, depth = stack.pop()
        if weight(node) / total * tau < threshold:
            continue
        deepest = max(deepest, depth + 1)
        stack.extend((child, depth + 1) for child in node.children)
    return deepest


def layout(roots, key=None) -> Layout:
    """The sunburst of a debate whose top-level arguments are `roots`. Siblings are drawn
    clockwise in their given order, or highest `key` first; each "N more" after its siblings.
    Arcs come in preorder. Only the arguments drawn are sorted, not the thousands merged."""
    total = sum(weight(node) for node in roots)
    if not total:
        return Layout(arcs=[], ring=0, depth=0, total=0)
    depth = _deepest_visible(roots, total)
    ring = min(MAX_RING, (RADIUS - CENTRE_RADIUS) / max(depth, 1))
    arcs = []
    # Preorder by hand: a chain thousands deep must not hit Python's recursion limit.
    # Every arc's span is its share of the whole debate; replies start where their parent does
    # and leave the rest of its span (the parent itself) open.
    scale = tau / total
    stack = [("level", roots, None, SUPPORTS, 0, 0.0)]
    while stack:
        kind, *item = stack.pop()
        if kind == "arc":
            arcs.append(item[0])
            continue
        nodes, parent_pk, parent_side, level, start = item
        outer = CENTRE_RADIUS + ring * (level + 1)
        kept, merged = [], []
        for node in nodes:
            (kept if weight(node) * scale * outer >= MIN_WIDTH else merged).append(node)
        if key is not None:
            kept.sort(key=key, reverse=True)
        pending = []
        at = start
        for node in kept:
            width = weight(node) * scale
            side = side_of(node.stance, parent_side)
            arc = Arc(
                pk=node.pk,
                parent_pk=parent_pk,
                depth=level,
                start=at,
                end=at + width,
                side=side,
                weak=weakly_supported(node),
                shown=node.is_visible,
                count=weight(node),
            )
            pending.append(("arc", arc))
            if node.children:
                pending.append(("level", node.children, node.pk, side, level + 1, at))
            at += width
        if merged:
            count = sum(weight(node) for node in merged)
            more = Arc(
                pk=None,
                parent_pk=parent_pk,
                depth=level,
                start=at,
                end=at + count * scale,
                side="",
                weak=False,
                shown=True,
                count=count,
            )
            pending.append(("arc", more))
        stack.extend(reversed(pending))
    for arc in arcs:
        arc.path = sector(arc.start, arc.end, CENTRE_RADIUS + ring * arc.depth, ring)
    _mark_nesting(arcs)
    return Layout(arcs=arcs, ring=ring, depth=depth, total=total)


def _mark_nesting(arcs):
    """Set `has_children` to whether an arc's replies are drawn, and `closes` to how many
    levels end after it, so one pass over the preorder can write a nested list."""
    for index, arc in enumerate(arcs):
        following = arcs[index + 1].depth if index + 1 < len(arcs) else 0
        arc.has_children = following > arc.depth
        arc.closes = max(arc.depth - following, 0)


def _point(angle, radius):
    # Angles run clockwise from twelve o'clock.
    return f"{radius * sin(angle):.1f},{-radius * cos(angle):.1f}"


def sector(start, end, inner, width):
    """SVG path data for the ring sector from `start` to `end` (radians) between `inner` and
    `inner + width`. A whole ring is drawn as two half rings (one arc can't close a circle)."""
    outer = inner + width
    if end - start >= tau - 1e-9:
        half = start + pi
        return (
            f"M{_point(start, outer)}A{outer:.1f} {outer:.1f} 0 1 1 {_point(half, outer)}"
            f"A{outer:.1f} {outer:.1f} 0 1 1 {_point(start, outer)}"
            f"M{_point(start, inner)}A{inner:.1f} {inner:.1f} 0 1 0 {_point(half, inner)}"
            f"A{inner:.1f} {inner:.1f} 0 1 0 {_point(start, inner)}Z"
        )
    large = 1 if end - start > pi else 0
    return (
        f"M{_point(start, outer)}A{outer:.1f} {outer:.1f} 0 {large} 1 {_point(end, outer)}"
        f"L{_point(end, inner)}A{inner:.1f} {inner:.1f} 0 {large} 0 {_point(start, inner)}Z"
    )
