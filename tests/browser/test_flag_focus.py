"""Browser, without JavaScript: the flag page sent back refused opens on the field in error, as
the site's other forms do, so a keyboard or screen-reader user starts where the correction is."""

from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import MotionFactory, verified_user


def test_a_refused_flag_focuses_the_field_in_error_without_javascript(signed_in, transactional_db):
    member = verified_user()
    motion = MotionFactory(title="Tea beats coffee")
    page = signed_in(member, javascript=False)
    page.goto(reverse("flag_motion", args=[motion.slug]))
    page.get_by_role("button", name="Send flag").click()
    expect(page.locator(".field__error")).to_contain_text("Choose why")
    expect(page.get_by_label("Spam", exact=True)).to_be_focused()

    page.get_by_label("Other", exact=True).check()
    page.get_by_role("button", name="Send flag").click()
    expect(page.locator(".field__error")).to_contain_text("a note is needed")
    expect(page.get_by_label("Note")).to_be_focused()
