import datetime as dt
import html
import io
import json
import re
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from debates.interchange.argdown_export import export_argdown
from debates.interchange.argdown_import import ArgdownError, argdown_to_crux
from debates.interchange.importing import import_text
from debates.models import CLAIM_MAX_LENGTH, Argument, Motion
from debates.transfer import ImportRefused
from debates.voting import cast_vote_at
from tests.factories import ArgumentFactory, MotionFactory, SourceFactory, verified_user
from tests.test_interchange_argdown_export import ARGDOWN_CLI


def normalised(text):
    """The export with Crux's ids and the motion's slug numbered by first appearance: an
    import makes new rows, so only those may differ."""
    names = {}

    def rename(match):
        return names.setdefault(match.group(0), f"#{len(names)}")

    text = re.sub(r"(?<=\[)c\d+(?=\])|(?<=crux: )\d+", rename, text)
    slug = re.search(r"^\[(.+?)\]: ", text, re.MULTILINE).group(1)
    text = text.replace(f"[{slug}]", "[SLUG]").replace(f'crux: "{slug}"', 'crux: "SLUG"')
    return text


def round_trip(motion):
    exported = export_argdown(motion)
    imported, _, warnings = import_text(text=exported, format="argdown")
    assert warnings == []
    return exported, export_argdown(imported)


@pytest.mark.django_db
def test_the_seeded_debate_comes_back_the_same(seeded):
    motion = Motion.objects.annotate(n=Count("arguments")).order_by("-n").first()
    voters = [verified_user() for _ in range(3)]
    for n, argument in enumerate(Argument.objects.filter(motion=motion, visibility="visible")[:4]):
        for voter in voters[: n + 1]:
            choice = "agree" if (n + voters.index(voter)) % 2 else "disagree"
            cast_vote_at(voter=voter, slug=motion.slug, argument_id=argument.pk, choice=choice)
    cast_vote_at(voter=voters[0], slug=motion.slug, argument_id=None, choice="agree")
    exported, again = round_trip(motion)
    # Votes have no voters in Argdown: they come back as imported tallies, exported as counted.
    assert normalised(again) == normalised(exported)
    assert re.search(r"agree: [1-9]", exported)
    assert exported.count("\n") > 10


AWKWARD = st.text(
    alphabet=st.one_of(
        st.sampled_from([*'[]:#@{}\\"<>+-_*/(),;. \n', "ü", "中", "🙂", "\u2028"]),
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Co", "Cn")),
    ),
    min_size=1,
    max_size=30,
).filter(str.strip)
NODE = st.tuples(
    st.integers(min_value=0, max_value=50),
    st.sampled_from(["pro", "con"]),
    AWKWARD,
    st.one_of(st.just(""), AWKWARD),
    st.sampled_from(["visible", "visible", "hidden", "retracted"]),
    st.one_of(st.just(""), st.sampled_from(["A [book]", "B: #1"])),
    st.tuples(st.integers(0, 3), st.integers(0, 2**31 - 1)),
)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(claim=AWKWARD, context=st.one_of(st.just(""), AWKWARD), nodes=st.lists(NODE, max_size=8))
def test_export_import_export_is_the_export(claim, context, nodes):
    motion = MotionFactory(claim=claim, context=context, author=None, attribution="Zoë")
    made = []
    for parent, stance, text, extra, visibility, source, (agree, disagree) in nodes:
        made.append(
            ArgumentFactory(
                motion=motion,
                parent=made[parent % len(made)] if made and parent else None,
                stance=stance,
                claim=text,
                details=extra,
                quote=extra,
                attribution=extra,
                author=None,
                visibility=visibility,
                source=SourceFactory(title=source) if source else None,
                agree_count=agree,
                disagree_count=disagree,
            )
        )
    exported, again = round_trip(motion)
    assert normalised(again) == normalised(exported)


