"""What a moderator acts on is what was flagged: a flag raised on a wording its author has
replaced since shows that wording in the review queue, and a log entry on an argument reworded
after the act shows what it said then. Moderators also read a retracted argument's words there,
where the debate shows only "[retracted by its author]"."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debates import moderation, services
from tests.factories import ArgumentFactory, verified_user

pytestmark = pytest.mark.django_db

FIRST = "Buy cheap watches at example.com."
SECOND = "Watches are cheaper at example.com."
THIRD = "Trams last longer than buses."


@pytest.fixture
def argument(author):
    return ArgumentFactory(author=author, claim=FIRST)


def flag(claim, reason="spam"):
    return moderation.flag_claim(flagger=verified_user(), claim=claim, reason=reason)


def reword(argument, claim):
    return services.edit_argument(editor=argument.author, argument=argument, claim=claim)


def queue(client, moderator):
    client.force_login(moderator)
    return client.get(reverse("moderation_queue")).content.decode()


def flag_lines(page):
    return re.findall(r"<li><span class=\"badge\">.*?</li>", page, re.S)


def test_a_flag_on_a_replaced_wording_shows_that_wording(client, moderator, argument):
    flag(argument)
    reword(argument, SECOND)
    page = queue(client, moderator)
    claim = re.search(r'<blockquote class="queue-item__claim"[^>]*>(.*?)</blockquote>', page, re.S)
    assert claim.group(1) == SECOND
    assert "Reworded since flagged" in page
    [line] = flag_lines(page)
    assert f'Flagged when it said: “<bdi dir="auto">{FIRST}</bdi>”' in line


def test_each_flag_shows_the_wording_it_was_raised_on(client, moderator, argument):
    flag(argument)
    reword(argument, SECOND)
    flag(argument, reason="abuse")
    reword(argument, THIRD)
    flag(argument, reason="off-topic")
    first, second, third = flag_lines(queue(client, moderator))
    assert "Spam" in first and FIRST in first and SECOND not in first
    assert "Abuse" in second and SECOND in second and FIRST not in second
    assert "Off-topic" in third and "Flagged when it said" not in third


def test_a_flag_on_the_wording_shown_says_nothing_more(client, moderator, argument):
    reword(argument, SECOND)
    flag(argument)
    page = queue(client, moderator)
    assert "Flagged when it said" not in page and "Reworded since flagged" not in page


def test_a_retracted_arguments_words_are_the_moderators_to_read(
    client, moderator, argument, author
):
    flag(argument)
    services.retract_argument(author=author, argument=argument)
    page = queue(client, moderator)
    claim = f'id="queue-argument-{argument.pk}-claim" dir="auto">{FIRST}</blockquote>'
    assert claim in page
    moderation.hide_argument(moderator=moderator, argument=argument, reason="Spam")
    log = client.get(reverse("moderation_log")).content.decode()
    assert f"[retracted by its author] “<bdi>{FIRST}</bdi>”" in log


def test_the_log_shows_what_an_argument_said_when_a_moderator_acted(client, moderator, argument):
    moderation.hide_argument(moderator=moderator, argument=argument, reason="Looks like spam")
    moderation.restore_argument(moderator=moderator, argument=argument, reason="A real shop")
    argument.refresh_from_db()
    reword(argument, SECOND)
    moderation.hide_argument(moderator=moderator, argument=argument, reason="Spam after all")
    client.force_login(moderator)
    log = client.get(reverse("moderation_log")).content.decode()
    rows = re.findall(r'<tr class="log__entry.*?</tr>', log, re.S)
    latest, restored, hidden = rows
    assert "Spam after all" in latest and "it said then" not in latest
    assert f"Reworded since; it said then: “<bdi>{FIRST}</bdi>”" in restored
    assert f"Reworded since; it said then: “<bdi>{FIRST}</bdi>”" in hidden
    assert all(f"“<bdi>{SECOND}</bdi>”" in row for row in rows)


@pytest.mark.parametrize("page", ["moderation_queue", "moderation_log"])
def test_earlier_wordings_cost_one_query_however_many(
    client, django_assert_num_queries, moderator, page
):
    """Pages of untouched arguments cost what they did; reworded ones, one query more."""
    plain = [ArgumentFactory(author=verified_user()) for _ in range(3)]
    for argument in plain:
        flag(argument)
        moderation.hide_argument(moderator=moderator, argument=argument, reason="Spam")
        moderation.restore_argument(moderator=moderator, argument=argument, reason="Fine")
        flag(argument)
    client.force_login(moderator)
    client.get(reverse(page))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse(page))
    for argument in plain:
        argument.refresh_from_db()
        reword(argument, f"{argument.claim} Reworded.")
        reword(argument, f"{argument.claim} Twice.")
    with django_assert_num_queries(len(before) + 1):
        body = client.get(reverse(page)).content.decode()
    assert body.count("Reworded since") >= 3
