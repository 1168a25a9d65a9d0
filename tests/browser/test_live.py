import time

from django.urls import reverse
from playwright.sync_api import expect

from accounts.services import grant_moderator
from debates import moderation, queries, services, voting
from debates.live import broker, paths
from debates.live.fanout import HOME, STALE, member_channel
from debates.models import Argument
from tests.browser.live_pages import open_live
from tests.factories import ArgumentFactory, MotionFactory, UserFactory, verified_user


def actions(page, pk):
    return page.locator(f"#argument-{pk} > .argument__body > .argument__footer")


def test_a_reply_and_a_vote_arrive_in_an_open_page(signed_in, seeded_live):
    target = Argument.objects.filter(depth=0).select_related("motion").first()
    motion = target.motion
    reader = signed_in(verified_user(display_name="Reader B"))
    reader.goto(motion.get_absolute_url())
    expect(reader.locator("#live-status")).to_have_attribute("data-state", "live", timeout=15_000)
    reader.evaluate("window.__noReload = true")
    # The reader is half-way through a reply of their own when the other one arrives.
    reader.get_by_role("link", name="Argue for or against this motion").click()
    draft = reader.locator("#reply-slot-motion form").get_by_label("Claim")
    draft.fill("My half-written thought")

    writer = signed_in(verified_user(display_name="Writer A"))
    writer.goto(motion.get_absolute_url())
    actions(writer, target.pk).get_by_role("link", name="Reply").click()
    form = writer.locator(f"#reply-slot-{target.pk} form")
    form.get_by_label("Con").check()
    form.get_by_label("Claim").fill("Live from another browser.")
    form.get_by_role("button", name="Post argument").click()
    expect(writer.locator(f"#replies-{target.pk}")).to_contain_text("Live from another browser.")
    reply = Argument.objects.get(claim="Live from another browser.")

    arrived = reader.locator(f"#replies-{target.pk} > #argument-{reply.pk}")
    expect(arrived).to_contain_text("Live from another browser.")
    expect(arrived).to_have_class("argument argument--con argument--new")
    expect(writer.locator(f"#argument-{reply.pk}")).to_have_count(1)
    assert reader.evaluate("document.activeElement.name") == "claim"
    expect(draft).to_have_value("My half-written thought")

    writer.locator(f"#vote-argument-{target.pk}-agree").click()
    expect(reader.locator(f"#vote-argument-{target.pk}-agree-count")).to_have_text("1")
    expect(reader.locator(f"#vote-argument-{target.pk}-split")).to_contain_text("100% agree")
    assert reader.evaluate("window.__noReload") is True

    # A new top-level argument moves the motion's balance on every open page, as a reload would.
    reader_form = reader.locator("#reply-slot-motion form")
    reader_form.get_by_label("Con").check()
    reader_form.get_by_role("button", name="Post argument").click()
    expect(writer.locator("#replies-motion")).to_contain_text("My half-written thought")
    balance = queries.motion_balance(motion)
    counts = f"{balance.pro_arguments} pro, {balance.con_arguments} con"
    expect(writer.locator(f"#balance-{motion.pk}")).to_contain_text(counts)
    expect(reader.locator(f"#balance-{motion.pk}")).to_contain_text(counts)


def test_a_page_catches_up_after_its_connection_drops(signed_in, seeded_live):
    target = Argument.objects.filter(depth=0).select_related("motion").first()
    reader = signed_in(UserFactory())
    reader.goto(target.motion.get_absolute_url())
    status = reader.locator("#live-status")
    expect(status).to_have_attribute("data-state", "live", timeout=15_000)
    reader.evaluate("window.__noReload = true")
    hub = broker()
    # The page shows "live" on the stream's first bytes, which come before it subscribes.
    deadline = time.monotonic() + 15
    while not hub.subscribers.get(target.motion_id) and time.monotonic() < deadline:
        time.sleep(0.05)

    # The network goes, and with it the open stream (as when a proxy or a phone drops it).
    reader.context.set_offline(True)
    hub.loop.call_soon_threadsafe(hub.drop_connections)
    expect(status).to_have_attribute("data-state", "reconnecting")
    author = verified_user()
    missed, _ = services.post_argument(
        author=author, motion=target.motion, parent=target, stance="pro", claim="Said offline."
    )
    voting.cast_vote(voter=UserFactory(), claim=target, choice="disagree")
    reader.context.set_offline(False)

    expect(status).to_have_attribute("data-state", "live", timeout=15_000)
    expect(reader.locator(f"#replies-{target.pk} > #argument-{missed.pk}")).to_have_count(1)
    expect(reader.locator(f"#vote-argument-{target.pk}-disagree-count")).to_have_text("1")
    assert reader.evaluate("window.__noReload") is True


