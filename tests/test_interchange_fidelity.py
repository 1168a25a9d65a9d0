"""What an import keeps shows as it was written, every line it leaves out or changes is listed in
the warnings (saying where it went), a motion's own export.json comes back in through the import
page under the same rules as Argdown and Kialo, and the upload form says its limits once."""

import datetime as dt
import html
import json
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from debates import moderation, services, sources
from debates.interchange.argdown_export import export_argdown
from debates.interchange.argdown_import import argdown_to_crux, statement_text
from debates.interchange.importing import UPLOAD_MAX_BYTES, import_text
from debates.interchange.literal import as_written
from debates.interchange.models import ImportedTally
from debates.models import CLAIM_MAX_LENGTH, DETAILS_MAX_LENGTH, Argument, Motion, Source, Vote
from debates.sources import hide_source
from debates.transfer import ImportRefused, export_debate, import_debate
from debates.voting import cast_vote_at
from tests.factories import (
    ArgumentFactory,
    MotionFactory,
    SourceFactory,
    small_export,
    verified_user,
)

pytestmark = pytest.mark.django_db

URL = "/motions/import/"

# The walker's file: Argdown that Crux has no place for, between statements it reads.
ODD = """===
title: Odd argdown features
===

# A heading

[Main]: Remote work makes journalism **better**. #tag1
  + <Argument A>: Fewer commutes mean more reporting time.
  - [Counter]: Newsrooms lose serendipity.
    >< [Contra]: Serendipity is overrated.
  <+ [Support via back arrow]: Editors agree.
  +> [Forward]: This supports something else.
  _ [Undercut]: an undercut

<Argument A>

(1) Commuting takes 1 hour.
(2) Reporting benefits from time.
----
(3) Remote work helps reporting.

[Main]: Remote work makes journalism better, again with a different text.
"""


def refusals(response):
    found = re.findall(r'class="field__error" role="alert">([^<]*)<', response.content.decode())
    return [html.unescape(message) for message in found]


def upload(client, user, text, format, name="debate.txt"):
    client.force_login(user)
    file = SimpleUploadedFile(name, text.encode(), content_type="text/plain")
    return client.post(URL, {"format": format, "file": file}, follow=True)


def warnings_shown(response):
    return [str(message) for message in response.context["messages"]]


# --- Argdown: kept as written, and said where ---------------------------------------------------


def test_what_crux_cannot_show_is_kept_as_written_and_each_warning_says_where():
    motion, _, warnings = import_text(text=ODD, format="argdown")
    counter = Argument.objects.get(motion=motion, claim="Newsrooms lose serendipity.")
    assert motion.claim == "Remote work makes journalism better."
    # Shown as written: a code block, nothing taken for Markdown or dropped as HTML.
    assert "<pre><code" in motion.context_html
    for line in [
        "+ &lt;Argument A&gt;: Fewer commutes mean more reporting time.",
        "\n&lt;Argument A&gt;\n",
        "\n----\n",
        "+&gt; [Forward]: This supports something else.",
        "[Main]: Remote work makes journalism better, again with a different text.",
    ]:
        assert line in motion.context_html
    assert "<hr" not in motion.context_html and "<ul>" not in motion.context_html
    assert "&gt;&lt; [Contra]: Serendipity is overrated." in counter.details_html
    assert "<pre><code" in counter.details_html
    assert [warning.split(", kept")[0] for warning in warnings] == [
        "Line 5: a heading, left out (Crux has no sections): # A heading",
        "Line 7: [Main] is imported as plain text, as Crux's claims are: its tag is left out "
        "(#tag1); its bold and italics are dropped, the words kept.",
        "Line 8: an argument",
        "Line 10: a relation '><' Crux cannot show",
        "Line 12: a relation '+>' Crux cannot show",
        "Line 13: a relation '_' Crux cannot show",
        "Line 15: a further top-level argument",
        "Line 22: [Main] again, in other words",
    ]
    where = [w.split(", kept verbatim in ")[1].split(":")[0] for w in warnings if "verbatim" in w]
    assert where == [
        "the motion's context",
        "the details of [Counter]",
        "the motion's context",
        "the motion's context",
        "the motion's context",
        "the motion's context",
    ]


