"""Appeals: the author of an argument a moderator hid asks a moderator to look again, once for
each hiding; a moderator restores it (the appeal upheld) or keeps it hidden (declined, logged,
the author told), never on their own argument."""

import re

import pytest
from django.core.cache import caches
from django.urls import reverse

from accounts import suspension
from accounts.services import grant_moderator
from debates import moderation
from debates.errors import DebateRuleError
from debates.models import Appeal, Argument, ModerationAction
from notifications.models import Notification
from tests.factories import ArgumentFactory, UserFactory, verified_user

pytestmark = pytest.mark.django_db

NOTE = "I quoted the report word for word; it is not abuse."


@pytest.fixture
def other_mod(db):
    person = verified_user(display_name="Other Mod")
    grant_moderator(user=person)
    return person


@pytest.fixture
def hider(db):
    """The moderator who hid the argument: its appeal asks the others for a second opinion."""
    person = verified_user(display_name="Hasty Hal")
    grant_moderator(user=person)
    return person


@pytest.fixture
def hidden(author, hider):
    argument = ArgumentFactory(author=author, claim="The treaty was never ratified.")
    moderation.hide_argument(moderator=hider, argument=argument, reason="Abusive wording")
    return argument


def appeal(author, argument, note=NOTE):
    return moderation.appeal_hidden_argument(author=author, argument=argument, note=note)


def refusal(call):
    with pytest.raises(DebateRuleError) as refused:
        call()
    return refused.value


def appeal_url(argument):
    return reverse("appeal_argument", args=[argument.motion.slug, argument.pk])


def text(response):
    return response.content.decode()


# --- Appealing ---------------------------------------------------------------------------------


def test_the_author_appeals_their_hidden_argument(author, hidden):
    made = appeal(author, hidden, note="  " + NOTE + "\n")
    assert made.status == Appeal.Status.OPEN and made.note == NOTE
    assert (made.argument, made.author, made.resolved_at) == (hidden, author, None)
    # An appeal is the author's, not a moderator's act: nothing goes in the log.
    assert list(ModerationAction.objects.values_list("action", flat=True)) == ["hide"]


def test_a_second_appeal_while_one_waits_is_refused(author, hidden):
    appeal(author, hidden)
    refused = refusal(lambda: appeal(author, hidden, note="Again"))
    assert refused.status == 409 and "waiting for a moderator" in refused.message
    assert Appeal.objects.count() == 1


def test_only_a_hidden_argument_is_appealed(author):
    argument = ArgumentFactory(author=author)
    refused = refusal(lambda: appeal(author, argument))
    assert refused.status == 409
    assert refused.message == (
        "This argument is not hidden (everyone can read it): there is nothing to appeal."
    )
    argument.visibility = Argument.Visibility.RETRACTED
    argument.save()
    refused = refusal(lambda: appeal(author, argument))
    assert refused.status == 409 and "retracted by its author" in refused.message
    assert not Appeal.objects.exists()


def test_only_its_author_appeals(member, moderator, hidden):
    for someone in (member, moderator):
        refused = refusal(lambda someone=someone: appeal(someone, hidden))
        assert refused.status == 403
        assert refused.message == "Only its author can appeal an argument's hiding."
    assert not Appeal.objects.exists()


def test_an_appeal_needs_a_verified_address_but_not_freedom_from_suspension(moderator):
    unverified = UserFactory()
    argument = ArgumentFactory(author=unverified)
    moderation.hide_argument(moderator=moderator, argument=argument, reason="Spam")
    refused = refusal(lambda: appeal(unverified, argument))
    assert refused.status == 403 and "Verify your email address" in refused.message

    suspended = verified_user()
    theirs = ArgumentFactory(author=suspended)
    moderation.hide_and_suspend_author(moderator=moderator, claim=theirs, reason="Spam", days=7)
    suspended.refresh_from_db()
    assert suspended.is_suspended
    assert appeal(suspended, theirs).status == Appeal.Status.OPEN


@pytest.mark.parametrize(
    "note, message",
    [
        (" \n ", "Say why a moderator should look again: your note is what they read."),
        ("x" * 501, "Keep the note to 500 characters (it has 501)."),
    ],
)
def test_an_appeal_needs_a_note_of_at_most_500_characters(author, hidden, note, message):
    refused = refusal(lambda: appeal(author, hidden, note=note))
    assert (refused.status, refused.field, refused.message) == (422, "note", message)
    assert not Appeal.objects.exists()


