"""A member's import is theirs: they are the author of every claim it makes (a name in the file
stays an attribution, shown beside who posted it), its texts are cleaned and bounded as what they
type is, and a refused import does not use up their limit."""

import html
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from accounts.services import normalise_display_name
from debates import moderation, services
from debates.interchange.importing import import_text
from debates.models import (
    CLAIM_MAX_LENGTH,
    DETAILS_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    Argument,
    Motion,
)
from debates.transfer import ImportRefused, export_debate, import_debate
from tests.factories import ArgumentFactory, MotionFactory, small_export

pytestmark = pytest.mark.django_db

URL = "/motions/import/"
# A name nobody has: what a file may put in `by`.
QUOTED = "Zora Quill"
ARGDOWN = f"""[Tea]: Tea is best. {{by: "{QUOTED}"}}
  + [Warm]: It is warm. {{by: "{QUOTED}"}}
    - [Cold]: Iced tea exists.
"""
KIALO = "Discussion Title: Tea?\n\n1. Tea is best.\n1.1. Pro: It is warm.\n1.1.1. Con: Iced.\n"


def refusals(response):
    found = re.findall(r'class="field__error" role="alert">([^<]*)<', response.content.decode())
    return [html.unescape(message) for message in found]


def over(limit, extra=2500):
    return f"{limit + extra:,} characters; keep it to {limit:,}."


def imported(client, member, text, format="argdown", how="text"):
    client.force_login(member)
    if how == "file":
        text = SimpleUploadedFile("debate.txt", text.encode(), content_type="text/plain")
    response = client.post(URL, {"format": format, how: text})
    assert response.status_code == 303, refusals(response)
    return Motion.objects.get()


# --- Whose claims they are ---------------------------------------------------------------------


@pytest.mark.parametrize(("format", "text"), [("argdown", ARGDOWN), ("kialo", KIALO)])
def test_every_claim_a_member_imports_is_theirs(client, member, format, text):
    motion = imported(client, member, text, format)
    arguments = Argument.objects.filter(motion=motion)
    assert arguments.count() == 2
    assert {argument.author for argument in arguments} == {motion.author} == {member}


def test_a_name_in_the_file_stays_an_attribution_beside_the_importer(client, member):
    motion = imported(client, member, ARGDOWN)
    warm = Argument.objects.get(motion=motion, claim="It is warm.")
    assert (motion.attribution, warm.attribution, warm.author) == (QUOTED, QUOTED, member)
    page = client.get(motion.get_absolute_url()).content.decode()
    posted_by = f'<a href="{member.get_absolute_url()}"><bdi>{member.display_name}</bdi></a>'
    assert (
        f'<!--r:by-{warm.pk}--><span class="argument__by"><bdi>{QUOTED}</bdi> '
        f'<span class="muted">(posted by {posted_by})</span></span><!--/r-->'
    ) in page
    assert (
        f'<p class="motion__held-by">Held by <strong><bdi>{QUOTED}</bdi></strong> '
        f'<span class="muted">(posted by {posted_by})</span></p>'
    ) in page
    # Read by someone else, from the shared tree, it says the same.
    client.logout()
    assert (
        f'<bdi>{QUOTED}</bdi> <span class="muted">(posted by {posted_by})</span>'
        in client.get(motion.get_absolute_url()).content.decode()
    )


def test_a_byline_names_who_posted_what_it_attributes(client, author):
    motion = MotionFactory(author=author, attribution=QUOTED)
    argument = ArgumentFactory(motion=motion, author=author, attribution="Ann Other")
    page = client.get(motion.get_absolute_url()).content.decode()
    posted_by = f'<a href="{author.get_absolute_url()}"><bdi>{author.display_name}</bdi></a>'
    assert f'<bdi>Ann Other</bdi> <span class="muted">(posted by {posted_by})</span>' in page
    assert (
        f'<strong><bdi>{QUOTED}</bdi></strong> <span class="muted">(posted by {posted_by})</span>'
        in page
    )
    argument_page = client.get(argument.get_absolute_url())
    assert f'<bdi>Ann Other</bdi> <span class="muted">(posted by {posted_by})</span>' in (
        argument_page.content.decode()
    )


def test_a_byline_naming_its_own_poster_names_her_once(client, author):
    """An import whose file names the importer herself: no "Ann (posted by Ann)"."""
    motion = MotionFactory(author=author, attribution=author.display_name.upper())
    ArgumentFactory(motion=motion, author=author, attribution=author.display_name)
    page = client.get(motion.get_absolute_url()).content.decode()
    assert "posted by" not in page
    assert f'<a href="{author.get_absolute_url()}"><bdi>{author.display_name}</bdi></a>' in page


