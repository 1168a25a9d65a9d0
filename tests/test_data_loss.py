"""No data loss: nothing cascades, closing an account keeps what it wrote, debates round-trip."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.db import models, transaction
from django.db.models import ProtectedError
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import User
from accounts.services import delete_account, normalise_display_name
from debates import services, sources, voting
from debates.models import Argument, ArgumentRevision, Flag, ModerationAction, Motion, Source, Vote
from debates.transfer import ImportRefused, export_debate, import_debate
from tests.factories import (
    ArgumentFactory,
    MotionFactory,
    SourceFactory,
    UserFactory,
    verified_user,
)

pytestmark = pytest.mark.django_db


# --- Nothing cascades ----------------------------------------------------------------------------


def test_every_link_to_content_or_people_is_protected():
    cascading = []
    for app in ("accounts", "debates"):
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.get_fields():
                protected = getattr(field.remote_field, "on_delete", None) is models.PROTECT
                if isinstance(field, models.ForeignKey) and field.concrete and not protected:
                    cascading.append(f"{model.__name__}.{field.name}")
    assert cascading == []


def test_deleting_a_member_with_content_is_refused_by_the_database_layer():
    writer, voter, flagger = UserFactory(), UserFactory(), verified_user()
    argument = ArgumentFactory(author=writer)
    voting.cast_vote(voter=voter, claim=argument, choice="agree")
    Flag.objects.create(flagger=flagger, argument=argument, reason="spam")

    for person in (writer, voter, flagger):
        with pytest.raises(ProtectedError), transaction.atomic():
            person.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        argument.motion.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        argument.delete()
    assert User.objects.filter(pk__in=[writer.pk, voter.pk, flagger.pk]).count() == 3
    assert Vote.objects.count() == 1


def test_a_motion_with_only_votes_keeps_them():
    motion = MotionFactory()
    voting.cast_vote(voter=UserFactory(), claim=motion, choice="disagree")
    with pytest.raises(ProtectedError), transaction.atomic():
        motion.delete()


def test_the_admin_deletes_nothing():
    superuser = UserFactory(is_staff=True, is_superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    ours = [m for m in admin.site._registry if m._meta.app_label in ("accounts", "debates")]
    assert {User, Motion, Argument, Vote, Flag, ModerationAction, Source} <= set(ours)
    for model in ours:
        assert not admin.site._registry[model].has_delete_permission(request), model

    client = Client()
    client.force_login(superuser)
    argument = ArgumentFactory()
    for obj in (argument, argument.author):
        meta = obj._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[obj.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
    assert Argument.objects.filter(pk=argument.pk).exists()


# --- Closing an account --------------------------------------------------------------------------


@pytest.fixture
def leaver():
    """A member with an argument, a vote, a flag, a moderator role and two signed-in browsers."""
    from accounts.services import grant_moderator

    user = verified_user(display_name="Leaving Lee", bio="I argue things.")
    grant_moderator(user=user)
    argument = ArgumentFactory(author=user, claim="What Lee argued stays.")
    voting.cast_vote(voter=user, claim=ArgumentFactory(), choice="agree")
    Flag.objects.create(flagger=user, argument=ArgumentFactory(), reason="spam")
    browsers = [Client(), Client()]
    for browser in browsers:
        browser.force_login(user)
    return user, argument, browsers


def test_closing_an_account_anonymises_it_and_keeps_what_it_wrote(leaver):
    user, argument, browsers = leaver
    bystander = Client()
    bystander.force_login(UserFactory())

    email = user.email
    delete_account(user=user)

    user.refresh_from_db()
    assert not user.is_active and not user.is_staff
    assert user.email == f"deleted-{user.pk}@invalid"
    assert user.display_name == f"Former member {user.pk}"
    assert user.bio == "" and not user.has_usable_password()
    assert not user.groups.exists() and not User.objects.get(pk=user.pk).is_moderator
    assert not EmailAddress.objects.filter(user=user).exists()
    assert Argument.objects.get(pk=argument.pk).author_id == user.pk
    assert Vote.objects.filter(user=user).count() == 1 and Flag.objects.filter(flagger=user).count()
    for browser in browsers:
        assert not browser.get(reverse("home")).wsgi_request.user.is_authenticated
    assert bystander.get(reverse("home")).wsgi_request.user.is_authenticated

    page = Client().get(argument.motion.get_absolute_url()).content.decode()
    assert "What Lee argued stays." in page and f"Former member {user.pk}" in page
    assert "Leaving Lee" not in page
    profile = Client().get(user.get_absolute_url()).content.decode()
    assert "This account is closed" in profile and "I argue things." not in profile
    assert Client().login(email=email, password="correct horse battery") is False
    assert Client().login(email=user.email, password="correct horse battery") is False


def test_the_page_asks_for_confirmation_first(leaver):
    user, argument, (browser, other) = leaver
    url = reverse("delete_account")

    assert browser.get(url).status_code == 200
    wrong = browser.post(url, {"confirmation": "delete please"})
    assert wrong.status_code == 422 and "Type DELETE" in wrong.content.decode()
    user.refresh_from_db()
    assert user.is_active

    done = browser.post(url, {"confirmation": user.email.upper()})

    assert done.status_code == 302 and done["Location"] == reverse("home")
    user.refresh_from_db()
    assert not user.is_active and user.display_name.startswith("Former member")
    assert not browser.get(reverse("home")).wsgi_request.user.is_authenticated
    assert not other.get(reverse("home")).wsgi_request.user.is_authenticated
    assert Argument.objects.filter(pk=argument.pk, author=user).exists()


def test_nobody_may_choose_a_former_members_name():
    with pytest.raises(Exception, match="kept for closed accounts"):
        normalise_display_name("former  MEMBER 12")
    assert normalise_display_name("Formerly a member") == "Formerly a member"


# --- Export and import ---------------------------------------------------------------------------


def build_debate():
    """A debate with everything an export carries: tree, sources, quotes, revisions, votes."""
    ada, bo, cy = verified_user(display_name="Ada"), verified_user(display_name="Bo"), UserFactory()
    source = SourceFactory(title="An essay", url="https://example.org/essay", publisher="Pub")
    motion = MotionFactory(
        author=ada, title="Round trip", claim="Exports lose nothing.", context="Some *context*."
    )
    motion.source, motion.quote = source, "A quoted line."
    motion.save()
    root = ArgumentFactory(motion=motion, author=bo, claim="Root claim.", details="**Bold** words.")
    reply = ArgumentFactory(
        motion=motion, parent=root, author=ada, stance="con", claim="A reply.", source=source
    )
    deep = ArgumentFactory(motion=motion, parent=reply, author=None, attribution="Somebody")
    deep.figures = {"caption": "Numbers", "unit": "%", "groups": []}
    deep.save()
    hidden = ArgumentFactory(motion=motion, author=cy, claim="Hidden words.", visibility="hidden")
    services.edit_argument(editor=bo, argument=root, claim="Root claim, reworded.", details="New.")
    for voter, claim, choice in [
        (ada, root, "agree"),
        (cy, root, "disagree"),
        (bo, motion, "agree"),
        (cy, motion, "agree"),
        (bo, reply, "disagree"),
    ]:
        voting.cast_vote(voter=voter, claim=claim, choice=choice)
    return motion, [root, reply, deep, hidden]


def wipe(motion):
    """Remove a debate entirely (what a restore starts from): leaves first, so nothing cascades."""
    Vote.objects.filter(motion=motion).delete()
    Vote.objects.filter(argument__motion=motion).delete()
    ArgumentRevision.objects.filter(argument__motion=motion).delete()
    arguments = Argument.objects.filter(motion=motion)
    for depth in sorted(set(arguments.values_list("depth", flat=True)), reverse=True):
        arguments.filter(depth=depth).delete()
    source_ids = [motion.source_id]
    motion.delete()
    Source.objects.filter(pk__in=source_ids).delete()


def without_time_of_export(data):
    return {key: value for key, value in data.items() if key != "exported_at"}


def test_a_debate_round_trips_through_export_and_import(tmp_path):
    motion, _ = build_debate()
    path = tmp_path / "debate.json"
    call_command("export_debate", motion.slug, output=str(path))
    exported = json.loads(path.read_text())
    assert len(exported["arguments"]) == 4 and len(exported["sources"]) == 1

    wipe(motion)
    assert not Motion.objects.filter(slug="round-trip").exists() and not Argument.objects.count()
    call_command("import_debate", str(path))

    restored = Motion.objects.get(slug=motion.slug)
    assert without_time_of_export(export_debate(restored)) == without_time_of_export(exported)
    assert restored.context_html == "<p>Some <em>context</em>.</p>"
    assert (restored.agree_count, restored.disagree_count) == (2, 0)
    root = Argument.objects.get(motion=restored, depth=0, claim="Root claim, reworded.")
    assert [r.claim for r in root.revisions.all()] == ["Root claim."]
    assert root.details_html == "<p>New.</p>"
    assert (root.agree_count, root.disagree_count) == (1, 1)
    call_command("recount_votes", "--check", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_import_keeps_unknown_authors_as_attributions_and_drops_unknown_voters():
    motion, _ = build_debate()
    data = json.loads(json.dumps(export_debate(motion)))
    for item in data["arguments"]:
        if item["author"] and item["author"]["display_name"] == "Bo":
            item["author"] = {"id": 999999, "display_name": "Someone Gone"}
        for vote in item["votes"]:
            if vote["voter"]["display_name"] == "Ada":
                vote["voter"] = {"id": 999998, "display_name": "Nobody Here"}

    copy, summary = import_debate(data, slug="round-trip-copy")

    root = Argument.objects.get(motion=copy, depth=0, visibility="visible")
    assert root.author is None and root.held_by == "Someone Gone"
    assert (root.agree_count, root.disagree_count) == (0, 1)
    assert summary["votes_dropped"] == 1
    assert summary["people_not_found"] == ["Nobody Here", "Someone Gone"]


def test_import_refuses_a_taken_slug_and_foreign_files(tmp_path):
    motion, _ = build_debate()
    data = export_debate(motion)
    with pytest.raises(ImportRefused, match="exists already"):
        import_debate(data)
    with pytest.raises(ImportRefused, match="not a Crux debate export"):
        import_debate({"format": "something else"})
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(CommandError):
        call_command("import_debate", str(bad))
    data = json.loads(json.dumps(data))
    data["arguments"][0]["claim"] = ""
    with pytest.raises(ImportRefused):
        import_debate(data, slug="another")
    data = export_debate(motion) | {"sources": {"s1": {"title": "x", "url": "javascript:x()"}}}
    with pytest.raises(ImportRefused, match="http"):
        import_debate(data, slug="another")
    assert not Motion.objects.filter(slug="another").exists()  # all or nothing


def test_a_source_s_text_and_each_quote_s_place_in_it_travel_with_the_debate(moderator):
    """The reader marks the same passages after an import: the text comes along, and a quote
    that stands twice in it keeps the place it was anchored at, not the first one found."""
    adder = verified_user(display_name="Adder")
    text = "A line said twice.\n\nSomething between.\n\nA line said twice."
    essay = sources.add_source(adder=adder, title="Essay with text", text=text)
    rant = sources.add_source(adder=adder, title="A rant", text="Words a moderator hid.")
    motion = MotionFactory(title="Quoting", slug="quoting")
    second = text.rindex("A line")
    services.post_argument(
        author=adder,
        motion=motion,
        parent=None,
        stance="pro",
        claim="From the essay.",
        source=essay,
        quote="A line said twice.",
        quote_start=second,
        quote_end=len(text),
    )
    services.post_argument(
        author=adder,
        motion=motion,
        parent=None,
        stance="con",
        claim="From the rant.",
        source=rant,
        quote="Words a moderator hid.",
    )
    sources.hide_source(moderator=moderator, source=rant, reason="Abuse")
    exported = export_debate(motion)

    copy, summary = import_debate(json.loads(json.dumps(exported)), slug="quoting-copy")

    assert summary["sources"] == 2
    restored = Argument.objects.select_related("source").get(motion=copy, claim="From the essay.")
    assert sources.text_of(restored.source) == text
    assert (restored.quote_start, restored.quote_end) == (second, len(text))
    assert (restored.anchor, restored.source.added_by) == ("exact", None)
    hidden = Argument.objects.select_related("source").get(motion=copy, claim="From the rant.")
    assert (hidden.source.visibility, hidden.source.hidden_reason) == ("hidden", "Abuse")
    assert without_time_of_export(export_debate(copy)) | {"motion": None} == (
        without_time_of_export(exported) | {"motion": None}
    )
    # The public download names a hidden source no more than its citations on the page do.
    public = export_debate(motion, public=True)["sources"]
    assert sorted((s["title"], s["text"], s["hidden_reason"]) for s in public.values()) == [
        ("Essay with text", text, ""),
        ("[hidden by a moderator]", None, ""),
    ]


def test_an_imported_source_text_is_cleaned_as_a_pasted_one_and_its_quotes_found_again():
    adder = verified_user(display_name="Adder")
    text = "First paragraph.\n\nThe quoted words."
    essay = sources.add_source(adder=adder, title="Essay", text=text)
    motion = MotionFactory(title="Cleaning", slug="cleaning")
    services.post_argument(
        author=adder,
        motion=motion,
        parent=None,
        stance="pro",
        claim="Quoting.",
        source=essay,
        quote="The quoted words.",
    )
    data = json.loads(json.dumps(export_debate(motion)))
    [exported] = data["sources"].values()
    exported["text"] = "First paragraph.\r\n\r\n\r\n\u202eThe quoted words.   "

    copy, _ = import_debate(data, slug="cleaning-copy")

    argument = Argument.objects.select_related("source").get(motion=copy)
    assert sources.text_of(argument.source) == text
    assert text[argument.quote_start : argument.quote_end] == "The quoted words."
