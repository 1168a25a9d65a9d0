"""What an import takes in: text with a byte-order mark, and fields over their limits, which are
refused in words that name the place and the limit without repeating the text."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from debates.interchange.argdown_export import export_argdown
from debates.interchange.importing import import_text
from debates.models import (
    CLAIM_MAX_LENGTH,
    MODERATION_REASON_MAX_LENGTH,
    SOURCE_TEXT_MAX_LENGTH,
    Argument,
    Motion,
    Source,
)
from debates.transfer import FORMAT, VERSION, ImportRefused, import_debate
from tests.factories import ArgumentFactory, MotionFactory

URL = "/motions/import/"
BOM = "\ufeff"
TITLE_MAX = Motion._meta.get_field("title").max_length
BY_MAX = Argument._meta.get_field("attribution").max_length
SOURCE_MAX = Source._meta.get_field("title").max_length
# A refusal quotes at most a glimpse of what it refuses.
MESSAGE_MAX = 300


def refusals(response):
    found = re.findall(r'class="field__error" role="alert">([^<]*)<', response.content.decode())
    return [html.unescape(message) for message in found]


def over(limit):
    return f"{limit + 2500:,} characters; keep it to {limit:,}."


@pytest.fixture
def exported(author):
    motion = MotionFactory(author=author, slug="tea", title="Tea", claim="Tea is best.")
    ArgumentFactory(motion=motion, author=author, claim="It is warm.")
    return export_argdown(motion)


# --- A byte-order mark -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["file", "text"])
def test_an_argdown_export_saved_with_a_byte_order_mark_imports_as_it_was(
    client, member, exported, how
):
    client.force_login(member)
    if how == "file":
        sent = SimpleUploadedFile("tea.argdown", (BOM + exported).encode(), "text/plain")
    else:
        sent = BOM + exported
    response = client.post(URL, {"format": "argdown", how: sent})
    assert response.status_code == 303, refusals(response)
    motion = Motion.objects.exclude(slug="tea").get()
    assert (motion.title, motion.claim, motion.context) == ("Tea", "Tea is best.", "")
    assert Argument.objects.get(motion=motion).claim == "It is warm."


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["file", "text"])
def test_a_kialo_export_with_a_byte_order_mark_imports(client, member, how):
    client.force_login(member)
    text = BOM + "Discussion Title: Tea?\n\n1. Tea is best.\n1.1. Pro: It is warm.\n"
    sent = SimpleUploadedFile("tea.txt", text.encode(), "text/plain") if how == "file" else text
    response = client.post(URL, {"format": "kialo", how: sent})
    assert response.status_code == 303, refusals(response)
    assert Motion.objects.get().title == "Tea?"


# --- Fields over their limits: Argdown ------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[T]: " + "z" * (CLAIM_MAX_LENGTH + 2500), "Line 1: the claim of [T] has "),
        (
            "[T]: Tea.\n  + [Warm]: " + "z" * (CLAIM_MAX_LENGTH + 2500),
            "Line 2: the claim of [Warm] has ",
        ),
        (
            "[T]: Tea.\n  - [Cold]: It cools. {claim: " + "z" * (CLAIM_MAX_LENGTH + 2500) + "}",
            "Line 2: the claim of [Cold] has ",
        ),
    ],
)
def test_an_argdown_claim_over_the_limit_is_refused_naming_its_line(client, member, text, message):
    client.force_login(member)
    response = client.post(URL, {"format": "argdown", "text": text})
    assert response.status_code == 422
    assert refusals(response) == [f"Not imported: {message}{over(CLAIM_MAX_LENGTH)}"]
    assert text in html.unescape(response.content.decode())  # nothing typed is lost
    assert not Motion.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "limit"), [("by", BY_MAX), ("source", SOURCE_MAX)])
def test_an_argdown_by_or_source_over_the_limit_is_refused_naming_its_line(key, limit):
    text = f"[T]: Tea.\n  + [W]: Warm. {{{key}: {'b' * (limit + 2500)}}}"
    with pytest.raises(ImportRefused) as refused:
        import_text(text=text, format="argdown")
    assert str(refused.value) == f"Line 2: the '{key}' of [W] has {over(limit)}"


@pytest.mark.django_db
def test_argdown_warnings_repeat_only_a_glimpse_of_a_long_line():
    long = "u" * 4000
    text = f"[T]: Tea.\n  + [W]: Warm. {{agree: [{', '.join(['1'] * 500)}]}}\n    _ [U]: {long}"
    motion, _, warnings = import_text(text=text, format="argdown")
    kept, count = warnings
    assert kept.startswith("Line 3: a relation '_' Crux cannot show, kept verbatim in the details")
    assert count == "[W]: agree: [1, 1, 1, 1, 1, ...] is not a count; left out."
    assert len(kept) < MESSAGE_MAX
    assert long in Argument.objects.get(motion=motion).details  # kept whole all the same


# --- Fields over their limits: Kialo --------------------------------------------------------


@pytest.mark.django_db
def test_a_kialo_thesis_over_the_limit_is_shortened_and_kept_whole_in_the_context():
    thesis = "t" * (CLAIM_MAX_LENGTH + 2500)
    motion, _, warnings = import_text(text=f"1. {thesis}\n1.1. Pro: Warm.", format="kialo")
    assert motion.claim == thesis[: CLAIM_MAX_LENGTH - 1] + "…"
    assert motion.context == thesis
    assert warnings == [
        f"Line 1: the claim has {CLAIM_MAX_LENGTH + 2500:,} characters, more than "
        f"{CLAIM_MAX_LENGTH}: shortened, and kept whole in the motion's context."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("format", "layout"),
    [("argdown", "===\ntitle: {}\n===\n[T]: Tea."), ("kialo", "Discussion Title: {}\n1. Tea.")],
)
def test_a_title_over_the_limit_is_shortened_with_a_warning(format, layout):
    title = "y" * (TITLE_MAX + 30)
    motion, _, warnings = import_text(text=layout.format(title), format=format)
    assert motion.title == title[: TITLE_MAX - 1] + "…"
    assert warnings == [f"The title has {TITLE_MAX + 30:,} characters; shortened to {TITLE_MAX}."]


# --- Crux JSON: the schema's and the models' refusals in words ------------------------------


def export(**changes):
    data = {
        "format": FORMAT,
        "version": VERSION,
        "motion": {"slug": "tea", "title": "Tea", "claim": "Tea is best.", "source": "s1"},
        "sources": {"s1": {"title": "A book"}},
        "arguments": [{"ref": "a1", "stance": "pro", "claim": "It is warm."}],
    }
    for change in changes.values():
        change(data)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["motion"].update(claim="z" * (CLAIM_MAX_LENGTH + 2500)),
            f"at motion/claim: the claim of the motion has {over(CLAIM_MAX_LENGTH)}",
        ),
        (
            lambda d: d["arguments"][0].update(claim="z" * (CLAIM_MAX_LENGTH + 2500)),
            f"at arguments/0/claim: the claim of argument a1 has {over(CLAIM_MAX_LENGTH)}",
        ),
        (
            lambda d: d["sources"]["s1"].update(title="z" * (SOURCE_MAX + 2500)),
            f"at sources/s1/title: the title of source s1 has {over(SOURCE_MAX)}",
        ),
        (
            lambda d: d["motion"].update(lock_reason="z" * (MODERATION_REASON_MAX_LENGTH + 2500)),
            f"The lock reason of the motion has {over(MODERATION_REASON_MAX_LENGTH)}",
        ),
        (
            lambda d: d["sources"]["s1"].update(text="z" * (SOURCE_TEXT_MAX_LENGTH + 2500)),
            f"at sources/s1/text: the text of source s1 has {over(SOURCE_TEXT_MAX_LENGTH)}",
        ),
        (
            lambda d: d["sources"]["s1"].update(text=5),
            "the text of source s1 should be null or text, not a whole number.",
        ),
        (lambda d: d["arguments"][0].pop("stance"), "at arguments/0: argument a1 has no stance."),
        (lambda d: d.pop("arguments"), "at the top level: the file has no arguments."),
        (
            lambda d: d["arguments"][0].update(claim=["z" * 5000] * 1000),
            "at arguments/0/claim: the claim of argument a1 should be text, not a list.",
        ),
        (
            lambda d: d["arguments"][0].update(stance="z" * 5000),
            "at arguments/0/stance: the stance of argument a1 is 'zzzz",
        ),
        (lambda d: d["arguments"][0].update(claim="  "), "the claim of argument a1 is blank."),
        (lambda d: d.update(version="z" * 5000), "Export version 'zzzz"),
        (lambda d: d["motion"].update(created_at="z" * 5000), "Not a date and time: 'zzzz"),
    ],
)
def test_a_json_import_is_refused_in_words_without_repeating_a_long_value(change, message):
    with pytest.raises(ImportRefused) as refused:
        import_debate(export(change=change))
    assert message in str(refused.value)
    assert len(str(refused.value)) < MESSAGE_MAX
    assert not Motion.objects.exists()
