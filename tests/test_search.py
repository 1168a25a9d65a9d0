"""Search (issue 21): what is found, by whom, in what order, and the duplicate warning.

Every test here runs on SQLite (FTS5) and on PostgreSQL (tsvector, pg_trgm) alike; the
differential tests at the end hold the two engines to one table of expectations.
"""

import ast
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client

from debates import policy
from debates import sources as sources_api
from debates.models import Argument, Motion, Source, Stance
from search import queries, schema
from tests.factories import ArgumentFactory, MotionFactory, SourceFactory, verified_user

pytestmark = pytest.mark.django_db

ANYONE = AnonymousUser()


def found(text, viewer=ANYONE, **filters):
    search = queries.Search(text=text, viewer=viewer, filters=queries.Filters(**filters))
    return [hit.claim for hit in search.page(1, 50).object_list]


@pytest.fixture
def motion():
    return MotionFactory(title="Karabakh", claim="Russia lost influence in the South Caucasus.")


# --- What is found -----------------------------------------------------------------------------


def test_each_indexed_part_is_found(motion):
    source = SourceFactory(title="Strategic solitude revisited")
    claim = ArgumentFactory(motion=motion, claim="Moscow chose to stay aloof.")
    details = ArgumentFactory(motion=motion, claim="A", details="The mediators were sidelined.")
    quote = ArgumentFactory(motion=motion, claim="B", quote="Yerevan was left waiting.")
    attribution = ArgumentFactory(motion=motion, claim="C", attribution="Dmitri Trenin")
    cited = ArgumentFactory(motion=motion, claim="D", source=source)

    assert found("aloof") == [claim]
    assert found("mediators") == [details]
    assert found("Yerevan") == [quote]
    assert found("Trenin") == [attribution]
    assert found("solitude") == [source, cited]  # the source by its title, above a citation
    assert found("Caucasus") == [motion]
    assert found("Karabakh") == [motion]  # a motion's title
    assert found("nothing-like-this") == []


def test_a_motions_title_and_claim_are_highlighted_apart():
    MotionFactory(title="Peace talks", claim="Talks fail in spring.")
    [hit] = queries.Search(text="talks", viewer=ANYONE, filters=queries.Filters()).page(1, 5)
    assert hit.title_html == "Peace <mark>talks</mark>"
    assert hit.claim_html == "<mark>Talks</mark> fail in spring."


def test_negotiate_finds_negotiations(motion):
    argument = ArgumentFactory(motion=motion, claim="The negotiations stalled for a year.")
    assert found("negotiate") == [argument]
    assert found("negotiating") == [argument]


def test_a_claim_match_ranks_above_a_details_only_match(motion):
    # The details-only one is newer, so only the ranking can put the claim match first.
    in_claim = ArgumentFactory(motion=motion, claim="Sanctions hurt the economy.")
    in_details = ArgumentFactory(
        motion=motion, claim="Trade fell.", details="Sanctions hurt the economy, they say."
    )
    assert found("sanctions economy") == [in_claim, in_details]


def test_a_quoted_phrase_matches_only_the_phrase(motion):
    phrase = ArgumentFactory(motion=motion, claim="The peace treaty was signed in Moscow.")
    apart = ArgumentFactory(motion=motion, claim="Peace came before any treaty.")
    assert set(found("peace treaty")) == {phrase, apart}
    assert found('"peace treaty"') == [phrase]


def test_or_and_minus_work_as_people_type_them(motion):
    oil = ArgumentFactory(motion=motion, claim="Oil exports kept the budget afloat.")
    gas = ArgumentFactory(motion=motion, claim="Gas exports fell by half.")
    ArgumentFactory(motion=motion, claim="Grain was never at issue.")
    assert set(found("oil or gas")) == {oil, gas}
    assert found("exports -gas") == [oil]
    assert found("-gas") == []  # only what to leave out: nothing asked for, nothing found
    assert found("") == []


def test_filters_by_motion_stance_and_author(motion):
    other = MotionFactory(title="Elsewhere", claim="Another debate about ports.")
    writer = verified_user(display_name="Writer Wyn")
    pro = ArgumentFactory(motion=motion, claim="Ports matter.", stance=Stance.PRO, author=writer)
    con = ArgumentFactory(motion=motion, claim="Ports do not matter.", stance=Stance.CON)
    elsewhere = ArgumentFactory(motion=other, claim="Ports again.", stance=Stance.PRO)

    assert set(found("ports")) == {pro, con, elsewhere, other}
    assert set(found("ports", motion=motion)) == {pro, con}
    assert set(found("ports", motion=other)) == {elsewhere, other}
    assert set(found("ports", stance="pro")) == {pro, elsewhere}  # motions have no stance
    assert found("ports", author_id=writer.pk) == [pro]


