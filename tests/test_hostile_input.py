"""Hostile input never yields a 500 and never corrupts anything (property-based, hypothesis).

Every URL of the site, grouped by what it does, gets random and malicious requests: huge
strings, control characters, NUL, bidirectional overrides, look-alike digits, markup and
template syntax, lists where one value is expected, unknown ids, other motions' ids, negative
and enormous numbers, with and without HTMX, as every role. After each request the status must
be below 500 and the database must still hold together (see `check_invariants`). Sign-up,
sign-in and the live stream's path and Last-Event-ID header get the same treatment.

Bounded and deterministic: a fixed number of examples per group, derandomised, no example
database, so CI runs exactly the same requests every time.
"""

import asyncio
import operator
import uuid
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db.models import F
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from accounts.models import User
from debates import live
from debates.management.commands.recount_votes import mismatched
from debates.models import (
    CLAIM_MAX_LENGTH,
    DETAILS_MAX_LENGTH,
    Argument,
    ArgumentRevision,
    Flag,
    ModerationAction,
    Motion,
    Source,
)
from debates.text import one_line
from tests.event_loops import run
from tests.world import ROLES, build_world, post_data, site_urls

pytestmark = pytest.mark.django_db

EXAMPLES = 40
BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- What to throw -------------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "\x00",
    "claim\x00with a NUL",
    "\r\n\r\n",
    "\t\x0b\x0c\x1b[31m",
    "\u202eevil reversed\u202c",
    "\u200b\u200d\ufeff",
    "\uff21\uff44\uff41",  # full-width "Ada"
    "\U0001d54f\U0001d550",  # mathematical double-struck letters
    "<script>window.__xss=1</script>",
    '"><svg onload=window.__xss=1>',
    "<img src=x onerror=window.__xss=1>",
    "javascript:window.__xss=1",
    "[x](javascript:window.__xss=1)",
    "' OR 1=1 --",
    "%00",
    "../../../etc/passwd",
    "{{ 7|add:7 }}{% debug %}",
    "-1",
    "0",
    "1",
    "99999999999999999999999999999",
    "1e309",
    "NaN",
    "١٢٣",
    "²",
    "true",
    "null",
    "indefinitely",
    "pro",
    "con",
    "agree",
    "disagree",
    "spam",
    "other",
    "argument",
    "motion",
    "DELETE",
    "https://example.org/a",
    "http://[::1]:99999/",
    "//evil.example/",
    str(uuid.UUID(int=0)),
]
# Ids at and past the integer limits: 32-bit, the largest bigint (every id column), one past it.
ID_LIMITS = [0, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**18, 10**30]
NUMBERS = ["-1", "0", "00", " 7", "²", "١٢٣", "9" * 30, "1e309", "NaN", "0x1f", "", "1,2"]
text = st.one_of(
    st.sampled_from(NASTY),
    st.sampled_from(NASTY),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=80),
    # Huge: past every field's limit, and past Python's int-parsing digit limit.
    st.builds(
        operator.mul,
        st.sampled_from(["a", "é", "\x00", " ", "<", "9", "\U0001d54f"]),
        st.integers(0, 9000),
    ),
)
value = st.one_of(text, st.lists(text, min_size=2, max_size=3))  # a list: several values
ascii_text = st.one_of(
    st.sampled_from([s for s in NASTY if s.isascii()]),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60),
)

