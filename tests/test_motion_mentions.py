"""`@display name` in a motion's context, as in an argument's details: linked to the member's
profile, and told to her once (a mention naming the motion, no argument), by whatever path the
motion is made (the form, the API, an import), by the rules argument mentions keep (policy.told_of:
a hidden motion's mention is news to moderators alone), in the inbox, the bell and the digest."""

import json
import re
import uuid
from html import unescape

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.services import grant_moderator
from debates import events, moderation, services
from debates.errors import DebateRuleError
from debates.interchange.importing import import_text
from debates.live import fanout
from debates.models import Motion
from debates.transfer import import_debate
from notifications import mailing, queries
from notifications import services as notify
from notifications.models import Notification, Preferences
from tests.factories import SourceFactory, small_export, verified_user
from tests.migrating import by_hand
from tests.test_api import API, bearer, send

pytestmark = pytest.mark.django_db
Kind = Notification.Kind
SITE = "https://crux.example"
CONTEXT = "Ask @Alice Archer, and @Nobody Here, what a tram costs. @Alice Archer knows."


@pytest.fixture(autouse=True)
def site(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.SITE_URL = SITE
    settings.CRUX_RATE_LIMITS = {}


@pytest.fixture
def alice():
    return verified_user(display_name="Alice Archer", email="alice@example.org")


@pytest.fixture
def bob():
    return verified_user(display_name="Bob Baker")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a write as the site does, committed, so every listener hears of it."""

    def run(write, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(**kwargs)

    return run


@pytest.fixture
def propose(committed):
    def proposing(author, context=CONTEXT, title="Trams or buses"):
        motion, _ = committed(
            services.propose_motion,
            author=author,
            title=title,
            claim="Trams cost less.",
            context=context,
        )
        return motion

    return proposing


def told(person):
    notices = Notification.objects.filter(recipient=person)
    return list(notices.values_list("kind", "motion_id", "argument_id"))


def inbox_line(client, member):
    client.force_login(member)
    page = client.get(reverse("notifications")).content.decode()
    what = re.search(r'<p class="notification__what">(.*?)</p>', page, re.S).group(1)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", re.sub(r"</?bdi>", "", what))).split())


def digest(member, mailoutbox):
    """The plain-text and HTML parts of the digest `member` is sent now, or None."""
    notify.save_preferences(member=member, follow_own=True, email_replies=False, digest="daily")
    mailoutbox.clear()
    mailing.send_due_digests()
    hers = [mail for mail in mailoutbox if mail.to == [member.email]]
    if not hers:
        return None
    [mail] = hers
    [(html, _)] = mail.alternatives
    return mail.body, html


# --- Linked --------------------------------------------------------------------------------------


def test_the_motion_page_links_whom_its_context_mentions(client, alice, bob, committed):
    client.force_login(bob)
    sent = {
        "title": "Trams or buses",
        "claim": "Trams cost less.",
        "context": CONTEXT + " `@Alice Archer` in code stays as written.",
        "submission_key": str(uuid.uuid4()),
    }
    response = committed(client.post, path=reverse("propose_motion"), data=sent)
    motion = Motion.objects.get()
    assert response.status_code == 303 and response["Location"] == motion.get_absolute_url()
    page = client.get(motion.get_absolute_url()).content.decode()
    context = page.split('<div class="motion__context prose" dir="auto">')[1].split("</div>")[0]
    link = f'<a class="mention" href="{alice.get_absolute_url()}">@Alice Archer</a>'
    assert context.count(link) == 2 and f"{link}," in context
    assert "@Nobody Here" in context and "<code>@Alice Archer</code>" in context
    assert told(alice) == [(Kind.MENTION, motion.pk, None)]


def test_a_seeded_motion_s_context_is_left_unlinked(alice):
    motion = services.upsert_seeded_motion(
        slug="seeded", title="Seeded", claim="A claim.", context="Quoting @Alice Archer.",
        attribution="", source=SourceFactory(), quote="", featured=False,
    )  # fmt: skip
    assert 'class="mention"' not in motion.context_html
    assert not Notification.objects.exists()


# --- Told once -----------------------------------------------------------------------------------


def test_proposing_tells_each_member_mentioned_once_and_never_the_author(alice, bob, propose):
    carol = verified_user(display_name="Carol Cole")
    gone = verified_user(display_name="Gone Gary")
    gone.is_active = False
    gone.save()
    motion = propose(bob, context=f"{CONTEXT} @Bob Baker says so; @Carol Cole; @Gone Gary.")
    assert told(alice) == [(Kind.MENTION, motion.pk, None)]
    assert told(carol) == [(Kind.MENTION, motion.pk, None)]
    assert told(bob) == [] and told(gone) == []
    # The event heard a second time (a retried handler) tells nobody again.
    assert notify.notify_of_motion(motion_id=motion.pk) == []
    assert Notification.objects.filter(recipient=alice).count() == 1


def test_an_event_heard_again_tells_only_whom_it_did_not(alice, bob, propose):
    motion = propose(bob, context="Nobody yet.")
    Motion.objects.filter(pk=motion.pk).update(context="@Alice Archer and @Bob Baker")
    Notification.objects.create(recipient=bob, motion=motion, kind=Kind.MENTION)
    [notice] = notify.notify_of_motion(motion_id=motion.pk)
    assert notice.recipient == alice and notice.pk is not None
    assert Notification.objects.filter(recipient=bob).count() == 1


def test_a_proposal_rolled_back_or_refused_tells_nobody(
    alice, bob, committed, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.propose_motion(author=bob, title="T", claim="C.", context=CONTEXT)
        raise RuntimeError("what wrote the motion went on to fail")
    assert callbacks == [] and not Motion.objects.exists()
    with pytest.raises(DebateRuleError):
        committed(services.propose_motion, author=bob, title=" ", claim="C.", context=CONTEXT)
    assert not Notification.objects.exists()


def test_a_mention_is_no_reason_to_mail_at_once(alice, bob, propose, mailoutbox):
    notify.save_preferences(member=alice, follow_own=True, email_replies=True, digest="off")
    propose(bob)
    assert told(alice) and mailoutbox == []
    assert mailing.send_due_digests() == 0  # her digest is off


def test_a_token_proposing_through_the_api_tells_as_the_form_does(alice, bob, committed):
    sent = {"title": "Trams or buses", "claim": "Trams cost less.", "context": CONTEXT}
    posted = committed(
        send, client=Client(), method="post", url=f"{API}/motions", body=sent, **bearer(bob)
    )
    assert posted.status_code == 201, posted.content
    motion = Motion.objects.get()
    assert 'class="mention"' in motion.context_html
    assert told(alice) == [(Kind.MENTION, motion.pk, None)] and told(bob) == []


def test_a_members_import_tells_as_her_proposal_does(alice, bob, committed):
    export = small_export(motion={"context": "See [the first](#a1), @Alice Archer."})
    motion, _, _ = committed(import_text, text=json.dumps(export), format="json", author=bob)
    # The context's link to an argument of the file led into the copy; the mention still linked.
    assert f'href="{motion.arguments.get().get_absolute_url()}"' in motion.context_html
    assert f'<a class="mention" href="{alice.get_absolute_url()}">' in motion.context_html
    assert told(alice) == [(Kind.MENTION, motion.pk, None)]


def test_an_import_of_nobody_s_claims_tells_nobody(alice, committed):
    export = small_export(motion={"context": "Ask @Alice Archer."})
    motion, _, _ = committed(import_text, text=json.dumps(export), format="json", author=None)
    assert motion.author is None and 'class="mention"' in motion.context_html
    assert not Notification.objects.exists()


# --- Hidden --------------------------------------------------------------------------------------


def test_a_hidden_motion_s_mention_is_told_to_moderators_alone(alice, bob, moderator, committed):
    grant = {"author": {"id": bob.pk, "display_name": bob.display_name}}
    export = small_export(
        motion={
            "context": "Ask @Alice Archer and @Moderator Mo.",
            "visibility": "hidden",
            "hidden_reason": "Spam.",
            **grant,
        }
    )
    motion, _ = committed(import_debate, data=export, slug="hidden-one")
    assert motion.is_hidden and motion.author == bob
    assert told(alice) == [] and told(moderator) == [(Kind.MENTION, motion.pk, None)]


def another_moderator():
    other = verified_user(display_name="Other Mod")
    grant_moderator(user=other)
    return other


@pytest.fixture
def hidden_since(alice, bob, moderator, propose):
    """Bob's motion mentioning Alice and a moderator, then hidden by another moderator."""
    motion = propose(bob, context="Ask @Alice Archer and @Moderator Mo.")
    moderation.hide_motion(moderator=another_moderator(), motion=motion, reason="Spam.")
    return motion


def test_a_mention_in_a_motion_hidden_since_is_news_to_moderators_alone(
    client, alice, moderator, hidden_since, mailoutbox
):
    assert queries.unread_count(alice) == 0 and queries.unread_count(moderator) == 1
    for member in (alice, moderator):
        unread = [n for n in queries.inbox(member) if n.read_at is None]
        still = [n.pk for n in unread if queries.still_told(n, member)]
        assert queries.unread_count(member) == len(still)
        assert sorted(n.pk for n in queries.unread_for_digest(member)) == sorted(still)
    # Listed to her as the argument notices are, withheld: not new, no title, nor who wrote it.
    line = inbox_line(client, alice)
    assert line == "Someone mentioned you in the context of a motion that is no longer shown"
    page = client.get(reverse("notifications")).content.decode()
    assert "notification--unread" not in page and "Trams or buses" not in page
    assert digest(alice, mailoutbox) is None
    assert inbox_line(client, moderator) == (
        "New : Bob Baker mentioned you in the context of their motion “Trams or buses”"
    )
    # Opened, it leads her to her inbox: the motion's address holds the title withheld.
    notice = Notification.objects.get(recipient=alice)
    client.force_login(alice)
    opened = client.get(reverse("notification_open", args=[notice.pk]))
    assert opened.status_code == 302 and opened.url == reverse("notifications")


# --- Shown ---------------------------------------------------------------------------------------


def test_the_inbox_the_bell_and_opening_it_tell_of_the_motion(client, alice, bob, propose):
    motion = propose(bob)
    assert inbox_line(client, alice) == (
        "New : Bob Baker mentioned you in the context of their motion “Trams or buses”"
    )
    page = client.get(reverse("notifications")).content.decode()
    notice = Notification.objects.get(recipient=alice)
    opening = reverse("notification_open", args=[notice.pk])
    assert f'<a href="{opening}">“<bdi>Trams or buses</bdi>”</a>' in page
    assert 'id="bell-count" class="badge site-nav__count bell__count">1<' in page
    opened = client.get(opening)
    assert opened.status_code == 302 and opened.url == motion.get_absolute_url()
    assert queries.unread_count(alice) == 0
    assert 'id="bell-count" class="badge site-nav__count bell__count" hidden>0<' in (
        client.get("/").content.decode()
    )


def test_the_digest_tells_of_it_in_the_inbox_s_words(alice, bob, propose, mailoutbox):
    propose(bob, title="Trams & buses")
    notice = Notification.objects.get(recipient=alice)
    text, html = digest(alice, mailoutbox)
    link = f"{SITE}{reverse('notification_open', args=[notice.pk])}"
    said = "Bob Baker mentioned you in the context of their motion “Trams & buses”"
    assert f"- {said}\n  {link}\n" in text
    escaped = said.replace("&", "&amp;")
    assert f'<li><a href="{link}">{escaped}</a></li>' in html
    assert Notification.objects.get(pk=notice.pk).emailed_at is not None
    assert Preferences.objects.get(member=alice).digest_sent_at is not None


def test_the_bell_stays_one_query(alice, bob, moderator, propose, django_assert_num_queries):
    propose(bob, context="@Alice Archer and @Moderator Mo")
    propose(bob, context="@Alice Archer again", title="Another")
    for member in (alice, moderator):
        assert member.is_moderator in (True, False)  # asked, as the page asks it
        with django_assert_num_queries(1):
            assert queries.unread_count(member) == 2 - (member == moderator)


def test_the_live_bell_rings_for_whom_it_mentions_and_no_page_hears_more(
    alice, bob, propose, recording_broker
):
    propose(bob)
    [rung] = list(recording_broker.backlogs[fanout.member_channel(alice.pk)])
    assert rung.kind == events.MEMBER_NOTIFIED and rung.motion_id is None
    assert recording_broker.high_water == 1


# --- The migration -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_is_undone_and_done_again(alice, bob, propose):
    motion = propose(bob, context="@Alice Archer")
    # A moderator's act on the motion names it too, and stays.
    moderation.hide_motion(moderator=another_moderator(), motion=motion, reason="Spam.")
    assert Notification.objects.filter(motion=motion).count() == 2
    with by_hand() as executor:
        executor.migrate([("notifications", "0005_notice_of_acts")])
        # Undone: every notice but a moderator's names an argument again.
        assert list(Notification.objects.values_list("kind", flat=True)) == [Kind.MODERATION]
        with pytest.raises(IntegrityError), transaction.atomic():
            Notification.objects.create(recipient=alice, motion=motion, kind=Kind.MENTION)
    Notification.objects.create(recipient=alice, motion=motion, kind=Kind.MENTION)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=alice, motion=motion, kind=Kind.MENTION)
    # A notice of a post names its argument, or (a mention) the motion: never neither.
    for unnamed in ({"kind": Kind.MENTION}, {"kind": Kind.REPLY, "motion": motion}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Notification.objects.create(recipient=alice, **unnamed)
