"""Security headers and CSP, CSRF on every write, error pages and request ids."""

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.test import AsyncClient, Client
from django.urls import reverse

from tests.factories import MotionFactory
from tests.test_authorisation_matrix import MATRIX
from tests.test_serving import response_of, scope, serve
from tests.test_settings import PRODUCTION
from tests.world import build_world, fingerprint, post_data, site_urls, url_for

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.django_db


# --- Headers and the Content Security Policy ---------------------------------------------------


def directives(header):
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_pages_carry_the_security_headers(client):
    response = client.get(reverse("home"))

    csp = directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    everything = " ".join(value for values in csp.values() for value in values)
    assert "unsafe" not in everything  # no 'unsafe-inline', no 'unsafe-eval'
    assert "http" not in everything and "*" not in everything  # no third-party origins
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_error_pages_and_fragments_carry_the_policy_too(client):
    for response in (
        client.get("/no-such-page/"),
        client.get(reverse("home"), HTTP_HX_REQUEST="1"),
    ):
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_production_adds_hsts_and_upgrades_requests():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_CSP.get('upgrade-insecure-requests'), s.CACHES['default']['BACKEND'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**manage_env(), "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    hsts, subdomains, redirect, upgrade, cache = result.stdout.split()
    assert int(hsts) >= 31536000 and subdomains == redirect == upgrade == "True"
    assert cache == "django.core.cache.backends.db.DatabaseCache"  # shared by every process


def manage_env():
    inherited = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "CACHE_URL"}
    return {k: v for k, v in os.environ.items() if k not in inherited} | PRODUCTION


TEMPLATE_DIRS = [ROOT / "templates", ROOT / "debates" / "templates", ROOT / "accounts"]
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "inline style element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "hx-on (needs eval)": re.compile(r"\bhx-on", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "htmx js: value": re.compile(r"hx-(vals|confirm|headers)[^=]*=\s*['\"]js:", re.I),
}


def test_no_template_has_inline_script_style_or_handlers():
    found = []
    for folder in TEMPLATE_DIRS:
        for template in folder.rglob("*.html"):
            text = template.read_text()
            for what, pattern in INLINE.items():
                for match in pattern.finditer(text):
                    found.append(f"{template.relative_to(ROOT)}: {what}: {match.group(0)!r}")
    assert found == []


def test_htmx_injects_no_stylesheet_of_its_own(client):
    html = client.get(reverse("home")).content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'>', html)
    assert json.loads(config.group(1))["includeIndicatorCSS"] is False
    css = (ROOT / "static" / "css" / "crux.css").read_text()
    assert ".htmx-request .htmx-indicator" in css


# --- CSRF ----------------------------------------------------------------------------------------

ALLAUTH_WRITES = {
    "account_login": {"login": "someone@example.org", "password": "correct horse battery"},
    "account_signup": {
        "email": "new@example.org",
        "display_name": "Newcomer",
        "password1": "a long passphrase 1",
        "password2": "a long passphrase 1",
    },
    "account_logout": {},
    "account_change_password": {
        "oldpassword": "correct horse battery",
        "password1": "another long passphrase",
        "password2": "another long passphrase",
    },
    "account_email": {"email": "elsewhere@example.org", "action_add": ""},
    "account_reset_password": {"email": "someone@example.org"},
}


