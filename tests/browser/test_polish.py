"""Issue 17 as a user meets it: fresh pages after Back, nothing typed or posted lost or doubled,
focus where the eye is, and the small things a finished site has."""

import re

import pytest
from playwright.sync_api import expect

from accounts.services import grant_moderator
from debates import moderation, services
from debates.models import Argument
from tests.browser.live_pages import open_live
from tests.factories import ArgumentFactory, MotionFactory, verified_user


@pytest.fixture
def motion(transactional_db):
    author = verified_user(display_name="Ada Author")
    motion = MotionFactory(author=author, claim="Cities should ban cars from their centres.")
    ArgumentFactory(motion=motion, author=author, claim="Air gets cleaner.")
    return motion


@pytest.mark.parametrize("javascript", [True, False])
def test_back_after_posting_shows_the_new_argument(signed_in, motion, javascript):
    page = signed_in(verified_user(), javascript=javascript)
    page.goto(motion.get_absolute_url())
    page.goto(f"{motion.get_absolute_url()}reply/")
    page.get_by_label("Pro").check()
    page.get_by_label("Claim").fill("Streets become quieter.")
    page.get_by_role("button", name="Post argument").click()
    expect(page.get_by_text("Your argument is posted.")).to_be_visible()
    if javascript:
        # One step back past the form: a page restored on the way reloads itself, which would
        # abort a second go_back in flight.
        page.evaluate("history.go(-2)")
        page.wait_for_url(f"**{motion.get_absolute_url()}")
    else:
        page.go_back()
        page.go_back()
    assert page.url.endswith(motion.get_absolute_url())
    expect(page.locator(".argument__claim", has_text="Streets become quieter.")).to_be_visible()


def test_back_after_posting_in_place_shows_the_new_argument(signed_in, motion):
    page = signed_in(verified_user())
    page.goto(motion.get_absolute_url())
    page.get_by_role("link", name="Argue for or against this motion").click()
    page.get_by_label("Con").check()
    page.get_by_label("Claim").fill("Shops lose customers.")
    page.get_by_role("button", name="Post argument").click()
    posted = page.locator(".argument", has_text="Shops lose customers.")
    expect(posted).to_be_visible()
    posted.get_by_role("link", name="Permalink").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Con argument: Shops lose customers.")
    expect(page.locator(".answered")).to_contain_text(motion.claim)
    page.go_back()
    expect(page.locator(".argument__claim", has_text="Shops lose customers.")).to_have_count(1)
    # Back from elsewhere: a change made meanwhile is there too (made as the site makes it, so
    # the motion's stamp moves and no cached tree is served stale).
    services.post_argument(
        author=verified_user(), motion=motion, parent=None, stance="pro", claim="Buses run on time."
    )
    page.goto("/")
    page.go_back()
    expect(page.locator(".argument__claim", has_text="Buses run on time.")).to_be_visible()


def test_back_to_a_posted_form_and_post_again_makes_no_duplicate(signed_in, motion):
    # Back fetches the form afresh (pages are not stored), with a new submission key: the
    # service knows the same reply posted moments ago and answers with it.
    page = signed_in(verified_user(), javascript=False)
    page.goto(f"{motion.get_absolute_url()}reply/")
    page.get_by_label("Con").check()
    page.get_by_label("Claim").fill("Deliveries get harder.")
    page.get_by_role("button", name="Post argument").click()
    expect(page.get_by_text("Your argument is posted.")).to_be_visible()
    page.go_back()
    page.get_by_label("Con").check()
    page.get_by_label("Claim").fill("Deliveries get harder.")
    page.get_by_role("button", name="Post argument").click()
    expect(page.locator(".argument__claim", has_text="Deliveries get harder.")).to_have_count(1)
    assert Argument.objects.filter(claim="Deliveries get harder.").count() == 1
    # A different reply from the same form, after Back again, is a reply of its own.
    page.goto(f"{motion.get_absolute_url()}reply/")
    page.get_by_label("Con").check()
    page.get_by_label("Claim").fill("Deliveries get harder at night.")
    page.get_by_role("button", name="Post argument").click()
    expect(page.get_by_text("Your argument is posted.")).to_be_visible()
    assert Argument.objects.filter(claim__startswith="Deliveries get harder").count() == 2


