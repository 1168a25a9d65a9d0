"""In a real browser: no CSP violation on any main page, CSRF-protected HTMX posts work, and
no user text (claims, details, sources, names, bios, flags, moderation reasons) ever executes."""

import re

import pytest
from playwright.sync_api import expect

from accounts.services import grant_moderator, update_profile
from debates import moderation, services
from debates.models import Argument
from tests.factories import MotionFactory, verified_user

# Listens from before any page script runs (Playwright's init scripts are not subject to the CSP).
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""


class Watcher:
    """Collects CSP violations and console errors about the policy across a page's documents."""

    def __init__(self, page, confirm=False):
        self.page, self.found, self.confirm = page, [], confirm
        page.add_init_script(WATCH)
        page.on("console", self._console)
        page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        """Accept hx-confirm's questions when asked to; any other dialog is a finding."""
        if self.confirm and dialog.type == "confirm":
            dialog.accept()
        else:
            self.found.append(f"dialog: {dialog.type} {dialog.message}")
            dialog.dismiss()

    def _console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.found.append(f"console: {message.text}")

    def collect(self, where):
        for violation in self.page.evaluate("window.__violations || []"):
            self.found.append(f"{where}: {violation}")
        self.page.evaluate("window.__violations = []")

    def visit(self, url, where=None):
        response = self.page.goto(url)
        self.page.wait_for_load_state("load")
        self.collect(where or url)
        return response


@pytest.fixture
def debate(transactional_db):
    author = verified_user(display_name="Author Ada")
    member = verified_user(display_name="Member Max")
    moderator = verified_user(display_name="Moderator Mo")
    grant_moderator(user=moderator)
    motion, _ = services.propose_motion(
        author=author,
        title="Cities should ban cars",
        claim="Car-free centres are better for everyone.",
        context="Some *context*, with [a link](https://example.org/).",
        source_url="https://example.org/essay",
        quote="A quoted line.",
    )
    argument, _ = services.post_argument(
        author=author, motion=motion, parent=None, stance="pro", claim="Cleaner air."
    )
    reply, _ = services.post_argument(
        author=member, motion=motion, parent=argument, stance="con", claim="Deliveries suffer."
    )
    services.edit_argument(editor=author, argument=argument, claim="Much cleaner air.")
    moderation.flag_claim(flagger=moderator, claim=argument, reason="other", note="Not sure.")
    moderation.lock_motion(moderator=moderator, motion=MotionFactory(), reason="Done.")
    return {"motion": motion, "argument": argument, "reply": reply, "author": author,
            "member": member, "moderator": moderator}  # fmt: skip


def test_no_page_breaks_the_content_security_policy(page, signed_in, debate):
    motion, argument = debate["motion"], debate["argument"]
    anonymous = Watcher(page)
    for url in ("/", motion.get_absolute_url(), argument.get_absolute_url(),
                f"{argument.get_absolute_url()}history/", debate["author"].get_absolute_url(),
                "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/",
                "/no-such-page/"):  # fmt: skip
        anonymous.visit(url)
    assert page.locator("h1").inner_text() == "Nothing here"

    member = Watcher(signed_in(debate["member"]), confirm=True)
    member.visit(motion.get_absolute_url())
    tab = member.page
    # The reply form, in place over HTMX; the flag form and its Cancel button; a vote.
    tab.get_by_role("link", name="Argue for or against this motion").click()
    expect(tab.locator("#reply-slot-motion form")).to_be_visible()
    # Sent empty, it comes back in place with its errors: the swap writes no inline style.
    reply_form = tab.locator("#reply-slot-motion form")
    reply_form.get_by_role("button", name="Post argument").click()
    expect(reply_form.locator(".field__error").first).to_be_visible()
    card = tab.locator(f"#argument-{argument.pk} > .argument__body")
    card.get_by_role("link", name="Flag").click()
    slot = tab.locator(f"#flag-slot-argument-{argument.pk}")
    expect(slot.locator(".flag-form form")).to_be_visible()
    slot.locator(".flag-form").get_by_role("button", name="Cancel").click()
    expect(slot.locator(".flag-form")).to_have_count(0)
    vote = tab.locator(f"#vote-argument-{argument.pk}")
    vote.get_by_role("button", name=re.compile("^Agree")).click()
    expect(vote.get_by_role("button", name=re.compile("^Agree"))).to_have_attribute(
        "aria-pressed", "true"
    )
    tab.get_by_role("link", name="Most discussed").click()  # the sort, swapped over HTMX
    expect(tab).to_have_url(re.compile(r"sort=discussed"))
    # Retracting asks through hx-confirm (window.confirm, no eval), then swaps in place.
    reply = tab.locator(f"#argument-{debate['reply'].pk}")
    reply.locator(".argument__footer").get_by_role("link", name="Retract").click()
    expect(reply.locator(".argument__claim--withdrawn")).to_be_visible()
    member.collect("motion page after HTMX")
    for url in ("/people/me/edit/", "/people/me/delete/", "/accounts/email/",
                "/accounts/password/change/", "/moderation/notices/", "/motions/new/"):  # fmt: skip
        member.visit(url)

    moderator = Watcher(signed_in(debate["moderator"]))
    for url in ("/moderation/", "/moderation/log/", motion.get_absolute_url(),
                f"{argument.get_absolute_url()}hide/"):  # fmt: skip
        moderator.visit(url)

    assert anonymous.found + member.found + moderator.found == []