def test_every_line_of_the_file_is_imported_or_named_in_a_warning():
    data, warnings = argdown_to_crux(ODD)
    named = {int(w.split(":")[0].removeprefix("Line ")) for w in warnings}
    kept = data["motion"]["context"] + "".join(a["details"] for a in data["arguments"])
    claims = {data["motion"]["claim"], *(a["claim"] for a in data["arguments"])}
    for number, line in enumerate(ODD.split("\n")[3:], start=4):
        text = line.strip()
        if not text:
            continue
        inside = text in kept or any(claim in text for claim in claims)
        assert number in named or inside, f"line {number} is neither imported nor warned of"


def test_a_premise_conclusion_structure_ends_where_its_lines_do():
    text = (
        "[M]: Tea.\n\n<A>\n\n(1) p\n(2) q\n----\n(3) c\n\n[Other]: Another.\n[M]\n  + [W]: Warm.\n"
    )
    motion, _, warnings = import_text(text=text, format="argdown")
    # What follows the structure is read again: a new statement warned of, replies attached.
    assert [w.split(":")[0] for w in warnings] == ["Line 3", "Line 10"]
    assert "further top-level statement" in warnings[1]
    assert Argument.objects.get(motion=motion).claim == "Warm."
    assert "(1) p\n(2) q\n----\n(3) c" in motion.context


def test_a_statement_named_again_at_the_top_level_takes_the_replies_below_it():
    text = "[M]: Tea.\n  + [W]: Warm.\n\n[W]\n  - [C]: Not in summer.\n"
    motion, _, warnings = import_text(text=text, format="argdown")
    cold = Argument.objects.get(motion=motion, claim="Not in summer.")
    assert (cold.parent.claim, cold.stance, warnings) == ("Warm.", "con", [])


def test_a_statement_defined_again_in_other_words_is_kept_and_warned_of():
    text = "[M]: Tea.\n  + [W]: Warm.\n  - [P]: Dear.\n    + [W]: Hot, really.\n"
    motion, _, warnings = import_text(text=text, format="argdown")
    dear = Argument.objects.get(motion=motion, claim="Dear.")
    assert warnings == [
        "Line 4: [W] again, in other words, kept verbatim in the details of [P]: "
        "+ [W]: Hot, really."
    ]
    assert "Supports it too: “Warm.” (above)." in dear.details
    assert "+ [W]: Hot, really." in dear.details


def test_a_statement_named_again_with_other_data_is_kept_and_an_argument_is_not_a_statement():
    text = "[M]: Tea.\n  + [W]: Warm.\n[W]: Warm. {by: Ann}\n<W>: An argument named as W.\n"
    motion, _, warnings = import_text(text=text, format="argdown")
    assert [w.split(", kept")[0] for w in warnings] == [
        "Line 3: [W] again, with other data",
        "Line 4: a further top-level argument",
    ]
    assert Argument.objects.get(motion=motion).attribution == ""


def test_the_note_of_a_repeated_statement_shows_its_claim_as_written():
    text = "[M]: Tea.\n  + [W]: \\<b\\> \\*not bold\\*\n  - [P]: Dear.\n    + [W]\n"
    motion, _, _ = import_text(text=text, format="argdown")
    dear = Argument.objects.get(motion=motion, claim="Dear.")
    assert "“&lt;b&gt; *not bold*” (above)" in dear.details_html


