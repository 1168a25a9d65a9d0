"""config.wsgi_bridge: Django's WSGI handler served from the ASGI server on a pool of threads."""

import asyncio
import re
import threading

import pytest

from config.wsgi_bridge import ThreadedWSGI
from tests.event_loops import run


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

    async def scenario():
        await app(scope, receive, send)

    run(scenario())
    return sent


def recording_app(calls):
    """A WSGI app that answers 200 and notes the environ of each request it gets."""

    def wsgi_app(environ, start_response):
        calls.append(environ)
        start_response("200 OK", [])
        return [b""]

    return wsgi_app


class Body(list):
    """A WSGI response that records where it was closed."""

    streaming = False

    def close(self):
        self.closed_on = threading.current_thread().name


@pytest.fixture
def bridge():
    apps = []

    def make(wsgi_app, threads=2, max_body=1024):
        app = ThreadedWSGI(wsgi_app, threads, max_body)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.shutdown()


def test_a_plain_response_is_sent_whole_and_closed_on_the_thread_that_made_it(bridge):
    seen = {}

    def wsgi_app(environ, start_response):
        seen["thread"] = threading.current_thread().name
        seen["environ"] = environ
        start_response("201 Created", [("Content-Type", "text/plain"), ("X-Thing", "1")])
        seen["body"] = Body([b"hello ", b"world"])
        return seen["body"]

    sent = serve(
        bridge(wsgi_app),
        scope("/motions/x/", query=b"sort=new", headers=[("x-forwarded-for", "10.0.0.1")]),
    )

    assert sent == [
        {
            "type": "http.response.start",
            "status": 201,
            "headers": [(b"content-type", b"text/plain"), (b"x-thing", b"1")],
        },
        {"type": "http.response.body", "body": b"hello world"},
    ]
    assert seen["thread"].startswith("django")
    assert seen["body"].closed_on == seen["thread"]
    environ = seen["environ"]
    assert (environ["PATH_INFO"], environ["QUERY_STRING"]) == ("/motions/x/", "sort=new")
    assert environ["wsgi.url_scheme"] == "https"
    assert environ["HTTP_X_FORWARDED_FOR"] == "10.0.0.1"


def test_the_request_body_arrives_whole_however_it_was_split(bridge):
    received = {}

    def wsgi_app(environ, start_response):
        received["body"] = environ["wsgi.input"].read()
        start_response("200 OK", [])
        return [b""]

    serve(bridge(wsgi_app), scope(method="POST"), chunks=(b"claim=a", b"&stance=", b"pro"))

    assert received["body"] == b"claim=a&stance=pro"


def test_a_body_over_the_limit_is_refused_before_the_app_runs(bridge):
    calls = []
    wsgi_app = recording_app(calls)

    app = bridge(wsgi_app, max_body=10)

    refused = serve(app, scope(method="POST"), chunks=(b"12345", b"67890", b"x"))
    assert refused[0]["status"] == 413 and calls == []

    fits = serve(app, scope(method="POST"), chunks=(b"12345", b"67890"))
    assert fits[0]["status"] == 200 and len(calls) == 1


def test_a_streaming_response_is_sent_chunk_by_chunk(bridge):
    class Stream:
        streaming = True

        def __iter__(self):
            yield b"one"
            yield b""
            yield b"two"

        def close(self):
            pass

    def wsgi_app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/event-stream")])
        return Stream()

    sent = serve(bridge(wsgi_app), scope())

    assert [m["type"] for m in sent] == ["http.response.start"] + ["http.response.body"] * 3
    assert [(m.get("body"), m.get("more_body", False)) for m in sent[1:]] == [
        (b"one", True),
        (b"two", True),
        (None, False),
    ]


def test_a_client_gone_before_its_body_arrived_runs_nothing(bridge):
    calls = []
    wsgi_app = recording_app(calls)

    sent = []

    async def receive():
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    run(bridge(wsgi_app)(scope(method="POST"), receive, send))

    assert calls == [] and sent == []


def test_requests_run_side_by_side(bridge):
    """One request waiting (as on the database) does not hold up the next."""
    both_in = threading.Barrier(2, timeout=5)

    def wsgi_app(environ, start_response):
        both_in.wait()
        start_response("200 OK", [])
        return [b"ok"]

    app = bridge(wsgi_app, threads=2)

    async def scenario():
        async def one():
            sent = []

            async def receive():
                return {"type": "http.request", "body": b""}

            async def send(message):
                sent.append(message)

            await app(scope(), receive, send)
            return sent[-1]["body"]

        return await asyncio.gather(one(), one())

    assert run(scenario()) == [b"ok", b"ok"]


@pytest.mark.django_db(transaction=True)
def test_the_site_is_served_through_it():
    from config.asgi import application

    sent = serve(
        application,
        scope("/", headers=[("host", "testserver"), ("accept", "text/html")]),
    )

    start, body = sent[0], b"".join(m.get("body", b"") for m in sent[1:])
    headers = dict(start["headers"])
    assert start["status"] == 200
    assert b"x-request-id" in headers
    assert re.fullmatch(rb"app;dur=\d+\.\d", headers[b"server-timing"])
    assert b"Crux" in body
