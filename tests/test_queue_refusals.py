"""A refused act in the review queue answers in the refused entry alone, with the reason and
period the moderator sent kept, the field at fault invalid, described by the message and focused,
with JavaScript (the entry in place) and without (the queue page again); the nav's count follows
an act taken in place; and a flag sent without a reason ties the error to its radios."""

import re

import pytest
from django.urls import reverse

from debates.models import Argument, Flag, ModerationAction
from tests.factories import ArgumentFactory, MotionFactory, UserFactory, verified_user
from tests.test_form_semantics import Page

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
TOO_LONG = "Abusive again, " * 35 + "and then some."  # 539 characters, over the log's 500
# A hide in place: the user, is_moderator, the argument, the entry before (its group, arguments,
# flags), the act (savepoint, locked copy, hide, flags, the moderators its closed flags are
# announced to, log, notice, release), the argument as left, and the nav's count.
QUEUE_ACT_QUERIES = 16


@pytest.fixture
def entries(author):
    """Three flagged arguments by `author`, oldest flag first: the queue's three entries."""
    motion = MotionFactory()
    arguments = [ArgumentFactory(motion=motion, author=author) for _ in range(3)]
    for argument in arguments:
        Flag.objects.create(flagger=verified_user(), argument=argument, reason="abuse")
    return arguments


def hide(client, argument, data, *, page="", headers=None):
    url = reverse("queue_hide", args=["argument", argument.pk]) + page
    return client.post(url, data, headers=headers or {})


def reason_field(page, argument):
    return page.by_id[f"queue-argument-{argument.pk}-reason"]


def alerts(page):
    return [element for element in page.elements if element.attrs.get("role") == "alert"]


def text(element):
    return " ".join(element.text.split())


def assert_refused_in_its_entry(page, argument, message, typed):
    """The entry's reason field holds what was sent, invalid, described by the message alone,
    and focused; the message is the page's one alert."""
    field = reason_field(page, argument)
    assert field.attrs["value"] == typed
    assert field.attrs["aria-invalid"] == "true"
    assert field.attrs["aria-describedby"] == f"queue-argument-{argument.pk}-error"
    assert "autofocus" in field.attrs
    assert page.description(field) == message
    assert [text(alert) for alert in alerts(page)] == [message]
    assert page.dangling() == []


def assert_untouched(page, argument):
    field = reason_field(page, argument)
    assert field.attrs["value"] == "Flagged: abuse (1)."
    assert "aria-invalid" not in field.attrs and "autofocus" not in field.attrs


def chosen_period(page, argument):
    select = page.by_id[f"queue-argument-{argument.pk}-days"]
    return [
        option.attrs["value"]
        for option in page.elements
        if option.tag == "option" and option.parent is select and "selected" in option.attrs
    ]


# --- Without JavaScript: the queue again, the refusal in its entry -----------------------------


def test_a_reason_refused_without_javascript_shows_in_that_entry_alone(client, moderator, entries):
    first, refused, last = entries
    client.force_login(moderator)

    response = hide(client, refused, {"reason": " ", "days": "30", "suspend": "1"})

    assert response.status_code == 422
    page = Page(response.content.decode())
    message = "Give a reason: it is logged and shown with the notice."
    assert_refused_in_its_entry(page, refused, message, " ")
    assert chosen_period(page, refused) == ["30"]  # the period chosen, kept
    for other in (first, last):
        assert_untouched(page, other)
        assert chosen_period(page, other) == ["7"]
    assert not ModerationAction.objects.exists()


def test_a_reason_over_its_length_comes_back_as_typed_without_javascript(
    client, moderator, entries
):
    client.force_login(moderator)
    response = hide(client, entries[0], {"reason": TOO_LONG, "days": "1"})
    assert response.status_code == 422
    page = Page(response.content.decode())
    message = f"Keep the reason to 500 characters (it has {len(TOO_LONG)})."
    assert_refused_in_its_entry(page, entries[0], message, TOO_LONG)
    assert chosen_period(page, entries[0]) == ["1"]
    assert_untouched(page, entries[1])


