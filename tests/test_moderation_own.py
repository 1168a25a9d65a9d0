"""A moderator never reviews their own content: dismissing the flags on a claim they wrote, or
restoring one (or a source they added), takes another moderator. Hiding one's own stays open.
And a bad moderation-log filter answers the log page again, not a bare 400."""

import pytest
from django.urls import reverse

from accounts.services import grant_moderator
from debates import moderation, sources
from debates.errors import DebateRuleError
from debates.models import Flag, ModerationAction, Source
from tests.factories import ArgumentFactory, MotionFactory, verified_user

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
OWN_ARGUMENT = "You cannot dismiss flags on your own argument: another moderator must review it."


@pytest.fixture
def other_mod(db):
    person = verified_user(display_name="Other Mod")
    grant_moderator(user=person)
    return person


@pytest.fixture
def own_motion(moderator):
    return MotionFactory(author=moderator, title="Mods know best", claim="They do.")


@pytest.fixture
def own_argument(own_motion, moderator):
    return ArgumentFactory(motion=own_motion, author=moderator, claim="My own words.")


@pytest.fixture
def argument(author):
    return ArgumentFactory(author=author, claim="Someone else's words.")


@pytest.fixture
def own_source(moderator):
    return sources.add_source(adder=moderator, title="My own paper", text="What I wrote.")


def flag(claim):
    kind = "motion" if claim.__class__.__name__ == "Motion" else "argument"
    return Flag.objects.create(flagger=verified_user(), reason="spam", **{kind: claim})


def open_flags(claim):
    return claim.flags.filter(status=Flag.Status.OPEN).count()


def page(response):
    return response.content.decode()


# --- The services ------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["own_argument", "own_motion"])
def test_a_moderator_cannot_dismiss_flags_on_their_own_claim(request, moderator, which):
    claim = request.getfixturevalue(which)
    flag(claim)
    with pytest.raises(DebateRuleError) as refused:
        moderation.dismiss_flags(moderator=moderator, claim=claim)
    kind = which.removeprefix("own_")
    assert refused.value.status == 403
    assert refused.value.message == (
        f"You cannot dismiss flags on your own {kind}: another moderator must review it."
    )
    assert open_flags(claim) == 1 and not ModerationAction.objects.exists()


@pytest.mark.parametrize("which", ["own_argument", "own_motion"])
def test_a_moderator_hides_their_own_claim_but_cannot_restore_it(
    request, moderator, other_mod, which
):
    claim = request.getfixturevalue(which)
    flag(claim)
    assert moderation.hide_claim(moderator=moderator, claim=claim, reason="On reflection").changed
    with pytest.raises(DebateRuleError) as refused:
        moderation.restore_claim(moderator=moderator, claim=claim, reason="Fine after all")
    assert refused.value.status == 403
    assert "another moderator must review it" in refused.value.message
    claim.refresh_from_db()
    assert claim.is_hidden
    # Another moderator may.
    assert moderation.restore_claim(moderator=other_mod, claim=claim, reason="Fine").changed


def test_another_moderator_dismisses_the_flags(own_argument, other_mod):
    flag(own_argument)
    assert moderation.dismiss_flags(moderator=other_mod, claim=own_argument).changed
    assert open_flags(own_argument) == 0


def test_a_moderator_cannot_restore_a_source_they_added(moderator, other_mod, own_source):
    assert sources.hide_source(moderator=moderator, source=own_source, reason="Mine, gone").changed
    with pytest.raises(DebateRuleError) as refused:
        sources.restore_source(moderator=moderator, source=own_source, reason="Back")
    assert refused.value.status == 403
    assert refused.value.message == (
        "You cannot restore a source you added: another moderator must review it."
    )
    assert Source.objects.get(pk=own_source.pk).is_hidden
    assert sources.restore_source(moderator=other_mod, source=own_source, reason="Back").changed


# --- The queue ---------------------------------------------------------------------------------


def test_the_queue_offers_no_dismiss_on_ones_own_claim(client, moderator, own_argument, argument):
    flag(own_argument), flag(argument)
    client.force_login(moderator)
    body = page(client.get(reverse("moderation_queue")))
    own_url = reverse("queue_dismiss", args=["argument", own_argument.pk])
    other_url = reverse("queue_dismiss", args=["argument", argument.pk])
    assert f'action="{own_url}"' not in body and f'action="{other_url}"' in body
    assert OWN_ARGUMENT in body and "disabled" in body


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_dismissing_ones_own_flags_from_the_queue_is_a_403_with_the_reason(
    client, moderator, own_argument, htmx
):
    flag(own_argument)
    client.force_login(moderator)
    url = reverse("queue_dismiss", args=["argument", own_argument.pk])
    response = client.post(url, headers=HTMX if htmx else {})
    assert response.status_code == 403
    assert OWN_ARGUMENT in page(response) and 'role="alert"' in page(response)
    assert open_flags(own_argument) == 1
    if htmx:  # the entry, in place, still without the button
        assert page(response).lstrip().startswith("<article") and "disabled" in page(response)


