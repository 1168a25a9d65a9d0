"""How the API reads a request's body: JSON sent as application/json, read strictly. A body it
cannot read for certain is refused (BadBody, a 4xx problem: api.problems), never guessed at: a
key given twice (Python's json would keep the last), a number too long for Python to read
(whose error names sys.set_int_max_str_digits), NaN or Infinity (not JSON), another media type."""

import json

from ninja.parser import Parser

MEDIA_TYPE = "application/json"


class BadBody(Exception):
    """The body as sent is not one the API reads: `kind` and `status` of its problem, and the
    field it is about, where there is one."""

    def __init__(self, message, *, kind="bad-body", status=400, field=None):
        super().__init__(message)
        self.message, self.kind, self.status, self.field = message, kind, status, field


def _object(pairs):
    found = {}
    for key, value in pairs:
        if key in found:
            raise BadBody(
                f"The body gives “{key}” more than once: send each field once.", field=key
            )
        found[key] = value
    return found


def _integer(digits: str) -> int:
    try:
        return int(digits)
    except ValueError:  # over the digits Python reads (sys.get_int_max_str_digits)
        raise BadBody(
            f"The body has a number of {len(digits.lstrip('-')):,} digits: "
            "no field takes a number that long."
        ) from None


def _not_json(constant: str):
    raise BadBody(f"The body is not valid JSON: {constant} is not a JSON value.")


class StrictJSON(Parser):
    """ninja's parser of bodies: its refusals reach api.problems as the cause of the HttpError
    ninja raises in their place."""

    def parse_body(self, request):
        if request.content_type != MEDIA_TYPE:
            sent = request.content_type or "no Content-Type"
            raise BadBody(
                f"Send the body as {MEDIA_TYPE} (with that Content-Type), not {sent}.",
                kind="unsupported-media-type",
                status=415,
            )
        try:
            return json.loads(
                request.body,
                object_pairs_hook=_object,
                parse_int=_integer,
                parse_constant=_not_json,
            )
        except json.JSONDecodeError as error:
            raise BadBody(
                f"The body is not valid JSON: {error.msg} (line {error.lineno}, "
                f"column {error.colno})."
            ) from None
        except UnicodeDecodeError:
            raise BadBody("The body is not valid JSON: it is not UTF-8 text.") from None
