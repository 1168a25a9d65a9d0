"""The source pages after a tester's report: a member's pasted text says whose it is wherever it is
cited; overlapping quotes each lead to their own argument; what a live message concerns; the
reader's figures and punctuation."""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debates import events, moderation, services, source_queries, sources
from debates.live import fanout
from debates.live.render import render_event
from debates.models import SOURCE_TEXT_MAX_LENGTH, Argument, Motion, Source, SourceText, Stance
from debates.source_queries import Passage, Segment
from tests.factories import ArgumentFactory, MotionFactory, verified_user

pytestmark = pytest.mark.django_db

OVERLAPS = "Alpha beta gamma delta epsilon."


def _pasted(adder, text=OVERLAPS, **fields):
    return sources.add_source(
        adder=adder, title=fields.pop("title", "A pasted text"), text=text, **fields
    )


def _quote(source, quote, *, motion, stance=Stance.PRO, claim=None, author=None):
    argument, _ = services.post_argument(
        author=author or verified_user(),
        motion=motion,
        parent=None,
        stance=stance,
        claim=claim or f"Quoting “{quote}”.",
        source=source,
        quote=quote,
    )
    return argument


def _meta(html: str) -> str:
    found = re.search(r'<p class="source-head__meta">(.*?)</p>', html, re.S)
    return found and " ".join(re.sub(r"<[^>]+>", "", found[1]).split())


# --- 2. Whose pasted text a citation quotes -------------------------------------------------------


def test_a_citation_of_a_members_pasted_text_says_whose_it_is(client, seeded, member):
    """Alice pastes a text under a real work's title, author and address: her argument's
    citation says the text is hers, linked to her profile; the seeded essay's say nothing new."""
    alice = verified_user(display_name="Alice Paster")
    essay = Source.objects.get(seed_key="saradzhyan-essay")
    twin = _pasted(
        alice,
        text="Putin is a liar and Russia lost the war, Saradzhyan concludes.",
        title=essay.title,
        author=essay.author,
        publisher=essay.publisher,
        published_on=essay.published_on,
    )
    motion = Motion.objects.get(slug="strategic-solitude")
    argument = _quote(twin, "Putin is a liar", motion=motion, author=alice)
    pasted_by = f'text pasted by <a href="{alice.get_absolute_url()}"><bdi>Alice Paster</bdi></a>'

    permalink = client.get(argument.get_absolute_url()).content.decode()
    assert pasted_by in permalink
    debate = client.get(motion.get_absolute_url()).content.decode()
    assert debate.count(pasted_by) == 1, "said on her argument's card alone"
    listed = client.get(reverse("sources")).content.decode()
    assert listed.count(pasted_by) == 1
    assert _meta(client.get(twin.get_absolute_url()).content.decode()).endswith(
        "· text pasted by Alice Paster"
    )
    # The seeded essay's citations and entry are as they were.
    seeded_argument = Argument.objects.filter(source=essay).exclude(pk=argument.pk).first()
    seeded_card = client.get(seeded_argument.get_absolute_url()).content.decode()
    assert "pasted by" not in seeded_card and "added by" not in seeded_card
    assert "pasted by" not in _meta(client.get(essay.get_absolute_url()).content.decode())


def test_a_member_added_source_without_a_text_is_said_added_not_pasted(client, db):
    """An import may bring a member's source with no text: her citation of it quotes nothing
    Crux holds, so it is hers as added, not as pasted."""
    adder = verified_user(display_name="Ida Importer")
    source = Source.objects.create(title="Cited only", url="https://example.org/w", added_by=adder)
    argument = ArgumentFactory(source=source, quote="Some words.")
    html = client.get(argument.get_absolute_url()).content.decode()
    assert "added by <a" in html and "Ida Importer" in html
    assert "text pasted by" not in html
    listed = client.get(reverse("sources")).content.decode()
    assert "added by <a" in listed and "text pasted by" not in listed


