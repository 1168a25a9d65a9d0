"""What a browser walk of Crux found, pinned: a phone's breadcrumb of two items or many, the order
of replies arriving live with a debate's first argument, a live page of a member who signed out
in another tab, the suspension banner's margins on a phone, and the reader's paragraph that an
address leads to."""

from django.urls import reverse
from playwright.sync_api import expect

from debates import moderation, services
from debates.models import Source
from tests.browser.live_pages import open_live
from tests.factories import ArgumentFactory, MotionFactory, verified_user

PHONE = {"width": 390, "height": 844}


def shown_items(crumbs) -> list[str]:
    """The trail's items as a phone shows them, each with what CSS puts before it."""
    return crumbs.locator("li").evaluate_all(
        """(items) => items.filter((li) => li.getClientRects().length).map((li) => {
            const before = getComputedStyle(li, "::before").content;
            const prefix = before === "none" ? "" : JSON.parse(before);
            return (prefix + li.innerText).replace(/\\s+/g, " ").trim();
        })"""
    )


def test_a_phones_breadcrumb_keeps_the_page_it_is_on(signed_in, author):
    page = signed_in(author)  # the reply page is a member's
    motion = MotionFactory(title="Tea or coffee")
    chain = [ArgumentFactory(motion=motion, claim="Claim zero.")]
    for n in range(1, 4):
        chain.append(ArgumentFactory(motion=motion, parent=chain[-1], claim=f"Claim {n}."))
    page.set_viewport_size(PHONE)
    crumbs = page.get_by_role("navigation", name="Breadcrumb")

    # Two items: the motion, then this page; no "…", for nothing lies between.
    page.goto(f"{motion.get_absolute_url()}reply/")
    assert shown_items(crumbs) == ["Tea or coffee", "\u203a Reply"]
    # Three: all of them.
    page.goto(reverse("argument_history", args=[motion.slug, chain[0].pk]))
    assert shown_items(crumbs) == ["Tea or coffee", "\u203a This argument", "\u203a History"]
    # Many: the motion, "…" for what lies between, the claim this one answers, and this page.
    page.goto(chain[-1].get_absolute_url())
    first, between, last = shown_items(crumbs)
    assert (first, last) == ("Tea or coffee", "\u203a This argument")
    # The stance tag is a box of its own beside the claim (no space between in innerText).
    assert between.startswith("\u203a … \u203a PRO") and between.endswith("Claim 2.")
    expect(crumbs.get_by_role("link")).to_have_count(2)
    overflow = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert page.evaluate(overflow) <= 0


def test_the_first_argument_brings_the_order_of_replies_as_a_reload_shows_it(
    new_page, signed_in, author
):
    motion = MotionFactory(author=author, claim="Nobody has argued yet.")
    reader = open_live(new_page(), motion.get_absolute_url())
    order = reader.get_by_role("navigation", name="Order of replies")
    expect(order).to_be_hidden()

    poster = signed_in(verified_user())
    poster.goto(motion.get_absolute_url())
    poster.get_by_role("link", name="Argue for or against this motion").click()
    poster.get_by_label("Pro").check()
    poster.get_by_label("Claim").fill("The first word.")
    poster.get_by_role("button", name="Post argument").click()

    expect(reader.locator("#replies-motion")).to_contain_text("The first word.")
    expect(order).to_be_visible()
    live = order.evaluate("(nav) => nav.innerText")
    assert reader.evaluate("window.__noReload") is True
    reader.reload()
    expect(order).to_be_visible()
    assert order.evaluate("(nav) => nav.innerText") == live


def test_a_member_signed_out_in_another_tab_gets_new_arguments_as_a_reload_shows_them(
    signed_in, author
):
    """Her other tab says it is out of date, and what still arrives is the public's: no "Flag"
    on a new argument, as on the anonymous page a reload shows."""
    motion = MotionFactory(author=author)
    ArgumentFactory(motion=motion, claim="Already here.")
    member = verified_user(display_name="Member Meg")
    tab = signed_in(member)
    open_live(tab, motion.get_absolute_url())
    other = tab.context.new_page()
    other.goto("/")
    other.get_by_role("button", name="Sign out").click()
    expect(other.get_by_role("link", name="Sign in")).to_be_visible()

    expect(tab.locator(".live__stale")).to_contain_text("reload the page")
    new, _ = services.post_argument(
        author=verified_user(), motion=motion, parent=None, stance="con", claim="Arrives later."
    )
    arrived = tab.locator(f"#argument-{new.pk} > .argument__body")
    expect(arrived).to_contain_text("Arrives later.")
    tab.wait_for_timeout(500)  # anything more for it would come with it
    expect(arrived.locator(".flag-link")).to_have_count(0)
    live = arrived.locator(".argument__footer").inner_text()

    tab.reload()
    expect(tab.get_by_role("link", name="Sign in")).to_be_visible()
    assert arrived.locator(".argument__footer").inner_text() == live


def test_the_suspension_banner_keeps_the_pages_side_margins_on_a_phone(signed_in, moderator):
    member = verified_user()
    moderation.suspend_user(moderator=moderator, user=member, days=3, reason="A cooling-off.")
    page = signed_in(member)
    page.set_viewport_size(PHONE)
    page.goto("/")
    banner = page.locator(".suspension-banner").bounding_box()
    # Where the page's text runs: inside <main>'s padding.
    left, right = page.locator("main").evaluate(
        """(main) => {
            const box = main.getBoundingClientRect(), style = getComputedStyle(main);
            return [box.left + parseFloat(style.paddingLeft),
                    box.right - parseFloat(style.paddingRight)];
        }"""
    )
    assert left > 0
    assert (banner["x"], banner["x"] + banner["width"]) == (left, right)


def test_the_paragraph_an_address_leads_to_is_marked_in_light_and_dark(page, seeded_live):
    essay = Source.objects.get(seed_key="saradzhyan-essay")
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto(f"{essay.get_absolute_url()}#p-3")
        target = page.locator("#p-3 > .reader__paragraph")
        other = page.locator("#p-4 > .reader__paragraph")
        accent = page.evaluate(
            "getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()"
        )
        style = "(p) => [getComputedStyle(p).outlineStyle, getComputedStyle(p).outlineColor]"
        outline, colour = target.evaluate(style)
        assert outline == "solid"
        assert colour == page.evaluate(
            "(c) => { const e = document.createElement('i'); e.style.color = c;"
            " document.body.append(e); const v = getComputedStyle(e).color; e.remove();"
            " return v; }",
            accent,
        )
        assert other.evaluate(style)[0] == "none"
