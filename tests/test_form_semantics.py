"""What forms tell assistive technology and the reader: an error is tied to its field by the ids
the field names, a field the service requires is never labelled "(optional)", the map's keyboard
help waits for its script, and the wording of suspensions, mentions and the moderation log."""

import re
import uuid
from datetime import UTC, datetime
from html import unescape
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from accounts import suspension
from debates import moderation, services, sources
from debates.models import ModerationAction
from notifications import mailing, queries
from notifications import services as notify
from tests.factories import ArgumentFactory, MotionFactory, verified_user

pytestmark = pytest.mark.django_db

KEY = "0c5bd2a4-8f47-4a62-9d55-3b1f1b7c7a10"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.text = tag, attrs, parent, ""

    def ids(self, name):
        return (self.attrs.get(name) or "").split()

    def ancestor(self, tag):
        node = self.parent
        while node and node.tag != tag:
            node = node.parent
        return node


class Page(HTMLParser):
    """A page's elements, each with its attributes, its parent and the text inside it."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements, self.open = [], []
        self.feed(html)
        self.by_id = {e.attrs["id"]: e for e in self.elements if e.attrs.get("id")}

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.open[-1] if self.open else None)
        self.elements.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, dict(attrs), self.open[-1] if self.open else None))

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                del self.open[index:]
                return

    def handle_data(self, data):
        for element in self.open:
            element.text += data

    def dangling(self):
        """(attribute, id) of every id reference that names no element of the page."""
        return [
            (name, ref)
            for element in self.elements
            for name in ("aria-describedby", "aria-labelledby", "aria-controls", "for")
            for ref in element.ids(name)
            if ref not in self.by_id
        ]

    def description(self, element):
        """The text of what describes `element`: its own aria-describedby, or its fieldset's
        for a radio (Django leaves a group's description to the fieldset)."""
        refs = element.ids("aria-describedby")
        if not refs and element.attrs.get("type") in ("radio", "checkbox"):
            fieldset = element.ancestor("fieldset")
            refs = fieldset.ids("aria-describedby") if fieldset else []
        return " ".join(" ".join(self.by_id[ref].text.split()) for ref in refs)

    def labels(self):
        """{label's text: the control it labels} of every <label for> in the page's forms (the
        nav's search box aside)."""
        return {
            " ".join(label.text.split()): self.by_id.get(label.attrs["for"])
            for label in self.elements
            if label.tag == "label"
            and label.attrs.get("for")
            and label.ancestor("form").attrs.get("role") != "search"
        }


def errors_in(html):
    found = re.findall(r'class="field__error" role="alert">([^<]*)<', html)
    return [unescape(message) for message in found]


# --- Errors tied to their fields ---------------------------------------------------------------


@pytest.fixture
def world(member, moderator):
    motion = MotionFactory(author=member)
    argument = ArgumentFactory(motion=motion, author=member)
    source = sources.add_source(
        adder=member, title="A source", text="One paragraph of it.\n\nAnother paragraph."
    )
    return {"motion": motion, "argument": argument, "source": source}


def invalid_requests(world, member, moderator):
    """name: (who, method, url, data, headers): every form of the site sent wrong."""
    motion, argument, source = world["motion"], world["argument"], world["source"]
    reply_url = reverse("reply", args=[motion.slug, argument.pk])
    htmx = {"HTTP_HX_REQUEST": "true"}
    key = {"submission_key": str(uuid.uuid4())}
    other = verified_user(display_name="Flagging Fay")
    # One entry in the review queue, flagged by someone else than Fay (who flags it below).
    moderation.flag_claim(
        flagger=verified_user(display_name="Flagging Fred"), claim=argument, reason="spam"
    )
    queue_hide = reverse("queue_hide", args=["argument", argument.pk])
    return {
        "add a source": (member, "post", reverse("add_source"), {"published_on": "soon"}, {}),
        "propose a motion": (member, "post", reverse("propose_motion"), key, {}),
        "reply on the motion": (
            member,
            "post",
            reverse("reply_motion", args=[motion.slug]),
            key,
            {},
        ),
        "reply to an argument": (
            member,
            "post",
            reply_url,
            key | {"source_url": "javascript:"},
            {},
        ),
        "reply in place": (member, "post", reply_url, key, htmx),
        "edit": (
            member,
            "post",
            reverse("edit_argument", args=[motion.slug, argument.pk]),
            {"claim": ""},
            {},
        ),
        "import": (
            member,
            "post",
            reverse("import_motion"),
            {"format": "yaml", "text": "[a]: ok"},
            {},
        ),
        "argue from a passage": (
            member,
            "post",
            reverse("argue_from_passage", args=[source.pk]),
            key | {"motion": "nowhere"},
            {},
        ),
        "search": (member, "get", reverse("search"), {"q": "x", "stance": "sideways"}, {}),
        "close the account": (
            member,
            "post",
            reverse("delete_account"),
            {"confirmation": "no"},
            {},
        ),
        "edit the profile": (member, "post", reverse("profile_edit"), {"display_name": "x"}, {}),
        "change the password": (member, "post", "/accounts/password/change/", {}, {}),
        "API tokens": (member, "post", reverse("api_tokens"), {"name": ""}, {}),
        "sign up": (None, "post", "/accounts/signup/", {"email": "nope"}, {}),
        "sign in": (None, "post", "/accounts/login/", {}, {}),
        "flag": (
            other,
            "post",
            reverse("flag_argument", args=[motion.slug, argument.pk]),
            {"reason": "other"},
            {},
        ),
        "flag with no reason": (
            other,
            "post",
            reverse("flag_argument", args=[motion.slug, argument.pk]),
            {"note": ""},
            {},
        ),
        "queue: hide with no reason": (moderator, "post", queue_hide, {"reason": " "}, {}),
        "queue: hide in place with no reason": (
            moderator,
            "post",
            queue_hide,
            {"reason": "", "suspend": "1", "days": "7"},
            htmx,
        ),
        "queue: suspend for no period": (
            moderator,
            "post",
            queue_hide,
            {"reason": "Spam", "suspend": "1", "days": "x"},
            {},
        ),
        "suspend": (
            moderator,
            "post",
            reverse("suspend_user", args=[member.pk]),
            {"reason": "Spam", "days": "x"},
            {},
        ),
        "hide with no reason": (
            moderator,
            "post",
            reverse("hide_argument", args=[motion.slug, argument.pk]),
            {"reason": " "},
            {},
        ),
        "lock with no reason": (
            moderator,
            "post",
            reverse("lock_motion", args=[motion.slug]),
            {"reason": ""},
            {},
        ),
        "hide a source with no reason": (
            moderator,
            "post",
            reverse("hide_source", args=[source.pk]),
            {"reason": ""},
            {},
        ),
        "moderation log": (
            moderator,
            "get",
            reverse("moderation_log"),
            {"target": "argument", "target_id": "x"},
            {},
        ),
    }


NAMES = [
    "add a source",
    "propose a motion",
    "reply on the motion",
    "reply to an argument",
    "reply in place",
    "edit",
    "import",
    "argue from a passage",
    "search",
    "close the account",
    "edit the profile",
    "change the password",
    "API tokens",
    "sign up",
    "sign in",
    "flag",
    "flag with no reason",
    "queue: hide with no reason",
    "queue: hide in place with no reason",
    "queue: suspend for no period",
    "suspend",
    "hide with no reason",
    "lock with no reason",
    "hide a source with no reason",
    "moderation log",
]


# Refused with a message of the whole form, not of one field.
NOT_FIELD_ERRORS = {"API tokens"}


@pytest.mark.parametrize("name", NAMES)
def test_after_an_invalid_submit_every_id_a_field_names_is_on_the_page(
    client, world, member, moderator, name
):
    who, method, url, data, headers = invalid_requests(world, member, moderator)[name]
    if who:
        client.force_login(who)
    response = getattr(client, method)(url, data, **headers)
    assert 400 <= response.status_code < 500, (name, response.status_code)
    page = Page(response.content.decode())
    assert page.dangling() == [], name
    # Every control marked invalid is described by what is wrong with it.
    invalid = [e for e in page.elements if e.attrs.get("aria-invalid") == "true"]
    assert invalid or name in NOT_FIELD_ERRORS, name
    for element in invalid:
        assert page.description(element), (name, element.tag, element.attrs)


def test_a_field_with_help_and_an_error_is_described_by_both(client, world, member):
    client.force_login(member)
    response = client.post(reverse("propose_motion"), {"title": "A motion", "submission_key": KEY})
    page = Page(response.content.decode())
    claim = page.by_id["id_claim"]
    assert claim.attrs["aria-describedby"] == "id_claim_helptext id_claim_error"
    assert claim.attrs["aria-invalid"] == "true"
    assert page.description(claim) == (
        "The claim up for debate: one statement people can argue for or against. "
        "Write the claim you want to make."
    )
    # The errors stand as before, one paragraph each, inside the element the field names.
    assert page.by_id["id_claim_error"].tag == "div"
    assert errors_in(response.content.decode()) == ["Write the claim you want to make."]


def test_radios_with_an_error_are_described_on_their_fieldset(client, world, member):
    client.force_login(member)
    motion = world["motion"]
    response = client.post(
        reverse("reply_motion", args=[motion.slug]), {"claim": "A claim.", "submission_key": KEY}
    )
    page = Page(response.content.decode())
    fieldset = page.by_id["id_stance_0"].ancestor("fieldset")
    assert fieldset.attrs["aria-describedby"] == "id_stance_error"
    assert page.description(page.by_id["id_stance_0"]) == "Choose whether you argue pro or con."


# --- Required fields are not "(optional)" ------------------------------------------------------


def form_pages(world):
    motion, argument, source = world["motion"], world["argument"], world["source"]
    return {
        "add a source": (reverse("add_source"), ["Title", "The text"]),
        "propose a motion": (reverse("propose_motion"), ["Title", "Claim"]),
        "reply on the motion": (reverse("reply_motion", args=[motion.slug]), ["Claim"]),
        "reply to an argument": (reverse("reply", args=[motion.slug, argument.pk]), ["Claim"]),
        "edit": (reverse("edit_argument", args=[motion.slug, argument.pk]), ["Claim"]),
        "argue from a passage": (reverse("argue_from_passage", args=[source.pk]), ["Claim"]),
    }


@pytest.mark.parametrize(
    "name",
    [
        "add a source",
        "propose a motion",
        "reply on the motion",
        "reply to an argument",
        "edit",
        "argue from a passage",
    ],
)
def test_a_field_the_service_requires_is_never_labelled_optional(client, world, member, name):
    url, required = form_pages(world)[name]
    client.force_login(member)
    for response in (client.get(url), client.post(url, {"submission_key": KEY})):
        labels = Page(response.content.decode()).labels()
        for label in required:
            assert label in labels, (name, label, list(labels))
            assert labels[label].attrs.get("aria-required") == "true"
        for label, control in labels.items():
            marked = control.attrs.get("aria-required") == "true" or "required" in control.attrs
            assert marked != label.endswith("(optional)"), (name, label)


def test_an_optional_field_still_says_so(client, world, member):
    client.force_login(member)
    labels = Page(client.get(reverse("add_source")).content.decode()).labels()
    assert {"Author (optional)", "Publisher (optional)", "Web address (optional)"} <= set(labels)


# --- The map's keyboard help -------------------------------------------------------------------


def test_the_outline_s_keyboard_help_is_hidden_until_its_script_shows_it(client, world):
    motion = world["motion"]
    page = Page(client.get(reverse("motion_map", args=[motion.slug])).content.decode())
    help_ = page.by_id["outline-help"]
    assert "hidden" in help_.attrs and "Arrow keys move" in help_.text
    assert page.dangling() == []


# --- Suspensions read the same everywhere ------------------------------------------------------


def test_a_suspension_s_end_reads_as_the_banner_and_notices_give_it(client, world, member):
    assert suspension.period_text(datetime(2030, 12, 4, 23, 9, tzinfo=UTC)) == (
        "until 4 December 2030, 23:09 UTC"
    )
    suspension.suspend(user=member, days=7, reason="Spam")
    type(member).objects.filter(pk=member.pk).update(
        suspended_until=datetime(2030, 12, 4, 23, 9, tzinfo=UTC)
    )
    client.force_login(member)
    motion = world["motion"]
    html = client.get(reverse("reply_motion", args=[motion.slug])).content
    periods = re.findall(r"suspended until ([^:]+:\d\d UTC)", " ".join(html.decode().split()))
    # The refusal by the form and the banner at the top of the page.
    assert len(periods) >= 2 and set(periods) == {"4 December 2030, 23:09 UTC"}


def test_the_moderation_log_gives_a_suspension_s_period_in_the_members_words(
    client, member, moderator
):
    other = verified_user(display_name="Other Member")
    moderation.suspend_user(moderator=moderator, user=member, days=None, reason="Spam")
    moderation.suspend_user(moderator=moderator, user=other, days=7, reason="Spam")
    other.refresh_from_db()
    client.force_login(moderator)
    html = " ".join(client.get(reverse("moderation_log")).content.decode().split())
    assert '<span class="muted">indefinitely</span>' in html
    assert f'<span class="muted">{suspension.period_text(other.suspended_until)}</span>' in html


# --- A mention says where it is ----------------------------------------------------------------


@pytest.fixture
def mentioned(settings, world):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    alice = verified_user(display_name="Alice Archer")
    bob = verified_user(display_name="Bob Baker")
    argument = ArgumentFactory(
        motion=world["motion"],
        author=bob,
        claim="Carol is wrong about trams.",
        details="As @Alice Archer showed, trams cost less.",
    )
    notify.notify_of_argument(argument_id=argument.pk, posted=True)
    return alice, argument


def inbox_line(client, alice):
    client.force_login(alice)
    html = client.get(reverse("notifications")).content.decode()
    what = re.search(r'<p class="notification__what">(.*?)</p>', html, re.S).group(1)
    # An isolated name or claim (<bdi>) runs on with the words around it; other tags part words.
    what = re.sub(r"</?bdi>", "", what)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", what)).split())


def test_a_mention_says_it_is_in_the_details_of_the_claim_it_quotes(client, world, mentioned):
    alice, _ = mentioned
    assert inbox_line(client, alice) == (
        "New : Bob Baker mentioned you in the details of their argument "
        f"“Carol is wrong about trams.” in {world['motion'].title}"
    )


@pytest.fixture
def reworded_away(mentioned):
    """The mention, its details reworded since so that they no longer name her."""
    alice, argument = mentioned
    services.edit_argument(
        editor=argument.author, argument=argument, claim=argument.claim, details="Trams cost less."
    )
    return alice


def test_a_mention_reworded_away_says_it_was_in_an_earlier_wording(client, world, reworded_away):
    """The walk: the notice quoted the argument as worded now, which no longer named her."""
    alice = reworded_away
    assert inbox_line(client, alice) == (
        "New : Bob Baker mentioned you in an earlier wording of the details of their argument "
        f"“Carol is wrong about trams.” in {world['motion'].title} · See what changed"
    )


def test_the_digest_says_a_mention_was_reworded_away_too(mailoutbox, world, reworded_away):
    alice = reworded_away
    notify.save_preferences(member=alice, follow_own=True, email_replies=False, digest="daily")
    mailing.send_due_digests()
    [digest] = [mail for mail in mailoutbox if mail.to == [alice.email]]
    assert (
        "Bob Baker mentioned you in an earlier wording of the details of their argument “Carol is"
    ) in " ".join(digest.body.split())


def test_a_mention_in_what_was_hidden_since_names_neither_author_nor_claim(
    client, world, mentioned, moderator
):
    alice, argument = mentioned
    moderation.hide_argument(moderator=moderator, argument=argument, reason="Spam")
    line = inbox_line(client, alice)
    # Listed, but no longer news (the bell leaves it out too): moderators alone are told of it.
    assert line.startswith("Someone mentioned you in the details of a reply that is no")
    assert "Carol" not in line and "Bob" not in line


def test_the_digest_words_a_mention_as_the_inbox_does(mailoutbox, world, mentioned):
    alice, _ = mentioned
    notify.save_preferences(member=alice, follow_own=True, email_replies=False, digest="daily")
    assert mailing.send_due_digests() == 1
    [digest] = [mail for mail in mailoutbox if mail.to == [alice.email]]
    body = " ".join(digest.body.split())
    assert (
        "Bob Baker mentioned you in the details of their argument “Carol is wrong about trams.” "
        f"in {world['motion'].title}"
    ) in body
    assert queries.preferences_of(alice).digest == "daily"


# --- The moderation log's filters and pages ----------------------------------------------------


@pytest.fixture
def log_of(moderator, world):
    def acts(count):
        motion = world["motion"]
        for n in range(count):
            act = moderation.feature_motion if n % 2 == 0 else moderation.unfeature_motion
            act(moderator=moderator, motion=motion)
        return ModerationAction.objects.count()

    return acts


def log_page(client, as_moderator, **params):
    client.force_login(as_moderator)
    response = client.get(reverse("moderation_log"), params)
    return response, " ".join(unescape(response.content.decode()).split())


@pytest.mark.parametrize(
    "params, message",
    [
        (
            {"target": "argument", "target_id": "9" * 20},
            "There is no argument with that id.",
        ),
        ({"target": "user", "target_id": "9" * 5000}, "There is no user with that id."),
        ({"moderator": "999999"}, "No moderator with that id is in the log"),
        ({"moderator": "9" * 5000}, "No moderator with that id is in the log"),
        ({"page": "abc"}, "The page must be a number from 1 up, such as 2."),
        ({"page": "0"}, "The page must be a number from 1 up, such as 2."),
        ({"page": "²"}, "The page must be a number from 1 up, such as 2."),
        ({"page": "3"}, "There is no such page: the log fits on 2 pages."),
        ({"page": "9" * 5000}, "There is no such page: the log fits on 2 pages."),
        (
            {"action": "feature", "page": "2"},
            "There is no such page: what these filters find fits on one page.",
        ),
    ],
)
def test_a_log_filter_or_page_that_names_nothing_says_so(
    client, moderator, log_of, params, message
):
    log_of(55)
    response, text = log_page(client, moderator, **params)
    assert response.status_code == 422
    assert message in text
    assert "log__entry" not in text and Page(response.content.decode()).dangling() == []


def test_a_page_past_the_end_offers_the_first_page_with_the_filters(client, moderator, log_of):
    log_of(3)
    response, _ = log_page(client, moderator, action="feature", page="7")
    assert response.status_code == 422
    assert '<a href="?action=feature">Go to the first page</a>' in response.content.decode()


def test_the_log_pages_keep_the_filters_and_accept_a_moderator_by_id(client, moderator, log_of):
    log_of(55)
    response, _ = log_page(client, moderator, moderator=str(moderator.pk), page="1")
    assert response.status_code == 200 and len(response.context["entries"]) == 50
    html = response.content.decode()
    assert f'href="?moderator={moderator.pk}&amp;page=2"' in html
    assert "Page 1 of 2" in html
    response, _ = log_page(client, moderator, moderator=f"00{moderator.pk}", page="02")
    assert response.status_code == 200 and len(response.context["entries"]) == 5
    assert f'href="?moderator=00{moderator.pk}&amp;page=1"' in response.content.decode()


@pytest.mark.parametrize("page", ["reply", "motion"])
def test_a_form_sent_without_its_hidden_key_says_so_and_keeps_what_was_typed(client, page):
    """Only a forged or very old page leaves the key out; a 422 that says nothing helps nobody."""
    motion = MotionFactory()
    client.force_login(verified_user())
    if page == "reply":
        url = reverse("reply_motion", args=[motion.slug])
        sent = {"stance": "pro", "claim": "Kept, word for word."}
    else:
        url = reverse("propose_motion")
        sent = {"title": "A title", "claim": "Kept, word for word."}
    response = client.post(url, sent)
    html = response.content.decode()
    assert response.status_code == 422
    assert "This form is out of date or incomplete" in html and "Kept, word for word." in html


def test_reply_forms_open_in_place_side_by_side_share_no_id(client, world, member):
    """Two claims' reply forms open at once on one page: a label of one must not name a field
    of the other, nor an error the other's field."""
    client.force_login(member)
    motion = world["motion"]
    argument = ArgumentFactory(motion=motion)
    in_place = {"headers": {"HX-Request": "true"}}
    under_motion = client.get(reverse("reply_motion", args=[motion.slug]), **in_place)
    under_argument = client.post(
        reverse("reply", args=[motion.slug, argument.pk]), {"submission_key": KEY}, **in_place
    )
    assert under_argument.status_code == 422
    first, second = Page(under_motion.content.decode()), Page(under_argument.content.decode())
    assert first.by_id and second.by_id
    assert set(first.by_id) & set(second.by_id) == set()
    both = Page(under_motion.content.decode() + under_argument.content.decode())
    assert both.dangling() == []
    assert both.description(both.by_id[f"id_reply-{argument.pk}-claim"]) == (
        "One clear statement, up to 500 characters. Write the claim you want to make."
    )
