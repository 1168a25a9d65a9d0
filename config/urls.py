from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.http import HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_safe

from debates.sitemaps import SITEMAPS


@require_safe
def robots_txt(request):
    sitemap_url = request.build_absolute_uri("/sitemap.xml")
    lines = ["User-agent: *", "Disallow: /accounts/", "Disallow: /moderation/", "Disallow: /admin/"]
    return HttpResponse(
        "\n".join([*lines, f"Sitemap: {sitemap_url}", ""]), content_type="text/plain"
    )


@require_safe
def favicon(request):
    """Browsers and feed readers ask for /favicon.ico whatever the page links: the site's icon
    (temporarily: its hashed name changes with it)."""
    return HttpResponseRedirect(static("favicon.svg"))


urlpatterns = [
    path("admin/", admin.site.urls),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon, name="favicon"),
    # An index of sections, each cut into pages of 50,000 addresses as the protocol allows: a
    # big site's arguments outgrow one file.
    path(
        "sitemap.xml",
        require_safe(sitemaps.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        require_safe(sitemaps.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    # allauth's forms, answering errors with 422 (accounts.entrance); the rest is allauth's own.
    path("accounts/", include("accounts.entrance")),
    path("accounts/", include("allauth.urls")),
    path("people/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("api.urls")),
    path("", include("analysis.urls")),
    path("", include("search.urls")),
    path("", include("feeds.urls")),
    path("", include("debates.urls")),
]

# 403 and 404 are Django's own views over templates/<status>.html (404 but for the API's
# addresses), and 400 too but for the query string; 429 is called by allauth (its rate limits)
# and by Crux's views; 500 shows the request id without touching the database.
handler400 = "config.views.bad_request"
handler404 = "config.views.not_found"
handler429 = "config.views.too_many_requests"
handler500 = "config.views.server_error"
