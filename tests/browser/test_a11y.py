"""axe-core finds nothing on the pages a reader and a writer meet, in light and dark, and none of
them scrolls sideways on a phone or a wide screen, even around a 300-character word."""

import json
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.services import grant_moderator
from debates.models import Flag, Stance
from debates.rendering import render_details
from tests.factories import ArgumentFactory, MotionFactory, verified_user

LONG_WORD = "x" * 300
LONG_URL = "https://example.org/" + "a" * 280


@pytest.fixture
def debate(transactional_db):
    author = verified_user(display_name="Ada Author")
    motion = MotionFactory(claim=f"Cities should ban cars. {LONG_WORD}", author=author)
    top = ArgumentFactory(motion=motion, author=author, claim=f"Air improves {LONG_URL}")
    # A code block's line does not wrap by itself: it must not widen the page either.
    details = f"```\n{LONG_WORD} {LONG_URL}\n```"
    reply = ArgumentFactory(
        motion=motion,
        author=author,
        parent=top,
        stance=Stance.CON,
        details=details,
        details_html=render_details(details),
    )
    ArgumentFactory(motion=motion, author=author, parent=reply, claim=LONG_WORD)
    locked = MotionFactory(state="locked", lock_reason="Closed for review.", author=author)
    ArgumentFactory(motion=locked, author=author)
    ArgumentFactory(motion=locked, author=author, stance=Stance.CON)
    Flag.objects.create(argument=top, flagger=verified_user(), reason=Flag.Reason.SPAM)
    moderator = verified_user(display_name="Moderator Mo")
    grant_moderator(user=moderator)
    # The search form's menu of motions holds this title whole.
    MotionFactory(title="A motion whose title runs to the limit " + "of what a title may hold " * 3)
    return {
        "motion": motion,
        "top": top,
        "reply": reply,
        "locked": locked,
        "mod": moderator,
        "author": author,
    }


def pages_to_check(debate):
    """(name, who, path, then): `then` readies the page once loaded (e.g. opens a reply form)."""
    motion, top = debate["motion"], debate["top"]

    def open_reply(page):
        page.locator(f"#argument-{top.pk} .reply-link").first.click()
        expect(page.locator(f"#reply-slot-{top.pk} form")).to_be_visible()

    return [
        ("home", None, "/", None),
        ("motion", None, motion.get_absolute_url(), None),
        ("locked motion", None, debate["locked"].get_absolute_url(), None),
        ("motion, reply form open", "member", motion.get_absolute_url(), open_reply),
        ("motion as moderator", "mod", motion.get_absolute_url(), None),
        ("permalink", None, debate["reply"].get_absolute_url(), None),
        ("sign-up", None, "/accounts/signup/", None),
        ("sign-in", None, "/accounts/login/", None),
        ("moderation queue", "mod", "/moderation/", None),
        (
            "hiding a member's arguments",
            "mod",
            reverse("hide_member_arguments", args=[debate["author"].pk]),
            None,
        ),
        ("motion as its author", "author", motion.get_absolute_url(), None),
        ("search", None, "/search/?q=cars", None),
    ]


def visit(new_page, signed_in, debate, who):
    if who == "mod":
        return signed_in(debate["mod"])
    if who == "member":
        return signed_in(verified_user())
    if who == "author":
        return signed_in(debate["author"])
    return new_page()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations(new_page, signed_in, debate, axe, scheme):
    found = {}
    pages = {}
    for name, who, path, then in pages_to_check(debate):
        page = pages.get(who) or pages.setdefault(who, visit(new_page, signed_in, debate, who))
        page.emulate_media(color_scheme=scheme)
        page.goto(path)
        if then:
            then(page)
        violations = axe(page)
        if violations:
            found[name] = violations
    assert found == {}, json.dumps(found, indent=1)


