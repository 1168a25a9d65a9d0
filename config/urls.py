from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("people/", include("accounts.urls")),
    path("", include("api.urls")),
    path("", include("analysis.urls")),
    path("", include("debates.urls")),
]

# 403 and 404 are Django's own views over templates/<status>.html, and 400 too but for the
# query string; 429 is called by allauth (its rate limits) and by Crux's views; 500 shows the
# request id without touching the database.
handler400 = "config.views.bad_request"
handler429 = "config.views.too_many_requests"
handler500 = "config.views.server_error"
