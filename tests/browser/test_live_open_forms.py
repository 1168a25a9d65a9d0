"""What a reader has open or typed and not sent stays through a live change, with the focus where
it was: a moderator's tools with a reason half typed, a member's flag form, and the outcome of
the moderator's own act. Everything else arrives as a reload would show it."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from accounts.services import grant_moderator
from debates import moderation, services
from debates.models import Flag, ModerationAction
from tests.browser.live_pages import open_live
from tests.factories import ArgumentFactory, MotionFactory, verified_user


def moderator_named(name):
    moderator = verified_user(display_name=name)
    grant_moderator(user=moderator)
    return moderator


def caret(field):
    return field.evaluate("field => [field.selectionStart, field.selectionEnd]")


def test_a_live_edit_keeps_a_moderators_reason_and_a_members_flag_note(signed_in, transactional_db):
    author = verified_user(display_name="Editing Author")
    motion = MotionFactory(author=verified_user(), title="Open forms stay open")
    argument = ArgumentFactory(motion=motion, author=author, claim="The first wording.")
    url = motion.get_absolute_url()
    mod = open_live(signed_in(moderator_named("Typing Moderator")), url)
    member = open_live(signed_in(verified_user(display_name="Typing Member")), url)

    tools = mod.locator(f"#argument-{argument.pk} .mod-tools")
    tools.locator("summary").click()
    reason = tools.get_by_label("Reason to hide")
    reason.fill("Half a reas")
    member.locator(f"#argument-{argument.pk} > .argument__body").get_by_role(
        "link", name="Flag"
    ).click()
    flag = member.locator(f"#flag-slot-argument-{argument.pk} .flag-form")
    flag.get_by_label("Other", exact=True).check()
    note = flag.get_by_label("Note")
    note.fill("Half a no")
    # Beside the argument's card, not in what the change replaces: her field is never touched.
    note.evaluate("note => note.addEventListener('blur', () => { window.__blurred = true; })")

    services.edit_argument(editor=author, argument=argument, claim="The second wording.")

    for page in (mod, member):
        expect(page.locator(f"#claim-{argument.pk}")).to_have_text("The second wording.")
        # Each page's own copy has come after the public one: the Flag link the public lacks.
        expect(page.locator(f"#flag-link-argument-{argument.pk}")).to_have_text("Flag")
        assert page.evaluate("window.__noReload") is True
    expect(tools).to_have_attribute("open", "")
    expect(reason).to_have_value("Half a reas")
    expect(reason).to_be_focused()
    assert caret(reason) == [11, 11]
    expect(flag.get_by_label("Other", exact=True)).to_be_checked()
    expect(note).to_have_value("Half a no")
    expect(note).to_be_focused()
    assert member.evaluate("window.__blurred") is None

    # Both go on typing where they were, and send what they typed, once.
    mod.keyboard.type("on.")
    member.keyboard.type("te.")
    flag.get_by_role("button", name="Send flag").click()
    expect(member.locator(".flag-form--done")).to_contain_text("Flagged.")
    assert Flag.objects.get().note == "Half a note."
    tools.get_by_role("button", name="Hide").click()
    expect(mod.locator(f"#argument-{argument.pk} .mod-tools__message")).to_have_text(
        "Argument hidden."
    )
    assert ModerationAction.objects.get().reason == "Half a reason."


def test_a_moderators_answer_in_place_stays_through_her_own_live_echo(signed_in, transactional_db):
    motion = MotionFactory(author=verified_user())
    argument = ArgumentFactory(motion=motion, author=verified_user(), claim="Buy cheap watches.")
    mod = open_live(signed_in(moderator_named("Hiding Moderator")), motion.get_absolute_url())
    tools = mod.locator(f"#argument-{argument.pk} .mod-tools")
    tools.locator("summary").click()
    tools.get_by_label("Reason to hide").fill("Advertising")

    # The act's echo on the stream makes the page ask for its own copy of the argument.
    own = re.compile(rf"/own/\?ids={argument.pk}$")
    with mod.expect_response(lambda response: own.search(response.url)):
        tools.get_by_role("button", name="Hide").click()
    mod.wait_for_timeout(500)  # what the page makes of that copy, if anything

    expect(tools).to_have_attribute("open", "")
    expect(tools.locator(".mod-tools__message")).to_have_text("Argument hidden.")
    expect(tools.get_by_label("Reason to restore")).to_be_visible()
    expect(mod.locator(f"#content-{argument.pk} .notice--hidden")).to_contain_text("Advertising")
    expect(mod.locator(f"#claim-{argument.pk}")).to_have_text("Buy cheap watches.")

    # Once she has moved on (closed the panel), the next change arrives as a reload shows it.
    tools.locator("summary").click()
    moderation.restore_argument(
        moderator=moderator_named("Second Moderator"), argument=argument, reason="On appeal"
    )
    expect(tools.get_by_label("Reason to hide")).to_be_attached()
    expect(tools.locator(".mod-tools__message")).to_have_count(0)
    expect(tools).not_to_have_attribute("open", "")
    assert mod.evaluate("window.__noReload") is True


def test_another_moderators_act_brings_its_forms_with_what_she_typed(signed_in, transactional_db):
    motion = MotionFactory(author=verified_user())
    argument = ArgumentFactory(motion=motion, author=verified_user())
    mod = open_live(signed_in(moderator_named("Slow Moderator")), motion.get_absolute_url())
    tools = mod.locator(f"#argument-{argument.pk} .mod-tools")
    tools.locator("summary").click()
    tools.get_by_label("Reason to hide").fill("Spam, I think")

    moderation.hide_argument(
        moderator=moderator_named("Quick Moderator"), argument=argument, reason="Spam"
    )

    # Hidden already: what a reload offers (restoring), open, with her words in it.
    reason = tools.get_by_label("Reason to restore")
    expect(reason).to_have_value("Spam, I think")
    expect(reason).to_be_focused()
    expect(tools).to_have_attribute("open", "")
    expect(tools.get_by_role("button", name="Hide")).to_have_count(0)


def test_a_live_change_to_the_motion_keeps_its_flag_note_and_a_moderators_reason(
    signed_in, transactional_db
):
    motion = MotionFactory(author=verified_user(), title="Motions keep forms too")
    ArgumentFactory(motion=motion, author=verified_user())
    url = motion.get_absolute_url()
    mod = open_live(signed_in(moderator_named("Panel Moderator")), url)
    member = open_live(signed_in(verified_user(display_name="Motion Flagger")), url)

    panel = mod.locator("#motion-moderation")
    panel.get_by_label("Reason to hide").fill("Duplicate of anoth")
    member.locator(".motion__flag").get_by_role("link", name="Flag").click()
    note = member.locator(f"#flag-slot-motion-{motion.pk}").get_by_label("Note")
    note.fill("Asked befo")

    moderation.lock_motion(
        moderator=moderator_named("Locking Moderator"), motion=motion, reason="Cooling off."
    )

    # Her panel is her own copy, as a reload has it: locked, so it offers to unlock.
    expect(panel.get_by_role("button", name="Unlock motion")).to_be_visible()
    expect(panel.get_by_label("Reason to hide")).to_have_value("Duplicate of anoth")
    expect(panel.get_by_label("Reason to hide")).to_be_focused()
    expect(member.locator("#motion-status")).to_contain_text("Cooling off.")
    expect(member.locator(f"#flag-link-motion-{motion.pk}")).to_have_text("Flag")
    expect(note).to_have_value("Asked befo")
    expect(note).to_be_focused()
    member.keyboard.type("re.")
    member.locator(f"#flag-slot-motion-{motion.pk}").get_by_label("Other", exact=True).check()
    member.get_by_role("button", name="Send flag").click()
    expect(member.locator(".flag-form--done")).to_contain_text("Flagged.")
    assert Flag.objects.get().note == "Asked before."


def test_a_motion_hidden_live_offers_neither_downloads_nor_following_until_restored(
    signed_in, page, transactional_db
):
    author = verified_user(display_name="Motion Author")
    motion = MotionFactory(author=author)
    ArgumentFactory(motion=motion, author=verified_user())
    url = motion.get_absolute_url()
    moderator = moderator_named("Hiding Moderator")
    # Its author still reads it hidden, live; so does a page that was open when it was hidden.
    own = open_live(signed_in(author), url)
    anonymous = open_live(page, url)
    member = open_live(signed_in(verified_user()), url)
    for viewer in (own, member):
        expect(viewer.locator(".debate__follow")).to_be_visible()
    for viewer in (own, anonymous, member):
        expect(viewer.locator(".debate__export > summary")).to_have_text("Download")
        expect(viewer.locator(".debate__export")).to_be_visible()

    moderation.hide_motion(moderator=moderator, motion=motion, reason="Spam")

    for viewer in (own, anonymous, member):
        expect(viewer.locator("#motion-status")).to_contain_text("A moderator has hidden")
        expect(viewer.locator(".debate__export")).to_be_hidden()
        expect(viewer.get_by_role("link", name="Follow this motion")).to_have_count(0)
    expect(own.locator(".debate__follow")).to_be_hidden()
    expect(member.locator(".debate__follow")).to_be_hidden()
    # As a reload shows it.
    own.reload()
    expect(own.locator(".debate__export")).to_be_hidden()
    expect(own.locator(".debate__follow")).to_be_hidden()
    open_live(own, url)

    moderation.restore_motion(moderator=moderator, motion=motion, reason="Not spam")

    for viewer in (own, anonymous, member):
        expect(viewer.locator("#motion-status")).not_to_contain_text("A moderator has hidden")
        viewer.locator(".debate__export > summary").click()
        expect(viewer.get_by_role("link", name="export.json")).to_be_visible()
        assert viewer.evaluate("window.__noReload") is True
    expect(own.locator(".debate__follow")).to_contain_text("You are following this motion")
    expect(member.get_by_role("link", name="Follow this motion")).to_be_visible()


def test_without_javascript_the_flag_link_leads_to_the_flag_page(
    signed_in, live_server, transactional_db
):
    argument = ArgumentFactory(author=verified_user(), claim="Read without scripts.")
    page = signed_in(verified_user(), javascript=False)
    page.goto(argument.motion.get_absolute_url())
    page.locator(f"#argument-{argument.pk} > .argument__body").get_by_role(
        "link", name="Flag"
    ).click()
    flag_page = reverse("flag_argument", args=[argument.motion.slug, argument.pk])
    expect(page).to_have_url(re.compile(re.escape(flag_page) + "$"))
    page.get_by_label("Spam", exact=True).check()
    page.get_by_role("button", name="Send flag").click()
    expect(page.get_by_role("status").first).to_contain_text("a moderator will review")
    live_server.wait_until_idle()
    assert Flag.objects.get().reason == "spam"


def test_an_argument_page_stops_offering_to_follow_while_its_motion_is_hidden_live(
    signed_in, transactional_db
):
    motion = MotionFactory()
    argument = ArgumentFactory(motion=motion, author=verified_user())
    moderator = moderator_named("Hiding Moderator")
    member = open_live(signed_in(verified_user()), argument.get_absolute_url())
    expect(member.get_by_role("link", name="Follow this argument")).to_be_visible()

    moderation.hide_motion(moderator=moderator, motion=motion, reason="Spam")
    expect(member.locator("#motion-status")).to_contain_text("A moderator has hidden")
    expect(member.locator(".debate__follow")).to_be_hidden()

    moderation.restore_motion(moderator=moderator, motion=motion, reason="Not spam")
    expect(member.get_by_role("link", name="Follow this argument")).to_be_visible()
    assert member.evaluate("window.__noReload") is True
