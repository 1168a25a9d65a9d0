"""Moderation and retractions that arrive live are said in the page's polite region
(#live-news), once each, as the page now says them: a lock with its reason, an unlocking, a
hiding or restoring of the motion or of an argument, a retraction; never a hidden claim's words,
and never the viewer's own act, which its answer in place already says."""

import time

from playwright.sync_api import expect

from accounts.services import grant_moderator
from debates import bulk_moderation, moderation, services
from debates.models import Argument
from tests.browser.live_pages import open_live
from tests.factories import UserFactory, verified_user

# Every text the region is given, in order (emptied, it says nothing: left out).
RECORD = """() => {
  window.__said = [];
  const news = document.getElementById("live-news");
  new MutationObserver(() => {
    if (news.textContent) window.__said.push(news.textContent);
  }).observe(news, { childList: true, characterData: true, subtree: true });
}"""


def listening(page, url):
    open_live(page, url)
    page.evaluate(RECORD)
    return page


def said(page):
    return page.evaluate("window.__said")


def shortened(text, most):
    text = " ".join(text.split())
    return text if len(text) <= most else f"{text[: most - 1]}…"


def moderator_named(name):
    person = verified_user(display_name=name)
    grant_moderator(user=person)
    return person


def test_moderation_and_a_retraction_arriving_live_are_said_once_each(signed_in, seeded_live):
    reply = (
        Argument.objects.filter(depth=1, parent__visibility="visible")
        .select_related("motion", "parent")
        .first()
    )
    motion = reply.motion
    reader = listening(signed_in(UserFactory()), motion.get_absolute_url())
    news = reader.locator("#live-news")
    moderator = moderator_named("Mod Mia")

    moderation.lock_motion(moderator=moderator, motion=motion, reason="Cooling off.")
    locked = "This motion is locked: it takes no new arguments or votes. Reason: Cooling off."
    expect(news).to_have_text(locked)
    moderation.unlock_motion(moderator=moderator, motion=motion)
    unlocked = "This motion is unlocked: it takes new arguments and votes again."
    expect(news).to_have_text(unlocked)

    moderation.hide_argument(moderator=moderator, argument=reply, reason="Off topic.")
    answered = shortened(reply.parent.claim, 80)
    hidden = (
        f"An argument was hidden by a moderator: a {reply.stance} argument replying to “{answered}”"
    )
    expect(news).to_have_text(hidden)
    moderation.restore_argument(moderator=moderator, argument=reply, reason="Fine after all.")
    restored = f"An argument was restored by a moderator: {shortened(reply.claim, 120)}"
    expect(news).to_have_text(restored)

    mine, _ = services.post_argument(
        author=verified_user(), motion=motion, parent=None, stance="con", claim="Mine to take."
    )
    expect(news).to_have_text("New con argument: Mine to take.")
    services.retract_argument(author=mine.author, argument=mine)
    retracted = "An argument was retracted by its author: a con argument on the motion"
    expect(news).to_have_text(retracted)

    moderation.hide_motion(moderator=moderator, motion=motion, reason="Spam.")
    motion_hidden = "A moderator has hidden this motion: it takes no new arguments or votes."
    expect(news).to_have_text(motion_hidden)

    assert said(reader) == [
        locked,
        unlocked,
        hidden,
        restored,
        "New con argument: Mine to take.",
        retracted,
        motion_hidden,
    ]
    assert reader.evaluate("window.__noReload") is True


def test_a_hidden_motion_restored_is_said_to_a_moderator_reading_it(signed_in, seeded_live):
    """A hidden motion's stream reaches moderators: its restoring is said to another one."""
    motion = Argument.objects.filter(depth=0).select_related("motion").first().motion
    acting = moderator_named("Mod Axn")
    reader = listening(signed_in(moderator_named("Mod Mia")), motion.get_absolute_url())
    news = reader.locator("#live-news")

    moderation.hide_motion(moderator=acting, motion=motion, reason="Spam.")
    expect(news).to_have_text(
        "A moderator has hidden this motion: it takes no new arguments or votes."
    )
    moderation.lock_motion(moderator=acting, motion=motion, reason="Cooling off.")
    expect(news).to_have_text(
        "This motion is locked: it takes no new arguments or votes. Reason: Cooling off."
    )
    moderation.restore_motion(moderator=acting, motion=motion, reason="Not spam.")
    expect(news).to_have_text(
        "A moderator has restored this motion. This motion is locked: it takes no new arguments"
        " or votes. Reason: Cooling off."
    )
    moderation.unlock_motion(moderator=acting, motion=motion)
    expect(news).to_have_text("This motion is unlocked: it takes new arguments and votes again.")
    assert len(said(reader)) == 4


