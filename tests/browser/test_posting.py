from django.urls import reverse
from playwright.sync_api import expect

from debates.models import Argument
from tests.factories import verified_user


def actions(page, pk):
    return page.locator(f"#argument-{pk} > .argument__body > .argument__footer")


def mark_page(page):
    """A flag on window that a reload would wipe: proves the work happened in place."""
    page.evaluate("window.__noReload = true")


def assert_not_reloaded(page):
    assert page.evaluate("window.__noReload") is True


def test_member_argues_in_place_and_edits_then_retracts(signed_in, seeded_live):
    member = verified_user(display_name="Ada Lovelace")
    target = Argument.objects.filter(attribution="Simon Saradzhyan", depth=0).first()
    page = signed_in(member)
    page.goto(target.motion.get_absolute_url())
    mark_page(page)

    actions(page, target.pk).get_by_role("link", name="Reply").click()
    form = page.locator(f"#reply-slot-{target.pk} form")
    expect(form).to_be_visible()

    # Sent empty, the form says all that is missing at once, in place.
    form.get_by_role("button", name="Post argument").click()
    expect(form.locator(".field__error")).to_have_text(
        ["Choose whether you argue pro or con.", "Write the claim you want to make."]
    )
    form.get_by_label("Con").check()
    form.get_by_role("button", name="Post argument").click()
    expect(form.locator(".field__error")).to_have_text(["Write the claim you want to make."])

    form.get_by_label("Claim").fill("Anchoring can fail quietly without intervention.")
    form.get_by_role("button", name="Post argument").click()
    con = page.locator(f"#replies-{target.pk} > li.argument--con").filter(
        has_text="Anchoring can fail quietly"
    )
    expect(con).to_be_visible()
    expect(page.locator(f"#reply-slot-{target.pk} form")).to_have_count(0)
    con_argument = Argument.objects.get(claim__startswith="Anchoring can fail quietly")
    assert con_argument.parent_id == target.pk

    actions(page, con_argument.pk).get_by_role("link", name="Reply").click()
    inner = page.locator(f"#reply-slot-{con_argument.pk} form")
    inner.get_by_label("Pro").check()
    inner.get_by_label("Claim").fill("Indeed: the CSTO allies noticed.")
    inner.get_by_role("button", name="Post argument").click()
    pro = page.locator(f"#replies-{con_argument.pk} > li.argument--pro")
    expect(pro).to_contain_text("Indeed: the CSTO allies noticed.")
    expect(pro.locator(".stance").first).to_have_text("Pro")
    assert_not_reloaded(page)

    # Editing is a page of its own; the earlier wording stays on the history page.
    page.goto(con_argument.get_absolute_url())
    actions(page, con_argument.pk).get_by_role("link", name="Edit").click()
    page.get_by_label("Claim").fill("Anchoring fails quietly without timely intervention.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(f"#claim-{con_argument.pk}")).to_have_text(
        "Anchoring fails quietly without timely intervention."
    )
    page.locator(f"#argument-{con_argument.pk} > .argument__body").get_by_role(
        "link", name="edited"
    ).click()
    expect(page.get_by_role("heading", name="History of this argument")).to_be_visible()
    expect(page.locator(".history__version--old")).to_contain_text(
        "Anchoring can fail quietly without intervention."
    )

    # Retracting asks first, then leaves a placeholder with the replies in place.
    page.goto(target.motion.get_absolute_url())
    mark_page(page)
    page.once("dialog", lambda dialog: dialog.accept())
    actions(page, con_argument.pk).get_by_role("link", name="Retract").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#claim-{con_argument.pk}")).to_have_text("[retracted by its author]")
    # The focus was on the link the retraction took away: it goes to the retracted argument.
    expect(page.locator(f"#argument-{con_argument.pk}")).to_be_focused()
    expect(page.locator(f"#replies-{con_argument.pk}")).to_contain_text("the CSTO allies noticed")
    assert_not_reloaded(page)


def test_posting_works_without_javascript(signed_in, seeded_live):
    member = verified_user()
    page = signed_in(member, javascript=False)
    target = Argument.objects.filter(depth=1).first()
    page.goto(target.get_absolute_url())
    actions(page, target.pk).get_by_role("link", name="Reply").click()
    expect(page.get_by_role("heading", name="Reply to an argument")).to_be_visible()
    page.get_by_label("Pro").check()
    page.get_by_label("Claim").fill("Plain forms still work.")
    page.get_by_role("button", name="Post argument").click()
    created = Argument.objects.get(claim="Plain forms still work.")
    assert page.url.endswith(created.get_absolute_url())
    expect(page.locator(f"#claim-{created.pk}")).to_have_text("Plain forms still work.")


def test_the_reply_page_with_javascript_shows_what_was_posted(signed_in, seeded_live):
    """The stand-alone reply page (a link opened in a new tab, say) has no tree to put the new
    argument in: posting from it with JavaScript on must still show the result."""
    member = verified_user()
    target = Argument.objects.filter(depth=1).first()
    page = signed_in(member)
    page.goto(reverse("reply", args=[target.motion.slug, target.pk]))
    expect(page.get_by_role("heading", name="Reply to an argument")).to_be_visible()
    page.get_by_label("Con").check()
    page.get_by_label("Claim").fill("Posted from the page of its own.")
    page.get_by_role("button", name="Post argument").click()
    expect(page.get_by_role("status").filter(has_text="Your argument is posted.")).to_be_visible()
    created = Argument.objects.get(claim="Posted from the page of its own.")
    expect(page.locator(f"#claim-{created.pk}")).to_have_text("Posted from the page of its own.")
    assert page.url.endswith(created.get_absolute_url())