def test_bylines_of_only_an_author_or_only_an_attribution_are_as_they_were(client, seeded):
    """A claim no member posted says whom it is attributed to (the seed's: its words are Crux's
    summary of their view); a member's own claim names her."""
    motion = Motion.objects.get(slug="strategic-solitude")
    quoted = Argument.objects.filter(motion=motion, author=None).exclude(attribution="").first()
    written = ArgumentFactory(motion=motion)
    page = client.get(motion.get_absolute_url()).content.decode()
    assert (
        '<p class="motion__held-by">Attributed to <strong><bdi>Dmitri Trenin</bdi></strong></p>'
        in page
    )
    attributed = html.escape(quoted.attribution)
    assert f'<span class="argument__by">Attributed to <bdi>{attributed}</bdi></span>' in page
    assert (
        f'<span class="argument__by"><a href="{written.author.get_absolute_url()}">'
        f"<bdi>{written.author.display_name}</bdi></a></span>"
    ) in page
    assert "posted by" not in page


def test_the_importer_may_edit_and_retract_what_they_imported(client, member):
    motion = imported(client, member, ARGDOWN)
    warm = Argument.objects.get(motion=motion, claim="It is warm.")
    services.edit_argument(editor=member, argument=warm, claim="It is warm, and kind.")
    cold = Argument.objects.get(motion=motion, claim="Iced tea exists.")
    assert services.retract_argument(author=member, argument=cold).visibility == "retracted"
    warm.refresh_from_db()
    assert (warm.claim, warm.attribution) == ("It is warm, and kind.", QUOTED)


def test_a_moderator_may_hide_an_imported_claim_and_suspend_its_importer(client, member, moderator):
    motion = imported(client, member, ARGDOWN)
    warm = Argument.objects.get(motion=motion, claim="It is warm.")
    moderation.hide_and_suspend_author(moderator=moderator, claim=warm, reason="Impersonation")
    warm.refresh_from_db()
    member.refresh_from_db()
    assert warm.is_hidden and member.is_suspended


def test_a_name_in_a_members_file_reserves_nobody_elses_name(client, member):
    imported(client, member, ARGDOWN)
    assert normalise_display_name(QUOTED) == QUOTED


def test_an_import_without_a_member_is_nobodys_as_before():
    motion, _, _ = import_text(text=ARGDOWN, format="argdown")
    warm = Argument.objects.get(motion=motion, claim="It is warm.")
    assert (motion.author, warm.author, warm.attribution) == (None, None, QUOTED)


# --- Texts over their limits ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[T]: Tea.\n  + [W]: Warm. {details: " + "d" * (DETAILS_MAX_LENGTH + 2500) + "}",
            f"Line 2: the details of [W] has {over(DETAILS_MAX_LENGTH)}",
        ),
        (
            "[T]: Tea.\n  + [W]: Warm. {quote: " + "q" * (QUOTE_MAX_LENGTH + 2500) + "}",
            f"Line 2: the 'quote' of [W] has {over(QUOTE_MAX_LENGTH)}",
        ),
        (
            "[T]: Tea. {context: " + "c" * (DETAILS_MAX_LENGTH + 2500) + "}",
            f"Line 1: the context of [T] has {over(DETAILS_MAX_LENGTH)}",
        ),
        (
            "[T]: Tea. {quote: " + "q" * (QUOTE_MAX_LENGTH + 2500) + "}",
            f"Line 1: the 'quote' of [T] has {over(QUOTE_MAX_LENGTH)}",
        ),
    ],
)
def test_argdown_details_quote_or_context_over_the_limit_is_refused_naming_its_line(
    client, member, text, message
):
    client.force_login(member)
    response = client.post(URL, {"format": "argdown", "text": text})
    assert response.status_code == 422
    assert refusals(response) == [f"Not imported: {message}"]
    assert text in html.unescape(response.content.decode())  # nothing typed is lost
    assert not Motion.objects.exists()


def test_a_kialo_claim_too_long_even_for_details_is_refused_naming_its_line(client, member):
    long = "k" * (DETAILS_MAX_LENGTH + 2500)
    client.force_login(member)
    response = client.post(URL, {"format": "kialo", "text": f"1. Tea.\n1.1. Pro: {long}\n"})
    assert response.status_code == 422
    assert refusals(response) == [f"Not imported: Line 2: the claim has {over(DETAILS_MAX_LENGTH)}"]
    assert not Motion.objects.exists()


