"""Imports the review found wanting: a number too long to read, an argument's ref given twice,
a citation of a source the file does not have, a Kialo line that begins with a number, and the
same debate imported twice."""

import html
import json

import pytest

from debates import moderation, sources
from debates.interchange.importing import import_text
from debates.interchange.kialo import KialoError, kialo_to_crux
from debates.models import Argument, Motion, Source
from debates.text import WITHHELD
from debates.transfer import ImportRefused, export_debate, import_debate
from tests.factories import ArgumentFactory, MotionFactory, small_export

pytestmark = pytest.mark.django_db
URL = "/motions/import/"


def refused_page(client, member, text, format="json"):
    client.force_login(member)
    response = client.post(URL, {"format": format, "text": text})
    assert response.status_code == 422, response.status_code
    return html.unescape(response.content.decode())


# --- 1. A number too long to read --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("1" * 5000, "Line 1: a number in this file is too long to read (at column 1)."),
        (
            # A string of digits before it is no number: the place is the number's.
            '{"format": "crux-debate", "version": 1,\n "motion": {"title": "'
            + "7" * 5000
            + '", "tallies": {"agree": '
            + "9" * 4301
            + ', "disagree": 0}}}',
            "Line 2: a number in this file is too long to read (at column 5047).",
        ),
        (
            "[-" + "4" * 4400 + "]",
            "Line 1: a number in this file is too long to read (at column 3).",
        ),
    ],
)
def test_a_number_too_long_to_read_is_refused_with_its_place(client, member, text, place):
    with pytest.raises(ImportRefused) as refused:
        import_text(text=text, format="json", author=member)
    assert str(refused.value) == place
    assert f"Not imported: {place}" in refused_page(client, member, text)
    assert not Motion.objects.exists()


# --- 3. An argument given twice -----------------------------------------------------------------


def test_an_argument_ref_given_twice_is_refused_and_nothing_written(client, member):
    data = small_export()
    data["arguments"] += [
        {"ref": "a1", "stance": "con", "claim": "It stains teeth."},
        {"ref": "a3", "parent": "a1", "stance": "con", "claim": "Meant for 'It is warm.'"},
    ]
    with pytest.raises(ImportRefused, match=r"^Argument a1 appears twice in the file\.$"):
        import_debate(data)
    assert "Argument a1 appears twice in the file." in refused_page(
        client, member, json.dumps(data)
    )
    assert not Motion.objects.exists() and not Argument.objects.exists()


# --- 4. A citation of a source the file does not have ------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["arguments"][0].update(source="s9", quote="tea is warm"),
            "Argument a1 cites source s9, which is not among the file's sources.",
        ),
        (
            lambda d: d["motion"].update(source="s2", quote="tea"),
            "The motion cites source s2, which is not among the file's sources.",
        ),
    ],
)
def test_a_citation_of_a_source_not_in_the_file_is_refused(client, member, change, message):
    data = small_export()
    data["sources"] = {"s1": {"title": "A book"}}
    change(data)
    with pytest.raises(ImportRefused) as refused:
        import_debate(data)
    assert str(refused.value) == message
    assert message in refused_page(client, member, json.dumps(data))
    assert not Motion.objects.exists() and not Source.objects.exists()


def test_a_withheld_source_s_citations_still_keep_their_quotes(author, moderator):
    motion = MotionFactory(author=author, slug="tea", title="Tea")
    source = Source.objects.create(title="A secret book", url="https://example.org/book")
    ArgumentFactory(motion=motion, author=author, source=source, quote="Tea is warm.")
    sources.hide_source(moderator=moderator, source=source, reason="Doxxing.")
    public = export_debate(motion, public=True)
    assert [s["title"] for s in public["sources"].values()] == [WITHHELD["hidden"]]
    copy, _ = import_debate(public, slug="tea-copy")
    argument = Argument.objects.get(motion=copy)
    assert (argument.source, argument.quote) == (None, "Tea is warm.")


# --- 9. A Kialo line that begins with a number ----------------------------------------------------


def test_a_kialo_line_beginning_with_a_number_continues_the_claim_above():
    text = (
        "Discussion Title: Was 2020 bad?\n\n1. 2020 was bad.\n1.1. Pro: Many things went wrong:\n"
        "2020 was a bad year for travel.\n3 of 4 shops closed.\n1. a list in a claim\n"
        "1.2. Con: Some things went right.\n"
    )
    data, _, _ = kialo_to_crux(text)
    assert [item["claim"] for item in data["arguments"]] == [
        "Many things went wrong: 2020 was a bad year for travel. 3 of 4 shops closed. "
        "1. a list in a claim",
        "Some things went right.",
    ]


def test_a_kialo_line_beginning_with_a_decimal_continues_the_claim_above():
    """Kialo numbers a claim with a dot after it ("1.5."): "1.5 degrees" is words, even where
    1.5 could be the next claim's number."""
    text = (
        "Discussion Title: Climate targets\n\n1. Climate policy must be stricter.\n"
        "1.1. Pro: The Paris agreement names a target:\n1.5 degrees is the limit.\n"
        "1.2. Con: Stricter policy costs too much.\n"
    )
    data, _, _ = kialo_to_crux(text)
    assert [item["claim"] for item in data["arguments"]] == [
        "The Paris agreement names a target: 1.5 degrees is the limit.",
        "Stricter policy costs too much.",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "1. Thesis\n1.1. Pro: A pro.\n2. Pro: beside the thesis\n",
            "Line 3: claim 2. is numbered as a second thesis: a reply is numbered after the "
            "claim it answers, such as 1.1.",
        ),
        (
            "1. Thesis\n1.3.1. Con: an orphan\n",
            "Line 2: claim 1.3.1. comes before the claim 1.3. it answers.",
        ),
        (
            "1. Thesis\n1.1. Maybe: no stance\n",
            "Line 2: claim 1.1. says neither 'Pro:' nor 'Con:'.",
        ),
    ],
)
def test_a_kialo_claim_out_of_sequence_is_refused_in_clear_words(text, message):
    with pytest.raises(KialoError) as refused:
        kialo_to_crux(text)
    assert str(refused.value) == message
    assert "claim ." not in str(refused.value)


# --- 11. The same debate imported twice ---------------------------------------------------------


def test_importing_a_title_again_says_a_motion_has_it_with_a_link(client, member, settings):
    settings.CRUX_RATE_LIMITS = {}
    client.force_login(member)
    text = "[Tea is best]: Tea is best.\n  + [Warm]: It is warm.\n"
    first = client.post(URL, {"format": "argdown", "text": text}, follow=True)
    assert "already exists" not in first.content.decode()
    again = client.post(URL, {"format": "argdown", "text": text.upper()}, follow=True)
    original = Motion.objects.order_by("pk").first()
    assert Motion.objects.count() == 2
    assert (
        f'A motion with this title already exists: <a href="{original.get_absolute_url()}">'
        f"{original.title}</a>"
    ) in again.content.decode()


def test_a_title_only_a_moderator_may_read_is_not_named_to_a_member(member, moderator):
    hidden = MotionFactory(title="Tea is best")
    moderation.hide_motion(moderator=moderator, motion=hidden, reason="Spam.")
    text = "[Tea is best]: Tea is best.\n"
    _, summary, _ = import_text(text=text, format="argdown", author=member)
    assert summary["same_title"] is None
    _, summary, _ = import_text(text=text, format="argdown", author=moderator)
    assert summary["same_title"] == hidden
