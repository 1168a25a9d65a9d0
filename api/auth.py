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


def _bearer_key(request) -> str | None:
    """The key of an `Authorization: Bearer …` header, without the spaces around it; None when
    the request names no bearer token."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    return key.strip() if scheme.lower() == "bearer" else None


def _as_member(request, key: str):
    """The member whose live token `key` is, who the request is then made as. A key that is not
    one (mistyped, revoked, its account closed) is a 401: never passed over for the session, or
    read as anonymous, so a script learns its token no longer works."""
    token = tokens.user_for_key(key)
    if token is None:
        raise AuthenticationError()
    if request.method not in SAFE_METHODS and token.scope != ApiToken.Scope.WRITE:
        raise HttpError(403, "This token may only read: make a read-write token to write.")
    request.user = token.user
    request.api_token = token
    return token.user


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        # ninja's `token` keeps any further space after "Bearer ", which reads drop too.
        return _as_member(request, token.strip())


NO_CSRF_TOKEN = (
    "A write with the session needs its CSRF token: send the csrftoken cookie's value in the "
    "X-CSRFToken header, or write with a personal API token ('Authorization: Bearer <token>')."
)
CSRF_REFUSED = (
    "The session's CSRF check failed: the X-CSRFToken header must hold the csrftoken cookie's "
    "current value, and a request that names its Origin (or, over HTTPS, its Referer) must come "
    "from this site. Or write with a personal API token ('Authorization: Bearer <token>')."
)


class Session(SessionAuth):
    """Django's session, CSRF-checked; no session cookie at all means "not this way" (a 401 in
    the end), not a CSRF failure."""

    def _get_key(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        try:
            return super()._get_key(request)
        except HttpError as refusal:
            # Ninja's words ("CSRF check Failed") say neither what is missing nor how to send it.
            sent = bool(request.headers.get("X-CSRFToken"))
            raise HttpError(refusal.status_code, CSRF_REFUSED if sent else NO_CSRF_TOKEN) from None


# The token first: with a bearer header, the session is not asked.
WRITERS = [BearerToken(), Session()]


def reader(request):
    """The viewer of a read: a token's member, else the session's user (maybe anonymous)."""
    key = _bearer_key(request)
    if key is not None:
        _as_member(request, key)
    return request.user
