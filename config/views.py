"""Site-wide error views. 403 is Django's own, rendering templates/403.html; so is 404, but for
the API's addresses (ApiNotFoundMiddleware: with DEBUG on too)."""

from django.http import HttpResponse, HttpResponseServerError, QueryDict
from django.shortcuts import render
from django.template import loader
from django.urls import Resolver404, resolve
from django.views import defaults

from api import problems
from config.request_id import current_request_id

API_PREFIX = "/api/v1/"


def not_found(request, exception):
    """handler404: templates/404.html, but an address under the API that names no operation
    answers as the API does, a problem (Django's APPEND_SLASH has redirected before this)."""
    if request.path.startswith(API_PREFIX):
        return problems.problem("not-found", 404, _no_operation(request.path))
    return defaults.page_not_found(request, exception)


class ApiNotFoundMiddleware:
    """A 404 under the API is a problem with DEBUG on too: Django answers one with its page of
    HTML then, without asking not_found. Last in MIDDLEWARE, so that the problem goes out through
    the others as not_found's does (CommonMiddleware's APPEND_SLASH redirect among them)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith(API_PREFIX)
            and response.get("Content-Type") != problems.MEDIA_TYPE
        ):
            return not_found(request, None)
        return response


def _no_operation(path):
    """What an API client is told of an address that names no operation: the operations' own
    addresses end without a slash (a redirect could not carry a POST's body), so one sent with
    it is pointed at the address meant."""
    if path.endswith("/") and path != API_PREFIX:
        try:
            resolve(path.rstrip("/"))
        except Resolver404:
            pass
        else:
            return f"No such operation: the address ends without a slash, {path.rstrip('/')}."
    return "No such operation: the documentation lists them all at /api/v1/docs/."


def server_error(request, template_name="500.html"):
    """handler500: a static page with the request id, so a report can be matched to the log.

    Rendered without context processors (no database, no session: whatever broke may be one of
    them) from a template that extends nothing.
    """
    request_id = getattr(request, "request_id", None) or current_request_id() or ""
    try:
        body = loader.get_template(template_name).render({"request_id": request_id})
    except Exception:  # the page itself must never be the next error
        body = f"<h1>Server error (500)</h1><p>Request id: {request_id}</p>"
    response = HttpResponseServerError(body)
    if request_id:
        response["X-Request-ID"] = request_id
    return response


def bad_request(request, exception):
    """handler400: Django's own 400 page, drawn without the request's query string.

    The query string may be what was bad (more parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS):
    the layout's sign-in link reads request.GET, which would raise again and make the 400 a 500.
    """
    request.GET = QueryDict()
    return defaults.bad_request(request, exception)


def too_many_requests(request, exception=None, *, message=None, retry_after=None):
    """handler429 (allauth calls it too): the site-styled 429 page."""
    context = {"message": message or getattr(exception, "message", None)}
    response: HttpResponse = render(request, "429.html", context, status=429)
    retry_after = retry_after or getattr(exception, "retry_after", None)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the site's 403 page, or for HTMX a message put before the target.

    A whole page swapped into a vote button or a reply slot would be useless; placed before it,
    the message leaves the form and whatever was typed in it where they were.
    """
    if request.headers.get("HX-Request") == "true":
        response = render(request, "403_csrf.html#message", status=403)
        response["HX-Reswap"] = "beforebegin"
        return response
    return render(request, "403_csrf.html", status=403)
