"""Moderation over HTTP: the permission matrix, in-place acts, queue, log, notices, display."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import grant_moderator
from debates import moderation, services
from debates.models import (
    Appeal,
    Argument,
    ArgumentRevision,
    Flag,
    ModerationAction,
    Motion,
    Source,
    Vote,
)
from tests.factories import ArgumentFactory, MotionFactory, UserFactory, verified_user

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def motion(author):
    return MotionFactory(author=author, title="Tea beats coffee", claim="Tea is better.")


@pytest.fixture
def argument(motion, author):
    return ArgumentFactory(motion=motion, author=author, claim="Coffee drinkers are fools.")


def html(response):
    return response.content.decode()


def hide(moderator, argument, reason="Insulting"):
    return moderation.hide_argument(moderator=moderator, argument=argument, reason=reason)


# --- The permission matrix ---------------------------------------------------------------------


def moderator_requests(argument, target_user):
    """(method, url, data) for every moderator URL and action."""
    slug, pk = argument.motion.slug, argument.pk
    requests = [
        ("get", reverse("moderation_queue"), {}),
        ("get", reverse("moderation_log"), {}),
        ("get", reverse("moderation_log"), {"action": "hide", "target": "argument"}),
    ]
    for act in ("hide", "restore"):
        url = reverse(f"{act}_argument", args=[slug, pk])
        requests += [("get", url, {}), ("post", url, {"reason": "Because"})]
    for act in ("hide", "restore", "lock", "unlock", "feature", "unfeature"):
        url = reverse(f"{act}_motion", args=[slug])
        requests += [("get", url, {}), ("post", url, {"reason": "Because"})]
    for act in ("suspend", "unsuspend"):
        url = reverse(f"{act}_user", args=[target_user.pk])
        requests += [("get", url, {}), ("post", url, {"reason": "Because", "days": "7"})]
    for kind, claim_pk in (("argument", pk), ("motion", argument.motion_id)):
        for act in ("dismiss", "hide"):
            url = reverse(f"queue_{act}", args=[kind, claim_pk])
            requests += [("post", url, {"reason": "Because"}), ("get", url, {})]
    requests.append(
        (
            "post",
            reverse("queue_hide", args=["argument", pk]),
            {"reason": "r", "suspend": "1", "days": "7"},
        )
    )
    return requests


ROLES = ["anonymous", "member", "author", "suspended", "moderator"]


@pytest.fixture
def as_role(client, author, member, moderator):
    def sign_in(role):
        client.logout()
        person = {
            "anonymous": None,
            "member": member,
            "author": author,
            "suspended": verified_user(suspended_until=timezone.now() + timedelta(days=2)),
            "moderator": moderator,
        }[role]
        if person is not None:
            client.force_login(person)
        return person

    return sign_in


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_for_moderator_urls(client, as_role, argument, author, role, htmx):
    Flag.objects.create(flagger=verified_user(), argument=argument, reason="spam")
    Flag.objects.create(flagger=verified_user(), motion=argument.motion, reason="spam")
    as_role(role)
    headers = HTMX if htmx else {}
    target = author if role != "author" else verified_user()  # the suspend/unsuspend target
    for method, url, data in moderator_requests(argument, target):
        response = getattr(client, method)(url, data, headers=headers)
        where = f"{role} {method.upper()} {url}"
        if role == "anonymous":
            if htmx:
                assert response.status_code == 200, where
                assert response["HX-Redirect"].startswith("/accounts/login/"), where
            else:
                assert response.status_code == 302, where
                assert response.url.startswith("/accounts/login/"), where
        elif role != "moderator":
            assert response.status_code == 403, where
            assert "moderat" in html(response), where
        elif "/queue/" in url and method == "get":
            assert response.status_code == 405, where
        else:
            assert response.status_code in (200, 303), where
            if (
                htmx
                and response.status_code == 200
                and method == "post"
                and "HX-Redirect" in (response.headers)
            ):
                assert not response["HX-Redirect"].startswith("/accounts/login/"), where
    if role != "moderator":
        assert not ModerationAction.objects.exists()
        assert set(Flag.objects.values_list("status", flat=True)) == {"open"}
        assert Argument.objects.get(pk=argument.pk).is_visible
        assert not author.__class__.objects.get(pk=author.pk).is_suspended
    else:
        assert ModerationAction.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_for_flagging(client, as_role, argument, role):
    as_role(role)
    urls = [
        reverse("flag_argument", args=[argument.motion.slug, argument.pk]),
        reverse("flag_motion", args=[argument.motion.slug]),
    ]
    expected = {"anonymous": 302, "member": 200, "author": 403, "suspended": 403, "moderator": 200}
    for url in urls:
        assert client.get(url).status_code == expected[role], url
        response = client.post(url, {"reason": "spam"})
        if expected[role] == 200:
            assert response.status_code == 303
        else:
            assert response.status_code == expected[role], url
    assert Flag.objects.count() == (2 if role in ("member", "moderator") else 0)


# Moderators' acts on one's content are notifications now (issue 21), listed apart here.
NOTICES = "/notifications/?kind=moderation"


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_for_notices(client, as_role, role):
    as_role(role)
    # The notices moved to the notifications (issue 21); the old address leads there.
    moved = client.get(reverse("moderation_notices"))
    assert moved.status_code == 301 and moved.url == NOTICES
    assert client.get(NOTICES).status_code == (302 if role == "anonymous" else 200)


def test_a_forged_htmx_post_by_a_member_gets_403_and_changes_nothing(client, member, argument):
    client.force_login(member)
    url = reverse("hide_argument", args=[argument.motion.slug, argument.pk])
    response = client.post(url, {"reason": "mine now"}, headers=HTMX)
    assert response.status_code == 403
    assert html(response).strip().startswith('<p class="notice notice--refusal"')
    assert "<html" not in html(response)
    assert Argument.objects.get(pk=argument.pk).is_visible


def test_unknown_ids_are_404(client, moderator, argument):
    client.force_login(moderator)
    slug = argument.motion.slug
    assert client.post(
        reverse("hide_argument", args=[slug, 99999]), {"reason": "r"}
    ).status_code == (404)
    assert client.post(reverse("hide_motion", args=["nope"]), {"reason": "r"}).status_code == 404
    assert client.post(reverse("suspend_user", args=[99999]), {"reason": "r"}).status_code == 404
    assert client.post(reverse("queue_hide", args=["argument", 99999])).status_code == 404
    assert client.post(reverse("queue_hide", args=["vote", argument.pk])).status_code == 404
    other = ArgumentFactory()
    url = reverse("hide_argument", args=[slug, other.pk])  # exists, but in another motion
    assert client.post(url, {"reason": "r"}).status_code == 404


# --- Hiding an argument in place ---------------------------------------------------------------


def test_moderator_hides_an_argument_in_place(client, moderator, argument):
    reply = ArgumentFactory(motion=argument.motion, parent=argument, claim="A reply stays.")
    client.force_login(moderator)
    url = reverse("hide_argument", args=[argument.motion.slug, argument.pk])

    response = client.post(url, {"reason": "Insulting"}, headers=HTMX)

    assert response.status_code == 200
    body = html(response)
    assert body.lstrip().startswith(
        f'<li class="argument argument--pro" id="argument-{argument.pk}"'
    )
    assert "Hidden by a moderator: <bdi>Insulting" in body
    assert "Coffee drinkers are fools." in body  # moderators still read it
    assert "Argument hidden." in body
    assert reverse("restore_argument", args=[argument.motion.slug, argument.pk]) in body
    assert "A reply stays." in body
    assert Argument.objects.get(pk=argument.pk).is_hidden
    assert Argument.objects.get(pk=reply.pk).is_visible


def test_hiding_without_a_reason_is_422_in_place(client, moderator, argument):
    client.force_login(moderator)
    url = reverse("hide_argument", args=[argument.motion.slug, argument.pk])
    response = client.post(url, {"reason": "  "}, headers=HTMX)
    assert response.status_code == 422
    assert f'id="argument-{argument.pk}"' in html(response)
    assert "Give a reason" in html(response)
    assert Argument.objects.get(pk=argument.pk).is_visible


def test_hiding_the_hidden_says_so_with_200_and_logs_nothing_more(client, moderator, argument):
    hide(moderator, argument)
    client.force_login(moderator)
    url = reverse("hide_argument", args=[argument.motion.slug, argument.pk])
    response = client.post(url, {"reason": "again"}, headers=HTMX)
    assert response.status_code == 200
    assert "already hidden" in html(response)
    assert ModerationAction.objects.count() == 1


def test_hiding_a_retracted_argument_leaves_it_retracted(client, moderator, argument):
    # No longer a 409: hiding one upholds its open flags (none here, so nothing changes), and
    # says why it stays as its author left it (tests/test_flag_fixes.py).
    Argument.objects.filter(pk=argument.pk).update(visibility="retracted")
    client.force_login(moderator)
    url = reverse("hide_argument", args=[argument.motion.slug, argument.pk])
    response = client.post(url, {"reason": "r"}, headers=HTMX)
    assert response.status_code == 200
    assert "retracted" in html(response) and "nothing changed" in html(response)
    assert Argument.objects.get(pk=argument.pk).visibility == "retracted"


def test_without_javascript_hide_is_a_confirmation_page_then_a_redirect(
    client, moderator, argument
):
    client.force_login(moderator)
    url = reverse("hide_argument", args=[argument.motion.slug, argument.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="reason"' in html(page) and "Coffee drinkers are fools." in html(page)

    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 422 and "Give a reason" in html(refused)

    response = client.post(url, {"reason": "Insulting"}, follow=True)
    assert response.redirect_chain[-1] == (argument.get_absolute_url(), 303)
    assert "Argument hidden." in html(response)
    restore = reverse("restore_argument", args=[argument.motion.slug, argument.pk])
    response = client.post(restore, {"reason": "On reflection"}, follow=True)
    assert "Argument restored." in html(response)
    assert Argument.objects.get(pk=argument.pk).is_visible


# --- Who sees a hidden claim ------------------------------------------------------------------


def test_a_hidden_argument_shows_its_text_only_to_its_author_and_moderators(
    client, moderator, author, member, argument
):
    ArgumentFactory(motion=argument.motion, parent=argument, claim="Reply under the hidden one.")
    hide(moderator, argument, reason="Name-calling")
    url = argument.motion.get_absolute_url()

    anonymous = html(client.get(url))
    assert "Coffee drinkers are fools." not in anonymous
    assert "Name-calling" not in anonymous
    assert "[hidden by a moderator]" in anonymous
    assert "Reply under the hidden one." in anonymous

    for person in (author, moderator):
        client.force_login(person)
        page = html(client.get(url))
        assert "Coffee drinkers are fools." in page
        assert "Hidden by a moderator: <bdi>Name-calling" in page

    client.force_login(member)
    page = html(client.get(url))
    assert "Coffee drinkers are fools." not in page and "Name-calling" not in page


def test_no_page_leaks_a_hidden_arguments_text(client, moderator, member, argument):
    child = ArgumentFactory(motion=argument.motion, parent=argument, claim="Child claim.")
    ArgumentRevision.objects.create(
        argument=argument, claim="Earlier insult.", written_at=timezone.now()
    )
    hide(moderator, argument)
    slug = argument.motion.slug
    client.force_login(member)
    pages = [
        argument.motion.get_absolute_url(),
        argument.get_absolute_url(),
        child.get_absolute_url(),  # the hidden one is in its breadcrumb
        reverse("reply", args=[slug, argument.pk]),
        reverse("argument_history", args=[slug, argument.pk]),
        reverse("edit_argument", args=[slug, argument.pk]),
        reverse("retract_argument", args=[slug, argument.pk]),
        reverse("flag_argument", args=[slug, argument.pk]),
        argument.author.get_absolute_url(),
    ]
    for url in pages:
        for headers in ({}, HTMX):
            body = html(client.get(url, headers=headers))
            assert "Coffee drinkers" not in body, url
            assert "Earlier insult" not in body, url


@pytest.mark.parametrize("withdraw", ["hide", "retract"])
def test_a_withdrawn_arguments_history_is_its_authors_and_moderators_alone(
    client, moderator, author, member, argument, withdraw
):
    ArgumentRevision.objects.create(
        argument=argument, claim="Earlier insult.", written_at=timezone.now()
    )
    if withdraw == "hide":
        hide(moderator, argument)
    else:
        services.retract_argument(author=author, argument=argument)
    url = reverse("argument_history", args=[argument.motion.slug, argument.pk])
    for reader in (author, moderator):
        client.force_login(reader)
        assert "Earlier insult." in html(client.get(url))
    client.force_login(member)
    assert "Earlier insult." not in html(client.get(url))


def test_a_hidden_motion_is_a_placeholder_for_others(client, moderator, author, member, motion):
    argument = ArgumentFactory(motion=motion, claim="Still here.")
    moderation.hide_motion(moderator=moderator, motion=motion, reason="Spam motion")
    client.force_login(member)
    pages = [
        motion.get_absolute_url(),
        argument.get_absolute_url(),
        reverse("reply_motion", args=[motion.slug]),
        reverse("home"),
    ]
    for url in pages:
        body = html(client.get(url))
        assert "Tea beats coffee" not in body and "Tea is better." not in body, url
    page = html(client.get(motion.get_absolute_url()))
    assert "[hidden by a moderator]" in page and "Still here." in page
    assert "takes no new arguments or votes" in page

    client.force_login(author)
    page = html(client.get(motion.get_absolute_url()))
    assert "Tea is better." in page and "Hidden by a moderator: <bdi>Spam motion" in page

    client.force_login(moderator)
    home = html(client.get(reverse("home")))
    assert "Tea beats coffee" in home and "Hidden" in home


def test_restore_brings_the_text_back_for_everyone(client, moderator, argument):
    hide(moderator, argument)
    moderation.restore_argument(moderator=moderator, argument=argument, reason="Fine after all")
    page = html(client.get(argument.motion.get_absolute_url()))
    assert "Coffee drinkers are fools." in page and "[hidden by a moderator]" not in page


def test_moderator_controls_only_for_moderators(client, moderator, member, argument):
    url = argument.motion.get_absolute_url()
    hide_url = reverse("hide_argument", args=[argument.motion.slug, argument.pk])
    assert hide_url not in html(client.get(url))
    client.force_login(member)
    page = html(client.get(url))
    assert hide_url not in page and "mod-panel" not in page
    client.force_login(moderator)
    page = html(client.get(url))
    assert hide_url in page and reverse("lock_motion", args=[argument.motion.slug]) in page


@pytest.mark.parametrize("size", [5, 200])
def test_motion_page_costs_the_same_for_a_moderator(
    client, django_assert_num_queries, moderator, size
):
    motion = MotionFactory()
    parent = None
    for n in range(size):
        parent = ArgumentFactory(
            motion=motion,
            parent=parent if n % 3 else None,
            visibility="hidden" if n % 4 else "visible",
        )
    client.force_login(moderator)
    client.get(motion.get_absolute_url())  # the moderators' tree, into the cache
    # Session with its user, motion, is_moderator and their own part of the motion (nothing of
    # theirs shown here to load) and whether they follow the motion, as for any member; and the
    # nav's open-flag count and unread count.
    with django_assert_num_queries(7):
        response = client.get(motion.get_absolute_url())
    assert response.status_code == 200


# --- Lock and feature --------------------------------------------------------------------------


def test_lock_shows_the_reason_and_closes_the_motion(client, moderator, member, motion):
    client.force_login(moderator)
    response = client.post(reverse("lock_motion", args=[motion.slug]), {"reason": "Cooling off"})
    assert response.status_code == 303 and response.url == motion.get_absolute_url()
    client.force_login(member)
    page = html(client.get(motion.get_absolute_url()))
    assert (
        "This motion is locked: it takes no new arguments or votes. Reason: <bdi>Cooling off</bdi>"
        in page
    )
    assert reverse("reply_motion", args=[motion.slug]) + '"' not in page.split("notice--locked")[1]

    client.force_login(moderator)
    response = client.post(reverse("lock_motion", args=[motion.slug]), {"reason": ""})
    assert response.status_code == 422
    response = client.post(reverse("unlock_motion", args=[motion.slug]), follow=True)
    assert "Motion unlocked." in html(response)


def test_feature_puts_a_motion_first_on_the_home_page(client, moderator):
    older, newer = MotionFactory(title="Older motion"), MotionFactory(title="Newer motion")
    client.force_login(moderator)
    client.post(reverse("feature_motion", args=[older.slug]))
    client.logout()
    home = html(client.get(reverse("home")))
    assert home.index("Older motion") < home.index("Newer motion")
    assert Motion.objects.get(pk=older.pk).featured and not newer.featured


def test_no_op_motion_acts_answer_200_with_a_message(client, moderator, motion):
    client.force_login(moderator)
    response = client.post(reverse("unlock_motion", args=[motion.slug]), follow=True)
    assert response.status_code == 200
    assert "not locked; nothing changed" in html(response)
    assert not ModerationAction.objects.exists()


# --- Flagging ----------------------------------------------------------------------------------


def test_flagging_in_place_over_htmx(client, member, argument):
    client.force_login(member)
    page = html(client.get(argument.motion.get_absolute_url()))
    url = reverse("flag_argument", args=[argument.motion.slug, argument.pk])
    assert f'id="flag-link-argument-{argument.pk}"' in page and url in page

    form = client.get(url, headers=HTMX)
    assert form.status_code == 200
    assert html(form).lstrip().startswith('<div class="flag-form"')
    assert 'value="off-topic"' in html(form)

    missing_note = client.post(url, {"reason": "other"}, headers=HTMX)
    assert missing_note.status_code == 422 and "a note is needed" in html(missing_note)
    unknown = client.post(url, {"reason": "boring"}, headers=HTMX)
    assert unknown.status_code == 422 and "Choose why" in html(unknown)

    done = client.post(url, {"reason": "abuse", "note": "Name-calling"}, headers=HTMX)
    assert done.status_code == 200
    assert "Flagged." in html(done)
    assert f'<hx-partial hx-target="#flag-link-argument-{argument.pk}"' in html(done)
    flag = Flag.objects.get()
    assert (flag.flagger, flag.reason, flag.note) == (member, "abuse", "Name-calling")

    again = client.get(url, headers=HTMX)
    assert again.status_code == 200 and "Flagged." in html(again)
    assert client.post(url, {"reason": "spam"}, headers=HTMX).status_code == 200
    assert Flag.objects.count() == 1


def test_flagging_without_javascript(client, member, motion):
    client.force_login(member)
    url = reverse("flag_motion", args=[motion.slug])
    page = client.get(url)
    assert page.status_code == 200 and "<html" in html(page) and "Tea is better." in html(page)
    response = client.post(url, {"reason": "off-topic"}, follow=True)
    assert response.redirect_chain[-1] == (motion.get_absolute_url(), 303)
    assert "a moderator will review your flag" in html(response)
    assert Flag.objects.get().motion == motion


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_the_flag_page_never_shows_text_retracted_after_the_flag(
    client, member, author, argument, htmx
):
    moderation.flag_claim(flagger=member, claim=argument, reason="spam")
    services.retract_argument(author=author, argument=argument)
    client.force_login(member)
    url = reverse("flag_argument", args=[argument.motion.slug, argument.pk])
    response = client.get(url, headers=HTMX if htmx else {})
    assert response.status_code == 200 and "Flagged." in html(response)
    assert "Coffee drinkers are fools." not in html(response)


def test_no_flag_link_on_ones_own_claims_or_for_anonymous_readers(client, author, argument):
    url = reverse("flag_argument", args=[argument.motion.slug, argument.pk])
    assert url not in html(client.get(argument.motion.get_absolute_url()))
    client.force_login(author)
    assert url not in html(client.get(argument.motion.get_absolute_url()))
    response = client.get(url, headers=HTMX)
    assert response.status_code == 403 and "your own argument" in html(response)


def test_an_unverified_member_is_told_to_verify_before_flagging(client, argument):
    client.force_login(UserFactory())
    url = reverse("flag_argument", args=[argument.motion.slug, argument.pk])
    response = client.post(url, {"reason": "spam"}, headers=HTMX)
    assert response.status_code == 403 and "Verify your email" in html(response)


# --- The review queue --------------------------------------------------------------------------


def test_queue_groups_open_flags_by_claim_oldest_first(client, moderator, argument, motion):
    older = ArgumentFactory(motion=motion, claim="Buy cheap watches here.")
    first = Flag.objects.create(flagger=verified_user(), argument=older, reason="spam")
    Flag.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=3))
    Flag.objects.create(flagger=verified_user(), argument=older, reason="spam")
    Flag.objects.create(flagger=verified_user(), argument=argument, reason="abuse", note="Rude")
    Flag.objects.create(flagger=verified_user(), argument=argument, reason="spam")
    Flag.objects.create(flagger=verified_user(), motion=motion, reason="off-topic")
    Flag.objects.create(
        flagger=verified_user(),
        argument=ArgumentFactory(),
        reason="spam",
        status="dismissed",
        resolved_at=timezone.now(),
    )
    client.force_login(moderator)

    response = client.get(reverse("moderation_queue"))

    items = response.context["items"]
    assert [(i.kind, i.claim.pk, i.total) for i in items] == [
        ("argument", older.pk, 2),
        ("argument", argument.pk, 2),
        ("motion", motion.pk, 1),
    ]
    assert items[1].counts == [("Spam", 1), ("Abuse", 1)]
    body = html(response)
    assert "Buy cheap watches here." in body and "“<bdi>Rude</bdi>”" in body
    assert motion.title in body  # the claim in context: its motion
    assert body.index("Buy cheap watches") < body.index("Coffee drinkers")
    assert items[1].default_reason == "Flagged: spam (1), abuse (1)."


def test_an_empty_queue_says_so(client, moderator):
    client.force_login(moderator)
    assert "No open flags" in html(client.get(reverse("moderation_queue")))


def test_queue_shows_the_parent_claim_in_context(client, moderator, argument):
    reply = ArgumentFactory(motion=argument.motion, parent=argument, claim="Says who?")
    Flag.objects.create(flagger=verified_user(), argument=reply, reason="spam")
    client.force_login(moderator)
    body = html(client.get(reverse("moderation_queue")))
    assert "replying to" in body and "Coffee drinkers are fools." in body


@pytest.mark.parametrize("groups", [3, 25])
def test_queue_costs_the_same_however_many_flags(
    client, django_assert_num_queries, moderator, groups
):
    for _ in range(groups):
        argument = ArgumentFactory()
        for reason in ("spam", "abuse"):
            Flag.objects.create(flagger=verified_user(), argument=argument, reason=reason)
        Flag.objects.create(flagger=verified_user(), motion=argument.motion, reason="spam")
    client.force_login(moderator)
    # session with its user, is_moderator, count, one page of groups, arguments, motions, flags,
    # the appeals waiting, and the nav's open-flag count and unread count (the bell)
    with django_assert_num_queries(10):
        response = client.get(reverse("moderation_queue"))
    assert len(response.context["items"]) == min(20, 2 * groups)


def test_queue_dismiss_in_place(client, moderator, argument):
    Flag.objects.create(flagger=verified_user(), argument=argument, reason="spam")
    client.force_login(moderator)
    url = reverse("queue_dismiss", args=["argument", argument.pk])
    response = client.post(url, headers=HTMX)
    assert response.status_code == 200
    assert f'id="queue-argument-{argument.pk}"' in html(response)
    assert "1 flag dismissed." in html(response)
    assert Flag.objects.get().status == "dismissed"
    assert Argument.objects.get(pk=argument.pk).is_visible
    again = client.post(url, headers=HTMX)
    assert again.status_code == 200 and "no open flags" in html(again)


def test_queue_one_click_hide_logs_the_flags_as_reason(client, moderator, argument):
    Flag.objects.create(flagger=verified_user(), argument=argument, reason="abuse")
    client.force_login(moderator)
    response = client.post(reverse("queue_hide", args=["argument", argument.pk]), headers=HTMX)
    assert response.status_code == 200 and "Argument hidden." in html(response)
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.reason, entry.flags_resolved) == ("hide", "Flagged: abuse (1).", 1)
    assert Flag.objects.get().status == "actioned"


def test_queue_hide_with_the_reason_emptied_asks_for_one(client, moderator, argument):
    Flag.objects.create(flagger=verified_user(), argument=argument, reason="abuse")
    client.force_login(moderator)
    url = reverse("queue_hide", args=["argument", argument.pk])
    response = client.post(url, {"reason": "  "}, headers=HTMX)
    assert response.status_code == 422 and "Give a reason" in html(response)
    assert not ModerationAction.objects.exists() and Argument.objects.get(pk=argument.pk).is_visible


def test_queue_hide_and_suspend_author(client, moderator, author, argument):
    Flag.objects.create(flagger=verified_user(), argument=argument, reason="abuse")
    client.force_login(moderator)
    response = client.post(
        reverse("queue_hide", args=["argument", argument.pk]),
        {"reason": "Repeated abuse", "suspend": "1", "days": "30"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Argument hidden." in html(response) and "suspended for 30 days" in html(response)
    author.refresh_from_db()
    assert author.is_suspended and author.suspension_reason == "Repeated abuse"


def test_queue_hide_and_suspend_refusals_keep_the_entry(client, moderator):
    staff_argument = ArgumentFactory(author=UserFactory(is_staff=True))
    Flag.objects.create(flagger=verified_user(), argument=staff_argument, reason="abuse")
    client.force_login(moderator)
    url = reverse("queue_hide", args=["argument", staff_argument.pk])
    response = client.post(url, {"reason": "x", "suspend": "1", "days": "7"}, headers=HTMX)
    assert response.status_code == 403
    assert "Staff accounts cannot be suspended." in html(response)
    assert "Dismiss flags" in html(response)  # the entry is still there to act on
    bad_period = client.post(url, {"reason": "x", "suspend": "1", "days": "forever"}, headers=HTMX)
    assert bad_period.status_code == 422
    assert Argument.objects.get(pk=staff_argument.pk).is_visible
    no_period = client.post(url, {"reason": "x", "suspend": "1"}, headers=HTMX)
    assert no_period.status_code == 422
    assert "Choose how long the suspension lasts." in html(no_period)
    assert Argument.objects.get(pk=staff_argument.pk).is_visible
    plain = client.post(url, {"reason": "x", "suspend": "1", "days": "7"})
    assert plain.status_code == 403 and "Review queue" in html(plain)


def test_queue_without_javascript_goes_back_to_the_queue(client, moderator, motion):
    Flag.objects.create(flagger=verified_user(), motion=motion, reason="spam")
    client.force_login(moderator)
    response = client.post(
        reverse("queue_hide", args=["motion", motion.pk]), {"reason": "Spam"}, follow=True
    )
    assert response.redirect_chain[-1] == (reverse("moderation_queue"), 303)
    assert "Motion hidden." in html(response) and "No open flags" in html(response)


# --- Suspensions over HTTP ---------------------------------------------------------------------


def test_suspend_page_and_post(client, moderator, author):
    client.force_login(moderator)
    url = reverse("suspend_user", args=[author.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="days"' in html(page)
    assert client.post(url, {"reason": "x", "days": "often"}).status_code == 422
    # No period chosen is refused, never read as the harshest.
    assert client.post(url, {"reason": "x"}).status_code == 422
    author.refresh_from_db()
    assert not author.is_suspended
    assert client.post(url, {"reason": "", "days": "7"}).status_code == 422
    response = client.post(url, {"reason": "Abuse", "days": "indefinitely"}, follow=True)
    assert response.redirect_chain[-1] == (author.get_absolute_url(), 303)
    assert "suspended indefinitely" in html(response)
    author.refresh_from_db()
    assert author.suspended_until.year == 9999


def test_a_moderator_cannot_suspend_themselves_or_staff_over_http(client, moderator):
    client.force_login(moderator)
    for person, message in [
        (moderator, "You cannot suspend yourself."),
        (UserFactory(is_staff=True), "Staff accounts cannot be suspended."),
    ]:
        url = reverse("suspend_user", args=[person.pk])
        for response in (client.get(url), client.post(url, {"reason": "r", "days": "1"})):
            assert response.status_code == 403 and message in html(response)
    assert not ModerationAction.objects.exists()


def test_a_suspended_member_sees_why_and_until_when(client, moderator, author, motion):
    moderation.suspend_user(moderator=moderator, user=author, days=3, reason="Spamming links")
    author.refresh_from_db()
    client.force_login(author)
    page = html(client.get(reverse("home")))
    assert "Your account is suspended until" in page and "Reason: <bdi>Spamming links</bdi>" in page
    assert f"{author.suspended_until:%-d %B %Y}" in page
    reply = client.post(
        reverse("reply_motion", args=[motion.slug]),
        {"stance": "pro", "claim": "x", "submission_key": "6c1f6d9e-0c4b-4bb8-9f39-2d1c7f6b3a10"},
    )
    assert reply.status_code == 403 and "suspended" in html(reply)
    vote = client.post(reverse("vote_motion", args=[MotionFactory().slug]), {"choice": "agree"})
    assert vote.status_code == 303  # the plain form comes back with the refusal as a message
    assert not Vote.objects.exists()


def test_profile_shows_moderators_the_suspension_tools(client, moderator, author, member):
    client.force_login(member)
    assert reverse("suspend_user", args=[author.pk]) not in html(
        client.get(author.get_absolute_url())
    )
    client.force_login(moderator)
    assert reverse("suspend_user", args=[author.pk]) in html(client.get(author.get_absolute_url()))


# --- The log -----------------------------------------------------------------------------------


@pytest.fixture
def logged(moderator, argument, motion, author):
    other = verified_user(display_name="Other Mod")
    grant_moderator(user=other)
    hide(moderator, argument, reason="Insult")
    moderation.lock_motion(moderator=other, motion=motion, reason="Heated")
    moderation.suspend_user(moderator=moderator, user=author, days=1, reason="Abuse")
    return other


def test_log_lists_every_act_linking_to_its_target(client, moderator, logged, argument, motion):
    client.force_login(moderator)
    response = client.get(reverse("moderation_log"))
    body = html(response)
    assert [e.action for e in response.context["entries"]] == ["suspend", "lock", "hide"]
    assert f'href="{argument.get_absolute_url()}"' in body
    assert f'href="{motion.get_absolute_url()}"' in body
    assert f'href="{argument.author.get_absolute_url()}"' in body
    for text in ("Insult", "Heated", "Abuse", "Moderator Mo", "Other Mod"):
        assert text in body


def test_log_filters(client, moderator, logged, argument, motion, author):
    client.force_login(moderator)

    def actions(**params):
        response = client.get(reverse("moderation_log"), params)
        assert response.status_code == 200
        return [e.action for e in response.context["entries"]]

    assert actions(moderator=logged.pk) == ["lock"]
    assert actions(action="hide") == ["hide"]
    assert actions(target="user") == ["suspend"]
    assert actions(target="argument", target_id=argument.pk) == ["hide"]
    assert actions(target="argument", target_id=argument.pk + 1000) == []
    assert actions(target="motion", target_id=motion.pk, moderator=moderator.pk) == []


@pytest.mark.parametrize(
    "params",
    [
        {"moderator": "mo"},
        {"action": "delete"},
        {"target": "vote"},
        {"target": "argument", "target_id": "x"},
        {"target_id": "3"},
    ],
)
def test_log_refuses_bad_filters_with_its_page_and_422(client, moderator, params):
    # The page again, its form and the error in place (tests/test_moderation_own.py has more).
    client.force_login(moderator)
    response = client.get(reverse("moderation_log"), params)
    assert response.status_code == 422
    assert 'class="log-filters"' in html(response) and 'role="alert"' in html(response)


def test_log_pages_keep_their_filters(client, moderator, motion):
    for n in range(55):
        act = moderation.feature_motion if n % 2 == 0 else moderation.unfeature_motion
        act(moderator=moderator, motion=motion)
    client.force_login(moderator)
    first = client.get(reverse("moderation_log"), {"target": "motion"})
    assert len(first.context["entries"]) == 50
    assert "target=motion&amp;page=2" in html(first)
    second = client.get(reverse("moderation_log"), {"target": "motion", "page": 2})
    assert len(second.context["entries"]) == 5


# --- Notices to people about their own content -------------------------------------------------


def test_people_see_notices_of_acts_on_their_own_content(
    client, moderator, author, member, argument
):
    hide(moderator, argument, reason="Insult")
    moderation.lock_motion(moderator=moderator, motion=argument.motion, reason="Heated")
    Flag.objects.create(flagger=member, argument=ArgumentFactory(author=author), reason="spam")
    moderation.dismiss_flags(moderator=moderator, claim=Flag.objects.get().argument)

    client.force_login(author)
    body = html(client.get(NOTICES))
    assert "Your argument" in body and "was hidden by a moderator: <bdi>Insult</bdi>." in body
    assert "Your motion" in body and "was locked: <bdi>Heated</bdi>." in body
    assert "flags" not in body  # dismissed flags were never theirs to know about
    assert "Moderator Mo" not in body
    profile = html(client.get(author.get_absolute_url()))
    assert "was hidden by a moderator: <bdi>Insult</bdi>." in profile

    client.force_login(member)
    assert "Insult" not in html(client.get(NOTICES))
    assert "Insult" not in html(client.get(author.get_absolute_url()))


def test_a_suspension_notice(client, moderator, author):
    moderation.suspend_user(moderator=moderator, user=author, days=None, reason="Spam")
    client.force_login(author)
    assert "Your account was suspended indefinitely: <bdi>Spam</bdi>." in html(client.get(NOTICES))


# --- The admin deletes nothing people wrote ---------------------------------------------------


@pytest.mark.parametrize(
    "model", [Motion, Argument, Source, Flag, Vote, ArgumentRevision, ModerationAction, Appeal]
)
def test_admin_cannot_delete_user_content_or_the_log(client, model, moderator, argument):
    from accounts.models import User

    hide(moderator, argument)
    Flag.objects.create(flagger=verified_user(), argument=argument, reason="spam")
    Vote.objects.create(user=verified_user(), argument=argument, choice="agree")
    ArgumentRevision.objects.create(argument=argument, claim="Old", written_at=timezone.now())
    Source.objects.create(title="A source")
    Appeal.objects.create(argument=argument, author=argument.author, note="It was fair.")
    admin = User.objects.create_superuser("admin@example.org", "pw", display_name="Admin")
    client.force_login(admin)
    obj = model.objects.first()
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    page = client.get(changelist)
    assert page.status_code == 200
    assert "delete_selected" not in html(page)
    delete = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    response = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302)
    assert model.objects.filter(pk=obj.pk).exists()


def test_admin_cannot_delete_users(client):
    from accounts.models import User

    admin = User.objects.create_superuser("admin@example.org", "pw", display_name="Admin")
    person = UserFactory()
    client.force_login(admin)
    delete = reverse("admin:accounts_user_delete", args=[person.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert "delete_selected" not in html(client.get(reverse("admin:accounts_user_changelist")))
    assert User.objects.filter(pk=person.pk).exists()


def test_the_log_is_read_only_in_the_admin(client, moderator, argument):
    from accounts.models import User

    entry = hide(moderator, argument).entry
    admin = User.objects.create_superuser("admin@example.org", "pw", display_name="Admin")
    client.force_login(admin)
    change = reverse("admin:debates_moderationaction_change", args=[entry.pk])
    assert client.get(change).status_code == 200  # viewable
    client.post(change, {"reason": "rewritten", "action": "hide"})
    assert ModerationAction.objects.get().reason == "Insulting"
    assert client.get(reverse("admin:debates_moderationaction_add")).status_code == 403
