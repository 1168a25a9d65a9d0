"""What arrives live looks as a reload would show it to that viewer (issue 17): the controls of a
member, an author and a moderator on a new argument, hidden text for moderators only, a lock that
closes what a reload would not offer, counts, and a polite summary for screen readers."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from accounts.services import grant_moderator
from debates import moderation, services, voting
from debates.models import Argument
from tests.browser.live_pages import open_live
from tests.factories import UserFactory, verified_user


def body(page, pk):
    return page.locator(f"#argument-{pk} > .argument__body")


def test_a_new_argument_arrives_with_each_viewers_controls(signed_in, page, seeded_live):
    target = Argument.objects.filter(depth=0).select_related("motion").first()
    url = target.motion.get_absolute_url()
    author = verified_user(display_name="Writer A")
    moderator = verified_user(display_name="Moderator M")
    grant_moderator(user=moderator)
    member = open_live(signed_in(verified_user(display_name="Reader B")), url)
    anonymous = open_live(page, url)
    # The author's other tab: the live copy of her post is all it gets.
    own_tab = open_live(signed_in(author), url)
    moderating = open_live(signed_in(moderator), url)

    reply, _ = services.post_argument(
        author=author, motion=target.motion, parent=target, stance="con", claim="Seen live."
    )

    for viewer in (member, anonymous, own_tab, moderating):
        expect(body(viewer, reply.pk)).to_contain_text("Seen live.")
    expect(body(member, reply.pk).get_by_role("link", name="Flag")).to_be_visible()
    expect(body(member, reply.pk).get_by_role("link", name="Edit")).to_have_count(0)
    expect(member.locator(f"#vote-argument-{reply.pk}-agree")).to_be_enabled()
    expect(body(anonymous, reply.pk).get_by_role("link", name="Flag")).to_have_count(0)

    own = body(own_tab, reply.pk)
    expect(own.get_by_role("link", name="Edit")).to_be_visible()
    expect(own.get_by_role("link", name="Retract")).to_be_visible()
    expect(own.get_by_role("link", name="Flag")).to_have_count(0)
    expect(own_tab.locator(f"#vote-argument-{reply.pk}-agree")).to_be_disabled()
    expect(own).to_contain_text("You cannot vote on your own argument.")

    expect(body(moderating, reply.pk).locator(".mod-tools")).to_have_count(1)
    expect(body(moderating, reply.pk).get_by_role("link", name="Flag")).to_be_visible()
    for viewer in (member, own_tab, moderating, anonymous):
        assert viewer.evaluate("window.__noReload") is True


def test_an_attributed_arguments_author_gets_her_tools_live_though_she_is_not_named(
    signed_in, seeded_live
):
    target = Argument.objects.filter(depth=0).select_related("motion").first()
    url = target.motion.get_absolute_url()
    author = verified_user(display_name="Writer C")
    own_tab = open_live(signed_in(author), url)
    member = open_live(signed_in(verified_user(display_name="Reader D")), url)

    # As an import or a moderator's correction leaves it: held by someone else, so the stream
    # does not name its author. Announced once this commits, with the attribution in place.
    with transaction.atomic():
        reply, _ = services.post_argument(
            author=author, motion=target.motion, parent=target, stance="pro", claim="Held by C."
        )
        Argument.objects.filter(pk=reply.pk).update(attribution="A cited analyst")

    own = body(own_tab, reply.pk)
    expect(own).to_contain_text("Held by C.")
    expect(own.get_by_role("link", name="Edit")).to_be_visible()
    expect(own.get_by_role("link", name="Flag")).to_have_count(0)
    expect(own_tab.locator(f"#vote-argument-{reply.pk}-agree")).to_be_disabled()
    expect(body(member, reply.pk).get_by_role("link", name="Flag")).to_be_visible()
    expect(body(member, reply.pk).get_by_role("link", name="Edit")).to_have_count(0)


def test_a_hidden_argument_keeps_its_text_for_moderators_only(signed_in, seeded_live):
    target = Argument.objects.filter(depth=0).select_related("motion", "author").first()
    url = target.motion.get_absolute_url()
    moderator = verified_user()
    grant_moderator(user=moderator)
    member = open_live(signed_in(UserFactory()), url)
    moderating = open_live(signed_in(moderator), url)

    moderation.hide_argument(moderator=moderator, argument=target, reason="Off topic.")

    expect(member.locator(f"#claim-{target.pk}")).to_have_text("[hidden by a moderator]")
    expect(body(member, target.pk)).not_to_contain_text("Off topic.")
    content = moderating.locator(f"#content-{target.pk}")
    expect(content).to_contain_text(target.claim)
    expect(content.locator(".notice--hidden")).to_contain_text("Hidden by a moderator: Off topic.")
    restore = body(moderating, target.pk).locator('.mod-tools form[action$="/restore/"]')
    expect(restore).to_have_count(1)


def test_a_live_lock_closes_replies_and_votes_and_an_unlock_reopens_them(signed_in, seeded_live):
    target = Argument.objects.filter(depth=0).select_related("motion").first()
    motion = target.motion
    reader = open_live(signed_in(verified_user()), motion.get_absolute_url())
    reader.locator(f"#argument-{target.pk} .reply-link").first.click()
    form = reader.locator(f"#reply-slot-{target.pk} form")
    form.get_by_label("Claim").fill("Typed before the lock.")
    moderator = verified_user()
    grant_moderator(user=moderator)

    moderation.lock_motion(moderator=moderator, motion=motion, reason="Cooling off.")

    expect(reader.locator(f"#argument-{target.pk} .reply-link").first).to_be_hidden()
    expect(form.get_by_role("button", name="Post argument")).to_be_disabled()
    expect(form.locator(".notice--closed")).to_contain_text("Cooling off.")
    expect(form.get_by_label("Claim")).to_have_value("Typed before the lock.")
    expect(reader.locator(f"#vote-argument-{target.pk}-agree")).to_be_disabled()
    expect(reader.locator("#motion-text")).to_contain_text("Voting is closed: the motion is locked")

    moderation.unlock_motion(moderator=moderator, motion=motion, reason="")

    expect(reader.locator(f"#argument-{target.pk} .reply-link").first).to_be_visible()
    expect(form.get_by_role("button", name="Post argument")).to_be_enabled()
    expect(form.locator(".notice--closed")).to_have_count(0)
    expect(reader.locator(f"#vote-argument-{target.pk}-agree")).to_be_enabled()
    assert reader.evaluate("window.__noReload") is True


def test_counts_follow_and_a_summary_is_announced(page, seeded_live):
    target = Argument.objects.filter(depth=0).select_related("motion").first()
    motion = target.motion
    reader = open_live(page, motion.get_absolute_url())
    size = reader.locator("#debate-size")
    before = int(size.inner_text())
    count = reader.locator(f"#count-{target.pk}")
    replies_before = int((count.text_content() or "0").split()[0])

    services.post_argument(
        author=verified_user(), motion=motion, parent=target, stance="pro", claim="Counted live."
    )

    expect(size).to_have_text(str(before + 1))
    expect(count).to_contain_text(f"{replies_before + 1} repl")
    news = reader.locator("#live-news")
    expect(news).to_have_attribute("aria-live", "polite")
    expect(news).to_have_text("New pro argument: Counted live.")

    voting.cast_vote(voter=UserFactory(), claim=target, choice="agree")
    expect(news).to_contain_text("Votes now")
    expect(news).to_contain_text(target.claim[:40])


def test_the_announcement_of_a_claim_hidden_since_is_not_kept(page, seeded_live):
    """The walk: spam announced live stayed in the screen readers' region until a reload."""
    target = Argument.objects.filter(depth=0).select_related("motion").first()
    reader = open_live(page, target.motion.get_absolute_url())
    spam, _ = services.post_argument(
        author=verified_user(), motion=target.motion, parent=target, stance="con", claim="Buy now."
    )
    news = reader.locator("#live-news")
    expect(news).to_have_text("New con argument: Buy now.")

    moderator = verified_user(display_name="Mod Nia")
    grant_moderator(user=moderator)
    moderation.hide_argument(moderator=moderator, argument=spam, reason="Spam")

    expect(body(reader, spam.pk)).to_have_attribute("data-withdrawn", "")
    expect(news).to_have_text("")


