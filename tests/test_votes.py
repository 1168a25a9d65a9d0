"""Voting: the service's rules, the views over HTMX and plain forms, and the recount command."""

import re
from datetime import timedelta
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from debates import queries, voting
from debates.errors import DebateRuleError
from debates.models import Argument, Motion, Stance, Vote
from debates.voting import cast_vote
from tests.factories import ArgumentFactory, MotionFactory, UserFactory
from tests.test_pages import grow_debate

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def tallies(claim):
    claim.refresh_from_db()
    return claim.agree_count, claim.disagree_count


def next_of(url):
    return parse_qs(urlsplit(url).query)["next"][0]


def vote_url(claim):
    if isinstance(claim, Motion):
        return reverse("vote_motion", args=[claim.slug])
    return reverse("vote_argument", args=[claim.motion.slug, claim.pk])


@pytest.fixture
def voter():
    return UserFactory()


@pytest.fixture
def argument():
    return ArgumentFactory()


# --- The service -------------------------------------------------------------------------------


def test_agree_records_one_vote_and_counts_it(voter, argument):
    result = cast_vote(voter=voter, claim=argument, choice="agree")

    assert (result.agree_count, result.disagree_count, result.choice) == (1, 0, "agree")
    assert tallies(argument) == (1, 0)
    vote = Vote.objects.get()
    assert (vote.user, vote.argument, vote.motion, vote.choice) == (voter, argument, None, "agree")


def test_the_same_choice_again_withdraws_the_vote(voter, argument):
    cast_vote(voter=voter, claim=argument, choice="disagree")
    result = cast_vote(voter=voter, claim=argument, choice="disagree")

    assert (result.agree_count, result.disagree_count, result.choice) == (0, 0, None)
    assert tallies(argument) == (0, 0)
    assert not Vote.objects.exists()


def test_the_other_choice_switches_sides_in_one_step(voter, argument):
    cast_vote(voter=voter, claim=argument, choice="agree")
    before = Vote.objects.get()

    result = cast_vote(voter=voter, claim=argument, choice="disagree")

    assert (result.agree_count, result.disagree_count, result.choice) == (0, 1, "disagree")
    after = Vote.objects.get()
    assert after.pk == before.pk and after.choice == "disagree"
    assert after.updated_at >= before.updated_at


def test_votes_on_a_motion_count_on_the_motion_only(voter):
    motion = MotionFactory()
    argument = ArgumentFactory(motion=motion)

    cast_vote(voter=voter, claim=motion, choice="agree")

    assert tallies(motion) == (1, 0)
    assert tallies(argument) == (0, 0)
    assert Vote.objects.get().motion == motion


def test_many_voters_add_up_and_the_instance_passed_in_is_refreshed(argument):
    stale = Argument.objects.get(pk=argument.pk)
    for choice in ["agree", "agree", "disagree"]:
        cast_vote(voter=UserFactory(), claim=stale, choice=choice)

    assert (stale.agree_count, stale.disagree_count) == (2, 1)
    assert tallies(argument) == (2, 1)


def test_counters_come_from_the_database_not_the_callers_copy(voter, argument):
    # A caller holding wrong numbers cannot write them back: counters move by F() deltas.
    cast_vote(voter=UserFactory(), claim=argument, choice="agree")
    stale = Argument.objects.get(pk=argument.pk)
    stale.agree_count = 40

    result = cast_vote(voter=voter, claim=stale, choice="agree")

    assert result.agree_count == 2 and tallies(argument) == (2, 0)


@pytest.mark.parametrize("choice", ["", "AGREE", "maybe", None, "agree "])
def test_a_bad_choice_is_a_400(voter, argument, choice):
    with pytest.raises(DebateRuleError) as refusal:
        cast_vote(voter=voter, claim=argument, choice=choice)
    assert refusal.value.status == 400
    assert "agree or disagree" in refusal.value.message
    assert not Vote.objects.exists()


def test_nobody_votes_on_their_own_claim(voter):
    motion = MotionFactory(author=voter)
    argument = ArgumentFactory(author=voter)
    for claim in (motion, argument):
        with pytest.raises(DebateRuleError) as refusal:
            cast_vote(voter=voter, claim=claim, choice="agree")
        assert refusal.value.status == 403
        assert "your own" in refusal.value.message
    assert not Vote.objects.exists()