def test_a_bad_period_is_the_period_s_error(client, moderator, entries):
    client.force_login(moderator)
    response = hide(client, entries[1], {"reason": "Repeated abuse", "suspend": "1", "days": "x"})
    assert response.status_code == 422
    page = Page(response.content.decode())
    select = page.by_id[f"queue-argument-{entries[1].pk}-days"]
    assert select.attrs["aria-invalid"] == "true" and "autofocus" in select.attrs
    assert page.description(select) == (
        "Choose how many days the suspension lasts, or indefinitely."
    )
    field = reason_field(page, entries[1])
    assert field.attrs["value"] == "Repeated abuse" and "aria-invalid" not in field.attrs
    assert len(alerts(page)) == 1 and page.dangling() == []


def test_a_refusal_of_the_act_itself_stands_in_its_entry_and_keeps_the_reason(client, moderator):
    staff_argument = ArgumentFactory(author=UserFactory(is_staff=True))
    Flag.objects.create(flagger=verified_user(), argument=staff_argument, reason="abuse")
    other = ArgumentFactory()
    Flag.objects.create(flagger=verified_user(), argument=other, reason="abuse")
    client.force_login(moderator)
    for headers in ({}, HTMX):
        response = hide(
            client,
            staff_argument,
            {"reason": "Trolling", "suspend": "1", "days": "7"},
            headers=headers,
        )
        assert response.status_code == 403
        page = Page(response.content.decode())
        notice = page.by_id[f"queue-argument-{staff_argument.pk}-error"]
        assert "notice--refusal" in notice.attrs["class"]
        assert [text(alert) for alert in alerts(page)] == ["Staff accounts cannot be suspended."]
        field = reason_field(page, staff_argument)
        assert field.attrs["value"] == "Trolling" and "aria-invalid" not in field.attrs
    assert Argument.objects.get(pk=staff_argument.pk).is_visible


def test_a_refused_dismissal_leaves_the_hide_form_s_reason_as_it_was(client, moderator):
    own = ArgumentFactory(author=moderator)
    Flag.objects.create(flagger=verified_user(), argument=own, reason="abuse")
    client.force_login(moderator)
    response = client.post(reverse("queue_dismiss", args=["argument", own.pk]))
    assert response.status_code == 403
    page = Page(response.content.decode())
    assert_untouched(page, own)
    assert len(alerts(page)) == 1


def test_the_queue_s_forms_name_their_page_and_a_refusal_comes_back_to_it(client, moderator):
    arguments = [ArgumentFactory() for _ in range(21)]
    for argument in arguments:
        Flag.objects.create(flagger=verified_user(), argument=argument, reason="abuse")
    client.force_login(moderator)
    last = arguments[-1]  # the 21st entry: alone on page 2
    queue = client.get(reverse("moderation_queue") + "?page=2").content.decode()
    hide_url = reverse("queue_hide", args=["argument", last.pk])
    assert f'action="{hide_url}?page=2"' in queue
    assert f'hx-post="{hide_url}"' in queue

    response = hide(client, last, {"reason": ""}, page="?page=2")
    assert response.status_code == 422
    assert_refused_in_its_entry(
        Page(response.content.decode()),
        last,
        "Give a reason: it is logged and shown with the notice.",
        "",
    )
    # Sent from a page that no longer holds it, the refusal is said above the entries.
    elsewhere = Page(hide(client, last, {"reason": ""}).content.decode())
    assert f"queue-argument-{last.pk}" not in elsewhere.by_id
    assert [text(alert) for alert in alerts(elsewhere)] == [
        "Give a reason: it is logged and shown with the notice."
    ]
    # Done, the plain form goes back to the page it was sent from.
    done = hide(client, last, {"reason": "Spam"}, page="?page=2")
    assert done.status_code == 303 and done["Location"] == reverse("moderation_queue") + "?page=2"


# --- With JavaScript: the entry in place -------------------------------------------------------


