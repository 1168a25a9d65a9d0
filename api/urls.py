from django.urls import path
from django.views.generic import RedirectView

import config.converters  # noqa: F401  (registers <id:…>, the database id in range)
from api import views
from api.v1 import api

urlpatterns = [
    # Where a reader who guesses the API's address starts: its documentation.
    path("api/", RedirectView.as_view(pattern_name="api_docs"), name="api_root"),
    path("api/v1/", RedirectView.as_view(pattern_name="api_docs")),
    path("api/v1/docs/", views.docs, name="api_docs"),
    path("api/v1/schemas/crux-debate-1.json", views.export_schema, name="export_schema"),
    path("api/v1/", api.urls),
    path("people/me/tokens/", views.tokens_page, name="api_tokens"),
    path("people/me/tokens/<id:pk>/revoke/", views.revoke, name="api_token_revoke"),
    path("motions/<slug:slug>/export.json", views.motion_export, name="motion_export"),
]