def test_claims_without_an_author_can_be_voted_on(voter):
    seeded = ArgumentFactory(author=None)
    assert cast_vote(voter=voter, claim=seeded, choice="agree").choice == "agree"


def test_suspended_members_cannot_vote(voter, argument):
    voter.suspended_until = timezone.now() + timedelta(days=3)
    voter.suspension_reason = "Spam."
    voter.save()

    with pytest.raises(DebateRuleError) as refusal:
        cast_vote(voter=voter, claim=argument, choice="agree")

    assert refusal.value.status == 403
    assert "suspended" in refusal.value.message and "Spam." in refusal.value.message
    assert not Vote.objects.exists() and tallies(argument) == (0, 0)


def test_a_lapsed_suspension_no_longer_stops_voting(voter, argument):
    voter.suspended_until = timezone.now() - timedelta(minutes=1)
    voter.save()
    assert cast_vote(voter=voter, claim=argument, choice="agree").choice == "agree"


def test_deactivated_accounts_cannot_vote(voter, argument):
    voter.is_active = False
    voter.save()
    with pytest.raises(DebateRuleError) as refusal:
        cast_vote(voter=voter, claim=argument, choice="agree")
    assert refusal.value.status == 403


def test_anonymous_people_cannot_vote(argument):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(DebateRuleError) as refusal:
        cast_vote(voter=AnonymousUser(), claim=argument, choice="agree")
    assert refusal.value.status == 403 and "Sign in" in refusal.value.message


def test_voting_needs_no_verified_email(voter, argument):
    assert not voter.has_verified_email
    assert cast_vote(voter=voter, claim=argument, choice="agree").choice == "agree"


def test_a_locked_motion_closes_votes_on_it_and_its_arguments(voter):
    motion = MotionFactory()
    argument = ArgumentFactory(motion=motion)
    cast_vote(voter=voter, claim=argument, choice="agree")
    # Locked after the page was loaded: the service checks the row it locks, not the caller's.
    stale_motion = Motion.objects.get(pk=motion.pk)
    Motion.objects.filter(pk=motion.pk).update(state=Motion.State.LOCKED)

    for claim, choice in [(stale_motion, "agree"), (argument, "agree"), (argument, "disagree")]:
        with pytest.raises(DebateRuleError) as refusal:
            cast_vote(voter=voter, claim=claim, choice=choice)
        assert refusal.value.status == 403
        assert "locked" in refusal.value.message
    assert tallies(argument) == (1, 0) and Vote.objects.get().choice == "agree"


@pytest.mark.parametrize("visibility", ["hidden", "retracted"])
def test_hidden_and_retracted_arguments_take_no_votes(voter, visibility):
    argument = ArgumentFactory(visibility=visibility)
    with pytest.raises(DebateRuleError) as refusal:
        cast_vote(voter=voter, claim=argument, choice="agree")
    assert refusal.value.status == 409
    assert visibility in refusal.value.message
    assert not Vote.objects.exists()


def test_a_unique_clash_is_retried_once(monkeypatch, voter, argument):
    real = voting._cast_vote
    calls = []

    def clash_first(*args):
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError("duplicate key value violates unique constraint")
        return real(*args)

    monkeypatch.setattr(voting, "_cast_vote", clash_first)

    assert cast_vote(voter=voter, claim=argument, choice="agree").choice == "agree"
    assert len(calls) == 2


def test_a_clash_that_persists_is_a_409_not_a_500(monkeypatch, voter, argument):
    def always_clash(*args):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(voting, "_cast_vote", always_clash)

    with pytest.raises(DebateRuleError) as refusal:
        cast_vote(voter=voter, claim=argument, choice="agree")
    assert refusal.value.status == 409


# --- The database constraints ------------------------------------------------------------------


