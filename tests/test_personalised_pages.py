"""Pages built from a shared tree plus the viewer's own regions (debates.fragments) show exactly
what a full render for that viewer shows, and nothing of one viewer reaches another (issue 18)."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from accounts.services import grant_moderator
from debates import views
from debates.models import Argument, Flag, Stance, Vote
from tests.factories import ArgumentFactory, MotionFactory, UserFactory, verified_user

pytestmark = pytest.mark.django_db

HIDDEN_CLAIM = "A claim a moderator hid."
HIDDEN_REASON = "Abusive wording."
SUSPENDED_CLAIM = "A claim of a member suspended since."


class Canonical(HTMLParser):
    """A page as a list of its parsed parts: tags with sorted attributes, words of text and
    comments, so that two markups compare equal when a browser would build the same page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        self.parts.append(("<", tag, tuple(sorted((name, value or "") for name, value in attrs))))

    def handle_endtag(self, tag):
        self.parts.append((">", tag))

    def handle_data(self, data):
        if data.split():
            self.parts.append(("text", " ".join(data.split())))

    def handle_comment(self, data):
        self.parts.append(("comment", data))


def parsed(html):
    # Each response masks its CSRF token afresh: the same secret, different letters.
    html = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+"', r'\1-"', html)
    html = re.sub(r'("X-CSRFToken": ")[^"]+"', r'\1-"', html)
    # A member's stream token carries the second it was signed in.
    html = re.sub(r"(\?member=\d+:)[^\"]+", r"\1-", html)
    html = re.sub(r"(/live/members/\d+:)[^/]+", r"\1-", html)
    parser = Canonical()
    parser.feed(html)
    parser.close()
    return parser.parts


@pytest.fixture
def world():
    """A debate with something personal for each kind of viewer in it."""
    author, voter, moderator = verified_user(), verified_user(), verified_user()
    grant_moderator(user=moderator)
    suspended = verified_user(suspended_until=timezone.now() + timedelta(days=3))
    moderating_author = verified_user()
    grant_moderator(user=moderating_author)
    flagger = verified_user()
    suspended_moderator = verified_user(suspended_until=timezone.now() + timedelta(days=3))
    grant_moderator(user=suspended_moderator)
    motion = MotionFactory()
    own = ArgumentFactory(motion=motion, author=author, claim="The author's standing claim.")
    hidden = ArgumentFactory(
        motion=motion,
        author=author,
        claim=HIDDEN_CLAIM,
        visibility=Argument.Visibility.HIDDEN,
        hidden_reason=HIDDEN_REASON,
    )
    other = ArgumentFactory(motion=motion, claim="Someone else's claim.", stance=Stance.CON)
    reply = ArgumentFactory(motion=motion, parent=other, author=author, claim="A reply of hers.")
    ArgumentFactory(motion=motion, parent=hidden, claim="A reply under the hidden one.")
    ArgumentFactory(motion=motion, claim="Withdrawn.", visibility=Argument.Visibility.RETRACTED)
    # Another moderator hid what this one wrote: hers to read, not hers to restore.
    ArgumentFactory(
        motion=motion,
        author=moderating_author,
        claim="A moderator's own hidden claim.",
        visibility=Argument.Visibility.HIDDEN,
    )
    # Suspended since she wrote and voted: her claim and her vote stay hers on the page.
    suspended_author = verified_user()
    ArgumentFactory(motion=motion, parent=own, author=suspended_author, claim=SUSPENDED_CLAIM)
    Vote.objects.create(user=suspended_author, argument=other, choice="agree")
    Argument.objects.filter(pk=other.pk).update(agree_count=1)
    type(suspended_author).objects.filter(pk=suspended_author.pk).update(
        suspended_until=timezone.now() + timedelta(days=3)
    )
    for claim, choice in [(own, "agree"), (other, "disagree"), (reply, "agree")]:
        Vote.objects.create(user=voter, argument=claim, choice=choice)
        Argument.objects.filter(pk=claim.pk).update(**{f"{choice}_count": 1})
    Vote.objects.create(user=voter, motion=motion, choice="agree")
    # Her open flags: the page says "Flagged" where she flagged, as the flag's answer did.
    Flag.objects.create(flagger=flagger, argument=other, reason="spam")
    Flag.objects.create(flagger=flagger, motion=motion, reason="off-topic")
    return {
        "motion": motion,
        "own": own,
        "hidden": hidden,
        "other": other,
        "viewers": {
            "anonymous": None,
            "voter": voter,
            "author": author,
            "moderator": moderator,
            "suspended": suspended,
            "moderating author": moderating_author,
            "flagger": flagger,
            "suspended moderator": suspended_moderator,
            "suspended author": suspended_author,
        },
    }


def pages(world):
    motion, other = world["motion"], world["other"]
    return [
        motion.get_absolute_url(),
        world["hidden"].get_absolute_url(),
        other.get_absolute_url(),
        reverse("more_motion_replies", args=[motion.slug]) + "?offset=0",
        reverse("more_replies", args=[motion.slug, other.pk]) + "?offset=0",
    ]


