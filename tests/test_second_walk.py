"""What a second walk through a reader's, an author's and a moderator's journeys met: a locked
motion still offered its authors an Edit that could only refuse, a suspended member's page said
why she could not vote under every single argument, and a screen reader had no heading to go
from one argument to the next."""

import re
import uuid

import pytest
from django.urls import reverse

from debates import moderation
from tests.factories import ArgumentFactory, MotionFactory

pytestmark = pytest.mark.django_db


def edit_links(page, argument):
    url = reverse("edit_argument", args=[argument.motion.slug, argument.pk])
    return re.findall(rf'<a href="{re.escape(url)}"[^>]*>', page)


@pytest.mark.parametrize("close", ["lock", "hide"])
def test_a_closed_motion_offers_no_edit_until_it_reopens(
    client, moderator, author, close, django_capture_on_commit_callbacks
):
    """Its pages are cached by the motion's activity stamp, which the act's announcement bumps
    as it commits."""
    argument = ArgumentFactory(motion=MotionFactory(), author=author, claim="Mine to reword.")
    motion = argument.motion
    client.force_login(author)
    pages = [motion.get_absolute_url(), argument.get_absolute_url()]
    for url in pages:
        (link,) = edit_links(client.get(url).content.decode(), argument)
        assert " hidden" not in link

    closing = moderation.lock_motion if close == "lock" else moderation.hide_motion
    with django_capture_on_commit_callbacks(execute=True):
        closing(moderator=moderator, motion=motion, reason="Cooling off")
    for url in pages:
        # Hidden rather than gone: a live reopening offers it again (crux.js).
        (link,) = edit_links(client.get(url).content.decode(), argument)
        assert link.endswith(" hidden>"), url
    edit = client.get(reverse("edit_argument", args=[motion.slug, argument.pk]))
    assert edit.status_code in (403, 409)

    with django_capture_on_commit_callbacks(execute=True):
        if close == "lock":
            moderation.unlock_motion(moderator=moderator, motion=motion)
        else:
            moderation.restore_motion(moderator=moderator, motion=motion, reason="Fine")
    (link,) = edit_links(client.get(motion.get_absolute_url()).content.decode(), argument)
    assert " hidden" not in link


def headings(page):
    """(level, text) of every heading, <hN> or role="heading", in page order."""
    found = re.findall(
        r'<h([1-6])[^>]*>(.*?)</h\1>|<p [^>]*role="heading" aria-level="(\d)"[^>]*>(.*?)</p>',
        page,
        re.S,
    )
    return [
        (int(level or aria), " ".join(re.sub(r"<[^>]+>", "", text or claim).split()))
        for level, text, aria, claim in found
    ]


def test_every_argument_is_a_heading_below_its_pages_own(client):
    top = ArgumentFactory(claim="Trams first.")
    reply = ArgumentFactory(motion=top.motion, parent=top, claim="Buses are cheaper.")
    ArgumentFactory(motion=top.motion, parent=reply, claim="Not per rider.")

    on_motion = headings(client.get(top.motion.get_absolute_url()).content.decode())
    assert on_motion[:2] == [(1, top.motion.title), (2, "Arguments (3)")]
    claims = [(3, "Trams first."), (3, "Buses are cheaper."), (3, "Not per rider.")]
    assert [h for h in on_motion if h in claims] == claims

    # A thread that starts deep still goes one level at a time: 1, 2, then its claims.
    on_its_page = headings(client.get(reply.get_absolute_url()).content.decode())
    assert on_its_page == [
        (1, "Pro argument: Buses are cheaper."),
        (2, "The argument and its replies"),
        (3, "Buses are cheaper."),
        (3, "Not per rider."),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_posters_answer_brings_the_follow_line_of_what_she_answered(client, author):
    """Posting follows what it answers: her page's line says so at once, as a reload would
    (the follow is made as the post commits, so this test commits)."""
    top = ArgumentFactory(claim="Trams first.")
    motion = top.motion
    client.force_login(author)
    line = f'id="follow-motion-{motion.pk}"'
    assert "Follow this motion</a>" in client.get(motion.get_absolute_url()).content.decode()

    answer = client.post(
        reverse("reply_motion", args=[motion.slug]),
        {"stance": "pro", "claim": "Cheaper too.", "submission_key": uuid.uuid4()},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert f'<hx-partial hx-target="#follow-motion-{motion.pk}" hx-swap="outerHTML">' in answer
    assert line in answer and "You are following this motion" in answer

    answer = client.post(
        reverse("reply", args=[motion.slug, top.pk]),
        {"stance": "con", "claim": "Not here.", "submission_key": uuid.uuid4()},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert f'<hx-partial hx-target="#follow-argument-{top.pk}" hx-swap="outerHTML">' in answer
    assert "You are following this argument" in answer
    reload = client.get(top.get_absolute_url()).content.decode()
    assert "You are following this argument" in reload


def test_an_overlong_source_address_is_told_by_how_much_and_kept(client, author):
    """As on the add-source form: the house's count, not Django's stock sentence."""
    motion = MotionFactory()
    client.force_login(author)
    address = "https://example.org/" + "a" * 2000
    response = client.post(
        reverse("reply_motion", args=[motion.slug]),
        {"stance": "pro", "claim": "Cited.", "source_url": address, "submission_key": uuid.uuid4()},
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "over the limit of 2,000" in page and "Ensure this value" not in page
    assert address in page