def test_the_database_allows_one_vote_per_person_per_claim(voter):
    motion = MotionFactory()
    argument = ArgumentFactory(motion=motion)
    Vote.objects.create(user=voter, motion=motion, choice="agree")
    Vote.objects.create(user=voter, argument=argument, choice="agree")
    for claim in ({"motion": motion}, {"argument": argument}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Vote.objects.create(user=voter, choice="disagree", **claim)
    # Another person's vote on the same claims is fine.
    other = UserFactory()
    Vote.objects.create(user=other, motion=motion, choice="disagree")
    Vote.objects.create(user=other, argument=argument, choice="disagree")


@pytest.mark.parametrize(
    "fields",
    [
        {"choice": "agree"},  # neither a motion nor an argument
        {"choice": "agree", "both": True},
        {"choice": "meh", "motion_only": True},
    ],
)
def test_the_database_refuses_malformed_votes(voter, fields):
    argument = ArgumentFactory()
    values = {"user": voter, "choice": fields["choice"]}
    if fields.get("both"):
        values.update(motion=argument.motion, argument=argument)
    if fields.get("motion_only"):
        values["motion"] = argument.motion
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(**values)


# --- The views ---------------------------------------------------------------------------------


def test_htmx_vote_answers_with_just_the_widget(client, voter, argument):
    client.force_login(voter)

    response = client.post(vote_url(argument), {"choice": "agree"}, headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<form method="post" action="{vote_url(argument)}"' in html
    assert f'id="vote-argument-{argument.pk}"' in html
    assert 'hx-target="this" hx-swap="outerHTML"' in html
    assert f'value="agree" id="vote-argument-{argument.pk}-agree"' in html
    assert html.count('aria-pressed="true"') == 1
    assert (
        f'Agree <span class="vote__count" id="vote-argument-{argument.pk}-agree-count">1</span>'
        in html
    )
    assert "100% agree of 1 vote" in html
    assert "<html" not in html and "site-header" not in html
    assert tallies(argument) == (1, 0)


def test_htmx_vote_on_a_top_level_argument_refreshes_the_balance(client, voter):
    motion = MotionFactory()
    pro = ArgumentFactory(motion=motion, stance=Stance.PRO)
    ArgumentFactory(motion=motion, stance=Stance.CON)
    reply = ArgumentFactory(motion=motion, parent=pro, stance=Stance.CON)
    client.force_login(voter)

    html = client.post(vote_url(pro), {"choice": "agree"}, headers=HTMX).content.decode()
    assert f'<hx-partial hx-target="#balance-{motion.pk}" hx-swap="outerHTML">' in html
    assert "67% pro" in html and "33% con" in html  # weights 2 against 1

    html = client.post(vote_url(reply), {"choice": "agree"}, headers=HTMX).content.decode()
    assert "hx-partial" not in html


def test_htmx_vote_on_a_motion(client, voter):
    motion = MotionFactory()
    client.force_login(voter)

    response = client.post(vote_url(motion), {"choice": "disagree"}, headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="vote-motion-{motion.pk}"' in html
    assert (
        f'Disagree <span class="vote__count" id="vote-motion-{motion.pk}-disagree-count">1</span>'
        in html
    )
    assert tallies(motion) == (0, 1)


def test_htmx_refusal_is_the_widget_with_the_message_and_a_4xx(client, voter):
    own = ArgumentFactory(author=voter)
    client.force_login(voter)

    response = client.post(vote_url(own), {"choice": "agree"}, headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 403
    assert f'id="vote-argument-{own.pk}"' in html
    assert 'role="alert"' in html and "You cannot vote on your own argument." in html
    assert "<html" not in html


def test_htmx_refusal_keeps_showing_the_voters_current_choice(client, voter):
    motion = MotionFactory()
    argument = ArgumentFactory(motion=motion)
    cast_vote(voter=voter, claim=argument, choice="disagree")
    Motion.objects.filter(pk=motion.pk).update(state=Motion.State.LOCKED)
    client.force_login(voter)

    response = client.post(vote_url(argument), {"choice": "agree"}, headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 403
    assert "locked" in html
    assert pressed(html, "argument", argument) == "disagree"
    assert html.count(" disabled>") == 2


def test_htmx_refusal_for_a_suspended_member(client, voter, argument):
    voter.suspended_until = timezone.now() + timedelta(days=1)
    voter.save()
    client.force_login(voter)

    response = client.post(vote_url(argument), {"choice": "agree"}, headers=HTMX)

    assert response.status_code == 403
    assert "suspended" in response.content.decode()


@pytest.mark.parametrize("choice", ["maybe", ""])
def test_bad_choice_is_a_400_never_a_500(client, voter, argument, choice):
    client.force_login(voter)

    htmx = client.post(vote_url(argument), {"choice": choice}, headers=HTMX)
    plain = client.post(vote_url(argument), {"choice": choice})
    missing = client.post(vote_url(argument), {})

    assert htmx.status_code == 400 and "Choose agree or disagree." in htmx.content.decode()
    assert plain.status_code == 400 and "Choose agree or disagree." in plain.content.decode()
    assert missing.status_code == 400
    assert not Vote.objects.exists()


def test_plain_form_votes_and_comes_back_with_a_303(client, voter, argument):
    client.force_login(voter)
    back = f"{argument.motion.get_absolute_url()}?page=1#argument-{argument.pk}"

    response = client.post(vote_url(argument), {"choice": "agree", "next": back})

    assert response.status_code == 303
    assert response["Location"] == back
    assert tallies(argument) == (1, 0)


@pytest.mark.parametrize("next_url", ["", "https://evil.example/", "//evil.example/x"])
def test_plain_form_never_redirects_off_site(client, voter, argument, next_url):
    client.force_login(voter)

    response = client.post(vote_url(argument), {"choice": "agree", "next": next_url})

    assert response.status_code == 303
    assert response["Location"] == (f"{argument.motion.get_absolute_url()}#argument-{argument.pk}")


def test_plain_form_motion_vote_falls_back_to_the_motion_widget(client, voter):
    motion = MotionFactory()
    client.force_login(voter)
    response = client.post(vote_url(motion), {"choice": "agree"})
    assert response["Location"] == f"{motion.get_absolute_url()}#vote-motion-{motion.pk}"


def test_plain_form_refusal_is_a_message_after_the_redirect(client, voter):
    own = ArgumentFactory(author=voter)
    client.force_login(voter)

    response = client.post(vote_url(own), {"choice": "agree"}, follow=True)

    assert response.redirect_chain[0][1] == 303
    assert "You cannot vote on your own argument." in response.content.decode()
    assert not Vote.objects.exists()


def test_votes_are_posts_only(client, voter, argument):
    client.force_login(voter)
    assert client.get(vote_url(argument)).status_code == 405


def test_unknown_claims_are_404(client, voter, argument):
    client.force_login(voter)
    other = MotionFactory()
    assert (
        client.post(reverse("vote_motion", args=["nope"]), {"choice": "agree"}).status_code == 404
    )
    wrong_motion = reverse("vote_argument", args=[other.slug, argument.pk])
    assert client.post(wrong_motion, {"choice": "agree"}).status_code == 404


def test_anonymous_plain_vote_goes_to_sign_in_and_back(client, argument):
    page = argument.motion.get_absolute_url()

    response = client.post(
        vote_url(argument), {"choice": "agree"}, headers={"Referer": f"http://testserver{page}"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert next_of(response["Location"]) == f"http://testserver{page}"
    assert not Vote.objects.exists()


def test_anonymous_htmx_vote_gets_a_full_page_redirect_to_sign_in(client, argument):
    page = argument.motion.get_absolute_url()

    response = client.post(
        vote_url(argument),
        {"choice": "agree"},
        headers={**HTMX, "HX-Current-URL": f"http://testserver{page}"},
    )

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("account_login"))
    assert next_of(response["HX-Redirect"]) == f"http://testserver{page}"
    assert not Vote.objects.exists()


def test_csrf_is_enforced_and_the_htmx_header_satisfies_it(voter, argument):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(voter)
    assert client.post(vote_url(argument), {"choice": "agree"}, headers=HTMX).status_code == 403

    page = client.get(argument.motion.get_absolute_url()).content.decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    headers = {**HTMX, "X-CSRFToken": token}
    assert client.post(vote_url(argument), {"choice": "agree"}, headers=headers).status_code == 200


# --- The pages ---------------------------------------------------------------------------------


def test_motion_page_shows_tallies_split_and_the_viewers_own_votes(client, voter):
    motion = MotionFactory()
    liked = ArgumentFactory(motion=motion, claim="Liked")
    disliked = ArgumentFactory(motion=motion, parent=liked, stance=Stance.CON)
    untouched = ArgumentFactory(motion=motion)
    cast_vote(voter=voter, claim=motion, choice="disagree")
    cast_vote(voter=voter, claim=liked, choice="agree")
    cast_vote(voter=voter, claim=disliked, choice="disagree")
    for _ in range(2):
        cast_vote(voter=UserFactory(), claim=liked, choice="agree")
    cast_vote(voter=UserFactory(), claim=liked, choice="disagree")
    client.force_login(voter)

    response = client.get(motion.get_absolute_url())

    html = response.content.decode()
    assert pressed(html, "motion", motion) == "disagree"
    assert pressed(html, "argument", liked) == "agree"
    assert pressed(html, "argument", disliked) == "disagree"
    assert pressed(html, "argument", untouched) is None
    assert f'value="agree" id="vote-argument-{liked.pk}-agree"' in html
    widget = html[html.index(f'id="vote-argument-{liked.pk}"') :]
    widget = widget[: widget.index("</form>")]
    assert 'aria-pressed="true"' in widget.split("vote__button--disagree")[0]
    assert "75% agree of 4 votes" in widget
    assert '<rect class="vote__bar-agree" width="75"' in widget
    assert "No votes yet" in html
    # Balance: liked weighs 1 + (3 - 1) = 3, untouched 1; both pro.
    assert f'id="balance-{motion.pk}"' in html and "100% pro" in html


def pressed(html, kind, claim):
    """The choice a page shows pressed on a claim's vote widget, or None."""
    widget = re.search(rf'<form[^>]* id="vote-{kind}-{claim.pk}".*?</form>', html, re.S).group()
    choices = re.findall(r'value="(agree|disagree)"[^>]*aria-pressed="true"', widget)
    return choices[0] if choices else None


def test_anonymous_readers_see_tallies_and_nothing_pressed(client):
    motion = MotionFactory()
    argument = ArgumentFactory(motion=motion)
    cast_vote(voter=UserFactory(), claim=argument, choice="agree")

    html = client.get(motion.get_absolute_url()).content.decode()

    assert (
        f'Agree <span class="vote__count" id="vote-argument-{argument.pk}-agree-count">1</span>'
        in html
    )
    assert 'aria-pressed="true"' not in html


def test_own_claims_and_locked_motions_show_disabled_buttons(client, voter):
    motion = MotionFactory(author=voter)
    ArgumentFactory(motion=motion, author=voter)
    client.force_login(voter)

    html = client.get(motion.get_absolute_url()).content.decode()
    assert html.count(" disabled>") == 4
    assert "You cannot vote on your own motion." in html
    assert "You cannot vote on your own argument." in html

    Motion.objects.filter(pk=motion.pk).update(state=Motion.State.LOCKED)
    client.logout()
    html = client.get(motion.get_absolute_url()).content.decode()
    assert html.count("Voting is closed: the motion is locked.") == 1


def test_hidden_arguments_show_no_vote_widget(client):
    argument = ArgumentFactory(visibility="hidden")
    html = client.get(argument.motion.get_absolute_url()).content.decode()
    assert f'id="vote-argument-{argument.pk}"' not in html


def test_permalink_marks_the_viewers_votes(client, voter, argument):
    cast_vote(voter=voter, claim=argument, choice="agree")
    client.force_login(voter)
    html = client.get(argument.get_absolute_url()).content.decode()
    assert pressed(html, "argument", argument) == "agree"


# Session with its user, motion, whether they moderate (one query, User.is_moderator), their own
# part of the motion in one light query (debates.fragments: the tree comes from the cache its
# audience shares, their votes are pressed in it), whether they follow the motion (the follow
# line) and the nav bell's unread count (issue 21): the same for any size of debate.
SIGNED_IN_MOTION_PAGE_QUERIES = 6


@pytest.mark.parametrize("size", [5, 500])
def test_signed_in_motion_page_query_count_is_constant(
    client, django_assert_num_queries, voter, size
):
    motion = MotionFactory()
    arguments = grow_debate(motion, size)
    for argument in arguments[:: max(1, size // 5)]:
        Vote.objects.create(user=voter, argument=argument, choice="agree")
    Vote.objects.create(user=voter, motion=motion, choice="agree")
    client.force_login(voter)
    client.get(motion.get_absolute_url())  # the members' tree, into the cache

    with django_assert_num_queries(SIGNED_IN_MOTION_PAGE_QUERIES):
        response = client.get(motion.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert pressed(html, "motion", motion) == "agree"
    voted_shown = [
        a for a in arguments[:: max(1, size // 5)] if f'id="vote-argument-{a.pk}"' in html
    ]
    assert voted_shown and all(pressed(html, "argument", a) == "agree" for a in voted_shown)


def test_attach_my_votes_costs_nothing_for_anonymous_viewers(django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    motion = MotionFactory()
    ArgumentFactory(motion=motion)
    tree = queries.debate_tree(motion)
    with django_assert_num_queries(0):
        queries.attach_my_votes(tree, AnonymousUser(), list(tree.by_id))
    assert motion.my_vote is None


def test_home_page_shows_motion_tallies_at_no_extra_cost(client, django_assert_num_queries, voter):
    motion = MotionFactory()
    cast_vote(voter=voter, claim=motion, choice="agree")
    with django_assert_num_queries(2):
        response = client.get(reverse("home"))
    assert "1 agree, 0 disagree" in response.content.decode()


# --- recount_votes -----------------------------------------------------------------------------


def run_recount(*args):
    out = StringIO()
    call_command("recount_votes", *args, stdout=out)
    return out.getvalue()


def test_recount_check_passes_when_counters_match_the_votes():
    motion = MotionFactory()
    arguments = ArgumentFactory.create_batch(3, motion=motion)
    for choice, claim in zip(["agree", "disagree", "agree"], [motion, *arguments], strict=False):
        for _ in range(2):
            cast_vote(voter=UserFactory(), claim=claim, choice=choice)

    output = run_recount("--check")

    assert "motions: 0 of 1 wrong" in output
    assert "arguments: 0 of 3 wrong" in output


def test_recount_finds_and_repairs_wrong_counters():
    motion = MotionFactory()
    good, bad = ArgumentFactory.create_batch(2, motion=motion)
    voters = UserFactory.create_batch(3)
    for person in voters:
        cast_vote(voter=person, claim=good, choice="agree")
        cast_vote(voter=person, claim=bad, choice="disagree")
        cast_vote(voter=person, claim=motion, choice="agree")
    Argument.objects.filter(pk=bad.pk).update(agree_count=7, disagree_count=0)
    Motion.objects.filter(pk=motion.pk).update(agree_count=0)
    Vote.objects.create(user=UserFactory(), argument=good, choice="disagree")  # behind its back

    with pytest.raises(CommandError, match="3 vote counters"):
        run_recount("--check")
    assert tallies(bad) == (7, 0)  # --check changes nothing

    output = run_recount()

    assert "motions: 1 of 1 corrected" in output and "arguments: 2 of 2 corrected" in output
    assert tallies(bad) == (0, 3) and tallies(good) == (3, 1) and tallies(motion) == (3, 0)
    assert "0 of 2 wrong" in run_recount("--check")


def test_recount_zeroes_counters_of_claims_without_votes():
    argument = ArgumentFactory()
    Argument.objects.filter(pk=argument.pk).update(agree_count=5, disagree_count=2)
    run_recount()
    assert tallies(argument) == (0, 0)


# --- The vote statement's function (PostgreSQL) ------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="The vote statement: PostgreSQL.")
@pytest.mark.django_db(transaction=True)
def test_the_vote_function_survives_a_first_vote_that_was_rolled_back(
    monkeypatch, voter, argument, django_capture_on_commit_callbacks
):
    """A connection's first vote makes its temporary function; if that vote's transaction rolls
    back, so does the function, and the next vote must make it again. (A rolled-back transaction
    whose on-commit callbacks ran anyway, as this test helper runs them, once made the connection
    believe it still had one.)"""
    with connection.cursor() as cursor:  # a connection that has not voted yet
        cursor.execute(voting._FUNCTION)
        cursor.execute(
            "DROP FUNCTION pg_temp.crux_cast_vote"
            "(bigint, boolean, bigint, text, text, boolean, jsonb, jsonb, text, bigint)"
        )
    monkeypatch.setattr(voting, "_installed", type(voting._installed)())

    with pytest.raises(RuntimeError), transaction.atomic():
        with django_capture_on_commit_callbacks(execute=True):
            cast_vote(voter=voter, claim=argument, choice="agree")
        raise RuntimeError("rolled back")

    assert cast_vote(voter=voter, claim=argument, choice="agree").choice == "agree"
    assert tallies(argument) == (1, 0)
