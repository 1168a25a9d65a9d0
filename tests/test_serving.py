"""How Crux is served (config.asgi): Django on a pool of threads beside the live streams, and
request bodies bounded before Django runs (the 413's headers: tests/test_security.py); by
gunicorn with uvicorn workers (config/serving.py), each on a socket of its own, in production,
`make run` and the benchmarks alike."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from uvicorn_worker import UvicornWorker

from bench.common import TCP_ESTABLISHED, TCP_LISTEN, Server, free_port, sockets_by_pid
from config import serving
from config.body_limit import BodyLimit
from tests.event_loops import run

ROOT = Path(__file__).resolve().parents[1]


def scope(path="/", method="GET", query=b"", headers=(), scheme="https"):
    return {
        "type": "http",
        "http_version": "1.1",
        "method": method,
        "scheme": scheme,
        "path": path,
        "root_path": "",
        "query_string": query,
        "headers": [(k.encode(), v.encode()) for k, v in headers],
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
    }


def serve(app, scope, chunks=(b"",)):
    """Run one request through `app`; return the messages it sent."""
    incoming = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    sent = []

    async def receive():
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    run(app(scope, receive, send))
    return sent


def response_of(sent):
    """(status, headers as a str dict, body) of the messages an app sent."""
    start = sent[0]
    headers = {name.decode(): value.decode() for name, value in start["headers"]}
    return start["status"], headers, b"".join(m.get("body", b"") for m in sent[1:])


class Recorder:
    """An ASGI app that answers 200 and notes the body it was given."""

    def __init__(self):
        self.bodies = []

    async def __call__(self, scope, receive, send):
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.bodies.append(body)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def test_the_body_arrives_whole_however_it_was_split():
    app = Recorder()

    serve(BodyLimit(app, max_bytes=100), scope(method="POST"), (b"claim=a", b"&stance=", b"pro"))

    assert app.bodies == [b"claim=a&stance=pro"]


@pytest.mark.django_db
def test_a_body_over_the_limit_is_refused_before_the_app_runs():
    app = Recorder()
    limited = BodyLimit(app, max_bytes=10)

    refused = serve(limited, scope(method="POST"), chunks=(b"12345", b"67890", b"x"))
    fits = serve(limited, scope(method="POST"), chunks=(b"12345", b"67890"))

    assert response_of(refused)[0] == 413
    assert response_of(fits)[0] == 200 and app.bodies == [b"1234567890"]


@pytest.mark.django_db
def test_a_declared_length_over_the_limit_is_refused_without_reading_the_body():
    app = Recorder()
    sent, reads = [], []

    async def receive():
        reads.append(1)
        return {"type": "http.request", "body": b"x" * 11}

    async def send(message):
        sent.append(message)

    request = scope(method="POST", headers=[("content-length", "11")])
    run(BodyLimit(app, max_bytes=10)(request, receive, send))

    assert response_of(sent)[0] == 413 and reads == [] and app.bodies == []


def test_a_client_gone_before_its_body_arrived_runs_nothing():
    app = Recorder()
    sent = []

    async def receive():
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    run(BodyLimit(app, max_bytes=10)(scope(method="POST"), receive, send))

    assert app.bodies == [] and sent == []


@pytest.mark.django_db(transaction=True)
def test_the_site_is_served_through_it():
    from config.asgi import application

    status, headers, body = response_of(
        serve(application, scope("/", headers=[("host", "testserver"), ("accept", "text/html")]))
    )

    assert status == 200
    assert re.fullmatch(r"[0-9a-f]{32}", headers["x-request-id"])
    assert re.fullmatch(r"app;dur=\d+\.\d", headers["server-timing"])
    assert b"Crux" in body


@pytest.mark.django_db(transaction=True)
def test_a_form_reaches_django_through_it():
    """A sign-up with passwords that differ comes back with what was typed still in the form."""
    from config.asgi import application

    host = [("host", "testserver")]
    _, headers, page = response_of(serve(application, scope("/accounts/signup/", headers=host)))
    cookie = headers["set-cookie"].split(";")[0]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1].decode()
    form = (
        f"csrfmiddlewaretoken={token}&email=typed%40example.org&display_name=Typed+Name"
        "&password1=one-Long-passphrase-1&password2=another-Long-passphrase-2"
    ).encode()

    status, _, body = response_of(
        serve(
            application,
            scope(
                "/accounts/signup/",
                method="POST",
                headers=[
                    *host,
                    ("cookie", cookie),
                    ("referer", "https://testserver/accounts/signup/"),
                    ("content-type", "application/x-www-form-urlencoded"),
                    ("content-length", str(len(form))),
                ],
            ),
            chunks=(form[:40], form[40:]),
        )
    )

    assert status == 422
    assert b'value="typed@example.org"' in body and b'value="Typed Name"' in body


# --- The server: gunicorn, a socket per worker ---------------------------------------------------


def test_production_make_run_and_the_benchmarks_serve_through_one_configuration():
    assert serving.wsgi_app == "config.asgi:application"
    assert serving.reuse_port is True
    assert serving.worker_class == "config.serving.Worker"
    assert issubclass(serving.Worker, UvicornWorker)
    run_target = re.search(r"^run:.*?(?=^\S)", (ROOT / "Makefile").read_text(), re.M | re.S)[0]
    assert "gunicorn -c python:config.serving" in run_target
    assert "uvicorn " not in run_target
    command = " ".join(Server("postgres://127.0.0.1/x", workers=2, port=1).command)
    assert "gunicorn -c python:config.serving" in command and "--workers 2" in command


def gunicorn(port, workers):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env |= {"DEBUG": "true", "DATABASE_URL": "sqlite:///:memory:", "LOG_LEVEL": "WARNING"}
    bin_dir = Path(sys.executable).parent
    return subprocess.Popen(
        [
            *(str(bin_dir / "gunicorn"), "-c", "python:config.serving"),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def children(pid):
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_REUSEPORT balancing: Linux.")
def test_keep_alive_connections_spread_over_the_worker_processes():
    """As in issue 18's runs: long-lived clients must not all stay with the worker that woke
    first. Each worker listens on its own socket, and the kernel spreads connections over them
    (by a hash of their addresses: 32 connections all on one of two workers is a 2^-31 chance)."""
    port = free_port()
    server = gunicorn(port, workers=2)
    clients = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            workers = children(server.pid)
            listening = sockets_by_pid(workers, port, TCP_LISTEN)
            if len(workers) == 2 and all(n == 1 for n in listening.values()):
                break
            assert server.poll() is None, "gunicorn exited"
            time.sleep(0.2)
        else:
            pytest.fail("the workers did not listen within 60 s")

        for _ in range(32):
            client = socket.create_connection(("127.0.0.1", port), timeout=10)
            client.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert client.recv(64).startswith(b"HTTP/1.1 200")
            clients.append(client)

        held = sockets_by_pid(workers, port, TCP_ESTABLISHED)
        assert sum(held.values()) == 32
        assert all(held[pid] > 0 for pid in workers), held
    finally:
        for client in clients:
            client.close()
        server.terminate()
        server.wait(15)
