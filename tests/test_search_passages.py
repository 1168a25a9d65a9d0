"""Search finds passages of the source texts Crux holds (search.models.Passage), and excerpts keep
the pieces of what a claim cites apart (search.schema.SEPARATOR).

Every test here runs on SQLite (FTS5) and on PostgreSQL (tsvector) alike. A text is cut into
paragraphs by SQL that differs per engine: test_both_engines_cut_a_text_as_the_reader_does runs
SQLite's cut on every run (in a database of its own) and holds it, and the cut of the database
the suite runs on, to the reader's own paragraphs.
"""

import re
import sqlite3

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client

from debates import policy
from debates import sources as sources_api
from debates.models import Argument, Source, SourceText
from debates.source_queries import paragraph_spans
from search import queries, schema
from search.models import Passage
from tests.factories import ArgumentFactory, MotionFactory, SourceFactory, verified_user
from tests.migrating import by_hand

pytestmark = pytest.mark.django_db

ANYONE = AnonymousUser()

ESSAY = (
    "Moscow watched the war from afar.\n\n"
    "The ceasefire was brokered by Moscow late in the autumn, after the drones had decided it.\n\n"
    "Nobody in Yerevan expected help."
)


def hits(text, viewer=ANYONE, **filters):
    search = queries.Search(text=text, viewer=viewer, filters=queries.Filters(**filters))
    return list(search.page(1, 50).object_list)


def found(text, viewer=ANYONE, **filters):
    return [hit.claim for hit in hits(text, viewer, **filters)]


def passages(source):
    return list(
        Passage.objects.filter(source=source).order_by("number").values_list("number", "text")
    )


def with_text(text=ESSAY, **fields):
    source = SourceFactory(**fields)
    sources_api.replace_text(source, text)
    return source


def _page(params, client=None, **headers):
    return (client or Client()).get("/search/", params, headers=headers)


# --- Found, and where it leads -----------------------------------------------------------------


def test_a_paragraph_of_a_text_is_found_and_leads_to_it_in_the_reader():
    source = with_text(title="Karabakh calculus", author="Simon Saradzhyan")
    Source.objects.filter(pk=source.pk).update(published_on="2021-01-29")
    [hit] = hits("ceasefire")
    assert hit.kind == "passage" and hit.claim.source == source and hit.claim.number == 2
    assert hit.title_html == "Karabakh calculus"
    assert "<mark>ceasefire</mark> was brokered by Moscow" in hit.excerpt_html
    link = f"/sources/{source.pk}/#p-2"
    assert hit.claim.get_absolute_url() == link
    # The reader has that paragraph under that id.
    reader = Client().get(f"/sources/{source.pk}/").content.decode()
    row = re.search(r'id="p-2">(.*?)</div>', reader, re.S).group(1)
    assert "The ceasefire was brokered by Moscow" in re.sub(r"<[^>]+>", "", row)

    body = _page({"q": "ceasefire"}).content.decode()
    assert "1 result" in body and "From the text of a source" in body
    assert f'href="{link}"' in body and "Karabakh calculus" in body
    assert "<mark>ceasefire</mark>" in body
    byline = re.search(r'class="search-hit__byline muted">(.*?)</p>', body, re.S).group(1)
    assert byline == "<bdi>Simon Saradzhyan</bdi>, 2021"


def test_each_matching_paragraph_is_a_hit_and_a_claim_ranks_above_them():
    source = with_text()
    motion = MotionFactory(title="Aloof", claim="Russia kept away.")
    claim = ArgumentFactory(motion=motion, claim="Moscow chose to stay aloof.")
    first, *rest = found("moscow")
    assert first == claim
    assert sorted((p.source, p.number) for p in rest) == [(source, 1), (source, 2)]
    assert [p.number for p in found('"help"')] == [3]
    assert [p.number for p in found("drones -ceasefire")] == []
    assert [p.number for p in found("stemming or yerevan")] == [3]


def test_the_seeded_essay_is_found_by_its_words(seeded):
    essay = Source.objects.get(seed_key="saradzhyan-essay")
    paragraphs = [
        essay.full_text.text[start:end] for start, end in paragraph_spans(essay.full_text.text)
    ]
    number = next(n for n, text in enumerate(paragraphs, 1) if "game-changer" in text)
    found_hits = [hit for hit in hits('"game changer"') if hit.kind == "passage"]
    assert [(hit.claim.source, hit.claim.number) for hit in found_hits] == [(essay, number)]
    body = _page({"q": '"game changer"'}).content.decode()
    assert f'href="/sources/{essay.pk}/#p-{number}"' in body
    assert "<bdi>Simon Saradzhyan</bdi>, 2021" in body