def test_a_page_back_online_reconnects_without_waiting_out_its_back_off(page, seeded_live):
    """After a long outage a retry may be many seconds off; the browser saying it is online
    again brings the stream back at once, and the retries' delay never grows past ten seconds."""
    motion = Argument.objects.filter(depth=0).select_related("motion").first().motion
    open_live(page, motion.get_absolute_url())
    status = page.locator("#live-status")
    hub = broker()
    deadline = time.monotonic() + 15
    while not hub.subscribers.get(motion.pk) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert page.evaluate("htmx.config.sse.reconnectMaxDelay") == 10_000

    page.evaluate(
        "window.__failures = 0;"
        "document.addEventListener('htmx:sse:error', () => window.__failures++)"
    )
    page.context.set_offline(True)
    hub.loop.call_soon_threadsafe(hub.drop_connections)
    expect(status).to_have_attribute("data-state", "reconnecting")
    # The drop, then retries after about 1, 2 and 4 seconds, fail offline; the next retry would
    # wait about 8 (5.6 to 10.4 with htmx's jitter).
    page.wait_for_function("() => window.__failures >= 4", timeout=15_000)
    page.context.set_offline(False)
    expect(status).to_have_attribute("data-state", "live", timeout=2_000)
    assert page.evaluate("window.__noReload") is True


def test_moderation_reaches_an_open_page(signed_in, seeded_live):
    from accounts.services import grant_moderator

    target = Argument.objects.filter(depth=0).select_related("motion").first()
    motion = target.motion
    reader = signed_in(UserFactory())
    reader.goto(motion.get_absolute_url())
    expect(reader.locator("#live-status")).to_have_attribute("data-state", "live", timeout=15_000)
    reader.evaluate("window.__noReload = true")
    moderator = verified_user()
    grant_moderator(user=moderator)

    moderation.hide_argument(moderator=moderator, argument=target, reason="Off topic.")
    expect(reader.locator(f"#claim-{target.pk}")).to_have_text("[hidden by a moderator]")
    expect(reader.locator(f"#content-{target.pk}")).not_to_contain_text(target.claim)

    moderation.lock_motion(moderator=moderator, motion=motion, reason="Cooling off.")
    expect(reader.locator("#motion-status")).to_contain_text("This motion is locked")
    expect(reader.locator("#motion-status")).to_contain_text("Cooling off.")
    expect(reader.locator("#motion-text .badge--locked")).to_be_visible()

    moderation.hide_motion(moderator=moderator, motion=motion, reason="Spam.")
    expect(reader.locator("#motion-title")).not_to_have_text(motion.title)
    expect(reader.locator("#motion-text")).not_to_contain_text(motion.claim)
    assert reader.evaluate("window.__noReload") is True


def test_home_page_counts_follow_the_debates(page, seeded_live):
    target = Argument.objects.filter(depth=0).select_related("motion").first()
    motion = target.motion
    page.goto("/")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=15_000)
    meta = page.locator(f"#motion-meta-{motion.pk}")
    before = meta.inner_text()

    services.post_argument(
        author=verified_user(), motion=motion, parent=None, stance="pro", claim="One more pro."
    )
    voting.cast_vote(voter=UserFactory(), claim=motion, choice="agree")

    expect(meta).not_to_have_text(before)
    expect(meta).to_contain_text("1 agree")
    expect(meta).to_contain_text(
        f"{motion.arguments.filter(parent=None, stance='pro').count()} pro"
    )