# --- In-place and confirmation pages -----------------------------------------------------------


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_restoring_ones_own_argument_is_a_403_with_the_reason(
    client, moderator, own_argument, htmx
):
    moderation.hide_argument(moderator=moderator, argument=own_argument, reason="Withdrawn")
    client.force_login(moderator)
    url = reverse("restore_argument", args=[own_argument.motion.slug, own_argument.pk])
    response = client.post(url, {"reason": "Back"}, headers=HTMX if htmx else {})
    assert response.status_code == 403
    assert "You cannot restore your own argument" in page(response)
    own_argument.refresh_from_db()
    assert own_argument.is_hidden
    if not htmx:  # the confirmation page offers no Restore button
        assert 'action="' + url not in page(response)
        assert client.get(url).status_code == 403


def test_restoring_ones_own_motion_is_a_403_with_the_reason(client, moderator, own_motion):
    moderation.hide_motion(moderator=moderator, motion=own_motion, reason="Withdrawn")
    client.force_login(moderator)
    url = reverse("restore_motion", args=[own_motion.slug])
    response = client.post(url, {"reason": "Back"})
    assert response.status_code == 403
    assert "You cannot restore your own motion" in page(response)
    own_motion.refresh_from_db()
    assert own_motion.is_hidden


def test_restoring_a_source_one_added_is_a_403_with_the_reason(client, moderator, own_source):
    sources.hide_source(moderator=moderator, source=own_source, reason="Withdrawn")
    client.force_login(moderator)
    response = client.post(reverse("restore_source", args=[own_source.pk]), {"reason": "Back"})
    assert response.status_code == 403
    assert "You cannot restore a source you added" in page(response)


def test_pages_offer_no_restore_of_ones_own(client, moderator, other_mod, own_motion, own_source):
    """The motion's panel, the source's reader and its restore page say why, with no form; to
    another moderator they offer it."""
    moderation.hide_motion(moderator=moderator, motion=own_motion, reason="Withdrawn")
    sources.hide_source(moderator=moderator, source=own_source, reason="Withdrawn")
    restore_motion = reverse("restore_motion", args=[own_motion.slug])
    restore_source = reverse("restore_source", args=[own_source.pk])
    for person, offered in [(moderator, False), (other_mod, True)]:
        client.force_login(person)
        motion_page = page(client.get(own_motion.get_absolute_url()))
        assert (f'action="{restore_motion}"' in motion_page) is offered
        reader = page(client.get(own_source.get_absolute_url()))
        assert (f'href="{restore_source}"' in reader) is offered
        form = client.get(restore_source)
        assert (form.status_code, 'name="reason"' in page(form)) == (
            (200, True) if offered else (403, False)
        )


def test_hiding_ones_own_argument_stays_allowed(client, moderator, own_argument):
    client.force_login(moderator)
    url = reverse("hide_argument", args=[own_argument.motion.slug, own_argument.pk])
    assert client.post(url, {"reason": "Said too much"}).status_code == 303
    own_argument.refresh_from_db()
    assert own_argument.is_hidden


# --- The log's filters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, message",
    [
        ({"target": "argument", "target_id": "abc"}, "The target id must be a number"),
        ({"target_id": "12"}, "Choose a target too"),
        ({"moderator": "²"}, "Choose the moderator"),
        ({"action": "delete"}, "Choose the action"),
        ({"target": "vote"}, "Choose the target"),
    ],
)
def test_a_bad_log_filter_answers_the_log_page_with_the_error(
    client, moderator, argument, params, message
):
    moderation.hide_argument(moderator=moderator, argument=argument, reason="Insult")
    client.force_login(moderator)
    response = client.get(reverse("moderation_log"), params)
    body = page(response)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/html")
    assert '<form method="get" class="log-filters"' in body
    assert 'role="alert"' in body and message in body
    assert 'aria-invalid="true"' in body
    # No entries: the whole log under an error would read as what the filter found.
    assert list(response.context["entries"]) == [] and "log__entry" not in body


def test_a_bad_log_filter_keeps_what_was_typed(client, moderator):
    client.force_login(moderator)
    response = client.get(reverse("moderation_log"), {"target": "argument", "target_id": "abc"})
    body = page(response)
    assert 'name="target_id" inputmode="numeric" size="6" value="abc"' in body
    assert '<option value="argument" selected>' in body