def test_reply_form_in_place_keyboard_focus_and_count(signed_in, motion):
    from debates.models import CLAIM_MAX_LENGTH

    top = Argument.objects.get(motion=motion)
    page = signed_in(verified_user())
    page.goto(motion.get_absolute_url())
    reply_link = page.locator(f"#argument-{top.pk} .reply-link")
    reply_link.press("Enter")
    # Opened, the form has the focus: its first field, the stance.
    expect(page.locator(f"#reply-slot-{top.pk}").get_by_label("Pro")).to_be_focused()
    claim = page.locator(f"#reply-slot-{top.pk}").get_by_label("Claim")
    claim.fill("y" * (CLAIM_MAX_LENGTH + 7))
    expect(page.locator(".char-count")).to_have_text(
        f"7 characters over the limit of {CLAIM_MAX_LENGTH}"
    )
    # An emoji is one character, as the server counts it, not its two UTF-16 halves.
    claim.fill("🕊" * CLAIM_MAX_LENGTH)
    expect(page.locator(".char-count")).to_have_text(
        f"{CLAIM_MAX_LENGTH} of {CLAIM_MAX_LENGTH} characters"
    )
    page.keyboard.press("Escape")
    expect(page.locator(f"#reply-slot-{top.pk} form")).to_have_count(0)
    expect(reply_link).to_be_focused()
    # Cancel closes it in place too, rather than following its link to the argument's page.
    page.evaluate("window.__noReload = true")
    reply_link.click()
    page.locator(f"#reply-slot-{top.pk}").get_by_role("link", name="Cancel").click()
    expect(page.locator(f"#reply-slot-{top.pk} form")).to_have_count(0)
    expect(reply_link).to_be_focused()
    assert page.url.endswith(motion.get_absolute_url())
    assert page.evaluate("window.__noReload") is True

    reply_link.click()
    slot = page.locator(f"#reply-slot-{top.pk}")
    slot.get_by_label("Claim").fill("No stance chosen.")
    slot.get_by_role("button", name="Post argument").click()
    expect(slot.locator(".field--invalid input").first).to_be_focused()
    expect(slot.get_by_label("Claim")).to_have_value("No stance chosen.")
    slot.get_by_label("Con").check()
    # Someone else's argument arrives live while hers is on its way: focus waits for hers.
    page.evaluate(
        """() => document.addEventListener("submit", () => setTimeout(() => {
            document.querySelector(".tree").insertAdjacentHTML("beforeend",
              '<li class="argument" id="argument-0"><div class="argument__body" tabindex="-1">'
              + '<p class="argument__claim">Someone else, meanwhile.</p></div></li>');
        }), {once: true})"""
    )
    slot.get_by_role("button", name="Post argument").click()
    expect(page.locator(".argument__claim", has_text="No stance chosen.")).to_be_visible()
    posted = Argument.objects.get(claim="No stance chosen.")
    expect(page.locator(f"#argument-{posted.pk} > .argument__body")).to_be_focused()


