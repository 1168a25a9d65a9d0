"""Members flag a source's text as they flag a claim (a pasted text that is not what it claims
to be, or should not be here); moderators find it in the review queue, dismiss the flags or hide
the source, and nobody flags what they added or reviews flags on it."""

import pytest
from django.db import IntegrityError, transaction
from django.db.migrations.exceptions import IrreversibleError
from django.urls import reverse

from api.schemas import FlagIn
from debates import moderation, moderation_queries, sources
from debates.errors import DebateRuleError
from debates.models import Flag, ModerationAction
from notifications.models import Notification
from tests.factories import ArgumentFactory, SourceFactory, verified_user
from tests.migrating import by_hand

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def source(author):
    return sources.add_source(adder=author, title="A pasted essay", text="Its only passage.")


def flag_url(source):
    return reverse("flag_source", args=[source.pk])


def test_a_member_flags_a_source_from_its_page(client, source, member):
    client.force_login(member)
    reader = client.get(source.get_absolute_url()).content.decode()
    assert f'href="{flag_url(source)}"' in reader
    assert f'id="flag-slot-source-{source.pk}"' in reader

    form = client.get(flag_url(source))
    assert form.status_code == 200 and "A pasted essay" in form.content.decode()
    response = client.post(flag_url(source), {"reason": "other", "note": "Not the real text."})

    assert response.status_code == 303 and response["Location"] == source.get_absolute_url()
    reread = client.get(source.get_absolute_url()).content.decode()
    assert f'<span class="flag-link flag-link--done" id="flag-link-source-{source.pk}">' in reread
    flag = Flag.objects.get()
    assert (flag.source, flag.flagger, flag.note) == (source, member, "Not the real text.")
    assert flag.claim == source


def test_the_flag_form_opens_and_answers_in_place(client, source, member):
    client.force_login(member)
    form = client.get(flag_url(source), headers=HTMX).content.decode()
    assert f'id="flag-form-source-{source.pk}"' in form and "<html" not in form

    done = client.post(flag_url(source), {"reason": "spam"}, headers=HTMX).content.decode()
    assert "Flagged. Thank you" in done
    assert f'hx-target="#flag-link-source-{source.pk}"' in done


def test_nobody_flags_what_they_added_a_hidden_source_or_twice(source, author, member, moderator):
    with pytest.raises(DebateRuleError, match="a source you added") as refused:
        moderation.flag_claim(flagger=author, claim=source, reason="spam")
    assert refused.value.status == 403
    first, created = moderation.flag_claim(flagger=member, claim=source, reason="spam")
    again, created_again = moderation.flag_claim(flagger=member, claim=source, reason="abuse")
    assert created and not created_again and again == first
    sources.hide_source(moderator=moderator, source=source, reason="Copied without leave.")
    with pytest.raises(DebateRuleError, match="already hidden") as hidden:
        moderation.flag_claim(flagger=verified_user(), claim=source, reason="spam")
    assert hidden.value.status == 409


def test_the_source_page_offers_flag_only_to_members_who_did_not_add_it(client, source, author):
    link = f'href="{flag_url(source)}"'
    assert link not in client.get(source.get_absolute_url()).content.decode()
    client.force_login(author)
    assert link not in client.get(source.get_absolute_url()).content.decode()


def test_a_flag_names_exactly_one_thing(source, member):
    argument = ArgumentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Flag.objects.create(flagger=member, reason="spam", source=source, argument=argument)


def test_the_queue_shows_a_flagged_source_and_dismisses_its_flags(client, source, moderator):
    moderation.flag_claim(flagger=verified_user(), claim=source, reason="spam")
    moderation.flag_claim(flagger=verified_user(), claim=source, reason="other", note="Fake.")
    client.force_login(moderator)

    queue = client.get(reverse("moderation_queue")).content.decode()
    assert f'id="queue-source-{source.pk}"' in queue
    assert "A pasted essay" in queue and "2 open flags" in queue and "“<bdi>Fake.</bdi>”" in queue
    assert "Hide and suspend author" not in queue

    dismiss = reverse("queue_dismiss", args=["source", source.pk])
    answer = client.post(dismiss, headers=HTMX)
    assert answer.status_code == 200 and "2 flags dismissed." in answer.content.decode()
    assert not Flag.objects.filter(status=Flag.Status.OPEN).exists()
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.source, entry.flags_resolved) == ("dismiss_flags", source, 2)


