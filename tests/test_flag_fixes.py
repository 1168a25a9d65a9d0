"""Flags and the review queue after a moderator's walk: a retracted argument's flags are upheld
(not dismissed) and its author can be suspended from the queue; a flag a moderator dismissed is
not raised again by the same member on the same words, and the queue shows what was dismissed
before; a refused flag keeps the note typed, whose limit is counted, not cut; a flagger now
suspended is marked in the queue."""

import re

import pytest
from django.urls import reverse

from debates import moderation, services
from debates.errors import DebateRuleError
from debates.models import Argument, Flag, ModerationAction
from tests.factories import ArgumentFactory, MotionFactory, verified_user

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def argument(author):
    return ArgumentFactory(author=author, claim="Buy cheap watches at example.com.")


def flag(flagger, claim, reason="spam", note=""):
    return moderation.flag_claim(flagger=flagger, claim=claim, reason=reason, note=note)


def flag_url(argument):
    return reverse("flag_argument", args=[argument.motion.slug, argument.pk])


def note_in(html):
    """The text in the flag form's note box, as the page shows it."""
    found = re.search(r'<textarea[^>]*name="note"[^>]*>(.*?)</textarea>', html, re.S)
    return found and found.group(1)


def actions():
    return list(ModerationAction.objects.order_by("id").values_list("action", flat=True))


# --- 1. A retracted argument with open flags -------------------------------------------------


@pytest.fixture
def retracted(argument, author, member):
    """`argument`, flagged by `member` and another member, then retracted by its author."""
    flag(member, argument)
    flag(verified_user(), argument, reason="abuse")
    services.retract_argument(author=author, argument=argument)
    argument.refresh_from_db()
    return argument


def test_hiding_a_retracted_argument_upholds_its_flags_and_keeps_it_retracted(moderator, retracted):
    outcome = moderation.hide_argument(moderator=moderator, argument=retracted, reason="Spam")
    assert outcome.changed and "2 flags upheld" in outcome.message
    assert "retracted by its author" in outcome.message
    assert set(Flag.objects.values_list("status", flat=True)) == {"actioned"}
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.argument, entry.reason, entry.flags_resolved) == (
        "uphold_flags",
        retracted,
        "Spam",
        2,
    )
    assert entry.get_action_display() == "Uphold flags (retracted by its author)"
    # The author's withdrawal stands, and no restore can publish it.
    retracted.refresh_from_db()
    assert retracted.visibility == "retracted" and retracted.hidden_reason == ""
    with pytest.raises(DebateRuleError) as refused:
        moderation.restore_argument(moderator=moderator, argument=retracted, reason="Oops")
    assert refused.value.status == 409


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "in place"])
def test_the_queue_hides_a_retracted_argument_and_suspends_its_author(
    client, moderator, author, retracted, headers
):
    client.force_login(moderator)
    url = reverse("queue_hide", args=["argument", retracted.pk])
    response = client.post(url, {"reason": "Spam", "suspend": "1", "days": "7"}, headers=headers)
    assert response.status_code == (200 if headers else 303)
    assert actions() == ["uphold_flags", "suspend"]
    author.refresh_from_db()
    assert author.is_suspended
    assert not Flag.objects.filter(status__in=["open", "dismissed"]).exists()
    assert Argument.objects.get(pk=retracted.pk).visibility == "retracted"


def test_the_queue_hide_alone_on_a_retracted_argument_is_no_dismissal(client, moderator, retracted):
    client.force_login(moderator)
    page = client.get(reverse("moderation_queue")).content.decode()
    # The buttons say what they do to a retracted argument.
    assert "Uphold flags and suspend author" in page and ">Uphold flags</button>" in page
    response = client.post(reverse("queue_hide", args=["argument", retracted.pk]), headers=HTMX)
    assert response.status_code == 200 and "2 flags upheld" in response.content.decode()
    assert actions() == ["uphold_flags"]


def test_the_log_names_an_uphold_as_such(client, moderator, retracted):
    moderation.hide_argument(moderator=moderator, argument=retracted, reason="Spam")
    client.force_login(moderator)
    log = client.get(reverse("moderation_log") + "?action=uphold_flags").content.decode()
    assert "Uphold flags (retracted by its author)" in log and "[retracted by its author]" in log


# --- 2. A dismissed flag is not raised again on the same words -------------------------------


@pytest.fixture
def kept(argument, member, moderator):
    """`argument`, flagged by `member`, the flag dismissed by `moderator`."""
    flag(member, argument, note="Looks like spam")
    moderation.dismiss_flags(moderator=moderator, claim=argument, reason="It is on topic")
    return argument


def test_the_same_member_cannot_flag_again_what_a_moderator_kept(member, kept):
    with pytest.raises(DebateRuleError) as refused:
        flag(member, kept, reason="abuse")
    assert refused.value.status == 409
    assert "a moderator reviewed it and kept it" in refused.value.message
    assert Flag.objects.filter(status="open").count() == 0


def test_someone_else_still_flags_it(kept):
    _, created = flag(verified_user(), kept)
    assert created


def test_once_reworded_the_same_member_may_flag_it_again(member, author, kept):
    services.edit_argument(editor=author, argument=kept, claim="Buy cheap watches, now cheaper.")
    kept.refresh_from_db()
    _, created = flag(member, kept)
    assert created


