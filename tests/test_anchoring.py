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
