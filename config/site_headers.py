"""The headers every Crux response carries, for responses made outside Django's handler.

The ASGI layer answers some requests itself (a body over the limit; the live streams). Their
responses pass through the header-setting middleware of settings.MIDDLEWARE, so they carry the
same Server-Timing, X-Request-ID, Content-Security-Policy, nosniff, referrer, opener and framing
policies (and HSTS in production) as every page, made by the same code from the same settings.
"""

import io

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils.module_loading import import_string

HEADER_MIDDLEWARE = {
    "config.server_timing.ServerTimingMiddleware",
    "config.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
}


def with_site_headers(scope, response: HttpResponse) -> HttpResponse:
    """`response` to the request of ASGI `scope`, with the headers every page gets.

    Or the middleware's own answer where Django would give one instead: the redirect to HTTPS
    (production settings, plain HTTP), or 400 for a host not in ALLOWED_HOSTS.
    """

    def handler(request):
        return response

    for path in reversed([name for name in settings.MIDDLEWARE if name in HEADER_MIDDLEWARE]):
        handler = import_string(path)(handler)
    # The query string is no business of these responses' (and may be what was wrong).
    request = ASGIRequest({**scope, "query_string": b""}, io.BytesIO())
    try:
        return handler(request)
    except DisallowedHost:
        return HttpResponseBadRequest()


def asgi_headers(response: HttpResponse) -> list[tuple[bytes, bytes]]:
    return [
        (name.lower().encode("latin1"), value.encode("latin1")) for name, value in response.items()
    ]


async def send_response(send, response: HttpResponse) -> None:
    """Send a whole (non-streaming) Django response over ASGI."""
    await send(
        {
            "type": "http.response.start",
            "status": response.status_code,
            "headers": asgi_headers(response),
        }
    )
    await send({"type": "http.response.body", "body": response.content})
