from functools import partial

from django.urls import path
from django.views.generic import RedirectView

import config.converters  # noqa: F401  (registers <id:…>, the database id in range)
from debates import (
    views,
    views_appeals,
    views_interchange,
    views_map,
    views_moderation,
    views_posting,
    views_sources,
)

_up = partial(RedirectView.as_view, permanent=True, http_method_names=["get", "head"])

urlpatterns = [
    path("", views.home, name="home"),
    path("motions/new/", views_posting.propose_motion, name="propose_motion"),
    path("motions/import/", views_interchange.import_motion, name="import_motion"),
    path("motions/<slug:slug>/", views.motion_detail, name="motion"),
    # An address cut back by hand, as readers do, leads to the list it belongs to.
    path("motions/", _up(pattern_name="home"), name="motions"),
    path("motions/<slug:slug>/arguments/", _up(pattern_name="motion"), name="arguments"),
    path("motions/<slug:slug>/reply/", views_posting.reply, name="reply_motion"),
    path("motions/<slug:slug>/map/", views_map.motion_map, name="motion_map"),
    path(
        "motions/<slug:slug>/export.argdown",
        views_interchange.export_motion_argdown,
        name="export_argdown",
    ),
    path("motions/<slug:slug>/replies/", views.more_replies, name="more_motion_replies"),
    path(
        "motions/<slug:slug>/arguments/<id:pk>/replies/",
        views.more_replies,
        name="more_replies",
    ),
    path("motions/<slug:slug>/arguments/<id:pk>/reply/", views_posting.reply, name="reply"),
    path(
        "motions/<slug:slug>/arguments/<id:pk>/edit/",
        views_posting.edit_argument,
        name="edit_argument",
    ),
    path(
        "motions/<slug:slug>/arguments/<id:pk>/retract/",
        views_posting.retract_argument,
        name="retract_argument",
    ),
    path(
        "motions/<slug:slug>/arguments/<id:pk>/history/",
        views_posting.argument_history,
        name="argument_history",
    ),
    path("motions/<slug:slug>/arguments/<id:pk>/", views.argument_detail, name="argument"),
    path("motions/<slug:slug>/own/", views.own_copy, name="own_copy"),
    path("motions/<slug:slug>/vote/", views.vote_motion, name="vote_motion"),
    path("motions/<slug:slug>/arguments/<id:pk>/vote/", views.vote_argument, name="vote_argument"),
]

# --- Moderation (debates.views_moderation) -----------------------------------------------------
_claim = "motions/<slug:slug>/arguments/<id:pk>/"
urlpatterns += [
    path("motions/<slug:slug>/flag/", views_moderation.flag_motion, name="flag_motion"),
    path(f"{_claim}flag/", views_moderation.flag_argument, name="flag_argument"),
    *(
        path(
            f"{_claim}{act}/",
            views_moderation.moderate_argument,
            {"act": act},
            name=f"{act}_argument",
        )
        for act in views_moderation.ARGUMENT_ACTS
    ),
    *(
        path(
            f"motions/<slug:slug>/{act}/",
            views_moderation.moderate_motion,
            {"act": act},
            name=f"{act}_motion",
        )
        for act in views_moderation.MOTION_ACTS
    ),
    *(
        path(
            f"moderation/people/<id:pk>/{act}/",
            views_moderation.moderate_user,
            {"act": act},
            name=f"{act}_user",
        )
        for act in ("suspend", "unsuspend")
    ),
    path(
        "moderation/people/<id:pk>/hide-arguments/",
        views_moderation.hide_member_arguments,
        name="hide_member_arguments",
    ),
    path("moderation/", views_moderation.queue, name="moderation_queue"),
    *(
        path(
            f"moderation/queue/<str:kind>/<id:pk>/{act}/",
            views_moderation.queue_act,
            {"act": act},
            name=f"queue_{act}",
        )
        for act in ("dismiss", "hide")
    ),
    path("moderation/log/", views_moderation.log, name="moderation_log"),
    path(f"{_claim}appeal/", views_appeals.appeal_argument, name="appeal_argument"),
    path("motions/<slug:slug>/appeal/", views_appeals.appeal_motion, name="appeal_motion"),
    path("moderation/appeals/", views_appeals.appeals, name="moderation_appeals"),
    path("moderation/notices/", views_moderation.notices, name="moderation_notices"),
]

# --- Sources and their reader (issue 20, debates.views_sources) --------------------------------
urlpatterns += [
    path("sources/", views_sources.source_list, name="sources"),
    path("sources/new/", views_sources.add_source, name="add_source"),
    path("sources/<id:pk>/", views_sources.source_detail, name="source"),
    path("sources/<id:pk>/argue/", views_sources.argue_from_passage, name="argue_from_passage"),
    path("sources/<id:pk>/flag/", views_moderation.flag_source, name="flag_source"),
    *(
        path(
            f"sources/<id:pk>/{act}/",
            views_sources.moderate_source,
            {"act": act},
            name=f"{act}_source",
        )
        for act in views_sources.SOURCE_ACTS
    ),
]
