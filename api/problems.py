"""Errors as RFC 9457 problem details: every refusal of the API answers `application/problem+json`
with `type`, `title`, `status`, `detail` and, for bad fields, `errors` ({field, message} each).

The messages are the ones the pages show: the API raises the same DebateRuleError and
RateLimited from the same services."""

import logging
from http import HTTPStatus

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.http import Http404, JsonResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from api.bodies import BadBody
from api.cursors import BadCursor
from config import ratelimit
from debates.errors import DebateRuleError
from debates.services import SubmissionReused

logger = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
# Where each kind of problem is described (the API's docs page has an anchor for each).
TYPE_BASE = "/api/v1/docs/#problem-"
KINDS = {
    "rule": "The debate's rules refuse this.",
    "invalid": "The request's fields are not valid, or its body has a field the operation does "
    "not take (each named in its errors).",
    "unauthenticated": "Sign in or send a personal API token.",
    "forbidden": "Not allowed for this account or token.",
    "not-found": "No such resource.",
    "rate-limited": "Too many attempts: wait, then try again.",
    "server-error": "Something went wrong on our side.",
    "http": "The request cannot be answered as sent.",
    "too-large": "The request's body, or a text in it, is over what the server takes.",
    "bad-body": "The request's body is not JSON the API can read for certain: not well-formed, "
    "a key given twice, or a number too long to read.",
    "unsupported-media-type": "The request's body is not sent as application/json.",
    "bad-cursor": "The cursor was not given by the API, or not for this listing.",
    "method-not-allowed": "The address does not answer this method: its Allow header lists "
    "those it does.",
    "precondition-failed": "The resource has changed since the version the request's If-Match "
    "(or If-Unmodified-Since) names: read it again for its current state and ETag.",
}


class FieldError(Schema):
    field: str
    message: str


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] = []


def problem(kind, status, detail, errors=(), headers=None, extra=None) -> JsonResponse:
    """The problem's answer; `extra` holds extension members (RFC 9457) beside the usual ones."""
    body = {
        "type": TYPE_BASE + kind,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "errors": [{"field": field, "message": message} for field, message in errors],
        **(extra or {}),
    }
    response = JsonResponse(body, status=status, content_type=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _rule(request, error: DebateRuleError):
    kind = {403: "forbidden", 404: "not-found"}.get(error.status, "rule")
    # Each field's refusal, the write's others too (a page shows them all at once).
    errors = [(each.field, each.message) for each in (error, *error.also) if each.field]
    return problem(kind, error.status, error.message, errors)


SUBMISSION_REUSED = (
    "This submission_key was already used for different content: send a new submission key "
    "with a new post (the same key again only to retry one, with the same fields)."
)


def _submission_reused(request, error: SubmissionReused):
    # The service's message speaks of the page's form, which an API caller does not have.
    return problem("rule", error.status, SUBMISSION_REUSED, [(error.field, SUBMISSION_REUSED)])


class PreconditionFailed(Exception):
    """A request's If-Match or If-Unmodified-Since that the resource no longer meets (412)."""


def _precondition_failed(request, error: PreconditionFailed):
    return problem("precondition-failed", 412, str(error))


def _rate_limited(request, error: ratelimit.RateLimited):
    return problem("rate-limited", 429, error.message, headers={"Retry-After": error.retry_after})


UNKNOWN_FIELD = "This operation takes no such field; its documentation lists those it takes."
NO_BODY = "Send a body: a JSON object of the fields its documentation lists."


def _invalid(request, error: ValidationError):
    errors = []
    for item in error.errors:
        # ninja names where a field came from first ("body", "query", "path"), and in a body
        # the view's parameter next: keep the field as the caller sent it (and the rules name it).
        where = item.get("loc", ())
        location = [str(part) for part in where[2 if where[:1] == ("body",) else 1 :]]
        message = item.get("msg", "Not valid.")
        if item.get("type") == "extra_forbidden":
            message = UNKNOWN_FIELD
        elif item.get("type") == "missing" and where[:1] == ("body",) and not location:
            message = NO_BODY  # the body itself, as the view's parameter
        errors.append((".".join(location or ["request"]), message))
    return problem("invalid", 422, "Some fields are not valid; see errors.", errors)


def _bad_cursor(request, error: BadCursor):
    return problem("bad-cursor", 400, str(error), [(error.field, str(error))])


def not_allowed(allowed) -> JsonResponse:
    """The answer to a method an address does not take (ninja's own is a page of HTML)."""
    methods = ", ".join(sorted(allowed))
    detail = f"This address answers {methods} only."
    return problem("method-not-allowed", 405, detail, headers={"Allow": methods})


def _unauthenticated(request, error):
    scheme = request.headers.get("Authorization", "").partition(" ")[0]
    detail = (
        "This API token is not valid: it was revoked, its account closed, or it is mistyped."
        if scheme.lower() == "bearer"
        else "Sign in, or send a personal API token as 'Authorization: Bearer <token>'."
    )
    return problem(
        "unauthenticated", 401, detail, headers={"WWW-Authenticate": 'Bearer realm="crux"'}
    )


def _http(request, error: HttpError):
    # ninja raises a body its parser (api.bodies) refused as an HttpError of its own words.
    if isinstance(error.__cause__, BadBody):
        return _bad_body(error.__cause__)
    kind = {403: "forbidden", 404: "not-found"}.get(error.status_code, "http")
    return problem(kind, error.status_code, str(error))


def _bad_body(error: BadBody):
    errors = [(error.field, error.message)] if error.field else []
    return problem(error.kind, error.status, error.message, errors)


def _not_found(request, error):
    return problem("not-found", 404, str(error) or "No such resource.")


def _forbidden(request, error):
    return problem("forbidden", 403, str(error) or "You may not do that.")


def _too_large(request, error):
    # Served as in production, config/body_limit.py refuses such a body before Django reads it;
    # through WSGI, Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE) raises this as it reads.
    return problem("too-large", 413, "The request's body is over what the server takes.")


def _server_error(request, error):
    logger.exception("API error on %s %s", request.method, request.path, exc_info=error)
    return problem("server-error", 500, "Something went wrong on our side; it has been logged.")


HANDLERS = {
    SubmissionReused: _submission_reused,
    DebateRuleError: _rule,
    PreconditionFailed: _precondition_failed,
    ratelimit.RateLimited: _rate_limited,
    ValidationError: _invalid,
    BadCursor: _bad_cursor,
    AuthenticationError: _unauthenticated,
    HttpError: _http,
    Http404: _not_found,
    ObjectDoesNotExist: _not_found,
    PermissionDenied: _forbidden,
    RequestDataTooBig: _too_large,
    Exception: _server_error,
}