def test_sources_are_found_by_title_author_and_publisher(motion, moderator, member):
    adder = verified_user(display_name="Adder Ada")
    source = SourceFactory(title="Strategic solitude", author="Dmitri Trenin", publisher="Carnegie")
    hidden = SourceFactory(title="Solitude withdrawn", added_by=adder, visibility="hidden")
    assert found("Trenin") == [source]
    assert found("Carnegie") == [source]
    assert found("solitude", ANYONE) == [source]
    assert found("solitude", member) == [source]
    assert set(found("solitude", moderator)) == {source, hidden}
    assert set(found("solitude", adder)) == {source, hidden}
    # A source belongs to no motion, has no stance and no author here: filters leave it out.
    assert found("solitude", motion=motion) == []
    assert found("solitude", stance="pro") == []
    body = _page({"q": "solitude"}).content.decode()
    assert "<mark>solitude</mark>" in body.lower() and f'href="/sources/{source.pk}/"' in body
    assert "withdrawn" not in body.lower()


def test_the_source_filter_is_the_rule_its_pages_read_by(moderator, member):
    adder = verified_user(display_name="Adder Ada")
    SourceFactory(visibility="hidden", added_by=adder)
    SourceFactory(visibility="hidden")
    SourceFactory()
    for viewer in (ANYONE, member, adder, moderator):
        listed = set(Source.objects.filter(policy.sources_shown_to(viewer)))
        assert listed == {s for s in Source.objects.all() if policy.source_shown_to(s, viewer)}


# --- Who finds what ----------------------------------------------------------------------------


@pytest.fixture
def withdrawn(motion, author):
    hidden = ArgumentFactory(
        motion=motion, claim="Hidden walrus claim.", author=author, visibility="hidden"
    )
    retracted = ArgumentFactory(
        motion=motion, claim="Retracted walrus claim.", author=author, visibility="retracted"
    )
    hidden_motion = MotionFactory(
        title="Walrus motion", claim="Walrus.", author=author, visibility="hidden"
    )
    shown = ArgumentFactory(motion=motion, claim="Shown walrus claim.")
    return {"hidden": hidden, "retracted": retracted, "motion": hidden_motion, "shown": shown}


def test_hidden_and_retracted_text_is_never_found_by_the_public(withdrawn, member):
    for viewer in (ANYONE, member):
        assert found("walrus", viewer) == [withdrawn["shown"]]
        assert found("hidden", viewer) == []
        assert found("retracted", viewer) == []


def test_moderators_find_hidden_and_retracted_text_and_authors_their_hidden(
    withdrawn, moderator, author
):
    expected = {withdrawn["shown"], withdrawn["hidden"], withdrawn["motion"]}
    assert set(found("walrus", author)) == expected
    # Retracted words stay out of the debate, but moderators may audit them (issue 21).
    assert set(found("walrus", moderator)) == expected | {withdrawn["retracted"]}
    assert found("retracted", moderator) == [withdrawn["retracted"]]


def test_a_moderators_retracted_hit_says_so_and_leads_to_its_history(client, withdrawn, moderator):
    client.force_login(moderator)
    body = client.get("/search/", {"q": "retracted walrus"}).content.decode()
    retracted = withdrawn["retracted"]
    assert "retracted by its author" in body
    history = f"/motions/{retracted.motion.slug}/arguments/{retracted.pk}/history/"
    assert history in body
    assert "Retracted walrus claim." in client.get(history).content.decode()


def test_what_search_finds_is_what_pages_show_and_retracted_words_for_moderators(
    withdrawn, author, member, moderator
):
    for viewer in (ANYONE, member, author, moderator):
        found_ids = set(Argument.objects.filter(policy.texts_found_by(viewer, Argument)))
        assert found_ids == {
            a
            for a in Argument.objects.all()
            if policy.text_shown_to(a, viewer)
            or (a.is_retracted and policy.wording_shown_to(a, viewer) and viewer == moderator)
        }


def test_the_search_filter_is_the_rule_the_pages_read_by(withdrawn, author, member, moderator):
    """policy.texts_shown_to (many claims, in SQL) against policy.text_shown_to (one claim)."""
    for viewer in (ANYONE, member, author, moderator):
        for model in (Argument, Motion):
            listed = set(model.objects.filter(policy.texts_shown_to(viewer, model)))
            assert listed == {c for c in model.objects.all() if policy.text_shown_to(c, viewer)}


def test_the_public_finds_nothing_that_names_a_hidden_motion(motion, author, moderator):
    """Not even its visible arguments: their addresses hold the motion's slug, made from the
    title the hiding withholds. Its author and moderators still find them."""
    hidden_motion = MotionFactory(
        title="Secret title", slug="secret-title", claim="x", visibility="hidden", author=author
    )
    zebra = ArgumentFactory(motion=hidden_motion, claim="Zebra crossing argument.")
    body = _page({"q": "zebra"}).content.decode()
    assert "Zebra" not in body and "secret" not in body.lower()
    assert found("zebra") == found("zebra", viewer=verified_user()) == []
    assert found("zebra", viewer=author) == found("zebra", viewer=moderator) == [zebra]


# --- The index keeps in step -------------------------------------------------------------------


