from django.urls import path

from debates import views, views_posting

urlpatterns = [
    path("", views.home, name="home"),
    path("motions/new/", views_posting.propose_motion, name="propose_motion"),
    path("motions/<slug:slug>/", views.motion_detail, name="motion"),
    path("motions/<slug:slug>/reply/", views_posting.reply, name="reply_motion"),
    path("motions/<slug:slug>/arguments/<int:pk>/reply/", views_posting.reply, name="reply"),
    path(
        "motions/<slug:slug>/arguments/<int:pk>/edit/",
        views_posting.edit_argument,
        name="edit_argument",
    ),
    path(
        "motions/<slug:slug>/arguments/<int:pk>/retract/",
        views_posting.retract_argument,
        name="retract_argument",
    ),
    path(
        "motions/<slug:slug>/arguments/<int:pk>/history/",
        views_posting.argument_history,
        name="argument_history",
    ),
    path("motions/<slug:slug>/arguments/<int:pk>/", views.argument_detail, name="argument"),
    path("motions/<slug:slug>/vote/", views.vote_motion, name="vote_motion"),
    path("motions/<slug:slug>/arguments/<int:pk>/vote/", views.vote_argument, name="vote_argument"),
]
