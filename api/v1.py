"""Crux's JSON API, version 1 (django-ninja): reads in api.reads, writes in api.writes, errors as
problem details (api.problems), OpenAPI 3 at /api/v1/openapi.json.

Ninja's own docs page loads Swagger UI from a CDN, which the site's Content Security Policy
(self only) forbids: api.views serves a plain page of its own from the same OpenAPI document.
CORS stays closed: no Access-Control-* header is ever sent, so only the site's own pages and
clients outside a browser (with a token) use the API.
"""

from functools import wraps
from http import HTTPStatus

from django.http import HttpResponseNotAllowed
from django.urls import URLPattern
from ninja import NinjaAPI

from api import bodies, motions, problems, reads, sources, writes
from api.router import router

DESCRIPTION = (
    "Read motions, argument trees, members and sources anonymously; propose and import motions, "
    "post, edit, retract, vote and flag as a member, with the session (and its CSRF token) or a "
    "personal token "
    "(`Authorization: Bearer crux_…`, made on your settings page). Errors are RFC 9457 problem "
    "details. Reads carry an ETag: send it back as If-None-Match for a 304; each answers HEAD "
    "too. A PATCH takes it as If-Match: an argument changed since it is a 412, and nothing "
    "changes. A body is sent as `application/json`, each field once; a PATCH changes only the "
    "fields it is sent."
)


# What any operation that takes a body may answer besides its own: a body api.bodies refuses.
BODY_REFUSALS = (400, 415)


def _not_allowed_as_problem(view):
    """`view` (ninja's for one path), its refusal of a method a problem as every other one is,
    with the Allow header ninja's page of HTML has."""

    @wraps(view)
    def answer(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            return problems.not_allowed(response["Allow"].split(", "))
        return response

    return answer


class CruxAPI(NinjaAPI):
    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = _not_allowed_as_problem(pattern.callback)
        return patterns, app_name, namespace

    def get_openapi_schema(self, *args, **kwargs):
        """The document, with refusals declared as what they are: application/problem+json;
        a body's (400, 415: api.bodies) on every operation that takes one. HEAD, which every
        read answers (api.router), is left out: it is GET without the body, and OpenAPI would
        have the same operation twice."""
        schema = super().get_openapi_schema(*args, **kwargs)
        problem_ref = "#/components/schemas/Problem"
        for operations in schema["paths"].values():
            operations.pop("head", None)
            for operation in operations.values():
                for response in operation.get("responses", {}).values():
                    content = response.get("content", {})
                    body = content.get("application/json")
                    if body and body.get("schema", {}).get("$ref") == problem_ref:
                        response["content"] = {problems.MEDIA_TYPE: body}
                for status in BODY_REFUSALS if "requestBody" in operation else ():
                    operation["responses"].setdefault(
                        status,
                        {
                            "description": HTTPStatus(status).phrase,
                            "content": {problems.MEDIA_TYPE: {"schema": {"$ref": problem_ref}}},
                        },
                    )
        return schema


api = CruxAPI(
    title="Crux API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs_url=None,
    parser=bodies.StrictJSON(),
    renderer=reads.RENDERER,
)
for error_class, handler in problems.HANDLERS.items():
    api.add_exception_handler(error_class, handler)
# Each adds its operations to the one router (api.motions before api.reads: see there).
assert motions and reads and writes and sources
api.add_router("", router)
