"""A moderator clears up after a spam wave from the spammer's profile; a reader of the debate
sees the spam go, live, and its author's bell rings once for the act."""

from playwright.sync_api import expect

from accounts.services import grant_moderator
from tests.browser.live_pages import open_live
from tests.factories import ArgumentFactory, MotionFactory, verified_user


def test_a_members_arguments_hidden_in_one_act_go_live(signed_in, page, transactional_db):
    spammer = verified_user(display_name="Spam Sam")
    motion = MotionFactory(title="Trams beat buses")
    spam = [
        ArgumentFactory(motion=motion, author=spammer, claim=f"Cheap watches {n}") for n in (1, 2)
    ]
    fair = ArgumentFactory(motion=motion, claim="Trams carry more people.")
    moderator = verified_user(display_name="Moderator Mo")
    grant_moderator(user=moderator)

    reader = open_live(page, motion.get_absolute_url())
    author = open_live(signed_in(spammer), motion.get_absolute_url())
    mod = signed_in(moderator)
    mod.goto(spammer.get_absolute_url())
    mod.get_by_role("link", name="Hide their arguments").click()
    mod.get_by_role("button", name="Hide them").click()
    # Nothing chosen: the browser asks for a window before anything is sent.
    expect(mod.get_by_role("heading", level=1)).to_have_text("Hide arguments by Spam Sam")
    mod.get_by_label("Posted in the last day (2)").check()
    mod.get_by_label("Reason").fill("Spam wave")
    mod.get_by_role("button", name="Hide them").click()
    expect(mod.locator("#messages")).to_contain_text("2 arguments by Spam Sam hidden.")
    assert mod.url.endswith(spammer.get_absolute_url())

    for argument in spam:
        expect(reader.locator(f"#claim-{argument.pk}")).to_have_text("[hidden by a moderator]")
    expect(reader.locator(f"#claim-{fair.pk}")).to_have_text("Trams carry more people.")
    assert reader.evaluate("window.__noReload") is True

    # Its author is told once, saying how many, in the bell and in the inbox.
    expect(author.locator("#bell-count")).to_have_text("1 unread")
    author.goto("/notifications/")
    notices = author.locator("li.notification")
    expect(notices).to_have_count(1)
    expect(notices).to_contain_text(
        "Your argument “Cheap watches 1” and 1 more were hidden by a moderator: Spam wave."
    )
    # Each may be appealed on its own, so the notice leads to every one.
    notices.get_by_text("The other 1").click()
    notices.get_by_role("link", name="“Cheap watches 2”").click()
    expect(author.locator(f"#claim-{spam[1].pk}")).to_contain_text("Cheap watches 2")
    expect(author.get_by_role("link", name="Ask a moderator to look again")).to_be_visible()
