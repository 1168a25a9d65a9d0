"""Every section of the Analysis page says in plain words what puts a claim there, with the
computation's own numbers: here the divisive claims and what sets a group apart."""

import re

import pytest
from django.urls import reverse

from analysis import compute_groups, views
from analysis.ballots import ballots
from analysis.compute import Claim, analyse
from analysis.models import MotionAnalysis
from tests.test_analysis_pages import analysed


@pytest.fixture
def planted(db):
    return analysed()


def section(client, motion, heading):
    html = client.get(reverse("analysis", args=[motion.slug])).content.decode()
    return html.split(f'id="{heading}"')[1].split("</section>")[0]


def test_divisive_claims_say_what_puts_a_claim_there(client, planted):
    motion, _, _ = planted
    divisive = section(client, motion, "divisive-heading")
    assert (
        "Claims the opinion groups split on: the group that agrees with a claim most and the "
        "group that agrees with it least are further apart than chance would explain (a test of "
        "the two groups' shares at 90% confidence, z of at least 1.64). The widest splits come "
        "first." in divisive
    )


def test_the_divisive_rule_states_the_computation_s_numbers(client, planted, monkeypatch):
    motion, _, _ = planted
    monkeypatch.setattr(views, "DIVISIVE_Z", 2.5758)
    divisive = section(client, motion, "divisive-heading")
    assert "at 99% confidence, z of at least 2.58" in divisive
    # And that number is the one the computation applies.
    votes = ballots(motion.pk)
    assert analyse(votes, motion=Claim("motion", motion.pk)).divisive
    monkeypatch.setattr(compute_groups, "DIVISIVE_Z", 100.0)
    assert analyse(votes, motion=Claim("motion", motion.pk)).divisive == ()


def test_each_divisive_argument_shows_how_each_group_voted_as_cast(client, planted):
    motion, args, _ = planted
    stored = MotionAnalysis.objects.get(motion=motion)
    divisive = section(client, motion, "divisive-heading")
    by_id = {argument.pk: argument for argument in args.values()}
    shown = 0
    for row in stored.result["divisive"]:
        if row["kind"] != "argument":
            continue
        figures = "; ".join(
            "group {}: {} of {} agree".format(
                group["id"] + 1, *stored.group_votes[str(group["id"])][str(row["id"])]
            )
            for group in stored.result["groups"]
        )
        item = re.search(
            rf'<a href="{by_id[row["id"]].get_absolute_url()}">.*?</li>', divisive, re.S
        )
        assert f"({figures})</span></li>" in item.group(0)
        shown += 1
    assert shown, "the planted camps split on their arguments"


def test_without_groups_the_divisive_section_says_why_it_is_empty(client, db):
    motion, _, _ = analysed(camp_size=1)
    divisive = section(client, motion, "divisive-heading")
    assert "The widest splits come first; without opinion groups there are none." in divisive
    assert "None yet." in divisive


def test_the_groups_say_what_sets_a_group_apart(client, planted, monkeypatch):
    motion, _, _ = planted
    groups = section(client, motion, "groups-heading")
    assert (
        "Under each group, “Sets them apart” lists the claims its members agreed or disagreed "
        "with more than the other voters did, by more than chance would explain (90% "
        "confidence)." in groups
    )
    monkeypatch.setattr(views, "REPRESENTATIVE_Z", 2.3263)
    assert "(99% confidence)" in section(client, motion, "groups-heading")