def test_hiding_a_source_from_the_queue_answers_its_flags(client, source, moderator):
    moderation.flag_claim(flagger=verified_user(), claim=source, reason="abuse")
    client.force_login(moderator)

    response = client.post(reverse("queue_hide", args=["source", source.pk]))

    assert response.status_code == 303
    source.refresh_from_db()
    assert source.is_hidden and source.hidden_reason == "Flagged: abuse (1)."
    assert Flag.objects.get().status == Flag.Status.ACTIONED
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.source, entry.flags_resolved) == ("hide", source, 1)


def test_a_moderator_does_not_dismiss_flags_on_a_source_she_added(client, moderator):
    own = sources.add_source(adder=moderator, title="Her own paper", text="Her words.")
    moderation.flag_claim(flagger=verified_user(), claim=own, reason="spam")
    with pytest.raises(DebateRuleError, match="dismiss flags on a source you added"):
        moderation.dismiss_flags(moderator=moderator, claim=own)
    client.force_login(moderator)
    queue = client.get(reverse("moderation_queue")).content.decode()
    assert "another moderator must review it" in queue
    assert Flag.objects.get().status == Flag.Status.OPEN


def test_a_source_is_never_hidden_as_a_motion_nor_its_adder_suspended_from_the_queue(
    client, source, moderator
):
    """The queue's "hide and suspend" is for claims with a member as author; a source's pk
    must never reach the motion of the same pk."""
    moderation.flag_claim(flagger=verified_user(), claim=source, reason="spam")
    with pytest.raises(TypeError):
        moderation.hide_claim(moderator=moderator, claim=source, reason="x")
    client.force_login(moderator)
    data = {"reason": "Spam.", "suspend": "1", "days": "7"}
    response = client.post(reverse("queue_hide", args=["source", source.pk]), data, headers=HTMX)
    assert response.status_code == 409 and "no author to suspend" in response.content.decode()
    source.refresh_from_db()
    assert not source.is_hidden and not ModerationAction.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_undoing_source_flags_is_refused_while_any_exist(source, member):
    moderation.flag_claim(flagger=member, claim=source, reason="spam")
    with by_hand() as executor, pytest.raises(IrreversibleError, match="Flags on sources exist"):
        executor.migrate([("debates", "0016_source_url_index")])
    assert Flag.objects.filter(source=source).count() == 1


def test_who_added_a_source_is_told_it_was_hidden_and_led_to_it(client, source, author, moderator):
    sources.hide_source(moderator=moderator, source=source, reason="Not the published text.")
    client.force_login(author)
    inbox = client.get(reverse("notifications")).content.decode()
    assert "Your source" in inbox and "“<bdi>A pasted essay</bdi>”" in inbox
    assert "was hidden by a moderator: <bdi>Not the published text.</bdi>" in inbox
    notice = Notification.objects.get(recipient=author)
    opened = client.get(reverse("notification_open", args=[notice.pk]))
    assert opened.status_code == 302 and opened["Location"] == source.get_absolute_url()


def test_acts_on_a_seeded_source_or_ones_own_tell_nobody(moderator):
    seeded = sources.add_source(adder=moderator, title="Hers", text="Text.")
    sources.hide_source(moderator=moderator, source=seeded, reason="Withdrawn.")
    nobodys = SourceFactory()
    sources.hide_source(moderator=moderator, source=nobodys, reason="Copied.")
    assert not Notification.objects.exists()


def test_a_notice_ends_its_sentence_once(client, source, author, moderator):
    """A reason that ends its own sentence gets no second full stop after it."""
    sources.hide_source(moderator=moderator, source=source, reason="Copied.")
    client.force_login(author)
    inbox = client.get(reverse("notifications")).content.decode()
    assert (
        "was hidden by a moderator: <bdi>Copied.</bdi>" in inbox and "Copied.</bdi>." not in inbox
    )
    reader = client.get(source.get_absolute_url()).content.decode()
    assert "hidden this source: <bdi>Copied.</bdi> Arguments" in reader


def test_a_source_is_flagged_for_copyright_and_the_queue_counts_it(client, source, member):
    """Copyright is the likeliest complaint about a pasted text: a reason of its own, with no
    note needed, counted apart in the queue."""
    client.force_login(member)
    form = client.get(flag_url(source)).content.decode()
    assert 'value="copyright"' in form and "> Copyright</label>" in form

    assert client.post(flag_url(source), {"reason": "copyright"}).status_code == 303
    flag = Flag.objects.get()
    assert (flag.reason, flag.note) == ("copyright", "")
    item = next(
        i
        for i in moderation_queries.queue_items(moderation_queries.flag_groups())
        if i.claim == source
    )
    assert ("Copyright", 1) in item.counts


def test_the_api_takes_every_flag_reason_and_no_other():
    schema = FlagIn.model_json_schema()["properties"]["reason"]
    assert sorted(schema["enum"]) == sorted(Flag.Reason.values)
