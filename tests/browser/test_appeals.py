"""The author of a hidden argument appeals from its page; a moderator restores it from the
appeals page; the author's argument stands again. Where her appeal stands reaches her open pages
live."""

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from accounts.services import grant_moderator
from debates import moderation
from debates.models import Appeal
from tests.browser.live_pages import open_live, wait_until_subscribed
from tests.factories import ArgumentFactory, MotionFactory, verified_user


@pytest.fixture
def hidden(transactional_db):
    """Ann's argument, hidden by one moderator (Hal); another (Cleo) decides her appeal."""
    author = verified_user(display_name="Appealing Ann")
    motion = MotionFactory(author=verified_user(), title="Cities should ban cars")
    argument = ArgumentFactory(motion=motion, author=author, claim="Car parks waste the centre.")
    hider = verified_user(display_name="Hasty Hal")
    grant_moderator(user=hider)
    moderator = verified_user(display_name="Careful Cleo")
    grant_moderator(user=moderator)
    moderation.hide_argument(moderator=hider, argument=argument, reason="Looked like spam")
    return SimpleNamespace(author=author, argument=argument, moderator=moderator)


def test_an_author_appeals_and_a_moderator_restores(signed_in, axe, hidden):
    author, argument, moderator = hidden.author, hidden.argument, hidden.moderator

    # The author reads the hiding on the argument's page and appeals: plain pages and forms (her
    # browser runs no JavaScript), the moderator's with it.
    ann = signed_in(author, javascript=False)
    ann.goto(argument.get_absolute_url())
    body = ann.locator(f"#body-{argument.pk}")
    expect(body).to_contain_text("Hidden by a moderator")
    body.get_by_role("link", name="Ask a moderator to look again").click()
    expect(ann.get_by_role("heading", name="Ask a moderator to look again")).to_be_visible()
    # The form as a browser with JavaScript shows it breaks no accessibility rule either.
    checked = signed_in(author)
    checked.goto(ann.url)
    assert axe(checked) == []
    note = ann.get_by_label("Why should a moderator look again?")
    expect(note).to_have_attribute("dir", "auto")
    note.fill("It is about parking policy, not an advert.")
    ann.get_by_role("button", name="Send the appeal").click()
    expect(ann.locator("#messages")).to_contain_text("Your appeal is sent")
    expect(body).to_contain_text("Your appeal is waiting for a moderator.")
    expect(body.get_by_role("link", name="Ask a moderator to look again")).to_have_count(0)

    # Another moderator hears of it in the nav, and finds it on the appeals page, linked from
    # the review queue with how many wait.
    cleo = signed_in(moderator)
    cleo.goto("/")
    expect(cleo.locator("#nav-queue")).to_have_text("Review queue 1")
    cleo.goto("/moderation/")
    cleo.get_by_role("link", name="Appeals 1 waiting", exact=True).click()
    appeal = Appeal.objects.get()
    entry = cleo.locator(f"#appeal-{appeal.pk}")
    expect(entry).to_contain_text("Car parks waste the centre.")
    expect(entry).to_contain_text("Looked like spam")
    expect(entry).to_contain_text("It is about parking policy, not an advert.")
    expect(entry).to_contain_text("Appealing Ann")
    assert axe(cleo) == []
    entry.get_by_label("Why restore it").fill("On topic after all")
    entry.get_by_role("button", name="Restore").click()
    expect(cleo.locator("#messages")).to_contain_text("Argument restored. The appeal is upheld.")
    expect(cleo.get_by_text("No open appeals")).to_be_visible()

    # The author's argument stands again, for her as for everyone.
    ann.reload()
    body = ann.locator(f"#body-{argument.pk}")
    expect(body.locator(f"#claim-{argument.pk}")).to_have_text("Car parks waste the centre.")
    expect(body).not_to_contain_text("Hidden by a moderator")
    expect(body).not_to_contain_text("appeal")
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.UPHELD


def test_where_her_appeal_stands_reaches_her_open_pages_live(signed_in, hidden):
    """Appealing in one tab changes her other tab's copy of the argument, and a moderator's
    declining (in a browser of his own) changes her open page, with no reload: as a reload then
    shows it. Nobody else's page changes, so the word goes on her own channel alone."""
    author, argument, moderator = hidden.author, hidden.argument, hidden.moderator

    url = argument.motion.get_absolute_url()
    reading = open_live(signed_in(author), url)
    appealing = open_live(reading.context.new_page(), url)
    wait_until_subscribed(author, pages=2)
    state = reading.locator(f"#appeal-state-{argument.pk}")
    expect(state.get_by_role("link", name="Ask a moderator to look again")).to_be_visible()

    appealing.locator(f"#appeal-state-{argument.pk}").get_by_role(
        "link", name="Ask a moderator to look again"
    ).click()
    appealing.get_by_label("Why should a moderator look again?").fill("It is about parking.")
    appealing.get_by_role("button", name="Send the appeal").click()
    expect(appealing.locator("#messages")).to_contain_text("Your appeal is sent")
    expect(state).to_have_text("Your appeal is waiting for a moderator.")

    cleo = signed_in(moderator)
    cleo.goto("/moderation/appeals/")
    entry = cleo.locator(f"#appeal-{Appeal.objects.get().pk}")
    entry.get_by_label("Why keep it hidden").fill("Still reads as an advert")
    entry.get_by_role("button", name="Keep hidden").click()
    expect(cleo.get_by_text("No open appeals")).to_be_visible()

    expect(state).to_contain_text("Your appeal was declined on")
    expect(state).to_contain_text("a moderator kept it hidden: Still reads as an advert.")
    expect(state.get_by_role("link")).to_have_count(0)
    assert reading.evaluate("window.__noReload") is True
    content = reading.locator(f"#content-{argument.pk}")
    shown = content.inner_html()
    reading.reload()
    expect(content).to_contain_text("Your appeal was declined on")
    assert content.inner_html() == shown