# --- Deciding ----------------------------------------------------------------------------------


def test_declining_keeps_it_hidden_logs_it_and_tells_the_author(author, moderator, hidden):
    made = appeal(author, hidden)
    entry = moderation.decline_appeal(moderator=moderator, appeal=made, reason="Still abusive")
    made.refresh_from_db()
    hidden.refresh_from_db()
    assert hidden.is_hidden
    assert (made.status, made.resolved_by) == (Appeal.Status.DECLINED, moderator)
    assert made.resolved_at is not None
    assert (entry.action, entry.argument, entry.reason) == (
        "decline_appeal",
        hidden,
        "Still abusive",
    )
    assert entry.done_label == "kept hidden after your appeal"
    told = Notification.objects.get(recipient=author, action=entry)
    assert told.kind == Notification.Kind.MODERATION and told.argument == hidden


def test_the_log_shows_the_declined_appeal(client, author, moderator, hidden):
    made = appeal(author, hidden)
    moderation.decline_appeal(moderator=moderator, appeal=made, reason="Still abusive")
    client.force_login(moderator)
    response = client.get(reverse("moderation_log") + "?action=decline_appeal")
    assert response.status_code == 200
    page = text(response)
    assert "Decline appeal (kept hidden)" in page and "Still abusive" in page


def test_declining_needs_a_reason(author, moderator, hidden):
    made = appeal(author, hidden)
    refused = refusal(
        lambda: moderation.decline_appeal(moderator=moderator, appeal=made, reason="")
    )
    assert (refused.status, refused.field) == (422, "reason")
    made.refresh_from_db()
    assert made.status == Appeal.Status.OPEN


def test_after_a_decline_the_same_hiding_is_not_appealed_again(author, moderator, hidden):
    made = appeal(author, hidden)
    moderation.decline_appeal(moderator=moderator, appeal=made, reason="Still abusive")
    made.refresh_from_db()
    refused = refusal(lambda: appeal(author, hidden, note="Please"))
    when = made.resolved_at
    assert refused.status == 409
    assert refused.message == (
        f"A moderator declined your appeal on {when.day} {when:%B %Y} and kept this argument "
        "hidden: there is one appeal for each hiding."
    )
    # Restored, then hidden again: that hiding has an appeal of its own.
    moderation.restore_argument(moderator=moderator, argument=hidden, reason="Second look")
    moderation.hide_argument(moderator=moderator, argument=hidden, reason="Abuse again")
    assert appeal(author, hidden).status == Appeal.Status.OPEN


def test_restoring_upholds_the_open_appeal(author, moderator, hidden):
    made = appeal(author, hidden)
    outcome = moderation.restore_argument(moderator=moderator, argument=hidden, reason="Fair")
    made.refresh_from_db()
    assert outcome.changed and outcome.entry.action == "restore"
    assert (made.status, made.resolved_by) == (Appeal.Status.UPHELD, moderator)
    assert made.resolved_at is not None
    assert Notification.objects.filter(recipient=author, action=outcome.entry).exists()


def test_a_moderator_decides_no_appeal_on_their_own_argument(moderator, other_mod):
    own = ArgumentFactory(author=moderator, claim="My own words.")
    moderation.hide_argument(moderator=other_mod, argument=own, reason="Off-topic")
    made = appeal(moderator, own)
    refused = refusal(
        lambda: moderation.decline_appeal(moderator=moderator, appeal=made, reason="No")
    )
    assert refused.status == 403
    assert refused.message == (
        "You cannot decide the appeal on your own argument: another moderator must review it."
    )
    refused = refusal(
        lambda: moderation.restore_argument(moderator=moderator, argument=own, reason="Yes")
    )
    assert refused.status == 403
    made.refresh_from_db()
    assert made.status == Appeal.Status.OPEN
    assert not ModerationAction.objects.filter(moderator=moderator).exists()


def test_a_decided_appeal_is_not_decided_again(author, moderator, other_mod, hidden):
    made = appeal(author, hidden)
    moderation.decline_appeal(moderator=moderator, appeal=made, reason="Still abusive")
    refused = refusal(
        lambda: moderation.decline_appeal(moderator=other_mod, appeal=made, reason="Twice")
    )
    assert refused.status == 409 and "declined already" in refused.message
    assert ModerationAction.objects.filter(action="decline_appeal").count() == 1
    # Nor upheld after all: the argument stays hidden, as the moderator who declined it left it.
    refused = refusal(
        lambda: moderation.uphold_appeal(moderator=other_mod, appeal=made, reason="Fine")
    )
    assert refused.status == 409 and "declined already" in refused.message
    hidden.refresh_from_db()
    assert hidden.is_hidden


