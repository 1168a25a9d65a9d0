"""Sources with their text (issue 20): the seed's texts and anchors, citing a source with text,
and a member adding one."""

# The texts quoted are typeset: curly quotes are what they test.
# ruff: noqa: RUF001

import json

import pytest
from django.urls import reverse

from debates import seeding, services, sources
from debates.errors import DebateRuleError
from debates.models import SOURCE_TEXT_MAX_LENGTH, Argument, Motion, Source, SourceText, Stance
from tests.factories import MotionFactory, SourceFactory, UserFactory, verified_user

pytestmark = pytest.mark.django_db

CAPTURE = (seeding.SEED_DIR / "karabakh-essay.txt").read_text(encoding="utf-8")
CELL = " | "


def _seeded_claims():
    return [
        *Motion.objects.select_related("source"),
        *Argument.objects.select_related("source"),
    ]


def test_the_seed_loads_the_essay_and_the_reader_comment_as_texts_and_not_trenin(seeded):
    texts = {source.seed_key: sources.text_of(source) for source in Source.objects.all()}
    assert texts["trenin-article"] == ""
    assert texts["saradzhyan-essay"].startswith("How Putin’s Karabakh calculus")
    assert (
        texts["saradzhyan-essay"]
        .rstrip()
        .endswith("no alternative great power to either ally or bandwagon with.")
    )
    assert texts["reader-comment"].startswith("Russia did however broker a peace treaty")
    # The capture ran the essay's table cells together ("…to Russia+32%69%"): the texts part them
    # with CELL, and otherwise keep its words.
    table = [line for line in texts["saradzhyan-essay"].splitlines() if CELL in line]
    assert table == [
        "Share in world’s GDP as of 2019 | Share in world’s population as of 2019",
        "Russia alone | 3.1% | 1.9%",
        "Increase from Russia alone to Russia+ | 32% | 69%",
    ]
    for key in ("saradzhyan-essay", "reader-comment"):
        for line in texts[key].splitlines():
            assert line.strip().replace(CELL, "") in CAPTURE, f"{key} is not the captured text"


def test_all_58_seeded_quotes_of_sources_with_text_anchor_exactly(seeded):
    data = json.loads(seeding.KARABAKH_SEED.read_text(encoding="utf-8"))
    reasons = {}
    stack = list(data["motions"])
    while stack:
        node = stack.pop()
        reasons[node.get("key") or node["slug"]] = node.get("fuzzy_reason")
        stack.extend(node.get("arguments", []))
    cited = [claim for claim in _seeded_claims() if sources.text_of(claim.source)]
    assert len(cited) == 58
    for claim in cited:
        name = getattr(claim, "seed_key", None) or claim.slug
        assert claim.anchor == "exact" or (claim.anchor == "fuzzy" and reasons[name]), name
        assert sources.text_of(claim.source)[claim.quote_start : claim.quote_end] == claim.quote
        assert sources.text_of(claim.source)[: claim.quote_start].endswith(claim.quote_prefix)
        assert sources.text_of(claim.source)[claim.quote_end :].startswith(claim.quote_suffix)
    for claim in _seeded_claims():
        if not sources.text_of(claim.source):
            assert (claim.anchor, claim.quote_start, claim.quote_end) == ("", None, None)


def test_a_seeded_quote_that_anchors_only_fuzzily_needs_its_reason(db, tmp_path):
    (tmp_path / "text.txt").write_text("The quick brown fox jumps over the lazy dog today.")
    node = {
        "key": "fox",
        "stance": "pro",
        "claim": "Foxes jump.",
        "attribution": "A reader",
        "source": "t",
        "quote": "The quick brown fox jumps over teh lazy dog",
    }
    data = {
        "sources": [{"key": "t", "title": "T", "text_file": "text.txt"}],
        "motions": [
            {
                "slug": "foxes",
                "title": "Foxes",
                "claim": "Foxes are quick.",
                "attribution": "A reader",
                "source": "t",
                "quote": "The quick brown fox",
                "arguments": [node],
            }
        ],
    }
    with pytest.raises(seeding.SeedRefused, match="fuzzy_reason"):
        seeding.load_seed(data, texts=tmp_path)
    node["fuzzy_reason"] = "The reader misspelt it."
    seeding.load_seed(data, texts=tmp_path)
    assert Argument.objects.get(seed_key="fox").anchor == "fuzzy"


# --- Citing a source with text ----------------------------------------------------------------


@pytest.fixture
def essay(seeded):
    return Source.objects.get(seed_key="saradzhyan-essay")


def _post(author, source, quote, **more):
    motion = Motion.objects.get(slug="strategic-solitude")
    return services.post_argument(
        author=author,
        motion=motion,
        parent=None,
        stance=Stance.CON,
        claim="The essay says otherwise.",
        source=source,
        quote=quote,
        **more,
    )[0]


