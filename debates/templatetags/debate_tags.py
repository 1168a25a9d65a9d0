import math

from django import template

from debates import live, pending_votes

register = template.Library()

BAR_HEIGHT = 22
BAR_GAP = 6
GROUP_GAP = 30
GROUP_HEAD = 34
LABEL_WIDTH = 110
BAR_AREA = 300
# A group's scale ends at the first of these (times a power of ten) that holds its largest value.
NICE_STEPS = (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)


def scale_end(largest: float) -> float:
    """A round number at or above `largest`: where a group's track ends, its scale labelled."""
    if largest <= 0:
        return 1
    power = 10 ** math.floor(math.log10(largest))
    return next(step * power for step in NICE_STEPS if step * power >= largest)


def _round_label(value: float):
    return int(value) if value == int(value) else round(value, 6)


@register.inclusion_tag("debates/_figures.html")
def figures_chart(figures):
    """Lay out a small grouped bar chart. Groups measure different things, so each has its own
    scale: drawn apart, each bar on a faint track that runs to the group's scale end, which is
    labelled, so a short bar in one group is never read against a long one in another."""
    groups, y = [], 0
    for group in figures.get("groups", []):
        end = scale_end(max((bar["value"] for bar in group["bars"]), default=0))
        head_y = y
        y += GROUP_HEAD
        bars = []
        for bar in group["bars"]:
            width = round(BAR_AREA * bar["value"] / end, 1)
            bars.append(
                {
                    "label": bar["label"],
                    "value": bar["value"],
                    "width": width,
                    "value_x": round(LABEL_WIDTH + 6 + width, 1),
                    "y": y,
                    "text_y": y + 16,
                }
            )
            y += BAR_HEIGHT + BAR_GAP
        groups.append(
            {
                "label": group["label"],
                "label_y": head_y + 12,
                "scale_y": head_y + 26,
                "scale_end": _round_label(end),
                "rule_y": head_y - GROUP_GAP / 2 + 2,
                "bars": bars,
            }
        )
        y += GROUP_GAP - BAR_GAP
    return {
        "caption": figures.get("caption", ""),
        "unit": figures.get("unit", ""),
        "groups": groups,
        "height": max(y - GROUP_GAP + BAR_GAP + 4, 0),
        "bar_height": BAR_HEIGHT,
        "bar_x": LABEL_WIDTH,
        "bar_area": BAR_AREA,
        "track_end": LABEL_WIDTH + BAR_AREA,
        "view_width": LABEL_WIDTH + BAR_AREA + 60,
    }


@register.simple_tag(takes_context=True)
def live_path(context, motion_id=None):
    """Where a page listens for live updates: a motion's channel, or every motion's, and a
    signed-in member's own channel on the same stream (the nav's bell then opens none)."""
    user = context.get("user")
    context.render_context[live.paths.PAGE_STREAM] = True
    member_id = user.pk if getattr(user, "is_authenticated", False) else None
    return live.channel_path(motion_id, member_id)


@register.simple_tag(takes_context=True)
def page_has_stream(context) -> bool:
    """Whether the page opened a stream of its own above (live_path): a member's own events
    then ride on it, and need no second one."""
    return context.render_context.get(live.paths.PAGE_STREAM, False)


@register.simple_tag
def pending_vote(session):
    """The vote pressed before signing in that still waits (debates.pending_votes), or None."""
    return pending_votes.waiting(session)