@pytest.mark.parametrize(
    ("statement", "claim", "lost"),
    [
        ("A **b** and __c__.", "A b and c.", "its bold and italics are dropped, the words kept"),
        ("An *i* and _j_.", "An i and j.", "its bold and italics are dropped, the words kept"),
        ("Tea #hot #(very good).", "Tea.", "its 2 tags are left out (#hot #(very good))"),
        (
            "See [this](https://e.org/a_b_).",
            "See this (https://e.org/a_b_).",
            "its link is kept as words, the address in brackets",
        ),
        ("As @[Other] says.", "As @[Other] says.", "its mention is kept as plain text"),
    ],
)
def test_argdown_inline_syntax_keeps_the_words_and_says_what_it_lost(statement, claim, lost):
    data, warnings = argdown_to_crux(f"[M]: {statement}")
    assert data["motion"]["claim"] == claim
    assert len(warnings) == 1 and lost in warnings[0]


@pytest.mark.parametrize(
    "statement", ["snake_case_name", "2*3*4", r"\*\*literal\*\*", r"\#not-a-tag", "C# is", "a_b"]
)
def test_what_argdown_reads_as_words_stays_as_it_is(statement):
    data, warnings = argdown_to_crux(f"[M]: {statement}")
    assert (data["motion"]["claim"], warnings) == (statement.replace("\\", ""), [])


def test_claims_with_argdown_marks_written_in_crux_export_and_import_unchanged(author):
    motion = MotionFactory(claim="Remote work makes journalism **better**. #tag1", author=author)
    ArgumentFactory(
        motion=motion, claim="See [x](https://e.org) and @[Y] and _z_ <b>", author=author
    )
    exported = export_argdown(motion)
    imported, _, warnings = import_text(text=exported, format="argdown")
    assert warnings == []
    assert imported.claim == motion.claim
    assert (
        Argument.objects.get(motion=imported).claim == "See [x](https://e.org) and @[Y] and _z_ <b>"
    )


def test_an_imported_file_exports_and_imports_again_unchanged():
    first, _, _ = import_text(text=ODD, format="argdown")
    exported = export_argdown(first)
    again, _, warnings = import_text(text=exported, format="argdown")
    assert warnings == []
    assert again.context == first.context
    strip = re.compile(r"\[[^\]]+\]: |crux: [^,}]+")
    assert strip.sub("", export_argdown(again)) == strip.sub("", exported)


@pytest.mark.parametrize(
    "raw",
    ["**a " * 50_000, " " * 200_000 + "x", "[a](b" * 40_000, "@[a " * 50_000, "#(a " * 50_000],
)
def test_a_line_of_marks_that_never_close_is_read_in_linear_time(raw):
    # Each pattern stops at the next opening mark: quadratic, these took minutes.
    started = time.monotonic()
    statement_text(raw)
    assert time.monotonic() - started < 3


def test_front_matter_and_data_crux_does_not_read_are_warned_of():
    text = (
        "===\ntitle: T\nauthor: Ann\n===\n[M]: Tea. {color: red}\n  + [W]: Warm. {isInMap: false}\n"
    )
    _, warnings = argdown_to_crux(text)
    assert warnings == [
        "Front matter left out (Crux reads only its title): author.",
        "Line 5: data Crux does not read, left out: color",
        "Line 6: data Crux does not read, left out: isInMap",
    ]


# --- Kialo: a claim kept whole reads as written ------------------------------------------------


def test_a_long_kialo_claim_kept_whole_in_its_details_reads_as_written():
    claim = "# Not a heading <b>bold?</b> *stars* 1. no list " + "w" * CLAIM_MAX_LENGTH
    motion, _, _ = import_text(text=f"1. Tea.\n1.1. Pro: {claim}\n2nd line", format="kialo")
    argument = Argument.objects.get(motion=motion)
    assert argument.details == as_written(f"{claim}\n2nd line")
    rendered = argument.details_html
    assert rendered.startswith("<p># Not a heading &lt;b&gt;bold?&lt;/b&gt; *stars* 1. no list")
    assert "<br>\n2nd line</p>" in rendered


