import io

import pytest
from django.core.management import CommandError, call_command

from debates.interchange.importing import import_text
from debates.interchange.kialo import KialoError, kialo_to_crux
from debates.models import Argument, Motion
from tests.factories import verified_user

# Written for this test in the shape of Kialo's "plain text" export.
EXPORT = """Discussion Title: Should cities ban cars from their centres?

1. Cities should ban cars from their centres.
1.1. Pro: Fewer cars mean cleaner air.
1.1.1. Con: Electric cars do not pollute the street:
the exhaust is elsewhere.
1.1.2. Pro: Asthma rates fall where traffic falls.
1.2. Con: Shops lose customers who drive in.
1.2.1. Con: -> See 1.1.2.
1.2.2. Pro: Deliveries become harder.
"""


@pytest.mark.django_db
def test_a_kialo_export_becomes_a_motion():
    motion, summary, warnings = import_text(text=EXPORT, format="kialo")
    assert (motion.title, motion.claim) == (
        "Should cities ban cars from their centres?",
        "Cities should ban cars from their centres.",
    )
    assert motion.slug == "should-cities-ban-cars-from-their-centres"
    assert summary["arguments"] == 6 and warnings == []
    args = {a.claim: a for a in Argument.objects.filter(motion=motion)}
    air = args["Fewer cars mean cleaner air."]
    shops = args["Shops lose customers who drive in."]
    assert (air.parent, air.stance, shops.parent, shops.stance) == (None, "pro", None, "con")
    # A claim over two lines is one, as a form keeps it.
    electric = args["Electric cars do not pollute the street: the exhaust is elsewhere."]
    assert (electric.parent, electric.stance) == (air, "con")
    asthma = Argument.objects.get(
        motion=motion, claim="Asthma rates fall where traffic falls.", parent=air
    )
    link = Argument.objects.get(motion=motion, parent=shops, stance="con")
    # The link is the claim it links to, in its words: no quote, for it cites no source.
    assert link.quote == "" and link.claim == asthma.claim
    assert f"/motions/{motion.slug}/arguments/{asthma.pk}/" in link.details_html


@pytest.mark.django_db
def test_a_second_import_takes_a_free_slug_and_the_command_reads_kialo(tmp_path):
    import_text(text=EXPORT, format="kialo")
    path = tmp_path / "kialo.txt"
    path.write_text(EXPORT, encoding="utf-8")
    out = io.StringIO()
    call_command("import_debate", str(path), "--format", "kialo", stdout=out)
    assert "Imported 'should-cities-ban-cars-from-their-centres-2': 6 arguments" in out.getvalue()
    path.write_text("1. Thesis\n1.1. Maybe: no stance\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"Line 2: claim 1\.1\. says neither"):
        call_command("import_debate", str(path), "--format", "kialo")
    assert Motion.objects.count() == 2


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("just words\n", 1),
        ("1.1. Pro: no thesis\n", 1),
        ("1. Thesis\n1.2.1. Pro: orphan\n", 2),
        ("1. Thesis\n1.1. Pro: a\n1.1. Con: again\n", 3),
        ("1. Thesis\n1.1. Pro: -> See 1.9.\n", 2),
        ("\n", 1),
        ("1. \u200b\n1.1. Pro: A pro.\n", 1),
        ("1. Thesis\n1.1. Pro: \u200b\u3164\n", 2),
    ],
)
def test_bad_kialo_is_refused_with_its_line(text, line):
    with pytest.raises(KialoError) as error:
        kialo_to_crux(text)
    assert error.value.line == line


@pytest.mark.django_db
def test_a_title_that_shows_nothing_gives_way_to_the_thesis():
    motion, _, _ = import_text(
        text="Discussion Title: \u200b\u200b\n1. The thesis.\n", format="kialo"
    )
    assert motion.title == "The thesis."


def test_a_line_copied_with_a_direction_mark_before_its_number_is_a_claim_of_its_own():
    text = (
        "Discussion Title: \u200f\u05e9\u05dc\u05d5\u05dd\n\n1. \u05e9\u05dc\u05d5\u05dd.\n"
        "\u200f1.1. Pro: \u05e9\u05dc\u05d5\u05dd \u05e2\u05db\u05e9\u05d9\u05d5\n"
        "\u200e1.2. Con: Not yet.\n"
    )
    data, warnings, _ = kialo_to_crux(text)
    claims = [(item["stance"], item["claim"]) for item in data["arguments"]]
    assert claims == [
        ("pro", "\u05e9\u05dc\u05d5\u05dd \u05e2\u05db\u05e9\u05d9\u05d5"),
        ("con", "Not yet."),
    ]
    assert warnings == []


@pytest.mark.parametrize(
    ("text", "line", "said"),
    [
        ("1. X\n1.1. Pro: -> See 1.1.\n", 2, "the link points to itself."),
        (
            "1. X\n1.2. Pro: -> See 1.3.\n1.3. Con: -> See 1.2.\n",
            2,
            "the link points to claim 1.3., which is itself a link (line 3): point it at a "
            "claim with words.",
        ),
        (
            "1. X\n1.1. Pro: Words.\n1.2. Pro: -> See 1.3.\n1.3. Con: -> See 1.1.\n",
            3,
            "the link points to claim 1.3., which is itself a link (line 4): point it at a "
            "claim with words.",
        ),
    ],
)
@pytest.mark.django_db
def test_a_link_to_itself_or_to_another_link_is_refused_with_its_line(client, text, line, said):
    with pytest.raises(KialoError) as error:
        kialo_to_crux(text)
    assert (error.value.line, str(error.value)) == (line, f"Line {line}: {said}")
    client.force_login(verified_user())
    answer = client.post(
        "/api/v1/motions/import",
        {"format": "kialo", "text": text},
        content_type="application/json",
    )
    assert answer.status_code == 422 and answer.json()["line"] == line
    assert not Motion.objects.exists()