def test_only_a_moderator_declines(author, member, hidden):
    made = appeal(author, hidden)
    refused = refusal(lambda: moderation.decline_appeal(moderator=member, appeal=made, reason="No"))
    assert refused.status == 403


# --- The author's pages ------------------------------------------------------------------------


def test_the_argument_page_offers_the_author_an_appeal_then_says_where_it_stands(
    client, django_capture_on_commit_callbacks, author, moderator, hidden
):
    client.force_login(author)
    page = text(client.get(hidden.get_absolute_url()))
    assert "Ask a moderator to look again" in page and appeal_url(hidden) in page
    # Committed, each retires the page the author was shown (cached until the debate changes).
    with django_capture_on_commit_callbacks(execute=True):
        made = appeal(author, hidden)
    page = text(client.get(hidden.get_absolute_url()))
    assert "Your appeal is waiting for a moderator." in page
    assert "Ask a moderator to look again" not in page
    with django_capture_on_commit_callbacks(execute=True):
        moderation.decline_appeal(moderator=moderator, appeal=made, reason="Still abusive")
    made.refresh_from_db()
    page = text(client.get(hidden.get_absolute_url()))
    assert f"Your appeal was declined on {made.resolved_at:%-d %B %Y}" in page
    assert "Ask a moderator to look again" not in page
    inbox = text(client.get(reverse("notifications") + "?kind=moderation"))
    assert "was kept hidden after your appeal" in inbox and "Still abusive" in inbox


def test_a_live_pages_own_copy_says_where_the_appeal_stands(client, author, hidden):
    appeal(author, hidden)
    client.force_login(author)
    own = reverse("own_copy", args=[hidden.motion.slug]) + f"?ids={hidden.pk}"
    assert "Your appeal is waiting for a moderator." in text(client.get(own))


def test_nobody_else_is_offered_an_appeal(client, member, moderator, hidden):
    for someone in (member, moderator):
        client.force_login(someone)
        page = text(client.get(hidden.get_absolute_url()))
        assert "Ask a moderator to look again" not in page and "Your appeal" not in page


# The motion, the user and whether they moderate, the viewer's own part of the debate, the
# unread notifications: where the author's appeal stands comes in the query that loads what they
# wrote (moderation_queries.with_appeal_state), not one more.
ARGUMENT_PAGE_QUERIES = 5


@pytest.mark.parametrize("appealed", [False, True])
def test_the_argument_page_costs_its_author_the_same_with_an_appeal(
    client, django_assert_num_queries, django_capture_on_commit_callbacks, author, hidden, appealed
):
    if appealed:
        with django_capture_on_commit_callbacks(execute=True):
            appeal(author, hidden)
    client.force_login(author)
    url = hidden.get_absolute_url()
    client.get(url)  # the session and the shared tree, as any page after the first
    with django_assert_num_queries(ARGUMENT_PAGE_QUERIES):
        page = text(client.get(url))
    said = "Your appeal is waiting for a moderator." if appealed else "Ask a moderator to look"
    assert said in page
    caches["own-regions"].clear()
    with django_assert_num_queries(ARGUMENT_PAGE_QUERIES + 1):  # her argument, with its appeal
        assert said in text(client.get(url))


def test_the_appeal_form_sends_the_appeal_and_goes_back_to_the_argument(client, author, hidden):
    client.force_login(author)
    form = text(client.get(appeal_url(hidden)))
    assert 'name="note"' in form and 'dir="auto"' in form and 'data-limit="500"' in form
    assert "The treaty was never ratified." in form
    response = client.post(appeal_url(hidden), {"note": NOTE}, follow=True)
    assert response.redirect_chain == [(hidden.get_absolute_url(), 303)]
    assert "Your appeal is sent" in text(response)
    assert Appeal.objects.get().note == NOTE


@pytest.mark.parametrize("note, status", [("", 422), ("y" * 600, 422)], ids=["empty", "too long"])
def test_a_bad_note_comes_back_with_the_note_kept(client, author, hidden, note, status):
    client.force_login(author)
    response = client.post(appeal_url(hidden), {"note": note})
    page = text(response)
    assert response.status_code == status
    assert 'aria-invalid="true"' in page and 'id="appeal-note-error"' in page
    assert f">{note}</textarea>" in page
    assert not Appeal.objects.exists()


