"""A flag goes to the review queue; a moderator hides the argument, checks the log, restores it."""

import re

from playwright.sync_api import expect

from accounts.services import grant_moderator
from debates import sources
from debates.models import Argument, Flag, ModerationAction
from tests.factories import ArgumentFactory, MotionFactory, verified_user


def mark_page(page):
    page.evaluate("window.__noReload = true")


def assert_not_reloaded(page):
    assert page.evaluate("window.__noReload") is True


def test_flag_review_hide_log_and_restore(signed_in, transactional_db):
    author = verified_user(display_name="Rude Rita")
    motion = MotionFactory(author=verified_user(), title="Cities should ban cars")
    argument = ArgumentFactory(
        motion=motion, author=author, claim="Only idiots drive into town centres."
    )
    ArgumentFactory(motion=motion, parent=argument, claim="Please keep it civil.")
    flagger = verified_user(display_name="Fair Fiona")
    moderator = verified_user(display_name="Moderator Max")
    grant_moderator(user=moderator)

    # The flagger flags the argument in place.
    reader = signed_in(flagger)
    reader.goto(motion.get_absolute_url())
    mark_page(reader)
    card = reader.locator(f"#argument-{argument.pk} > .argument__body")
    card.get_by_role("link", name="Flag").click()
    # Beside the argument's card, as a reply form is: a live change to the card leaves it be.
    slot = reader.locator(f"#argument-{argument.pk} > #flag-slot-argument-{argument.pk}")
    form = slot.locator(".flag-form form")
    expect(form).to_be_visible()
    expect(form.get_by_label("Spam", exact=True)).to_be_focused()
    form.get_by_label("Other", exact=True).check()
    form.get_by_role("button", name="Send flag").click()
    expect(slot.locator(".field__error")).to_contain_text("a note is needed")
    # The note it needs takes the focus, its error read out with it, not lost on the body.
    expect(slot.locator(".flag-form").get_by_label("Note")).to_be_focused()
    slot.locator(".flag-form").get_by_label("Abuse", exact=True).check()
    slot.locator(".flag-form").get_by_label("Note").fill("Calls people idiots.")
    slot.locator(".flag-form").get_by_role("button", name="Send flag").click()
    expect(slot.locator(".flag-form--done")).to_contain_text("Flagged.")
    expect(slot.locator(".flag-form--done")).to_be_focused()
    expect(card.locator(f"#flag-link-argument-{argument.pk}")).to_have_text("Flagged")
    assert_not_reloaded(reader)
    assert Flag.objects.get().reason == "abuse"
    # A reload says the same as the answer did.
    reader.reload()
    expect(card.locator(f"#flag-link-argument-{argument.pk}")).to_have_text("Flagged")
    mark_page(reader)

    # The moderator finds it in the queue and hides it with a reason, in place.
    mod = signed_in(moderator)
    mod.goto("/moderation/")
    mark_page(mod)
    entry = mod.locator(f"#queue-argument-{argument.pk}")
    expect(entry).to_contain_text("Only idiots drive into town centres.")
    expect(entry).to_contain_text("Abuse: 1")
    expect(entry).to_contain_text("Calls people idiots.")
    expect(entry).to_contain_text("Cities should ban cars")
    entry.get_by_label("Reason").fill("Personal insult")
    entry.get_by_role("button", name="Hide", exact=True).click()
    expect(entry).to_contain_text("Argument hidden.")
    expect(entry).to_be_focused()
    assert_not_reloaded(mod)
    assert Argument.objects.get(pk=argument.pk).is_hidden

    # The flagger's page shows it hidden, its reply still in place.
    reader.reload()
    claim = reader.locator(f"#claim-{argument.pk}")
    expect(claim).to_have_text("[hidden by a moderator]")
    expect(reader.locator("body")).not_to_contain_text("Only idiots")
    expect(reader.locator(f"#replies-{argument.pk}")).to_contain_text("Please keep it civil.")

    # The log shows the act; its entry links to the argument.
    mod.goto("/moderation/log/")
    row = mod.locator(".log__entry--hide")
    expect(row).to_contain_text("Moderator Max")
    expect(row).to_contain_text("Personal insult")
    row.locator("a.log__target").click()
    expect(mod).to_have_url(re.compile(re.escape(argument.get_absolute_url()) + "$"))

    # On the argument, the moderator still reads it with the notice, and restores it in place.
    mark_page(mod)
    body = mod.locator(f"#argument-{argument.pk} > .argument__body")
    expect(body.locator(".notice--hidden")).to_contain_text(
        "Hidden by a moderator: Personal insult"
    )
    expect(body.locator(f"#claim-{argument.pk}")).to_have_text(
        "Only idiots drive into town centres."
    )
    history_line = mod.get_by_text("Its author and moderators can still read its wording")
    expect(history_line).to_be_visible()
    body.locator(".mod-tools summary").click()
    body.get_by_label("Reason to restore").fill("Rewritten on appeal")
    body.get_by_role("button", name="Restore").click()
    body = mod.locator(f"#argument-{argument.pk} > .argument__body")
    # The restored argument, whichever copy lands last: the in-place answer says "Argument
    # restored.", but the page's own live copy of the change can arrive after it and replace it
    # with the public rendering (issue 17: live copies are not yet rendered per viewer).
    expect(body.locator(".notice--hidden")).to_have_count(0)
    expect(body.locator(f"#claim-{argument.pk}")).to_have_text(
        "Only idiots drive into town centres."
    )
    # As a reload has it: nothing is withdrawn, so nothing leads to its withdrawn wording.
    expect(history_line).to_be_hidden()
    assert_not_reloaded(mod)

    reader.reload()
    expect(reader.locator(f"#claim-{argument.pk}")).to_have_text(
        "Only idiots drive into town centres."
    )
    assert list(ModerationAction.objects.order_by("id").values_list("action", flat=True)) == [
        "hide",
        "restore",
    ]