def writing_urls(world):
    """(name, url, data) for every URL that accepts a POST, the site's and allauth's forms."""
    for route, name in site_urls():
        # One-click unsubscribing (RFC 8058) is posted by mail readers without a session or a
        # token; its signed link is the authority (tests/test_notifications_pages.py).
        if name == "unsubscribe":
            continue
        if set(MATRIX[name]["POST"].values()) != {405}:
            yield name, url_for(name, world, route), post_data(name, "moderator")
    for name, data in ALLAUTH_WRITES.items():
        yield name, reverse(name), data


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_forged_posts_without_the_token_are_refused(htmx):
    world = build_world()
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(world.people["moderator"])
    forger.get(reverse("home"))  # the victim's browser holds a CSRF cookie
    assert settings.CSRF_COOKIE_NAME in forger.cookies
    headers = {"HX-Request": "true"} if htmx else {}
    before = fingerprint(world)
    names = []
    for name, url, data in writing_urls(world):
        response = forger.post(url, data, headers=headers)
        assert response.status_code == 403, (name, response.status_code)
        assert "This form has expired" in response.content.decode(), name
        if htmx:  # a message put before the target, not a page swapped into it
            assert response["HX-Reswap"] == "beforebegin", name
            assert "<html" not in response.content.decode(), name
        names.append(name)
    assert fingerprint(world) == before
    assert {"vote_motion", "reply", "queue_hide", "delete_account", "account_signup"} <= set(names)


def test_a_token_from_another_origin_is_refused_and_the_real_one_accepted():
    world = build_world()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.people["user"])
    browser.get(world.motion.get_absolute_url())
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    url = reverse("vote_motion", args=[world.motion.slug])
    htmx = {"HX-Request": "true", "X-CSRFToken": token}

    cross_site = browser.post(
        url, {"choice": "agree"}, headers=htmx | {"Origin": "https://evil.example"}
    )
    same_site = browser.post(url, {"choice": "agree"}, headers=htmx)

    assert cross_site.status_code == 403
    assert same_site.status_code == 200
    world.motion.refresh_from_db()
    assert world.motion.agree_count == 1


SITE_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
    "Cross-Origin-Opener-Policy",
)


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_body_over_the_limit_gets_413_with_the_headers_of_every_page(client, declared):
    from config.asgi import application

    page = client.get(reverse("home"))
    too_big = b"x" * (settings.REQUEST_BODY_MAX_BYTES + 1)
    headers = [("host", "testserver"), ("x-request-id", "lb-2f9c1a7e-0042")]
    if declared:
        headers.append(("content-length", str(len(too_big))))

    status, refused, body = response_of(
        serve(application, scope("/", method="POST", headers=headers), (too_big[:1000], too_big))
    )

    assert status == 413
    assert {name: refused[name.lower()] for name in SITE_HEADERS} == {
        name: page[name] for name in SITE_HEADERS
    }
    assert refused["x-request-id"] == "lb-2f9c1a7e-0042"
    assert re.fullmatch(r"app;dur=\d+\.\d", refused["server-timing"])
    assert b"Error 413" in body and b"crux.css" in body
    assert b"split a debate you import into smaller files" in body


# --- Error pages and request ids -----------------------------------------------------------------


@pytest.fixture
def failing_site(settings):
    settings.ROOT_URLCONF = "tests.urls_errors"
    return Client(raise_request_exception=False)


def stderr_handler():
    """The handler LOGGING sends everything to (the one production writes to stderr)."""
    for handler in logging.getLogger().handlers:
        if any(type(f).__name__ == "RequestIdFilter" for f in handler.filters):
            return handler
    raise AssertionError("LOGGING has no handler with the request id filter")


def test_a_server_error_is_logged_with_its_request_id_which_the_page_shows(failing_site):
    handler = stderr_handler()
    captured = io.StringIO()
    previous = handler.setStream(captured)
    try:
        response = failing_site.get("/test-errors/500/")
    finally:
        handler.setStream(previous)

    request_id = response["X-Request-ID"]
    assert response.status_code == 500
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    page = response.content.decode()
    assert request_id in page and "Something went wrong on our side" in page
    assert "crux.css" in page  # the site's style, without base.html's database-backed parts
    log = captured.getvalue()
    assert f"[{request_id}] django.request: Internal Server Error: /test-errors/500/" in log
    assert "RuntimeError: Boom" in log