def test_a_suspended_member_gets_a_new_argument_as_her_reload_shows_it(signed_in, seeded_live):
    """Her buttons off (the page's banner says why), no Flag, no Reply: what a reload gives her."""
    target = Argument.objects.filter(depth=0).select_related("motion").first()
    url = target.motion.get_absolute_url()
    suspended = verified_user(display_name="Reader S")
    suspended.suspended_until = timezone.now() + timedelta(days=2)
    suspended.save(update_fields=["suspended_until"])
    her = open_live(signed_in(suspended), url)
    expect(her.locator(".debate__actions")).to_be_hidden()

    reply, _ = services.post_argument(
        author=verified_user(), motion=target.motion, parent=target, stance="pro", claim="New."
    )

    new = body(her, reply.pk)
    # The page's banner says why, once; the new argument's buttons are off without a note.
    expect(her.locator(".suspension-banner")).to_be_visible()
    expect(new).not_to_contain_text("You cannot vote")
    expect(her.locator(f"#vote-argument-{reply.pk}-agree")).to_be_disabled()
    expect(her.locator(f"#vote-argument-{reply.pk}-disagree")).to_be_disabled()
    expect(new.get_by_role("link", name="Flag")).to_have_count(0)
    expect(new.get_by_role("link", name="Reply")).to_be_hidden()
    assert her.evaluate("window.__noReload") is True
    her.reload()
    expect(body(her, reply.pk).get_by_role("link", name="Reply")).to_be_hidden()
    expect(her.locator(f"#vote-argument-{reply.pk}-agree")).to_be_disabled()


