"""One rule for every citation by web address (a tester's findings): a motion, a reply and an
import citing the address of a source whose text Crux holds cite that source, their quote found
in its text or refused; Crux's own export comes back citing the sources it holds, not copies;
and an address Crux holds no text of is one source, whoever cites it, however often."""

import hashlib
import html
import json
import threading
import uuid
from urllib.parse import urlsplit

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from debates import services, sources
from debates.errors import DebateRuleError
from debates.interchange.importing import import_text
from debates.models import Argument, Motion, Source, SourceText, Stance
from debates.transfer import QuoteNotHeld
from search.models import Passage
from tests.factories import MotionFactory, SourceFactory, verified_user
from tests.migrating import by_hand
from tests.test_api import API, assert_problem, bearer, send

pytestmark = pytest.mark.django_db

MADE_UP = "Russia has completely lost the Caucasus forever"
NOT_IN_SOURCE = "This quote is not in the source"
ESSAY_QUOTE = "I do not contest Trenin\u2019s proposition that Putin is the sole decision-maker"
COMMENT_QUOTE = "Russia did however broker a peace treaty which was gainful for Azerbaijan"
REUTERS = "https://www.reuters.com/world/some-article"


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    settings.CRUX_RATE_LIMITS = {}


@pytest.fixture
def essay(seeded):
    return Source.objects.get(seed_key="saradzhyan-essay")


def _propose(client, member, **fields):
    client.force_login(member)
    sent = {
        "title": "The Caucasus is lost",
        "claim": "Russia has lost the Caucasus.",
        "context": "",
        "source_url": "",
        "quote": "",
        "submission_key": str(uuid.uuid4()),
    } | fields
    return client.post(reverse("propose_motion"), sent)


def _reply(client, member, motion, **fields):
    client.force_login(member)
    sent = {
        "stance": "con",
        "claim": "Cited by its address.",
        "submission_key": str(uuid.uuid4()),
    } | fields
    return client.post(reverse("reply_motion", args=[motion.slug]), sent)


def _cite(url, quote="Words from the page.", **fields) -> Argument:
    argument, _ = services.post_argument(
        author=fields.pop("author", None) or verified_user(),
        motion=fields.pop("motion", None) or MotionFactory(),
        parent=None,
        stance=Stance.PRO,
        claim=fields.pop("claim", "Cited by its address."),
        source_url=url,
        quote=quote,
    )
    return argument


def _essay_entries(essay) -> int:
    return Client().get(reverse("sources")).content.decode().count(f"<bdi>{essay.title}</bdi>")


# --- 1. A motion cites a held source by its address as a reply does ----------------------------


def test_the_testers_motion_with_a_made_up_quote_of_the_essay_is_refused(client, essay, member):
    sources_before = Source.objects.count()
    response = _propose(client, member, source_url=essay.url, quote=MADE_UP)
    assert response.status_code == 422
    page = response.content.decode()
    assert NOT_IN_SOURCE in page and MADE_UP in page  # the form keeps what was typed
    assert not Motion.objects.filter(title="The Caucasus is lost").exists()
    assert Source.objects.count() == sources_before
    assert _essay_entries(essay) == 1
    assert _list_item_of(essay.url) == ""  # no entry "Text not held here" for the address
    # A reply with the same address and quote was refused already, the same way.
    refused = _reply(
        client,
        member,
        Motion.objects.get(slug="strategic-solitude"),
        source_url=essay.url,
        quote=MADE_UP,
    )
    assert refused.status_code == 422 and NOT_IN_SOURCE in refused.content.decode()


