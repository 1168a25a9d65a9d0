"""The source pages, polished after a researcher's walk-through: the list names every work a
reader finds cited, those whose text Crux does not hold marked so (and nothing only a withdrawn
claim cites), in constant queries; an overlong web address is refused in the house's words,
keeping it; the confirmation of an argument posted from a passage stands above that passage."""

import re
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debates import moderation, services, sources
from debates.models import Argument, Motion, Source, Stance
from debates.views_sources import POSTED_FROM_PASSAGE
from tests.factories import ArgumentFactory, MotionFactory, SourceFactory, verified_user

pytestmark = pytest.mark.django_db

NOT_HELD = "Text not held here"
POSTED_NOTE = "Your argument is posted; its passage is marked below."


def _list(viewer=None, **query) -> str:
    client = Client()
    if viewer is not None:
        client.force_login(viewer)
    response = client.get(reverse("sources"), query)
    assert response.status_code == 200
    return response.content.decode()


def _item(html: str, title: str) -> str:
    """The list's entry for the source of that title ("" when it is not listed)."""
    for item in re.findall(r'<li class="source-list__item">(.*?)</li>', html, re.S):
        if f"<cite><bdi>{title}</bdi></cite>" in item:
            return item
    return ""


def _cite_by_address(url: str, **fields) -> Argument:
    motion = fields.pop("motion", None) or MotionFactory()
    argument, _ = services.post_argument(
        author=fields.pop("author", None) or verified_user(),
        motion=motion,
        parent=None,
        stance=Stance.PRO,
        claim=fields.pop("claim", "Cited by its address."),
        source_url=url,
        quote="Words from the page.",
    )
    return argument


# --- 1. The list of sources -------------------------------------------------------------------


def test_the_list_names_the_seeded_article_whose_text_crux_does_not_hold(seeded):
    html = _list()
    trenin = _item(html, "Moscow&#x27;s New Rules")
    assert trenin, "Trenin's article is missing from the list"
    assert NOT_HELD in trenin and "Dmitri Trenin" in trenin
    url = Source.objects.get(seed_key="trenin-article").url
    assert f'<a href="{url}" rel="nofollow ugc noopener">the original</a>' in trenin
    # No claim cites the article itself; the debate's claims attributed to Trenin are a search.
    assert "cited by" not in trenin
    assert 'href="/search/?author=Dmitri%20Trenin"' in trenin
    essay = _item(html, Source.objects.get(seed_key="saradzhyan-essay").title)
    assert essay and NOT_HELD not in essay and "the original" not in essay


def test_a_source_cited_by_its_address_is_listed_with_the_claims_citing_it():
    argument = _cite_by_address("https://example.org/papers/ceasefires")
    source = argument.source
    MotionFactory(source=source, quote="Words from the page.")
    item = _item(_list(), source.title)
    assert NOT_HELD in item
    assert f'href="{source.get_absolute_url()}#citing">cited by 2 claims</a>' in item
    assert 'href="https://example.org/papers/ceasefires"' in item
    assert "attributed" not in item  # it names no author
    page = Client().get(source.get_absolute_url()).content.decode()
    assert '<ul class="source-citations" id="citing">' in page


def test_a_source_only_withdrawn_claims_cite_is_listed_to_nobody(moderator):
    hidden = _cite_by_address("https://spam.example/hidden", claim="Spam, hidden.")
    retracted = _cite_by_address("https://example.org/retracted", claim="Taken back.")
    in_hidden_motion = _cite_by_address("https://example.org/in-a-hidden-motion")
    cited_twice = _cite_by_address("https://example.org/both", claim="Shown.")
    ArgumentFactory(source=cited_twice.source, visibility=Argument.Visibility.HIDDEN)
    moderation.hide_argument(moderator=moderator, argument=hidden, reason="Spam.")
    services.retract_argument(author=retracted.author, argument=retracted)
    moderation.hide_motion(moderator=moderator, motion=in_hidden_motion.motion, reason="Off-topic.")
    for viewer in (None, hidden.author, moderator):
        html = _list(viewer)
        for argument in (hidden, retracted, in_hidden_motion):
            assert argument.source.url not in html, (viewer, argument.source.url)
        assert "cited by 1 claim</a>" in _item(html, cited_twice.source.title)


