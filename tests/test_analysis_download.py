"""The analysis as a CSV download: one row per argument, each opinion group's votes as cast and
the bridging and crux figures the page shows; refused where the page is."""

import csv
import io

import pytest
from django.urls import reverse

from analysis import services
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
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_download_is_a_csv_file_named_for_its_motion_and_run(client, planted):
    motion, _, _ = planted
    response = download(client, motion)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    computed = MotionAnalysis.objects.get(motion=motion).computed_at
    assert response["Content-Disposition"] == (
        f'attachment; filename="planted-analysis-{computed:%Y-%m-%d}.csv"'
    )
    # A hidden motion's file is for its moderators: never kept by a shared cache.
    assert set(response["Cache-Control"].replace(" ", "").split(",")) == {"private", "no-store"}


def test_one_row_per_argument_with_each_groups_votes_as_cast(client, planted):
    motion, args, _ = planted
    stored = MotionAnalysis.objects.get(motion=motion)
    rows = table(download(client, motion))
    groups = stored.result["groups"]
    assert list(rows[0]) == [
        "argument_id",
        "url",
        "text",
        "bearing",
        *(f"group_{g['id'] + 1}_{way}" for g in groups for way in ("agree", "disagree")),
        "across_the_divide",
        "lean",
        "bridging",
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
    assert common["bridging"] == "bridging" and common["common_ground"] == "yes"


def test_the_bridging_and_crux_figures_are_the_stored_ones(client, planted):
    motion, _, _ = planted
    result = MotionAnalysis.objects.get(motion=motion).result
    rows = {int(row["argument_id"]): row for row in table(download(client, motion))}
    for bridging in result["bridging"]:
        if bridging["kind"] == "argument" and bridging["id"] in rows:
            row = rows[bridging["id"]]
            assert float(row["across_the_divide"]) == bridging["intercept"]
            assert float(row["lean"]) == abs(bridging["factor"])
            assert row["bridging"] == bridging["status"]
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


def test_hidden_and_retracted_arguments_are_left_out_even_for_moderators(
    client, planted, moderator
):
    motion, args, _ = planted
    client.force_login(moderator)
    content = download(client, motion).content.decode()
    assert "Hidden claim text" not in content and "Retracted claim text" not in content
    ids = {int(row["argument_id"]) for row in table(download(client, motion))}
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
    assert table(download(client, motion))


def test_nothing_to_download_before_the_first_run(client, db):
    motion = MotionFactory()
    Vote.objects.create(user=UserFactory(), motion=motion, choice=Vote.Choice.AGREE)
    assert download(client, motion).status_code == 404
    html = client.get(reverse("analysis", args=[motion.slug])).content.decode()
    assert reverse("analysis_csv", args=[motion.slug]) not in html


def test_a_claim_opens_in_a_spreadsheet_as_text_never_as_a_formula(client, db):
    motion, _, camps = plant_debate()
    formula = ArgumentFactory(motion=motion, claim='=HYPERLINK("http://evil.example","x")')
    long = ArgumentFactory(motion=motion, claim="A long\nclaim " + "word " * 60)
    Vote.objects.bulk_create(
        Vote(user=voter, argument=argument, choice=Vote.Choice.AGREE)
        for voter in camps[0]
        for argument in (formula, long)
    )
    services.refresh(motion_id=motion.pk)
    rows = {int(row["argument_id"]): row for row in table(download(client, motion))}
    assert rows[formula.pk]["text"] == "'" + formula.claim
    text = rows[long.pk]["text"]
    assert len(text) == 120 and text.startswith("A long claim word") and text.endswith("…")


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
