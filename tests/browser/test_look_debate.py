"""How a debate's pages lay out: what the visual review found cramped or repeated, pinned."""

from playwright.sync_api import expect

from debates.models import Argument, Motion
from tests.factories import ArgumentFactory, MotionFactory, verified_user

PHONE = {"width": 390, "height": 844}


def rows(page, selector) -> int:
    """How many distinct rows the visible elements matching `selector` sit on."""
    return page.evaluate(
        """(selector) => {
            const boxes = [...document.querySelectorAll(selector)]
                .filter((el) => el.getClientRects().length)
                .map((el) => el.getBoundingClientRect())
                .sort((a, b) => a.top - b.top);
            let rows = 0, bottom = -Infinity;
            for (const box of boxes) {
                if (box.top >= bottom - 1) rows += 1;
                bottom = Math.max(bottom, box.bottom);
            }
            return rows;
        }""",
        selector,
    )


def test_a_members_header_takes_two_rows_on_a_phone(signed_in, seeded_live):
    page = signed_in(verified_user(display_name="Anna Petrosyan"))
    page.set_viewport_size(PHONE)
    page.goto(Motion.objects.first().get_absolute_url())
    # The brand and the links on one row, the search box on the next.
    assert rows(page, ".site-nav > .brand, .site-nav__links > li") == 1
    assert rows(page, ".site-nav > *") == 2
    # The bell's word is gone from the screen but not from its link's name.
    bell = page.locator(".bell__link")
    expect(bell).to_have_accessible_name("Notifications")
    assert bell.locator("svg[aria-hidden='true']").count() == 1
    assert bell.bounding_box()["width"] < 40


def test_a_card_citing_the_motions_own_source_names_it_briefly(page, seeded_live):
    motion = Motion.objects.exclude(source=None).select_related("source").first()
    source = motion.source
    argument = Argument.objects.filter(motion=motion, source=source, depth=0).first()
    page.goto(motion.get_absolute_url())

    # The motion names its source in full, once.
    expect(page.locator("#motion-text .citation__source")).to_contain_text(source.publisher)
    short = page.locator(f"#argument-{argument.pk} > .argument__body .citation__short")
    expect(short).to_have_text(f"{source.author} {source.published_on.year}")
    expect(short).to_have_attribute("href", source.url)
    full = short.get_attribute("title")
    assert source.title in full and source.publisher in full and source.author in full
    caption = page.locator(f"#argument-{argument.pk} > .argument__body .citation__source")
    expect(caption).not_to_contain_text(source.publisher)
    expect(caption.get_by_role("link", name="Read the passage in the source")).to_be_visible()


def test_a_card_citing_another_source_names_it_in_full(page, seeded_live):
    argument = (
        Argument.objects.exclude(source=None)
        .exclude(source_id__in=Motion.objects.values("source_id"))
        .exclude(source__publisher="")
        .select_related("source")
        .first()
    )
    page.goto(argument.motion.get_absolute_url())
    caption = page.locator(f"#argument-{argument.pk} > .argument__body .citation__source")
    expect(caption).to_contain_text(argument.source.publisher)
    expect(caption.locator(".citation__short")).to_have_count(0)


def test_the_breadcrumb_keeps_each_claim_on_one_line(page, transactional_db):
    long = " ".join(["considerably"] * 12)
    motion = MotionFactory(title=f"A motion whose title is {long}"[:120].strip())
    chain = [ArgumentFactory(motion=motion, claim=f"Claim {n} that is {long}.") for n in range(1)]
    for n in range(1, 4):
        chain.append(ArgumentFactory(motion=motion, parent=chain[-1], claim=f"Claim {n} {long}."))
    page.goto(chain[-1].get_absolute_url())
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    for link in crumbs.get_by_role("link").all():
        box = link.bounding_box()
        assert box["height"] < 30, link.text_content()
        # No space inside a link for its underline to run under.
        assert link.text_content() == link.text_content().strip()

    page.set_viewport_size(PHONE)
    # The motion, then "…" and the claim this one answers.
    expect(crumbs.get_by_role("link")).to_have_count(2)
    expect(crumbs.get_by_role("link").first).to_have_accessible_name(motion.title)
    expect(crumbs.get_by_role("link").last).to_contain_text("Claim 2")
    parent = crumbs.locator("li").nth(-2)
    assert "…" in parent.evaluate("(li) => getComputedStyle(li, '::before').content")
    for link in crumbs.get_by_role("link").all():
        assert link.bounding_box()["height"] < 30
    overflow = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert page.evaluate(overflow) <= 0


def test_the_debates_extras_share_a_row_until_one_is_opened(signed_in, transactional_db):
    motion = MotionFactory()
    ArgumentFactory(motion=motion)
    page = signed_in(verified_user())
    page.goto(motion.get_absolute_url())
    # Four paragraphs of links once; now the map, the analysis and the downloads share a row,
    # with following beside them or below.
    tools = ".debate__tools > :is(.map-panel, .debate__analysis, .debate__export) > :first-child"
    assert rows(page, tools) == 1
    assert rows(page, ".debate__tools > *") <= 2
    expect(page.locator(".balance__how")).not_to_have_attribute("open", "")
    page.locator(".debate__export > summary").click()
    expect(page.get_by_role("link", name="export.json")).to_be_visible()
    # Opened, it takes the row below the others rather than pushing them apart.
    box = page.locator(".debate__export").bounding_box()
    assert box["y"] > page.locator(".map-panel").bounding_box()["y"]


def test_an_own_arguments_footer_keeps_its_links_on_one_row(signed_in, transactional_db):
    author = verified_user()
    argument = ArgumentFactory(motion=MotionFactory(), author=author)
    ArgumentFactory(motion=argument.motion, parent=argument)
    page = signed_in(author)
    page.goto(argument.motion.get_absolute_url())
    footer = f"#argument-{argument.pk} > .argument__body > .argument__footer"
    expect(page.locator(f"{footer} .vote__note")).to_have_text(
        "You cannot vote on your own argument."
    )
    links = f"{footer} > :is(a, .argument__count):not([hidden]), {footer} > a"
    assert rows(page, links) == 1
    assert rows(page, f"{footer} > *:not([hidden])") == 2
