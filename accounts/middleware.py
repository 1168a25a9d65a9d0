"""Django's AuthenticationMiddleware (MIDDLEWARE), with the request's session at hand while
Django's `get_user` finds the signed-in user, so that the backends (accounts.backends) can take
the user the session engine read in the session's own query (accounts.sessions)."""

from contextvars import ContextVar

from django.contrib.auth import middleware
from django.utils.functional import SimpleLazyObject

# The session whose user Django is finding, for that call only: nothing outlives the request.
session_being_checked = ContextVar("session_being_checked", default=None)


class AuthenticationMiddleware(middleware.AuthenticationMiddleware):
    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _get_user(request))


def _get_user(request):
    token = session_being_checked.set(request.session)
    try:
        return middleware.get_user(request)
    finally:
        session_being_checked.reset(token)
