"""A right-to-left title or name beside a date, as a reader's browser lays it out: the date
stays whole after it, "28 Nov 2026", rather than its day being pulled into the Arabic run
("on 28 · <title> Nov 2026"). The markup's side is tests/test_bidi.py."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from debates.models import Argument
from tests.factories import ArgumentFactory, MotionFactory, verified_user

TITLE = "هل انتهت الحرب؟"
AMINA = "أمينة الحسيني"
CLAIM = "القتال مستمر في الشمال."

# Where the user's text and the date's first two words are drawn, in the line that holds `time`.
LAYOUT = """(time) => {
  const rect = (node, from, to) => {
    const range = document.createRange();
    range.setStart(node, from);
    range.setEnd(node, to);
    return range.getBoundingClientRect();
  };
  const text = time.firstChild;
  const [day, month] = text.data.split(" ");
  const line = time.closest("p");
  const arabic = (e) => /[\\u0600-\\u06ff]/.test(e.textContent);
  const words = [...line.querySelectorAll("bdi, a")].find(arabic).getBoundingClientRect();
  const d = rect(text, 0, day.length);
  const m = rect(text, day.length + 1, day.length + 1 + month.length);
  return {
    day: [d.left, d.right, d.top], month: [m.left, m.right, m.top],
    words: [words.left, words.right], dir: getComputedStyle(line).direction,
  };
}"""


@pytest.fixture
def dated(transactional_db):
    amina = verified_user(display_name=AMINA)
    argument = ArgumentFactory(motion=MotionFactory(title=TITLE), author=amina, claim=CLAIM)
    Argument.objects.filter(pk=argument.pk).update(
        created_at=datetime(2026, 11, 28, 12, tzinfo=UTC)
    )
    return amina


@pytest.mark.parametrize(
    ("where", "time"),
    [
        ("profile", ".profile-argument__where time"),  # "on <title> · 28 Nov 2026"
        ("search", ".search-hit__byline time"),  # "<name> 28 Nov 2026"
    ],
)
def test_a_date_after_arabic_words_keeps_its_day_beside_its_month(page, dated, where, time):
    url = (
        reverse("profile", args=[dated.pk])
        if where == "profile"
        else reverse("search") + "?q=القتال"
    )
    page.goto(url)
    date = page.locator(time)
    assert date.inner_text() == "28 Nov 2026"
    drawn = date.evaluate(LAYOUT)
    assert drawn["dir"] == "ltr"  # the house's sentence keeps its direction
    (day_left, day_right, day_top), (month_left, _, month_top) = drawn["day"], drawn["month"]
    assert abs(day_top - month_top) < 2, drawn  # on one line
    # "28" just left of "Nov", a space apart: not across the Arabic words from it.
    assert 0 <= month_left - day_right < 12, drawn
    # And the date after the Arabic words, as the sentence reads.
    assert drawn["words"][1] <= day_left, drawn
