"""debates.anchoring: where a quote stands in its source's text (issue 20)."""

# The texts quoted are typeset: curly quotes are what they test.
# ruff: noqa: RUF001

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debates import anchoring
from debates.anchoring import EXACT, FUZZY, QuoteNotFound, anchor

TEXT = (
    "Trenin infers from these responses that Russia’s policies continue to be shaped by Putin.\n\n"
    "The war — as I argued in early October — could have been avoided. It could have been avoided "
    "if only Putin had employed some of the leverage that Russia has.\n\n"
    "Contrary to Trenin’s claim, it is the name, not ‘the idea […] behind the former Soviet Union "
    "[that] is disappearing.’"
)


def test_a_verbatim_quote_gets_its_exact_offsets():
    quote = "could have been avoided if only Putin"
    found = anchor(TEXT, quote)
    assert found.status == EXACT and found.score == 1.0
    assert TEXT[found.start : found.end] == quote == found.exact
    assert found.start == TEXT.index(quote)
    assert found.prefix == TEXT[found.start - 32 : found.start]
    assert found.suffix == TEXT[found.end : found.end + 32]


def test_a_repeated_phrase_is_told_apart_by_its_prefix_and_suffix():
    first, second = (i for i in range(len(TEXT)) if TEXT.startswith("could have been avoided", i))
    found = anchor(TEXT, "could have been avoided", prefix="avoided. It ", suffix=" if only")
    assert found.start == second
    found = anchor(TEXT, "could have been avoided", prefix="October — ", suffix=". It could")
    assert found.start == first
    assert anchor(TEXT, "could have been avoided").start == first
    assert anchor(TEXT, "could have been avoided", near=second + 3).start == second


def test_three_changed_characters_anchor_fuzzy_with_a_score_of_at_least_0_9():
    typed = "Trenin infers frum these responses thet Russia’s policies continue tu be shaped"
    found = anchor(TEXT, typed)
    assert found.status == FUZZY
    assert found.score >= 0.9
    assert found.exact.startswith("Trenin infers from these responses that Russia")
    assert found.start == 0


def test_a_quote_not_in_the_text_is_refused():
    with pytest.raises(QuoteNotFound):
        anchor(TEXT, "Russia has decided to leave its neighbours to their own devices")
    with pytest.raises(QuoteNotFound):
        anchor(TEXT, "   ")


def test_straight_quotes_dashes_and_spacing_anchor_to_the_curly_original():
    found = anchor(TEXT, "Contrary to Trenin's claim,   it is the name, not 'the idea")
    assert found.status == FUZZY and found.score > 0.9
    assert found.exact == "Contrary to Trenin’s claim, it is the name, not ‘the idea"
    found = anchor(TEXT, "The war - as I argued in early October - could")
    assert found.exact == "The war — as I argued in early October — could"


@pytest.mark.parametrize("gap", ["…", "...", "[…]", "[...]", " … "])
def test_an_ellipsis_is_a_gap_in_the_quote(gap):
    found = anchor(TEXT, f"Trenin infers from these responses{gap}shaped by Putin.")
    assert found.status == FUZZY
    assert found.exact == TEXT[: TEXT.index("Putin.") + len("Putin.")]
    assert found.score == 1.0


def test_a_quote_across_paragraphs_folds_their_line_breaks():
    found = anchor(TEXT, "shaped by Putin. The war")
    assert found.exact == "shaped by Putin.\n\nThe war"


def test_the_texts_own_elision_is_found_verbatim():
    found = anchor(TEXT, "‘the idea […] behind the former Soviet Union [that] is disappearing.’")
    assert found.status == EXACT


def test_selectors_are_w3c_web_annotation_selectors():
    found = anchor(TEXT, "the name")
    quote, position = found.selectors()
    assert quote == {
        "type": "TextQuoteSelector",
        "exact": "the name",
        "prefix": found.prefix,
        "suffix": found.suffix,
    }
    assert position == {"type": "TextPositionSelector", "start": found.start, "end": found.end}


def test_a_passage_out_of_the_text_is_refused():
    with pytest.raises(QuoteNotFound):
        anchoring.anchor_at(TEXT, 10, 5)
    with pytest.raises(QuoteNotFound):
        anchoring.anchor_at(TEXT, 0, len(TEXT) + 1)


def _folded_char_by_char(text):
    """The folding spelt out one character at a time: what anchoring's faster fold must equal."""
    chars, origins = [], []
    for i, char in enumerate(text.translate(str.maketrans(anchoring._FOLDED))):
        if char.isspace():
            if chars and chars[-1] == " ":
                continue
            char = " "
        chars.append(char)
        origins.append(i)
    return "".join(chars), origins