def test_a_kialo_claim_too_long_for_its_details_once_escaped_is_refused_saying_so():
    claim = "*" * (DETAILS_MAX_LENGTH - 10)
    with pytest.raises(ImportRefused) as refused:
        import_text(text=f"1. Tea.\n1.1. Pro: {claim}", format="kialo")
    assert str(refused.value) == (
        "Line 2: the claim, with the backslashes that keep it as written, has "
        f"{2 * len(claim):,} characters; keep it to {DETAILS_MAX_LENGTH:,}."
    )


def test_as_written_escapes_what_markdown_reads_at_the_start_of_a_line():
    from debates.rendering import render_markdown

    text = "1. one\n2) two\n- dash\n+ plus\n=== \n~~~\n> quote\n    indented\n`code` & [l](u)"
    lines = render_markdown(as_written(text)).removeprefix("<p>").removesuffix("</p>")
    assert html.unescape(lines.replace("<br>", "")) == text.replace("    ", "").replace(" \n", "\n")


# --- Crux JSON on the import page ---------------------------------------------------------------


@pytest.fixture
def debate(author):
    other = verified_user(display_name="Other Olga")
    source = SourceFactory(title="The Book", seed_key="book")
    motion = MotionFactory(
        title="Tea", claim="Tea is best.", author=author, featured=True, context="Some *context*."
    )
    warm = ArgumentFactory(
        motion=motion, claim="It is warm.", author=other, source=source, quote="warm words"
    )
    ArgumentFactory(motion=motion, parent=warm, stance="con", claim="Iced.", author=author)
    for voter in (verified_user(), verified_user()):
        cast_vote_at(voter=voter, slug=motion.slug, argument_id=warm.pk, choice="agree")
    return motion


def test_a_member_imports_a_motions_export_json_through_the_page(client, member, debate):
    exported = client.get(f"/motions/{debate.slug}/export.json").content.decode()
    response = upload(client, member, exported, "json", name="tea.json")
    motion = Motion.objects.exclude(pk=debate.pk).get()
    assert response.redirect_chain == [(motion.get_absolute_url(), 303)]
    assert "The debate is imported as a new motion." in warnings_shown(response)
    warm = Argument.objects.get(motion=motion, claim="It is warm.")
    iced = Argument.objects.get(motion=motion, claim="Iced.")
    # Hers: every claim, the file's authors kept as who holds them.
    assert {motion.author, warm.author, iced.author} == {member}
    assert (motion.attribution, warm.attribution, iced.attribution) == (
        "Author Al",
        "Other Olga",
        "Author Al",
    )
    assert (motion.title, motion.context, motion.featured, motion.state) == (
        "Tea",
        "Some *context*.",
        False,
        "open",
    )
    assert (warm.source.title, warm.source.seed_key, warm.quote) == ("The Book", None, "warm words")
    # Nobody's votes are cast: the counts come as imported tallies.
    assert not Vote.objects.filter(argument__motion=motion).exists()
    assert (warm.agree_count, ImportedTally.objects.get(argument=warm).agree) == (0, 2)
    assert motion.slug != debate.slug


def test_a_full_export_brings_no_votes_dates_or_moderators_choices(member, debate):
    data = export_debate(debate)
    data["motion"].update(state="locked", lock_reason="Done.", created_at="2001-01-01T00:00:00Z")
    data["arguments"][0].update(
        figures={"groups": [{"label": "x", "bars": []}]},
        revisions=[{"claim": "Was warm.", "written_at": "2001-01-01T00:00:00Z"}],
        seed_key="seeded",
    )
    motion, summary, warnings = import_text(text=json.dumps(data), format="json", author=member)
    warm = Argument.objects.get(motion=motion, claim="It is warm.")
    assert (motion.state, motion.lock_reason) == ("open", "")
    assert motion.created_at.year > 2001
    assert (warm.figures, warm.seed_key, warm.revisions.count()) == (None, None, 0)
    assert not Vote.objects.filter(argument__motion=motion).exists()
    assert summary["imported_tallies"] == 1
    assert warnings == [
        "1 earlier wording(s) of edited claims are not imported: the claims start as the file "
        "has them now.",
        "The figures (charts) of 1 argument(s) are not imported.",
    ]