# What each URL reads from a form and from its query string, to aim the hostile values at.
ARGUMENT = ["stance", "claim", "details", "source_url", "quote", "submission_key"]
FORMS = {
    "reply_motion": ARGUMENT,
    "reply": ARGUMENT,
    "edit_argument": ["claim", "details"],
    "propose_motion": ["title", "claim", "context", "source_url", "quote", "submission_key"],
    "vote_motion": ["choice", "next"],
    "vote_argument": ["choice", "next"],
    "flag_motion": ["reason", "note"],
    "flag_argument": ["reason", "note"],
    "suspend_user": ["reason", "days"],
    "hide_member_arguments": ["reason", "window"],
    "appeal_argument": ["note"],
    "appeal_motion": ["note"],
    "moderation_appeals": ["appeal", "act", "reason"],
    "queue_hide": ["reason", "suspend", "days"],
    "profile_edit": ["display_name", "bio"],
    "delete_account": ["confirmation"],
    "api_tokens": ["name", "scope"],
    "import_motion": ["format", "text"],
}
LISTS = ["page", "sort", "offset"]
QUERIES = {
    "moderation_log": ["moderator", "action", "target", "target_id", "page"],
    "moderation_queue": ["page"],
    "moderation_appeals": ["page"],
    "search": ["q", "motion", "stance", "author", "page"],
    "similar_claims": ["claim"],
    "own_copy": ["ids", "motion"],
}
# Who usually sends each URL (half the requests; the other half come from any role).
USUAL_ROLE = {"profile_edit": "user", "delete_account": "unverified", "vote_motion": "user"}

GROUPS = {
    "posting": [
        "reply_motion", "reply", "edit_argument", "retract_argument", "propose_motion",
        "import_motion",
    ],
    "votes": ["vote_motion", "vote_argument"],
    "flags": ["flag_motion", "flag_argument", "flag_source"],
    "moderation": [
        "hide_argument", "restore_argument", "hide_motion", "restore_motion", "lock_motion",
        "unlock_motion", "feature_motion", "unfeature_motion", "suspend_user", "unsuspend_user",
        "queue_dismiss", "queue_hide", "hide_source", "restore_source", "hide_member_arguments",
    ],
    "pages": [
        "home", "motion", "argument", "argument_history", "more_motion_replies", "more_replies",
        "profile", "own_profile", "moderation_notices", "analysis", "analysis_json", "analysis_csv",
        "motion_map",
        "motion_export", "export_argdown", "sitemap", "sitemap_section", "robots_txt", "favicon",
        "search", "similar_claims", "feed_motions", "feed_motion", "feed_person", "own_copy",
        "api_root", "motions", "arguments",
    ],
    "moderation_pages": ["moderation_log", "moderation_queue", "moderation_appeals"],
    "appeals": ["appeal_argument", "appeal_motion"],
    "sources": ["sources", "source", "add_source", "argue_from_passage"],
    "account": ["profile_edit", "delete_account", "api_tokens", "api_token_revoke"],
    "notifications": [
        "notifications", "notifications_read", "notification_open", "notification_read",
        "notification_settings", "follow", "unsubscribe",
    ],
}  # fmt: skip
for _name in [*GROUPS["moderation"], *GROUPS["moderation_pages"]]:
    USUAL_ROLE[_name] = "moderator"


def test_every_url_is_in_a_group():
    grouped = {name for names in GROUPS.values() for name in names}
    assert {name for _, name in site_urls()} == grouped


# --- The database must still hold together -----------------------------------------------------

BIDI_CONTROLS = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
GROWING = (Motion, Argument, ArgumentRevision, Flag, ModerationAction, Source, User)


def snapshot():
    return {
        "counts": {model: model.objects.count() for model in GROWING},
        "arguments": set(Argument.objects.values_list("pk", "motion_id", "parent_id", "author_id")),
    }


