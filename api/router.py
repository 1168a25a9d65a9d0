"""The one router both api.reads and api.writes add their operations to: ninja routes a path
once per router, so a read and a write of the same path (GET and POST of a motion's arguments)
must share it.

Every read answers HEAD too, as GET without the body (RFC 9110: the same headers, its ETag
among them), which ninja does not: a client may check whether a read changed, or how big it is,
without fetching it."""

from ninja import Router
from ninja.decorators import decorate_view


def _without_body_for_head(run):
    def answer(request, *args, **kwargs):
        response = run(request, *args, **kwargs)
        if request.method == "HEAD" and not response.streaming:
            # After the ETag is worked out from the body (the reads' own decorators run first),
            # and with the length a GET would have.
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response

    return answer


class CruxRouter(Router):
    def get(self, path, **options):
        """A read, at GET and HEAD."""
        register = self.api_operation(["GET", "HEAD"], path, **options)

        def decorator(view):
            return decorate_view(_without_body_for_head)(register(view))

        return decorator


router = CruxRouter()