def test_hidden_claims_in_json_are_withdrawn_for_members_and_kept_for_moderators(
    client, member, moderator, debate
):
    warm = Argument.objects.get(motion=debate, claim="It is warm.")
    moderation.hide_argument(moderator=moderator, argument=warm, reason="Off topic.")
    exported = client.get(f"/motions/{debate.slug}/export.json").content.decode()
    response = upload(client, member, exported, "json")
    assert response.status_code == 200  # followed to the new motion
    copy = Motion.objects.get(author=member)
    assert not Argument.objects.filter(motion=copy, visibility="hidden").exists()
    assert Argument.objects.get(motion=copy, visibility="retracted").claim == "[retracted]"
    motion, _, _ = import_text(text=exported, format="json", author=moderator)
    assert Argument.objects.get(motion=motion, visibility="hidden").author == moderator


def test_hidden_sources_in_json_are_refused_for_members(member, moderator, debate):
    data = export_debate(debate)
    data["sources"]["s1"].update(visibility="hidden", hidden_reason="Spam.")
    with pytest.raises(ImportRefused, match="1 source\\(s\\) as hidden by a moderator"):
        import_text(text=json.dumps(data), format="json", author=member)
    motion, _, _ = import_text(text=json.dumps(data), format="json", author=moderator)
    assert Source.objects.filter(hidden_reason="Spam.", visibility="hidden").count() == 1
    assert motion.author == moderator


def test_a_public_export_citing_a_hidden_source_imports_without_it(
    client, member, moderator, debate
):
    hide_source(moderator=moderator, source=Source.objects.get(), reason="Spam.")
    exported = client.get(f"/motions/{debate.slug}/export.json").content.decode()
    response = upload(client, member, exported, "json")
    motion = Motion.objects.exclude(pk=debate.pk).get()
    assert response.redirect_chain == [(motion.get_absolute_url(), 303)]
    warm = Argument.objects.get(motion=motion, claim="It is warm.")
    assert (warm.source, warm.quote, Source.objects.count()) == (None, "warm words", 1)


def test_an_argdown_round_trip_keeps_a_source_as_a_json_one_does(client, member, debate):
    Source.objects.update(
        publisher="Leaf Press", url="https://book.example/tea", published_on=dt.date(2020, 11, 10)
    )

    def imported(download, format):
        text = client.get(f"/motions/{debate.slug}/{download}").content.decode()
        motion, _, _ = import_text(text=text, format=format, author=member)
        source = Argument.objects.get(motion=motion, claim="It is warm.").source
        fields = ("title", "author", "publisher", "url", "published_on", "added_by")
        return {name: getattr(source, name) for name in fields}

    assert (
        imported("export.argdown", "argdown")
        == imported("export.json", "json")
        == {
            "title": "The Book",
            "author": "An Author",
            "publisher": "Leaf Press",
            "url": "https://book.example/tea",
            "published_on": dt.date(2020, 11, 10),
            "added_by": member,
        }
    )


def crux_json(**changes):
    return json.dumps(small_export(**changes))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "crux-debate",\n  "version": 1,,}', "Line 2: this is not JSON"),
        ("[" * 100_000, "This JSON is nested too deeply to read."),
        ("[1]", "the file should be a map of keys to values, not a list."),
        (
            crux_json(argument={"claim": "x" * (CLAIM_MAX_LENGTH + 1)}),
            f"the claim of argument a1 has {CLAIM_MAX_LENGTH + 1:,} characters",
        ),
        (crux_json(argument={"claim": "\u200b"}), "the claim of argument a1 is empty."),
        (crux_json(motion={"title": "\u202e"}), "the title of the motion is empty."),
        (crux_json(argument={"stance": "maybe"}), "the stance of argument a1 is 'maybe'"),
        (crux_json(motion={"visibility": "hidden"}), "which only moderators may import"),
    ],
)
def test_bad_json_is_refused_in_words_and_keeps_nothing(client, member, text, message):
    response = upload(client, member, text, "json")
    assert response.status_code == 422
    assert message in refusals(response)[0]
    assert not Motion.objects.exists()