def test_a_hidden_source_without_text_is_listed_only_to_moderators(moderator, member):
    argument = _cite_by_address("https://example.org/copied", author=member)
    sources.hide_source(moderator=moderator, source=argument.source, reason="Copyright.")
    title = argument.source.title
    assert not _item(_list(), title) and not _item(_list(member), title)
    item = _item(_list(moderator), title)
    assert "Hidden</span>" in item and NOT_HELD in item


def test_a_claim_attributed_to_the_author_is_searched_for_only_while_everyone_reads_it(
    moderator,
):
    SourceFactory(title="Uncited essay", author="Vera Writer")
    claim = ArgumentFactory(attribution="Vera Writer")
    assert "claims attributed to <bdi>Vera Writer</bdi></a>" in _item(_list(), "Uncited essay")
    moderation.hide_argument(moderator=moderator, argument=claim, reason="Abuse.")
    assert "attributed" not in _item(_list(), "Uncited essay")
    # Nor does a source without an author lead to claims attributed to nobody.
    ArgumentFactory(attribution="")
    SourceFactory(title="Anonymous leaflet", author="")
    assert "attributed" not in _item(_list(), "Anonymous leaflet")


def test_the_list_costs_the_same_queries_however_many_sources_and_citations(
    seeded, django_assert_num_queries
):
    client = Client()
    client.force_login(verified_user())
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("sources"))
    motion = Motion.objects.get(slug="strategic-solitude")
    for n in range(12):
        argument = _cite_by_address(f"https://example.org/paper-{n}", motion=motion)
        MotionFactory(source=argument.source, attribution="An Author")
        SourceFactory(title=f"Uncited {n}")
    with django_assert_num_queries(len(before.captured_queries)):
        html = client.get(reverse("sources")).content.decode()
    assert html.count("cited by 2 claims") == 12


# --- 2. Adding a source: an overlong web address ----------------------------------------------


def test_an_overlong_web_address_is_refused_in_the_houses_words_keeping_it(client, member):
    client.force_login(member)
    url = "https://example.org/" + "a" * 2100
    response = client.post(
        reverse("add_source"), {"title": "Long", "url": url, "text": "Kept text."}
    )
    assert response.status_code == 422
    html = response.content.decode()
    over = len(url) - Source._meta.get_field("url").max_length
    assert f"{over} characters over the limit of 2,000." in html
    assert "Ensure this value" not in html
    assert f'value="{url}"' in html and "Kept text." in html
    assert not Source.objects.filter(title="Long").exists()


@pytest.mark.parametrize("field", ["title", "author", "publisher", "url"])
def test_the_form_counts_its_limits_rather_than_cutting_what_is_pasted(client, member, field):
    client.force_login(member)
    html = client.get(reverse("add_source")).content.decode()
    widget = re.search(rf'<(?:input|textarea)[^>]*name="{field}"[^>]*>', html)[0]
    limit = Source._meta.get_field(field).max_length
    assert f'data-limit="{limit}"' in widget and "maxlength" not in widget


# --- 3. The confirmation of an argument posted from a passage ---------------------------------


@pytest.fixture
def essay(seeded):
    return Source.objects.get(seed_key="saradzhyan-essay")


def _argue(client, essay, claim="From the last paragraph.") -> Argument:
    text = sources.text_of(essay)
    start = text.rindex("\n\n") + 2
    end = text.index(" ", start + 20)
    response = client.post(
        reverse("argue_from_passage", args=[essay.pk]),
        {
            "motion": "strategic-solitude",
            "stance": "pro",
            "claim": claim,
            "quote": text[start:end],
            "quote_start": start,
            "quote_end": end,
            "submission_key": str(uuid.uuid4()),
        },
    )
    argument = Argument.objects.get(claim=claim)
    assert response.status_code == 303 and response["Location"] == argument.passage_url
    return argument