def test_a_refused_appeal_says_why_and_keeps_the_note(client, author, member, hidden):
    appeal(author, hidden)
    client.force_login(author)
    response = client.post(appeal_url(hidden), {"note": "Once more, please"})
    assert response.status_code == 409
    page = text(response)
    assert "your appeal is waiting for a moderator" in page
    assert "Once more, please</textarea>" in page and "readonly" in page
    client.force_login(member)
    response = client.post(appeal_url(hidden), {"note": "Not mine"})
    assert response.status_code == 403
    page = text(response)
    assert "Only its author can appeal" in page
    assert "The treaty was never ratified." not in page  # a hidden claim is not theirs to read
    assert Appeal.objects.count() == 1


def test_the_appeal_page_asks_a_visitor_to_sign_in(client, hidden):
    response = client.get(appeal_url(hidden))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- The moderators' page ----------------------------------------------------------------------


def appeals_url():
    return reverse("moderation_appeals")


def test_the_appeals_page_lists_open_appeals_oldest_first(client, moderator, other_mod, author):
    first = ArgumentFactory(author=author, claim="First hidden claim")
    second = ArgumentFactory(author=author, claim="Second hidden claim")
    for argument in (first, second):
        moderation.hide_argument(moderator=other_mod, argument=argument, reason="Abusive")
    appeal(author, second, note="Second note")
    appeal(author, first, note="First note")
    client.force_login(moderator)
    page = text(client.get(appeals_url()))
    assert page.index("Second note") < page.index("First note")
    assert "Second hidden claim" in page and "Abusive" in page and "Author Al" in page
    assert page.count('value="restore"') == 2 and page.count('value="decline"') == 2
    assert 'name="reason"' in page and "Other Mod" in page


def test_the_review_queue_links_the_appeals(client, moderator):
    client.force_login(moderator)
    assert f'href="{appeals_url()}"' in text(client.get(reverse("moderation_queue")))


def test_the_appeals_page_is_for_moderators(client, member):
    client.force_login(member)
    assert client.get(appeals_url()).status_code == 403
    assert client.post(appeals_url(), {"act": "decline", "appeal": "1"}).status_code == 403


@pytest.mark.parametrize("count", [1, 4])
def test_the_appeals_page_costs_the_same_however_many_appeals(
    client, django_assert_num_queries, moderator, other_mod, count
):
    for _ in range(count):
        argument = ArgumentFactory(author=verified_user())
        moderation.hide_argument(moderator=other_mod, argument=argument, reason="Spam")
        appeal(argument.author, argument)
    client.force_login(moderator)
    client.get(appeals_url())
    with django_assert_num_queries(APPEALS_PAGE_QUERIES):
        response = client.get(appeals_url())
    assert response.status_code == 200 and text(response).count('value="decline"') == count


# The user and whether they moderate, the nav's open flags and unread notifications, then the
# page: the count of open appeals, one page of them, and their hidings.
APPEALS_PAGE_QUERIES = 7


def test_restore_from_the_appeals_page_upholds_it(client, moderator, author, hidden):
    made = appeal(author, hidden)
    client.force_login(moderator)
    response = client.post(
        appeals_url(), {"appeal": made.pk, "act": "restore", "reason": "Fair point"}, follow=True
    )
    assert response.redirect_chain == [(appeals_url(), 303)]
    assert "Argument restored. The appeal is upheld." in text(response)
    made.refresh_from_db()
    hidden.refresh_from_db()
    assert made.status == Appeal.Status.UPHELD and hidden.is_visible


def test_keep_hidden_from_the_appeals_page_declines_it(client, moderator, author, hidden):
    made = appeal(author, hidden)
    client.force_login(moderator)
    response = client.post(
        appeals_url(), {"appeal": made.pk, "act": "decline", "reason": "Still abusive"}
    )
    assert response.status_code == 303
    made.refresh_from_db()
    assert made.status == Appeal.Status.DECLINED
    assert ModerationAction.objects.filter(action="decline_appeal", argument=hidden).exists()