def test_a_verbatim_quote_from_a_source_with_text_is_anchored_exactly(essay, member):
    quote = "Trenin infers from these responses"
    argument = _post(member, essay, quote)
    assert (argument.anchor, argument.anchor_score) == ("exact", 1.0)
    assert sources.text_of(essay)[argument.quote_start : argument.quote_end] == quote
    assert argument.quote == quote


@pytest.mark.parametrize(
    "typed, reads",
    [
        # A misspelling, the essay's words shown back.
        (
            "Trenin infers frum these responses that Russia's foreign",
            "“Trenin infers from these responses that Russia’s foreign”",
        ),
        # A "not" left out turns the author's meaning round: a few characters, a new claim.
        (
            "I do contest Trenin’s proposition that Putin is the sole decision-maker",
            "“I do not contest Trenin’s proposition that Putin is the sole decision-maker”",
        ),
        (
            "It could never have compelled the warring sides to discontinue hostilities",
            "“It could have compelled the warring sides to discontinue hostilities”",
        ),
    ],
)
def test_a_quote_a_few_characters_off_is_refused_showing_the_sources_words(
    essay, member, typed, reads
):
    with pytest.raises(DebateRuleError) as refused:
        _post(member, essay, typed)
    assert (refused.value.status, refused.value.field) == (422, "quote")
    assert refused.value.message.startswith("The source does not say this as written")
    assert reads in refused.value.message
    assert not Argument.objects.filter(quote=typed).exists()


def test_a_passage_chosen_in_the_reader_then_retyped_is_held_to_the_text(essay, member):
    """The reader's selection offers its place; a quote changed after is checked as typed."""
    text = sources.text_of(essay)
    chosen = "employed its clout earlier"
    start = text.index(chosen)
    with pytest.raises(DebateRuleError, match="It reads “employed its clout earlier”"):
        _post(
            member,
            essay,
            "employed its clout much earlier",
            quote_start=start,
            quote_end=start + 26,
        )
    argument = _post(member, essay, chosen, quote_start=start, quote_end=start + len(chosen))
    assert (argument.anchor, argument.quote_start) == ("exact", start)


@pytest.mark.parametrize(
    "typed",
    [
        # A typewriter's double hyphen for the essay's en dash.
        "has been -- and so that Moscow can thrive",
        # Straight double quotes for its curly single ones.
        'As per "Moscow\'s new rules" set by',
    ],
)
def test_a_typewriters_dashes_and_quotes_still_anchor(essay, member, typed):
    argument = _post(member, essay, typed)
    assert argument.anchor == "fuzzy" and argument.quote_start is not None


def test_typography_and_marked_gaps_still_anchor(essay, member):
    argument = _post(
        member, essay, "I do not contest Trenin's proposition that Putin ... is the sole"
    )
    assert argument.anchor == "fuzzy"
    assert sources.text_of(essay)[argument.quote_start :].startswith("I do not contest Trenin’s")


def test_a_quote_not_in_the_source_is_refused_with_422(essay, member):
    with pytest.raises(DebateRuleError) as refused:
        _post(member, essay, "Russia will surely abandon all its allies tomorrow.")
    assert refused.value.status == 422
    assert refused.value.field == "quote"
    assert "not in the source" in refused.value.message
    assert not Argument.objects.filter(author=member).exists()


@pytest.mark.parametrize(
    "stitched",
    [
        "Putin … lie",  # "lie" is in the essay only within "believe", 1,600 characters on
        "Russia … won",  # "won" only within "wondering", 10,000 characters on
    ],
)
def test_a_quote_stitched_from_pieces_of_words_is_refused(essay, member, stitched):
    """The tester's made-up quotes: they marked the essay argued from its title to its end."""
    with pytest.raises(DebateRuleError) as refused:
        _post(member, essay, stitched)
    assert (refused.value.status, refused.value.field) == (422, "quote")
    assert not Argument.objects.filter(quote=stitched).exists()


def test_a_quote_whose_words_are_pages_apart_is_refused_saying_so(essay, member):
    first = "I do not contest Trenin’s proposition"
    with pytest.raises(DebateRuleError) as refused:
        _post(member, essay, f"{first} … either ally or bandwagon with.")  # the essay's end
    assert refused.value.status == 422
    assert "more than 1,000 characters apart" in refused.value.message
    argument = _post(member, essay, f"{first} … the sole decision-maker")
    assert argument.quote_end - argument.quote_start < 100