def test_the_index_follows_edits_and_source_titles(motion):
    source = SourceFactory(title="Old title")
    argument = ArgumentFactory(motion=motion, claim="Before the edit.", source=source)
    argument.claim = "After the rewording."
    argument.save()
    assert found("rewording") == [argument]
    assert found("before") == []
    source.title = "Fresh headline"
    source.save()
    assert found("headline") == [source, argument]
    assert found("old") == []
    # Votes touch the counters, not the text: the claim is still found once.
    Argument.objects.filter(pk=argument.pk).update(agree_count=3)
    assert found("rewording") == [argument]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers only")
def test_a_migrate_takes_the_triggers_down_and_puts_them_back(motion):
    ArgumentFactory(motion=motion, claim="Indexed before.")
    schema.before_migrate(sender=None)
    # A migration may remake a table the triggers name (here, as Django's SQLite editor does).
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'debates_source'")
        create = cursor.fetchone()[0].replace('"debates_source"', '"new__debates_source"', 1)
        cursor.execute(create)
        cursor.execute("INSERT INTO new__debates_source SELECT * FROM debates_source")
        cursor.execute("DROP TABLE debates_source")
        cursor.execute("ALTER TABLE new__debates_source RENAME TO debates_source")
    missed = ArgumentFactory(motion=motion, claim="Written while the trigger was gone.")
    assert found("trigger") == []
    schema.after_migrate(sender=None)
    assert found("trigger") == [missed]
    assert len(found("indexed")) == 1


# --- The page ----------------------------------------------------------------------------------


def _page(params, client=None, **headers):
    return (client or Client()).get("/search/", params, headers=headers)


def test_the_page_shows_ranked_highlighted_hits_with_motion_and_stance(motion):
    ArgumentFactory(motion=motion, claim="Sanctions <b>bite</b>.", stance=Stance.CON)
    body = _page({"q": "sanctions"}).content.decode()
    assert "<mark>Sanctions</mark> &lt;b&gt;bite&lt;/b&gt;." in body
    assert "1 result" in body
    assert 'class="stance stance--con"' in body
    assert motion.title in body


def test_the_page_without_a_query_explains_itself_and_htmx_gets_the_partial(motion):
    for nothing in ({}, {"q": "  "}, {"q": "", "motion": "", "stance": "", "author": " "}):
        assert "Search motions, arguments and sources" in _page(nothing).content.decode()
    ArgumentFactory(motion=motion, claim="Pipelines.")
    partial = _page({"q": "pipelines"}, HX_Request="true").content.decode()
    assert partial.lstrip().startswith('<hx-partial hx-target="#search-status">1 result<')
    assert '<section id="search-results"' in partial
    assert "<html" not in partial and "<mark>Pipelines</mark>" in partial


def test_bad_filters_are_a_clear_400(motion):
    for params, message in (
        ({"q": "x", "motion": "no-such-motion"}, "There is no such motion"),
        ({"q": "x", "stance": "maybe"}, "Choose pro, con or any stance"),
        ({"q": "x", "author": "x" * 201}, "Keep the name to 200 characters (it has 201)."),
        ({"q": "x" * 201}, "Keep the search to 200 characters (it has 201)."),
    ):
        response = _page(params)
        assert response.status_code == 400
        assert message in response.content.decode()


def test_a_hidden_motion_is_no_filter_for_the_public(motion):
    hidden = MotionFactory(visibility="hidden")
    assert _page({"q": "x", "motion": hidden.slug}).status_code == 400


def test_results_are_paginated_keeping_the_query(motion):
    for n in range(25):
        ArgumentFactory(motion=motion, claim=f"Reservoir claim {n}.")
    first = _page({"q": "reservoir"}).content.decode()
    assert "25 results" in first and "Page 1 of 2" in first
    assert 'href="?q=reservoir&amp;page=2"' in first
    second = _page({"q": "reservoir", "page": "2"}).content.decode()
    assert second.count('class="search-hit"') == 5
    for beyond in ("3", "10" * 20):
        last = _page({"q": "reservoir", "page": beyond}).content.decode()
        assert "Page 2 of 2" in last and last.count('class="search-hit"') == 5
    assert "Page 1 of 2" in _page({"q": "reservoir", "page": "first"}).content.decode()


def test_the_page_costs_the_same_queries_however_many_hits(motion, django_assert_num_queries):
    """Six when a page holds both motions and arguments (one fewer per kind it lacks)."""

    def cost(n):
        for i in range(n):
            ArgumentFactory(motion=motion, claim=f"Glacier claim {i}.")
        MotionFactory(title="Glacier glacier glacier", claim="Glacier.")
        client = Client()
        # The page (counted as it is ranked), arguments, motions, two highlights, and the
        # motion filter's choices.
        with django_assert_num_queries(6):
            assert client.get("/search/", {"q": "glacier"}).status_code == 200

    cost(2)
    cost(30)


def test_hits_in_a_hidden_motion_cost_a_moderator_no_query_each(
    moderator, django_assert_max_num_queries
):
    hidden = MotionFactory(title="Tundra", claim="Tundra.", visibility="hidden")
    for i in range(10):
        ArgumentFactory(motion=hidden, claim=f"Tundra claim {i}.")
    client = Client()
    client.force_login(moderator)
    with django_assert_max_num_queries(10):  # the page's six, the session, user and the nav's
        assert client.get("/search/", {"q": "tundra"}).status_code == 200


