"""Text that looks the same is the same: what people write is stored composed (NFC), whether it
came composed or decomposed (NFD, as macOS file names and PDFs give it), so that a search, a
quote and a title typed the usual way find it. Every test here runs on SQLite and PostgreSQL."""

# ruff: noqa: RUF001

import json
import unicodedata
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api import tokens
from debates import anchoring, queries, services, sources, transfer
from debates.interchange.importing import import_text
from debates.models import Argument, Motion, Source
from debates.text import caseless, one_line, without_nul_or_bidi
from search import queries as search
from tests.factories import MotionFactory
from tests.migrating import by_hand

pytestmark = pytest.mark.django_db

CLAIM = "Müharibə ədalətli idi; Şuşa azad edildi"
PASSAGE = "Şuşa şəhəri 2020-ci ilin noyabrında azad edildi; sülh danışıqları başladı."
TEXT = f"Giriş.\n\n{PASSAGE}\n\nSon söz: Qarabağ məsələsi çözülmədi."


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def test_the_texts_differ_as_stored_before_composing():
    """The premise: the two forms are different strings, which the tests below tell apart."""
    assert nfd(CLAIM) != CLAIM and nfd(PASSAGE) != PASSAGE
    assert len(nfd(PASSAGE)) > len(PASSAGE)


def test_the_cleaners_compose_and_keep_compatibility_forms():
    assert one_line(nfd(CLAIM)) == CLAIM
    assert without_nul_or_bidi(nfd(f"{PASSAGE}\n\n{CLAIM}")) == f"{PASSAGE}\n\n{CLAIM}"
    assert sources.clean_text(nfd(TEXT)) == TEXT
    # Canonical, not compatibility, composition: a ligature and a superscript stay as written.
    assert one_line("ﬁnal x² Ａ") == "ﬁnal x² Ａ"
    # A mark left next to its letter by a dropped control composes with it.
    assert without_nul_or_bidi("Mu\u202e\u0308haribə") == "Müharibə"


# --- a) Search ---------------------------------------------------------------------------------


def found(text):
    hits = search.Search(text=text, viewer=AnonymousUser(), filters=search.Filters()).page(1, 20)
    return [hit.claim for hit in hits.object_list]


@pytest.fixture
def motion(author):
    return MotionFactory(author=author, title="Qarabağ", claim="Qarabağ Azərbaycandır.")


def test_a_claim_posted_decomposed_is_stored_composed_and_found_typed_normally(
    client, motion, member
):
    argument, _ = services.post_argument(
        author=member, motion=motion, parent=None, stance="pro", claim=nfd(CLAIM)
    )
    argument.refresh_from_db()
    assert argument.claim == CLAIM
    page = client.get("/search/", {"q": "Müharibə"}).content.decode()
    assert argument.get_absolute_url() in page
    assert found("Şuşa") == [argument]


def test_a_query_typed_decomposed_finds_a_claim_stored_composed(client, motion, member):
    argument, _ = services.post_argument(
        author=member, motion=motion, parent=None, stance="pro", claim=CLAIM
    )
    page = client.get("/search/", {"q": nfd("Müharibə")}).content.decode()
    assert argument.get_absolute_url() in page


