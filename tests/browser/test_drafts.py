"""Nothing typed and no place lost to what the page does in place (crux.js): a reply form closed
or left keeps its draft, "Show more" and a form sent back leave the focus somewhere useful,
signing in from a control comes back to it, and the same reply posted again says so."""

import re

import pytest
from playwright.sync_api import expect

from debates.models import Argument
from tests.factories import ArgumentFactory, MotionFactory, verified_user


@pytest.fixture
def motion(transactional_db):
    motion = MotionFactory(title="Trams beat buses", claim="Cities should build trams.")
    ArgumentFactory(motion=motion, claim="Trams carry more people.")
    ArgumentFactory(motion=motion, claim="Rails last decades.")
    return motion


def test_a_reply_being_written_outlives_escape_cancel_and_leaving_the_page(signed_in, motion):
    top, other = Argument.objects.filter(motion=motion).order_by("pk")
    page = signed_in(verified_user())
    page.goto(motion.get_absolute_url())
    reply_link = page.locator(f"#body-{top.pk} .reply-link")
    slot = page.locator(f"#reply-slot-{top.pk}")
    reply_link.click()
    slot.get_by_label("Con").check()
    slot.get_by_label("Claim").fill("Buses can change their routes.")
    slot.get_by_text("Add details or a source").click()
    slot.get_by_label("Details").fill("Overnight, when a street closes.")

    # Escape closes it, as before; opened again, it holds all that was typed.
    slot.get_by_label("Details").press("Escape")
    expect(slot.locator("form")).to_have_count(0)
    expect(reply_link).to_be_focused()
    reply_link.press("Enter")
    expect(slot.get_by_label("Con")).to_be_focused()
    expect(slot.get_by_label("Con")).to_be_checked()
    expect(slot.get_by_label("Claim")).to_have_value("Buses can change their routes.")
    expect(slot.get_by_label("Details")).to_have_value("Overnight, when a street closes.")
    # Cancel too; and a page reloaded after it leaves the form closed until asked for.
    slot.get_by_role("link", name="Cancel").click()
    expect(slot.locator("form")).to_have_count(0)
    page.reload()
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=15_000)
    expect(slot.locator("form")).to_have_count(0)
    reply_link.click()
    expect(slot.get_by_label("Claim")).to_have_value("Buses can change their routes.")

    # Left for another page with the form open, and back: open again, with the text.
    page.locator(f"#body-{other.pk} .permalink").click()
    expect(page).to_have_url(re.compile(rf"/arguments/{other.pk}/$"))
    page.go_back()
    expect(slot.get_by_label("Claim")).to_have_value("Buses can change their routes.")
    expect(slot.get_by_label("Con")).to_be_focused()
    # Another claim's form is a form of its own.
    page.locator(f"#body-{other.pk} .reply-link").click()
    other_claim = page.locator(f"#reply-slot-{other.pk} textarea[name=claim]")
    expect(other_claim).to_be_visible()
    expect(other_claim).to_have_value("")

    # Posted, the draft is done with: the form opens empty. The live news of the new reply may
    # come before the post's own answer, which is what closes the form.
    slot.get_by_role("button", name="Post argument").click()
    expect(page.locator(f"#replies-{top.pk}")).to_contain_text("Buses can change their routes.")
    expect(slot.locator("form")).to_have_count(0)
    reply_link.click()
    expect(slot.get_by_label("Claim")).to_have_value("")
    expect(slot.get_by_label("Con")).not_to_be_checked()


