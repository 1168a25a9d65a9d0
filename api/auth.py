"""Who is calling the API: a personal token (`Authorization: Bearer …`) or the site's session.

The session needs Django's CSRF token on writes, as the pages do; a bearer token does not (a
browser never sends one by itself). Reads are anonymous, but a caller who names themselves reads
as that member (their own hidden claims, their votes), as on the pages.
"""

from django.conf import settings
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer, SessionAuth

from api import tokens
from api.models import ApiToken

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _as_member(request, token):
    if token is None:
        return None
    if request.method not in SAFE_METHODS and token.scope != ApiToken.Scope.WRITE:
        raise HttpError(403, "This token may only read: make a read-write token to write.")
    request.user = token.user
    request.api_token = token
    return token.user


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        return _as_member(request, tokens.user_for_key(token))


class Session(SessionAuth):
    """Django's session, CSRF-checked; no session cookie at all means "not this way" (a 401 in
    the end), not a CSRF failure."""

    def _get_key(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super()._get_key(request)


WRITERS = [BearerToken(), Session()]


def reader(request):
    """The viewer of a read: a token's member, else the session's user (maybe anonymous).
    A token that is not valid is refused rather than read as anonymous."""
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    known = scheme.lower() == "bearer" and tokens.user_for_key(key.strip())
    if scheme.lower() == "bearer" and _as_member(request, known or None) is None:
        raise AuthenticationError()
    return request.user
