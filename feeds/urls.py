from django.urls import path
from django.views.decorators.http import require_safe

import config.converters  # noqa: F401  (registers <id:…>, the database id in range)
from feeds import feeds

urlpatterns = [
    path("feeds/motions/", require_safe(feeds.NewMotions()), name="feed_motions"),
    path("motions/<slug:slug>/feed/", require_safe(feeds.MotionArguments()), name="feed_motion"),
    path("people/<id:pk>/feed/", require_safe(feeds.MemberPosts()), name="feed_person"),
]