def test_a_draft_is_its_writers_alone(signed_in, motion):
    top = Argument.objects.filter(motion=motion).order_by("pk").first()
    page = signed_in(verified_user())
    page.goto(motion.get_absolute_url())
    page.locator(f"#body-{top.pk} .reply-link").click()
    page.locator(f"#reply-slot-{top.pk}").get_by_label("Claim").fill("Mine, unfinished.")
    assert "Mine, unfinished." in page.evaluate("JSON.stringify(sessionStorage)")
    page.get_by_role("navigation", name="Site").get_by_role("button", name="Sign out").click()
    # Nothing of hers stays in the tab for whoever uses the computer next.
    page.wait_for_url(re.compile(r"/$"))
    assert "Mine, unfinished." not in page.evaluate("JSON.stringify(sessionStorage)")

    # Signed out, the page stays as it is, rather than opening the form (and so asking to sign in).
    page.goto(motion.get_absolute_url())
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=15_000)
    expect(page).to_have_url(re.compile(rf"{re.escape(motion.get_absolute_url())}$"))
    expect(page.locator(f"#reply-slot-{top.pk} form")).to_have_count(0)
    # Whoever signs in next in this tab finds a form of their own.
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Sign in").click()
    sign_in(page, verified_user())
    page.locator(f"#body-{top.pk} .reply-link").click()
    expect(page.locator(f"#reply-slot-{top.pk}").get_by_label("Claim")).to_have_value("")


def test_the_same_reply_again_says_so_beside_the_first(signed_in, motion):
    top = Argument.objects.filter(motion=motion).order_by("pk").first()
    page = signed_in(verified_user())
    page.goto(motion.get_absolute_url())
    slot = page.locator(f"#reply-slot-{top.pk}")
    for _ in range(2):
        page.locator(f"#body-{top.pk} .reply-link").click()
        slot.get_by_label("Pro").check()
        slot.get_by_label("Claim").fill("Trams are quieter.")
        slot.get_by_role("button", name="Post argument").click()
        expect(slot.locator("form")).to_have_count(0)

    [posted] = Argument.objects.filter(claim="Trams are quieter.")
    notice = page.locator(f"#argument-{posted.pk} > .notice--posted-before")
    expect(notice).to_be_focused()
    expect(notice).to_have_text(re.compile(r"^\s*You already posted this\."))
    link = notice.get_by_role("link", name="See your argument")
    expect(link).to_have_attribute("href", f"#argument-{posted.pk}")
    expect(page.locator(f"#replies-{top.pk} > li.argument")).to_have_count(1)
    expect(page.locator("#debate-size")).to_have_text("3")


def test_show_more_replies_takes_the_focus_to_the_first_reply_it_shows(page, transactional_db):
    motion = MotionFactory()
    roots = [ArgumentFactory(motion=motion, claim=f"Root {n}.") for n in range(12)]
    # Four levels down, a page folds the replies away behind "Continue this thread (1 reply)".
    parent = roots[0]
    for depth in range(1, 5):
        parent = ArgumentFactory(motion=motion, parent=parent, claim=f"Depth {depth}.")
    page.goto(motion.get_absolute_url())

    page.get_by_role("link", name="Show more replies (2 not shown yet)").press("Enter")
    expect(page.locator(f"#argument-{roots[10].pk} > .argument__body")).to_be_focused()
    page.get_by_role("link", name="Continue this thread (1 reply)").press("Enter")
    expect(page.locator(f"#argument-{parent.pk} > .argument__body")).to_be_focused()


def test_a_proposal_sent_back_with_errors_opens_on_the_first_of_them(signed_in):
    page = signed_in(verified_user())
    page.goto("/motions/new/")
    page.get_by_label("Title").fill("Trams beat buses")
    page.get_by_role("button", name="Open the debate").click()
    expect(page.locator(".field--invalid")).to_have_count(1)
    expect(page.get_by_label("Claim")).to_be_focused()
    expect(page.get_by_label("Title")).to_have_value("Trams beat buses")


def sign_in(page, member):
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()


def test_signing_in_from_reply_or_a_vote_comes_back_to_it(new_page, motion):
    top = Argument.objects.filter(motion=motion).order_by("pk").first()
    member = verified_user()

    page = new_page()
    page.goto(motion.get_absolute_url())
    page.locator(f"#body-{top.pk} .reply-link").click()
    sign_in(page, member)
    # The reply form's own page, as without JavaScript, not the top of the debate.
    expect(page).to_have_url(re.compile(rf"/arguments/{top.pk}/reply/$"))
    expect(page.get_by_label("Claim")).to_be_visible()

    page = new_page()
    page.goto(f"{motion.get_absolute_url()}?sort=newest")
    page.locator(f"#vote-argument-{top.pk}-agree").click()
    sign_in(page, member)
    # Back at the argument voted on, in the order the page had.
    expect(page).to_have_url(re.compile(rf"\?sort=newest#argument-{top.pk}$"))