def test_the_nav_has_a_search_box_that_works_without_js(client):
    body = client.get("/").content.decode()
    assert 'role="search"' in body and 'action="/search/"' in body and 'name="q"' in body


# --- Filters alone ------------------------------------------------------------------------------


def _dated(claim, day):
    """`claim` as if written on that day of May 2024 (a source: added), for the listing order."""
    when = datetime(2024, 5, day, 12, tzinfo=UTC)
    field = "added_at" if isinstance(claim, Source) else "created_at"
    type(claim).objects.filter(pk=claim.pk).update(**{field: when})
    return claim


@pytest.fixture
def researched(motion):
    """A motion Dmitri Trenin's thesis stands in, argued by him (attributed), by a member and
    by others, with a source he wrote, and another motion he is quoted in."""
    writer = verified_user(display_name="Writer Wyn")
    other = MotionFactory(title="Elsewhere", claim="Another debate.")
    trenin = "Dmitri Trenin"
    found = {
        "motion": _dated(motion, 1),
        "other": _dated(other, 2),
        "article": _dated(SourceFactory(title="Strategic solitude", author=trenin), 3),
        "old_pro": ArgumentFactory(motion=motion, stance="pro", author=None, attribution=trenin),
        "con": ArgumentFactory(motion=motion, stance="con", author=None, attribution=trenin),
        "mine": ArgumentFactory(motion=motion, stance="con", author=writer),
        "new_pro": ArgumentFactory(motion=motion, stance="pro", author=None, attribution=trenin),
        "elsewhere": ArgumentFactory(motion=other, stance="con", author=None, attribution=trenin),
        "seeded": SourceFactory(title="Undated", author=trenin),  # added by nobody, undated
    }
    for day, name in enumerate(("old_pro", "con", "mine", "new_pro", "elsewhere"), start=4):
        _dated(found[name], day)
    found["writer"] = writer
    return found


def test_filters_alone_list_what_they_admit_newest_first(researched, motion):
    """What the filters admit with words, they admit without: the stance only arguments, the
    motion its arguments and itself, the author what a member wrote or a name holds (a source by
    who wrote it). Newest first; an undated (seeded) source last on both engines."""
    r = researched
    trenin = queries.names_like("dmitri trenin")
    assert found("", held_by=trenin) == [
        r["elsewhere"], r["new_pro"], r["con"], r["old_pro"], r["article"], r["seeded"]
    ]  # fmt: skip
    assert found("", author_id=r["writer"].pk, held_by=()) == [r["mine"]]
    assert found("", motion=motion) == [r["new_pro"], r["mine"], r["con"], r["old_pro"], motion]
    assert found("", stance="con") == [r["elsewhere"], r["mine"], r["con"]]
    assert found("", motion=motion, stance="pro", held_by=trenin) == [r["new_pro"], r["old_pro"]]
    assert found("", motion=motion, stance="con", held_by=trenin) == [r["con"]]
    assert found("", motion=r["other"], held_by=trenin) == [r["elsewhere"]]
    assert found("", stance="pro", held_by=queries.names_like("Nobody Known")) == []
    # Neither words nor filters find nothing, and neither do words that ask for nothing.
    assert found("") == found("  ") == found("-", stance="con") == []


def test_the_page_lists_by_filters_alone_and_says_what_it_listed(researched, motion):
    r = researched
    cases = (
        ({"author": "dmitri trenin", "motion": motion.slug, "stance": "con"},
         "1 con argument by <bdi>Dmitri Trenin</bdi> in “<bdi>Karabakh</bdi>”", 1),
        ({"q": "", "author": "Dmitri Trenin", "motion": motion.slug},
         "3 results by <bdi>Dmitri Trenin</bdi> in “<bdi>Karabakh</bdi>”", 3),
        ({"author": "writer wyn"}, "1 result by <bdi>Writer Wyn</bdi>", 1),
        ({"stance": "pro"}, "2 pro arguments", 2),
        ({"motion": r["other"].slug}, "2 results in “<bdi>Elsewhere</bdi>”", 2),
        ({"author": "Nobody Known", "stance": "con"},
         "No con arguments by <bdi>Nobody Known</bdi>. Try fewer or other filters.", 0),
    )  # fmt: skip
    for params, count, hits in cases:
        response = _page(params)
        body = response.content.decode()
        assert response.status_code == 200
        assert f'<p class="search-results__count">{count}</p>' in body, params
        assert f'role="status">{count}</p>' in body  # heard, not only seen
        assert body.count('class="search-hit"') == hits
        assert "<mark>" not in body and "Search motions, arguments and sources" not in body
    body = _page({"author": "Writer Wyn"}).content.decode()
    assert f'href="{r["mine"].get_absolute_url()}"' in body and "Writer Wyn" in body
    partial = _page({"stance": "pro"}, HX_Request="true").content.decode()
    assert partial.lstrip().startswith('<hx-partial hx-target="#search-status">2 pro arguments<')
    assert "<html" not in partial