@pytest.mark.parametrize(
    "words, other", [("Sign in", "Sign up"), ("Sign up", "Sign in")], ids=["sign-in", "sign-up"]
)
def test_the_nav_and_the_account_pages_say_the_same_words(page, words, other):
    """One voice: the nav's link, the page's title, heading and button, and the link across."""
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name=words, exact=True).click()
    expect(page).to_have_title(f"{words} · Crux")
    expect(page.get_by_role("heading", level=1)).to_have_text(words)
    expect(page.get_by_role("main").get_by_role("button", name=words, exact=True)).to_be_visible()
    page.get_by_role("main").get_by_role("link", name=other, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(other)


# Each part of the header: how many lines its text takes.
HEADER_LINES = """(header) => Array.from(header.children, (part) => {
    const text = document.createRange();
    text.selectNodeContents(part);
    const tops = new Set(Array.from(text.getClientRects(), (box) => Math.round(box.top)));
    return [part.textContent.trim(), tops.size];
})"""


def test_a_live_reply_deep_on_a_phone_wraps_its_header_between_words(page, motion):
    """At depth three on a 390 px phone, the header of a reply that arrives live (stance, author,
    date and its "New" badge) wraps between its parts, never inside one ("NE/W")."""
    parent = Argument.objects.get(motion=motion)
    for depth in (1, 2):
        parent = ArgumentFactory(
            motion=motion, parent=parent, author=parent.author, claim=f"At depth {depth}."
        )
    page.set_viewport_size({"width": 390, "height": 844})
    open_live(page, motion.get_absolute_url())
    writer = verified_user(display_name="Bartholomew Featherstonehaugh")
    reply, _ = services.post_argument(
        author=writer, motion=motion, parent=parent, stance="con", claim="At depth three."
    )
    header = page.locator(f"#argument-{reply.pk} > .argument__body > .argument__header")
    expect(header.locator(".badge")).to_have_text("New")
    parts = header.evaluate(HEADER_LINES)
    assert [text for text, _ in parts] == ["Con", writer.display_name, parts[2][0], "New"], parts
    assert all(lines == 1 for _, lines in parts), parts
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_vote_in_flight_looks_busy_and_nothing_moves(signed_in, motion):
    top = Argument.objects.get(motion=motion)
    page = signed_in(verified_user())
    page.goto(motion.get_absolute_url())
    form = page.locator(f"#vote-argument-{top.pk}")
    form.scroll_into_view_if_needed()
    before = form.bounding_box()
    held = []
    page.route(re.compile(r"/vote/$"), lambda route: held.append(route))  # answered later
    form.get_by_role("button", name=re.compile("^Agree")).click()
    expect(form).to_have_class(re.compile(r"\bhtmx-request\b"))
    expect(form).to_have_css("cursor", "progress")
    expect(form).to_have_css("opacity", "0.6")
    assert form.bounding_box() == before
    held[0].continue_()
    expect(form.get_by_role("button", name=re.compile("^Agree"))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(form).to_have_css("opacity", "1")
    expect(form).to_have_css("cursor", "auto")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_earlier_wording_reads_as_clearly_as_the_current_one(page, motion, axe, scheme):
    top = Argument.objects.get(motion=motion)
    services.edit_argument(editor=top.author, argument=top, claim="Air gets much cleaner.")
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{top.get_absolute_url()}history/")
    old = page.locator(".history__version--old")
    expect(old).to_contain_text("Air gets cleaner.")
    expect(old).to_have_css("opacity", "1")
    assert axe(page, ".history") == []


def test_the_moderation_log_reads_on_a_phone_one_entry_a_card(signed_in, transactional_db):
    """Five columns in 390 px shrank to a few letters each ("Mo/der/ato/r"): on a phone each
    entry stands as a card whose cells name themselves, and no word breaks inside."""
    moderator = verified_user(display_name="Moderator Maximilian")
    grant_moderator(user=moderator)
    argument = ArgumentFactory(claim="A claim a moderator hid.")
    moderation.hide_argument(moderator=moderator, argument=argument, reason="Off-topic remarks")
    page = signed_in(moderator)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/moderation/log/")
    entry = page.locator(".log__entry").first
    moderator_cell = entry.locator('td[data-label="Moderator"]')
    expect(moderator_cell).to_have_text(moderator.display_name)
    # One line: the cell is as wide as the card, not a column of letters.
    height = moderator_cell.evaluate("cell => cell.getBoundingClientRect().height")
    line = moderator_cell.evaluate("cell => parseFloat(getComputedStyle(cell).lineHeight)")
    assert height < 2 * line
    label = moderator_cell.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Moderator: "'
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_title_refused_for_its_length_is_counted_as_she_shortens_it(signed_in, transactional_db):
    """The refused field has the focus before the page's script runs: it is counted all the
    same, and the counter takes over from the server's words once she changes it."""
    page = signed_in(verified_user())
    page.goto("/motions/new/")
    title = page.get_by_label("Title")
    title.fill("t" * 130)
    page.get_by_label("Claim").fill("A claim to keep.")
    page.get_by_role("button", name="Open the debate").click()
    expect(page.get_by_role("alert")).to_have_text("10 characters over the limit of 120.")
    expect(title).to_be_focused()
    expect(page.locator("#id_title-count")).to_have_text("")  # not the same words twice
    title.press("End")
    for _ in range(4):
        title.press("Backspace")
    expect(page.locator("#id_title-count")).to_have_text("6 characters over the limit of 120")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_label("Claim")).to_have_value("A claim to keep.")
