"""The nav's bell: a signed-in member's unread count and the live path that keeps it current.

The count is a callable, asked only when the base template shows the nav (one query, and
whether she moderates, which the page asks anyway), so a fragment (a vote's answer) never pays
for it.
"""

from functools import cache

from debates.live.paths import member_channel_path
from notifications import queries


def bell(request):
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}

    @cache
    def unread_notifications():
        return queries.unread_count(user)

    return {
        "unread_notifications": unread_notifications,
        "bell_live_url": member_channel_path(user.pk),
    }