def test_filters_alone_never_list_what_the_viewer_may_not_find(
    withdrawn, motion, author, member, moderator
):
    """The rules words are found by (policy.texts_found_by, arguments_listed_to,
    sources_shown_to), with no words: hidden text for its author and moderators, retracted
    arguments for moderators only, nothing in a hidden motion for the public."""
    hidden_source = SourceFactory(title="Hidden paper", author="Author Al", visibility="hidden")
    in_hidden = ArgumentFactory(motion=withdrawn["motion"], author=author, claim="Inside.")
    by_author = queries.names_like("Author Al")
    for viewer in (ANYONE, member):
        assert found("", viewer, motion=motion, author_id=author.pk) == []
        assert found("", viewer, author_id=author.pk, held_by=by_author) == []
        assert found("", viewer, motion=motion) == [withdrawn["shown"], motion]
    assert set(found("", author, author_id=author.pk, held_by=by_author)) == {
        withdrawn["hidden"], withdrawn["motion"], in_hidden
    }  # fmt: skip
    assert set(found("", moderator, author_id=author.pk, held_by=by_author)) == {
        withdrawn["hidden"], withdrawn["retracted"], withdrawn["motion"], in_hidden, hidden_source
    }  # fmt: skip
    body = _page({"author": "Author Al"}).content.decode()
    assert "No results by <bdi>Author Al</bdi>" in body
    for text in ("walrus", "Walrus", "Inside.", "Hidden paper"):
        assert text not in body
    # A hidden motion is no filter for the public, with words or without.
    assert _page({"motion": withdrawn["motion"].slug}).status_code == 400


def test_filters_alone_are_paginated_keeping_the_filters(motion):
    for n in range(25):
        _dated(ArgumentFactory(motion=motion, claim=f"Claim {n}.", stance="con"), n + 1)
    first = _page({"stance": "con"}).content.decode()
    assert "25 con arguments" in first and "Page 1 of 2" in first
    assert 'href="?stance=con&amp;page=2"' in first
    assert first.index("Claim 24.") < first.index("Claim 5.")  # newest first
    assert "Claim 4." not in first
    second = _page({"stance": "con", "page": "2"}).content.decode()
    assert second.count('class="search-hit"') == 5 and "Claim 0." in second
    last = _page({"stance": "con", "page": "9"}).content.decode()
    assert "Page 2 of 2" in last and last.count('class="search-hit"') == 5


def test_bad_filters_without_words_are_a_clear_400(motion):
    for params, message in (
        ({"motion": "no-such-motion"}, "There is no such motion"),
        ({"stance": "maybe", "motion": motion.slug}, "Choose pro, con or any stance"),
        ({"author": "x" * 201}, "Keep the name to 200 characters (it has 201)."),
        ({"q": "", "motion": "nul\x00"}, "There is no such motion"),
    ):
        response = _page(params)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert "Check the search" in _page(params, HX_Request="true").content.decode()


def test_filters_alone_cost_the_same_queries_however_many_hits(motion, django_assert_num_queries):
    """Filters without words, on a page of arguments and a motion: the page (counted as it is
    listed), arguments, motions, the chosen motion and the motion filter's choices, the member
    of the author's name and the names held (a query per kind); nothing is highlighted."""
    other = MotionFactory(title="Other", claim="Other.", attribution="Pat Quoted")

    def cost(n):
        for _ in range(n):
            ArgumentFactory(motion=other, author=None, attribution="Pat Quoted")
        Argument.objects.update(created_at=datetime(2024, 5, 1, tzinfo=UTC))
        _dated(other, 2)  # the newest, so on the first page however many arguments follow
        client = Client()
        params = {"motion": other.slug, "author": "Pat Quoted"}
        with django_assert_num_queries(9):
            body = client.get("/search/", params).content.decode()
        assert body.count('class="search-hit"') == min(n + 1, 20)
        assert body.index('search-hit__meta">Motion<') < body.index("stance--pro")
        with django_assert_num_queries(3):  # the page, arguments and the motion filter's choices
            client.get("/search/", {"stance": "pro"})

    cost(2)
    cost(30)


# --- Is your point already here? ---------------------------------------------------------------


def similar(motion, text, viewer=ANYONE):
    return queries.similar_claims(motion=motion, text=text, viewer=viewer)


def test_similar_claims_in_the_same_motion_are_offered(motion):
    near = ArgumentFactory(motion=motion, claim="Russia lost its influence in the Caucasus.")
    ArgumentFactory(motion=motion, claim="Turkey sent drones to Azerbaijan.")
    elsewhere = MotionFactory()
    ArgumentFactory(motion=elsewhere, claim="Russia lost its influence in the Caucasus.")
    assert similar(motion, "Russia has lost influence in the Caucasus") == [near]
    assert similar(motion, "Completely unrelated words here") == []
    assert similar(motion, "Russia") == []  # too short to say


def test_at_most_three_and_never_hidden_ones_for_the_public(motion, moderator):
    for n in range(5):
        ArgumentFactory(motion=motion, claim=f"The ceasefire held for {n} months at least.")
    hidden = ArgumentFactory(
        motion=motion, claim="The ceasefire held for months at least.", visibility="hidden"
    )
    offered = similar(motion, "The ceasefire held for months at least")
    assert len(offered) == 3 and hidden not in offered
    assert hidden in similar(motion, "The ceasefire held for months at least", moderator)