def test_counts_over_what_the_database_keeps_are_left_out_with_a_warning(member):
    text = crux_json(argument={"tallies": {"agree": 2**31, "disagree": 3}})
    motion, _, warnings = import_text(text=text, format="json", author=member)
    assert ImportedTally.objects.get(argument__motion=motion).disagree == 3
    assert warnings == [
        "The agree count of argument a1 (2,147,483,648) is more than Crux keeps; left out."
    ]


def test_json_given_as_argdown_or_kialo_says_which_format_to_choose(client, member, debate):
    exported = client.get(f"/motions/{debate.slug}/export.json").content.decode()
    for format in ("argdown", "kialo"):
        response = upload(client, member, exported, format)
        assert response.status_code == 422
        assert "import a Crux export (export.json) as Crux JSON" in refusals(response)[0]


def test_a_member_who_may_not_post_may_not_import_json(client, debate):
    from tests.factories import UserFactory

    unverified = UserFactory()
    response = upload(client, unverified, crux_json(), "json")
    assert response.status_code == 403
    assert not Motion.objects.exclude(pk=debate.pk).exists()


# --- The form ----------------------------------------------------------------------------------


def test_an_empty_file_is_refused_once(client, member):
    client.force_login(member)
    empty = SimpleUploadedFile("empty.txt", b"", content_type="text/plain")
    response = client.post(URL, {"format": "argdown", "file": empty})
    assert response.status_code == 422
    assert refusals(response) == ["The submitted file is empty."]