def test_a_kialo_link_to_a_claim_longer_than_a_claim_is_it_shortened():
    long = "k" * (QUOTE_MAX_LENGTH + 2500)
    text = f"1. Tea.\n1.1. Pro: {long}\n1.2. Con: -> See 1.1.\n"
    motion, _, warnings = import_text(text=text, format="kialo")
    link = Argument.objects.get(motion=motion, stance="con")
    assert (link.claim, link.quote) == (long[: CLAIM_MAX_LENGTH - 1] + "…", "")
    assert link.details.startswith("The same claim as [this argument](")
    assert (
        f"Line 3: the claim it links to has {QUOTE_MAX_LENGTH + 2500:,} characters, more than a "
        f"claim keeps ({CLAIM_MAX_LENGTH:,}): shortened; the link leads to it whole."
    ) in warnings


def crux_json(*, change):
    data = small_export()
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["arguments"][0].update(details="d" * (DETAILS_MAX_LENGTH + 2500)),
            f"The details of argument a1 has {over(DETAILS_MAX_LENGTH)}",
        ),
        (
            lambda d: d["arguments"][0].update(quote="q" * (QUOTE_MAX_LENGTH + 2500)),
            f"The quote of argument a1 has {over(QUOTE_MAX_LENGTH)}",
        ),
        (
            lambda d: d["motion"].update(quote="q" * (QUOTE_MAX_LENGTH + 2500)),
            f"The quote of the motion has {over(QUOTE_MAX_LENGTH)}",
        ),
        (
            lambda d: d["motion"].update(context="c" * (DETAILS_MAX_LENGTH + 2500)),
            f"The context of the motion has {over(DETAILS_MAX_LENGTH)}",
        ),
        (
            lambda d: d["arguments"][0].update(
                revisions=[
                    {
                        "claim": "Before.",
                        "details": "d" * (DETAILS_MAX_LENGTH + 2500),
                        "written_at": "2024-01-01T00:00:00Z",
                    }
                ]
            ),
            f"The details of revision 1 of argument a1 has {over(DETAILS_MAX_LENGTH)}",
        ),
    ],
)
def test_a_json_import_over_a_text_limit_is_refused(change, message):
    with pytest.raises(ImportRefused) as refused:
        import_debate(crux_json(change=change))
    assert str(refused.value) == message
    assert not Motion.objects.exists()


def test_texts_at_their_limits_still_import():
    def full(data):
        data["motion"]["context"] = "c" * DETAILS_MAX_LENGTH
        data["arguments"][0].update(details="d" * DETAILS_MAX_LENGTH, quote="q" * QUOTE_MAX_LENGTH)

    motion, _ = import_debate(crux_json(change=full))
    assert len(Argument.objects.get(motion=motion).details) == DETAILS_MAX_LENGTH


# --- NUL and bidirectional controls ------------------------------------------------------------


@pytest.mark.parametrize("how", ["text", "file"])
def test_a_nul_in_argdown_data_is_dropped_as_from_what_members_type(client, member, how):
    # The YAML reader decodes the escape: the file itself has no NUL in it.
    text = (
        '[M]: The motion claim {by: "x\\u0000y", title: "T\\u0000ea", context: "c\\u0000d"}\n'
        '  + [W]: Warm. {claim: "It is\\u0000 warm.", source: "A\\u0000 book", '
        'quote: "q\\u0000r", details: "e\\u0000f"}\n'
    )
    motion = imported(client, member, text, how=how)
    warm = Argument.objects.get(motion=motion)
    assert (motion.title, motion.attribution, motion.context) == ("T ea", "x y", "cd")
    assert (warm.claim, warm.source.title, warm.quote, warm.details) == (
        "It is warm.",
        "A book",
        "qr",
        "ef",
    )


@pytest.mark.parametrize("how", ["text", "file"])
def test_a_nul_in_by_as_the_reviewer_sent_it_imports(client, member, how):
    motion = imported(client, member, '[M]: The motion claim {by: "x\\u0000y"}', how=how)
    assert motion.attribution == "x y"


def test_a_raw_nul_or_bidi_control_in_an_uploaded_argdown_file_is_dropped(client, member):
    text = "[M]: Tea\x00 is best.\n  + [W]: \u202eWarm. {by: Ann\u2066}\n    _ [U]: un\x00dercut\n"
    motion = imported(client, member, text, how="file")
    warm = Argument.objects.get(motion=motion)
    assert (motion.claim, warm.claim, warm.attribution) == ("Tea is best.", "Warm.", "Ann")
    assert "\x00" not in warm.details and "undercut" in warm.details


