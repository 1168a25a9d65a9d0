"""The cached tree of a motion page: used for anonymous readers, never stale after a change."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts import services as account_services
from accounts.services import grant_moderator
from debates import moderation, services, voting
from tests.factories import ArgumentFactory, MotionFactory, UserFactory, verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def debate():
    motion = MotionFactory()
    author = verified_user()
    argument = ArgumentFactory(motion=motion, author=author, claim="Cached claim.")
    return motion, argument, author


def page(client, motion):
    return client.get(motion.get_absolute_url()).content.decode()


def test_a_second_anonymous_reader_is_served_from_the_cache(
    client, debate, django_assert_num_queries
):
    motion, _, _ = debate
    page(client, motion)
    with django_assert_num_queries(1):
        html = page(client, motion)
    assert "Cached claim." in html


def csrf_token_of_vote_form(html, argument):
    form = re.search(rf'<form[^>]* id="vote-argument-{argument.pk}".*?</form>', html, re.S)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group()).group(1)


def test_cached_forms_carry_each_readers_own_csrf_token(debate, django_assert_num_queries):
    motion, argument, _ = debate
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_html = page(first, motion)
    with django_assert_num_queries(1):  # the second reader's tree comes from the cache
        second_html = page(second, motion)
    assert "__crux_csrf_token__" not in first_html + second_html
    first_token, second_token = (
        csrf_token_of_vote_form(html, argument) for html in (first_html, second_html)
    )

    vote = reverse("vote_argument", args=[motion.slug, argument.pk])
    # A reader's own token passes the CSRF check (the vote view then sends them to sign in);
    # the other reader's is refused.
    for reader, own, other in [
        (first, first_token, second_token),
        (second, second_token, first_token),
    ]:
        assert reader.post(vote, {"choice": "agree", "csrfmiddlewaretoken": own}).status_code == 302
        assert (
            reader.post(vote, {"choice": "agree", "csrfmiddlewaretoken": other}).status_code == 403
        )


def test_an_edit_is_never_served_stale(client, debate, django_capture_on_commit_callbacks):
    motion, argument, author = debate
    assert "Cached claim." in page(client, motion)
    with django_capture_on_commit_callbacks(execute=True):
        services.edit_argument(editor=author, argument=argument, claim="Edited claim.")
    html = page(client, motion)
    assert "Edited claim." in html and "Cached claim." not in html


def test_a_vote_is_never_served_stale(client, debate, django_capture_on_commit_callbacks):
    motion, argument, _ = debate
    page(client, motion)
    with django_capture_on_commit_callbacks(execute=True):
        voting.cast_vote(voter=UserFactory(), claim=argument, choice="agree")
    assert f'id="vote-argument-{argument.pk}-agree-count">1<' in page(client, motion)


@pytest.mark.django_db(transaction=True)
def test_a_vote_on_its_own_is_never_served_stale(client, debate):
    """As the vote view casts it: its own transaction, which on PostgreSQL stamps the motion in
    the vote's own statement (migration 0012) rather than after the commit."""
    motion, argument, _ = debate
    page(client, motion)
    voting.cast_vote_at(
        voter=UserFactory(), slug=motion.slug, argument_id=argument.pk, choice="agree"
    )
    assert f'id="vote-argument-{argument.pk}-agree-count">1<' in page(client, motion)


def test_moderation_is_never_served_stale(client, debate, django_capture_on_commit_callbacks):
    motion, argument, _ = debate
    moderator = verified_user()
    grant_moderator(user=moderator)
    page(client, motion)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.hide_argument(moderator=moderator, argument=argument, reason="Abuse.")
    html = page(client, motion)
    assert "Cached claim." not in html and "[hidden by a moderator]" in html


def test_a_writer_s_new_name_is_never_served_stale(debate, django_capture_on_commit_callbacks):
    """Her name is in every tree she wrote in: renaming herself or closing her account retires
    them, so a closed account's old name is not kept on show."""
    motion, _, author = debate
    elsewhere = ArgumentFactory(author=author).motion
    reader = Client()
    assert author.display_name in page(reader, motion) and author.display_name in page(
        reader, elsewhere
    )
    with django_capture_on_commit_callbacks(execute=True):
        account_services.update_profile(user=author, display_name="Renamed Rosa", bio="")
    assert "Renamed Rosa" in page(reader, motion) and "Renamed Rosa" in page(reader, elsewhere)

    with django_capture_on_commit_callbacks(execute=True):
        account_services.delete_account(user=author)
    for html in (page(reader, motion), page(reader, elsewhere)):
        assert "Renamed Rosa" not in html and f"Former member {author.pk}" in html


def test_signed_in_readers_get_their_own_render(client, debate):
    motion, argument, author = debate
    page(client, motion)
    client.force_login(author)
    html = page(client, motion)
    assert f"/arguments/{argument.pk}/edit/" in html, "the author's own tools are not cached"


def test_what_people_write_never_has_a_reader_s_token_or_address_filled_in(client, debate):
    """The placeholders of a shared tree are filled in where the templates put them alone: a
    member who spells one in her link or claim gets her words shown as written, not a way to
    send each reader's CSRF token to her site."""
    motion, _, author = debate
    link = "https://evil.example/?t=__crux_csrf_token__&at=__crux_here__"
    services.post_argument(
        author=author,
        motion=motion,
        parent=None,
        stance="pro",
        claim="Token __crux_csrf_token__ here __crux_here__",
        details=f"[See the evidence]({link})",
        source_url=link,
    )
    reader = Client()
    reader.force_login(verified_user(display_name="Reading Rita"))
    for url in (motion.get_absolute_url(), reverse("more_motion_replies", args=[motion.slug])):
        for viewer in (client, reader):
            html = viewer.get(url).content.decode()
            assert html.count("Token __crux_csrf_token__ here __crux_here__") == 1, url
            assert html.count(link.replace("&", "&amp;")) >= 2
            # Every vote form still carries the reader's own token and comes back to the page.
            tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
            assert tokens and "__crux_csrf_token__" not in tokens
            nexts = re.findall(r'name="next" value="([^"#]*)#', html)
            assert nexts and set(nexts) == {url}, url