def test_a_reply_misquoting_the_essay_by_a_word_is_refused_showing_its_words(client, essay, member):
    """The tester's "I do contest" for the essay's "I do not contest": a few characters, the
    opposite meaning. The form says what the essay reads and keeps what was typed."""
    misquote = ESSAY_QUOTE.replace("do not contest", "do contest")
    motion = Motion.objects.get(slug="strategic-solitude")
    refused = _reply(client, member, motion, source_url=essay.url, quote=misquote)
    page = html.unescape(refused.content.decode())
    assert refused.status_code == 422
    said = "The source does not say this as written: where you wrote “do contest”, it has “do not"
    assert said in page and "It reads “I do not contest Trenin\u2019s proposition" in page
    assert misquote in page
    assert not Argument.objects.filter(quote=misquote).exists()


def _list_item_of(url: str) -> str:
    html = Client().get(reverse("sources")).content.decode()
    return "".join(item for item in html.split("<li") if f'href="{url}"' in item)


def test_a_motion_quoting_the_essay_by_its_address_cites_it_anchored(client, essay, member):
    response = _propose(client, member, source_url=essay.url, quote=ESSAY_QUOTE)
    assert response.status_code == 303
    motion = Motion.objects.get(title="The Caucasus is lost")
    assert motion.source == essay and motion.anchor == "exact"
    text = sources.text_of(essay)
    assert text[motion.quote_start : motion.quote_end] == ESSAY_QUOTE
    page = client.get(motion.get_absolute_url()).content.decode()
    assert motion.passage_url in page
    # The reader marks the motion's passage.
    assert motion.get_absolute_url() in client.get(essay.get_absolute_url()).content.decode()


def test_a_motion_quoting_the_readers_comment_at_the_essays_address_cites_the_comment(
    client, essay, member
):
    _propose(client, member, source_url=essay.url, quote=COMMENT_QUOTE)
    motion = Motion.objects.get(title="The Caucasus is lost")
    assert motion.source.seed_key == "reader-comment" and motion.quote_start is not None


def test_the_api_proposes_under_the_same_rule(essay, member):
    url = f"{API}/motions"
    sent = {"title": "Lost", "claim": "Russia has lost.", "source_url": essay.url}
    refused = send(Client(), "post", url, sent | {"quote": MADE_UP}, **bearer(member))
    body = assert_problem(refused, 422)
    assert NOT_IN_SOURCE in json.dumps(body)
    assert not Motion.objects.filter(title="Lost").exists()
    made = send(Client(), "post", url, sent | {"quote": ESSAY_QUOTE}, **bearer(member))
    assert made.status_code == 201, made.content
    motion = Motion.objects.get(title="Lost")
    assert motion.source == essay and motion.quote_start is not None


def test_a_motion_retried_under_its_key_is_the_same_though_the_address_is_written_otherwise(
    member,
):
    key = uuid.uuid4()
    fields = {"author": member, "title": "T", "claim": "C.", "submission_key": key}
    first, made = services.propose_motion(**fields, source_url=REUTERS, quote="Q")
    again, made_again = services.propose_motion(
        **fields, source_url=REUTERS.replace("www.reuters", "WWW.Reuters"), quote="Q"
    )
    assert (made, made_again, again) == (True, False, first)


# --- 2. An import may not credit a held source with made-up words ------------------------------

TESTERS_ARGDOWN = (
    "[Lost]: Russia has lost the Caucasus.\n"
    '  + [Admitted]: Putin admitted it. {source: "How Putin\u2019s Karabakh calculus\u2026", '
    'source_author: "Simon Saradzhyan", source_url: "URL", '
    'quote: "Putin admitted total defeat in an interview"}\n'
)


def _counts():
    return (Motion.objects.count(), Argument.objects.count(), Source.objects.count())


def test_the_testers_argdown_import_is_refused_naming_the_line(client, essay, member):
    before = _counts()
    client.force_login(member)
    text = TESTERS_ARGDOWN.replace("URL", essay.url)
    response = client.post("/motions/import/", {"format": "argdown", "text": text})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Line 2: its quote" in page and "is not in the source it cites" in page
    assert _counts() == before
    api = send(
        Client(),
        "post",
        f"{API}/motions/import",
        {"format": "argdown", "text": text},
        **bearer(member),
    )
    assert assert_problem(api, 422)["line"] == 2
    assert _counts() == before