STALE_TOKEN = """() => {
  document.body.setAttribute("hx-headers:inherited", '{"X-CSRFToken": "stale"}');
  for (const input of document.querySelectorAll("input[name=csrfmiddlewaretoken]")) {
    input.value = "stale";
  }
}"""


def test_the_real_htmx_post_carries_the_csrf_token_and_a_forged_one_fails(signed_in, debate):
    argument = debate["argument"]
    tab = signed_in(debate["member"])
    tab.goto(debate["motion"].get_absolute_url())
    agree = tab.locator(f"#vote-argument-{argument.pk}").get_by_role(
        "button", name=re.compile("^Agree")
    )

    with tab.expect_response(re.compile(r"/vote/$")) as answer:
        agree.click()

    response = answer.value
    assert response.status == 200
    assert response.request.headers.get("hx-request") == "true"
    assert len(response.request.headers.get("x-csrftoken", "")) >= 32
    expect(agree).to_have_attribute("aria-pressed", "true")
    assert Argument.objects.get(pk=argument.pk).agree_count == 1

    # The same request from a script that does not know the token: refused.
    forged = tab.evaluate(
        """async (url) => (await fetch(url, {
             method: "POST",
             body: new URLSearchParams({choice: "disagree"}),
             headers: {"HX-Request": "true"},
           })).status""",
        f"{argument.get_absolute_url()}vote/",
    )
    assert forged == 403
    assert Argument.objects.get(pk=argument.pk).disagree_count == 0

    # A page whose token went stale (signed in again elsewhere): told so in place, widget kept.
    tab.evaluate(STALE_TOKEN)
    widget = tab.locator(f"#vote-argument-{argument.pk}")
    widget.get_by_role("button", name=re.compile("^Disagree")).click()
    expect(tab.get_by_role("alert").filter(has_text="This form has expired")).to_be_visible()
    expect(widget).to_be_visible()
    assert Argument.objects.get(pk=argument.pk).disagree_count == 0


# --- XSS ----------------------------------------------------------------------------------------

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
SVG = '"><svg onload=window.__xss=1>'
MARKDOWN = "[click](javascript:window.__xss=1) and <img src=x onerror=window.__xss=1> **bold**"

INJECTED = """() => {
  const bad = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith("on")) bad.push(`${el.tagName} ${attr.name}`);
      if (/^\\s*javascript:/i.test(attr.value)) bad.push(`${el.tagName} ${attr.value}`);
    }
  }
  for (const script of document.scripts) {
    if (!script.src.includes("/static/")) bad.push(`script ${script.outerHTML.slice(0, 60)}`);
  }
  if (document.querySelector("img[src='x'], svg[onload]")) bad.push("injected element");
  return bad;
}"""


@pytest.fixture
def hostile(transactional_db):
    """Payloads in every place user text is shown, written through the services."""
    villain = verified_user()
    update_profile(user=villain, display_name="<svg onload=window.__xss=1>", bio=f"{SCRIPT}\n{IMG}")
    bystander = verified_user(display_name="Bystander Bea")
    moderator = verified_user(display_name="Moderator Mo")
    grant_moderator(user=moderator)

    with pytest.raises(services.DebateRuleError, match="http:// or https://"):
        services.propose_motion(
            author=villain, title="x", claim="y", source_url="javascript:window.__xss=1"
        )
    motion, _ = services.propose_motion(
        author=villain,
        title=f"Title {SCRIPT}",
        claim=f"Claim {IMG}",
        context=MARKDOWN,
        source_url='https://example.org/?q="><svg/onload=window.__xss=1>',
        quote=f"Quote {SVG}",
    )
    argument, _ = services.post_argument(
        author=villain, motion=motion, parent=None, stance="pro",
        claim=f"Argument {SCRIPT}", details=MARKDOWN,
        source_url='https://example.org/"onmouseover="window.__xss=1', quote=f"Quoted {IMG}",
    )  # fmt: skip
    services.edit_argument(editor=villain, argument=argument, claim=f"Edited {SVG}", details=IMG)
    second, _ = services.post_argument(
        author=villain, motion=motion, parent=argument, stance="con", claim=f"Reply {IMG}"
    )
    moderation.flag_claim(flagger=bystander, claim=second, reason="other", note=f"Note {SCRIPT}")
    moderation.flag_claim(flagger=bystander, claim=motion, reason="other", note=f"Note {IMG}")
    third, _ = services.post_argument(
        author=villain, motion=motion, parent=None, stance="con", claim="To be hidden."
    )
    moderation.hide_argument(moderator=moderator, argument=third, reason=f"Hidden {SVG}")
    moderation.suspend_user(moderator=moderator, user=villain, days=1, reason=f"Suspended {IMG}")
    moderation.lock_motion(moderator=moderator, motion=motion, reason=f"Locked {SCRIPT}")
    return {"villain": villain, "moderator": moderator, "bystander": bystander,
            "motion": motion, "argument": argument}  # fmt: skip