@settings(max_examples=300, derandomize=True)
@given(st.text(alphabet=" \n\t\u00a0\u2003ab’“—-.…", max_size=40))
def test_the_fold_maps_every_character_back_to_where_it_came_from(text):
    folded = anchoring._Folded(text)
    expected, origins = _folded_char_by_char(text)
    assert folded.text == expected
    assert [folded.span(i, i + 1)[0] for i in range(len(expected))] == origins


def test_a_quote_in_a_200000_character_text_is_found_quickly():
    import time

    text = (TEXT + "\n\n") * (200_000 // len(TEXT))
    typed = "Contrary to Trenin's claim, it is the name, not 'the idee"
    started = time.perf_counter()
    found = anchor(text, typed)
    assert found.status == FUZZY
    assert time.perf_counter() - started < 1.0


def test_a_gapped_quote_whose_later_pieces_are_missing_is_refused_quickly():
    import time

    text = ("e " * 100 + "\n\n") * 1000  # 200,000 characters, the first piece everywhere
    started = time.perf_counter()
    with pytest.raises(QuoteNotFound):
        anchor(text, "e … ex")
    assert time.perf_counter() - started < 2.0


# --- A quote with gaps: whole words, in order, one passage --------------------------------------

ESSAY = (
    "Putin did not believe the war could be won so quickly, wondering aloud about it. "
    "I don't think Russia lost. Inflation reached 3.5 percent, and 1,600 people left."
)


@pytest.mark.parametrize(
    "stitched",
    [
        "Putin … lie",  # "lie" only within "believe"
        "Russia … won",  # "won" only within "wondering"
        "Put … won",  # a piece ending within "Putin"
        "I don … think",  # the "'t" of "don't" left out
        "Inflation reached 3 … percent",  # the ".5" of "3.5" left out
        "and 1 … people",  # the ",600" of "1,600" left out
        "Russia … Putin",  # out of order
        ". … .",  # no words at all
        "Putin … ,",
        "“ … ”",
    ],
)
def test_a_piece_of_a_gapped_quote_must_be_whole_words_in_order(stitched):
    with pytest.raises(QuoteNotFound):
        anchor(ESSAY, stitched, as_written=True)


@pytest.mark.parametrize(
    "quote",
    [
        "Putin … believe",
        "Putin did not believe the war could be won … wondering aloud",
        "I don't … Russia lost.",
        "Inflation reached 3.5 … and 1,600",
        # Pieces beginning and ending with punctuation: the punctuation is the word's edge.
        "won so quickly, … (about it.",
        "the war … won",
    ],
)
def test_a_gapped_quote_of_whole_words_in_order_anchors(quote):
    found = anchor(ESSAY, quote.replace("(", ""), as_written=True)
    assert found.status == FUZZY
    words = quote.replace("(", "").split(" … ")
    assert found.exact.startswith(words[0]) and found.exact.endswith(words[-1])


@pytest.mark.parametrize(
    ("text", "quote", "found"),
    [
        # Cyrillic: "лож" is within "обложка".
        ("Путин держит обложка в руках.", "Путин … лож", False),
        ("Путин держит обложка в руках.", "Путин … обложка", True),
        # Devanagari: a piece ending before a vowel sign or virama ends within a letter.
        ("नमस्ते दुनिया और भारत", "नमस … भारत", False),
        ("नमस्ते दुनिया और भारत", "नमस्ते … भारत", True),
        # Chinese, written without spaces: each ideograph is a word's edge.
        ("普京说俄罗斯不会离开它的盟友。", "普京 … 离开", True),
        # A letter with a combining accent (NFD, as a PDF gives it) is one letter.
        ("Cafe\u0301 society and more", "Cafe … more", False),
    ],
)
def test_word_edges_hold_in_any_script(text, quote, found):
    if found:
        assert anchor(text, quote, as_written=True).status == FUZZY
    else:
        with pytest.raises(QuoteNotFound):
            anchor(text, quote, as_written=True)


def test_a_gapped_quote_stays_within_one_passage_of_the_longest_a_quote_may_be():
    filler = "and so on " * 120  # 1,200 characters
    text = f"Alpha was first, {filler}then omega came. Alpha again, {filler[:600]}and omega."
    found = anchor(text, "Alpha … omega", as_written=True)
    # The first Alpha's omega is too far: the second Alpha's is found, not refused.
    assert found.start == text.index("Alpha again")
    assert found.end - found.start <= anchoring.GAPPED_SPAN_MAX_LENGTH
    with pytest.raises(anchoring.QuoteTooSpread):
        anchor(text, "Alpha was first … omega came", as_written=True)
    # A seeded or restored quote, which may be a few characters off, is held to it too.
    with pytest.raises(anchoring.QuoteTooSpread):
        anchor(text, "Alpha was first … omega came")


def test_the_gap_span_is_the_longest_quote_a_form_takes():
    from debates.models import QUOTE_MAX_LENGTH

    assert anchoring.GAPPED_SPAN_MAX_LENGTH == QUOTE_MAX_LENGTH


def test_a_gapped_quote_whose_last_piece_is_only_far_away_is_refused_quickly():
    import time

    # 200,000 characters, the first piece everywhere, the last 1,200 characters after it.
    text = ("e " * 100 + "\n\n") * 1000 + "g " * 600 + "f"
    started = time.perf_counter()
    with pytest.raises(anchoring.QuoteTooSpread):
        anchor(text, "e … f", as_written=True)
    assert anchor(text, "g … f").end == len(text)
    assert time.perf_counter() - started < 2.0


# --- A quote in quotation marks ------------------------------------------------------------------


@pytest.mark.parametrize(
    "marks",
    ["“”", '""', "«»", "‘’", "„“", "„”", "»«", "「」", "『』", "‹›", "”"],
)
def test_one_pair_of_quotation_marks_around_a_quote_is_typography(marks):
    opening, closing = marks[0], marks[-1]
    quote = "could have been avoided if only Putin"
    found = anchor(TEXT, f"{opening}{quote}{closing}", as_written=True)
    # The quote as stored has the marks the text has not: typography, so fuzzy, as "Trenin's".
    assert (found.status, found.exact) == (FUZZY, quote) and found.score >= 0.9
    found = anchor(TEXT, f"{opening}could have been avoided if … Putin{closing}", as_written=True)
    assert found.exact == quote


def test_quotation_marks_the_source_has_there_are_kept_in_the_passage():
    text = "He said “Putin is the sole decision-maker” and left. Putin is the sole decision-maker."
    found = anchor(text, "“Putin is the sole decision-maker”", as_written=True)
    assert (found.exact, found.start, found.status) == (text[8:42], 8, EXACT)
    found = anchor(text, '"Putin is the sole … decision-maker"', as_written=True)
    assert found.exact == "“Putin is the sole decision-maker”"


@pytest.mark.parametrize(
    "typed",
    [
        "“could have been avoided if only Putin»",  # not a pair
        "“could have been avoided if only Putin",  # one mark, not a pair
        "““could have been avoided if only Putin””",  # one pair only
    ],
)
def test_only_one_matching_pair_of_quotation_marks_is_left_aside(typed):
    with pytest.raises(QuoteNotFound):
        anchor(TEXT, typed, as_written=True)


def test_the_words_nearest_a_refused_quote_in_quotation_marks_are_the_sources_own():
    near = anchoring.nearest(TEXT, "“Putin had employed some of the leverage that Russia had”")
    # Up to the last word's last letter: the source's stop is no difference from the quote.
    assert near.exact == "Putin had employed some of the leverage that Russia has"


# --- A verbatim quote is whole words too ---------------------------------------------------------


@pytest.mark.parametrize(
    "quote",
    [
        "agree with Trenin’s proposition",  # the end of "disagree"
        "lie",  # within "believe"
        "ussia lost",
        "I don",  # the "'t" of "don't" left out
        "Inflation reached 3",  # the ".5" of "3.5" left out
        "“agree with Trenin’s proposition”",
    ],
)
def test_a_verbatim_quote_from_within_a_word_is_refused_as_written(quote):
    text = ESSAY + " However, I disagree with Trenin’s proposition."
    with pytest.raises(QuoteNotFound):
        anchor(text, quote, as_written=True)
    # A seeded or restored quote keeps the leniency it had.
    assert anchor(text, quote).exact in quote


def test_a_verbatim_quote_of_whole_words_anchors_exactly_beside_a_word_within():
    text = "I disagree with him. I agree with him."
    found = anchor(text, "agree with him", as_written=True)
    assert (found.status, found.start) == (EXACT, text.index("I agree") + 2)
    assert anchor(text, "agree with him.", as_written=True).status == EXACT


@pytest.mark.parametrize("quote", ["…", "[…]", "...", "[ ... ]", "“…”", " - "])
def test_a_quote_without_a_letter_or_digit_is_refused(quote):
    text = "He wrote … and – then [...] left."
    for as_written in (True, False):
        with pytest.raises(anchoring.QuoteWithoutWords):
            anchor(text, quote, as_written=as_written)