def _queries(client, url) -> int:
    caches["fragments"].clear()  # the tree rendered afresh, as after any change to the debate
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_whose_pasted_text_costs_no_query_per_citation(client, member):
    """Each citation's adder comes with its source (select_related): a debate citing three
    members' texts costs what one citing one does, to the public and to an author alike."""
    motion = MotionFactory()
    texts = [
        _pasted(verified_user(display_name=f"Paster {n}"), title=f"Text {n}") for n in range(3)
    ]
    _quote(texts[0], "Alpha beta", motion=motion, author=member)
    pages = [motion.get_absolute_url(), reverse("sources")]
    before = {url: _queries(client, url) for url in pages}
    client.force_login(member)
    before_as_author = _queries(client, motion.get_absolute_url())
    for text in texts[1:]:
        _quote(text, "gamma delta", motion=motion, author=member)
    assert _queries(client, motion.get_absolute_url()) == before_as_author
    client.logout()
    assert {url: _queries(client, url) for url in pages} == before


# --- 6. Overlapping quotes: each piece leads to the innermost -------------------------------------


def test_each_piece_of_overlapping_quotes_links_to_the_shortest_quote_over_it(client, member):
    motion = MotionFactory()
    source = _pasted(member)
    long = _quote(source, "Alpha beta gamma delta", motion=motion, claim="The long one.")
    first = _quote(source, "Alpha beta", motion=motion, stance=Stance.CON, claim="The first.")
    second = _quote(source, "gamma delta", motion=motion, claim="The second.")
    html = client.get(source.get_absolute_url()).content.decode()
    links = re.findall(r'<a class="passage[^"]*"\s+href="([^"]*)"\s+aria-label="([^"]*)"', html)
    assert links == [
        (
            first.get_absolute_url(),
            "Alpha beta (Con argument: The first.; 1 more quote here in the margin)",
        ),
        (
            second.get_absolute_url(),
            "gamma delta (Pro argument: The second.; 1 more quote here in the margin)",
        ),
    ]
    # The space between them is the long quote's, marked, and no link: it has no words.
    assert re.search(
        rf'<span class="passage passage--pro"\s+data-start="10" '
        rf'data-passages="{long.passage_fragment}"> </span>',
        html,
    )
    assert not re.search(r"<a [^>]*>\s*</a>", html)
    # The long one is still reached from the margin.
    assert f'href="{long.get_absolute_url()}"><bdi>The long one.</bdi>' in html


def test_a_segment_links_to_its_innermost_passage_and_blank_ones_to_none():
    wide, narrow = (
        Passage(ArgumentFactory.build(pk=1), 0, 20),
        Passage(ArgumentFactory.build(pk=2), 5, 9),
    )
    assert Segment(5, 9, "word", [wide, narrow]).link is narrow
    assert Segment(9, 10, " ", [wide]).link is None
    assert Segment(0, 5, "text ", []).link is None


def test_a_motions_passage_and_a_replys_say_what_they_are():
    motion = MotionFactory.build(pk=3, claim="A motion's claim.")
    reply = ArgumentFactory.build(pk=4, parent_id=1, stance=Stance.CON, claim="x" * 120)
    assert Passage(motion, 0, 1).leads_to == "Motion: A motion's claim."
    assert Passage(reply, 0, 1).leads_to == f"Con reply: {'x' * 89}…"


# --- 5. Every quote starting at one character has its target around that segment ------------------


def test_quotes_starting_at_one_character_each_have_a_target_around_its_first_segment(
    client, member
):
    motion = MotionFactory()
    source = _pasted(member)
    same = [_quote(source, "Alpha beta", motion=motion, claim=f"Same {n}.") for n in range(2)]
    longer = _quote(source, "Alpha beta gamma", motion=motion, claim="Longer.")
    html = client.get(source.get_absolute_url()).content.decode()
    opening = "".join(
        f'<span class="passage-target" id="{argument.passage_fragment}">'
        for argument in sorted([*same, longer], key=lambda a: (-len(a.quote), a.pk))
    )
    assert re.search(
        re.escape(opening) + r'<a class="passage[^>]*>Alpha beta</a></span></span></span>', html
    )


# --- 7. What a live message concerns --------------------------------------------------------------


