"""A source a moderator hid is withheld wherever a claim cites it, as its own page withholds it:
the debate's pages (their shared trees too), search, and the public downloads show
"[hidden by a moderator]" in its place, with no title, author, link to the original or to its
passage; who added it and moderators still read it. The claims keep their quotes."""

import datetime as dt
import importlib
import json
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.urls import reverse

from debates import fragments, policy, sources
from debates.errors import DebateRuleError
from debates.interchange.argdown_export import export_argdown
from debates.interchange.importing import import_text
from debates.models import Source
from debates.transfer import export_debate, import_debate
from search import queries, schema
from tests.factories import ArgumentFactory, MotionFactory, SourceFactory, verified_user

pytestmark = pytest.mark.django_db

QUOTE = "Ceasefires hold only as long as someone watches them."
# What names the source, or leads to it, in a citation.
NAMING = ("Zanzibar Memoirs", "Quentin Ghostwriter", "example.org/zanzibar")
PLACEHOLDER = "[hidden by a moderator]"


@pytest.fixture
def source(author):
    return sources.add_source(
        adder=author,
        title="The Zanzibar Memoirs",
        author="Quentin Ghostwriter",
        url="https://example.org/zanzibar",
        text=f"An opening line.\n\n{QUOTE} A closing line.",
    )


def cite(source, **fields):
    """An argument quoting `source`, anchored in its text as a reader's quote is."""
    return ArgumentFactory(source=source, quote=QUOTE, **sources.anchored(source, QUOTE), **fields)


@pytest.fixture
def citing(source):
    motion = MotionFactory(source=source, quote=QUOTE, **sources.anchored(source, QUOTE))
    return motion, cite(source, motion=motion)


def hide(source, moderator, capture):
    with capture(execute=True):
        sources.hide_source(moderator=moderator, source=source, reason="Not the published text.")


def restore(source, moderator, capture):
    with capture(execute=True):
        sources.restore_source(moderator=moderator, source=source, reason="It is after all.")


def page(url, viewer=None):
    client = Client()
    if viewer is not None:
        client.force_login(viewer)
    return client.get(url).content.decode()


def argument_page(argument):
    return reverse("argument", args=[argument.motion.slug, argument.pk])


def withheld(html, argument=None) -> bool:
    """Whether `html` cites the source as hidden, with nothing that names it or leads to it."""
    leads = [argument.passage_url] if argument else []
    return (
        PLACEHOLDER in html
        and QUOTE in html
        and "Read the passage in the source" not in html
        and not any(text in html for text in (*NAMING, *leads))
    )


def named(html) -> bool:
    return all(text in html for text in NAMING) and "Read the passage in the source" in html


# --- The debate's pages ------------------------------------------------------------------------


def test_the_public_and_members_read_its_citations_without_it(
    citing, source, member, moderator, django_capture_on_commit_callbacks
):
    motion, argument = citing
    hide(source, moderator, django_capture_on_commit_callbacks)
    for viewer in (None, member):
        assert withheld(page(motion.get_absolute_url(), viewer), argument)
        assert withheld(page(argument_page(argument), viewer), argument)


def test_who_added_it_and_moderators_still_read_it(
    citing, source, author, moderator, django_capture_on_commit_callbacks
):
    motion, argument = citing
    hide(source, moderator, django_capture_on_commit_callbacks)
    assert named(page(motion.get_absolute_url(), moderator))
    assert named(page(argument_page(argument), moderator))
    # The motion's citation is the adder's own render; an argument's is her live page's own copy.
    assert named(page(motion.get_absolute_url(), author))
    own = reverse("own_copy", args=[motion.slug]) + f"?ids={argument.pk}"
    assert named(page(own, author)) and withheld(page(own, verified_user()), argument)


def test_a_hidden_source_nobody_added_is_withheld_from_every_member(member, moderator):
    """A seeded source has no adder, and a shared rendering's stand-in is never taken for one."""
    seeded = SourceFactory(title="The Zanzibar Memoirs", visibility="hidden")
    argument = ArgumentFactory(source=seeded, quote=QUOTE)
    assert not policy.source_shown_to(seeded, policy.StandIn(policy.MEMBER))
    assert policy.source_shown_to(seeded, policy.StandIn(policy.MODERATOR))
    html = page(argument.motion.get_absolute_url(), member)
    assert PLACEHOLDER in html and "Zanzibar" not in html