def test_the_similar_claims_partial_and_its_hook_in_the_reply_form(motion, member, client):
    ArgumentFactory(motion=motion, claim="Russia lost its influence in the Caucasus.")
    answer = client.get(
        f"/motions/{motion.slug}/similar/", {"claim": "Russia lost influence in the Caucasus"}
    ).content.decode()
    assert "Is your point already here?" in answer
    assert "Russia lost its influence in the Caucasus." in answer
    assert client.get(f"/motions/{motion.slug}/similar/", {"claim": "zz"}).content.strip() == b""
    client.force_login(member)
    form = client.get(f"/motions/{motion.slug}/reply/").content.decode()
    assert f'hx-get="/motions/{motion.slug}/similar/"' in form


# --- One rule, two engines ---------------------------------------------------------------------

DOCUMENTS = {
    "treaty": "The peace treaty was signed.",
    "apart": "Peace came before the treaty.",
    "talks": "Negotiations failed in the spring.",
    "gas": "Gas exports fell.",
}
# (query, which documents it finds) on both engines.
EXPECTED = [
    ("peace treaty", {"treaty", "apart"}),
    ('"peace treaty"', {"treaty"}),
    ("negotiate", {"talks"}),
    ("treaty or gas", {"treaty", "apart", "gas"}),
    ("treaty -came", {"treaty"}),
    ('peace -"peace treaty"', {"apart"}),
    ("exports or negotiations spring", {"gas", "talks"}),  # exports | (negotiations & spring)
    ("exports or negotiations autumn", {"gas"}),
    ("fail spring", {"talks"}),
]


@pytest.mark.parametrize(("query", "expected"), EXPECTED)
def test_both_engines_read_a_query_alike(motion, query, expected):
    ids = {ArgumentFactory(motion=motion, claim=text).pk: name for name, text in DOCUMENTS.items()}
    assert {ids[argument.pk] for argument in found(query)} == expected


def _term(*words, prefix=False):
    return queries.Term((queries.Spelling(words, prefix),))


def test_the_query_reader_matches_websearch_to_tsquery():
    """The words are read in Python for both engines; on PostgreSQL, compare that reading, its
    words whole, with websearch_to_tsquery's own."""
    clause = queries.Clause
    assert queries.read_terms('"a b" c or d -e') == queries.Terms(
        (clause((_term("a", "b"), _term("c"))), clause((_term("d"),), (_term("e"),)))
    )
    assert queries.read_terms("-only") is None
    assert queries.read_terms("-only or this") == queries.Terms((clause((_term("this"),)),))
    assert queries.read_terms("oil gas") == queries.Terms(
        (clause((_term("oil"), _term("gas", prefix=True))),)
    )
    if connection.vendor != "postgresql":
        return
    cases = [
        "oil gas", '"oil gas" coal', "oil or gas coal", "oil gas or coal -grain", "oil -gas",
        'war -"peace treaty"', "or oil", "oil or", '"unclosed peace', "oil or or gas", "it's",
        '"peace of mind"', "the peace", "uniform's colour", "à geneve", "x -the", "the or",
    ]  # fmt: skip
    with connection.cursor() as cursor:
        for case in cases:
            cursor.execute(
                f"SELECT websearch_to_tsquery('{schema.CONFIGURATION}', %s) "
                f"= to_tsquery('{schema.CONFIGURATION}', %s)",
                [case, queries.read_terms(case).tsquery(whole=True)],
            )
            assert cursor.fetchone()[0], case


def test_the_debate_never_imports_search_or_feeds():
    """They read the debate; the debate knows nothing of them (its templates include the
    search box and the feed links by name, which is no import)."""
    for path in (Path(__file__).resolve().parents[1] / "debates").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert name.split(".")[0] not in {"search", "feeds"}, path


@pytest.mark.parametrize("typed", ["-", "*", '""', "(", "🙂"])
def test_nothing_searchable_typed_is_one_empty_page_whatever_page_is_asked(motion, typed):
    for number in ("1", "3", "999"):
        response = _page({"q": typed, "page": number})
        assert response.status_code == 200
        assert "Nothing found" in response.content.decode()


def test_an_empty_result_is_announced_to_screen_readers(motion):
    body = _page({"q": "zzzzqqq"}, HX_Request="true").content.decode()
    assert '<hx-partial hx-target="#search-status">Nothing found.' in body
    assert 'role="status">Nothing found.' in _page({"q": "zzzzqqq"}).content.decode()


