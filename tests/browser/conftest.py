"""Browser tests: Playwright driving Debian's Chromium against one live server per session."""

import os
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from django.conf import settings
from django.test import Client
from django.test.utils import modify_settings
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CRUX_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Playwright's sync API keeps an event loop on this thread; the ORM calls the tests make
# for setup are still plain synchronous calls, so Django's async guard must stand aside.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


class AsgiLiveServer:
    """The app as production serves it (uvicorn, ASGI, live streams) on a free local port.

    Stands in for pytest-django's WSGI live server, which cannot hold a stream open; the name
    `live_server` keeps pytest-django giving every test that uses it a transactional database.
    """

    def __init__(self):
        from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

        from config.asgi import application

        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        host, port = listener.getsockname()
        self.url = f"http://{host}:{port}"
        self._live_server_modified_settings = modify_settings(ALLOWED_HOSTS={"append": host})
        config = uvicorn.Config(
            ASGIStaticFilesHandler(application),
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=2,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [listener]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("The live server did not start.")
            time.sleep(0.05)

    def wait_until_idle(self, timeout=5.0):
        """Until no request is in flight: the test's database is flushed next, and a request
        still writing then (a closed page's last search, say) deadlocks with the flush."""
        deadline = time.monotonic() + timeout
        while self.server.server_state.tasks and time.monotonic() < deadline:
            time.sleep(0.02)

    def stop(self):
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        server = AsgiLiveServer()
        yield server
        server.stop()
        from debates.live import reset_broker

        reset_broker()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM} (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, request):
    """Open pages in fresh, isolated browser contexts (one per simulated person), with
    JavaScript unless `javascript=False`."""
    contexts = []
    # A script error fails the test that met it, whatever the test asserted: a page whose
    # script broke can still pass a check that its markup came from the server.
    script_errors = []

    def open_page(*, javascript: bool = True):
        context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
        context.set_default_timeout(10_000)
        context.on("page", lambda page: page.on("pageerror", lambda e: script_errors.append(e)))
        contexts.append(context)
        return context.new_page()

    yield open_page
    failed = getattr(request.node, "report_call", None) and request.node.report_call.failed
    for index, context in enumerate(contexts):
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            for number, page in enumerate(context.pages):
                page.screenshot(
                    path=ARTIFACTS / f"{request.node.name}-{index}-{number}.png", full_page=True
                )
        context.close()
    live_server.wait_until_idle()
    assert failed or [str(error) for error in script_errors] == []


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def signed_in(new_page, live_server):
    """A fresh context signed in as `user` (the sign-in pages have browser tests of their own),
    with JavaScript unless `javascript=False`."""

    def open_as(user, *, javascript: bool = True):
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        page = new_page(javascript=javascript)
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        return page

    return open_as


@pytest.fixture
def seeded_live(transactional_db):
    """The Karabakh debate, committed so the live server's threads can see it."""
    from debates.seeding import load_seed_file

    return load_seed_file()


AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe():
    """`axe(page, scope="html")` -> axe-core's violations on the page, short enough to read.

    Evaluated over the DevTools protocol, which the site's CSP does not govern, so any page of
    any context can be checked as it is (an injected <script> would rightly be refused).
    """
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `npm ci` (make test does).")
    source = AXE_SCRIPT.read_text()

    def run(page, scope="html"):
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.evaluate(f"{source}\n;undefined")
        violations = page.evaluate("async (scope) => (await axe.run(scope)).violations", scope)
        return [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in violations
        ]

    return run