def test_a_home_message_says_its_events_motion_kind_and_cited_source(member):
    motion = MotionFactory()
    source = _pasted(member)
    argument = _quote(source, "Alpha beta", motion=motion)

    def told(kind, **ids):
        html = render_event(fanout.LiveEvent(1, motion.pk, kind, ids), fanout.HOME)
        return re.search(r"<template data-live-motion[^>]*></template>", html)[0]

    assert told(events.ARGUMENT_POSTED, argument_id=argument.pk) == (
        f'<template data-live-motion="{motion.pk}" data-live-kind="argument-posted" '
        f'data-live-source="{source.pk}"></template>'
    )
    assert f'data-live-source="{source.pk}"' not in told(events.MOTION_CHANGED)
    assert 'data-live-kind="vote-changed" data-live-source=""' in told(
        events.VOTE_CHANGED, claim="argument", claim_id=argument.pk
    )


def test_the_reader_says_which_motions_quote_it_withdrawn_claims_too(client, member, moderator):
    """A motion whose argument quoting the text is hidden is still one whose events concern it:
    restoring the argument marks its passage again."""
    quoting, hidden_in, elsewhere = MotionFactory(), MotionFactory(), MotionFactory()
    source = _pasted(member)
    _quote(source, "Alpha beta", motion=quoting)
    withdrawn = _quote(source, "gamma delta", motion=hidden_in)
    moderation.hide_argument(moderator=moderator, argument=withdrawn, reason="Off topic.")
    ArgumentFactory(motion=elsewhere)
    html = client.get(source.get_absolute_url()).content.decode()
    motions = re.search(r'id="reader-body"[^>]*data-motions="([^"]*)"', html, re.S)[1]
    assert sorted(map(int, motions.split())) == sorted([quoting.pk, hidden_in.pk])
    assert f'data-source="{source.pk}"' in html


# --- 9. Figures and punctuation -------------------------------------------------------------------


def test_coverage_under_one_percent_is_not_said_to_be_none(client, member):
    text = "\n\n".join(f"Paragraph number {n} says something." for n in range(200))
    source = _pasted(member, text=text)
    html = client.get(source.get_absolute_url()).content.decode()
    assert "<strong>0%</strong> of its paragraphs are argued: 0 of 200" in html
    _quote(source, "Paragraph number 7 says", motion=MotionFactory())
    html = client.get(source.get_absolute_url()).content.decode()
    assert "<strong>under 1%</strong> of its paragraphs are argued: 1 of 200" in html


def test_coverage_short_of_all_is_not_said_to_be_all(member):
    text = "\n\n".join(f"Paragraph number {n} says something." for n in range(200))
    source = _pasted(member, text=text)
    motion = MotionFactory()
    for n in range(199):
        start = text.index(f"number {n} ")
        ArgumentFactory(
            motion=motion,
            source=source,
            quote="number",
            quote_start=start,
            quote_end=start + 6,
            anchor="exact",
        )
    reading = source_queries.reading(source)
    assert (reading.argued_count, reading.coverage_percent) == (199, 100)
    assert reading.coverage_shown == "over 99%"


@pytest.mark.parametrize(
    ("fields", "meta"),
    [
        ({}, "text pasted by Meta Member"),
        ({"url": "https://example.org/a"}, "the original · text pasted by Meta Member"),
        ({"publisher": "The Press"}, "The Press · text pasted by Meta Member"),
        ({"published_on": "2021-01-29"}, "29 January 2021 · text pasted by Meta Member"),
        (
            {"author": "An Author", "published_on": "2021-01-29"},
            "An Author, 29 January 2021 · text pasted by Meta Member",
        ),
    ],
)
def test_the_readers_meta_line_has_separators_only_between_items(client, fields, meta):
    adder = verified_user(display_name="Meta Member")
    source = _pasted(adder, **fields)
    assert _meta(client.get(source.get_absolute_url()).content.decode()) == meta


def test_the_seeded_comment_without_author_line_starts_with_what_there_is(client, db):
    source = Source.objects.create(title="Nothing but a title")
    source.full_text = SourceText.objects.create(source=source, text="Words.")
    html = client.get(source.get_absolute_url()).content.decode()
    assert _meta(html) is None, "no line at all rather than an empty one"


def test_an_overlong_text_is_refused_with_the_limit_written_as_the_help_writes_it(client, member):
    client.force_login(member)
    response = client.post(
        reverse("add_source"), {"title": "Long", "text": "x" * (SOURCE_TEXT_MAX_LENGTH + 1)}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "1 character over the limit of 200,000." in html
    assert "up to 200,000 characters" in html
    assert "limit of 200000" not in html