@pytest.mark.django_db
def test_equivalence_classes_and_what_crux_cannot_show():
    text = "\n".join(
        [
            "[Tea]: Tea is best.",
            "  + [Warm]: It is warm. {by: Ann, source: The Book, quote: warm words}",
            "    - [Cold]: Iced tea exists.",
            "  - [Price]: It costs.",
            "    + [Warm]",
            "      + [Cosy]: Warm is cosy.",
            "    _ [Undercut]: Cost is no reason.",
            "    <Argument>: a reason",
            "      (1) premise",
            "      ----",
            "      (2) conclusion",
            "[Another]: A second top-level statement.",
        ]
    )
    motion, _, warnings = import_text(text=text, format="argdown")
    args = {a.claim: a for a in Argument.objects.filter(motion=motion)}
    assert set(args) == {"It is warm.", "Iced tea exists.", "It costs.", "Warm is cosy."}
    warm, price = args["It is warm."], args["It costs."]
    assert (warm.parent, warm.stance, warm.attribution, warm.quote) == (
        None,
        "pro",
        "Ann",
        "warm words",
    )
    assert warm.source.title == "The Book"
    assert args["Warm is cosy."].parent == warm
    assert (args["Iced tea exists."].parent, args["Iced tea exists."].stance) == (warm, "con")
    assert "Supports it too: “It is warm.”" in price.details
    assert "_ [Undercut]: Cost is no reason." in price.details
    assert "(1) premise" in price.details and "(2) conclusion" in price.details
    assert "[Another]: A second top-level statement." in motion.context
    assert [w.split(":")[0] for w in warnings] == ["Line 7", "Line 8", "Line 12"]
    assert motion.title == "Tea" and motion.claim == "Tea is best."


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[a]: ok\n  + [b]: fine {by: [unclosed}\n", 2),
        ("  + [b]: a reply to nothing\n", 1),
        ("===\ntitle: x\n", 1),
        ("[a]: ok\n\n  + [b]: x {a: b: c}\n  + [c]\n  + <d\n", 3),
        ("\n\n", 3),
        ("[a]: ok\n  + [b]: x {a: " + "[" * 5000 + "]" * 5000 + "}\n", 2),
        ("[a]: ok {status: [1]}\n  + [b]: x {a: &x [1], b: *y}\n", 2),
        # YAML reads these as dates, which do not exist.
        ("[a]: ok\n  + [b]: x {by: 2020-13-45}\n", 2),
        # The front matter's error is on its line, not the === above it.
        ("===\ntitle: 2021-02-29\n===\n[a]: ok\n", 2),
        ("===\ntitle: a: b\n===\n[a]: ok\n", 2),
        ("\n===\ntitle: ok\nby: a: b\n===\n[a]: ok\n", 4),
    ],
)
def test_bad_argdown_is_refused_with_its_line(text, line):
    with pytest.raises(ArgdownError) as error:
        argdown_to_crux(text)
    assert error.value.line == line
    assert str(error.value).startswith(f"Line {line}: ")


@pytest.mark.django_db
def test_the_command_imports_argdown_and_refuses_bad_text(tmp_path):
    motion = MotionFactory(slug="tea", title="Tea")
    ArgumentFactory(motion=motion, claim="Warm")
    path = tmp_path / "tea.argdown"
    path.write_text(export_argdown(motion), encoding="utf-8")
    out = io.StringIO()
    call_command("import_debate", str(path), "--format", "argdown", "--slug", "tea-2", stdout=out)
    assert "Imported 'tea-2': 1 arguments" in out.getvalue()
    path.write_text("[a]: b {c: [}\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Line 1: the data in braces is not YAML"):
        call_command("import_debate", str(path), "--format", "argdown")


@pytest.mark.django_db
def test_a_claim_too_long_for_crux_is_refused_whole():
    with pytest.raises(ImportRefused):
        import_text(text="[a]: " + "x" * 600 + "\n", format="argdown")
    assert not Motion.objects.exists()


@pytest.mark.django_db
def test_an_import_is_never_given_the_address_of_a_page():
    motion, _, _ = import_text(text="===\ntitle: New\n===\n\n[A]: A claim.\n", format="argdown")
    assert motion.slug not in Motion.RESERVED_SLUGS and motion.slug.startswith("new")
    with pytest.raises(ImportRefused, match="page of its own"):
        import_text(text="[A]: A claim.\n", format="argdown", slug="import")


# --- A cited source's details ------------------------------------------------------------------

SOURCE_DETAILS = ("title", "author", "publisher", "url", "published_on")


def described(source):
    return {name: getattr(source, name) for name in SOURCE_DETAILS}