def test_an_argdown_import_quoting_the_essay_truly_cites_it_anchored(essay, member):
    text = TESTERS_ARGDOWN.replace("URL", essay.url).replace(
        "Putin admitted total defeat in an interview", ESSAY_QUOTE
    )
    motion, _, _ = import_text(text=text, format="argdown", author=member)
    argument = Argument.objects.get(motion=motion)
    assert argument.source == essay and argument.quote_start is not None
    assert Source.objects.filter(url=essay.url).count() == 2  # the essay and the comment


def test_a_json_import_crediting_the_essay_with_made_up_words_is_refused(essay, member):
    before = _counts()
    data = {
        "format": "crux-debate",
        "version": 1,
        "motion": {"slug": "lost", "title": "Lost", "claim": "Russia has lost."},
        "sources": {
            "s1": {"title": "The essay", "url": essay.url, "text": "Putin admitted total defeat."}
        },
        "arguments": [
            {
                "ref": "a1",
                "parent": None,
                "stance": "pro",
                "claim": "He admitted it.",
                "source": "s1",
                "quote": "Putin admitted total defeat.",
            }
        ],
    }
    with pytest.raises(QuoteNotHeld) as refused:
        import_text(text=json.dumps(data), format="json", author=member)
    assert str(refused.value).startswith("Argument a1: its quote")
    assert _counts() == before
    response = Client()
    response.force_login(member)
    page = response.post("/motions/import/", {"format": "json", "text": json.dumps(data)})
    assert page.status_code == 422 and "Argument a1: its quote" in page.content.decode()
    assert _counts() == before


# --- 3. Crux's own export comes back citing the sources it holds --------------------------------


@pytest.mark.parametrize("form", ["argdown", "json"])
def test_reimporting_a_seeded_export_reuses_the_held_sources(client, essay, member, form):
    motion = Motion.objects.get(slug="strategic-solitude")
    if form == "argdown":
        exported = client.get(reverse("export_argdown", args=[motion.slug])).content.decode()
    else:
        exported = client.get(reverse("motion_export", args=[motion.slug])).content.decode()
    sources_before, passages_before = Source.objects.count(), Passage.objects.count()
    texts_before = SourceText.objects.count()
    client.force_login(member)
    response = client.post("/motions/import/", {"format": form, "text": exported})
    assert response.status_code == 303, response.content.decode()[:2000]
    copy = Motion.objects.exclude(pk=motion.pk).get(title=motion.title)
    assert Source.objects.count() == sources_before
    assert (SourceText.objects.count(), Passage.objects.count()) == (texts_before, passages_before)
    assert _essay_entries(essay) == 1
    cited = Argument.objects.filter(motion=copy, source__isnull=False)
    originals = Argument.objects.filter(motion=motion, source__isnull=False)
    assert sorted(cited.values_list("source_id", flat=True)) == sorted(
        originals.values_list("source_id", flat=True)
    )
    anchored = cited.exclude(quote="")
    assert anchored and all(each.quote_start is not None for each in anchored)
    assert copy.source_id == motion.source_id and copy.quote_start is not None
    # The essay's reader shows the copy's arguments beside the seeded ones.
    reader = client.get(essay.get_absolute_url()).content.decode()
    first = anchored.filter(source=essay).first()
    assert first.get_absolute_url() in reader


# --- 4. One source per web address ---------------------------------------------------------------


def test_addresses_apart_in_their_query_get_titles_that_tell_them_apart(member):
    """The tester's `Report?id=1` and `?id=2`, both once titled "example.org/Report"; a fragment
    is a place in one work, left out."""
    first = _cite("https://example.org/Report?id=1", author=member).source
    second = _cite("https://example.org/Report?id=2", author=member).source
    placed = _cite("https://example.org/Report?id=1#section", author=member).source
    bare = _cite("https://example.org/Report", author=member).source
    assert (first.title, second.title) == ("example.org/Report?id=1", "example.org/Report?id=2")
    assert (placed.title, bare.title) == ("example.org/Report?id=1", "example.org/Report")
    long = _cite(f"https://example.org/{'a' * 400}?id=77", author=member).source
    assert len(long.title) == Source._meta.get_field("title").max_length
    assert long.title.startswith("example.org/aaa") and long.title.endswith("a?id=77")
    assert "…" in long.title