def test_under_asgi_too_the_log_line_carries_the_request_id(failing_site):
    handler = stderr_handler()
    captured = io.StringIO()
    previous = handler.setStream(captured)
    try:
        response = async_to_sync(AsyncClient(raise_request_exception=False).get)(
            "/test-errors/500/"
        )
    finally:
        handler.setStream(previous)

    request_id = response["X-Request-ID"]
    assert response.status_code == 500 and request_id in response.content.decode()
    assert f"[{request_id}] django.request: Internal Server Error" in captured.getvalue()


def test_every_response_has_a_request_id_and_a_sane_incoming_one_is_kept(client):
    fresh = client.get(reverse("home"))
    kept = client.get(reverse("home"), headers={"X-Request-ID": "lb-2f9c1a7e-0042"})
    replaced = client.get(reverse("home"), headers={"X-Request-ID": "<script>\n"})

    assert re.fullmatch(r"[0-9a-f]{32}", fresh["X-Request-ID"])
    assert kept["X-Request-ID"] == "lb-2f9c1a7e-0042"
    assert re.fullmatch(r"[0-9a-f]{32}", replaced["X-Request-ID"])


def test_log_lines_outside_requests_have_a_placeholder_id():
    handler = stderr_handler()
    captured = io.StringIO()
    previous = handler.setStream(captured)
    try:
        logging.getLogger("crux.test").warning("Outside any request")
    finally:
        handler.setStream(previous)
    assert "[-] crux.test: Outside any request" in captured.getvalue()


def site_page(response):
    html = response.content.decode()
    assert '<a class="brand" href="/">Crux</a>' in html  # the site's own layout
    assert "secret internal detail" not in html
    return html


def test_error_pages_are_in_the_site_style(failing_site):
    bad = failing_site.get("/test-errors/400/")
    forbidden = failing_site.get("/test-errors/403/")
    missing = failing_site.get("/no-such-page/")

    assert bad.status_code == 400 and "did not make sense" in site_page(bad)
    assert forbidden.status_code == 403 and "Not allowed" in site_page(forbidden)
    assert missing.status_code == 404 and "Nothing here" in site_page(missing)


def test_a_form_address_opened_as_a_link_gets_the_405_page(client, db):
    """require_POST answers with nothing; opened as a link, that was a blank page."""
    motion = MotionFactory()
    opened = client.get(reverse("vote_motion", args=[motion.slug]))
    assert opened.status_code == 405 and opened["Allow"] == "POST"
    assert "Not a page to open" in site_page(opened)
    assert "use its button" in site_page(opened)
    put = client.put(reverse("home"))
    assert put.status_code == 405 and "does not take a PUT request" in site_page(put)
    # The API's 405s are problems, and stay so.
    api = client.put(f"/api/v1/motions/{motion.slug}")
    assert api.status_code == 405 and api["Content-Type"] == "application/problem+json"


def test_a_bad_host_gets_the_400_page():
    response = Client(HTTP_HOST="evil.example").get("/")
    assert response.status_code == 400
    assert "did not make sense" in site_page(response)


@pytest.mark.parametrize("method", ["get", "post"])
def test_more_parameters_than_django_takes_get_the_400_page(client, method):
    """Past DATA_UPLOAD_MAX_NUMBER_FIELDS Django refuses the request; the page must not then
    read the same parameters again and fail a second time."""
    too_many = "&".join(f"p{i}=x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    url = reverse("account_signup")
    if method == "get":
        response = client.get(f"{url}?{too_many}")
    else:
        response = client.post(url, too_many, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert "did not make sense" in site_page(response)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_the_429_page_is_the_sites_for_allauth_and_for_crux(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "1/m/ip"}
    url = reverse("account_login")
    for _ in range(3):
        response = client.post(url, {"login": "x@example.org", "password": "wrong"})
    # allauth answers repeated failed sign-ins in the form; sign-up past its limit gets 429.html
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1/m/ip"}
    signup = reverse("account_signup")
    client.post(signup, {"email": "a@example.org"})
    response = client.post(signup, {"email": "b@example.org"})
    assert response.status_code == 429
    assert "Too many attempts" in site_page(response)