def test_details_posted_from_the_page_decomposed_are_stored_composed(client, motion, member):
    client.force_login(member)
    response = client.post(
        reverse("reply_motion", args=[motion.slug]),
        {
            "stance": "con",
            "claim": nfd(CLAIM),
            "details": nfd(f"{PASSAGE}\r\nİkinci sətir."),
            "submission_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code in (200, 303), response.content
    argument = Argument.objects.get(author=member)
    assert (argument.claim, argument.details) == (CLAIM, f"{PASSAGE}\nİkinci sətir.")
    assert nfc(argument.details_html) == argument.details_html


def test_a_claim_at_the_limit_once_composed_is_not_refused_for_its_decomposed_length(
    client, motion, member
):
    """The form counts what is stored: a Vietnamese claim of 500 letters is some 700 code
    points decomposed."""
    claim = ("Việt " * 100)[:500]
    assert len(claim) == 500 and len(nfd(claim)) > 600
    client.force_login(member)
    response = client.post(
        reverse("reply_motion", args=[motion.slug]),
        {"stance": "pro", "claim": nfd(claim), "submission_key": str(uuid.uuid4())},
    )
    assert response.status_code in (200, 303), response.content
    assert Argument.objects.get(author=member).claim == claim.strip()


def test_the_api_stores_a_post_in_nfd_composed(motion, member):
    _, key = tokens.create_token(user=member, name="script", scope="write")
    body = {"stance": "pro", "claim": nfd(CLAIM), "details": nfd(PASSAGE), "quote": ""}
    response = Client().post(
        f"/api/v1/motions/{motion.slug}/arguments",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 201, response.content
    assert response.json()["claim"] == CLAIM
    argument = Argument.objects.get(pk=response.json()["id"])
    assert (argument.claim, argument.details) == (CLAIM, PASSAGE)
    assert found("Müharibə") == [argument]


# --- b) Quoting a source's text ----------------------------------------------------------------


@pytest.fixture
def source(member):
    return sources.add_source(adder=member, title=nfd("Qarabağ xronikası"), text=nfd(TEXT))


def test_a_source_added_decomposed_is_stored_composed(source):
    source.refresh_from_db()
    assert source.title == "Qarabağ xronikası"
    assert sources.text_of(source) == TEXT


@pytest.mark.parametrize("selected", [False, True], ids=["typed", "selected"])
def test_a_decomposed_quote_of_a_passage_is_anchored_exactly(
    client, motion, member, source, selected
):
    start = TEXT.index(PASSAGE)
    end = start + len(PASSAGE)
    client.force_login(member)
    sent = {
        "motion": motion.slug,
        "stance": "pro",
        "claim": "Şuşa azad edildi.",
        "quote": nfd(PASSAGE),
        "submission_key": str(uuid.uuid4()),
    }
    if selected:
        sent |= {"quote_start": start, "quote_end": end}
    response = client.post(reverse("argue_from_passage", args=[source.pk]), sent)
    assert response.status_code == 303, response.content.decode()
    argument = Argument.objects.get(author=member)
    assert (argument.quote, argument.anchor) == (PASSAGE, "exact")
    assert (argument.quote_start, argument.quote_end) == (start, end)


def test_anchoring_composes_the_quote_it_looks_for():
    found = anchoring.anchor(TEXT, nfd("Şuşa şəhəri"))
    assert (found.start, found.exact, found.status) == (TEXT.index("Şuşa"), "Şuşa şəhəri", "exact")
    gapped = anchoring.anchor(TEXT, nfd("Şuşa şəhəri … sülh danışıqları başladı."))
    assert gapped.exact == PASSAGE


# --- c) Importing an export whose text was saved decomposed -------------------------------------


@pytest.fixture
def exported(motion, member):
    source = sources.add_source(adder=member, title="Qarabağ xronikası", text=TEXT)
    start = TEXT.index("Şuşa")
    end = start + len("Şuşa şəhəri 2020-ci ilin noyabrında")
    services.post_argument(
        author=member,
        motion=motion,
        parent=None,
        stance="pro",
        claim="Şəhər azad edildi.",
        source=source,
        quote=TEXT[start:end],
        quote_start=start,
        quote_end=end,
    )
    return transfer.export_debate(motion), (start, end)


def _text_decomposed(data):
    for held in data["sources"].values():
        if held.get("text"):
            held["text"] = nfd(held["text"])
    return json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize(
    "resave",
    [_text_decomposed, lambda data: nfd(json.dumps(data, ensure_ascii=False))],
    ids=["its-text", "the-whole-file"],
)
@pytest.mark.parametrize("importer", ["member", "admin"])
def test_an_import_whose_source_text_is_decomposed_keeps_its_anchors(
    exported, resave, importer, request
):
    data, (start, end) = exported
    author = request.getfixturevalue("author") if importer == "member" else None
    copy, _, _ = import_text(text=resave(data), format="json", author=author)
    [argument] = Argument.objects.filter(motion=copy)
    assert (argument.quote_start, argument.quote_end, argument.anchor) == (start, end, "exact")
    assert sources.text_of(argument.source) == TEXT
    assert nfc(argument.quote) == TEXT[start:end]


# --- d) The same title -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["QARABAĞ MƏSƏLƏSİ", "qarabağ məsələsi", nfd("Qarabağ məsələsi"), nfd("QARABAĞ MƏSƏLƏSİ")],
)
def test_a_title_in_another_case_or_form_is_the_same_title(member, typed):
    existing = MotionFactory(title="Qarabağ məsələsi")
    decomposed = MotionFactory(title=nfd("QARABAĞ Məsələsi"))  # as written before composing
    MotionFactory(title="Qarabağ məsələləri")
    assert list(queries.motions_titled(typed, viewer=member)) == [existing, decomposed]


def test_turkish_capitals_fold_either_way():
    assert caseless("QIZ İSTANBUL") == caseless("qız istanbul") == caseless("qiz ıstanbul")
    assert caseless("Straße") == caseless("STRASSE")
    assert caseless("Zoë") != caseless("Zoe")  # an accent is not case


def test_the_title_check_costs_one_query_and_a_second_only_for_what_it_finds(member):
    MotionFactory(title="Qarabağ məsələsi")
    queries.motions_titled("", viewer=member)  # whether she moderates, asked once and kept
    with CaptureQueriesContext(connection) as none_found:
        assert list(queries.motions_titled("Başqa məsələ", viewer=member)) == []
    with CaptureQueriesContext(connection) as one_found:
        assert len(list(queries.motions_titled("QARABAĞ MƏSƏLƏSİ", viewer=member))) == 1
    assert (len(none_found), len(one_found)) == (1, 2)


def test_proposing_a_title_that_differs_in_case_and_form_is_told_of_the_motion(client, member):
    existing = MotionFactory(title="Qarabağ məsələsi")
    client.force_login(member)
    sent = {
        "title": nfd("QARABAĞ MƏSƏLƏSİ"),
        "claim": "Məsələ həll olunub.",
        "submission_key": str(uuid.uuid4()),
    }
    response = client.post(reverse("propose_motion"), sent)
    page = response.content.decode()
    assert response.status_code == 200 and "A motion with this title exists:" in page
    assert existing.get_absolute_url() in page
    assert Motion.objects.count() == 1
    # The page sent back with its seen title, the proposal goes ahead, its title composed.
    again = client.post(reverse("propose_motion"), sent | {"same_title_seen": "QARABAĞ MƏSƏLƏSİ"})
    assert again.status_code == 303
    assert Motion.objects.exclude(pk=existing.pk).get().title == "QARABAĞ MƏSƏLƏSİ"


def test_an_import_hears_of_the_motion_whose_title_differs_in_case_and_form(member):
    existing = MotionFactory(title="Qarabağ məsələsi")
    text = f"Discussion Title: {nfd('QARABAĞ MƏSƏLƏSİ')}\n\n1. Məsələ.\n1.1. Pro: Bəli.\n"
    motion, summary, _ = import_text(text=text, format="kialo", author=member)
    assert summary["same_title"] == existing
    assert motion.title == "QARABAĞ MƏSƏLƏSİ"


# --- e) Kialo lines behind a direction mark ----------------------------------------------------


@pytest.mark.parametrize("mark", ["\u200f", "\u200e"], ids=["RLM", "LRM"])
def test_a_kialo_line_behind_a_direction_mark_is_a_claim_of_its_own(member, mark):
    text = (
        "Discussion Title: שלום\n\n1. שלום.\n1.1. Pro: כן.\n1.2. Con: לא.\n"
        f"{mark}1.3. Pro: שלום עכשיו\n"
    )
    motion, _, warnings = import_text(text=text, format="kialo", author=member)
    claims = list(Argument.objects.filter(motion=motion).order_by("pk").values_list("claim"))
    assert claims == [("כן.",), ("לא.",), ("שלום עכשיו",)]
    assert warnings == []


def test_a_kialo_file_saved_decomposed_is_imported_composed(member):
    text = nfd(f"Discussion Title: Qarabağ məsələsi\n\n1. {CLAIM}\n1.1. Pro: Şuşa azaddır.\n")
    motion, _, _ = import_text(text=text, format="kialo", author=member)
    assert (motion.title, motion.claim) == ("Qarabağ məsələsi", CLAIM)
    assert Argument.objects.get(motion=motion).claim == "Şuşa azaddır."


# --- Texts written before ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_texts_written_before_are_composed_and_their_anchors_follow():
    before = [("debates", "0020_votes_before_an_edit")]
    after = [("debates", "0021_texts_composed")]
    start = TEXT.index("Şuşa şəhəri")
    end = TEXT.index(";", start)
    old_start = nfd(TEXT).index(nfd("Şuşa şəhəri"))
    old_end = nfd(TEXT).index(";", old_start)
    with by_hand() as executor:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        source = old.get_model("debates", "Source").objects.create(
            title=nfd("Qarabağ xronikası"), url=nfd("https://example.org/Şuşa")
        )
        old.get_model("debates", "SourceText").objects.create(source=source, text=nfd(TEXT))
        motion = old.get_model("debates", "Motion").objects.create(
            slug="m", title=nfd("Qarabağ məsələsi"), claim=nfd(CLAIM), context=nfd(PASSAGE)
        )
        anchor = {"anchor": "exact", "anchor_score": 1.0, "quote_prefix": nfd(TEXT[:start])}
        old.get_model("debates", "Argument").objects.create(
            motion=motion,
            stance="pro",
            claim=nfd(CLAIM),
            details=nfd(PASSAGE),
            details_html=nfd(f"<p>{PASSAGE}</p>"),
            source=source,
            quote=nfd(TEXT[start:end]),
            quote_start=old_start,
            quote_end=old_end,
            **anchor,
        )
        executor.loader.build_graph()
        executor.migrate(after)

    source = Source.objects.get()
    assert (source.title, source.url) == ("Qarabağ xronikası", "https://example.org/Şuşa")
    assert sources.text_of(source) == TEXT
    motion = Motion.objects.get()
    assert (motion.title, motion.claim, motion.context) == ("Qarabağ məsələsi", CLAIM, PASSAGE)
    argument = Argument.objects.get()
    assert (argument.claim, argument.details, argument.details_html) == (
        CLAIM,
        PASSAGE,
        f"<p>{PASSAGE}</p>",
    )
    assert (argument.quote_start, argument.quote_end) == (start, end)
    assert TEXT[start:end] == argument.quote == "Şuşa şəhəri 2020-ci ilin noyabrında azad edildi"
    assert (argument.quote_prefix, argument.quote_suffix) == (TEXT[:start], TEXT[end : end + 32])
    assert set(found("Müharibə")) == {motion, argument}