def test_a_text_edited_or_taken_away_is_found_as_it_stands():
    source = with_text()
    sources_api.replace_text(source, "A new first paragraph.\n\nThe armistice held.")
    assert found("ceasefire") == []
    assert [p.number for p in found("armistice")] == [2]
    sources_api.replace_text(source, "")
    assert found("armistice") == [] and passages(source) == []


# --- Who finds it ------------------------------------------------------------------------------


def test_a_hidden_sources_text_is_found_only_by_who_may_read_it(member, moderator):
    adder = verified_user(display_name="Adder Ada")
    hidden = with_text("The walrus papers.", added_by=adder, visibility="hidden")
    shown = with_text("The walrus returns.")
    for viewer in (ANYONE, member, adder, moderator):
        expected = {s for s in (hidden, shown) if policy.source_shown_to(s, viewer)}
        assert {p.source for p in found("walrus", viewer)} == expected
        # As the reader shows the text (or does not).
        client = Client()
        if viewer is not ANYONE:
            client.force_login(viewer)
        reader = client.get(hidden.get_absolute_url()).content.decode()
        assert ("The walrus papers." in reader) == (hidden in expected)
    body = _page({"q": "walrus"}).content.decode()
    assert "papers" not in body and f"/sources/{hidden.pk}/" not in body
    client = Client()
    client.force_login(moderator)
    body = _page({"q": "papers"}, client).content.decode()
    assert "hidden by a moderator" in body and f'href="/sources/{hidden.pk}/#p-1"' in body


# --- Filters -----------------------------------------------------------------------------------


def test_motion_and_stance_filters_leave_texts_out_and_say_so():
    motion = MotionFactory(title="Karabakh", claim="Moscow lost.")
    argument = ArgumentFactory(motion=motion, claim="Moscow was absent.", stance="con")
    with_text()
    assert set(found("moscow", motion=motion)) == {argument, motion}
    assert found("moscow", stance="con") == [argument]
    for params in ({"q": "moscow", "motion": motion.slug}, {"q": "moscow", "stance": "con"}):
        body = _page(params).content.decode()
        assert "Sources and their texts are left out" in body
        assert "From the text of a source" not in body
    assert "left out" not in _page({"q": "moscow"}).content.decode()
    form = _page({}).content.decode()
    assert "Sources and their texts belong to no motion" in form
    assert "Only arguments take a stance" in form


def test_the_author_filter_finds_the_texts_of_what_a_name_wrote():
    mine = with_text(author="Simon Saradzhyan")
    with_text(author="Dmitri Trenin")
    by = queries.names_like("simon saradzhyan")
    assert {(p.source, p.number) for p in found("moscow", held_by=by)} == {(mine, 1), (mine, 2)}
    # Filters alone list sources by their titles, never every paragraph of their texts.
    assert found("", held_by=by) == [mine]


def test_the_empty_page_says_texts_are_searched():
    assert "the texts Crux holds of them" in _page({}).content.decode()


# --- Pages and their cost ----------------------------------------------------------------------


def test_passages_are_paginated_as_the_rest():
    with_text("\n\n".join(f"Paragraph {n} about the reservoir." for n in range(25)))
    first = _page({"q": "reservoir"}).content.decode()
    assert "25 results" in first and "Page 1 of 2" in first
    second = _page({"q": "reservoir", "page": "2"}).content.decode()
    assert second.count('class="search-hit"') == 5
    last = _page({"q": "reservoir", "page": "7"}).content.decode()
    assert "Page 2 of 2" in last


def test_a_page_of_passages_costs_the_same_queries_however_many(django_assert_num_queries):
    motion = MotionFactory(title="Other", claim="Other.")

    def cost(n):
        for _ in range(n):
            with_text("The glacier melts.\n\nAnother glacier paragraph.")
        ArgumentFactory(motion=motion, claim="Glacier claim.")
        shown = min(Passage.objects.count() + Argument.objects.count(), 20)
        client = Client()
        # The page (counted as it is ranked), arguments, passages with their sources, two
        # highlights, and the motion filter's choices.
        with django_assert_num_queries(6):
            body = client.get("/search/", {"q": "glacier"}).content.decode()
        assert "<mark>Glacier</mark> claim." in body  # a claim ranks above the passages
        assert body.count('class="search-hit"') == shown and "From the text of a source" in body

    cost(2)
    cost(30)