def test_a_hidden_claim_s_words_are_never_said(signed_in, seeded_live):
    """A reply to an argument that is itself hidden does not quote it, even to a moderator who
    reads it; nor does an argument hidden say its own words."""
    target = Argument.objects.filter(depth=0).select_related("motion").first()
    motion = target.motion
    spam, _ = services.post_argument(
        author=verified_user(), motion=motion, parent=target, stance="pro", claim="SECRET-SPAM"
    )
    answer, _ = services.post_argument(
        author=verified_user(), motion=motion, parent=spam, stance="con", claim="Nonsense."
    )
    acting = moderator_named("Mod Axn")
    moderation.hide_argument(moderator=acting, argument=spam, reason="Spam.")
    reader = listening(signed_in(moderator_named("Mod Mia")), motion.get_absolute_url())
    expect(reader.locator(f"#claim-{spam.pk}")).to_have_text("SECRET-SPAM")

    moderation.hide_argument(moderator=acting, argument=answer, reason="Feeding the troll.")
    expect(reader.locator("#live-news")).to_have_text(
        "An argument was hidden by a moderator: a con argument replying to one no longer shown"
    )
    assert not any("SECRET-SPAM" in text or "Nonsense" in text for text in said(reader))


def answer_late(route):
    response = route.fetch()
    time.sleep(1.5)
    route.fulfill(response=response)


def test_her_own_act_in_place_is_not_said_again(signed_in, seeded_live):
    """A moderator hiding an argument, an author retracting hers: each is told by the answer in
    place, and the live copy of the same change, before or after it, adds nothing."""
    target = Argument.objects.filter(depth=0, visibility="visible").select_related("motion")[0]
    motion = target.motion
    author = verified_user(display_name="Writer R")
    mine, _ = services.post_argument(
        author=author, motion=motion, parent=target, stance="pro", claim="Mine to take."
    )
    other, _ = services.post_argument(
        author=verified_user(), motion=motion, parent=target, stance="con", claim="Later news."
    )
    moderator = moderator_named("Mod Mia")
    hers = listening(signed_in(moderator), motion.get_absolute_url())
    writer = listening(signed_in(author), motion.get_absolute_url())

    hidden_target = (
        f"An argument was hidden by a moderator: a {target.stance} argument on the motion"
    )
    retracted_mine = (
        "An argument was retracted by its author: a pro argument replying to one no longer shown"
    )
    hidden_other = (
        "An argument was hidden by a moderator: a con argument replying to one no longer shown"
    )

    # Each answer is held back until the live copy of the same change is surely in: the copy
    # that comes first is hers all the same.
    for page, act in ((hers, "hide"), (writer, "retract")):
        page.route(f"**/arguments/*/{act}/", answer_late)
    tools = hers.locator(f"#body-{target.pk} .mod-tools")
    tools.locator("summary").click()
    tools.get_by_label("Reason to hide").fill("Off topic.")
    tools.get_by_role("button", name="Hide").click()
    expect(hers.locator(f"#body-{target.pk} .mod-tools__message")).to_be_visible()
    expect(writer.locator("#live-news")).to_have_text(hidden_target)

    writer.once("dialog", lambda dialog: dialog.accept())
    writer.locator(f"#body-{mine.pk}").get_by_role("link", name="Retract").click()
    expect(writer.locator(f"#claim-{mine.pk}")).to_have_text("[retracted by its author]")
    expect(hers.locator("#live-news")).to_have_text(retracted_mine)

    # Whatever the stream brought of their own acts came before this, which each page says.
    moderation.hide_argument(moderator=moderator_named("Mod Axn"), argument=other, reason="X.")
    for page in (hers, writer):
        expect(page.locator("#live-news")).to_have_text(hidden_other)
    assert said(writer) == [hidden_target, hidden_other]
    assert said(hers) == [retracted_mine, hidden_other]


def test_acts_that_arrive_together_are_counted_in_one_sentence(signed_in, seeded_live):
    motion = Argument.objects.filter(depth=0).select_related("motion").first().motion
    spammer = verified_user(display_name="Spam Sam")
    for claim in ("Buy one.", "Buy two."):
        services.post_argument(
            author=spammer, motion=motion, parent=None, stance="pro", claim=claim
        )
    reader = listening(signed_in(UserFactory()), motion.get_absolute_url())

    bulk_moderation.hide_arguments_by(
        moderator=moderator_named("Mod Mia"), member=spammer, reason="Spam wave", days=1
    )
    expect(reader.locator("#live-news")).to_have_text("2 arguments were hidden by a moderator.")
    assert said(reader) == ["2 arguments were hidden by a moderator."]