def test_home_page_cards_follow_a_lock_and_a_hiding_as_each_reader_reloads_them(
    page, signed_in, seeded_live
):
    """The public's home page loses a motion a moderator hides, and has it back in its place
    when she restores it; a moderator's keeps it, marked hidden, as her reload lists it. A lock
    and an unlock are marked on both."""
    motion = Argument.objects.filter(depth=0).select_related("motion").first().motion
    moderator = verified_user()
    grant_moderator(user=moderator)
    watcher = signed_in(moderator)
    for reader in (page, watcher):
        open_live(reader, "/")
    deadline = time.monotonic() + 15
    while len(broker().subscribers.get(HOME, ())) < 2:
        assert time.monotonic() < deadline, "the home pages did not subscribe"
        time.sleep(0.05)
    card = f"#motion-card-{motion.pk}"

    moderation.lock_motion(moderator=moderator, motion=motion, reason="Cooling.")
    for reader in (page, watcher):
        expect(reader.locator(f"{card} .badge--locked")).to_have_text("Locked")

    moderation.hide_motion(moderator=moderator, motion=motion, reason="Spam.")
    expect(page.locator(card)).to_be_hidden()
    expect(page.locator(card)).to_have_text("")
    expect(watcher.locator(card)).to_contain_text("Hidden")
    expect(watcher.locator(card)).to_contain_text(motion.title)

    # Restored, it comes back where it was, still locked; unlocked, the badge goes.
    moderation.restore_motion(moderator=moderator, motion=motion, reason="Reviewed.")
    moderation.unlock_motion(moderator=moderator, motion=motion, reason="Calm again.")
    for reader in (page, watcher):
        expect(reader.locator(card)).to_be_visible()
        expect(reader.locator(card)).to_contain_text(motion.title)
        expect(reader.locator(f"{card} .badge--hidden")).to_have_count(0)
        expect(reader.locator(f"{card} .badge--locked")).to_have_count(0)
        assert reader.evaluate("window.__noReload") is True


def test_a_page_told_it_missed_updates_keeps_saying_so_after_reconnecting(page, seeded_live):
    motion = Argument.objects.filter(depth=0).select_related("motion").first().motion
    page.goto(motion.get_absolute_url())
    status = page.locator("#live-status")
    expect(status).to_have_attribute("data-state", "live", timeout=15_000)
    hub = broker()
    # The page shows "live" on the stream's first bytes, which come before it subscribes.
    deadline = time.monotonic() + 15
    while not hub.subscribers.get(motion.pk) and time.monotonic() < deadline:
        time.sleep(0.05)
    first = set(hub.subscribers[motion.pk])

    # As when this process's listener comes back from a lost database connection to find a gap.
    hub.loop.call_soon_threadsafe(hub.tell_everyone, STALE)
    expect(status).to_contain_text("Some updates were missed")
    hub.loop.call_soon_threadsafe(hub.drop_connections)

    deadline = time.monotonic() + 15
    while not (set(hub.subscribers.get(motion.pk, ())) - first) and time.monotonic() < deadline:
        time.sleep(0.05)
    expect(status).to_have_attribute("data-state", "live")
    expect(status).to_contain_text("Some updates were missed")


def test_a_permalink_page_takes_replies_votes_and_a_lock_live(page, moderator, seeded_live):
    """The page of one argument listens to its motion too: a reply to it arrives in place with
    the map redrawn, and a lock closes its replies as a reload would show them."""
    target = Argument.objects.filter(depth=0).select_related("motion").first()
    motion = target.motion
    map_loads = []
    page.on("request", lambda r: map_loads.append(r.url) if "/map/?panel" in r.url else None)
    open_live(page, target.get_absolute_url())

    reply, _ = services.post_argument(
        author=verified_user(), motion=motion, parent=target, stance="con", claim="Seen here live."
    )
    arrived = page.locator(f"#argument-{target.pk} #argument-{reply.pk}")
    expect(arrived).to_contain_text("Seen here live.")
    page.locator(".map-panel > summary").click()
    expect(page.locator(f"#map-arc-{reply.pk}")).to_be_attached(timeout=15_000)
    assert len(map_loads) == 2  # when the page loaded, and after the reply

    voting.cast_vote(voter=verified_user(), claim=target, choice="agree")
    expect(page.locator(f"#vote-argument-{target.pk}-agree-count")).to_have_text("1")
    replies = page.locator(f"#argument-{target.pk} .reply-link")
    expect(replies.first).to_be_visible()
    moderation.lock_motion(moderator=moderator, motion=motion, reason="Cooling off")
    expect(replies.first).to_be_hidden()
    expect(page.locator(f"#vote-argument-{target.pk}-agree")).to_be_disabled()
    assert page.evaluate("window.__noReload") is True

    page.reload()
    expect(replies.first).to_be_hidden()
    expect(arrived).to_contain_text("Seen here live.")