def test_a_reason_refused_in_place_comes_back_as_typed(client, moderator, entries):
    client.force_login(moderator)
    response = hide(client, entries[2], {"reason": TOO_LONG, "days": "indefinitely"}, headers=HTMX)
    assert response.status_code == 422
    page = Page(response.content.decode())
    message = f"Keep the reason to 500 characters (it has {len(TOO_LONG)})."
    assert_refused_in_its_entry(page, entries[2], message, TOO_LONG)
    assert chosen_period(page, entries[2]) == ["indefinitely"]
    # A field's error, not a refusal of the act: the field takes the focus, not the entry.
    assert "notice--refusal" not in response.content.decode()


def test_an_emptied_reason_refused_in_place_stays_empty(client, moderator, entries):
    client.force_login(moderator)
    response = hide(client, entries[0], {"reason": "", "suspend": "1", "days": "30"}, headers=HTMX)
    assert response.status_code == 422
    page = Page(response.content.decode())
    message = "Give a reason: it is logged and shown with the notice."
    assert_refused_in_its_entry(page, entries[0], message, "")
    assert chosen_period(page, entries[0]) == ["30"]


# --- The nav's count after an act in place -----------------------------------------------------


def nav_count(html):
    """The count the nav shows beside "Review queue" (the page's, or an answer's update)."""
    return re.findall(r'Review queue <span class="badge site-nav__count">(\d+)</span>', html)


def test_the_nav_s_count_follows_an_act_in_place_as_a_reload_shows_it(client, moderator, entries):
    client.force_login(moderator)
    queue = client.get(reverse("moderation_queue")).content.decode()
    assert 'id="nav-queue"' in queue and nav_count(queue) == ["3"]
    expected = [["2"], ["1"], []]  # an empty queue shows no count
    for argument, count in zip(entries, expected, strict=True):
        answer = hide(client, argument, {"reason": "Abuse"}, headers=HTMX).content.decode()
        assert '<hx-partial hx-target="#nav-queue" hx-swap="innerHTML">' in answer
        reload = client.get(reverse("moderation_queue")).content.decode()
        assert nav_count(answer) == nav_count(reload) == count
    # A refusal changes nothing, and says so too.
    Flag.objects.create(flagger=verified_user(), argument=ArgumentFactory(), reason="spam")
    refused = hide(client, entries[0], {"reason": ""}, headers=HTMX)
    assert nav_count(refused.content.decode()) == ["1"]


@pytest.mark.parametrize("flags", [1, 6])
def test_an_act_in_place_costs_the_same_however_many_flags(
    client, django_assert_num_queries, moderator, flags
):
    argument = ArgumentFactory()
    for _ in range(flags):
        Flag.objects.create(flagger=verified_user(), argument=argument, reason="abuse")
    Flag.objects.create(flagger=verified_user(), argument=ArgumentFactory(), reason="spam")
    client.force_login(moderator)
    url = reverse("queue_hide", args=["argument", argument.pk])
    with django_assert_num_queries(QUEUE_ACT_QUERIES):
        response = client.post(url, {"reason": "Abuse"}, headers=HTMX)
    assert response.status_code == 200 and nav_count(response.content.decode()) == ["1"]


# --- A flag sent without a reason --------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "in place"])
def test_a_flag_without_a_reason_ties_the_error_to_its_radios(client, member, headers):
    argument = ArgumentFactory()
    client.force_login(member)
    url = reverse("flag_argument", args=[argument.motion.slug, argument.pk])
    response = client.post(url, {"note": "Looks off"}, headers=headers)
    assert response.status_code == 422
    page = Page(response.content.decode())
    radios = [e for e in page.elements if e.attrs.get("name") == "reason"]
    error_id = f"flag-reason-argument-{argument.pk}-error"
    assert radios[0].ancestor("fieldset").attrs["aria-describedby"] == error_id
    assert all(radio.attrs.get("aria-invalid") == "true" for radio in radios)
    assert page.description(radios[0]) == "Choose why you are flagging this."
    assert page.dangling() == []
    # The note, not at fault, is neither invalid nor described, and keeps what was typed.
    note = page.by_id[f"flag-note-argument-{argument.pk}"]
    assert "aria-invalid" not in note.attrs and text(note) == "Looks off"
