"""The analysis as a CSV download: one row for the motion and one per argument, each opinion
group's votes as cast and the bridging and crux figures the page shows; refused where the page
is."""

import csv
import io
import re

import pytest
from django.urls import reverse

from analysis import queries, services
from analysis.models import MotionAnalysis
from debates.models import Vote
from tests.factories import ArgumentFactory, MotionFactory, UserFactory
from tests.test_analysis_pages import analysed, plant_debate


@pytest.fixture
def planted(db):
    return analysed()


def download(client, motion):
    return client.get(reverse("analysis_csv", args=[motion.slug]))


def table(response):
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def argument_rows(response):
    """The arguments' rows, by id."""
    return {int(r["argument_id"]): r for r in table(response) if r["kind"] == "argument"}


def test_the_download_is_a_csv_file_named_for_its_motion_and_run(client, planted):
    motion, _, _ = planted
    response = download(client, motion)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    computed = MotionAnalysis.objects.get(motion=motion).computed_at
    assert response["Content-Disposition"] == (
        f'attachment; filename="planted-analysis-{computed:%Y-%m-%d}.csv"'
    )
    # It opens with a byte order mark, which Excel needs to read it as UTF-8, and only one.
    assert (
        response.content.startswith(b"\xef\xbb\xbfkind,")
        and response.content.count(b"\xef\xbb\xbf") == 1
    )
    # A hidden motion's file is for its moderators: never kept by a shared cache.
    assert set(response["Cache-Control"].replace(" ", "").split(",")) == {"private", "no-store"}


def test_one_row_per_argument_with_each_groups_votes_as_cast(client, planted):
    motion, args, _ = planted
    stored = MotionAnalysis.objects.get(motion=motion)
    rows = table(download(client, motion))[1:]  # the motion's comes first
    groups = stored.result["groups"]
    # The header queries.download documents, in its order.
    assert list(rows[0]) == [
        "kind",
        "argument_id",
        "url",
        "text",
        "bearing",
        *(f"group_{g['id'] + 1}_{way}" for g in groups for way in ("agree", "disagree")),
        "across_the_divide",
        "lean",
        "bridging_status",
        "crux_side",
        "crux_voters",
        "crux_voted_alike",
        "crux_log_odds",
        "common_ground",
        "divisive",
    ]
    shown = [a for name, a in args.items() if name not in ("hidden", "retracted")]
    assert [int(row["argument_id"]) for row in rows] == sorted(a.pk for a in shown)
    by_id = {a.pk: a for a in shown}
    for row in rows:
        argument = by_id[int(row["argument_id"])]
        assert row["kind"] == "argument"
        assert row["text"] == argument.claim
        assert row["url"] == f"http://testserver{argument.get_absolute_url()}"
        assert row["bearing"] == ("for" if argument.stance == "pro" else "against")
        for group in groups:
            agree, votes = stored.group_votes[str(group["id"])][row["argument_id"]]
            number = group["id"] + 1
            assert (int(row[f"group_{number}_agree"]), int(row[f"group_{number}_disagree"])) == (
                agree,
                votes - agree,
            )
    common = next(row for row in rows if int(row["argument_id"]) == args["common"].pk)
    assert common["bridging_status"] == "bridging" and common["common_ground"] == "yes"
    assert common["divisive"] == "no"
    split = next(row for row in rows if int(row["argument_id"]) == args["pro0"].pk)
    assert (split["bridging_status"], split["common_ground"]) == ("not-bridging", "no")


def test_the_bridging_and_crux_figures_are_the_stored_ones(client, planted):
    motion, _, _ = planted
    result = MotionAnalysis.objects.get(motion=motion).result
    rows = argument_rows(download(client, motion))
    for bridging in result["bridging"]:
        if bridging["kind"] == "argument" and bridging["id"] in rows:
            row = rows[bridging["id"]]
            assert float(row["across_the_divide"]) == bridging["intercept"]
            assert float(row["lean"]) == abs(bridging["factor"])
            assert row["bridging_status"] == bridging["status"]
    cruxes = {c["id"]: c for c in result["cruxes"] if c["kind"] == "argument"}
    assert cruxes
    for argument_id, row in rows.items():
        crux = cruxes.get(argument_id)
        if crux is None:
            assert row["crux_side"] == row["crux_voters"] == row["crux_log_odds"] == ""
            continue
        assert row["crux_side"] == ("for" if crux["log_odds"] > 0 else "against")
        assert int(row["crux_voters"]) == crux["voters"]
        assert int(row["crux_voted_alike"]) == crux["alike"]
        assert float(row["crux_log_odds"]) == crux["log_odds"]
    divisive = {d["id"] for d in result["divisive"] if d["kind"] == "argument"}
    assert {i for i, row in rows.items() if row["divisive"] == "yes"} == divisive
    assert {row["divisive"] for i, row in rows.items() if i not in divisive} == {"no"}


