"""The site's URLs plus views that fail on purpose, for the error-page tests only."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from config.urls import handler429, handler500
from config.urls import urlpatterns as site_urlpatterns

__all__ = ["handler429", "handler500", "urlpatterns"]


def boom(request):
    raise RuntimeError("Boom: a test forced this server error.")


def forbidden(request):
    raise PermissionDenied("secret internal detail")


def suspicious(request):
    raise SuspiciousOperation("secret internal detail")


urlpatterns = [
    path("test-errors/500/", boom),
    path("test-errors/403/", forbidden),
    path("test-errors/400/", suspicious),
    *site_urlpatterns,
]
