"""Whether the Analysis page shows the latest run, and says so when it does not: a stored run
older than the debate's latest change reads "Updating", and every state that can move on (no
vote yet, a run awaited, a newer one on its way) asks again until it has; a report a poll
brings is told to screen readers."""

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from analysis import services
from analysis.models import MotionAnalysis
from debates.models import Motion, Vote
from debates.moderation import hide_argument
from tests.factories import MotionFactory, UserFactory
from tests.test_analysis_pages import analysed

IN_PLACE = {"HX-Request": "true"}
UPDATING = 'id="analysis-updating"'


def poll_of(html):
    """The `since` the page's poll sends, or None when it does not poll."""
    head = html.split('<div id="analysis-report"')[1].split(">")[0]
    if "hx-get" not in head:
        return None
    assert 'hx-swap="outerHTML"' in head
    return head.split("since=")[1].split('"')[0]


@pytest.fixture
def planted(db):
    motion, args, _ = analysed()
    return motion, args, reverse("analysis", args=[motion.slug])


def test_the_latest_run_reads_as_current_and_asks_nothing(client, planted):
    _, _, url = planted
    html = client.get(url).content.decode()
    assert UPDATING not in html and poll_of(html) is None


def test_a_run_older_than_a_hiding_says_so_and_asks_until_the_new_one_is_stored(
    client, planted, moderator, django_capture_on_commit_callbacks
):
    """The tester's case: the only common-ground claim hidden, the worker stopped. The old
    figures stand, under a notice naming their time, and the page asks every few seconds; the
    same answer is no swap, and the new run replaces the report, told to screen readers."""
    motion, args, url = planted
    computed = MotionAnalysis.objects.get(motion=motion).computed_at
    with django_capture_on_commit_callbacks(execute=True):  # the stamp, the queued run
        hide_argument(moderator=moderator, argument=args["common"], reason="Off topic")
    assert MotionAnalysis.objects.get(motion=motion).queued_at is not None
    html = client.get(url).content.decode()
    notice = html.split(UPDATING)[1].split("</p>")[0]
    assert "Updating: these figures are from" in notice
    assert f'datetime="{computed.isoformat()}"' in notice
    assert "a newer analysis is on its way" in notice
    since = poll_of(html)
    assert since.endswith("-behind")
    assert 'hx-trigger="every 5s"' in html
    assert client.get(url, {"since": since}, headers=IN_PLACE).status_code == 204

    services.refresh(motion_id=motion.pk)
    fresh = client.get(url, {"since": since}, headers=IN_PLACE)
    assert fresh.status_code == 200
    fresh = fresh.content.decode()
    assert UPDATING not in fresh and poll_of(fresh) is None
    assert '<hx-partial hx-target="#analysis-status">The analysis has been brought up' in fresh
    assert args["common"].claim not in fresh


def test_a_change_no_run_follows_asks_for_one_so_the_notice_comes_true(client, planted):
    """The stamp moved with no run queued (a run under way or killed, or a writer's new name):
    the page asks for the run it announces, once."""
    motion, _, url = planted
    Motion.objects.filter(pk=motion.pk).update(activity=F("activity") + 1)
    assert MotionAnalysis.objects.get(motion=motion).queued_at is None
    html = client.get(url).content.decode()
    assert UPDATING in html
    assert MotionAnalysis.objects.get(motion=motion).queued_at is not None
    services.refresh(motion_id=motion.pk)
    assert UPDATING not in client.get(url).content.decode()


def test_before_any_vote_the_page_asks_now_and_then_and_shows_the_first_votes(client, db):
    motion = MotionFactory()
    url = reverse("analysis", args=[motion.slug])
    html = client.get(url).content.decode()
    assert "Nobody has voted" in html and poll_of(html) == "none"
    assert 'hx-trigger="every 10s"' in html
    assert client.get(url, {"since": "none"}, headers=IN_PLACE).status_code == 204

    Vote.objects.create(user=UserFactory(), motion=motion, choice=Vote.Choice.AGREE)
    pending = client.get(url, {"since": "none"}, headers=IN_PLACE).content.decode()
    assert "not been analysed yet" in pending and poll_of(pending) == "pending"
    assert "hx-partial" not in pending  # nothing to read yet: nothing said

    services.refresh(motion_id=motion.pk)
    ready = client.get(url, {"since": "pending"}, headers=IN_PLACE).content.decode()
    assert "From the votes of 1 person" in ready and poll_of(ready) is None
    assert '<hx-partial hx-target="#analysis-status">The analysis is ready' in ready


@pytest.mark.parametrize("since", ["", "x" * 3000, "<script>", "none", "123-behind"])
def test_any_since_is_answered_with_the_page_s_state(client, planted, since):
    """Only the state the page shows is "nothing new"; any other word gets the partial."""
    _, _, url = planted
    response = client.get(url, {"since": since}, headers=IN_PLACE)
    assert response.status_code == 200 and 'id="groups-heading"' in response.content.decode()
    assert client.get(url, {"since": since}).status_code == 200


def test_a_poll_that_finds_nothing_new_reads_no_figures(client, planted):
    """Every open page asks every few seconds while a run is awaited: finding nothing new costs
    the motion, the row without its figures (megabytes in a big debate) and a look at the run's
    mark, never the figures."""
    motion, _, url = planted
    Motion.objects.filter(pk=motion.pk).update(activity=F("activity") + 1)
    since = poll_of(client.get(url).content.decode())
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, {"since": since}, headers=IN_PLACE).status_code == 204
    assert len(captured) == 3
    read = [query["sql"] for query in captured if query["sql"].lstrip().startswith("SELECT")]
    assert not any("group_votes" in sql or '"result"' in sql for sql in read), read


def test_a_poll_keeps_the_group_she_compares_herself_with(client, planted):
    motion, _, url = planted
    voter = MotionAnalysis.objects.get(motion=motion).result["groups"][0]["members"][0]
    client.force_login(User.objects.get(pk=voter))
    Motion.objects.filter(pk=motion.pk).update(activity=F("activity") + 1)
    html = client.get(url, {"against": "2"}).content.decode()
    head = html.split('<div id="analysis-report"')[1].split(">")[0]
    assert f'hx-get="{url}?against=2&amp;since=' in head
    services.refresh(motion_id=motion.pk)
    since = poll_of(html)
    fresh = client.get(url, {"against": "2", "since": since}, headers=IN_PLACE).content.decode()
    assert "Where your votes differ most from group 2." in fresh
