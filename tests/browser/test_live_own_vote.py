"""Her own vote shows in her other tabs as it happens, as a reload would show it (issue 17): one
member, two pages of one motion in one browser session; what she presses in one is pressed in
the other, and what she withdraws is released, without a reload."""

from playwright.sync_api import expect

from debates.models import Argument
from tests.browser.live_pages import open_live, wait_until_subscribed
from tests.factories import verified_user


def test_her_vote_in_one_tab_is_pressed_in_her_other_tab(signed_in, seeded_live):
    target = Argument.objects.filter(depth=0).select_related("motion").first()
    url = target.motion.get_absolute_url()
    voter = verified_user(display_name="Voter V")
    first = open_live(signed_in(voter), url)
    second = open_live(first.context.new_page(), url)
    wait_until_subscribed(voter, pages=2)
    agree = f"#vote-argument-{target.pk}-agree"
    disagree = f"#vote-argument-{target.pk}-disagree"
    motion_agree = f"#vote-motion-{target.motion.pk}-agree"
    for page in (first, second):
        expect(page.locator(agree)).to_have_attribute("aria-pressed", "false")
        expect(page.locator(motion_agree)).to_have_attribute("aria-pressed", "false")

    first.locator(agree).click()
    expect(first.locator(agree)).to_have_attribute("aria-pressed", "true")
    expect(second.locator(agree)).to_have_attribute("aria-pressed", "true")

    first.locator(disagree).click()  # a switch
    expect(second.locator(disagree)).to_have_attribute("aria-pressed", "true")
    expect(second.locator(agree)).to_have_attribute("aria-pressed", "false")

    first.locator(disagree).click()  # the same choice again withdraws it
    expect(first.locator(disagree)).to_have_attribute("aria-pressed", "false")
    expect(second.locator(disagree)).to_have_attribute("aria-pressed", "false")
    expect(second.locator(agree)).to_have_attribute("aria-pressed", "false")

    # The motion's own vote too, and from the second tab back to the first; the tab she votes
    # in keeps the focus on the button she pressed.
    second.locator(motion_agree).click()
    expect(first.locator(motion_agree)).to_have_attribute("aria-pressed", "true")
    expect(second.locator(motion_agree)).to_be_focused()
    second.locator(motion_agree).click()
    expect(first.locator(motion_agree)).to_have_attribute("aria-pressed", "false")
    expect(second.locator(motion_agree)).to_have_attribute("aria-pressed", "false")

    # What a reload shows her is what each tab shows now.
    for page in (first, second):
        assert page.evaluate("window.__noReload") is True
        shown = [page.locator(s).get_attribute("aria-pressed") for s in (agree, disagree)]
        page.reload()
        reloaded = [page.locator(s).get_attribute("aria-pressed") for s in (agree, disagree)]
        assert shown == reloaded == ["false", "false"]


def test_a_vote_form_that_arrived_live_is_sent_with_the_pages_token(signed_in, seeded_live):
    """Her other tab's vote form came over the stream, which carries no one's CSRF field; sent
    as a plain form all the same, it takes the page's token, as the one a reload gives has."""
    target = Argument.objects.filter(depth=0).select_related("motion").first()
    url = target.motion.get_absolute_url()
    voter = verified_user(display_name="Voter W")
    first = open_live(signed_in(voter), url)
    second = open_live(first.context.new_page(), url)
    wait_until_subscribed(voter, pages=2)
    agree = f"#vote-argument-{target.pk}-agree"
    first.locator(agree).click()
    expect(second.locator(agree)).to_have_attribute("aria-pressed", "true")
    form = second.locator(agree).locator("xpath=ancestor::form")
    assert form.locator("input[name=csrfmiddlewaretoken]").count() == 0
    sent = form.evaluate(
        """form => {
            form.addEventListener("submit", (event) => event.preventDefault(), { once: true });
            form.dispatchEvent(new SubmitEvent("submit", { cancelable: true, bubbles: true }));
            return form.elements.csrfmiddlewaretoken?.value;
        }"""
    )
    page_token = second.evaluate(
        """JSON.parse(document.body.getAttribute("hx-headers:inherited"))["X-CSRFToken"]"""
    )
    assert sent and sent == page_token