def test_the_author_filter_finds_what_is_attributed_to_a_name_as_the_pages_show_it(motion):
    """The seeded debate's claims are attributed ("Simon Saradzhyan"), written by no member: the
    filter finds them by that name, a source by the author it names, and a member's own
    writing as before; a name nobody holds finds nothing, plainly."""
    writer = verified_user(display_name="Writer Wu")
    essay = ArgumentFactory(
        motion=motion, claim="Moscow weighed its ties.", author=None, attribution="Simon Saradzhyan"
    )
    own = ArgumentFactory(motion=motion, claim="Ties matter.", author=writer)
    source = SourceFactory(title="Ties and solitude", author="Simon Saradzhyan")
    assert set(found("ties", held_by=queries.names_like("simon saradzhyan"))) == {source, essay}
    assert found("ties", held_by=queries.names_like("Writer Wu"), author_id=writer.pk) == [own]
    # Case folds beyond ASCII alike on both engines (SQLite's LIKE would not).
    ArgumentFactory(motion=motion, claim="Ties again.", author=None, attribution="Ülle Ärzte")
    assert queries.names_like("ülle ärzte") == ("Ülle Ärzte",)
    assert [a.claim for a in found("ties", held_by=queries.names_like("ÜLLE ÄRZTE"))] == [
        "Ties again."
    ]
    body = _page({"q": "ties", "author": "Nobody Known"}).content.decode()
    assert "Nothing found" in body
    page = _page({"q": "moscow", "author": "Simon Saradzhyan"})
    assert page.status_code == 200 and "1 result" in page.content.decode()
    # Its byline reads as the debate's: attributed, and undated by the day it was stored.
    byline = re.search(r'class="search-hit__byline muted">(.*?)</p>', page.content.decode(), re.S)
    assert " ".join(byline.group(1).split()) == "Attributed to <bdi>Simon Saradzhyan</bdi>"


@pytest.mark.django_db
def test_motions_that_share_a_title_are_told_apart_where_they_are_offered(client):
    """Imports may repeat a title: a picker names those motions by their address too."""
    first = MotionFactory(title="Label AI copy?", slug="label-ai-copy")
    second = MotionFactory(title="Label AI copy?", slug="label-ai-copy-2")
    MotionFactory(title="Alone", slug="alone")
    search = client.get("/search/").content.decode()
    assert '<option value="alone">Alone</option>' in search
    for motion in (first, second):
        assert f'<option value="{motion.slug}">Label AI copy? ({motion.slug})</option>' in search
    client.force_login(verified_user())
    source = SourceFactory()
    sources_api.replace_text(source, "A paragraph to argue from.")
    picker = client.get(f"/sources/{source.pk}/argue/").content.decode()
    assert '<option value="label-ai-copy-2">Label AI copy? (label-ai-copy-2)</option>' in picker
    assert '<option value="alone">Alone</option>' in picker


# --- Excerpts ----------------------------------------------------------------------------------

OPENING = [f"Opening{n} words of the details." for n in range(20)]
CLOSING = [f"Closing{n} words of the details." for n in range(20)]
LONG_DETAILS = " ".join([*OPENING, "Here the zebracrossing matters most.", *CLOSING])


def excerpt_of(text):
    search = queries.Search(text=text, viewer=ANYONE, filters=queries.Filters())
    return str(search.page(1, 50).object_list[0].excerpt_html)


def test_an_excerpt_cut_from_the_middle_of_a_text_says_so_on_both_sides(motion):
    ArgumentFactory(motion=motion, claim="Roads are for people.", details=LONG_DETAILS)
    excerpt = excerpt_of("zebracrossing")
    assert "<mark>zebracrossing</mark>" in excerpt
    assert excerpt.startswith("…") and excerpt.endswith("…")


def test_an_excerpt_that_is_the_whole_text_has_no_ellipsis(motion):
    ArgumentFactory(motion=motion, claim="Roads are for people.", details="A zebracrossing.")
    assert excerpt_of("zebracrossing") == "A <mark>zebracrossing</mark>."


def test_an_author_is_found_by_any_of_her_names_as_researchers_name_her(motion):
    """A surname, or any of a name's words in any case, stands for the whole name; a word no
    name has, or half a word, finds nobody. The count names her in full. Words and filters that
    find nothing say to try fewer of either."""
    ArgumentFactory(motion=motion, claim="Solitude.", author=None, attribution="Dmitri Trenin")
    SourceFactory(title="Moscow's new rules", author="Dmitri Trenin")
    ArgumentFactory(motion=motion, claim="Ties.", author=None, attribution="Simon Saradzhyan")
    assert queries.names_like("trenin") == queries.names_like("TRENIN dmitri") == ("Dmitri Trenin",)
    assert queries.names_like("tren") == queries.names_like("Dmitri Saradzhyan") == ()
    page = _page({"author": "Trenin"}).content.decode()
    assert "2 results by <bdi>Dmitri Trenin</bdi>" in page
    body = _page({"q": "zzzzqqq", "author": "Trenin"}).content.decode()
    assert "Nothing found. Try fewer or other words, or fewer filters." in body
    assert "Nothing found. Try fewer or other words." in _page({"q": "zzzzqqq"}).content.decode()


# --- As one types: a word's start, and its other spellings -------------------------------------


def _full_width(text):
    """`text` as a full-width keyboard types it (CJK input): each ASCII character's full-width
    form, spaces left alone."""
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


