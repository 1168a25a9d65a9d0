"""How Crux is served, in production, by `make run` and by the benchmarks alike: gunicorn's
process manager, each worker running config.asgi under uvicorn (uvicorn-worker).

    gunicorn -c python:config.serving [--bind HOST:PORT] [--workers N]

Each worker binds its own listening socket with SO_REUSEPORT (gunicorn's reuse_port opens them
after the fork), so the kernel hands every new connection to one worker's queue by a hash of
its addresses. With one socket shared by all workers, as uvicorn --workers has it, a worker that
woke first could accept every keep-alive connection while the other idled.

Environment: CRUX_BIND (127.0.0.1:8000), WEB_CONCURRENCY (worker processes, 2).
"""

import os
import signal
from pathlib import Path

from uvicorn_worker import UvicornWorker

bind = os.environ.get("CRUX_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
wsgi_app = "config.asgi:application"
worker_class = "config.serving.Worker"
reuse_port = True
# Live streams stay open: a stopping worker ends them (the app's lifespan shutdown) after
# uvicorn's own grace below, and gunicorn's grace is a little longer than that.
graceful_timeout = 5
keepalive = 5  # seconds an idle keep-alive connection is held (uvicorn's default)
# With --reload (make run) templates restart the worker too: Django caches them once loaded.
_ROOT = Path(__file__).resolve().parents[1]
reload_extra_files = [
    str(path)
    for pattern in ("templates", "*/templates")
    for path in _ROOT.glob(f"{pattern}/**/*.html")
]
control_socket_disable = True  # gunicornc's socket: unused, and one path for every instance


class Worker(UvicornWorker):
    """uvicorn in a gunicorn worker, with uvloop and httptools when installed."""

    CONFIG_KWARGS = {"loop": "auto", "http": "auto", "timeout_graceful_shutdown": 3}


def worker_int(worker):
    """gunicorn's --reload (make run) calls this when a file changed: uvicorn stops on SIGTERM,
    and gunicorn starts a fresh worker on the new code."""
    os.kill(worker.pid, signal.SIGTERM)
