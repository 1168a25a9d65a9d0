from playwright.sync_api import expect

from debates.models import Motion
from tests.factories import verified_user

KIALO = """Discussion Title: Four-day week

1. A four-day week is better.
1.1. Pro: People rest more.
1.1.1. Con: Longer days tire people.
1.2. Con: Shops must stay open.
"""
TEA_JSON = """{"format": "crux-debate", "version": 1, "sources": {},
 "motion": {"slug": "tea", "title": "Tea", "claim": "Tea is best."},
 "arguments": [{"ref": "a1", "stance": "pro", "claim": "It is warm."}]}"""


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


def test_a_file_over_the_limit_is_refused_before_it_is_sent(
    signed_in, live_server, transactional_db, axe
):
    page = signed_in(verified_user(display_name="Ida Importer"))
    page.goto(f"{live_server.url}/motions/import/")
    # An empty file is refused once, for what it is.
    page.get_by_label("File").set_input_files(
        {"name": "empty.argdown", "mimeType": "text/plain", "buffer": b""}
    )
    page.get_by_role("button", name="Import as a new motion").click()
    expect(page.locator(".field__error")).to_have_text(["The submitted file is empty."])

    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    big = b"[a]: x\n" + b"y" * 1_000_000  # over 1 MB, under the server's request limit or not
    page.get_by_label("File").set_input_files(
        {"name": "big.argdown", "mimeType": "text/plain", "buffer": big}
    )
    file_field = page.locator(".field", has=page.get_by_label("File"))
    # What the server said of the empty file is gone with it.
    expect(file_field.locator(".field__error")).to_have_text(
        ["The file is over 1 MB; split the debate."]
    )
    expect(page.get_by_label("File")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("File")).to_have_accessible_description(
        "At most 1 MB (1,000,000 bytes), UTF-8 text, and 2,000 arguments. "
        "The file is over 1 MB; split the debate."
    )
    assert axe(page) == []
    page.get_by_role("button", name="Import as a new motion").click()
    expect(page).to_have_url(f"{live_server.url}/motions/import/")
    assert posts == [] and not Motion.objects.exists()

    # A file within it clears the refusal, and imports: here, a motion's own export.json.
    page.get_by_label("Crux JSON").check()
    page.get_by_label("File").set_input_files(
        {"name": "tea.json", "mimeType": "application/json", "buffer": TEA_JSON.encode()}
    )
    expect(file_field.locator(".field__error")).to_have_count(0)
    expect(page.get_by_label("File")).not_to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="Import as a new motion").click()
    motion = Motion.objects.get()
    expect(page).to_have_url(f"{live_server.url}{motion.get_absolute_url()}")
    expect(page.locator(".argument__claim", has_text="It is warm.")).to_be_visible()


def test_pasted_text_over_the_limit_is_refused_before_it_is_sent(
    signed_in, live_server, transactional_db
):
    page = signed_in(verified_user(display_name="Ida Importer"))
    page.goto(f"{live_server.url}/motions/import/")
    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    # 600,000 characters fit the field; in Cyrillic they are over 1 MB. Set as a paste would
    # (fill types too slowly), with no change event: the check on sending catches it.
    page.get_by_label("Or paste the text").evaluate(
        "(field) => { field.value = 'Пример текста\\n'.repeat(40000); }"
    )
    page.get_by_role("button", name="Import as a new motion").click()
    text_field = page.locator(".field", has=page.get_by_label("Or paste the text"))
    expect(text_field.locator(".field__error")).to_have_text(
        "The text is over 1 MB; split the debate."
    )
    expect(page).to_have_url(f"{live_server.url}/motions/import/")
    assert posts == []