def test_a_source_is_flagged_in_place_and_hidden_from_the_queue(signed_in, transactional_db):
    adder = verified_user(display_name="Pasting Pat")
    source = sources.add_source(adder=adder, title="Not what it claims", text="A made-up text.")
    moderator = verified_user(display_name="Moderator Max")
    grant_moderator(user=moderator)

    reader = signed_in(verified_user(display_name="Careful Cal"))
    reader.goto(source.get_absolute_url())
    mark_page(reader)
    flag_link = reader.get_by_role("link", name="Flag")
    flag_link.click()
    form = reader.locator(f"#flag-slot-source-{source.pk} .flag-form form")
    form.get_by_role("button", name="Cancel").click()
    expect(form).to_have_count(0)
    expect(flag_link).to_be_focused()
    flag_link.click()
    form.get_by_label("Other", exact=True).check()
    form.get_by_label("Note").fill("This is not the published essay.")
    form.get_by_role("button", name="Send flag").click()
    expect(reader.locator(".flag-form--done")).to_contain_text("Flagged.")
    expect(reader.locator(f"#flag-link-source-{source.pk}")).to_have_text("Flagged")
    assert_not_reloaded(reader)

    mod = signed_in(moderator)
    mod.goto("/moderation/")
    entry = mod.locator(f"#queue-source-{source.pk}")
    expect(entry).to_contain_text("Not what it claims")
    expect(entry).to_contain_text("This is not the published essay.")
    expect(entry).to_contain_text("Pasting Pat")
    entry.get_by_label("Reason").fill("Not the text it names")
    entry.get_by_role("button", name="Hide", exact=True).click()
    expect(entry).to_contain_text("Source hidden.")
    assert Flag.objects.get().status == Flag.Status.ACTIONED

    reader.goto(source.get_absolute_url())
    expect(reader.locator(".source-head")).to_contain_text("A moderator has hidden this source")
    expect(reader.get_by_role("link", name="Flag")).to_have_count(0)


def test_filtering_the_log_runs_no_script_into_an_error(signed_in, transactional_db):
    """The log's filter has a control named "action", which shadows the form's own action."""
    moderator = verified_user(display_name="Moderator Max")
    grant_moderator(user=moderator)
    page = signed_in(moderator)
    page.goto("/moderation/log/")
    page.get_by_label("Action").select_option(index=1)
    page.get_by_role("button", name=re.compile("Filter|Show")).click()
    expect(page).to_have_url(re.compile(r"action="))


def test_a_refused_act_in_the_queue_keeps_what_was_typed_in_its_entry(signed_in, transactional_db):
    author = verified_user(display_name="Rude Rita")
    arguments = [ArgumentFactory(author=author, claim=f"Insult number {n}.") for n in range(3)]
    for argument in arguments:
        Flag.objects.create(flagger=verified_user(), argument=argument, reason="abuse")
    moderator = verified_user(display_name="Moderator Max")
    grant_moderator(user=moderator)
    mod = signed_in(moderator)
    mod.goto("/moderation/")
    mark_page(mod)
    expect(mod.locator("#nav-queue")).to_have_text("Review queue 3")
    entry = mod.locator(f"#queue-argument-{arguments[1].pk}")
    reason = entry.get_by_label("Reason")
    reason.fill("")
    entry.get_by_label("Suspend for").select_option("30")
    suspend = entry.get_by_role("button", name="Hide and suspend author for 30 days")
    suspend.click()

    # The refusal in that entry alone, its field as typed, invalid, described and focused.
    expect(entry.locator("#" + f"queue-argument-{arguments[1].pk}-error")).to_have_text(
        "Give a reason: it is logged and shown with the notice."
    )
    expect(mod.locator("[role=alert]")).to_have_count(1)
    expect(reason).to_be_focused()
    expect(reason).to_have_value("")
    expect(reason).to_have_attribute("aria-invalid", "true")
    # (then the character count the page's script adds to every limited field)
    expect(reason).to_have_accessible_description(
        re.compile(r"^Give a reason: it is logged and shown with the notice\. 0 of 500")
    )
    expect(entry.get_by_label("Suspend for")).to_have_value("30")
    other = mod.locator(f"#queue-argument-{arguments[0].pk}")
    expect(other.get_by_label("Reason")).to_have_value("Flagged: abuse (1).")

    # Corrected, the act goes through, and the nav's count follows as a reload would.
    reason.fill("Personal insult")
    suspend.click()
    expect(entry).to_contain_text("Argument hidden.")
    expect(mod.locator("#nav-queue")).to_have_text("Review queue 2")
    assert_not_reloaded(mod)
    mod.reload()
    expect(mod.locator("#nav-queue")).to_have_text("Review queue 2")


def test_a_flag_sent_without_a_reason_says_so_on_its_choices(signed_in, transactional_db):
    argument = ArgumentFactory(claim="Nobody reads the details.")
    reader = signed_in(verified_user(display_name="Fair Fiona"))
    reader.goto(argument.get_absolute_url())
    reader.locator(f"#argument-{argument.pk} > .argument__body").get_by_role(
        "link", name="Flag"
    ).click()
    slot = reader.locator(f"#flag-slot-argument-{argument.pk}")
    slot.get_by_role("button", name="Send flag").click()
    choices = slot.get_by_role("group", name=re.compile("Why should a moderator look"))
    expect(choices).to_have_accessible_description("Choose why you are flagging this.")
    expect(choices.get_by_label("Spam", exact=True)).to_be_focused()