def _note(html: str) -> str:
    found = re.search(r'<p class="reader__posted[^"]*" id="([^"]+)"[^>]*>([^<]*)', html)
    return found and f"{found[1]}: {found[2].strip()}"


def test_the_reader_confirms_the_post_above_its_passage_and_only_there(client, essay, member):
    client.force_login(member)
    argument = _argue(client, essay)
    fragment = argument.passage_fragment
    response = client.get(essay.get_absolute_url())
    html = response.content.decode()
    # The address (#passage-…) leads to the note, above the passage's paragraph, which it marks.
    assert _note(html) == f"{fragment}: {POSTED_NOTE}"
    row = re.search(r'<div class="reader__row[^"]*" id="p-\d+">\s*<p class="reader__posted', html)
    assert row, "the note is not at the top of its paragraph's row"
    assert f'<span class="passage-target" id="{fragment}">' not in html
    assert html.count(f'id="{fragment}"') == 1
    assert re.search(
        rf'data-posted\s+href="[^"]*"\s+aria-label="[^"]*"\s+data-start="\d+" '
        rf'data-passages="[^"]*{fragment}',
        html,
    )
    assert f'href="{argument.get_absolute_url()}">See it in the debate</a>' in html
    # Not said again at the page's top, where it was out of view.
    assert 'id="messages"></div>' in html.replace("\n", "")
    assert POSTED_FROM_PASSAGE not in html
    # Told once: the page read again is the reader as anyone has it.
    again = client.get(essay.get_absolute_url()).content.decode()
    assert _note(again) is None and f'<span class="passage-target" id="{fragment}">' in again


def test_the_body_fetched_live_keeps_the_note_for_its_author_alone(client, essay, member):
    client.force_login(member)
    argument = _argue(client, essay)
    body = reverse("source", args=[essay.pk])
    page = client.get(essay.get_absolute_url()).content.decode()
    assert f"&amp;posted={argument.passage_fragment}" in page
    live = {"part": "body", "visibility": "visible", "posted": argument.passage_fragment}
    part = client.get(body, live, headers={"HX-Request": "true"}).content.decode()
    assert _note(part) == f"{argument.passage_fragment}: {POSTED_NOTE}"
    other = Client()
    other.force_login(verified_user())
    part = other.get(body, live, headers={"HX-Request": "true"}).content.decode()
    assert _note(part) is None
    assert f'<span class="passage-target" id="{argument.passage_fragment}">' in part
    for nonsense in ("passage-a", "passage-m1", "<b>"):
        part = client.get(body, {**live, "posted": nonsense}, headers={"HX-Request": "true"})
        assert part.status_code == 200 and _note(part.content.decode()) is None


def test_the_confirmation_elsewhere_stands_at_the_top_as_any_message(client, essay, member):
    client.force_login(member)
    first = _argue(client, essay, claim="First, before reading it.")
    # Read elsewhere first, it is said where messages stand, styled as any success (the
    # passage it names is no class of its own).
    html = client.get(reverse("sources")).content.decode()
    assert '<li class="message message--success">' in html
    assert first.passage_fragment not in html
    assert POSTED_FROM_PASSAGE in html
    # Two posted before the reader is read: it lands on the later (its address), and the earlier
    # is still said, at the top.
    _argue(client, essay, claim="Second, unread.")
    third = _argue(client, essay, claim="Third, the one the reader opens on.")
    html = client.get(essay.get_absolute_url()).content.decode()
    assert _note(html) == f"{third.passage_fragment}: {POSTED_NOTE}"
    assert html.count(POSTED_FROM_PASSAGE) == 1