@pytest.mark.parametrize("width", [390, 1280])
def test_no_page_scrolls_sideways(new_page, signed_in, debate, width):
    scrolling = {}
    pages = {}
    for name, who, path, then in pages_to_check(debate):
        page = pages.get(who) or pages.setdefault(who, visit(new_page, signed_in, debate, who))
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(path)
        if then:
            then(page)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            scrolling[name] = overflow
    assert scrolling == {}


@pytest.mark.parametrize("width", [390, 1280])
def test_no_action_under_an_argument_breaks_mid_word(signed_in, debate, width):
    """On one's own argument the footer also holds why one cannot vote on it: its links wrap
    to a new line whole rather than squeezing into "Repl/y" and "Permali/nk"."""
    page = signed_in(debate["author"])
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(debate["motion"].get_absolute_url())
    heights = page.locator(".argument__footer a:visible, .stance").evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().height))"
    )
    assert heights and max(heights) <= 26, heights


# Every id the page's aria-describedby attributes name, that no element of the page has.
DANGLING = """() => Array.from(document.querySelectorAll("[aria-describedby]")).flatMap(
    (element) => element.getAttribute("aria-describedby").split(/\\s+/)
).filter((id) => id && !document.getElementById(id))"""


def test_errors_are_tied_to_their_fields_and_required_fields_are_not_optional(
    signed_in, debate, axe
):
    """Sent empty, a form marks what is missing by the fields (in place over HTMX too), each
    field described by its error, and names no required field "(optional)"."""
    page = signed_in(verified_user())
    page.goto("/motions/new/")
    form = page.locator("form.argument-form")
    for name in ("Title", "Claim"):
        expect(form.get_by_label(name, exact=True)).to_have_attribute("aria-required", "true")
    expect(form.locator("label", has_text="(optional)")).to_have_text(
        [
            "Context (optional)",
            "Source (web address) (optional)",
            "Quote from the source (optional)",
        ]
    )
    form.get_by_role("button", name="Open the debate").click()
    claim = form.get_by_label("Claim", exact=True)
    expect(claim).to_have_attribute("aria-invalid", "true")
    expect(claim).to_have_accessible_description(
        "The claim up for debate: one statement people can argue for or against. "
        "Write the claim you want to make."
    )
    assert page.evaluate(DANGLING) == []
    assert axe(page, "form.argument-form") == []

    top = debate["top"]
    page.goto(debate["motion"].get_absolute_url())
    page.locator(f"#argument-{top.pk} .reply-link").first.click()
    reply = page.locator(f"#reply-slot-{top.pk} form")
    expect(reply.locator("label", has_text="Claim")).to_have_text("Claim")
    reply.get_by_role("button", name="Post argument").click()
    expect(reply.get_by_role("group", name="Stance")).to_have_accessible_description(
        "Choose whether you argue pro or con."
    )
    expect(reply.get_by_label("Claim", exact=True)).to_have_accessible_description(
        re.compile(r"Write the claim you want to make\.$")
    )
    assert page.evaluate(DANGLING) == []
    assert axe(page, f"#reply-slot-{top.pk}") == []


def test_the_outline_s_keyboard_help_shows_only_with_its_script(browser, live_server, page, debate):
    path = f"/motions/{debate['motion'].slug}/map/"
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto(path)
        expect(plain.locator(".outline")).to_be_visible()  # a nested list of links
        expect(plain.locator("#outline-help")).to_be_hidden()
    finally:
        context.close()

    page.goto(path)
    tree = page.get_by_role("tree")
    help_ = page.locator("#outline-help")
    expect(help_).to_be_visible()
    expect(help_).to_contain_text("Arrow keys move")
    expect(tree).to_have_accessible_description(re.compile(r"^Arrow keys move"))
    # A live refresh swaps in the outline and its help afresh: the help shows again.
    with page.expect_response(lambda r: "/map/?live" in r.url):
        page.evaluate(
            """() => document.getElementById("live-status")
                .dispatchEvent(new CustomEvent("htmx:sse:after:message"))"""
        )
    expect(page.get_by_role("tree")).to_have_attribute("aria-describedby", "outline-help")
    expect(page.locator("#outline-help")).to_be_visible()
