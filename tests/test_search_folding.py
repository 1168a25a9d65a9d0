"""Search as a researcher types it: an author's name without its accents, and a word with an
apostrophe. Every test here runs on SQLite (FTS5) and on PostgreSQL alike, with the same
expectations: the author's name is folded in Python (search.queries.names_like), the words by
each engine as websearch_to_tsquery('english') reads them."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client

from search import queries
from tests.factories import ArgumentFactory, MotionFactory, SourceFactory

pytestmark = pytest.mark.django_db

ANYONE = AnonymousUser()


def found(text, **filters):
    search = queries.Search(text=text, viewer=ANYONE, filters=queries.Filters(**filters))
    return [hit.claim for hit in search.page(1, 50).object_list]


@pytest.fixture
def motion():
    return MotionFactory(title="Dress codes", claim="Schools should set a dress code.")


# --- An author's name, accents or none ---------------------------------------------------------


def test_an_author_is_found_by_her_name_typed_without_its_accents(motion):
    zoe = ArgumentFactory(motion=motion, claim="Ties.", author=None, attribution="Zoë S.")
    essay = SourceFactory(title="On ties", author="Antonín Dvořák")
    assert queries.names_like("Zoe S.") == queries.names_like("zoe") == ("Zoë S.",)
    assert queries.names_like("ZOË s") == queries.names_like("Zoé") == ("Zoë S.",)
    assert queries.names_like("antonin dvorak") == ("Antonín Dvořák",)
    assert found("ties", held_by=queries.names_like("Zoe S.")) == [zoe]
    assert found("", held_by=queries.names_like("Dvorak")) == [essay]
    # A letter that carries its stroke, a Cyrillic ё, and the other way round: typed with an
    # accent, a name stored without one.
    lodz = ArgumentFactory(motion=motion, claim="Ties.", author=None, attribution="Łukasz Øberg")
    assert queries.names_like("Lukasz Oberg") == ("Łukasz Øberg",)
    ArgumentFactory(motion=motion, claim="Ties.", author=None, attribution="Пётр Ерёменко")
    assert queries.names_like("еременко") == ("Пётр Ерёменко",)
    ArgumentFactory(motion=motion, claim="Ties.", author=None, attribution="Renee Roe")
    assert queries.names_like("Renée") == ("Renee Roe",)
    assert found("", held_by=queries.names_like("lukasz")) == [lodz]
    # Folding accents takes no letter away: another name is still another name.
    assert queries.names_like("Zoa") == queries.names_like("Dvorak Zoe") == ()


def test_the_page_lists_by_a_name_typed_without_accents_and_names_it_as_stored(motion):
    ArgumentFactory(motion=motion, claim="Ties.", author=None, attribution="Zoë S.")
    SourceFactory(title="Ties and solitude", author="Zoë S.")
    body = Client().get("/search/", {"author": "Zoe S."}).content.decode()
    assert "2 results by <bdi>Zoë S.</bdi>" in body
    body = Client().get("/search/", {"q": "ties", "author": "zoe s"}).content.decode()
    assert "2 results" in body and "Nothing found" not in body


def test_a_name_without_accents_costs_the_queries_it_did(motion, django_assert_num_queries):
    """The page, arguments, motions, two highlights, the motion filter's choices, the member of
    that name and the names held (a query per kind), however many names fold alike."""

    def cost(n):
        for i in range(n):
            spelt = ("Zoë S.", "ZOË S.", "Zoé S.", "Zoe S.")[i % 4]
            ArgumentFactory(motion=motion, claim=f"Glacier {i}.", author=None, attribution=spelt)
        MotionFactory(title="Glacier", claim="Glacier.", attribution="Zoë S.")
        with django_assert_num_queries(10):
            body = Client().get("/search/", {"q": "glacier", "author": "zoe s"}).content.decode()
        assert body.count('class="search-hit"') == min(n + 1, 20)

    cost(2)
    cost(30)


# --- Words with an apostrophe ------------------------------------------------------------------

DOCUMENTS = {
    "plain": "The uniform was blue.",
    "possessive": "The uniform's colour faded.",
    "plural": "Uniforms were issued in spring.",
    "other": "Colour matters in spring.",
}
# (query, which documents it finds) on both engines: PostgreSQL's 'english' configuration drops
# its stop words ("s", "the", "don", "t"...) from the text and the query, so "uniform's" asks for
# "uniform" alone; FTS5 is asked the same.
EXPECTED = [
    ("uniform's", {"plain", "possessive", "plural"}),
    ("uniform\N{RIGHT SINGLE QUOTATION MARK}s", {"plain", "possessive", "plural"}),
    ("UNIFORM'S spring", {"plural"}),
    ('"the uniform\'s colour"', {"possessive"}),  # a phrase keeps the place of its stop words
    ("the uniforms", {"plain", "possessive", "plural"}),
    ("colour -uniform's", {"other"}),
    ("it's or spring", {"plural", "other"}),
    ("don't", set()),  # stop words alone ask for nothing: nothing is found
    ("the -spring", set()),  # not everything without "spring"
    ("uniform s", {"plain", "possessive", "plural"}),
]


@pytest.mark.parametrize(("query", "expected"), EXPECTED)
def test_both_engines_read_an_apostrophe_and_stop_words_alike(motion, query, expected):
    ids = {ArgumentFactory(motion=motion, claim=text).pk: name for name, text in DOCUMENTS.items()}
    assert {ids[argument.pk] for argument in found(query)} == expected


def test_the_word_before_an_apostrophe_is_highlighted_where_it_stands(motion):
    ArgumentFactory(motion=motion, claim="The uniform was blue.")
    [hit] = queries.Search(text="uniform's", viewer=ANYONE, filters=queries.Filters()).page(1, 5)
    assert hit.claim_html == "The <mark>uniform</mark> was blue."


def test_the_stop_words_are_postgresqls_own():
    """FTS5 is asked without the words PostgreSQL's 'english' configuration leaves out."""
    assert len(queries.STOP_WORDS) == 127
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM unnest(%s::text[]) AS word "
            "WHERE ts_lexize('english_stem', word) <> '{}'",
            [sorted(queries.STOP_WORDS)],
        )
        assert cursor.fetchall() == []
        cursor.execute("SELECT ts_lexize('english_stem', 'uniform')")
        assert cursor.fetchone()[0] == ["uniform"]