VIEWERS = [
    "anonymous",
    "voter",
    "author",
    "moderator",
    "suspended",
    "moderating author",
    "flagger",
    "suspended moderator",
    "suspended author",
]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_page_from_the_shared_tree_is_the_viewers_own_render(client, world, viewer, monkeypatch):
    person = world["viewers"][viewer]
    if person is not None:
        client.force_login(person)
    for url in pages(world):
        for htmx in ({}, {"HX-Request": "true"}):
            client.get(url, headers=htmx)  # another viewer of the audience may have filled it
            assembled = client.get(url, headers=htmx).content.decode()
            with monkeypatch.context() as patch:
                patch.setattr(views, "_shares_tree", lambda order: False)
                rendered = client.get(url, headers=htmx).content.decode()
            assert parsed(assembled) == parsed(rendered), (viewer, url, htmx)


def test_what_each_viewer_sees_is_theirs(client, world):
    motion, own = world["motion"], world["own"]
    viewers = world["viewers"]
    edit = reverse("edit_argument", args=[motion.slug, own.pk])
    hide = reverse("hide_argument", args=[motion.slug, own.pk])

    def page(person):
        client.logout()
        if person is not None:
            client.force_login(person)
        return client.get(motion.get_absolute_url()).content.decode()

    as_moderator, as_author = page(viewers["moderator"]), page(viewers["author"])
    assert HIDDEN_CLAIM in as_moderator and HIDDEN_REASON in as_moderator and hide in as_moderator
    assert HIDDEN_CLAIM in as_author and edit in as_author and hide not in as_author
    as_voter = page(viewers["voter"])
    assert HIDDEN_CLAIM not in as_voter and edit not in as_voter and hide not in as_voter
    assert as_voter.count('aria-pressed="true"') == 4  # the motion and three arguments
    assert f'id="flag-link-argument-{own.pk}"' in as_voter
    assert f'id="flag-link-argument-{own.pk}"' not in as_author
    assert "You cannot vote on your own argument." in as_author


def test_a_suspended_member_is_offered_nothing_to_take_part_with(client, world):
    """Her page (its shared tree her audience's) has every vote button off, saying why, no Flag,
    no Reply, no "Argue", no Edit of her own claim; her vote stays pressed. A member's page
    offers them all; a suspended moderator's, none."""
    motion, other = world["motion"], world["other"]
    viewers = world["viewers"]
    mine = Argument.objects.get(claim=SUSPENDED_CLAIM)

    def page(person):
        client.force_login(viewers[person])
        return client.get(motion.get_absolute_url()).content.decode()

    as_voter = page("voter")
    assert 'class="reply-link"' in as_voter and "flag-link" in as_voter
    assert "Argue for or against this motion" in as_voter
    for person in ("suspended", "suspended author", "suspended moderator"):
        html = page(person)
        buttons = re.findall(r'<button type="submit" name="choice"[^>]*>', html, re.S)
        assert buttons and all(" disabled" in button for button in buttons), person
        # Said once, by the motion's buttons, not again under every argument.
        assert html.count("You cannot vote while your account is suspended.") == 1, person
        assert "Your account is suspended" in html, person  # the page's banner
        assert "flag-link" not in html, person
        links = re.findall(r'<a href="[^"]*" class="reply-link"[^>]*>', html, re.S)
        assert links and all(link.endswith(" hidden>") for link in links), person
        assert re.search(r'<p class="debate__actions" hidden>', html), person
    as_her = page("suspended author")
    assert pressed_choice(as_her, other) == "agree"
    assert "You cannot vote on your own argument." not in as_her
    assert reverse("edit_argument", args=[motion.slug, mine.pk]) not in as_her
    assert reverse("retract_argument", args=[motion.slug, mine.pk]) in as_her


def test_a_suspended_members_live_copy_offers_nothing_either(client, world):
    """What her live page asks for after a public message (views.own_copy) has the buttons off."""
    motion, other = world["motion"], world["other"]
    client.force_login(world["viewers"]["suspended"])
    html = client.get(reverse("own_copy", args=[motion.slug]), {"ids": other.pk}).content.decode()
    buttons = re.findall(r'<button type="submit" name="choice"[^>]*>', html, re.S)
    assert len(buttons) == 2 and all(" disabled" in button for button in buttons)
    assert "flag-link" not in html


def test_nothing_personal_reaches_the_shared_tree(client, world):
    """After a moderator and the author read every page, an anonymous reader (served from the
    same cache) gets no hidden text and no tools."""
    for person in (world["viewers"]["moderator"], world["viewers"]["author"]):
        client.force_login(person)
        for url in pages(world):
            client.get(url)
            client.get(url, headers={"HX-Request": "true"})
    client.logout()
    for url in pages(world):
        for htmx in ({}, {"HX-Request": "true"}):
            html = client.get(url, headers=htmx).content.decode()
            assert HIDDEN_CLAIM not in html and HIDDEN_REASON not in html, url
            assert "/edit/" not in html and "Retract" not in html, url
            assert "mod-tools" not in html and "/hide/" not in html, url
            assert "flag-link" not in html and 'aria-pressed="true"' not in html, url


