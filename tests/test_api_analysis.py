"""The API's analysis of a motion (issue 22): analysis.json's data under /api/v1/, with its rule
that only moderators learn who forms an opinion group."""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from api import tokens
from debates import moderation
from tests.factories import MotionFactory
from tests.test_analysis_pages import ANONYMOUS_PAGE_QUERIES, analysed

API = "/api/v1"


@pytest.fixture
def planted(db):
    return analysed()


def as_page_gives(client, motion):
    return client.get(reverse("analysis_json", args=[motion.slug])).json()


def test_the_api_gives_what_analysis_json_gives_and_names_no_members(planted, member):
    motion, _, _ = planted
    client = Client()
    body = client.get(f"{API}/motions/{motion.slug}/analysis").json()
    assert body["computed_at"] and body["voters"] == 24 and body["cruxes"]
    assert all(group["members"] is None for group in body["groups"])
    page = as_page_gives(client, motion)
    for group in body["groups"]:
        del group["members"]
    body["computed_at"] = page["computed_at"] = None  # the same instant, written two ways
    assert body == page
    client.force_login(member)
    signed_in = client.get(f"{API}/motions/{motion.slug}/analysis").json()
    assert all(group["members"] is None for group in signed_in["groups"])


def test_a_moderator_learns_the_members_by_session_or_token(planted, moderator):
    motion, _, camps = planted
    everyone = sorted(user.pk for camp in camps for user in camp)
    client = Client()
    client.force_login(moderator)
    groups = client.get(f"{API}/motions/{motion.slug}/analysis").json()["groups"]
    assert sorted(m for group in groups for m in group["members"]) == everyone
    _, key = tokens.create_token(user=moderator, name="audit", scope="read")
    by_token = Client().get(
        f"{API}/motions/{motion.slug}/analysis", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert sorted(m for group in by_token.json()["groups"] for m in group["members"]) == everyone


def test_before_any_run_it_says_so(db):
    motion = MotionFactory()
    body = Client().get(f"{API}/motions/{motion.slug}/analysis").json()
    assert body["computed_at"] is None and body["groups"] == [] and body["reason"]


def test_a_hidden_motion_has_no_public_analysis(planted, moderator):
    motion, _, _ = planted
    moderation.hide_motion(moderator=moderator, motion=motion, reason="test")
    response = Client().get(f"{API}/motions/{motion.slug}/analysis")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert Client().get(f"{API}/motions/nope/analysis").status_code == 404


def test_it_costs_what_the_page_costs_and_answers_304_to_its_etag(db, django_assert_num_queries):
    for camp_size, slug in ((6, "small"), (20, "big")):
        motion, _, _ = analysed(camp_size=camp_size, slug=slug)
        url = f"{API}/motions/{motion.slug}/analysis"
        with django_assert_num_queries(ANONYMOUS_PAGE_QUERIES):
            first = Client().get(url)
        assert Client().get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def group_annotation(html, argument_id):
    found = re.search(rf'id="group-agreement-{argument_id}">([^<]*)</p>', html)
    return found and found.group(1)


def test_a_group_s_number_is_what_the_pages_call_it_and_its_claims_carry_their_votes(planted):
    """The walk: the API numbered groups 0 and 1 where the pages and ?group= say 1 and 2, and
    its representative claims had no votes, so which way a group leaned was unknown. Each
    group's `number` links to its own view of the debate, which shows the votes the API gives,
    as the analysis page does."""
    motion, _, _ = planted
    client = Client()
    groups = client.get(f"{API}/motions/{motion.slug}/analysis").json()["groups"]
    assert sorted(group["number"] for group in groups) == [1, 2]
    analysis_page = html.unescape(
        client.get(reverse("analysis", args=[motion.slug])).content.decode()
    )
    leanings = set()
    for group in groups:
        assert group["id"] == group["number"] - 1  # kept, as v1 documents it
        arguments = [ref for ref in group["representative"] if ref["kind"] == "argument"]
        assert arguments
        view = client.get(motion.get_absolute_url(), {"group": group["number"]}).content.decode()
        # The page shows the first ten by the group's agreement; a claim it rejects may be below.
        shown = [ref for ref in arguments if group_annotation(view, ref["id"])]
        assert shown
        for ref in shown:
            share = round(100 * ref["agree"] / ref["votes"])
            assert group_annotation(view, ref["id"]) == (
                f"Opinion group {group['number']}: {ref['agree']} of {ref['votes']} agree "
                f"({share}%)"
            )
        for ref in arguments:
            assert f"{ref['agree']} of {ref['votes']} agree here" in analysis_page
            rest = ref["agree_rest"] / ref["votes_rest"]
            leanings.add(ref["agree"] / ref["votes"] > rest)
    assert leanings == {True, False}  # a group sets itself apart by agreeing, or by rejecting


def test_the_document_says_what_a_group_s_number_and_its_claims_figures_are():
    schemas = Client().get(f"{API}/openapi.json").json()["components"]["schemas"]
    group = schemas["GroupOut"]["properties"]
    assert "?group=" in group["number"]["description"]
    assert {"number", "id"} <= set(schemas["GroupOut"]["required"])
    representative = schemas[group["representative"]["items"]["$ref"].split("/")[-1]]
    assert {"kind", "id", "agree", "votes", "agree_rest", "votes_rest"} <= set(
        representative["required"]
    )