def test_hiding_and_restoring_it_refreshes_the_cached_trees_citing_it(
    citing, source, moderator, django_capture_on_commit_callbacks
):
    motion, argument = citing
    other = cite(source)  # in another debate
    for debate in (motion, other.motion):
        assert named(page(debate.get_absolute_url()))  # cached as it stands
    hide(source, moderator, django_capture_on_commit_callbacks)
    assert withheld(page(motion.get_absolute_url()), argument)
    assert withheld(page(other.motion.get_absolute_url()), other)
    restore(source, moderator, django_capture_on_commit_callbacks)
    assert named(page(motion.get_absolute_url()))
    assert named(page(other.motion.get_absolute_url()))


# --- Search ------------------------------------------------------------------------------------


def search(text, viewer):
    hits = queries.Search(text=text, viewer=viewer, filters=queries.Filters()).page(1, 20)
    return list(hits.object_list)


def test_search_finds_no_claim_by_its_title_while_hidden(
    citing, source, author, member, moderator, django_capture_on_commit_callbacks
):
    motion, argument = citing
    assert {hit.claim for hit in search("Zanzibar", AnonymousUser())} == {source, motion, argument}
    hide(source, moderator, django_capture_on_commit_callbacks)
    for viewer in (AnonymousUser(), member, author, moderator):
        hits = search("Zanzibar", viewer)
        # Who may read the source still finds it, by its own title.
        assert [hit.claim for hit in hits] == ([source] if viewer in (author, moderator) else [])
    # The source's own text is found too (its passage), without its title.
    excerpts = [str(h.excerpt_html) for h in search("ceasefires", moderator) if h.kind != "passage"]
    assert len(excerpts) == 2 and not any("Zanzibar" in excerpt for excerpt in excerpts)
    restore(source, moderator, django_capture_on_commit_callbacks)
    assert {hit.claim for hit in search("Zanzibar", AnonymousUser())} == {source, motion, argument}


def hidden_without_the_triggers(source):
    """Hide `source` as a database the index's rule did not cover yet would have it."""
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:  # triggers off for this transaction
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            schema.before_migrate(sender=None)
        cursor.execute("UPDATE debates_source SET visibility = 'hidden' WHERE id = %s", [source.pk])
        if postgresql:
            cursor.execute("SET LOCAL session_replication_role = origin")


def test_a_source_hidden_before_the_rule_is_indexed_again_by_the_migration(citing, source):
    hidden_without_the_triggers(source)
    assert len(search("Zanzibar", AnonymousUser())) == 2  # the index is stale
    if connection.vendor == "postgresql":
        migration = importlib.import_module("search.migrations.0003_hidden_source_titles")
        with connection.cursor() as cursor:  # as in a migration's own transaction: none pending
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        migration.install(None, SimpleNamespace(connection=connection))
    else:
        schema.after_migrate(sender=None)  # SQLite rebuilds the index after every migrate
    assert search("Zanzibar", AnonymousUser()) == []


# --- What is downloaded ------------------------------------------------------------------------


def test_the_argdown_download_names_it_no_more(citing, source, moderator):
    motion, _ = citing
    sources.hide_source(moderator=moderator, source=source, reason="Not the published text.")
    text = export_argdown(motion)
    assert text.count(f'source: "{PLACEHOLDER}"') == 2 and QUOTE in text
    assert not any(name in text for name in NAMING)


def test_the_argdown_download_gives_its_details_only_while_it_is_shown(
    citing, source, moderator, django_capture_on_commit_callbacks
):
    """Argdown writes a shown source's author, publisher, date and address beside its title; of
    a hidden one, the placeholder alone, as the JSON download has it."""
    motion, _ = citing
    source.publisher, source.published_on = "Ghost Press", dt.date(1999, 12, 31)
    source.save(update_fields=["publisher", "published_on"])
    details = ("source_author", "source_publisher", "source_published", "source_url")
    assert all(export_argdown(motion).count(f"{key}: ") == 2 for key in details)
    hide(source, moderator, django_capture_on_commit_callbacks)
    text = export_argdown(motion)
    assert text.count(f'source: "{PLACEHOLDER}"') == 2
    assert not any(key in text for key in details)
    assert not any(name in text for name in (*NAMING, "Ghost Press", "1999"))
    restore(source, moderator, django_capture_on_commit_callbacks)
    assert 'source_published: "1999-12-31"' in export_argdown(motion)