def check_invariants(before):
    after = snapshot()
    for model in GROWING:
        grew = after["counts"][model] - before["counts"][model]
        assert 0 <= grew <= 2, f"{model.__name__} rows changed by {grew}"
    # Nothing already written moved to another motion, parent or author.
    assert before["arguments"] <= after["arguments"]
    # No claim is empty or longer than allowed; no text holds a NUL.
    assert not Argument.objects.filter(claim="").exists()
    assert not Motion.objects.filter(claim="").exists()
    for claim, details, hidden in Argument.objects.values_list("claim", "details", "hidden_reason"):
        assert claim.strip() and len(claim) <= CLAIM_MAX_LENGTH
        assert len(details) <= DETAILS_MAX_LENGTH
        assert "\x00" not in claim + details + hidden
    for texts in Motion.objects.values_list("title", "claim", "context", "lock_reason"):
        assert "\x00" not in "".join(texts)
    for claim in [
        *Argument.objects.values_list("claim", flat=True),
        *Motion.objects.values_list("title", flat=True),
    ]:
        assert not set(claim) & BIDI_CONTROLS, claim  # nothing reads backwards
    for note in Flag.objects.values_list("note", flat=True):
        assert "\x00" not in note
    for reason in ModerationAction.objects.values_list("reason", flat=True):
        assert "\x00" not in reason and "\u202e" not in reason  # one printable line
    for name, bio, why in User.objects.values_list("display_name", "bio", "suspension_reason"):
        assert name.strip() and "\x00" not in name + bio + why
    # Trees stay trees within one motion.
    replies = Argument.objects.filter(parent__isnull=False)
    assert not replies.exclude(motion=F("parent__motion")).exists()
    assert not replies.exclude(depth=F("parent__depth") + 1).exists()
    # Tallies equal the Vote table.
    assert not mismatched(Motion, "motion").exists()
    assert not mismatched(Argument, "argument").exists()


# --- Requests ------------------------------------------------------------------------------------


def path_values(world):
    people = [p.pk for p in world.people.values() if p is not None]
    return {
        "slug": st.one_of(
            st.sampled_from([world.motion.slug, world.other_motion.slug, "no-such-motion"]),
            text,
        ),
        "pk": st.one_of(
            st.sampled_from(
                [
                    world.argument.pk,
                    world.reply.pk,
                    world.other_argument.pk,  # another motion's argument
                    world.source.pk,
                    *people,
                    0,
                    -1,
                    999_999,
                    *ID_LIMITS,
                ]
            ),
            text,
        ),
        "kind": st.one_of(st.sampled_from(["argument", "motion", "source", "user"]), text),
    }


def build_path(route, parts):
    path = route
    for converter, name in (("slug", "slug"), ("id", "pk"), ("str", "kind")):
        path = path.replace(f"<{converter}:{name}>", quote(str(parts[name]), safe=""))
    return "/" + path


@st.composite
def site_requests(draw, world, group):
    routes = {name: route for route, name in site_urls()}
    name = draw(st.sampled_from(GROUPS[group]))
    role = draw(st.one_of(st.just(USUAL_ROLE.get(name, "author")), st.sampled_from(ROLES)))
    values = path_values(world)
    parts = {key: draw(strategy) for key, strategy in values.items()}
    reading = group in ("pages", "moderation_pages")
    method = draw(st.sampled_from(["GET"] * (4 if reading else 1) + ["POST"] * 3 + ["PUT", "HEAD"]))
    # A valid form (except for closing an account), some of its fields spoilt, and extras.
    data = {} if name == "delete_account" else post_data(name, role)
    for field in FORMS.get(name, ["reason"]):
        if draw(st.booleans()):
            data[field] = draw(value)
    data |= draw(st.dictionaries(st.sampled_from(["junk", "csrfmiddlewaretoken"]), value))
    query = draw(
        st.dictionaries(
            st.sampled_from(LISTS + QUERIES.get(name, [])),
            st.one_of(st.sampled_from(NUMBERS), st.sampled_from(NASTY), text),
        )
    )
    headers = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "HX-Request": st.just("true"),
                "HX-Current-URL": ascii_text,
                "Referer": ascii_text,
                "X-Request-ID": ascii_text,
            },
        )
    )
    return name, role, method, build_path(routes[name], parts), data, query, headers


def send(client, method, path, data, query, headers):
    if method == "GET":
        return client.get(path, query, headers=headers)
    if method == "POST":
        return client.post(path, data, headers=headers)
    return client.generic(method, path, headers=headers)