@pytest.mark.django_db
def test_a_source_s_details_come_back_with_a_member_s_import_and_export_the_same(member):
    motion = MotionFactory()
    book = SourceFactory(
        title="The Tea Book",
        author="Mo Li",
        publisher="Leaf Press",
        url="https://tea.example/book?a=1&b={x}",
        published_on=dt.date(2020, 11, 10),
    )
    # The same title with other details is another source; the same source cited twice, one.
    reprint = SourceFactory(title="The Tea Book", author="Mo Li", url="https://tea.example/2")
    for source in (book, reprint, book):
        ArgumentFactory(motion=motion, source=source, quote="Steeped.")
    exported = export_argdown(motion)
    imported, _, warnings = import_text(text=exported, format="argdown", author=member)
    assert warnings == []
    cited = [argument.source for argument in imported.arguments.order_by("id")]
    assert [described(source) for source in cited] == [
        described(book),
        described(reprint),
        described(book),
    ]
    assert cited[0] == cited[2] != cited[1]
    assert {source.added_by for source in cited} == {member}
    assert normalised(export_argdown(imported)) == normalised(exported)


@pytest.mark.django_db
def test_a_source_s_details_written_by_hand_are_imported(member):
    text = (
        "[Tea]: Tea is best. {source: Leaves, source_author: Ann, source_published: 2021-01-29}\n"
        "  + [Warm]: It is warm. {source: 'The Book', source_publisher: 'Leaf: Press', "
        "source_url: 'http://book.example/a', source_published: '2020-02-29'}\n"
        "  + [Cold]: Iced. {source_url: 'https://x.example', source_author: Bo}\n"
    )
    motion, _, warnings = import_text(text=text, format="argdown", author=member)
    warm = Argument.objects.get(motion=motion, claim="It is warm.")
    cold = Argument.objects.get(motion=motion, claim="Iced.")
    assert described(motion.source) == {
        "title": "Leaves",
        "author": "Ann",
        "publisher": "",
        "url": "",
        "published_on": dt.date(2021, 1, 29),
    }
    assert described(warm.source) == {
        "title": "The Book",
        "author": "",
        "publisher": "Leaf: Press",
        "url": "http://book.example/a",
        "published_on": dt.date(2020, 2, 29),
    }
    assert motion.source.added_by == warm.source.added_by == member
    # An address with no title is cited as a reply typing it cites it: titled by the address.
    assert described(cold.source) == {
        "title": "x.example",
        "author": "Bo",
        "publisher": "",
        "url": "https://x.example",
        "published_on": None,
    }
    assert warnings == [
        "Line 3: 'source_url' without the source's title ('source'): the source is titled by "
        "its address, x.example, as one cited by typing it is."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "said"),
    [
        ("source_url: 'ftp://book.example/a'", "is 'ftp://book.example/a', not an http(s) web"),
        ("source_url: 'javascript:alert(1)'", "is 'javascript:alert(1)', not an http(s) web"),
        ("source_url: 'book.example'", "is 'book.example', not an http(s) web address"),
        ("source_published: '2020-02-30'", "is '2020-02-30', not a date (YYYY-MM-DD) that exists"),
        ("source_published: 2021-02-29", "holds a date that does not exist"),
        ("source_published: 2021-02-28 10:00:00", "is '2021-02-28 10:00:00', not a date"),
        ("source_published: 1999", "is 1999, not a date"),
        ("source_author: '" + "a" * 201 + "'", "'source_author' of [W] has 201 characters"),
        ("source_publisher: '" + "p" * 201 + "'", "'source_publisher' of [W] has 201 characters"),
        (
            "source_url: 'https://e.org/" + "u" * 1990 + "'",
            "'source_url' of [W] has 2,004 characters; keep it to 2,000.",
        ),
    ],
)
def test_a_source_s_bad_details_are_refused_naming_the_line_and_the_text_kept(
    client, member, data, said
):
    text = f"[T]: Tea.\n\n  + [W]: Warm. {{source: The Book, {data}}}\n"
    client.force_login(member)
    response = client.post("/motions/import/", {"format": "argdown", "text": text})
    assert response.status_code == 422
    page = html.unescape(response.content.decode())
    assert "Not imported: Line 3: " in page and said in page
    assert text.strip() in page
    assert not Motion.objects.exists()


# --- Untitled statements, and a statement given its text after its title ----------------------

