"""A member's own live events as HTML: their notification bell as a reload would show it.

Rendered for that member alone (their channel's one audience), from the notifications app's
own template partial and count, so the bell that arrives live is the bell of the next page.
"""

from django.template.loader import render_to_string

from notifications import queries

BELL_TEMPLATE = "notifications/_bell.html"


def render_member_event(live) -> str:
    count = queries.unread_count(live.ids["member_id"])
    return render_to_string(f"{BELL_TEMPLATE}#live-bell", {"unread_notifications": count})