def test_hidden_and_retracted_arguments_are_left_out_even_for_moderators(
    client, planted, moderator
):
    motion, args, _ = planted
    client.force_login(moderator)
    content = download(client, motion).content.decode()
    assert "Hidden claim text" not in content and "Retracted claim text" not in content
    ids = set(argument_rows(download(client, motion)))
    assert not ids & {args["hidden"].pk, args["retracted"].pk}


def test_a_hidden_motion_s_download_is_refused_to_all_but_moderators(
    client, planted, member, moderator
):
    motion, _, _ = planted
    motion.visibility = motion.Visibility.HIDDEN
    motion.save()
    assert download(client, motion).status_code == 404
    client.force_login(member)
    assert download(client, motion).status_code == 404
    client.force_login(moderator)
    assert argument_rows(download(client, motion))


def test_nothing_to_download_before_the_first_run(client, db):
    motion = MotionFactory()
    Vote.objects.create(user=UserFactory(), motion=motion, choice=Vote.Choice.AGREE)
    assert download(client, motion).status_code == 404
    html = client.get(reverse("analysis", args=[motion.slug])).content.decode()
    assert reverse("analysis_csv", args=[motion.slug]) not in html


def test_a_claim_opens_in_a_spreadsheet_as_text_never_as_a_formula(client, db):
    motion, _, camps = plant_debate()
    claims = {
        "formula": '=HYPERLINK("http://evil.example","x")',
        "spaced": '  @SUM(1+1)*cmd|" /C calc"!A0',
        "minus": "-2+3",
        "plain": "Minus -2 is fine inside",
    }
    arguments = {
        name: ArgumentFactory(motion=motion, claim=claim) for name, claim in claims.items()
    }
    Vote.objects.bulk_create(
        Vote(user=voter, argument=argument, choice=Vote.Choice.AGREE)
        for voter in camps[0]
        for argument in arguments.values()
    )
    services.refresh(motion_id=motion.pk)
    rows = argument_rows(download(client, motion))
    text = {name: rows[argument.pk]["text"] for name, argument in arguments.items()}
    assert text == {
        "formula": "'" + claims["formula"],
        # Leading spaces go as every run of spaces does, and the formula they hid is quoted.
        "spaced": "'" + claims["spaced"].strip(),
        "minus": "'-2+3",
        "plain": claims["plain"],
    }


def test_a_claim_split_at_a_semicolon_starts_no_formula(client, db):
    """A spreadsheet of a locale that splits lines at ";" makes what follows one a cell."""
    motion, _, camps = plant_debate()
    claim = "Costs matter;=cmd|' /C calc'!A0; and; -2 more"
    argument = ArgumentFactory(motion=motion, claim=claim)
    Vote.objects.bulk_create(
        Vote(user=voter, argument=argument, choice=Vote.Choice.AGREE) for voter in camps[0]
    )
    services.refresh(motion_id=motion.pk)
    text = argument_rows(download(client, motion))[argument.pk]["text"]
    assert text == "Costs matter;'=cmd|' /C calc'!A0; and; '-2 more"
    for cell in text.split(";"):
        assert not cell.lstrip().startswith(("=", "+", "-", "@")), cell


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        # OWASP's other starts: a tab or a carriage return, and a formula after spaces.
        ("\t=1+1", "'\t=1+1"),
        ("\tplain", "'\tplain"),
        ("\r=1+1", "'\r=1+1"),
        ("   =1+1", "'   =1+1"),
        (" @SUM(A1)", "' @SUM(A1)"),
        ("A claim = a claim", "A claim = a claim"),
        ("  plain", "  plain"),
        ("", ""),
    ],
)
def test_the_formula_guard_covers_owasp_s_starts(text, cell):
    assert queries._cell(text) == cell