UNTITLED = """[T]: Homework should be banned.
  + Children need time to play.
  - Practice helps reading.
"""
TEXT_LATER = """[T]: Homework should be banned.
  - [Screens]
  + [Play]: Children need time to play.
    - [Screens]: Free time is mostly spent on screens.
"""
BOTH = """[T]: Homework should be banned.
  + [Play]
    - Screens fill free time.
      + [Play]
  - Practice helps reading.
    + [Drill]: Drills bore. {by: Ann}
    + Practice helps reading.

[Play]: Children need time to play. {by: Bo}
  + Outdoors is healthy.
"""
_TOO = re.compile(r"(Supports|Attacks) it too: “(.*?)” \(above\)\.")


def relations(data):
    """Who supports or attacks whom in the import, by their texts: each argument's reply to its
    parent, and each statement a parent's details say replies to it too."""
    claims = {argument["ref"]: argument["claim"] for argument in data["arguments"]}
    found = set()
    for argument in data["arguments"]:
        to = claims.get(argument["parent"], data["motion"]["claim"])
        found.add((argument["claim"], to, "support" if argument["stance"] == "pro" else "attack"))
        for word, claim in _TOO.findall(argument["details"]):
            found.add((claim, argument["claim"], "support" if word == "Supports" else "attack"))
    return found


