import re

from playwright.sync_api import expect

from debates.models import Argument


def test_reader_follows_the_karabakh_debate_to_a_nested_argument(page, seeded_live):
    page.goto("/")
    expect(page.get_by_role("heading", name="Motions up for debate")).to_be_visible()

    page.get_by_role("link", name=re.compile("strategic solitude", re.I)).first.click()
    expect(page.locator(".motion__held-by")).to_contain_text("Dmitri Trenin")
    expect(page.locator(".argument__by", has_text="Simon Saradzhyan").first).to_be_visible()
    expect(page.locator(".stance--pro").first).to_have_text("Pro")
    expect(page.locator(".stance--con").first).to_have_text("Con")

    nested = Argument.objects.filter(depth__gte=2).select_related("motion").first()
    page.goto(nested.get_absolute_url())
    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumb.get_by_role("link", name=nested.motion.title)).to_be_visible()
    expect(breadcrumb.get_by_role("link")).to_have_count(1 + nested.depth)
    expect(page.locator(f"#claim-{nested.pk}")).to_have_text(nested.claim)
