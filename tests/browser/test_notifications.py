"""Notifications in the browser (issue 21): the bell rings live, the inbox leads to the reply."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from accounts.services import grant_moderator
from debates import moderation
from debates.models import Argument
from notifications.models import Notification
from tests.browser.live_pages import open_live, wait_until_subscribed
from tests.factories import ArgumentFactory, MotionFactory, verified_user


def reply_url(argument):
    return Argument.objects.get(parent=argument).get_absolute_url()


def reply_con(page, argument, claim):
    """Reply con to `argument` in place, on its page, and wait for the reply to show."""
    page.goto(argument.get_absolute_url())
    page.locator(f"#argument-{argument.pk} .reply-link").first.click()
    form = page.locator(f"#reply-slot-{argument.pk} form")
    form.get_by_label("Con").check()
    form.get_by_label("Claim").fill(claim)
    form.get_by_role("button", name="Post argument").click()
    expect(page.locator(f"#replies-{argument.pk}")).to_contain_text(claim)


def test_a_reply_rings_the_bell_live_and_the_inbox_leads_to_it(signed_in, transactional_db, axe):
    alice = verified_user(display_name="Alice Archer")
    bob = verified_user(display_name="Bob Baker")
    motion = MotionFactory(title="Ports", claim="Ports should open at night.")
    argument = ArgumentFactory(motion=motion, author=alice, claim="Night shifts cost little.")

    # Alice reads the debate; her bell shows nothing unread. The page holds one stream, the
    # debate's, which carries her bell too (browsers allow few connections per host).
    alices_page = signed_in(alice)
    streams = []
    alices_page.on("request", lambda r: "/live/" in r.url and streams.append(r.url))
    alices_page.goto(motion.get_absolute_url())
    bell = alices_page.locator("#bell-count")
    expect(bell).to_be_hidden()
    expect(alices_page.locator("#live-status")).to_have_attribute("data-state", "live")
    alices_page.evaluate("window.__noReload = true")

    # Bob replies to her argument on his own page.
    bobs_page = signed_in(bob)
    reply_con(bobs_page, argument, "Night shifts cost a third more in wages.")
    expect(bobs_page.locator("#bell-count")).to_be_hidden()  # never told of his own act

    # Alice's open page shows the count go up, without a reload.
    expect(bell).to_be_visible()
    expect(bell).to_have_text("1 unread")
    assert alices_page.evaluate("window.__noReload") is True
    assert len(streams) == 1 and f"/live/motions/{motion.pk}/?member=" in streams[0]
    expect(alices_page.locator(".member-stream")).to_have_count(0)

    # She opens her notifications and follows the link to the reply; the count falls.
    alices_page.locator(".bell__link").click()
    expect(alices_page.get_by_role("heading", name="Notifications")).to_be_visible()
    # A page without a debate stream holds her own stream alone.
    expect(alices_page.locator(".member-stream")).to_have_attribute("data-state", "live")
    assert len(streams) == 2 and "/live/members/" in streams[1]
    assert axe(alices_page) == []
    alices_page.get_by_role("link", name="“Night shifts cost a third more in wages.”").click()
    expect(alices_page).to_have_url(reply_url(argument))
    expect(alices_page.locator("main")).to_contain_text("Night shifts cost a third more in wages.")
    expect(alices_page.locator("#bell-count")).to_be_hidden()
    assert axe(alices_page) == []

    # Following and the settings: plain forms, accessible too.
    alices_page.get_by_role("link", name="Follow this argument").click()
    alices_page.get_by_role("button", name="Follow", exact=True).click()
    expect(alices_page.locator(".messages")).to_contain_text("You are following this argument.")
    alices_page.goto("/notifications/settings/")
    alices_page.get_by_label("Daily").check()
    alices_page.get_by_role("button", name="Save settings").click()
    expect(alices_page.locator(".messages")).to_contain_text("settings are saved")
    assert axe(alices_page) == []


def test_the_inbox_brings_a_new_notification_in_live(signed_in, transactional_db):
    alice = verified_user(display_name="Alice Archer")
    motion = MotionFactory(title="Ports", claim="Ports should open at night.")
    argument = ArgumentFactory(motion=motion, author=alice, claim="Night shifts cost little.")

    inbox = signed_in(alice)
    inbox.goto("/notifications/")
    expect(inbox.locator(".empty")).to_contain_text("Nothing yet")
    expect(inbox.locator(".member-stream")).to_have_attribute("data-state", "live")
    inbox.evaluate("window.__noReload = true")

    bob = signed_in(verified_user(display_name="Bob Baker"))
    reply_con(bob, argument, "Night shifts cost a third more in wages.")

    # Her open inbox lists it, as a reload would, with its "Mark read" and "Mark all read".
    item = inbox.locator(".notification--unread")
    expect(item).to_contain_text("Bob Baker argued against your argument")
    expect(item.get_by_role("button", name="Mark read")).to_be_visible()
    expect(inbox.get_by_role("button", name="Mark all read")).to_be_visible()
    expect(inbox.locator(".empty")).to_have_count(0)
    assert inbox.evaluate("window.__noReload") is True


def test_a_rewording_of_what_one_answered_rings_the_bell_live(signed_in, transactional_db, axe):
    alice = verified_user(display_name="Alice Archer")
    bob = verified_user(display_name="Bob Baker")
    motion = MotionFactory(title="Ports", claim="Ports should open at night.")
    argument = ArgumentFactory(motion=motion, author=alice, claim="Night shifts cost little.")

    # Bob answers Alice's argument and stays on its page; his bell shows nothing unread.
    bobs_page = signed_in(bob)
    reply_con(bobs_page, argument, "Night shifts cost a third more in wages.")
    bell = bobs_page.locator("#bell-count")
    expect(bell).to_be_hidden()
    expect(bobs_page.locator("#live-status")).to_have_attribute("data-state", "live")
    bobs_page.evaluate("window.__noReload = true")

    # Alice rewords her argument on its edit page.
    alices_page = signed_in(alice)
    alices_page.goto(reverse("edit_argument", args=[motion.slug, argument.pk]))
    alices_page.get_by_label("Claim").fill("Night shifts cost less than idle berths.")
    alices_page.get_by_role("button", name="Save changes").click()
    expect(alices_page.locator(f"#claim-{argument.pk}")).to_have_text(
        "Night shifts cost less than idle berths."
    )
    expect(alices_page.locator("#bell-count")).to_have_text("1 unread")  # Bob's reply, only

    # Bob's open page shows the count go up, without a reload; the inbox says what happened
    # and leads to the argument's history, where the wording he answered still stands.
    expect(bell).to_have_text("1 unread")
    assert bobs_page.evaluate("window.__noReload") is True
    bobs_page.locator(".bell__link").click()
    item = bobs_page.locator(".notification--unread")
    expect(item).to_contain_text(
        "Alice Archer reworded an argument you answered, voted on or follow"
    )
    expect(item).to_contain_text("“Night shifts cost less than idle berths.”")
    assert axe(bobs_page) == []
    item.get_by_role("link", name="See what changed").click()
    expect(bobs_page.get_by_role("heading", name="History of this argument")).to_be_visible()
    expect(bobs_page.locator(".history__version--old")).to_contain_text("Night shifts cost little.")


# --- As a reload shows them: the tester's findings (axn) ---------------------------------------


def open_inbox(page):
    page.goto("/notifications/")
    expect(page.locator(".member-stream")).to_have_attribute("data-state", "live")
    page.evaluate("window.__noReload = true")
    return page


def test_a_reply_hidden_and_restored_leaves_and_comes_back_to_open_pages(
    signed_in, transactional_db
):
    alice = verified_user(display_name="Alice Archer")
    bob = verified_user(display_name="Bob Baker")
    mod = verified_user(display_name="Moderator Mo")
    grant_moderator(user=mod)
    motion = MotionFactory(title="Ports", claim="Ports should open at night.")
    argument = ArgumentFactory(motion=motion, author=alice, claim="Night shifts cost little.")
    elsewhere = MotionFactory(title="Trams", claim="Trams beat buses.")

    # Alice has her inbox open, and the page of another motion.
    inbox = open_inbox(signed_in(alice))
    other = open_live(signed_in(alice), elsewhere.get_absolute_url())
    wait_until_subscribed(alice, 2)
    reply_con(signed_in(bob), argument, "SECRET-SPAM buy cheap things")
    item = inbox.locator("li.notification")
    expect(item).to_contain_text("Bob Baker argued against your argument: “SECRET-SPAM")
    for page in (inbox, other):
        expect(page.locator("#bell-count")).to_have_text("1 unread")

    # A moderator hides the reply: her pages show what a reload shows, spam gone.
    spam = Argument.objects.get(parent=argument)
    moderation.hide_argument(moderator=mod, argument=spam, reason="Spam")
    for page in (inbox, other):
        expect(page.locator("#bell-count")).to_be_hidden()
    expect(item).to_contain_text("Someone argued against your argument: a reply that is no longer")
    expect(item).not_to_contain_text("SECRET-SPAM")
    expect(item).not_to_have_class(re.compile("notification--unread"))

    # Restored, it is back, unread, as a reload would show it.
    moderation.restore_argument(moderator=mod, argument=spam, reason="Not spam after all")
    for page in (inbox, other):
        expect(page.locator("#bell-count")).to_have_text("1 unread")
    expect(item).to_contain_text("Bob Baker argued against your argument: “SECRET-SPAM")
    assert inbox.evaluate("window.__noReload") is True
    assert other.evaluate("window.__noReload") is True


def test_a_notification_arriving_live_is_told_politely_once(signed_in, transactional_db, axe):
    alice = verified_user(display_name="Alice Archer")
    motion = MotionFactory(title="Ports", claim="Ports should open at night.")
    argument = ArgumentFactory(motion=motion, author=alice, claim="Night shifts cost little.")

    # On a page without a debate (her inbox) and on her debate's own page.
    inbox = open_inbox(signed_in(alice))
    debate = open_live(signed_in(alice), motion.get_absolute_url())
    wait_until_subscribed(alice, 2)
    for page in (inbox, debate):
        news = page.locator("#bell-news")
        expect(news).to_have_attribute("aria-live", "polite")
        expect(news).to_have_text("")
        # The count itself is no live region: it is told once, here.
        assert page.locator("#bell-count").evaluate("e => e.closest('[aria-live]')") is None

    reply_con(signed_in(verified_user(display_name="Bob Baker")), argument, "Wages rise at night.")
    for page in (inbox, debate):
        expect(page.locator("#bell-news")).to_have_text("1 new notification, 1 unread")
    # The debate's own news says what arrived in it, apart.
    expect(debate.locator("#live-news")).to_have_text("New con argument: Wages rise at night.")

    # Read elsewhere, the count falls and nothing is said; a second reply is told anew.
    inbox.locator("li.notification").get_by_role("button", name="Mark read").click()
    expect(debate.locator("#bell-count")).to_be_hidden()
    expect(debate.locator("#bell-news")).to_have_text("")
    reply_con(signed_in(verified_user(display_name="Carol Cole")), argument, "Ships wait anyway.")
    expect(debate.locator("#bell-news")).to_have_text("1 new notification, 1 unread")
    assert debate.evaluate("window.__noReload") is True
    assert axe(inbox) == []


def test_mark_read_in_place_moves_on_to_the_next_notice(signed_in, transactional_db, axe):
    alice = verified_user(display_name="Alice Archer")
    motion = MotionFactory(title="Ports", claim="Ports should open at night.")
    argument = ArgumentFactory(motion=motion, author=alice, claim="Night shifts cost little.")
    bob = signed_in(verified_user(display_name="Bob Baker"))
    reply_con(bob, argument, "Wages rise at night.")
    reply_con(bob, argument, "Ships wait anyway.")

    inbox = open_inbox(signed_in(alice))
    newer, older = inbox.locator("li.notification").all()
    # Each button is named after its notice.
    expect(inbox.get_by_role("button", name="Mark read")).to_have_count(2)
    first = inbox.get_by_role(
        "button", name="Mark read: Bob Baker argued against your argument: “Ships wait anyway.”"
    )
    expect(first).to_have_count(1)
    assert axe(inbox) == []

    first.focus()
    inbox.keyboard.press("Enter")
    expect(newer).not_to_have_class(re.compile("notification--unread"))
    expect(newer.get_by_role("button")).to_have_count(0)
    expect(older).to_be_focused()
    expect(inbox.locator("#messages")).to_have_text("Marked as read.")
    expect(inbox.locator("#bell-count")).to_have_text("1 unread")
    # The list her stream brings afresh (at most every two seconds) leaves the focus there.
    inbox.wait_for_timeout(2500)
    expect(older).to_be_focused()

    # The last one marked, the focus goes to the heading; the live refresh leaves it there.
    older.get_by_role("button", name="Mark read").press("Enter")
    expect(older).not_to_have_class(re.compile("notification--unread"))
    expect(inbox.locator("#inbox-heading")).to_be_focused()
    expect(inbox.locator("#bell-count")).to_be_hidden()
    expect(inbox.get_by_role("button", name="Mark all read")).to_have_count(0)
    expect(inbox.locator("#inbox-heading")).to_be_focused()
    assert inbox.evaluate("window.__noReload") is True
    assert axe(inbox) == []


def test_mark_read_without_javascript_says_so(signed_in, transactional_db):
    alice = verified_user(display_name="Alice Archer")
    argument = ArgumentFactory(author=alice, claim="Night shifts cost little.")
    ArgumentFactory(motion=argument.motion, parent=argument, claim="Wages rise at night.")
    Notification.objects.create(
        recipient=alice, kind="reply", argument=Argument.objects.get(parent=argument)
    )
    page = signed_in(alice, javascript=False)
    page.goto("/notifications/")
    page.get_by_role("button", name="Mark read").click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    expect(page.locator("#messages")).to_have_text("Marked as read.")
    expect(page.get_by_role("button", name="Mark read")).to_have_count(0)
