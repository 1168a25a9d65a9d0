from django import template

from debates import live

register = template.Library()

BAR_HEIGHT = 22
BAR_GAP = 6
GROUP_GAP = 30
LABEL_WIDTH = 110
BAR_AREA = 300


@register.inclusion_tag("debates/_figures.html")
def figures_chart(figures):
    """Lay out a small grouped bar chart; each group is scaled to its own largest value."""
    groups, y = [], 0
    for group in figures.get("groups", []):
        largest = max((bar["value"] for bar in group["bars"]), default=0) or 1
        y += 18
        bars = []
        for bar in group["bars"]:
            bars.append(
                {
                    "label": bar["label"],
                    "value": bar["value"],
                    "width": round(BAR_AREA * bar["value"] / largest, 1),
                    "value_x": round(LABEL_WIDTH + 6 + BAR_AREA * bar["value"] / largest, 1),
                    "y": y,
                    "text_y": y + 16,
                }
            )
            y += BAR_HEIGHT + BAR_GAP
        groups.append({"label": group["label"], "label_y": bars[0]["y"] - 6, "bars": bars})
        y += GROUP_GAP - BAR_GAP
    return {
        "caption": figures.get("caption", ""),
        "unit": figures.get("unit", ""),
        "groups": groups,
        "height": y,
        "bar_height": BAR_HEIGHT,
        "bar_x": LABEL_WIDTH,
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
