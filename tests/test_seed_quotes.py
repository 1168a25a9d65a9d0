"""The seeded debate quotes each source in its own words, and says whose view a claim is and
when it was said without passing Crux's summary, or the day it was seeded, off as theirs."""

# The essay is typeset: its curly quotes are what these tests find.
# ruff: noqa: RUF001

import copy
import json
import re
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from debates import seeding, sources
from debates.management.commands import seed_karabakh
from debates.models import Argument, Motion, Source
from tests.factories import ArgumentFactory

SEED = json.loads(seeding.KARABAKH_SEED.read_text(encoding="utf-8"))
# Each seeded source's text as Crux stores it, "" for one whose text Crux does not hold.
HELD = {
    entry["key"]: sources.clean_text(
        (seeding.SEED_DIR / entry["text_file"]).read_text(encoding="utf-8")
        if entry.get("text_file")
        else ""
    )
    for entry in SEED["sources"]
}


def _claims(data):
    """Every motion and argument of a seed, by name."""
    found, pending = {}, list(data["motions"])
    while pending:
        entry = pending.pop()
        found[entry.get("key") or entry["slug"]] = entry
        pending.extend(entry.get("arguments", []))
    return found


CLAIMS = _claims(SEED)
# Trenin's view as Saradzhyan's essay reports it: the essay's sentences, which the seed once
# cited as Trenin's own article.
REPORTED = (
    "strategic-solitude",
    "trenin-three-crises",
    "putin-sole-decider",
    "multi-vector",
    "formal-obligations-only",
    "trenin-loneliness",
)


def _by_name(name):
    return Motion.objects.filter(slug=name).first() or Argument.objects.get(seed_key=name)


# --- The seed file ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CLAIMS)
def test_a_quote_from_a_source_with_text_is_in_it_verbatim(name):
    entry = CLAIMS[name]
    text = HELD[entry["source"]]
    if text and not entry.get("fuzzy_reason"):
        assert entry["quote"].strip() in text, f"{name} misquotes {entry['source']}"


@pytest.mark.parametrize("name", CLAIMS)
def test_a_quote_crux_can_check_cites_the_text_it_is_in(name):
    """A sentence of the essay is the essay's, though it reports what Trenin said."""
    entry = CLAIMS[name]
    if not HELD[entry["source"]]:
        holders = [key for key, text in HELD.items() if text and entry["quote"].strip() in text]
        assert holders == [], f"{name} cites {entry['source']} for words of {holders}"


def test_trenins_view_as_the_essay_reports_it_cites_the_essay_and_stays_his():
    for name in REPORTED:
        entry = CLAIMS[name]
        assert (entry["source"], entry["attribution"]) == ("saradzhyan-essay", "Dmitri Trenin")


@pytest.mark.django_db
def test_seeding_refuses_a_quote_cited_from_a_source_it_is_not_the_words_of():
    data = copy.deepcopy(SEED)
    _claims(data)["multi-vector"]["source"] = "trenin-article"
    with pytest.raises(seeding.SeedRefused, match="'multi-vector' cites 'trenin-article'"):
        seeding.load_seed(data, texts=seeding.SEED_DIR)
    assert not Source.objects.exists() and not Motion.objects.exists()


@pytest.mark.django_db
def test_seed_karabakh_refuses_a_misquoting_seed_and_says_why(tmp_path, monkeypatch):
    data = copy.deepcopy(SEED)
    _claims(data)["trenin-loneliness"]["source"] = "trenin-article"
    for entry in data["sources"]:
        if entry.get("text_file"):
            shutil.copy(seeding.SEED_DIR / entry["text_file"], tmp_path)
    (tmp_path / "karabakh.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(
        seed_karabakh, "load_seed_file", lambda: seeding.load_seed_file(tmp_path / "karabakh.json")
    )
    with pytest.raises(CommandError, match="refused: The quote of 'trenin-loneliness' cites"):
        call_command("seed_karabakh")
    assert not Source.objects.exists()


@pytest.mark.django_db
def test_seeding_refuses_a_quote_not_verbatim_in_the_text_it_cites():
    data = copy.deepcopy(SEED)
    entry = _claims(data)["multi-vector"]
    entry["quote"] = entry["quote"].replace("Pashinyan’s fault", "Pashinyan's faults")
    with pytest.raises(seeding.SeedRefused, match="'multi-vector' is not verbatim"):
        seeding.load_seed(data, texts=seeding.SEED_DIR)
    assert not Source.objects.exists() and not Motion.objects.exists()


# --- Re-seeding a database the old seed made -----------------------------------------------------