def test_a_claim_is_given_in_full_on_one_line(client, db):
    motion, _, camps = plant_debate()
    long = ArgumentFactory(motion=motion, claim="A long\nclaim, " + "word " * 80 + "\r\n the end.")
    Vote.objects.bulk_create(
        Vote(user=voter, argument=long, choice=Vote.Choice.AGREE) for voter in camps[0]
    )
    services.refresh(motion_id=motion.pk)
    response = download(client, motion)
    text = argument_rows(response)[long.pk]["text"]
    assert text == "A long claim, " + "word " * 80 + "the end."
    assert "…" not in text
    # One line a claim: as many lines in the file as rows, and the header.
    assert response.content.decode().count("\n") == len(table(response)) + 1


def test_the_motion_has_a_row_of_its_own_with_each_groups_votes(client, planted):
    motion, _, _ = planted
    result = MotionAnalysis.objects.get(motion=motion).result
    rows = table(download(client, motion))
    row = rows[0]
    assert [r["kind"] for r in rows].count("motion") == 1
    assert (row["kind"], row["argument_id"], row["bearing"]) == ("motion", "", "")
    assert row["url"] == f"http://testserver{motion.get_absolute_url()}"
    assert row["text"] == motion.claim
    on_motion = dict(
        Vote.objects.filter(motion=motion, argument=None).values_list("user_id", "choice")
    )
    for group in result["groups"]:
        number = group["id"] + 1
        cast = [on_motion[m] for m in group["members"] if m in on_motion]
        agree = cast.count(Vote.Choice.AGREE)
        assert (int(row[f"group_{number}_agree"]), int(row[f"group_{number}_disagree"])) == (
            agree,
            len(cast) - agree,
        )
    # The camps split on the motion: the page lists it as divisive, and so does the file.
    assert {"kind": "motion", "id": motion.pk} in [
        {"kind": d["kind"], "id": d["id"]} for d in result["divisive"]
    ]
    assert row["divisive"] == "yes" and row["common_ground"] == "no"
    bridging = next(b for b in result["bridging"] if b["kind"] == "motion")
    assert row["bridging_status"] == bridging["status"]
    assert float(row["across_the_divide"]) == bridging["intercept"]
    assert row["crux_side"] == row["crux_voters"] == row["crux_log_odds"] == ""


def test_a_row_stored_before_the_motion_s_tallies_leaves_its_cells_empty(client, planted):
    motion, _, _ = planted
    stored = MotionAnalysis.objects.get(motion=motion)
    del stored.group_votes["motion"]
    stored.save()
    rows = table(download(client, motion))
    assert rows[0]["kind"] == "motion"
    assert {value for key, value in rows[0].items() if key.startswith("group_")} == {""}
    assert all(row[key] != "" for row in rows[1:] for key in row if key.startswith("group_"))


def test_the_page_links_to_its_download(client, planted):
    motion, _, _ = planted
    html = client.get(reverse("analysis", args=[motion.slug])).content.decode()
    assert f'<a href="{reverse("analysis_csv", args=[motion.slug])}" download>' in html


def test_only_safe_methods(client, planted):
    motion, _, _ = planted
    url = reverse("analysis_csv", args=[motion.slug])
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


# The motion, the stored analysis, the arguments it names; signed in or not, for a shown motion
# needs nobody's account (and the session comes from the cache).
DOWNLOAD_QUERIES = 3


def test_the_download_costs_constant_queries(client, db, django_assert_num_queries):
    for camp_size, slug in ((6, "small"), (20, "big")):
        motion, _, camps = analysed(camp_size=camp_size, slug=slug)
        client.logout()
        with django_assert_num_queries(DOWNLOAD_QUERIES):
            assert download(client, motion).status_code == 200
        client.force_login(camps[0][0])
        with django_assert_num_queries(DOWNLOAD_QUERIES):
            assert download(client, motion).status_code == 200


def test_the_docstring_documents_every_column_in_the_header_s_order(planted):
    motion, _, _ = planted
    row = MotionAnalysis.objects.get(motion=motion)
    header, _ = queries.download(motion, row, queries.analysis_of(row), link=str)
    # Each item of the docstring's list names its columns before its first colon.
    documented = re.findall(r"^ *- (.*?):", queries.download.__doc__, re.M)
    named = [name for line in documented for name in re.findall(r"`(\w+)`", line)]
    groups = [name for name in header if name.startswith("group_")]
    assert [n for n in named if n.startswith("group_N")] == ["group_N_agree", "group_N_disagree"]
    assert [n for n in named if not n.startswith("group_N")] == [
        name for name in header if name not in groups
    ]
