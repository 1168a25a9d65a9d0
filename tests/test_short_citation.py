"""A source cited in short, one rule for the cards and the feeds (Source.short_citation)."""

from datetime import date

import pytest

from tests.factories import ArgumentFactory, MotionFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("author", "published_on", "title", "short"),
    [
        ("Simon Saradzhyan", date(2021, 1, 29), "How Putin's Russia…", "Simon Saradzhyan 2021"),
        ("Simon Saradzhyan", None, "How Putin's Russia…", "Simon Saradzhyan"),
        ("", None, "One two three four five six seven eight", "One two three four five six …"),
    ],
)
def test_a_source_in_short_is_its_author_and_year_else_its_title_begun(
    author, published_on, title, short
):
    source = SourceFactory(author=author, published_on=published_on, title=title)
    assert source.short_citation == short


def test_a_card_citing_the_motions_own_source_cites_it_in_short(client):
    source = SourceFactory(author="Ann Writer", published_on=date(2020, 5, 1), title="A long essay")
    motion = MotionFactory(source=source, quote="Quoted words.")
    ArgumentFactory(motion=motion, source=source, quote="More words.")
    page = client.get(motion.get_absolute_url()).content.decode()
    assert (
        'class="citation__short" title="Ann Writer, A long essay, 1 May 2020">'
        "<bdi>Ann Writer 2020</bdi></a>" in page
    )
