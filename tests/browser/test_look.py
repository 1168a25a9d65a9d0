"""How pages look where a test can say it: dark-mode contrast and grounds, and charts whose
lengths do not mislead."""

import json

import pytest
from playwright.sync_api import expect

from analysis import services
from debates.models import Motion
from tests.test_analysis_pages import plant_debate


def test_the_dark_search_page_keeps_highlighted_words_readable(page, seeded_live, axe):
    page.emulate_media(color_scheme="dark")
    page.goto("/search/?q=russia")
    expect(page.locator(".search-hit mark").first).to_be_visible()
    contrast = [v for v in axe(page) if v["id"] == "color-contrast"]
    assert contrast == [], json.dumps(contrast, indent=1)
    # The rule between results is the theme's, not the light page's.
    assert page.locator(".search-hit").first.evaluate(
        "e => getComputedStyle(e).borderBottomColor"
    ) == page.evaluate(
        "() => { const s = document.createElement('p'); s.style.color = 'var(--rule)';"
        " document.body.append(s); const c = getComputedStyle(s).color; s.remove(); return c; }"
    )


def _luminance(rgb):
    red, green, blue = (int(part) / 255 for part in rgb[rgb.index("(") + 1 : -1].split(",")[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def test_the_dark_opinion_map_is_not_a_white_square(page, transactional_db):
    motion, _args, _camps = plant_debate()
    services.refresh(motion_id=motion.pk)
    page.emulate_media(color_scheme="dark")
    page.goto(f"{motion.get_absolute_url()}analysis/")
    ground = page.locator(".opinion-map__ground")
    expect(ground).to_be_visible()
    assert _luminance(ground.evaluate("e => getComputedStyle(e).fill")) < 0.2


def test_each_figures_group_shows_its_own_scale_and_bars_keep_to_it(page, seeded_live):
    """3.1% of the world and a 32% increase are not measured on one ruler: each group has its
    own, labelled, and a bar's share of its track is its value's share of the label."""
    motion = Motion.objects.get(slug="alliances-needed")
    page.goto(f"{motion.get_absolute_url()}")
    sets = page.locator(".figures__set")
    expect(sets).to_have_count(2)
    ends = []
    for index in range(2):
        group = sets.nth(index)
        end = float(group.get_attribute("data-scale-end"))
        ends.append(end)
        expect(group.locator(".figures__scale")).to_contain_text(
            f"0 to {group.get_attribute('data-scale-end')}%"
        )
        tracks = group.locator(".figures__track")
        bars = group.locator(".figures__bar")
        values = group.locator(".figures__value")
        for bar in range(bars.count()):
            value = float(values.nth(bar).text_content().rstrip("%"))
            track = float(tracks.nth(bar).get_attribute("width"))
            width = float(bars.nth(bar).get_attribute("width"))
            assert width <= track
            assert width / track == pytest.approx(value / end, abs=0.01)
    # The groups' rulers differ, and each says so: 3.1% is on a 0 to 4 ruler, 32% on 0 to 80.
    assert ends == [4, 80]
    expect(sets.nth(1).locator(".figures__scale")).to_contain_text("Scaled within this group")