def test_an_address_title_reads_as_typed_without_how_the_reader_came(member):
    """Percent-escapes decoded, but not an international host (its letters could pass for
    another's); campaign tags are no part of a work's name."""
    cyrillic = _cite(
        "https://example.org/a?q=%D0%9A%D0%B0%D1%80%D0%B0%D0%B1%D0%B0%D1%85", author=member
    )
    assert cyrillic.source.title == "example.org/a?q=\u041a\u0430\u0440\u0430\u0431\u0430\u0445"
    international = _cite("https://xn--80ak6aa92e.com/news", author=member)
    assert international.source.title == "xn--80ak6aa92e.com/news"
    tagged = _cite("https://example.org/r?id=3&utm_source=x&fbclid=y", author=member)
    assert tagged.source.title == "example.org/r?id=3"
    broken = _cite("https://example.org/b?q=%FF", author=member)
    assert broken.source.title == "example.org/b?q=%FF"


def test_two_replies_citing_one_address_cite_one_source(client, member):
    motion = MotionFactory()
    first = _reply(client, member, motion, claim="One.", source_url=REUTERS, quote="Q1")
    second = _reply(client, verified_user(), motion, claim="Two.", source_url=REUTERS, quote="Q2")
    assert (first.status_code, second.status_code) == (303, 303)
    source = Source.objects.get(url=REUTERS)
    assert Argument.objects.filter(source=source).count() == 2
    item = _list_item_of(REUTERS)
    assert "cited by 2 claims" in item
    assert Client().get(reverse("sources")).content.decode().count(f'href="{REUTERS}"') == 1
    page = client.get(source.get_absolute_url()).content.decode()
    assert "One." in page and "Two." in page


def test_an_address_written_otherwise_and_a_motion_cite_the_same_source(member):
    argument = _cite(REUTERS)
    again = _cite("HTTPS://WWW.REUTERS.COM/world/some-article")
    motion, _ = services.propose_motion(
        author=member, title="Reuters", claim="It says so.", source_url=REUTERS, quote="Q"
    )
    assert argument.source == again.source == motion.source
    assert Source.objects.filter(address_key__gt="").count() == 1
    # The path is the page's: its case is kept, and another case is another page.
    assert _cite(REUTERS.replace("some-article", "Some-Article")).source != argument.source


def test_the_database_holds_one_source_per_address(member):
    source = _cite(REUTERS).source
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.create(title="Again", url=REUTERS, address_key=source.address_key)


def test_a_citation_beaten_to_a_new_address_cites_the_winners_source(monkeypatch):
    """Two first citations of an address at once: the one whose insert the unique key refuses
    (it looked before the other's commit, and found none) reads the row the other made."""
    key = hashlib.sha256(REUTERS.encode()).hexdigest()
    winners = Source.objects.create(title="The winner's", url=REUTERS, address_key=key)
    looked = Source.objects.filter

    def before_the_commit(*args, **kwargs):
        return Source.objects.none() if "address_key" in kwargs else looked(*args, **kwargs)

    monkeypatch.setattr(Source.objects, "filter", before_the_commit)
    argument = _cite(REUTERS)
    monkeypatch.undo()
    assert argument.source == winners
    assert Source.objects.filter(url=REUTERS).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_first_citations_make_one_source(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: no two inserts are under way at once.")
    motion = MotionFactory()
    authors = [verified_user(), verified_user()]
    create = Source.objects.create
    both_looked = threading.Barrier(2, timeout=10)

    def after_both_looked(**fields):
        both_looked.wait()
        return create(**fields)

    monkeypatch.setattr(Source.objects, "create", after_both_looked)
    made, failed = [], []

    def cite(author):
        try:
            made.append(_cite(REUTERS, author=author, motion=motion))
        except Exception as error:
            failed.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=cite, args=(author,)) for author in authors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failed
    assert Source.objects.filter(url=REUTERS).count() == 1
    assert {argument.source_id for argument in made} == {Source.objects.get(url=REUTERS).pk}