@pytest.mark.parametrize("group", list(GROUPS))
def test_hostile_requests_never_break_the_site(group, settings_override):
    world = build_world()
    client = Client()  # one client: each new one loads the middleware (and scans static files)

    @BOUNDED
    @given(request=site_requests(world, group))
    def attack(request):
        name, role, method, path, data, query, headers = request
        cache.clear()
        client.cookies.clear()
        if world.people[role] is not None:
            client.force_login(User.objects.get(pk=world.people[role].pk))
        before = snapshot()
        response = send(client, method, path, data, query, headers)
        assert response.status_code < 500, (name, role, method, path, data, query)
        check_invariants(before)

    for case in known_cases(world, group):
        attack = example(request=case)(attack)
    attack()


def test_every_route_taking_a_number_takes_it_in_the_databases_range():
    """Django's <int:…> takes any number of digits, and a query with one past 2^63 is a 500."""

    def routes(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from routes(pattern.url_patterns, route)
            else:
                yield route

    every = list(routes(get_resolver().url_patterns))
    assert len(every) > 30
    assert not [route for route in every if "<int:" in route], "use <id:…> (config.converters)"


@pytest.mark.parametrize("pk", ID_LIMITS)
def test_ids_at_and_past_the_integer_limits_are_not_found_on_every_route(pk, settings_override):
    world = build_world()
    routes = [(route, name) for route, name in site_urls() if "<id:pk>" in route]
    assert len(routes) >= 15  # every route naming an argument, a person or a queued claim
    client = Client()
    before = snapshot()
    for role in ("moderator", "user", "anonymous"):
        client.cookies.clear()
        if world.people[role] is not None:
            client.force_login(User.objects.get(pk=world.people[role].pk))
        for route, name in routes:
            path = build_path(route, {"slug": world.motion.slug, "pk": pk, "kind": "argument"})
            for method in ("GET", "POST"):
                response = send(client, method, path, post_data(name, role), {}, {})
                assert response.status_code < 500, (role, method, path)
                if pk > 2**63 - 1:
                    assert response.status_code == 404, (role, method, path)
    check_invariants(before)


def test_bidirectional_controls_are_dropped_from_what_people_post(settings_override):
    world = build_world()
    client = Client()
    client.force_login(User.objects.get(pk=world.people["author"].pk))
    rlo, pdf, lri, pdi = "\u202e", "\u202c", "\u2066", "\u2069"
    hebrew = "\u05e9\u05dc\u05d5\u05dd"  # right-to-left text itself is kept
    texts = {
        "claim": f"{rlo}Reversed{pdf} claim {lri}{hebrew}{pdi}",
        "details": f"Details {rlo}reversed",
        "quote": f"A quote {lri}isolated",
        "source_url": f"https://example.org/{rlo}a",
    }
    motion_url = reverse("reply_motion", args=[world.motion.slug])
    posted = client.post(motion_url, post_data("reply_motion") | texts)
    proposed = client.post(
        reverse("propose_motion"),
        post_data("propose_motion")
        | {"title": f"{rlo}Title", "claim": f"It is {pdi}so.", "context": f"{lri}Context"},
    )
    edit_url = reverse("edit_argument", args=[world.motion.slug, world.argument.pk])
    edited = client.post(edit_url, {"claim": f"Edited {rlo}claim", "details": f"{pdf}More"})

    assert posted.status_code < 400 and proposed.status_code < 400 and edited.status_code < 400
    argument = Argument.objects.select_related("source").get(claim__startswith="Reversed")
    assert argument.claim == f"Reversed claim {hebrew}"
    assert (argument.details, argument.quote) == ("Details reversed", "A quote isolated")
    assert argument.source.url == "https://example.org/a"
    motion = Motion.objects.get(title="Title")
    assert (motion.claim, motion.context) == ("It is so.", "Context")
    world.argument.refresh_from_db()
    assert (world.argument.claim, world.argument.details) == ("Edited claim", "More")
    # A claim made of nothing else is empty, so refused.
    empty = client.post(motion_url, post_data("reply_motion") | {"claim": rlo + pdf})
    assert empty.status_code == 422 and "Write the claim" in empty.content.decode()


@pytest.mark.parametrize(
    "nothing",
    [
        "\u200b\u2060\u00ad",
        "\ufeff",
        "\u0301\u0301",
        "\u200d \u3000",
        "\ue000",
        "\u2800\u2800",
        "\u115f\u1160\u3164",
    ],
    ids=[
        "zero-width-and-soft-hyphen",
        "byte-order-mark",
        "lone-marks",
        "joiner",
        "private-use",
        "braille-blank",
        "hangul-fillers",
    ],
)
def test_text_that_shows_nothing_is_refused_as_empty(settings_override, nothing):
    """A title or claim of invisible characters would be a link with no text on every list."""
    world = build_world()
    client = Client()
    client.force_login(User.objects.get(pk=world.people["author"].pk))
    counts = (Motion.objects.count(), Argument.objects.count(), Source.objects.count())

    proposed = client.post(
        reverse("propose_motion"), post_data("propose_motion") | {"title": nothing}
    )
    claimed = client.post(
        reverse("propose_motion"), post_data("propose_motion") | {"claim": nothing}
    )
    replied = client.post(
        reverse("reply_motion", args=[world.motion.slug]),
        post_data("reply_motion") | {"claim": nothing},
    )
    added = client.post(
        reverse("add_source"),
        {"title": nothing, "url": "https://example.org/a", "text": "Some text."},
    )

    assert proposed.status_code == 422 and "Give the motion a short title" in proposed.text
    assert claimed.status_code == 422 and "Write the claim" in claimed.text
    assert replied.status_code == 422 and "Write the claim" in replied.text
    assert added.status_code == 422 and "Give the source its title" in added.text
    assert (Motion.objects.count(), Argument.objects.count(), Source.objects.count()) == counts


def test_invisible_characters_inside_visible_text_are_kept():
    """Joiners shape emoji and Persian words: only text made of nothing else is emptied."""
    persian, family = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0645", "\U0001f469\u200d\U0001f467"

    assert one_line(f"  {persian} {family} ") == f"{persian} {family}"
    assert one_line("\u200b\u00ad") == ""


def known_cases(world, group):
    """Requests that once broke something, tried first every run (then the random ones)."""
    slug, pk, person = world.motion.slug, world.argument.pk, world.people["author"].pk
    arg = f"/motions/{slug}/arguments/{pk}"
    elsewhere = f"/motions/{world.other_motion.slug}/arguments/{pk}"
    nul, rtl, huge = "Because\x00of spam", "\u202eReversed reason", "9" * 5000
    log, queue = "/moderation/log/", f"/moderation/queue/argument/{pk}"
    mod, user = "moderator", "user"
    cases = {
        "moderation_pages": [  # look-alike digits ("²".isdigit()), numbers too long to parse
            ("moderation_log", mod, "GET", log, {}, {"moderator": "²"}),
            ("moderation_log", mod, "GET", log, {}, {"target": "user", "target_id": huge}),
        ],
        "moderation": [  # NUL is refused by PostgreSQL; bidi overrides garble the log
            ("hide_argument", mod, "POST", f"{arg}/hide/", {"reason": nul}, {}),
            (
                "suspend_user",
                "staff",
                "POST",
                f"/moderation/people/{person}/suspend/",
                {"reason": rtl, "days": "²"},
                {},
            ),
            ("queue_hide", mod, "POST", f"{queue}/hide/", {"reason": nul, "days": huge}, {}),
        ],
        "flags": [
            ("flag_argument", user, "POST", f"{arg}/flag/", {"reason": "other", "note": nul}, {}),
            ("flag_motion", user, "POST", f"/motions/{slug}/flag/", {"reason": ["spam", "x"]}, {}),
        ],
        "posting": [
            (
                "reply",
                user,
                "POST",
                f"{arg}/reply/",
                {"claim": "\x00", "source_url": "javascript:"},
                {},
            ),
            ("reply", user, "POST", f"{elsewhere}/reply/", {"stance": "pro", "claim": "Hi."}, {}),
        ],
        "votes": [
            ("vote_argument", user, "POST", f"{arg}/vote/", {"choice": ["agree", "x"]}, {}),
        ],
        "pages": [
            ("motion", user, "GET", f"/motions/{slug}/", {}, {"sort": "\x00", "page": "²"}),
            ("more_replies", user, "GET", f"{arg}/replies/", {}, {"offset": huge}),
        ],
        "account": [
            (
                "profile_edit",
                user,
                "POST",
                "/people/me/edit/",
                {"display_name": "Former member 1"},
                {},
            ),
        ],
    }
    return [(*case, {}) for case in cases.get(group, [])]


@pytest.fixture
def settings_override(settings):
    settings.CRUX_RATE_LIMITS = {}  # every request reaches the code under test
    return settings


SIGN_UP = ["email", "display_name", "password1", "password2"]
SIGN_IN = ["login", "password", "remember"]


@st.composite
def entrance_requests(draw):
    name = draw(st.sampled_from(["account_signup", "account_login"]))
    fields = SIGN_UP if name == "account_signup" else SIGN_IN
    data = draw(st.fixed_dictionaries({}, optional=dict.fromkeys(fields, value)))
    if draw(st.booleans()):
        data |= {"display_name": draw(text), "email": draw(text) + "@example.org"}
    return name, data


def test_hostile_sign_ups_and_sign_ins_never_break_the_site():
    build_world()
    client = Client()

    @BOUNDED
    @given(request=entrance_requests())
    def attack(request):
        name, data = request
        cache.clear()
        client.cookies.clear()
        before = snapshot()
        response = client.post(reverse(name), data)
        assert response.status_code < 500, (name, data)
        check_invariants(before)

    attack()


# --- The live stream (a bare ASGI app, not a Django view) ---------------------------------------


async def call_live(path, method, last_event_id):
    sent = []

    async def receive():
        await asyncio.sleep(0.01)  # the page goes away at once
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    headers = [] if last_event_id is None else [(b"last-event-id", last_event_id)]
    scope = {"type": "http", "path": path, "method": method, "headers": headers}
    await live.app(scope, receive, send)
    return sent


def live_paths(motion_id):
    channels = st.sampled_from(
        ["/live/home/", f"/live/motions/{motion_id}/", f"/live/motions/{motion_id + 12345}/"]
    )
    return st.one_of(
        channels,  # mostly channels, the motion's among them, so Last-Event-ID gets read
        channels,
        st.sampled_from(["/live/motions/²/", "/live/motions/-1/", "/live/motions/1", "/live/"]),
        st.builds(lambda t: "/live/motions/" + t + "/", text),
        st.builds(lambda t: "/live/" + t, text),
    )


header_bytes = st.one_of(
    st.sampled_from([b"", b"5", b"-1", b"\xb2", b"\xd9\xa1", b"1e9", b"9" * 5000, b"\x00"]),
    st.binary(max_size=40),
)


def test_hostile_live_requests_get_a_status_not_a_crash(transactional_db):
    # The endpoint looks the motion up on another thread: its row must be committed.
    motion = Motion.objects.create(slug="live-fuzz", title="Live fuzz", claim="Streams parse.")
    live.reset_broker(live.LocalBroker())  # in-process: this is about parsing, not transport
    statuses = set()
    try:

        @BOUNDED
        @given(
            path=live_paths(motion.pk),
            method=st.sampled_from(["GET", "GET", "GET", "POST", "HEAD"]),
            last_event_id=st.one_of(st.none(), header_bytes),
        )
        def attack(path, method, last_event_id):
            assert live.channel_for(path) in (None, live.HOME) or isinstance(
                live.channel_for(path), int
            )
            sent = run(call_live(path, method, last_event_id))
            assert sent[0]["type"] == "http.response.start"
            assert sent[0]["status"] in (200, 404, 405)
            statuses.add(sent[0]["status"])

        attack()
        assert {200, 404} <= statuses  # the motion's stream opened; unknown ones did not
    finally:
        live.reset_broker()