def test_a_stream_whose_address_expired_stops_asking(signed_in, monkeypatch, transactional_db):
    """A member's own stream is addressed by a token that lasts a day: a page open longer that
    loses its connection gets 404 when it reconnects, and asks no more."""
    member = verified_user()
    reader = signed_in(member)
    asks = []
    reader.on("request", lambda r: asks.append(r.url) if "/live/members/" in r.url else None)
    reader.goto(reverse("notifications"))
    stream = reader.locator(".member-stream")
    expect(stream).to_have_attribute("data-state", "live", timeout=15_000)

    monkeypatch.setattr(paths, "MEMBER_TOKEN_MAX_AGE", -1)
    hub = broker()
    # The page says "live" as soon as its stream opens, which is before the server subscribes it
    # (that waits on the LISTEN connection): a drop sent in between would drop nothing.
    deadline = time.monotonic() + 15
    while member_channel(member.pk) not in list(hub.subscribers):
        assert time.monotonic() < deadline, "the page's stream was never subscribed"
        time.sleep(0.05)
    hub.loop.call_soon_threadsafe(hub.drop_connections)
    expect(stream).to_have_attribute("data-state", "offline", timeout=15_000)
    reader.wait_for_timeout(2_500)  # what the first retries' back-off (0.5, 1, 2 s) would take
    assert len(asks) == 2


def test_an_empty_debate_takes_its_first_argument_live_as_a_reload_shows_it(page, author):
    """An empty debate says so where its arguments go, with no blank map or balance; the first
    argument, arriving live, brings them as a reload would show them: the map closed, loaded."""
    motion = MotionFactory(author=author, claim="Nobody has argued yet.")
    open_live(page, motion.get_absolute_url())
    empty = page.locator("#debate-empty")
    expect(empty).to_have_text(
        "No arguments yet. Be the first to argue for or against this motion."
    )
    around = [".map-panel", f"#balance-{motion.pk}", ".debate__analysis", ".debate__export"]
    for selector in around:
        expect(page.locator(selector)).to_be_hidden()

    first, _ = services.post_argument(
        author=verified_user(), motion=motion, parent=None, stance="pro", claim="The first word."
    )
    expect(page.locator(f"#replies-motion > #argument-{first.pk}")).to_contain_text(
        "The first word."
    )
    expect(empty).to_have_count(0)
    for selector in around:
        expect(page.locator(selector)).to_be_visible()
    expect(page.locator(f"#balance-{motion.pk}")).to_contain_text("100% pro")
    panel = page.locator(".map-panel")
    assert panel.get_attribute("open") is None
    panel.locator("summary").click()
    expect(page.locator(f"#map-panel #map-arc-{first.pk}")).to_be_visible(timeout=15_000)
    assert page.evaluate("window.__noReload") is True

    page.reload()
    expect(empty).to_have_count(0)
    for selector in around:
        expect(page.locator(selector)).to_be_visible()
    assert panel.get_attribute("open") is None


def test_a_hidden_motion_opens_no_stream_for_whoever_may_not_read_it(
    new_page, signed_in, author, moderator
):
    """Its stream answers 404 to all but its author and moderators (its events hold the slug):
    anyone else's page opens none and says why, rather than "Connecting…" for ever."""
    motion = MotionFactory(author=author)
    argument = ArgumentFactory(motion=motion, author=author)
    moderation.hide_motion(moderator=moderator, motion=motion, reason="Defamatory.")
    member = verified_user()
    for reader in (new_page(), signed_in(member)):
        asked = []
        reader.on("request", lambda r, asked=asked: asked.append(r.url) if "/live/" in r.url else 0)
        for url in (motion.get_absolute_url(), argument.get_absolute_url()):
            reader.goto(url)
            status = reader.locator("#live-status")
            expect(status).to_have_text("This motion is hidden: live updates are off")
            expect(status).to_have_attribute("data-state", "off")
        assert not [url for url in asked if "/live/motions/" in url], asked
    # The member's own stream (the nav's bell), which a debate's page carries, opens alone.
    expect(reader.locator(".member-stream")).to_have_attribute("data-state", "live", timeout=15_000)

    for reader in (signed_in(author), signed_in(moderator)):
        for url in (motion.get_absolute_url(), argument.get_absolute_url()):
            open_live(reader, url)
            expect(reader.locator("#live-status")).to_have_text("Live")


REPLIES_SHOWN = (
    "() => [...document.querySelectorAll('#replies-motion > li.argument')].map(a => a.id)"
)