def _as_the_old_seed_left_it():
    """The seeded rows as the seed before this fix wrote them: the essay's table cells run
    together, and Trenin's view as the essay reports it cited as his article, unanchored."""
    essay = Source.objects.get(seed_key="saradzhyan-essay")
    sources.replace_text(essay, sources.text_of(essay).replace(" | ", ""))
    trenin = Source.objects.get(seed_key="trenin-article")
    for name in REPORTED:
        claim = _by_name(name)
        type(claim).objects.filter(pk=claim.pk).update(source=trenin, **sources.UNANCHORED)


def test_reseeding_an_old_database_cites_the_essay_and_anchors_in_its_reader(client, seeded):
    _as_the_old_seed_left_it()
    trenin = Source.objects.get(seed_key="trenin-article")
    members = ArgumentFactory(source=trenin, quote="Words of Trenin's own, as a member gives them.")

    call_command("seed_karabakh")

    essay = Source.objects.get(seed_key="saradzhyan-essay")
    text = sources.text_of(essay)
    assert "Increase from Russia alone to Russia+ | 32% | 69%" in text
    reader = client.get(reverse("source", args=[essay.pk])).content.decode()
    for name in REPORTED:
        claim = _by_name(name)
        assert (claim.source, claim.attribution, claim.anchor) == (essay, "Dmitri Trenin", "exact")
        assert text[claim.quote_start : claim.quote_end] == claim.quote
        assert f'id="{claim.passage_fragment}"' in reader
    for claim in [*Motion.objects.filter(source=essay), *Argument.objects.filter(source=essay)]:
        assert text[claim.quote_start : claim.quote_end] == claim.quote, claim
    # Nothing is deleted, and what a member cited stays as she cited it.
    assert Source.objects.filter(pk=trenin.pk).exists()
    members.refresh_from_db()
    assert members.source == trenin


# --- Bylines ----------------------------------------------------------------------------------


def _header(html, claim):
    """The header of the claim's card: its stance, byline and date."""
    return re.search(
        rf'<article class="argument__body" id="body-{claim.pk}".*?</header>', html, re.S
    )[0]


def test_a_seeded_claim_is_attributed_and_dated_by_its_source_not_by_seeding(client, seeded):
    argument = Argument.objects.get(seed_key="multi-vector")
    for url in (argument.motion.get_absolute_url(), argument.get_absolute_url()):
        header = _header(client.get(url).content.decode(), argument)
        assert '<span class="argument__by">Attributed to <bdi>Dmitri Trenin</bdi></span>' in header
        assert '<time class="argument__time" datetime="2021-01-29"' in header
        assert ">29 Jan 2021</time>" in header
        assert argument.created_at.strftime("%Y-%m-%dT") not in header


def test_a_seeded_claim_whose_source_has_no_date_shows_none(client, seeded):
    reader = Argument.objects.get(seed_key="reader-brokered-peace")
    header = _header(client.get(reader.get_absolute_url()).content.decode(), reader)
    assert '<span class="argument__by">Attributed to <bdi>A reader</bdi></span>' in header
    assert "<time" not in header


def test_a_hidden_sources_date_is_withheld_with_its_citation(client, seeded):
    argument = Argument.objects.get(seed_key="multi-vector")
    Source.objects.filter(seed_key="saradzhyan-essay").update(visibility="hidden")
    header = _header(client.get(argument.get_absolute_url()).content.decode(), argument)
    assert "Attributed to <bdi>Dmitri Trenin</bdi>" in header
    assert "<time" not in header


def test_a_members_claim_keeps_the_day_she_posted_it(client, seeded):
    motion = Motion.objects.get(slug="strategic-solitude")
    essay = Source.objects.get(seed_key="saradzhyan-essay")
    written = ArgumentFactory(motion=motion, source=essay, attribution="Dmitri Trenin")
    header = _header(client.get(written.get_absolute_url()).content.decode(), written)
    assert "Attributed to" not in header
    assert f'datetime="{written.created_at.isoformat()}"' in header


def test_a_seeded_motion_is_attributed_on_its_page_and_the_home_page(client, seeded):
    motion = Motion.objects.get(slug="strategic-solitude")
    page = client.get(motion.get_absolute_url()).content.decode()
    assert (
        '<p class="motion__held-by">Attributed to <strong><bdi>Dmitri Trenin</bdi></strong></p>'
        in page
    )
    assert "Held by" not in page
    home = client.get("/").content.decode()
    assert re.search(r"Attributed to <bdi>Dmitri Trenin</bdi>\s+·", home)
    assert "Held by <bdi>Dmitri Trenin</bdi>" not in home
