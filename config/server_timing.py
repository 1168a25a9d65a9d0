"""`Server-Timing: app;dur=<ms>` on every response: the time Django spent on the request.

Browsers show it in their developer tools, and the benchmark (bench/load.py) reads it to tell
the server's own time from time spent queueing for a worker or on the wire.
"""

import time

HEADER = "Server-Timing"


class ServerTimingMiddleware:
    """Outermost, so the figure covers every other middleware and the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response[HEADER] = f"app;dur={elapsed_ms:.1f}"
        return response