@pytest.mark.parametrize("failure", ["500", "502", "dropped"])
def test_a_post_the_server_cannot_answer_leaves_the_form_and_says_so_once(
    signed_in, motion, failure
):
    """A server error or a dropped connection on an in-place post leaves the form and what was
    typed in place, with one message above it however often it fails; then it posts."""
    top = Argument.objects.filter(motion=motion).order_by("pk").first()
    page = signed_in(verified_user())
    page.goto(motion.get_absolute_url())
    page.evaluate("window.__noReload = true")
    page.locator(f"#body-{top.pk} .reply-link").click()
    slot = page.locator(f"#reply-slot-{top.pk}")
    slot.get_by_label("Con").check()
    slot.get_by_label("Claim").fill("Buses reach every street.")

    def fail(route):
        if route.request.method != "POST":
            return route.continue_()
        if failure == "dropped":
            return route.abort("connectionreset")
        return route.fulfill(status=int(failure), body="<!doctype html><h1>Server error</h1>")

    page.route("**/reply/**", fail)
    for _ in range(2):
        slot.get_by_role("button", name="Post argument").click()
        expect(page.locator(".in-place-error")).to_have_count(1)
    said = page.locator(".in-place-error").text_content()
    assert ("connection dropped" in said) if failure == "dropped" else (f"error {failure}" in said)
    assert "Nothing you wrote is lost" in said
    expect(slot.get_by_label("Claim")).to_have_value("Buses reach every street.")
    expect(page.get_by_text("Server error")).to_have_count(0)

    page.unroute("**/reply/**")
    slot.get_by_role("button", name="Post argument").click()
    expect(page.get_by_text("Buses reach every street.").first).to_be_visible()
    assert Argument.objects.filter(claim="Buses reach every street.").count() == 1
    assert page.evaluate("window.__noReload") is True


def test_an_expired_form_says_so_once_however_often_it_is_sent(signed_in, motion):
    top = Argument.objects.filter(motion=motion).order_by("pk").first()
    page = signed_in(verified_user())
    page.goto(motion.get_absolute_url())
    page.locator(f"#body-{top.pk} .reply-link").click()
    slot = page.locator(f"#reply-slot-{top.pk}")
    slot.get_by_label("Pro").check()
    slot.get_by_label("Claim").fill("Trams are quieter.")
    page.context.clear_cookies(name="csrftoken")
    for _ in range(3):
        slot.get_by_role("button", name="Post argument").click()
        expect(page.get_by_text("This form has expired")).to_have_count(1)
    expect(slot.get_by_label("Claim")).to_have_value("Trams are quieter.")


def test_a_reply_sent_on_its_own_page_after_signing_out_comes_back_after_signing_in(
    new_page, motion
):
    """Without JavaScript, signed out in another tab while writing: sending it leads to sign in,
    which says it was not sent, and then back to the form holding every word."""
    member = verified_user()
    page = new_page(javascript=False)
    page.goto(f"/accounts/login/?next={motion.get_absolute_url()}reply/")
    sign_in(page, member)
    page.get_by_label("Con").check()
    page.get_by_label("Claim").fill("Buses go where the people are.")
    page.get_by_text("Add details or a source").click()
    page.get_by_label("Details").fill("Routes change overnight; rails take years.")
    other = page.context.new_page()
    other.goto("/")
    other.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Post argument").click()
    expect(page.get_by_text("You were signed out, so this was not sent.")).to_be_visible()
    sign_in(page, member)
    expect(page.get_by_label("Claim")).to_have_value("Buses go where the people are.")
    details = "Routes change overnight; rails take years."
    expect(page.get_by_label("Details")).to_have_value(details)
    expect(page.get_by_label("Details")).to_be_visible()
    expect(page.get_by_label("Con")).to_be_checked()
    page.get_by_role("button", name="Post argument").click()
    expect(page.get_by_text("Buses go where the people are.").first).to_be_visible()
    assert Argument.objects.filter(claim="Buses go where the people are.").count() == 1
