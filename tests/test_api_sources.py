"""The API's source texts (issue 20): /api/v1/sources/<id>/text."""

import pytest

from debates import moderation, sources
from debates.models import Argument, Source

pytestmark = pytest.mark.django_db


def _text(client, source, **headers):
    return client.get(f"/api/v1/sources/{source.pk}/text", headers=headers)


def test_the_essays_text_comes_with_every_anchor_as_w3c_selectors(client, seeded):
    essay = Source.objects.get(seed_key="saradzhyan-essay")
    response = _text(client, essay)
    assert response.status_code == 200
    data = response.json()
    text = sources.text_of(essay)
    assert data["text"] == text
    assert len(data["anchors"]) == 56
    for anchor in data["anchors"]:
        quote, position = anchor["selector"]
        assert quote["type"] == "TextQuoteSelector"
        assert position["type"] == "TextPositionSelector"
        assert text[position["start"] : position["end"]] == quote["exact"]
        assert text[: position["start"]].endswith(quote["prefix"])
        assert anchor["status"] == "exact"
    assert data["coverage"]["argued"] <= data["coverage"]["paragraphs"] == len(data["paragraphs"])
    assert response.headers["ETag"]


def test_hidden_arguments_and_hidden_sources_show_nothing(client, seeded, moderator):
    essay = Source.objects.get(seed_key="saradzhyan-essay")
    argument = Argument.objects.filter(source=essay).first()
    moderation.hide_argument(moderator=moderator, argument=argument, reason="Test.")
    anchors = _text(client, essay).json()["anchors"]
    claims = [(anchor["claim"]["kind"], anchor["claim"]["id"]) for anchor in anchors]
    assert ("argument", argument.pk) not in claims
    Source.objects.filter(pk=essay.pk).update(visibility="hidden")
    data = _text(client, essay).json()
    assert (data["text"], data["anchors"], data["visibility"]) == (None, [], "hidden")
    assert data["source"]["title"] == "[hidden by a moderator]"


def test_a_source_without_text_has_none(client, seeded):
    trenin = Source.objects.get(seed_key="trenin-article")
    data = _text(client, trenin).json()
    assert (data["text"], data["anchors"], data["coverage"]) == (None, [], None)
    assert client.get("/api/v1/sources/999999/text").status_code == 404


def test_the_text_costs_constant_queries(client, seeded, django_assert_num_queries):
    essay = Source.objects.get(seed_key="saradzhyan-essay")
    with django_assert_num_queries(3):
        assert _text(client, essay).status_code == 200


def test_a_hidden_source_is_described_as_hidden_wherever_the_api_names_it(client, seeded):
    essay = Source.objects.get(seed_key="saradzhyan-essay")
    citing = Argument.objects.filter(source=essay).select_related("motion").first()
    Source.objects.filter(pk=essay.pk).update(visibility="hidden")
    described = client.get(f"/api/v1/sources/{essay.pk}").json()
    assert (described["title"], described["author"]) == ("[hidden by a moderator]", "")
    cited = client.get(f"/api/v1/motions/{citing.motion.slug}/arguments/{citing.pk}").json()
    assert essay.title not in str(cited)


def test_a_source_read_varies_on_the_session_as_on_the_token(client, seeded):
    """A session may read a source a moderator hid: no cache may hand its answer to another."""
    essay = Source.objects.get(seed_key="saradzhyan-essay")
    for response in (client.get(f"/api/v1/sources/{essay.pk}"), _text(client, essay)):
        assert response.status_code == 200
        assert {"Authorization", "Cookie"} <= set(response["Vary"].replace(" ", "").split(","))