@pytest.mark.parametrize("marks", ["“”", '""', "«»", "„“", "‘’"])
def test_a_quote_in_quotation_marks_as_journalists_type_it_anchors(essay, member, marks):
    quote = f"{marks[0]}Putin is the sole decision-maker{marks[-1]}"
    argument = _post(member, essay, quote)
    assert argument.anchor == "fuzzy" and argument.quote == quote
    text = sources.text_of(essay)
    assert text[argument.quote_start : argument.quote_end] == "Putin is the sole decision-maker"


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("“Putin is the sole decision-maker.”", ": it has no “.” after “decision-maker”. It reads"),
        ("putin is the sole decision-maker", ": only the capitals differ. It reads"),
        (
            "Putin Is the sole decision-maker,",
            ": it writes “is” with other capitals; it has no “,” after “decision-maker”.",
        ),
        (
            "I do contest Trenin’s proposition that Putin is the only decision-maker",
            ": where you wrote “do contest”, it has “do not contest”; where you wrote “only”, it "
            "has “sole”.",
        ),
    ],
)
def test_a_refused_quote_is_told_what_differs_from_the_sources_words(essay, member, typed, said):
    with pytest.raises(DebateRuleError) as refused:
        _post(member, essay, typed)
    assert refused.value.message.startswith("The source does not say this as written")
    assert said in refused.value.message


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        # Verbatim, but from within a word: "agree" is the end of the essay's "disagree".
        (
            "agree with Trenin’s proposition that Russia has decided to leave",
            ": where you wrote “agree”, it has “disagree”. It reads “disagree with Trenin’s",
        ),
        ("ussia was well aware", ". It reads “Russia was well aware”. Quote"),
        # The essay's stop after the quote's last word is no difference, nor doubled.
        (
            "Moscow chose to intervene in yet another revolution in Kyrgyzstan",
            ": where you wrote “chose to”, it has “chose not to”. It reads “Moscow chose not to "
            "intervene in yet another revolution in Kyrgyzstan”. Quote",
        ),
        (
            "The Karabakh war clearly threatened vital Russian interests",
            ": only the capitals differ. It reads “the Karabakh war clearly threatened vital "
            "Russian interests”. Quote",
        ),
        (
            "Moscow chose to intervene in yet another revolution in Kyrgyzstan.",
            "It reads “Moscow chose not to intervene in yet another revolution in Kyrgyzstan.” "
            "Quote",
        ),
        # A short quote a word off, or in capitals, is shown the essay's words too.
        ("One did need a crystal ball", ": where you wrote “did need”, it has “did not need”."),
        ("ONE DID NOT NEED A CRYSTAL BALL", ": only the capitals differ."),
    ],
)
def test_a_refused_quote_is_shown_the_sources_whole_words_and_no_stop_it_lacks(
    essay, member, typed, said
):
    with pytest.raises(DebateRuleError) as refused:
        _post(member, essay, typed)
    assert (refused.value.status, refused.value.field) == (422, "quote")
    assert said in refused.value.message
    assert ".”." not in refused.value.message
    assert not Argument.objects.filter(quote=typed).exists()


@pytest.mark.parametrize("typed", ["…", "[…]", "...", "[ … ]", "“…”"])
def test_a_quote_without_words_is_refused(essay, member, typed):
    text = sources.text_of(essay)
    start = text.index("…")
    for offsets in ({}, {"quote_start": start, "quote_end": start + 1}):
        with pytest.raises(DebateRuleError) as refused:
            _post(member, essay, typed, **offsets)
        assert (refused.value.status, refused.value.field) == (422, "quote")
        assert refused.value.message.startswith("A quote needs words")
    assert not Argument.objects.filter(author=member).exists()


def test_the_sources_words_shown_for_a_refused_quote_stay_in_their_paragraph(essay, member):
    """The tester's quote in quotation marks was once answered with the words before it, from
    the paragraph before ("own.' I do not contest…"); with a word changed, it still is not."""
    with pytest.raises(DebateRuleError) as refused:
        _post(member, essay, "“I do not contest Trenin’s propositions”")
    assert "It reads “I do not contest Trenin’s proposition”." in refused.value.message


def test_a_selection_anchors_at_its_own_offsets_among_repeats(essay, member):
    phrase = "vital interests"
    second = sources.text_of(essay).index(phrase, sources.text_of(essay).index(phrase) + 1)
    argument = _post(member, essay, phrase, quote_start=second, quote_end=second + len(phrase))
    assert (argument.quote_start, argument.anchor) == (second, "exact")


def test_a_source_with_text_needs_a_quote(essay, member):
    with pytest.raises(DebateRuleError, match="Quote the passage"):
        _post(member, essay, "  ")


def test_a_source_without_text_keeps_a_free_quote(seeded, member):
    trenin = Source.objects.get(seed_key="trenin-article")
    argument = _post(member, trenin, "Words Trenin may have written somewhere.")
    assert (argument.anchor, argument.quote_start) == ("", None)