def test_a_new_argument_arrives_where_a_reload_puts_it_in_every_order(new_page, signed_in, author):
    """The posted argument comes once for every page; each places it by its own order (crux.js),
    the poster's own answer too. "best" puts one without votes after those agreed with or not
    voted on, before those only disagreed with; "discussed" after those with replies."""
    motion = MotionFactory(author=author)
    liked = ArgumentFactory(motion=motion, claim="Liked.", agree_count=2)
    unvoted = ArgumentFactory(motion=motion, claim="Unvoted.")
    rejected = ArgumentFactory(motion=motion, claim="Rejected.", disagree_count=2)
    ArgumentFactory(motion=motion, claim="Split.", agree_count=1, disagree_count=1)
    ArgumentFactory(motion=motion, parent=liked, claim="Answered.")
    orders = ["best", "newest", "oldest", "discussed", "controversial", "bridging"]
    pages = {
        order: open_live(new_page(), f"{motion.get_absolute_url()}?sort={order}")
        for order in orders
    }
    poster = open_live(signed_in(verified_user()), f"{motion.get_absolute_url()}?sort=newest")
    poster.get_by_role("link", name="Argue for or against this motion").click()
    form = poster.locator("#reply-slot-motion form")
    form.get_by_label("Con").check()
    form.get_by_label("Claim").fill("Brand new.")
    form.get_by_role("button", name="Post argument").click()
    expect(poster.locator("#replies-motion")).to_contain_text("Brand new.")
    new = f"argument-{Argument.objects.get(claim='Brand new.').pk}"

    shown = {}
    for order, page in [*pages.items(), ("poster", poster)]:
        expect(page.locator(f"#replies-motion > #{new}")).to_have_count(1)
        shown[order] = page.evaluate(REPLIES_SHOWN)
        assert page.evaluate("window.__noReload") is True
        page.reload()
        assert page.evaluate(REPLIES_SHOWN) == shown[order], order
    assert shown["newest"][0] == shown["poster"][0] == new
    assert shown["oldest"][-1] == shown["controversial"][-1] == new
    best = shown["best"]
    assert (
        best.index(f"argument-{unvoted.pk}") + 1
        == best.index(new)
        == best.index(f"argument-{rejected.pk}") - 1
    )
    assert shown["discussed"].index(new) == 1


def test_the_debate_s_count_follows_a_hiding_and_a_restoring_live(signed_in, seeded_live):
    """'Arguments (N)' counts what everyone reads: an argument hidden live leaves it, restored
    it comes back, and the page says what a reload says at each step."""
    target = Argument.objects.filter(depth=1).select_related("motion").first()
    motion = target.motion
    reader = signed_in(UserFactory())
    reader.goto(motion.get_absolute_url())
    expect(reader.locator("#live-status")).to_have_attribute("data-state", "live", timeout=15_000)
    before = int(reader.locator("#debate-size").text_content())
    reader.evaluate("window.__noReload = true")
    moderator = verified_moderator()

    moderation.hide_argument(moderator=moderator, argument=target, reason="Off topic.")
    expect(reader.locator(f"#claim-{target.pk}")).to_have_text("[hidden by a moderator]")
    expect(reader.locator("#debate-size")).to_have_text(str(before - 1))
    # A vote on another argument re-sends its body: nothing is counted twice.
    other = Argument.objects.filter(motion=motion, depth=0).exclude(pk=target.pk).first()
    voting.cast_vote(voter=verified_user(), claim=other, choice="agree")
    expect(reader.locator(f"#vote-argument-{other.pk}-agree .vote__count")).to_have_text("1")
    expect(reader.locator("#debate-size")).to_have_text(str(before - 1))

    moderation.restore_argument(moderator=verified_moderator(), argument=target, reason="Fine.")
    expect(reader.locator(f"#claim-{target.pk}")).to_have_text(target.claim)
    expect(reader.locator("#debate-size")).to_have_text(str(before))
    assert reader.evaluate("window.__noReload") is True
    moderation.hide_argument(moderator=moderator, argument=target, reason="Again.")
    expect(reader.locator("#debate-size")).to_have_text(str(before - 1))
    reader.reload()
    expect(reader.locator("#debate-size")).to_have_text(str(before - 1))


def verified_moderator():
    person = verified_user()
    grant_moderator(user=person)
    return person
