"""A member whose motion a moderator hid appeals from its page; the moderator who hid it is not
offered to decide; another keeps it hidden, and where the appeal stands reaches the author's open
page live. A moderator's act in place on a debate's page keeps the nav's count as a reload would,
and a reader's open page of an empty debate closed live says what a reload says."""

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from accounts.services import grant_moderator
from debates import moderation
from debates.models import Appeal, Flag
from tests.browser.live_pages import open_live, wait_until_subscribed
from tests.factories import ArgumentFactory, MotionFactory, verified_user

YOU_HID_IT = "You hid it: another moderator must review the appeal."


def moderator_named(name):
    person = verified_user(display_name=name)
    grant_moderator(user=person)
    return person


@pytest.fixture
def hidden(transactional_db):
    """Alice's motion, hidden by Mara; Second Mod decides Alice's appeal."""
    alice = verified_user(display_name="Alice")
    motion = MotionFactory(author=alice, title="Keyed motion title", claim="Keys open doors.")
    mara, second = moderator_named("Mara"), moderator_named("Second Mod")
    moderation.hide_motion(moderator=mara, motion=motion, reason="Off-topic motion")
    return SimpleNamespace(alice=alice, motion=motion, mara=mara, second=second)


def test_an_author_appeals_her_hidden_motion_and_another_moderator_decides(signed_in, axe, hidden):
    alice, motion, mara, second = hidden.alice, hidden.motion, hidden.mara, hidden.second

    # Alice reads the hiding on her motion's page, open in one tab, and appeals from another.
    reading = open_live(signed_in(alice), motion.get_absolute_url())
    wait_until_subscribed(alice, pages=1)
    text = reading.locator("#motion-text")
    expect(text.locator(".notice--hidden")).to_contain_text(
        "Hidden by a moderator: Off-topic motion"
    )
    state = reading.locator(f"#appeal-state-motion-{motion.pk}")
    expect(state.get_by_role("link", name="Ask a moderator to look again")).to_be_visible()
    bell = reading.locator("#bell-count")
    expect(bell).to_have_text("1 unread")  # told of the hiding

    appealing = reading.context.new_page()
    appealing.goto(motion.get_absolute_url())
    appealing.get_by_role("link", name="Ask a moderator to look again").click()
    expect(appealing.get_by_role("heading", name="Ask a moderator to look again")).to_be_visible()
    expect(appealing.locator("blockquote")).to_contain_text("Keyed motion title")
    assert axe(appealing) == []
    note = appealing.get_by_label("Why should a moderator look again?")
    expect(note).to_have_attribute("dir", "auto")
    note.fill("It is the debate the site was made for.")
    appealing.get_by_role("button", name="Send the appeal").click()
    expect(appealing.locator("#messages")).to_contain_text(
        "Your appeal is sent: a moderator will look at your motion again."
    )
    expect(appealing.locator(f"#appeal-state-motion-{motion.pk}")).to_have_text(
        "Your appeal is waiting for a moderator."
    )
    # Her other tab hears of it on her own channel, with no reload.
    expect(state).to_have_text("Your appeal is waiting for a moderator.")

    # Mara, who hid it, finds it listed but hers to leave: no count, no buttons.
    hider = signed_in(mara)
    hider.goto("/moderation/appeals/")
    entry = hider.locator(f"#appeal-{Appeal.objects.get().pk}")
    expect(entry).to_contain_text("Keyed motion title")
    expect(entry).to_contain_text(YOU_HID_IT)
    expect(entry.get_by_role("button")).to_have_count(0)
    expect(hider.locator("#nav-queue")).to_have_text("Review queue")

    # Second Mod is told of it in the nav, and keeps it hidden.
    decider = signed_in(second)
    decider.goto("/")
    expect(decider.locator("#nav-queue")).to_have_text("Review queue 1")
    decider.goto("/moderation/appeals/")
    entry = decider.locator(f"#appeal-{Appeal.objects.get().pk}")
    expect(entry).to_contain_text("A motion, and its debate with it")
    expect(entry).to_contain_text("It is the debate the site was made for.")
    expect(entry).to_contain_text("Hidden by Mara")
    assert axe(decider) == []
    entry.get_by_label("Why keep it hidden").fill("Still off-topic for this site")
    entry.get_by_role("button", name="Keep hidden").click()
    expect(decider.locator("#messages")).to_contain_text(
        "Appeal declined: the motion stays hidden, and its author is told why."
    )
    expect(decider.get_by_text("No open appeals")).to_be_visible()

    # Alice's open page says so as a reload would, and her bell rings.
    expect(state).to_contain_text("Your appeal was declined on")
    expect(state).to_contain_text("a moderator kept it hidden: Still off-topic for this site.")
    expect(state.get_by_role("link")).to_have_count(0)
    expect(bell).to_have_text("2 unread")
    assert reading.evaluate("window.__noReload") is True
    shown = state.inner_html()
    reading.reload()
    expect(state).to_contain_text("Your appeal was declined on")
    assert state.inner_html() == shown
    reading.goto("/notifications/?kind=moderation")
    expect(reading.locator(".notification").first).to_contain_text(
        "Your motion “Keyed motion title” was kept hidden after your appeal: "
        "Still off-topic for this site."
    )


@pytest.mark.parametrize("where", ["argument", "motion"])
def test_hiding_in_place_on_a_debate_page_counts_down_the_nav(signed_in, transactional_db, where):
    flagged = [ArgumentFactory(claim=f"Buy cheap watches {n}") for n in range(2)]
    for argument in flagged:
        Flag.objects.create(flagger=verified_user(), argument=argument, reason="spam")
    mara = moderator_named("Mara")
    argument = flagged[0]
    page = signed_in(mara)
    page.goto(
        argument.get_absolute_url() if where == "argument" else argument.motion.get_absolute_url()
    )
    page.evaluate("window.__noReload = true")
    expect(page.locator("#nav-queue")).to_have_text("Review queue 2")
    body = page.locator(f"#argument-{argument.pk} > .argument__body")
    body.locator(".mod-tools summary").click()
    body.get_by_label("Reason to hide").fill("Spam")
    body.get_by_role("button", name="Hide").click()
    expect(page.locator(f"#argument-{argument.pk} .notice--hidden")).to_contain_text("Spam")
    expect(page.locator("#nav-queue")).to_have_text("Review queue 1")
    assert page.evaluate("window.__noReload") is True
    page.reload()
    expect(page.locator("#nav-queue")).to_have_text("Review queue 1")


def test_a_readers_open_empty_debate_hidden_live_says_what_a_reload_says(
    page, signed_in, transactional_db
):
    motion = MotionFactory(title="Keyed motion title")
    mara = moderator_named("Mara")
    reader = open_live(page, motion.get_absolute_url())
    empty = reader.locator("#debate-empty")
    expect(empty).to_have_text(
        "No arguments yet. Be the first to argue for or against this motion."
    )

    moderating = signed_in(mara)
    moderating.goto(motion.get_absolute_url())
    moderating.get_by_label("Reason to hide").fill("Off-topic motion")
    moderating.once("dialog", lambda dialog: dialog.accept())
    moderating.get_by_role("button", name="Hide motion").click()
    expect(moderating.locator("#messages")).to_contain_text("Motion hidden.")

    expect(reader.locator("#motion-status")).to_contain_text("A moderator has hidden this motion")
    expect(empty).to_have_text("No arguments yet.")
    assert reader.evaluate("window.__noReload") is True
    reader.reload()
    expect(empty).to_have_text("No arguments yet.")