def test_pasted_text_over_a_megabyte_is_refused_as_a_file_would_be(client, member):
    client.force_login(member)
    text = "я" * (UPLOAD_MAX_BYTES // 2 + 1)  # half a million characters, over a million bytes
    response = client.post(URL, {"format": "argdown", "text": text})
    assert response.status_code == 413
    assert refusals(response) == ["The text is over 1 MB; split the debate."]


def test_the_form_says_the_limit_beside_the_file_field_and_loads_its_check(client, member):
    client.force_login(member)
    page = client.get(URL).content.decode()
    assert 'data-max-bytes="1000000"' in page
    assert 'data-too-large="The file is over 1 MB; split the debate."' in page
    assert '<p class="field__help" id="id_file_helptext">At most 1 MB (1,000,000 bytes)' in page
    assert re.search(r'<script src="[^"]*js/import\.js" defer></script>', page)
    assert "Crux JSON" in page


# --- A member's JSON sources are hers -------------------------------------------------------

NEWS = "https://news.example/real-article"


def with_source(**source):
    data = small_export(argument={"source": "s1", "quote": "Planted words"})
    data["sources"] = {
        "s1": {
            "title": "The real article",
            "url": NEWS,
            "text": "Planted words, not the paper's.",
            **source,
        }
    }
    return json.dumps(data)


def test_a_member_s_imported_source_is_hers_and_binds_nobody_else_s_citations():
    """An adderless text is Crux's own, which every citation of its address must quote."""
    member, other = verified_user(), verified_user()
    import_text(text=with_source(), format="json", author=member)
    planted = Source.objects.get(url=NEWS)
    assert planted.added_by == member and planted.added_at is not None
    argument, _ = services.post_argument(
        author=other,
        motion=MotionFactory(),
        parent=None,
        stance="pro",
        claim="The paper says so.",
        source_url=NEWS,
        quote="A sentence the paper really has.",
    )
    assert argument.source != planted and argument.quote == "A sentence the paper really has."


def test_a_member_s_import_does_not_bring_back_a_text_a_moderator_hid(moderator):
    hidden = sources.add_source(adder=verified_user(), title="Leak", text="Their words.", url=NEWS)
    sources.hide_source(moderator=moderator, source=hidden, reason="Copyright complaint.")
    with pytest.raises(ImportRefused, match="A moderator hid the text of the source"):
        import_text(text=with_source(text="Their words."), format="json", author=verified_user())
    assert Source.objects.filter(url=NEWS).count() == 1
    # A moderator, having judged it, may.
    import_text(text=with_source(text="Their words."), format="json", author=moderator)


@pytest.mark.parametrize(
    ("changed", "refusal"),
    [
        ({"source": {"published_on": "2020-13-45"}}, "Not a date: '2020-13-45'"),
        ({"argument": {"quote_start": 0.0, "quote_end": 5.0}}, None),
        ({"argument": {"claim": "Half a pair: \ud800."}}, "half of a UTF-16 pair"),
        ({"motion": {"context": "\udfff"}}, "half of a UTF-16 pair"),
    ],
    ids=["impossible-date", "float-positions", "surrogate-claim", "surrogate-context"],
)
def test_what_the_schema_lets_through_is_refused_or_read_not_a_500(client, changed, refusal):
    data = json.loads(with_source(**changed.get("source", {})))
    data["motion"].update(changed.get("motion", {}))
    data["arguments"][0].update(changed.get("argument", {}))
    response = upload(client, verified_user(), json.dumps(data), "json")
    if refusal is None:
        assert response.redirect_chain and Motion.objects.count() == 1
        assert Argument.objects.get().anchor == ""  # the quote kept, its place not trusted
        assert (
            "Argument a1: its quote's place in the text of source s1 ('The real article') is "
            "not in whole numbers; the quote is kept, without its place in the source (no "
            "“Read the passage in the source”)."
        ) in warnings_shown(response)
    else:
        assert response.status_code == 422 and refusal in html.unescape(response.content.decode())
        assert not Motion.objects.exists()


# --- Quotes a JSON import cannot anchor ----------------------------------------------------------

UNANCHORED = (
    "{what}: its quote is not in the text of source s1 ('The real article'); the quote is "
    "kept, without its place in the source (no “Read the passage in the source”)."
)


def test_a_quote_its_source_s_text_does_not_hold_is_kept_unanchored_and_warned_of(client):
    """The walk's file: the argument kept its quote but lost its passage, with no warning. The
    page refuses such a quote with 422; an import keeps it, and says so."""
    text = with_source(text="A text that holds none of the words quoted.")
    response = upload(client, verified_user(), text, "json")
    assert response.redirect_chain and Motion.objects.count() == 1
    argument = Argument.objects.get()
    assert (argument.quote, argument.anchor, argument.quote_start) == ("Planted words", "", None)
    assert UNANCHORED.format(what="Argument a1") in warnings_shown(response)


def test_a_quote_that_anchors_is_not_warned_of():
    _, _, warnings = import_text(text=with_source(), format="json", author=verified_user())
    assert warnings == []
    assert Argument.objects.get().anchor == "exact"


def test_a_restore_keeps_every_quote_and_names_each_that_no_longer_anchors():
    """An admin's restore (import_debate, no reader's warnings) must not fail on a quote: its
    summary names each one, the motion's too, and the quotes that still anchor keep their
    places."""
    data = json.loads(with_source(text="Planted words, and the motion's words."))
    data["motion"].update(source="s1", quote="Words nobody wrote.")
    data["arguments"] += [
        {"ref": "a2", "stance": "con", "claim": "It is cold.", "source": "s1", "quote": "Gone."},
        {"ref": "a3", "stance": "pro", "claim": "It is kind.", "source": "s1", "quote": "words"},
    ]
    motion, summary = import_debate(data)
    assert summary["warnings"] == [
        UNANCHORED.format(what="The motion"),
        UNANCHORED.format(what="Argument a2"),
    ]
    assert (motion.quote, motion.anchor) == ("Words nobody wrote.", "")
    kept = {a.claim: (a.quote, a.anchor) for a in Argument.objects.filter(motion=motion)}
    assert kept == {
        "It is warm.": ("Planted words", "exact"),
        "It is cold.": ("Gone.", ""),
        "It is kind.": ("words", "exact"),
    }
