"""The source reader in a browser, after a tester's report: an address to any quote marks it without
scripts, however many start at one character; where quotes overlap each piece leads to the
innermost one's argument and says where; and an open reader fetches its text again only for the
live events that may change it."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.services import grant_moderator
from debates import moderation, services, sources, voting
from debates.models import Motion, Stance
from tests.factories import MotionFactory, verified_user

OVERLAPS = "Alpha beta gamma delta epsilon.\n\nA second paragraph nobody quotes."


def _quote(source, quote, *, motion, claim, stance=Stance.PRO):
    argument, _ = services.post_argument(
        author=verified_user(),
        motion=motion,
        parent=None,
        stance=stance,
        claim=claim,
        source=source,
        quote=quote,
    )
    return argument


@pytest.fixture
def overlaps(transactional_db):
    """A pasted text with three quotes: a long one, and two shorter ones inside it."""
    source = sources.add_source(adder=verified_user(), title="Overlaps", text=OVERLAPS)
    motion = MotionFactory(title="Where quotes overlap")
    quotes = {
        "long": _quote(source, "Alpha beta gamma delta", motion=motion, claim="The long one."),
        "first": _quote(
            source, "Alpha beta", motion=motion, claim="The first short.", stance=Stance.CON
        ),
        "second": _quote(source, "gamma delta", motion=motion, claim="The second short."),
    }
    return source, motion, quotes


@pytest.mark.parametrize("javascript", [True, False], ids=["scripted", "plain"])
def test_an_address_marks_each_quote_starting_at_one_character(new_page, overlaps, javascript):
    """Two quotes start where the long one does: the address of each marks its first words."""
    source, motion, quotes = overlaps
    also = _quote(source, "Alpha beta", motion=motion, claim="Said twice.")
    page = new_page(javascript=javascript)
    for argument in (quotes["long"], quotes["first"], also):
        page.goto(f"{reverse('source', args=[source.pk])}#{argument.passage_fragment}")
        start = page.locator(f"#{argument.passage_fragment} .passage").first
        expect(start).to_have_text("Alpha beta")
        expect(start).to_have_css("outline-style", "solid")
        expect(start).to_be_in_viewport()
    # The second short one starts elsewhere, and only its words are marked.
    page.goto(f"{reverse('source', args=[source.pk])}#{quotes['second'].passage_fragment}")
    expect(page.get_by_role("link", name=re.compile("^gamma delta"))).to_have_css(
        "outline-style", "solid"
    )
    expect(page.get_by_role("link", name=re.compile("^Alpha beta"))).to_have_css(
        "outline-style", "none"
    )


def test_each_piece_of_overlapping_quotes_leads_to_its_own_argument(page, overlaps, axe):
    source, _, quotes = overlaps
    page.goto(reverse("source", args=[source.pk]))
    text = page.locator("#p-1 .reader__paragraph")
    first = text.get_by_role(
        "link", name="Alpha beta (Con argument: The first short.; 1 more quote here in the margin)"
    )
    second = text.get_by_role(
        "link",
        name="gamma delta (Pro argument: The second short.; 1 more quote here in the margin)",
    )
    expect(first).to_have_attribute("href", quotes["first"].get_absolute_url())
    expect(second).to_have_attribute("href", quotes["second"].get_absolute_url())
    # The space between the two is the long quote's: marked, but no empty link in the tab order.
    expect(text.get_by_role("link")).to_have_count(2)
    expect(text.locator("span.passage")).to_have_text(" ")
    # Pro and con differ by more than colour: the underline's style.
    expect(text.locator("a.passage--pro:not(.passage--con)")).to_have_css(
        "text-decoration-style", "solid"
    )
    expect(page.locator(".coverage__key .passage--con:not(.passage--pro)")).to_have_css(
        "text-decoration-style", "dashed"
    )
    for width, height in ((1280, 800), (390, 800)):
        page.set_viewport_size({"width": width, "height": height})
        assert axe(page) == []
    # By keyboard, from the text to the argument of the words it quotes.
    first.focus()
    page.keyboard.press("Tab")
    expect(second).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"{re.escape(quotes['second'].get_absolute_url())}$"))


COUNT_MESSAGES = """
  window.liveMessages = 0;
  document.addEventListener("htmx:sse:after:message", () => { window.liveMessages += 1; });
"""


def test_an_open_reader_fetches_its_text_again_only_for_events_that_may_change_it(
    signed_in, seeded_live, overlaps
):
    """Votes, here or in another debate, and events of debates that quote nothing of it leave the
    text as it is; a new quote from a debate that never quoted it, and a hiding of a debate
    that does, bring it afresh."""
    source, motion, quotes = overlaps
    reader = verified_user(display_name="Reader Rae")
    page = signed_in(reader)
    page.add_init_script(COUNT_MESSAGES)
    fetched = []
    page.on("request", lambda request: "part=body" in request.url and fetched.append(request.url))
    page.goto(reverse("source", args=[source.pk]))
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")

    def after_messages(count, act):
        heard = page.evaluate("window.liveMessages")
        act()
        page.wait_for_function("(n) => window.liveMessages >= n", arg=heard + count)
        page.wait_for_timeout(300)  # time enough for a fetch, had one been asked for

    elsewhere = Motion.objects.get(slug="strategic-solitude")
    after_messages(
        1, lambda: voting.cast_vote(voter=verified_user(), claim=elsewhere, choice="agree")
    )
    # A vote on a quote of this text, and the reader's own (on her own channel too).
    after_messages(
        1, lambda: voting.cast_vote(voter=verified_user(), claim=quotes["long"], choice="agree")
    )
    after_messages(2, lambda: voting.cast_vote(voter=reader, claim=quotes["first"], choice="agree"))
    # A new argument in a debate that quotes nothing of it.
    after_messages(
        1,
        lambda: services.post_argument(
            author=verified_user(),
            motion=elsewhere,
            parent=None,
            stance=Stance.PRO,
            claim="Says nothing of the overlaps.",
        ),
    )
    assert fetched == []

    # A debate that never quoted it quotes it now: its passage arrives.
    newcomer = _quote(source, "epsilon", motion=elsewhere, claim="Newly quoted.")
    expect(page.locator(f'.passage[data-passages~="{newcomer.passage_fragment}"]')).to_have_count(1)
    assert len(fetched) == 1
    # The debate of the three overlapping quotes is hidden: their passages go, as on a reload.
    moderator = verified_user(display_name="Mod Mae")
    grant_moderator(user=moderator)
    moderation.hide_motion(moderator=moderator, motion=motion, reason="Off topic.")
    expect(page.locator(f'[data-passages~="{quotes["long"].passage_fragment}"]')).to_have_count(0)
    expect(page.locator("#coverage-figure")).to_contain_text("1 of 2, by 1 quote.")
