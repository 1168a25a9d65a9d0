"""Marks piled on one character ("zalgo") spill over the lines around a claim, a title or a
text: every text a member writes is refused past what a script stacks, by the one rule of its
length (debates.errors.within_limit), with a message beside its field and nothing lost."""

import unicodedata
import uuid

import pytest
from django.urls import reverse

from debates import services
from debates.errors import DebateRuleError
from debates.interchange.importing import import_text
from debates.models import Argument, Motion
from debates.text import MARKS_ON_ONE_MAX, most_marks_on_one
from debates.transfer import ImportRefused
from tests.factories import MotionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def motion():
    return MotionFactory()


ACUTE = "\u0301"
PILED = "Bans" + ACUTE * 250


@pytest.mark.parametrize(
    ("text", "most"),
    [
        ("", 0),
        ("Plain words.", 0),
        ("Tiếng Việt có dấu", 2),  # a vowel with its own mark and a tone mark
        ("בְּרֵאשִׁ֖ית", 3),  # Hebrew: dagesh, a vowel and a cantillation mark on one letter
        ("བསྒྲུབས", 3),  # Tibetan: two subjoined letters and a vowel sign under one
        (PILED, 250),
    ],
)
def test_marks_are_counted_on_each_character(text, most):
    assert most_marks_on_one(text) == most
    # What a script stacks is taken; only a pile is refused.
    assert (most <= MARKS_ON_ONE_MAX) is (text != PILED)


def test_a_piled_claim_is_refused_beside_its_field_and_kept(client, motion, member):
    client.force_login(member)
    response = client.post(
        reverse("reply_motion", args=[motion.slug]),
        {"stance": "pro", "claim": PILED, "submission_key": str(uuid.uuid4())},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "A character in the claim carries 250 accents or marks" in page
    assert f"keep to {MARKS_ON_ONE_MAX} on one." in page
    assert PILED in page  # what she typed comes back
    assert not Argument.objects.filter(author=member).exists()


@pytest.mark.parametrize("field", ["title", "claim", "context"])
def test_a_motion_with_a_piled_text_is_refused(member, field):
    fields = {"title": "Trams", "claim": "Trams beat buses.", "context": ""}
    fields[field] = "Tra" + ACUTE * (MARKS_ON_ONE_MAX + 1) + "ms"
    with pytest.raises(DebateRuleError) as refused:
        services.propose_motion(author=member, **fields)
    assert (refused.value.status, refused.value.field) == (422, field)
    assert not Motion.objects.filter(author=member).exists()


def test_as_many_marks_as_the_rule_takes_are_posted(motion, member):
    claim = "Tra" + ACUTE * MARKS_ON_ONE_MAX + "ms are fine."
    argument, created = services.post_argument(
        author=member, motion=motion, parent=None, stance="pro", claim=claim
    )
    assert created and argument.claim == unicodedata.normalize("NFC", claim)


def test_a_piled_context_is_refused_beside_its_own_field_on_the_page(client, member):
    client.force_login(member)
    piled = "Some" + ACUTE * (MARKS_ON_ONE_MAX + 1) + " background."
    response = client.post(
        reverse("propose_motion"),
        {
            "title": "Trams",
            "claim": "Trams beat buses.",
            "context": piled,
            "submission_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    error = page.index("A character in the context carries 7 accents or marks")
    assert page.index('id="id_context_error"') < error
    assert not Motion.objects.filter(author=member).exists()


@pytest.mark.parametrize(
    "text",
    [
        f"Discussion Title: Trams\n\n1. Trams beat buses.\n1.1. Pro: {PILED}\n",
        f"Discussion Title: Tr{ACUTE * 7}ams\n\n1. Trams beat buses.\n1.1. Pro: Yes.\n",
    ],
    ids=["a claim", "the title"],
)
def test_an_import_with_a_piled_text_is_refused_whole(member, text):
    with pytest.raises(ImportRefused, match="accents or marks"):
        import_text(text=text, format="kialo", author=member)
    assert not Motion.objects.filter(title__startswith="Tr").exists()