SPELLED = {
    "turkey": "Turkey sent drones.",
    "turkish": "Turkish drones flew over Shusha.",
    "lachin": "Lachin was retaken.",
    "where": "Nobody knew where the talks were held.",
    "joined": "Russian peacekeeping ended.",
    "hyphenated": "The peace-keeping force left.",
    "subscript": "CO₂ emissions fell.",
    "plain": "CO2 emissions rose.",
    "finance": "Finance ministers met.",
}
# (query, which documents it finds) on both engines.
TYPED = [
    # The last word typed is found by its start too: it may be unfinished.
    ("Tur", {"turkey", "turkish"}),
    ("drones Tur", {"turkey", "turkish"}),
    ("Turkey", {"turkey"}),
    ("Tur*", {"turkey", "turkish"}),  # a star asks the same, wherever the word stands
    ("Tur* drones", {"turkey", "turkish"}),
    ("Tur drones", set()),  # a word before the last is whole
    ('"Tur"', set()),  # a phrase is exact
    ("drones -Tur", {"turkey", "turkish"}),  # a word to leave out is whole, unless starred
    ("drones -Tur*", set()),
    ("Tu", set()),  # too short to narrow anything down: whole, star or none
    ("Tu*", set()),
    ("Lachin or Tur", {"lachin", "turkey", "turkish"}),
    ("Lach or Turkey", {"turkey"}),
    # The start of a stop word is no start: PostgreSQL indexes no "where", FTS5 does.
    ("wher", set()),
    # Words joined by hyphens are one word too; in quotes, only as written.
    ("peace-keeping", {"joined", "hyphenated"}),
    ("peace-kee", {"joined", "hyphenated"}),
    ('"peace-keeping"', {"hyphenated"}),
    ("force -peace-keeping", set()),
    ("peacekeeping", {"joined"}),  # the other way round, the index would have to join them
    # Read as NFKC reads them: full-width letters, a ligature, full-width operators; a subscript
    # as typed too. The index holds the texts as written ("CO2" is not "CO₂" there).
    (_full_width("lachin"), {"lachin"}),
    (_full_width("TUR"), {"turkey", "turkish"}),
    ("\N{LATIN SMALL LIGATURE FI}nance", {"finance"}),
    (_full_width("drones -turkish"), {"turkey"}),
    (_full_width('"Tur"'), set()),
    (_full_width("Turkey or Lachin"), {"turkey", "lachin"}),
    ("CO₂", {"subscript", "plain"}),
    ("CO2", {"plain"}),
]


@pytest.mark.parametrize(("query", "expected"), TYPED)
def test_both_engines_read_what_one_types_alike(motion, query, expected):
    ids = {ArgumentFactory(motion=motion, claim=text).pk: name for name, text in SPELLED.items()}
    assert {ids[argument.pk] for argument in found(query)} == expected


def test_a_word_found_whole_ranks_above_one_found_by_its_start(motion):
    """The one by its start would rank first by its words alone (three in the claim, against
    one in the details), as it does when both are found by their start."""
    by_start = ArgumentFactory(motion=motion, claim="Aliyeva, Aliyeva and Aliyeva again.")
    whole = ArgumentFactory(motion=motion, claim="Baku spoke.", details="So did Aliyev.")
    assert found("Aliyev") == [whole, by_start]
    assert found("Aliye") == [by_start, whole]
    assert found("Aliyev Baku") == [whole]


def test_a_word_found_by_its_start_is_marked_whole(motion):
    ArgumentFactory(motion=motion, claim="Pashinyan met Aliyev.", details="Pashinyan left.")
    [hit] = queries.Search(text="pashin", viewer=ANYONE, filters=queries.Filters()).page(1, 5)
    assert hit.claim_html == "<mark>Pashinyan</mark> met Aliyev."
    assert hit.excerpt_html == "<mark>Pashinyan</mark> left."


def test_the_page_finds_a_word_as_it_is_typed(motion):
    ArgumentFactory(motion=motion, claim="Pashinyan met Aliyev.")
    for typed in ("Pashin", "Pashin*", _full_width("PASHINYAN")):
        partial = _page({"q": typed}, HX_Request="true").content.decode()
        assert partial.lstrip().startswith('<hx-partial hx-target="#search-status">1 result<')
        assert "<mark>Pashinyan</mark>" in partial


# --- The filters fold away ---------------------------------------------------------------------


def _filters(body):
    return re.search(r'<details class="search-form__more"( open)?>', body)


def test_the_filters_are_folded_away_until_one_is_set(motion):
    """A phone shows the results under the words typed, not under the whole form: the filters
    fold under "Filters" (wider screens show them all the same: static/css/crux.css), open when
    one is set or refused, so it shows."""
    for params in ({}, {"q": "karabakh"}, {"q": "karabakh", "motion": "", "author": ""}):
        assert _filters(_page(params).content.decode()).group(1) is None, params
    for params in (
        {"q": "karabakh", "stance": "pro"},
        {"motion": motion.slug},
        {"author": "Dmitri Trenin"},
        {"q": "karabakh", "motion": "no-such-motion"},
    ):
        assert _filters(_page(params).content.decode()).group(1) == " open", params
    assert "<summary>Filters</summary>" in _page({}).content.decode()
