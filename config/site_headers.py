"""The headers every Crux response carries, for responses made outside Django's handler.

The ASGI layer answers some requests itself (a body over the limit; the live streams). Their
responses go through the same header middleware as Django's own, so they carry the same
X-Request-ID, Server-Timing, Content-Security-Policy, nosniff, referrer, opener and framing
policies (and HSTS in production), computed by the same code from the same settings.
"""

import io
from functools import reduce

from django.core.handlers.asgi import ASGIRequest
from django.http import HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.middleware.security import SecurityMiddleware

from config.request_id import RequestIdMiddleware
from config.server_timing import ServerTimingMiddleware

# The header-setting part of settings.MIDDLEWARE, in its order (outermost first).
HEADER_MIDDLEWARE = (
    ServerTimingMiddleware,
    RequestIdMiddleware,
    SecurityMiddleware,
    ContentSecurityPolicyMiddleware,
    XFrameOptionsMiddleware,
)


def with_site_headers(scope, response: HttpResponse) -> HttpResponse:
    """`response` to the request of ASGI `scope`, given the headers every page gets.

    With production settings a plain-HTTP request gets the redirect to HTTPS instead, as it
    would from Django.
    """
    request = ASGIRequest(scope, io.BytesIO())
    handler = reduce(
        lambda inner, middleware: middleware(inner),
        reversed(HEADER_MIDDLEWARE),
        lambda request: response,
    )
    return handler(request)


def site_headers(scope) -> list[tuple[bytes, bytes]]:
    """The site's headers for a response to `scope` (without Content-Type), as ASGI pairs."""
    return [
        (name, value)
        for name, value in asgi_headers(with_site_headers(scope, HttpResponse()))
        if name != b"content-type"
    ]


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