def test_a_hidden_source_cannot_be_cited(essay, member):
    Source.objects.filter(pk=essay.pk).update(visibility="hidden")
    essay = Source.objects.get(pk=essay.pk)
    with pytest.raises(DebateRuleError) as refused:
        _post(member, essay, "Trenin infers from these responses")
    assert refused.value.status == 409


# --- Adding a source with text ----------------------------------------------------------------


def test_a_member_adds_a_source_with_its_text_sanitised(member):
    source = sources.add_source(
        adder=member,
        title="  An   essay ",
        author="Someone",
        url="https://example.org/essay",
        text="\r\nFirst\u202e paragraph.  \r\n\r\n\r\n\r\nSecond\x00 paragraph.\rThird line.\n\n",
    )
    assert source.title == "An essay"
    assert sources.text_of(source) == "First paragraph.\n\nSecond paragraph.\nThird line."
    assert (source.added_by, source.visibility) == (member, "visible")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": "", "text": "Text."}, "title", "title"),
        ({"title": "T", "text": " \n "}, "text", "Paste"),
        ({"title": "T", "text": "x" * (SOURCE_TEXT_MAX_LENGTH + 1)}, "text", "200,000"),
        ({"title": "T", "text": "Text.", "url": "javascript:alert(1)"}, "url", "http"),
    ],
)
def test_a_source_that_is_not_one_is_refused(member, fields, field, message):
    with pytest.raises(DebateRuleError) as refused:
        sources.add_source(adder=member, **fields)
    assert (refused.value.status, refused.value.field) == (422, field)
    assert message in refused.value.message


def test_the_add_form_says_everything_wrong_at_once_and_keeps_what_was_typed(client, member):
    client.force_login(member)
    sent = {"title": "", "url": "javascript:alert(1)", "text": " ", "author": "Ann Author"}
    response = client.post(reverse("add_source"), sent)
    html = response.content.decode()
    assert response.status_code == 422
    for said in ("Give the source its title.", "Paste the source", "must start with http"):
        assert said in html
    assert 'value="Ann Author"' in html and not Source.objects.exists()


def test_only_members_who_may_post_add_sources(db):
    unverified = UserFactory()
    with pytest.raises(DebateRuleError) as refused:
        sources.add_source(adder=unverified, title="T", text="Text.")
    assert refused.value.status == 403


def test_the_database_refuses_an_anchor_that_is_no_passage(db):
    from django.db import IntegrityError

    motion = MotionFactory(source=SourceFactory())
    with pytest.raises(IntegrityError):
        Motion.objects.filter(pk=motion.pk).update(anchor="exact", quote_start=5, quote_end=2)


def test_a_changed_seed_text_anchors_peoples_quotes_again_or_lets_them_go(essay, member):
    kept = _post(member, essay, "Trenin infers from these responses")
    gone = _post(member, essay, "I do not contest Trenin’s proposition")
    text = sources.text_of(essay)
    sources.replace_text(essay, "A new first paragraph.\n\n" + text.replace("I do not contest", ""))
    kept.refresh_from_db()
    gone.refresh_from_db()
    new_text = sources.text_of(essay)
    assert new_text[kept.quote_start : kept.quote_end] == kept.quote
    assert kept.quote_start == text.index(kept.quote) + len("A new first paragraph.\n\n")
    assert (gone.anchor, gone.quote_start) == ("", None)


def test_a_quote_cited_by_the_address_of_a_source_crux_holds_is_checked_against_its_text():
    """Typing the essay's web address in the reply form instead of quoting from its reader:
    the quote must still be in the text, and the argument cites the source Crux holds. A text a
    member pasted under an address binds nobody else's citations of it."""
    member = verified_user()
    text = "Russia chose not to intervene.\n\nThe war ended in forty-four days."
    essay = SourceFactory(title="The essay", url="https://example.org/essay")
    SourceText.objects.create(source=essay, text=text)
    planted = sources.add_source(
        adder=verified_user(),
        title="Not the paper",
        text="Words nobody printed.",
        url="https://example.org/paper",
    )
    motion = MotionFactory()

    def post(quote, claim, url="https://example.org/essay"):
        return services.post_argument(
            author=member,
            motion=motion,
            parent=None,
            stance="pro",
            claim=claim,
            source_url=url,
            quote=quote,
        )[0]

    with pytest.raises(DebateRuleError) as refused:
        post("A sentence the essay never says.", "Made up.")
    assert (refused.value.status, refused.value.field) == (422, "quote")
    cited = post("The war ended in forty-four days.", "Quoted.")
    assert cited.source == essay
    assert text[cited.quote_start : cited.quote_end] == "The war ended in forty-four days."
    assert post("", "Cited without a quote.").source == essay
    assert Source.objects.filter(url="https://example.org/essay").count() == 1
    elsewhere = post("What the paper printed.", "From the paper.", url="https://example.org/paper")
    assert elsewhere.source != planted and not elsewhere.anchor