def test_keep_hidden_without_a_reason_comes_back_with_the_error(client, moderator, author, hidden):
    made = appeal(author, hidden)
    client.force_login(moderator)
    response = client.post(appeals_url(), {"appeal": made.pk, "act": "decline", "reason": " "})
    assert response.status_code == 422
    page = text(response)
    error_id = f"appeal-{made.pk}-error"
    assert f'id="{error_id}"' in page and f'aria-describedby="{error_id}"' in page
    made.refresh_from_db()
    assert made.status == Appeal.Status.OPEN


def test_a_moderator_is_not_offered_to_decide_their_own_appeal(client, moderator, other_mod):
    own = ArgumentFactory(author=moderator, claim="My own words.")
    moderation.hide_argument(moderator=other_mod, argument=own, reason="Off-topic")
    made = appeal(moderator, own)
    client.force_login(moderator)
    page = text(client.get(appeals_url()))
    assert "You cannot decide the appeal on your own argument" in page
    assert 'value="decline"' not in page
    response = client.post(appeals_url(), {"appeal": made.pk, "act": "decline", "reason": "No"})
    assert response.status_code == 403
    made.refresh_from_db()
    assert made.status == Appeal.Status.OPEN


@pytest.mark.parametrize(
    "data", [{"act": "delete", "appeal": "1"}, {"act": "decline", "appeal": "x"}, {}]
)
def test_a_bad_act_on_an_appeal_is_a_400(client, moderator, data):
    client.force_login(moderator)
    assert client.post(appeals_url(), data).status_code == 400


def test_an_appeal_decided_meanwhile_is_a_409_said_above_the_list(
    client, moderator, other_mod, author, hidden
):
    made = appeal(author, hidden)
    moderation.decline_appeal(moderator=other_mod, appeal=made, reason="Still abusive")
    client.force_login(moderator)
    response = client.post(appeals_url(), {"appeal": made.pk, "act": "restore", "reason": "Hm"})
    assert response.status_code == 409
    assert re.search(r'role="alert">This appeal was declined already', text(response))
    hidden.refresh_from_db()
    assert hidden.is_hidden


def test_a_suspension_does_not_stop_an_appeal_from_the_page(client, moderator):
    person = verified_user()
    argument = ArgumentFactory(author=person)
    moderation.hide_argument(moderator=moderator, argument=argument, reason="Spam")
    suspension.suspend(user=person, days=3, reason="Spam")
    client.force_login(person)
    response = client.post(appeal_url(argument), {"note": NOTE})
    assert response.status_code == 303
    assert Appeal.objects.filter(argument=argument, author=person).exists()


def test_the_queue_says_how_many_appeals_wait_even_with_no_flags(client, author, hidden, other_mod):
    client.force_login(other_mod)
    page = text(client.get(reverse("moderation_queue")))
    assert "nothing is waiting for review" in page
    appeal(author, hidden)
    page = text(client.get(reverse("moderation_queue")))
    assert "No open flags, but 1 <a" in page and "appeal</a> is waiting." in page
    assert re.search(
        r'Appeals <span class="badge[^"]*">1<span class="visually-hidden"> waiting', page
    )


def test_the_nav_counts_appeals_waiting_with_open_flags(client, author, hidden, other_mod):
    """The nav's badge on "Review queue" counts all that waits there: flags and appeals."""
    client.force_login(other_mod)
    assert "Review queue <span" not in text(client.get("/"))
    appeal(author, hidden)
    assert 'Review queue <span class="badge site-nav__count">1</span>' in text(client.get("/"))
    moderation.flag_claim(flagger=verified_user(), claim=ArgumentFactory(), reason="spam")
    assert 'Review queue <span class="badge site-nav__count">2</span>' in text(client.get("/"))


def test_a_moderators_own_appeal_is_not_counted_as_waiting_for_her(
    client, moderator, other_mod, hider
):
    """Another moderator decides it: her nav and queue count nothing she could act on, and the
    other moderator's count it."""
    argument = ArgumentFactory(author=other_mod, claim="Mine, hidden.")
    moderation.hide_argument(moderator=hider, argument=argument, reason="Abusive wording")
    appeal(other_mod, argument)
    client.force_login(other_mod)
    assert "Review queue <span" not in text(client.get("/"))
    assert "nothing is waiting for review" in text(client.get(reverse("moderation_queue")))
    client.force_login(moderator)
    assert 'Review queue <span class="badge site-nav__count">1</span>' in text(client.get("/"))
    assert "1 <a" in text(client.get(reverse("moderation_queue")))