def test_a_raw_nul_in_pasted_text_is_refused_once_for_what_it_is(client, member):
    client.force_login(member)
    response = client.post(URL, {"format": "argdown", "text": "[M]: Tea\x00 is best.\n"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Null characters are not allowed" in html
    assert "Choose a file or paste the text" not in html


def test_a_statement_of_nothing_printable_is_refused_naming_its_line(client, member):
    client.force_login(member)
    text = '[M]: Tea.\n  + [W]: Warm. {claim: "\\u0000\\u200b"}\n'
    response = client.post(URL, {"format": "argdown", "text": text})
    assert response.status_code == 422
    assert refusals(response) == ["Not imported: Line 2: this statement has no text."]


def test_a_nul_in_an_uploaded_kialo_file_is_dropped(client, member):
    text = "Discussion Title: Te\x00a?\n\n1. Tea\x00 is best.\n1.1. Pro: It is\u202e warm.\n"
    motion = imported(client, member, text, format="kialo", how="file")
    assert (motion.title, motion.claim) == ("Te a?", "Tea is best.")
    assert Argument.objects.get(motion=motion).claim == "It is warm."


def test_a_nul_in_argdown_imported_without_a_member_is_dropped_and_the_rest_kept():
    text = '[M]: Tea. {by: "x\\u0000y"}\n  + [W]: Warm. {quote: "two  spaces\\u0000"}\n'
    motion, _, _ = import_text(text=text, format="argdown")
    assert motion.attribution == "xy"
    assert Argument.objects.get(motion=motion).quote == "two  spaces"


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (
            lambda d: d["arguments"][0].update(attribution="x\x00y"),
            "arguments/0/attribution: the attribution of argument a1",
        ),
        (lambda d: d["motion"].update(quote="q\x00"), "motion/quote: the quote of the motion"),
        (
            lambda d: d["arguments"][0].update(figures={"rows": [["a\x00", 1]]}),
            "arguments/0/figures/rows/0/0: the figures of argument a1",
        ),
        (
            lambda d: d.update(sources={"s1": {"title": "A book", "author": "A\x00"}}),
            "sources/s1/author: the author of source s1",
        ),
        (
            lambda d: d["arguments"][0].update(seed_key="\x00"),
            "arguments/0/seed_key: the seed key of argument a1",
        ),
        (
            lambda d: d["motion"].update(lock_reason="\x00"),
            "motion/lock_reason: the lock reason of the motion",
        ),
    ],
)
def test_a_nul_in_crux_json_is_refused_naming_where(change, where):
    with pytest.raises(ImportRefused) as refused:
        import_debate(crux_json(change=change))
    assert str(refused.value) == (
        f"Not a valid Crux debate export at {where} holds '\\x00', which the format does not allow."
    )
    assert not Motion.objects.exists()


def test_the_command_refuses_a_nul_in_crux_json_in_words(tmp_path):
    path = tmp_path / "tea.json"
    data = crux_json(change=lambda d: d["arguments"][0].update(attribution="x\x00y"))
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match=r"holds '\\x00', which the format does not allow"):
        call_command("import_debate", str(path), stdout=io.StringIO())


# --- The command reads what Notepad saves ------------------------------------------------------


def test_the_command_imports_a_json_export_saved_with_a_byte_order_mark(tmp_path):
    motion = MotionFactory(slug="tea", title="Tea")
    ArgumentFactory(motion=motion, claim="It is warm.")
    path = tmp_path / "tea.json"
    path.write_text(json.dumps(export_debate(motion)), encoding="utf-8-sig")
    out = io.StringIO()
    call_command("import_debate", str(path), "--slug", "tea-again", stdout=out)
    assert "Imported 'tea-again': 1 arguments" in out.getvalue()


# --- The limit on proposing counts imports made, not refused ------------------------------------


def test_a_refused_import_does_not_use_up_the_limit(client, member, settings):
    settings.CRUX_RATE_LIMITS = {"motion": "1/h/user"}
    client.force_login(member)
    for _ in range(2):
        refused = client.post(URL, {"format": "argdown", "text": "  + [b]: orphan"})
        assert refused.status_code == 422
    assert client.post(URL, {"format": "argdown", "text": ARGDOWN}).status_code == 303
    assert client.post(URL, {"format": "argdown", "text": ARGDOWN}).status_code == 429


def test_an_imported_motion_s_address_reads_its_title_in_any_script(member):
    motion, _, _ = import_text(
        text="[Путин решает всё]: Москва решает.\n", format="argdown", author=member
    )
    assert motion.slug == "putin-resaet-vse"