def test_a_members_page_leaves_the_tree_to_the_cache(client, world, django_assert_num_queries):
    """Session with its user, the motion, whether the viewer moderates, their own part of the
    motion (one light query: votes are pressed in the shared markup) and the nav's bell. A whole
    motion or argument page also asks whether the viewer follows it (the follow line), while
    everyone reads it (not the hidden argument's). What its author wrote, shown on the page, is
    loaded once to render her own regions, which are kept for as long as the tree is."""
    whole_pages = {world["motion"].get_absolute_url(), world["other"].get_absolute_url()}
    for person in ("voter", "author"):
        client.force_login(world["viewers"][person])
        for url in pages(world):
            client.get(url)
        for url in pages(world):  # each shows something of the author's
            with django_assert_num_queries(5 + (url in whole_pages)):
                client.get(url)
    caches["own-regions"].clear()
    for url in pages(world):
        with django_assert_num_queries(6 + (url in whole_pages)):
            client.get(url)


def test_her_kept_regions_follow_what_she_did_since(client, world):
    """A flag changes nothing everyone reads, so it stamps no motion: her page shows it all the
    same, over the regions kept from before, as a full render does."""
    author, motion, other = world["viewers"]["author"], world["motion"], world["other"]
    client.force_login(author)
    url = motion.get_absolute_url()
    assert f'id="flag-link-argument-{other.pk}" href' in client.get(url).content.decode()
    Flag.objects.create(flagger=author, argument=other, reason="spam")
    assert f'id="flag-link-argument-{other.pk}">Flagged' in client.get(url).content.decode()
    dismissed = {"status": Flag.Status.DISMISSED, "resolved_at": timezone.now()}
    Flag.objects.filter(flagger=author).update(**dismissed)
    assert f'id="flag-link-argument-{other.pk}" href' in client.get(url).content.decode()


def test_a_stranger_gets_nothing_of_someone_elses_votes(client, world):
    """Two members of one audience share the tree: the second sees none of the first's votes."""
    client.force_login(world["viewers"]["voter"])
    client.get(world["motion"].get_absolute_url())
    client.force_login(UserFactory())
    html = client.get(world["motion"].get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' not in html


def test_a_live_page_gets_its_own_copy_and_nobody_elses(client, world):
    """What a live page asks for after a public message (views.own_copy): the hidden claim's
    text for its author and moderators only, the viewer's own votes pressed, nothing for
    anonymous readers."""
    motion, hidden, other = world["motion"], world["hidden"], world["other"]
    url = reverse("own_copy", args=[motion.slug])
    ids = {"ids": f"{hidden.pk},{other.pk},x,-1", "motion": ""}
    assert client.get(url, ids).status_code == 204

    def copy(person):
        client.force_login(world["viewers"][person])
        response = client.get(url, ids)
        assert response.status_code == 200
        return response.content.decode()

    for person in ("moderator", "author"):
        assert HIDDEN_CLAIM in copy(person) and HIDDEN_REASON in copy(person)
    as_voter = copy("voter")
    assert HIDDEN_CLAIM not in as_voter and "[hidden by a moderator]" in as_voter
    assert pressed_choice(as_voter, other) == "disagree"
    assert '<template data-replace="motion-text">' in as_voter
    assert "mod-tools" in copy("moderator") and "mod-tools" not in as_voter


def pressed_choice(html, argument):
    found = re.findall(
        rf'id="vote-argument-{argument.pk}-(agree|disagree)" aria-pressed="true"', html
    )
    return found[0] if found else None


def test_a_moderator_is_offered_no_restore_of_her_own_hidden_claim(client, world):
    own = Argument.objects.get(claim="A moderator's own hidden claim.")
    restore = reverse("restore_argument", args=[world["motion"].slug, own.pk])
    for viewer, offered in [("moderating author", False), ("moderator", True)]:
        client.force_login(world["viewers"][viewer])
        html = client.get(world["motion"].get_absolute_url()).content.decode()
        assert (f'action="{restore}"' in html) is offered, viewer
        assert ("another moderator must review it" in html) is not offered, viewer


def test_a_flagger_reads_flagged_where_she_flagged_and_nobody_else_does(client, world):
    motion, other, own = world["motion"], world["other"], world["own"]

    def flag_of(html, kind, claim):
        found = re.search(rf'<[^>]*id="flag-link-{kind}-{claim.pk}"[^>]*>([^<]*)<', html)
        return found[1] if found else None

    for person, expected in [("flagger", "Flagged"), ("voter", "Flag")]:
        client.force_login(world["viewers"][person])
        for url in (motion.get_absolute_url(), other.get_absolute_url()):
            html = client.get(url).content.decode()
            assert flag_of(html, "argument", other) == expected, (person, url)
        html = client.get(motion.get_absolute_url()).content.decode()
        assert flag_of(html, "argument", own) == "Flag", person
        assert flag_of(html, "motion", motion) == expected, person
        live = reverse("own_copy", args=[motion.slug])
        copy = client.get(live, {"ids": str(other.pk)}).content.decode()
        assert flag_of(copy, "argument", other) == expected, person