def test_a_withdrawn_argument_takes_its_follow_line_and_heading_along(signed_in, seeded_live):
    """Its author retracts it in place on its own page, and says so there; a moderator's hiding
    reaches a reader's copy of its page live: neither page offers to follow it any more, and
    each page's heading names it as its card does, as a reload would."""
    author = verified_user(display_name="Writer R")
    target = Argument.objects.filter(depth=0).select_related("motion").first()
    mine, _ = services.post_argument(
        author=author, motion=target.motion, parent=target, stance="pro", claim="Mine to take."
    )
    theirs, _ = services.post_argument(
        author=verified_user(), motion=target.motion, parent=target, stance="con", claim="Hid."
    )
    her = open_live(signed_in(author), mine.get_absolute_url())
    expect(her.locator(".debate__follow")).to_be_visible()
    her.once("dialog", lambda dialog: dialog.accept())
    body(her, mine.pk).get_by_role("link", name="Retract").click()
    expect(her.locator("#messages")).to_contain_text("Your argument is retracted.")
    expect(body(her, mine.pk)).to_contain_text("[retracted by its author]")
    expect(her.locator(".debate__follow")).to_be_hidden()
    expect(her.locator("h1")).to_have_text("Pro argument: [retracted by its author]")
    expect(her.get_by_text("Its author and moderators can still read its wording")).to_be_visible()

    reader = open_live(signed_in(verified_user(display_name="Reader F")), theirs.get_absolute_url())
    expect(reader.locator(".debate__follow")).to_be_visible()
    moderator = verified_user()
    grant_moderator(user=moderator)
    moderation.hide_argument(moderator=moderator, argument=theirs, reason="Spam.")
    expect(body(reader, theirs.pk)).to_contain_text("[hidden by a moderator]")
    expect(reader.locator(".debate__follow")).to_be_hidden()
    expect(reader.locator("h1")).to_have_text("Con argument: [hidden by a moderator]")
    expect(reader.locator("[data-while-withdrawn]")).to_have_count(0)  # her words are not his
    assert reader.evaluate("window.__noReload") is True


def test_a_lock_takes_an_authors_edit_away_live_and_unlocking_brings_it_back(
    signed_in, seeded_live
):
    """A locked motion takes no edits: the Edit a reload would not offer goes live too."""
    target = Argument.objects.filter(depth=0).select_related("motion").first()
    motion = target.motion
    author = verified_user(display_name="Writer E")
    mine, _ = services.post_argument(
        author=author, motion=motion, parent=target, stance="pro", claim="Mine, for now."
    )
    moderator = verified_user(display_name="Moderator E")
    grant_moderator(user=moderator)
    hers = open_live(signed_in(author), motion.get_absolute_url())
    edit = body(hers, mine.pk).get_by_role("link", name="Edit")
    expect(edit).to_be_visible()

    moderation.lock_motion(moderator=moderator, motion=motion, reason="Cooling off.")
    expect(hers.locator("#motion-status")).to_contain_text("This motion is locked")
    expect(edit).to_be_hidden()
    expect(body(hers, mine.pk).get_by_role("link", name="Retract")).to_be_visible()

    moderation.unlock_motion(moderator=moderator, motion=motion)
    expect(edit).to_be_visible()
    assert hers.evaluate("window.__noReload") is True
    hers.reload()
    expect(body(hers, mine.pk).get_by_role("link", name="Edit")).to_be_visible()


def test_a_suspension_and_its_lifting_reach_her_open_page(signed_in, seeded_live):
    """The walk: her page kept offering what the suspension took away until she reloaded."""
    target = Argument.objects.filter(depth=0).select_related("motion").first()
    member = verified_user(display_name="Reader T")
    her = open_live(signed_in(member), target.motion.get_absolute_url())
    agree = her.locator(f"#vote-argument-{target.pk}-agree")
    expect(agree).to_be_enabled()
    moderator = verified_user(display_name="Mod Ola")
    grant_moderator(user=moderator)

    moderation.suspend_user(moderator=moderator, user=member, days=3, reason="A cooling-off.")

    expect(her.locator(".suspension-banner")).to_contain_text("A cooling-off.")
    expect(agree).to_be_disabled()
    expect(her.locator("#live-status")).to_have_attribute("data-state", "live", timeout=15_000)

    moderation.unsuspend_user(moderator=moderator, user=member)

    expect(her.locator(".suspension-banner")).to_have_count(0)
    expect(agree).to_be_enabled()
