"""A request body over the limit is refused with 413 before the application runs.

The body is read whole here (Crux takes forms, never uploads), so the application never starts on
a request it will not be given in full, and no request can fill memory or disk.

The refusal is in the words of what was asked: under the API's prefix, the problem (RFC 9457,
application/problem+json) every refusal of the API is; elsewhere, the site's page.
"""

from django.http import HttpResponse
from django.template import loader

from api import problems
from config.site_headers import send_response, with_site_headers
from config.views import API_PREFIX

MEBIBYTE = 1024 * 1024


class BodyLimit:
    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if self._declared_length(scope) > self.max_bytes:
            return await self._refuse(scope, send)
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                return await self._refuse(scope, send)
            if not message.get("more_body"):
                break
        whole = {"type": "http.request", "body": bytes(body), "more_body": False}

        async def replay():
            nonlocal whole
            if whole is None:
                return await receive()
            message, whole = whole, None
            return message

        await self.app(scope, replay, send)

    @staticmethod
    def _declared_length(scope) -> int:
        for name, value in scope["headers"]:
            if name == b"content-length":
                return int(value) if value.isdigit() else 0
        return 0

    async def _refuse(self, scope, send):
        if scope["path"].startswith(API_PREFIX):
            response = problems.problem("too-large", 413, self._too_large_detail())
        else:
            page = loader.get_template("413.html").render({"max_mb": self.max_bytes // MEBIBYTE})
            response = HttpResponse(page, status=413)
        response["Connection"] = "close"
        await send_response(send, with_site_headers(scope, response))

    def _too_large_detail(self) -> str:
        limit = self.max_bytes
        amount = f"{limit // MEBIBYTE} MB" if limit % MEBIBYTE == 0 else f"{limit:,} bytes"
        return (
            f"The request's body is over {amount}, the most Crux takes in one request; "
            "nothing was saved. Send less (split a debate you import into smaller files)."
        )