def assert_inert(watcher, url, shows=None):
    watcher.visit(url)
    tab = watcher.page
    assert tab.evaluate("typeof window.__xss") == "undefined", url
    assert tab.evaluate(INJECTED) == [], url
    if shows:  # the payload is there, as text
        assert shows in tab.locator("body").inner_text(), url


def test_no_user_text_executes_anywhere_it_is_shown(page, signed_in, hostile):
    motion, argument, villain = hostile["motion"], hostile["argument"], hostile["villain"]
    history = f"{argument.get_absolute_url()}history/"
    profile = villain.get_absolute_url()

    reader = Watcher(page)
    assert_inert(reader, "/", shows=f"Title {SCRIPT}")
    assert_inert(reader, motion.get_absolute_url(), shows=f"Edited {SVG}")
    assert_inert(reader, argument.get_absolute_url(), shows="Reply <img")
    assert_inert(reader, history, shows=f"Argument {SCRIPT}")
    assert_inert(reader, profile, shows="<svg onload=window.__xss=1>")
    assert "window.__xss=1</script>" in page.locator(".profile__bio").inner_text()
    assert page.locator(".prose a[href^='javascript']").count() == 0

    # The villain sees their own hidden argument's reason, their suspension and notices.
    own = Watcher(signed_in(villain))
    assert_inert(own, motion.get_absolute_url(), shows=f"Hidden {SVG}")
    assert_inert(own, "/moderation/notices/", shows=f"Locked {SCRIPT}")
    assert_inert(own, profile, shows=f"Suspended {IMG}")

    mod = Watcher(signed_in(hostile["moderator"]))
    assert_inert(mod, "/moderation/", shows=f"Note {SCRIPT}")
    assert_inert(mod, "/moderation/log/", shows=f"Suspended {IMG}")
    assert_inert(mod, profile, shows=f"Suspended {IMG}")
    assert_inert(mod, f"/moderation/people/{villain.pk}/unsuspend/", shows=f"Suspended {IMG}")

    # A payload arriving over the live stream is swapped in as text too.
    moderation.unlock_motion(moderator=hostile["moderator"], motion=motion)
    watcher = Watcher(signed_in(hostile["bystander"]))
    assert_inert(watcher, motion.get_absolute_url())
    tab = watcher.page
    expect(tab.locator("#live-status")).to_have_attribute("data-state", "live", timeout=15_000)
    services.post_argument(
        author=hostile["bystander"], motion=motion, parent=None, stance="pro",
        claim=f"Live {SCRIPT} {IMG}", details=MARKDOWN,
    )  # fmt: skip
    # The claim as the tree shows it (the map panel also names it, in an arc's <title>).
    expect(tab.locator(".argument__claim", has_text=f"Live {SCRIPT} {IMG}")).to_be_visible()
    assert tab.evaluate("typeof window.__xss") == "undefined"
    assert tab.evaluate(INJECTED) == []

    assert reader.found + own.found + mod.found + watcher.found == []


def test_a_rate_limited_vote_says_so_in_place(signed_in, debate, settings):
    settings.CRUX_RATE_LIMITS = {"vote": "1/m/user"}
    argument = debate["argument"]
    tab = signed_in(debate["member"])
    tab.goto(debate["motion"].get_absolute_url())
    tab.evaluate("window.__noReload = true")
    widget = tab.locator(f"#vote-argument-{argument.pk}")
    agree = widget.get_by_role("button", name=re.compile("^Agree"))

    agree.click()
    expect(agree).to_have_attribute("aria-pressed", "true")
    agree.click()

    expect(widget.get_by_role("alert")).to_contain_text("You are doing that too often")
    expect(agree).to_have_attribute("aria-pressed", "true")  # the refused click changed nothing
    assert tab.evaluate("window.__noReload") is True
    assert Argument.objects.get(pk=argument.pk).agree_count == 1
