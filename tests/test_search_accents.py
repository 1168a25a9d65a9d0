"""Words are found whatever their accents, on SQLite (FTS5) and on PostgreSQL alike: researchers
type "Erdogan" for "Erdoğan", "Oberg" for "Øberg". PostgreSQL reads words by Crux's own text
search configuration (search.schema.CONFIGURATION: unaccent, then English stemming); SQLite's
tokenizer takes off the marks a Latin letter decomposes into, and its index folds the rest of
what unaccent folds in Europe's alphabets (search.schema.SQLITE_FOLDING). Every test here runs on
both engines with the same expectations, but the one that pins where they still differ.
"""

# ruff: noqa: RUF001

import sqlite3

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client

from debates import sources as sources_api
from search import queries, schema
from tests.factories import ArgumentFactory, MotionFactory, SourceFactory
from tests.migrating import by_hand

pytestmark = pytest.mark.django_db

ANYONE = AnonymousUser()


def hits(text):
    search = queries.Search(text=text, viewer=ANYONE, filters=queries.Filters())
    return list(search.page(1, 50).object_list)


def found(text):
    return [hit.claim for hit in hits(text)]


@pytest.fixture
def motion():
    return MotionFactory(title="Envoys", claim="The envoys were heard.")


# --- One table, two engines --------------------------------------------------------------------

DOCUMENTS = {
    "erdogan": "Erdoğan met the envoys in Ankara.",
    "plain": "Erdogan spoke without accents.",
    "zoe": "Zoë Baird testified twice.",
    "oberg": "Øberg's report reached Łódź.",
    "isik": "Işık University hosted the talks.",
    "strasse": "The Straße was closed.",
    "talks": "Négociations échouées à Genève.",
    "athens": "Αθήνα hosted the summit.",
    "eremenko": "Ерёменко disagreed.",
    "mine": "Это мой голос.",
    "hanoi": "Nguyễn Phú Trọng spoke.",
}
# (query, which documents it finds) on both engines.
EXPECTED = [
    # Typed without accents, the word is found as written with them, and without.
    ("erdogan", {"erdogan", "plain"}),
    ("zoe", {"zoe"}),
    ("oberg", {"oberg"}),  # a stroke is no mark SQLite's tokenizer takes off: SQLITE_FOLDING
    ("lodz", {"oberg"}),
    ("isik", {"isik"}),  # a dotless i, and an s with a cedilla
    ("strasse", {"strasse"}),  # "ß" is "ss"
    ("geneve", {"talks"}),
    # Two marks on one letter come off too (SQLite's remove_diacritics 2, not 1).
    ("nguyen trong", {"hanoi"}),
    ("αθηνα", {"athens"}),  # Greek's tonos
    ("еременко", {"eremenko"}),  # Cyrillic's "ё"
    # Typed with them, the word is found without them too; in capitals as well.
    ("Erdoğan", {"erdogan", "plain"}),
    ("ERDOĞAN", {"erdogan", "plain"}),
    ("IŞIK", {"isik"}),
    ("Øberg", {"oberg"}),
    ("Straße", {"strasse"}),
    ("ΑΘΉΝΑ", {"athens"}),
    # Stemmed once its accents are off: "négociations" and "negociation" are one word.
    ("negociation", {"talks"}),
    ("échouée", {"talks"}),
    # A phrase, and a word to leave out, read alike.
    ('"erdogan met"', {"erdogan"}),
    ("erdogan -ankara", {"plain"}),
    # Without its accent a stop word is one: "à" asks for nothing, as "a" does.
    ("à", set()),
    ("à geneve", {"talks"}),
    # Folding accents takes no letter away: another word is still another word. "й" is a
    # letter of its own, not an accented "и", on both.
    ("zoa", set()),
    ("erdagan", set()),
    ("мои", set()),
]


@pytest.mark.parametrize(("query", "expected"), EXPECTED)
def test_both_engines_find_words_whatever_their_accents(motion, query, expected):
    ids = {ArgumentFactory(motion=motion, claim=text).pk: name for name, text in DOCUMENTS.items()}
    assert {ids[argument.pk] for argument in found(query)} == expected


# --- The word marked is the word as written ------------------------------------------------------


def test_the_accented_word_is_highlighted_when_the_query_had_no_accent(motion):
    ArgumentFactory(motion=motion, claim="Erdoğan met Łukasz Øberg in the Straße.")
    [hit] = hits("erdogan oberg strasse")
    assert hit.claim_html == (
        "<mark>Erdoğan</mark> met Łukasz <mark>Øberg</mark> in the <mark>Straße</mark>."
    )
    [hit] = hits("Oberg")
    assert hit.claim_html == "Erdoğan met Łukasz <mark>Øberg</mark> in the Straße."


def test_an_unaccented_word_is_highlighted_when_the_query_had_accents(motion):
    ArgumentFactory(motion=motion, claim="Erdogan met Lukasz Oberg.")
    [hit] = hits("Erdoğan Łukasz")
    assert hit.claim_html == "<mark>Erdogan</mark> met <mark>Lukasz</mark> Oberg."


def test_a_motions_accented_title_is_cut_from_its_claim_where_it_ends():
    """A motion's title and claim are highlighted as one text and cut by the title's length:
    letters that fold into two ("ß" into "ss") must not move the cut."""
    MotionFactory(title="Straße and Øberg", claim="Øberg spoke.")
    [hit] = hits("oberg")
    assert hit.title_html == "Straße and <mark>Øberg</mark>"
    assert hit.claim_html == "<mark>Øberg</mark> spoke."


