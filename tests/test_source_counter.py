"""The add-source form's text box counts to the limit its help and the service say (200,000
characters), and a text sent over it is told by how much and kept, never cut by the browser."""

import re

import pytest
from django.urls import reverse

from debates import sources
from debates.models import SOURCE_TEXT_MAX_LENGTH, Source

pytestmark = pytest.mark.django_db


def _text_box(html: str) -> str:
    return re.search(r'<textarea[^>]*name="text"[^>]*>', html)[0]


def test_the_text_box_counts_to_the_limit_its_help_gives_and_has_no_maxlength(client, member):
    client.force_login(member)
    html = client.get(reverse("add_source")).content.decode()
    box = _text_box(html)
    assert f'data-limit="{SOURCE_TEXT_MAX_LENGTH}"' in box
    assert "maxlength" not in box  # a browser without scripts would cut a long paste unseen
    assert 'aria-required="true"' in box
    assert f"up to {SOURCE_TEXT_MAX_LENGTH:,} characters" in html


def test_a_text_over_the_limit_is_told_by_how_much_and_kept_whole(client, member):
    client.force_login(member)
    text = "Kept words. " + "x" * (SOURCE_TEXT_MAX_LENGTH - 12 + 3)
    response = client.post(reverse("add_source"), {"title": "Too long", "text": text})
    assert response.status_code == 422
    html = response.content.decode()
    assert f"3 characters over the limit of {SOURCE_TEXT_MAX_LENGTH:,}." in html
    assert text in html
    assert not Source.objects.filter(title="Too long").exists()


def test_windows_line_breaks_count_one_character_each_as_the_counter_counts_them(client, member):
    """What the limit was once doubled for: a paste's CRLF line breaks do not count twice."""
    client.force_login(member)
    line = "y" * 99
    text = f"{line}\r\n" * (SOURCE_TEXT_MAX_LENGTH // 100)  # 200,000 counted, 202,000 sent
    response = client.post(reverse("add_source"), {"title": "At the limit", "text": text})
    assert response.status_code == 303
    added = Source.objects.get(title="At the limit")
    assert sources.text_of(added) == "\n".join([line] * (SOURCE_TEXT_MAX_LENGTH // 100))
    response = client.post(reverse("add_source"), {"title": "One over", "text": text + "z"})
    assert response.status_code == 422
    assert f"1 character over the limit of {SOURCE_TEXT_MAX_LENGTH:,}." in response.text
