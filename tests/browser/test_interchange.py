from playwright.sync_api import expect

from debates.models import Motion
from tests.factories import verified_user

KIALO = """Discussion Title: Four-day week

1. A four-day week is better.
1.1. Pro: People rest more.
1.1.1. Con: Longer days tire people.
1.2. Con: Shops must stay open.
"""


def test_member_imports_a_kialo_file_after_a_bad_paste(
    signed_in, live_server, transactional_db, axe
):
    page = signed_in(verified_user(display_name="Ida Importer"))
    page.goto(f"{live_server.url}/motions/import/")
    assert axe(page) == []

    page.get_by_label("Or paste the text").fill("[a]: ok\n  + [b]: x {a: b: c}")
    page.get_by_role("button", name="Import as a new motion").click()
    expect(page.locator(".field__error")).to_contain_text("Line 2: the data in braces is not YAML")
    expect(page.get_by_label("Or paste the text")).to_have_value("[a]: ok\n  + [b]: x {a: b: c}")

    page.get_by_label("Kialo plain-text export").check()
    page.get_by_label("Or paste the text").fill("")
    page.get_by_label("File").set_input_files(
        {"name": "week.txt", "mimeType": "text/plain", "buffer": KIALO.encode()}
    )
    page.get_by_role("button", name="Import as a new motion").click()

    motion = Motion.objects.get()
    expect(page).to_have_url(f"{live_server.url}{motion.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Four-day week")
    expect(page.get_by_text("The debate is imported as a new motion.")).to_be_visible()
    expect(page.locator(".argument__claim", has_text="Longer days tire people.")).to_be_visible()