def test_an_excerpt_marks_the_accented_word_where_it_stands(motion):
    opening = " ".join(f"Opening{n} words of the details." for n in range(20))
    closing = " ".join(f"Closing{n} words of the details." for n in range(20))
    details = f"{opening} Here Ærøskøbing and Işıklar matter most. {closing}"
    ArgumentFactory(motion=motion, claim="Harbours.", details=details)
    [hit] = hits("aeroskobing")
    assert "Here <mark>Ærøskøbing</mark> and Işıklar matter" in hit.excerpt_html
    assert hit.excerpt_html.startswith("…") and hit.excerpt_html.endswith("…")
    ArgumentFactory(motion=motion, claim="Quoted.", quote="Words quoted", attribution="Zoë Øberg")
    [hit] = hits("zoe oberg")
    assert hit.excerpt_html == "Words quoted · <mark>Zoë</mark> <mark>Øberg</mark>"


def test_a_paragraph_of_a_text_is_found_and_marked_without_accents():
    source = SourceFactory(title="Мнения")
    sources_api.replace_text(source, "Первый абзац.\n\nЕрёменко не согласен.")
    [hit] = hits("еременко")
    assert hit.kind == "passage" and hit.claim.number == 2
    assert hit.excerpt_html == "<mark>Ерёменко</mark> не согласен."


def test_the_page_finds_and_marks_accented_words_at_its_pinned_cost(
    motion, django_assert_num_queries
):
    """The page, arguments, motions, two highlights and the motion filter's choices, as
    tests/test_search.py pins it: folding accents costs no query."""
    for n in range(25):
        ArgumentFactory(motion=motion, claim=f"Erdoğan claim {n}.")
    MotionFactory(title="Erdoğan", claim="Erdogan.")
    with django_assert_num_queries(6):
        body = Client().get("/search/", {"q": "erdogan"}).content.decode()
    assert "26 results" in body and "<mark>Erdoğan</mark> claim" in body


# --- What each engine folds --------------------------------------------------------------------


def _sqlite_tokens(text):
    """The words SQLite's tokenizer, as the index is made (search.schema), reads in `text`."""
    with sqlite3.connect(":memory:") as scratch:
        scratch.execute(
            "CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'unicode61 remove_diacritics 2')"
        )
        scratch.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")
        scratch.execute("INSERT INTO t (x) VALUES (?)", [text])
        return [term for (term,) in scratch.execute("SELECT term FROM v ORDER BY offset")]


def test_the_letters_sqlite_folds_too_are_those_its_tokenizer_keeps_as_unaccent_folds_them():
    """Every letter of SQLITE_FOLDING is one SQLite's tokenizer keeps (or it would not be needed
    there), folded as PostgreSQL's unaccent folds it (checked on PostgreSQL); and none folds into
    another that is folded, so the order they are replaced in does not matter."""
    folding = schema.SQLITE_FOLDING
    assert not set("".join(folding.values())) & set(folding)
    assert all(plain.isalpha() for plain in folding.values())  # a word stays one word
    for letter in folding:
        assert _sqlite_tokens(f"a{letter}a") == [f"a{letter.lower()}a"], letter
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT letter, lower(unaccent(letter)) FROM unnest(%s::text[]) AS letter",
            [list(folding)],
        )
        assert dict(cursor.fetchall()) == {k: v.lower() for k, v in folding.items()}


def test_where_the_engines_still_differ(motion):
    """Beyond SQLITE_FOLDING (Europe's alphabets today) only PostgreSQL folds: polytonic Greek,
    or a Latin letter with a hook, is found without its marks there alone."""
    polytonic = ArgumentFactory(motion=motion, claim="Ἀθῆναι.")
    hooked = ArgumentFactory(motion=motion, claim="Ƒlorin.")
    on_postgresql = connection.vendor == "postgresql"
    assert found("αθηναι") == ([polytonic] if on_postgresql else [])
    assert found("florin") == ([hooked] if on_postgresql else [])
    assert found("Ἀθῆναι") == [polytonic]  # typed as written, both find it


# --- The migration -----------------------------------------------------------------------------


def _vectors():
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM debates_argument ORDER BY id")
        return [vector for (vector,) in cursor.fetchall()]


def _configured() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [schema.CONFIGURATION])
        return cursor.fetchone() is not None


@pytest.mark.django_db(transaction=True)
def test_the_migration_is_undone_and_done_again(motion):
    """Undone, PostgreSQL reads words by 'english' again, the stored vectors with it, and the
    configuration and unaccent go; done again (by_hand), every row is read again by
    CONFIGURATION, one written in between too. On SQLite it does nothing: the index is rebuilt
    after every migrate, folded."""
    before = ArgumentFactory(motion=motion, claim="Erdoğan met the envoys.")
    with by_hand() as executor:
        executor.migrate([("search", "0004_passages")])
        between = ArgumentFactory(motion=motion, claim="Øberg met them later.")
        if connection.vendor == "postgresql":
            assert not _configured()
            assert _vectors() == [
                "'envoy':4A 'erdoğan':1A 'met':2A",
                "'later':4A 'met':2A 'øberg':1A",
            ]
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")
                assert cursor.fetchone() is None
    if connection.vendor == "postgresql":
        assert _configured()
        assert _vectors() == [
            "'envoy':4A 'erdogan':1A 'met':2A",
            "'later':4A 'met':2A 'oberg':1A",
        ]
    assert found("erdogan") == [before]
    assert found("oberg") == [between]