# --- One cut, two engines ----------------------------------------------------------------------

TEXTS = [
    ESSAY,
    "One paragraph only.",
    "Back\\slashes \\ and \\n and \\u0001 and \\\\n\n\nare text.",
    'Quotes "in" it, a JSON-looking "]," and [1, 2].\n\nÜmlauts, emoji 🙂 and — dashes.',
    "Lines\nin one\nparagraph.\n\n\tIndented next.\n\n\n\n  More space between.",
    "Cells | set | apart\n\nTrailing spaces   \n   \nand a blank line with spaces.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_both_engines_cut_a_text_as_the_reader_does(text):
    cleaned = sources_api.clean_text(text)
    expected = [(n, cleaned[s:e]) for n, (s, e) in enumerate(paragraph_spans(cleaned), 1)]
    source = with_text(cleaned)
    assert passages(source) == expected  # this database's triggers
    assert _sqlite_cut(cleaned) == expected  # SQLite's, whatever the suite runs on
    # A text written past debates' cleaning is cut as its reader cuts it too, as long as its
    # paragraphs part at line breaks alone: every write cleans a text first (clean_text), and
    # the triggers cut at two breaks where the reader also takes spaces on a blank line.
    raw = "A.\n\n\n\nB.\n\n \t\n\nC.\n\n\n"
    other = SourceFactory()
    SourceText.objects.create(source=other, text=raw)
    expected_raw = [(n, raw[s:e]) for n, (s, e) in enumerate(paragraph_spans(raw), 1)]
    assert passages(other) == expected_raw == _sqlite_cut(raw)


def _sqlite_cut(text):
    """The SQLite trigger's cut of `text`, in a database of its own."""
    database = sqlite3.connect(":memory:")
    try:
        database.executescript(
            "CREATE TABLE debates_sourcetext (source_id INTEGER PRIMARY KEY, text TEXT);"
            "CREATE TABLE search_passage (id INTEGER PRIMARY KEY, source_id INT, number INT, "
            "text TEXT);"
        )
        database.execute("INSERT INTO debates_sourcetext VALUES (1, ?)", [text])
        database.execute(schema._insert_all_passages("sqlite"))
        return database.execute(
            "SELECT number, text FROM search_passage ORDER BY number"
        ).fetchall()
    finally:
        database.close()


PASSAGE_EXPECTED = [
    ("moscow", {1, 2}),
    ('"brokered by moscow"', {2}),
    ("broker", {2}),  # stemmed
    ("moscow -drones", {1}),
    ("yerevan or afar", {1, 3}),
]


@pytest.mark.parametrize(("query", "expected"), PASSAGE_EXPECTED)
def test_both_engines_find_the_same_passages(query, expected):
    with_text()
    assert {p.number for p in found(query)} == expected


def test_the_index_is_rebuilt_with_the_passages():
    """SQLite rebuilds the index after a migrate, passages too (search.apps); PostgreSQL cuts
    the texts there are when the migration installs it."""
    source = with_text()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # As in a migration's own transaction: no constraint check pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("DELETE FROM search_passage")
        schema.install(connection)
    else:
        schema.before_migrate(sender=None)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_passage")
        schema.after_migrate(sender=None)
    assert [p.number for p in found("ceasefire")] == [2]
    assert passages(source)[0] == (1, "Moscow watched the war from afar.")


# --- Excerpts keep what a claim cites apart ---------------------------------------------------


def _excerpt(text, viewer=ANYONE):
    [hit] = [hit for hit in hits(text, viewer) if hit.kind in ("argument", "motion")]
    return str(hit.excerpt_html)


def test_an_excerpt_separates_the_quote_who_said_it_and_the_source():
    motion = MotionFactory(title="Clout", claim="Russia's clout.")
    source = SourceFactory(title="How Putin's calculus")
    ArgumentFactory(
        motion=motion,
        claim="Integration would raise Russia's clout.",
        quote="could increase clout substantially",
        attribution="Simon Saradzhyan",
        source=source,
    )
    assert _excerpt("Saradzhyan") == (
        "could increase clout substantially · Simon <mark>Saradzhyan</mark> · How Putin&#x27;s "
        "calculus"
    )


@pytest.mark.parametrize(
    ("quote", "attribution", "titled", "expected"),
    [
        ("", "Simon Saradzhyan", True, "Simon <mark>Saradzhyan</mark> · A title"),
        ("Saradzhyan wrote it", "", True, "<mark>Saradzhyan</mark> wrote it · A title"),
        ("", "Simon Saradzhyan", False, "Simon <mark>Saradzhyan</mark>"),
        ("Words quoted", "Simon Saradzhyan", False, "Words quoted · Simon <mark>Saradzhyan</mark>"),
    ],
)
def test_an_excerpt_has_no_separator_for_a_piece_it_lacks(quote, attribution, titled, expected):
    motion = MotionFactory(title="Clout", claim="Russia's clout.")
    source = SourceFactory(title="A title") if titled else None
    ArgumentFactory(
        motion=motion, claim="A claim.", quote=quote, attribution=attribution, source=source
    )
    assert _excerpt("Saradzhyan") == expected


def test_new_and_edited_claims_and_a_retitled_or_hidden_source_index_alike(moderator):
    motion = MotionFactory(title="Clout", claim="Russia's clout.")
    source = SourceFactory(title="Old title")
    argument = ArgumentFactory(motion=motion, claim="A claim.", attribution="Simon Saradzhyan")
    assert _excerpt("Saradzhyan") == "Simon <mark>Saradzhyan</mark>"
    argument.quote, argument.source = "Edited quote", source
    argument.save()
    assert _excerpt("Saradzhyan") == "Edited quote · Simon <mark>Saradzhyan</mark> · Old title"
    source.title = "New title"
    source.save()
    assert _excerpt("Saradzhyan") == "Edited quote · Simon <mark>Saradzhyan</mark> · New title"
    Source.objects.filter(pk=source.pk).update(visibility="hidden")
    assert _excerpt("Saradzhyan", moderator) == "Edited quote · Simon <mark>Saradzhyan</mark>"
    # A motion's too, and a source's author and publisher.
    MotionFactory(title="T", claim="C.", quote="Words quoted", attribution="Ann Otterby")
    assert _excerpt("Otterby") == "Words quoted · Ann <mark>Otterby</mark>"
    SourceFactory(title="Paper", author="Dmitri Trenin", publisher="Carnegie")
    [hit] = hits("Carnegie")
    assert hit.excerpt_html == "Dmitri Trenin · <mark>Carnegie</mark>"


def test_the_rebuilt_index_separates_the_pieces_too():
    """SQLite's index stores its text: a migrate rebuilds it (search.apps) by the same rule the
    triggers write by. PostgreSQL stores only the lexemes, which a separator does not change,
    so its vectors needed no reindex."""
    motion = MotionFactory(title="Clout", claim="Russia's clout.")
    ArgumentFactory(
        motion=motion,
        claim="A claim.",
        quote="substantially.",
        attribution="Simon Saradzhyan",
        source=SourceFactory(title="How Putin's calculus"),
    )
    if connection.vendor == "postgresql":
        cited = schema.parts("argument", "c", schema.title_of("c"))[1]
        pieces = ("substantially.", "Simon Saradzhyan", "How Putin's calculus", "3", ".5", "a-")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT to_tsvector('english', %s) = to_tsvector('english', %s)",
                [" ".join(pieces), schema.SEPARATOR.join(pieces)],
            )
            assert cursor.fetchone()[0]
            cursor.execute(
                "SELECT count(*) FROM debates_argument AS c WHERE c.search_vector IS DISTINCT "
                "FROM setweight(to_tsvector('english', c.claim), 'A') || "
                f"setweight(to_tsvector('english', {cited}), 'B') || "
                "setweight(to_tsvector('english', c.details), 'C')"
            )
            assert cursor.fetchone()[0] == 0
    else:
        schema.before_migrate(sender=None)
        schema.after_migrate(sender=None)
    assert _excerpt("Saradzhyan") == (
        "substantially. · Simon <mark>Saradzhyan</mark> · How Putin&#x27;s calculus"
    )


@pytest.mark.django_db(transaction=True)
def test_the_migration_is_undone_and_done_again():
    source = with_text()
    motion = MotionFactory(title="Karabakh", claim="Moscow lost the ceasefire.")
    with by_hand() as executor:
        executor.migrate([("search", "0003_hidden_source_titles")])
        assert "search_passage" not in connection.introspection.table_names()
        # No trigger is left to write to it.
        sources_api.replace_text(source, ESSAY + "\n\nA fourth paragraph.")
    # Done again (by_hand migrates forward, and SQLite's index is rebuilt after it).
    assert [number for number, _ in passages(source)] == [1, 2, 3, 4]
    assert {(hit.kind, hit.claim.pk) for hit in hits("ceasefire")} == {
        ("motion", motion.pk),
        ("passage", Passage.objects.get(source=source, number=2).pk),
    }