def test_an_address_a_moderator_hid_is_not_cited_afresh_nor_shown(client, moderator, member):
    source = _cite(REUTERS).source
    outcome = moderation_hide(moderator, source)
    assert outcome.changed
    response = _reply(client, member, MotionFactory(), source_url=REUTERS, quote="Q")
    assert response.status_code == 409
    assert "A moderator has hidden this source" in response.content.decode()
    with pytest.raises(DebateRuleError):
        services.propose_motion(author=member, title="T", claim="C.", source_url=REUTERS, quote="Q")
    source.refresh_from_db()
    assert source.is_hidden and Source.objects.filter(url=REUTERS).count() == 1


def moderation_hide(moderator, source):
    return sources.hide_source(moderator=moderator, source=source, reason="Malware.")


def test_the_address_of_a_hidden_text_cites_no_text(moderator, member):
    """A text a moderator hid is not quoted by its address: the address is cited as one whose
    text Crux does not hold, which shows nothing of the text, and the text stays hidden."""
    held = SourceFactory(title="The held one", url="https://example.org/held")
    SourceText.objects.create(source=held, text="Words Crux holds.")
    sources.hide_source(moderator=moderator, source=held, reason="Copyright.")
    argument = _cite("https://example.org/held", quote="Words nobody wrote.", author=member)
    assert argument.source != held and not sources.text_of(argument.source)
    assert argument.source.title == "example.org/held"
    held.refresh_from_db()
    assert held.is_hidden


# --- The merge of the duplicates already made ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_merges_duplicate_addresses_and_keeps_what_it_must(moderator):
    def cited_by_address(url, claim):
        parts = urlsplit(url)
        source = Source.objects.create(title=f"{parts.hostname}{parts.path}", url=url)
        return MotionFactory(claim=claim, source=source, quote="Q"), source

    with by_hand() as executor:
        executor.migrate([("debates", "0026_source_address_key")])
        first, kept = cited_by_address("https://example.org/a", "First.")
        second, merged = cited_by_address("https://EXAMPLE.org/a", "Second.")
        third, flagged = cited_by_address("https://example.org/a", "Third.")
        Source.objects.filter(pk=flagged.pk).update(visibility="hidden", hidden_reason="Spam.")
        named, titled = cited_by_address("https://example.org/a", "Named.")
        Source.objects.filter(pk=titled.pk).update(title="A title someone gave it")
        hid, hidden = cited_by_address("https://example.org/b", "Under a hidden one.")
        Source.objects.filter(pk=hidden.pk).update(visibility="hidden", hidden_reason="Malware.")
        shown, other = cited_by_address("https://example.org/b", "Beside it.")
        executor.loader.build_graph()
        executor.migrate([("debates", "0027_one_source_per_address")])
    for motion in (first, second, third, named, hid, shown):
        motion.refresh_from_db()
    # Of an address whose oldest source a moderator hid, nothing merges, and the hidden one is
    # the address's: a new citation is refused, not made afresh.
    assert (hid.source_id, shown.source_id) == (hidden.pk, other.pk)
    with pytest.raises(DebateRuleError) as refused:
        _cite("https://example.org/b")
    assert refused.value.status == 409
    assert first.source_id == second.source_id == kept.pk
    assert not Source.objects.filter(pk=merged.pk).exists()
    assert third.source_id == flagged.pk and named.source_id == titled.pk
    kept.refresh_from_db()
    assert kept.address_key and kept.url == "https://example.org/a"
    assert _cite("https://example.org/a").source == kept
