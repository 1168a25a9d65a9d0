"""A request id for each request: on the response (X-Request-ID), in its log lines, on a 500 page.

An id arriving in X-Request-ID (from a proxy or load balancer) is kept when it looks like one
(8-64 letters, digits, '-', '_' or '.'), so one id follows a request through every layer;
anything else is replaced by a fresh uuid4 hex. The id lives in a context variable for the
request's duration, which LOGGING's RequestIdFilter copies onto each record (`%(request_id)s`,
"-" outside a request).
"""

import logging
import re
import uuid
from contextvars import ContextVar

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

HEADER = "X-Request-ID"
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_current = ContextVar("crux_request_id", default=None)


def current_request_id() -> str | None:
    return _current.get()


def request_id_for(request) -> str:
    incoming = request.headers.get(HEADER, "")
    return incoming if _VALID.match(incoming) else uuid.uuid4().hex


class RequestIdMiddleware:
    """Outermost middleware: sets request.request_id and the response's X-Request-ID."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self._acall(request)
        token = self._start(request)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request.request_id
        return response

    async def _acall(self, request):
        token = self._start(request)
        try:
            response = await self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request.request_id
        return response

    @staticmethod
    def _start(request):
        request.request_id = request_id_for(request)
        return _current.set(request.request_id)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to each record: the current request's, or "-" outside a request."""

    def filter(self, record):
        if not getattr(record, "request_id", None):
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or current_request_id() or "-"
        return True