def read_by_argdown(text, tmp_path):
    """The relations @argdown/cli reads in `text`, by the statements' texts."""
    if not ARGDOWN_CLI or shutil.which("node") is None:
        pytest.skip("The Argdown CLI is not installed (npm install @argdown/cli): not checked.")
    (tmp_path / "debate.argdown").write_text(text, encoding="utf-8")
    result = subprocess.run(
        [ARGDOWN_CLI, "json", str(tmp_path / "debate.argdown"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    read = json.loads((tmp_path / "debate.json").read_text(encoding="utf-8"))
    texts = {
        title: next(
            text for m in statement["members"] if (text := " ".join(m.get("text", "").split()))
        )
        for title, statement in read["statements"].items()
    }
    return {(texts[r["from"]], texts[r["to"]], r["relationType"]) for r in read["relations"]}


@pytest.mark.parametrize("text", [UNTITLED, TEXT_LATER, BOTH])
def test_the_import_reads_the_relations_argdown_reads(text, tmp_path):
    data, warnings = argdown_to_crux(text)
    assert warnings == []
    assert relations(data) == read_by_argdown(text, tmp_path)


def test_untitled_statements_are_arguments_nested_by_indentation():
    data, warnings = argdown_to_crux(BOTH)
    assert warnings == [] and data["motion"]["context"] == ""
    argued = [(a["ref"], a["parent"], a["stance"], a["claim"]) for a in data["arguments"]]
    assert argued == [
        ("a1", None, "pro", "Children need time to play."),
        ("a2", "a1", "con", "Screens fill free time."),
        ("a3", "a1", "pro", "Outdoors is healthy."),
        ("a4", None, "con", "Practice helps reading."),
        ("a5", "a4", "pro", "Drills bore."),
        # Argdown makes each untitled statement one of its own, though the words are the same.
        ("a6", "a4", "pro", "Practice helps reading."),
    ]
    # The text given later brings its data with it.
    assert [a["attribution"] for a in data["arguments"]] == ["Bo", "", "", "", "Ann", ""]
    assert (
        data["arguments"][1]["details"] == "Supports it too: “Children need time to play.” (above)."
    )


@pytest.mark.django_db
def test_a_walk_through_s_untitled_and_later_texts_are_imported():
    motion, _, warnings = import_text(text=UNTITLED, format="argdown")
    assert warnings == [] and motion.context == ""
    argued = Argument.objects.filter(motion=motion).order_by("claim")
    assert [(a.parent, a.stance, a.claim) for a in argued] == [
        (None, "pro", "Children need time to play."),
        (None, "con", "Practice helps reading."),
    ]
    motion, _, warnings = import_text(text=TEXT_LATER, format="argdown")
    assert warnings == []
    screens = Argument.objects.get(motion=motion, stance="con")
    play = Argument.objects.get(motion=motion, stance="pro")
    assert (screens.parent, screens.claim) == (None, "Free time is mostly spent on screens.")
    assert play.details == "Attacks it too: “Free time is mostly spent on screens.” (above)."


def test_a_statement_given_other_words_later_is_still_a_redefinition_kept_as_written():
    text = TEXT_LATER + "  - [Screens]: Screens are fine.\n"
    data, warnings = argdown_to_crux(text)
    claims = [a["claim"] for a in data["arguments"]]
    assert claims == ["Free time is mostly spent on screens.", "Children need time to play."]
    assert "- [Screens]: Screens are fine." in data["motion"]["context"]
    assert warnings == [
        "Line 5: [Screens] again, in other words, kept verbatim in the motion's context: "
        "- [Screens]: Screens are fine."
    ]


def test_an_untitled_statement_s_warnings_and_refusals_name_its_line():
    data, warnings = argdown_to_crux("[T]: Tea.\n  + It is **warm**. {agree: -1}\n")
    assert data["arguments"][0]["claim"] == "It is warm."
    assert warnings == [
        "Line 2: the untitled statement on line 2 is imported as plain text, as Crux's claims "
        "are: its bold and italics are dropped, the words kept.",
        "the untitled statement on line 2: agree: -1 is not a count; left out.",
    ]
    with pytest.raises(
        ArgdownError, match=r"^Line 3: the claim of the untitled statement on line 3 has"
    ):
        argdown_to_crux("[T]: Tea.\n\n  - " + "x" * (CLAIM_MAX_LENGTH + 1) + "\n")


# --- The walk's lines: a mark too many, and front matter that is not YAML -----------------------

MARK_TOO_MANY = "[Motion]: Schools should ban homework.\n  +++ broken\n  - Fine con.\n"


def test_a_reply_with_a_mark_too_many_is_read_as_argdown_reads_it_and_warned_of():
    """Argdown reads "+++ broken" as a pro reply "++ broken", without an error: so does the
    import, and it says so, for the mark is most likely a slip."""
    data, warnings = argdown_to_crux(MARK_TOO_MANY)
    argued = [(a["stance"], a["claim"]) for a in data["arguments"]]
    assert argued == [("pro", "++ broken"), ("con", "Fine con.")]
    assert warnings == [
        "Line 2: imported as a pro reply whose claim begins with '++', as Argdown reads it (one "
        "+ or - marks a reply, the rest is its text): +++ broken"
    ]


@pytest.mark.parametrize(
    "reply", ["+ -5 °C is cold.", "+ [T]: ++ is a C++ joke.", "+ \\+\\+ escaped", "- a ++ b"]
)
def test_marks_that_are_the_words_of_a_reply_are_not_warned_of(reply):
    _, warnings = argdown_to_crux(f"[M]: Motion.\n  {reply}\n")
    assert warnings == []


def test_argdown_reads_the_mark_too_many_as_the_import_does(tmp_path):
    data, _ = argdown_to_crux(MARK_TOO_MANY)
    assert relations(data) == read_by_argdown(MARK_TOO_MANY, tmp_path)


def test_front_matter_that_is_not_yaml_is_named_as_front_matter_not_braces():
    with pytest.raises(ArgdownError) as error:
        argdown_to_crux("===\ntitle: a: b\n===\n\n[M]: Motion.\n")
    assert (
        str(error.value)
        == "Line 2: the front matter is not YAML (mapping values are not allowed here)."
    )
    assert error.value.line == 2
    for front, said in (
        ("- a list", "is not a map of keys to values"),
        ("d: 2020-02-30", "holds a date"),
    ):
        with pytest.raises(ArgdownError, match=f"^Line 2: the front matter {said}"):
            argdown_to_crux(f"===\n{front}\n===\n[M]: Motion.\n")
    # A statement's data in braces is still called so.
    with pytest.raises(ArgdownError, match=r"^Line 2: the data in braces is not YAML"):
        argdown_to_crux("[M]: Motion.\n  + [b]: x {a: b: c}\n")


@pytest.mark.django_db
def test_the_page_and_the_api_say_where_the_front_matter_fails(client):
    member = verified_user()
    text = "===\ntitle: a: b\n===\n\n[M]: Motion.\n"
    client.force_login(member)
    page = client.post("/motions/import/", {"format": "argdown", "text": text})
    assert page.status_code == 422
    assert "Line 2: the front matter is not YAML" in html.unescape(page.content.decode())
    answer = client.post(
        "/api/v1/motions/import",
        {"format": "argdown", "text": text},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert answer.json()["line"] == 2 and "the front matter is not YAML" in answer.json()["detail"]
    assert not Motion.objects.exists()


# --- A statement marked retracted by hand, and data that is no text ----------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('[T]: Motion says retracted {status: "retracted"}\n  + [a]: y\n', 1),
        # Named first, defined later: the line that marks it.
        ("[T]\n  + [a]: y\n[T]: Motion says retracted {status: retracted}\n", 3),
    ],
)
def test_a_motion_marked_retracted_is_refused_naming_its_line(client, text, line):
    with pytest.raises(ArgdownError) as error:
        argdown_to_crux(text)
    assert str(error.value) == (
        f"Line {line}: the motion (the top statement) is marked retracted (status: retracted), "
        "which a motion cannot be: remove that mark and import again."
    )
    client.force_login(verified_user())
    answer = client.post(
        "/api/v1/motions/import",
        {"format": "argdown", "text": text},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert answer.json()["line"] == line and "marked retracted" in answer.json()["detail"]
    assert not Motion.objects.exists()


@pytest.mark.django_db
def test_an_argument_marked_retracted_by_hand_says_its_words_were_left_out():
    text = (
        "[T]: Tea.\n"
        "  + [a]: My own words. {status: retracted}\n"
        '  + [b]: \\[retracted\\] {crux: 7, status: "retracted"}\n'
        "  + [c]: By hand. {status: retracted, claim: 'Its exact words.'}\n"
    )
    motion, _, warnings = import_text(text=text, format="argdown")
    claims = Argument.objects.filter(motion=motion).values_list("claim", "visibility")
    assert set(claims) == {("[retracted]", "retracted")}
    # The export's placeholder (line 3) is no words of its own: nothing is said of it.
    assert warnings == [
        "Line 2: [a] is marked retracted (status: retracted): imported withdrawn, reading "
        "“[retracted]”, its words left out: My own words.",
        "Line 4: [c] is marked retracted (status: retracted): imported withdrawn, reading "
        "“[retracted]”, its words left out: Its exact words.",
    ]


@pytest.mark.django_db
def test_data_that_is_a_list_is_joined_and_a_map_left_out_each_with_a_warning():
    text = (
        "===\ntitle: [Tea, Coffee]\n===\n"
        '[T]: Main claim {context: ["Background.", "More background."]}\n'
        '  + [a]: Arg one {details: ["Details.", "More."], by: ["Ann", "Bob"], quote: {q: 1}}\n'
        "  + [b]: Arg two {source: [A, B], claim: [x], crux: [1], status: {s: 1}, by: [[Ann]]}\n"
        "  + [c]: Arg three {details: [], by: {}, source: Book, source_author: [Ann, Bob]}\n"
    )
    motion, _, warnings = import_text(text=text, format="argdown")
    assert (motion.title, motion.context) == ("Tea, Coffee", "Background.\n\nMore background.")
    one, two, three = Argument.objects.filter(motion=motion).order_by("pk")
    assert (one.details, one.attribution, one.quote) == ("Details.\n\nMore.", "Ann, Bob", "")
    assert (two.claim, two.source, two.visibility, two.attribution) == (
        "Arg two",
        None,
        "visible",
        "",
    )
    assert (three.details, three.attribution, three.source.author) == ("", "", "Ann, Bob")
    assert warnings == [
        "Line 2: 'title' is a list; its items are joined with commas.",
        "Line 4: 'context' is a list; its items are joined as paragraphs.",
        "Line 5: 'details' is a list; its items are joined as paragraphs.",
        "Line 5: 'by' is a list; its items are joined with commas.",
        "Line 5: 'quote' is a map, not text; left out.",
        "Line 6: 'source' is a list, not text; left out.",
        "Line 6: 'claim' is a list, not text; left out.",
        "Line 6: 'crux' is a list, not text; left out.",
        "Line 6: 'status' is a map, not text; left out.",
        "Line 6: 'by' is a list, not text; left out.",
        "Line 7: 'source_author' is a list; its items are joined with commas.",
    ]
    # A title in flow style is said on the front matter's line; a day unquoted is as written.
    data, warnings = argdown_to_crux("===\n{title: {a: 1}}\n===\n[T]: M. {title: 2024-05-01}\n")
    assert data["motion"]["title"] == "2024-05-01"
    assert warnings == ["Line 2: 'title' is a map, not text; left out."]