def test_the_json_download_names_it_no_more_but_a_backup_keeps_it(citing, source, moderator):
    motion, _ = citing
    Source.objects.filter(pk=source.pk).update(seed_key="zanzibar-memoirs")
    sources.hide_source(moderator=moderator, source=source, reason="Not the published text.")
    public = Client().get(reverse("motion_export", args=[motion.slug])).content.decode()
    assert PLACEHOLDER in public and QUOTE in public
    assert "zanzibar" not in public.lower() and "Ghostwriter" not in public
    [described] = json.loads(public)["sources"].values()
    assert (described["visibility"], described["seed_key"], described["text"]) == (
        "hidden",
        None,
        None,
    )
    backup = json.dumps(export_debate(motion))
    assert all(name in backup for name in NAMING)


def test_the_live_copy_of_a_new_argument_withholds_a_source_hidden_since(
    citing, source, author, moderator, django_capture_on_commit_callbacks
):
    """A page catching up renders a new argument from its author's copy: if the source it cites
    was hidden meanwhile, the public's copy must not carry its title from hers."""
    motion, _ = citing
    argument = cite(source, motion=motion, author=author)
    authors = fragments.new_argument_for_all(argument, motion)["html"]
    assert named(authors)  # rendered while the source was shown

    hide(source, moderator, django_capture_on_commit_callbacks)
    argument.source.refresh_from_db()
    entry = fragments.new_argument_for_all(argument, motion)

    assert withheld(entry["html"], argument) and entry["author"] == {}


def test_a_download_imported_again_brings_no_source_passing_for_a_hidden_one(
    citing, source, member, moderator
):
    """Imported, a download's "[hidden by a moderator]" source would be a visible source so
    titled, a moderator's label anyone could fake: the claims come without it, quotes kept."""
    motion, _ = citing
    sources.hide_source(moderator=moderator, source=source, reason="Not the published text.")
    before = Source.objects.count()

    argdown, _, warnings = import_text(text=export_argdown(motion), format="argdown", author=member)
    public = json.loads(Client().get(reverse("motion_export", args=[motion.slug])).content)
    copy, _ = import_debate(public, slug="zanzibar-copy")

    assert Source.objects.count() == before
    for imported in (argdown, copy):
        claims = [imported, *imported.arguments.all()]
        assert all(claim.source is None and claim.quote == QUOTE for claim in claims)
    assert any("its source was withheld" in warning for warning in warnings)


def test_nobody_titles_a_source_as_a_withdrawn_one(member):
    for title in (PLACEHOLDER, "[Retracted by its author]"):
        with pytest.raises(DebateRuleError, match="its own title") as refused:
            sources.add_source(adder=member, title=title, text="Some text.")
        assert refused.value.status == 422
    assert sources.add_source(adder=member, title="[Visible]", text="Some text.").pk


def test_a_hidden_text_is_not_pasted_again_under_its_address_but_by_a_moderator(
    citing, source, member, moderator
):
    sources.hide_source(moderator=moderator, source=source, reason="Copyright.")
    again = {"title": "The Zanzibar Memoirs", "url": source.url, "text": "The same text."}
    with pytest.raises(DebateRuleError, match="hid the text") as refused:
        sources.add_source(adder=member, **again)
    assert refused.value.status == 409
    assert not sources.add_source(adder=moderator, **again).is_hidden
    other = sources.add_source(adder=member, **{**again, "url": "https://example.org/other"})
    assert other.url == "https://example.org/other"


def test_the_sources_list_shows_a_hidden_one_only_to_who_may_read_it(
    source, author, member, moderator
):
    sources.hide_source(moderator=moderator, source=source, reason="Copyright.")
    listed = {}
    for name, viewer in (
        ("public", None),
        ("member", member),
        ("adder", author),
        ("mod", moderator),
    ):
        html = page(reverse("sources"), viewer)
        listed[name] = "The Zanzibar Memoirs" in html and "Hidden</span>" in html
    assert listed == {"public": False, "member": False, "adder": True, "mod": True}