def test_a_kept_motion_is_not_flagged_again_by_the_same_member(member, moderator):
    motion = MotionFactory()
    flag(member, motion)
    moderation.dismiss_flags(moderator=moderator, claim=motion)
    with pytest.raises(DebateRuleError) as refused:
        flag(member, motion)
    assert refused.value.status == 409 and "rewords" not in refused.value.message


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "in place"])
def test_the_flag_form_refuses_a_kept_flag_and_keeps_the_note(client, member, kept, headers):
    client.force_login(member)
    # Offered no form: the page says why.
    shown = client.get(flag_url(kept), headers=headers)
    assert shown.status_code == 409 and "kept it" in shown.content.decode()
    assert note_in(shown.content.decode()) is None
    # Sent all the same (a page open from before the dismissal): refused, the note kept.
    data = {"reason": "other", "note": "Still spam, see the link"}
    response = client.post(flag_url(kept), data, headers=headers)
    body = response.content.decode()
    assert response.status_code == 409 and "kept it" in body
    assert note_in(body) == "Still spam, see the link"
    assert 'value="other" checked' in body


def test_the_queue_shows_earlier_dismissals(client, moderator, kept):
    flag(verified_user(display_name="Second Sid"), kept)
    client.force_login(moderator)
    page = client.get(reverse("moderation_queue")).content.decode()
    history = re.search(r'<p class="queue-item__history.*?</p>', page, re.S).group(0)
    assert "Flagged before, dismissed" in history and "1 flag by" in history
    assert "Moderator Mo" in history and "<time" in history
    assert "reworded since" not in history


def test_the_queue_says_when_an_argument_was_reworded_after_a_dismissal(
    client, moderator, author, kept
):
    services.edit_argument(editor=author, argument=kept, claim="Buy cheap watches, now cheaper.")
    flag(verified_user(), kept)
    client.force_login(moderator)
    page = client.get(reverse("moderation_queue")).content.decode()
    assert "(reworded since)" in page


@pytest.mark.parametrize("groups", [3, 25])
def test_the_queue_costs_the_same_with_history_and_suspended_flaggers(
    client, django_assert_num_queries, moderator, groups
):
    for n in range(groups):
        argument = ArgumentFactory()
        earlier = verified_user()
        flag(earlier, argument)
        moderation.dismiss_flags(moderator=moderator, claim=argument)
        flagger = verified_user()
        flag(flagger, argument, reason="abuse")
        if n % 2:
            moderation.suspend_user(moderator=moderator, user=flagger, days=7, reason="Trolling")
    client.force_login(moderator)
    # As tests/test_moderation_views.py counts it (10), with no motions flagged: session with its
    # user, is_moderator, count, one page of groups, arguments, flags (open and dismissed, with
    # their flaggers and moderators), the appeals waiting, the nav's open-flag count and the bell.
    with django_assert_num_queries(9):
        response = client.get(reverse("moderation_queue"))
    page = response.content.decode()
    assert page.count('class="queue-item__history') == min(20, groups)
    assert page.count("badge--warning") >= min(20, groups) // 2


# --- 3. A refused flag keeps its note; the note's limit is counted, not cut --------------------


def test_the_note_box_counts_its_limit_rather_than_cutting(client, member, argument):
    client.force_login(member)
    page = client.get(flag_url(argument)).content.decode()
    box = re.search(r'<textarea[^>]*name="note"[^>]*>', page).group(0)
    assert 'data-limit="500"' in box and "maxlength" not in box


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "in place"])
def test_a_note_too_long_is_refused_with_the_text_kept(client, member, argument, headers):
    client.force_login(member)
    note = "spam " * 120 + "end"  # 603 characters
    response = client.post(flag_url(argument), {"reason": "spam", "note": note}, headers=headers)
    body = response.content.decode()
    assert response.status_code == 422
    assert "Keep the note to 500 characters (it has 603)." in body
    assert note_in(body) == note
    assert not Flag.objects.exists()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "in place"])
def test_a_flag_on_a_claim_hidden_meanwhile_keeps_the_note(
    client, member, moderator, argument, headers
):
    client.force_login(member)
    moderation.hide_argument(moderator=moderator, argument=argument, reason="Spam")
    data = {"reason": "other", "note": "Links to a shop"}
    response = client.post(flag_url(argument), data, headers=headers)
    body = response.content.decode()
    assert response.status_code == 409 and "already hidden" in body
    assert note_in(body) == "Links to a shop"


# --- 4. A flagger now suspended ----------------------------------------------------------------


def test_the_queue_marks_a_flagger_now_suspended(client, moderator, argument):
    troll, fair = verified_user(display_name="Troll Tom"), verified_user(display_name="Fair Fay")
    flag(troll, argument)
    flag(fair, argument)
    moderation.suspend_user(moderator=moderator, user=troll, days=None, reason="Trolling")
    client.force_login(moderator)
    page = client.get(reverse("moderation_queue")).content.decode()
    flags = re.search(r'<ul class="queue-item__flags">(.*?)</ul>', page, re.S).group(1)
    tom, fay = (item for item in flags.split("<li>")[1:])
    assert "Troll Tom" in tom and "suspended" in tom
    assert "Fair Fay" in fay and "suspended" not in fay


def test_its_author_is_told_the_flags_were_upheld(client, moderator, author, retracted):
    moderation.hide_argument(moderator=moderator, argument=retracted, reason="Spam")
    client.force_login(author)
    page = client.get(reverse("notifications")).content.decode()
    assert "found to break the rules after its retraction" in page
