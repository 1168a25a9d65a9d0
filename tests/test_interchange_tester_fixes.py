"""A tester's findings on importing: a member imports the public download of a debate a moderator
acted on (its hidden claims withdrawn, never hidden by her file); a quote keeps the source its
line gives, an address alone as a reply cites it; a Kialo link quotes nothing; a Kialo claim
over several lines is one line; and an import counts each argument it writes against a budget
of imported arguments, refused before anything is written."""

import html
import json
import re
import time
import types

import pytest
from django.conf import settings as django_settings
from django.test import Client, RequestFactory

from config import ratelimit
from config.ratelimit import RateLimited, parse_rates
from debates import moderation
from debates.interchange.argdown_export import export_argdown
from debates.interchange.importing import import_text
from debates.models import (
    CLAIM_MAX_LENGTH,
    Argument,
    ArgumentRevision,
    Motion,
    Source,
    SourceText,
)
from debates.sources import hide_source
from debates.transfer import ARGUMENTS_MAX, ImportRefused
from ratelimits.models import Counter
from tests.concurrency import run_at_once
from tests.factories import ArgumentFactory, MotionFactory, SourceFactory, UserFactory
from tests.test_api import API, assert_problem, bearer, send

pytestmark = pytest.mark.django_db

PAGE = "/motions/import/"
IMPORT = f"{API}/motions/import"


def refusals(response):
    found = re.findall(r'class="field__error" role="alert">([^<]*)<', response.content.decode())
    return [html.unescape(message) for message in found]


def upload(client, user, text, format="argdown"):
    client.force_login(user)
    return client.post(PAGE, {"format": format, "text": text})


def api_import(user, text, format="argdown"):
    return send(Client(), "post", IMPORT, {"format": format, "text": text}, **bearer(user))


def normalised(text):
    """An Argdown export with Crux's ids and the motion's slug numbered by first appearance."""
    names = {}
    text = re.sub(
        r"(?<=\[)c\d+(?=\])|(?<=crux: )\d+",
        lambda match: names.setdefault(match.group(0), f"#{len(names)}"),
        text,
    )
    slug = re.search(r"^\[(.+?)\]: ", text, re.MULTILINE).group(1)
    return text.replace(f"[{slug}]", "[SLUG]").replace(f'crux: "{slug}"', 'crux: "SLUG"')


# --- 1. The public download of a debate a moderator acted on ------------------------------------


@pytest.fixture
def moderated(author, moderator):
    """A debate whose "It is warm." a moderator hid, with a reply under it and one retracted."""
    motion = MotionFactory(title="Tea", claim="Tea is best.", author=author)
    warm = ArgumentFactory(motion=motion, claim="It is warm.", author=author, details="Warmly.")
    ArgumentFactory(motion=motion, parent=warm, stance="con", claim="Iced.", author=author)
    ArgumentFactory(motion=motion, claim="It is cheap.", author=author, visibility="retracted")
    moderation.hide_argument(moderator=moderator, argument=warm, reason="Off topic.")
    return motion


def assert_withdrawn_in_place(copy, member):
    """The copy's hidden claim is the member's own withdrawn placeholder, its reply in place."""
    assert not Argument.objects.filter(motion=copy, visibility="hidden").exists()
    withdrawn = Argument.objects.filter(motion=copy, visibility="retracted").order_by("pk")
    placeholder = withdrawn.get(replies__isnull=False)
    assert (placeholder.claim, placeholder.details, placeholder.quote) == ("[retracted]", "", "")
    assert (placeholder.source, placeholder.attribution, placeholder.hidden_reason) == (
        None,
        "",
        "",
    )
    assert placeholder.author == member and placeholder.parent is None
    assert Argument.objects.get(motion=copy, claim="Iced.").parent == placeholder
    assert withdrawn.count() == 2  # and the retracted one, as before


@pytest.mark.parametrize("download", ["export.argdown", "export.json"])
def test_a_member_imports_the_public_download_of_a_debate_a_moderator_acted_on(
    client, member, moderated, download
):
    text = Client().get(f"/motions/{moderated.slug}/{download}").content.decode()
    if download == "export.argdown":
        assert "\\[hidden by a moderator\\] {crux: " in text and 'status: "hidden"}' in text
    response = upload(client, member, text, "argdown" if download.endswith("argdown") else "json")
    assert response.status_code == 303, refusals(response)
    copy = Motion.objects.get(author=member)
    assert_withdrawn_in_place(copy, member)
    # Nothing in the copy reads as a moderator's act, and the member is told what became of it.
    said = [str(message) for message in client.get(copy.get_absolute_url()).context["messages"]]
    assert any(
        "hidden by a moderator where the file comes from; imported withdrawn" in m for m in said
    )


def test_the_api_imports_it_too_naming_the_line_of_each_hidden_claim(member, moderated):
    text = Client().get(f"/motions/{moderated.slug}/export.argdown").content.decode()
    line = next(n for n, row in enumerate(text.split("\n"), 1) if 'status: "hidden"' in row)
    response = api_import(member, text)
    assert response.status_code == 201, response.content
    assert (
        f"Line {line}: hidden by a moderator where the file comes from; imported withdrawn, "
        "reading “[retracted]” with no text, its replies in place (only this site's moderators "
        "hide claims)."
    ) in response.json()["warnings"]
    assert_withdrawn_in_place(Motion.objects.get(author=member), member)


def test_a_member_s_file_cannot_forge_a_hidden_claim_or_keep_its_words(member):
    argdown = (
        "[T]: Tea.\n"
        "  + [W]: Moderators censor this. {status: hidden, details: 'Hidden words.', "
        "source: 'A Book', source_url: 'https://example.org/b', quote: 'Quoted words.', "
        "by: 'Someone'}\n"
        "    - [R]: A reply.\n"
    )
    data = {
        "format": "crux-debate",
        "version": 1,
        "motion": {"slug": "tea", "title": "Tea", "claim": "Tea.", "votes": []},
        "sources": {"s1": {"title": "A Book", "url": "https://example.org/b"}},
        "arguments": [
            {
                "ref": "a1",
                "parent": None,
                "stance": "pro",
                "claim": "Moderators censor this.",
                "details": "Hidden words.",
                "source": "s1",
                "quote": "Quoted words.",
                "visibility": "hidden",
                "hidden_reason": "A reason nobody gave.",
                "votes": [],
                "revisions": [{"claim": "Earlier words.", "written_at": "2020-01-01T00:00:00Z"}],
            },
            {"ref": "a2", "parent": "a1", "stance": "con", "claim": "A reply.", "votes": []},
        ],
    }
    for text, format in ((argdown, "argdown"), (json.dumps(data), "json")):
        motion, _, warnings = import_text(text=text, format=format, author=member)
        placeholder = Argument.objects.get(motion=motion, replies__isnull=False)
        assert placeholder.visibility == "retracted" and placeholder.claim == "[retracted]"
        assert Argument.objects.get(motion=motion, claim="A reply.").parent == placeholder
        assert any("imported withdrawn" in warning for warning in warnings)
    # None of the words it was given is kept anywhere, nor the source only it cited.
    for words in ("censor", "Hidden words", "Quoted words", "Someone", "nobody gave"):
        assert not Argument.objects.filter(claim__contains=words).exists()
        assert not Argument.objects.filter(details__contains=words).exists()
        assert not Argument.objects.filter(quote__contains=words).exists()
        assert not Argument.objects.filter(attribution__contains=words).exists()
        assert not Argument.objects.filter(hidden_reason__contains=words).exists()
    assert not ArgumentRevision.objects.exists()
    assert not Source.objects.exists()


def test_a_hidden_motion_is_still_for_moderators_to_import(client, member, moderator):
    text = "[T]: Tea. {status: hidden}\n  + [W]: Warm."
    response = upload(client, member, text)
    assert response.status_code == 422
    assert refusals(response) == [
        "Not imported: This file marks its motion as hidden by a moderator (status: hidden), "
        "which only moderators may import: remove that mark and import again."
    ]
    assert not Motion.objects.exists()
    motion, _, _ = import_text(text=text, format="argdown", author=moderator)
    assert motion.visibility == "hidden"


def test_a_moderator_s_import_keeps_a_hidden_claim_hidden(moderator, moderated):
    text = Client().get(f"/motions/{moderated.slug}/export.argdown").content.decode()
    copy, _, warnings = import_text(text=text, format="argdown", author=moderator)
    assert Argument.objects.get(motion=copy, visibility="hidden").claim == "[hidden by a moderator]"
    assert not any("imported withdrawn" in warning for warning in warnings)


def test_the_member_s_copy_exports_and_imports_again_as_it_is(member, moderated):
    text = Client().get(f"/motions/{moderated.slug}/export.argdown").content.decode()
    copy, _, _ = import_text(text=text, format="argdown", author=member)
    exported = export_argdown(copy)
    again, _, warnings = import_text(text=exported, format="argdown", author=member)
    assert warnings == []
    assert normalised(export_argdown(again)) == normalised(exported)


# --- 2. A quote keeps its source ----------------------------------------------------------------

AIR = "NO₂ fell by “about a third”"


def test_an_address_without_a_title_is_cited_as_a_reply_cites_it(client, member):
    text = (
        "[T]: Cities should ban cars.\n"
        f'  + [Air]: Air got cleaner. {{source_url: "https://example.org/air?x=1&y=2", '
        f'quote: "{AIR}"}}\n'
    )
    response = upload(client, member, text)
    assert response.status_code == 303, refusals(response)
    air = Argument.objects.get(claim="Air got cleaner.")
    assert air.quote == AIR
    assert (air.source.url, air.source.title) == (
        "https://example.org/air?x=1&y=2",
        "example.org/air?x=1&y=2",
    )
    _, _, warnings = import_text(text=text, format="argdown", author=member)
    assert warnings == [
        "Line 2: 'source_url' without the source's title ('source'): the source is titled by "
        "its address, example.org/air?x=1&y=2, as one cited by typing it is."
    ]


def test_an_address_where_crux_holds_a_text_checks_the_quote_as_a_reply_would(member):
    held = SourceFactory(title="Air report", url="https://example.org/air")
    SourceText.objects.create(source=held, text="In 2020 NO₂ fell by about a third in town.")
    line = '  + [Air]: Air got cleaner. {{source_url: "https://example.org/air", quote: "{}"}}\n'
    with pytest.raises(ImportRefused, match=r"^Line 2: its quote 'Nobody wrote this' is not in"):
        import_text(
            text="[T]: Tea.\n" + line.format("Nobody wrote this"), format="argdown", author=member
        )
    assert not Motion.objects.exists()
    motion, _, _ = import_text(
        text="[T]: Tea.\n" + line.format("NO₂ fell by about a third"),
        format="argdown",
        author=member,
    )
    air = Argument.objects.get(motion=motion)
    assert air.source == held and air.quote_start is not None


def test_a_quote_whose_source_has_no_title_nor_address_is_refused_naming_the_line(client, member):
    text = "[T]: Tea.\n  + [W]: Warm. {source_author: Ann, quote: 'Warm words.'}\n"
    response = upload(client, member, text)
    assert response.status_code == 422
    assert refusals(response) == [
        "Not imported: Line 2: the 'quote' of [W] cites a source with neither a title "
        "('source') nor a web address ('source_url'): give the address the quote comes from."
    ]
    assert not Motion.objects.exists()
    assert "Warm words." in html.unescape(response.content.decode())  # nothing typed is lost


def test_details_of_a_source_with_no_title_nor_quote_are_still_left_out_with_a_warning(member):
    text = "[T]: Tea.\n  + [W]: Warm. {source_author: Ann}\n"
    motion, _, warnings = import_text(text=text, format="argdown", author=member)
    assert Argument.objects.get(motion=motion).source is None
    assert warnings == ["Line 2: source_author without the source's title ('source'), left out."]


def test_a_withheld_source_s_citation_keeps_its_quote_and_imports_again(member, moderator):
    """What Crux keeps of a citation of a source a moderator hid (its quote, no source) exports,
    and imports again: the site's own files always do."""
    motion = MotionFactory(title="Tea", claim="Tea is best.")
    book = SourceFactory(title="A book", url="https://example.org/book")
    ArgumentFactory(motion=motion, claim="It is warm.", source=book, quote="Warm words.")
    hide_source(moderator=moderator, source=book, reason="Spam.")
    text = Client().get(f"/motions/{motion.slug}/export.argdown").content.decode()
    copy, _, _ = import_text(text=text, format="argdown", author=member)
    warm = Argument.objects.get(motion=copy)
    assert (warm.source, warm.quote) == (None, "Warm words.")
    again, _, _ = import_text(text=export_argdown(copy), format="argdown", author=member)
    assert Argument.objects.get(motion=again).quote == "Warm words."


KIALO = """Discussion Title: Should cities ban cars?

1. Cities should ban cars.
1.1. Pro: Fewer cars mean cleaner air.
1.1.1. Pro: Asthma rates fall
where traffic falls.
1.2. Con: Shops lose customers who drive in.
1.2.1. Con: -> See 1.1.1.
"""


def test_a_kialo_link_is_the_claim_it_links_to_with_no_quote(member):
    motion, _, warnings = import_text(text=KIALO, format="kialo", author=member)
    asthma = Argument.objects.get(motion=motion, stance="pro", parent__isnull=False)
    link = Argument.objects.get(motion=motion, stance="con", parent__isnull=False)
    assert (link.claim, link.quote, link.source) == (asthma.claim, "", None)
    assert link.details == (
        f"The same claim as [this argument]({asthma.get_absolute_url()}), which Kialo links here."
    )
    assert warnings == []


# --- 3. A Kialo claim over several lines --------------------------------------------------------


def test_a_kialo_claim_over_several_lines_is_one_line_and_survives_a_round_trip(member):
    # Without the link, whose address leads into each copy (tests/test_interchange_links.py).
    unlinked = KIALO.replace("1.2.1. Con: -> See 1.1.1.\n", "")
    motion, _, _ = import_text(text=unlinked, format="kialo", author=member)
    assert Argument.objects.filter(motion=motion, claim="Asthma rates fall where traffic falls.")
    assert not Argument.objects.filter(motion=motion, claim__contains="\n").exists()
    exported = export_argdown(motion)
    again, _, _ = import_text(text=exported, format="argdown", author=member)
    assert normalised(export_argdown(again)) == normalised(exported)


def test_a_long_kialo_claim_keeps_its_lines_in_its_details(member):
    first, second = "a" * 300, "b" * 300
    text = f"1. Tea.\n1.1. Pro: {first}\n{second}\n"
    motion, _, warnings = import_text(text=text, format="kialo", author=member)
    long = Argument.objects.get(motion=motion)
    assert long.claim == f"{first} {second}"[: CLAIM_MAX_LENGTH - 1] + "…"
    assert long.details == f"{first}\\\n{second}"  # a Markdown line break: the lines as written
    assert warnings == [
        "Line 2: the claim has 601 characters, more than 500: shortened, and kept whole in its "
        "details."
    ]


# --- 4. An import counts the arguments it writes ------------------------------------------------


def argdown_of(n, title="Tea"):
    return f"[{title}]: {title} is best.\n" + "".join(
        f"  + [R{i}]: Reason {i}.\n" for i in range(n)
    )


@pytest.fixture
def frozen_clock(monkeypatch):
    """The middle of a day, so a test's attempts never straddle two windows."""
    now = (int(time.time()) // 86400) * 86400 + 43200.5
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=lambda: now))
    return now


def test_the_page_refuses_an_import_past_the_budget_before_writing_it(
    client, member, settings, frozen_clock
):
    settings.CRUX_RATE_LIMITS = {"import-arguments": "5/d/user"}
    assert upload(client, member, argdown_of(3, "Tea")).status_code == 303
    refused = upload(client, member, argdown_of(3, "Coffee"))
    assert refused.status_code == 429
    # It says what is left, so that a smaller file may go now, and the wait in hours.
    assert refusals(refused)[0] == (
        "This brings 3 arguments, and you may import 2 more now: import a smaller file, or "
        "wait about 12 hours, then try again."
    )
    assert int(refused["Retry-After"]) == 43200
    assert "Coffee is best." in html.unescape(refused.content.decode())  # kept in the form
    assert not Motion.objects.filter(title="Coffee").exists()
    # Refused, it cost nothing: what is left of the budget still takes a smaller file.
    assert upload(client, member, argdown_of(2, "Milk")).status_code == 303
    assert upload(client, member, argdown_of(1, "Sugar")).status_code == 429
    assert Argument.objects.count() == 5


def test_the_api_refuses_it_too_with_retry_after(member, settings, frozen_clock):
    settings.CRUX_RATE_LIMITS = {"import-arguments": "5/d/user"}
    assert api_import(member, argdown_of(5, "Tea")).status_code == 201
    refused = api_import(member, argdown_of(1, "Coffee"))
    body = assert_problem(refused, 429)
    assert body["detail"].startswith("You are doing that too often. Please wait about 12 hours")
    assert int(refused["Retry-After"]) == 43200
    assert Motion.objects.count() == 1 and Argument.objects.count() == 5


def test_a_file_refused_for_itself_costs_nothing(client, member, settings, frozen_clock):
    """Read first, then counted, then written: a file the reader refuses is never counted, and
    one the write refuses (a quote a text Crux holds lacks) gives its cost back."""
    settings.CRUX_RATE_LIMITS = {"import-arguments": "3/d/user"}
    assert upload(client, member, "  + [b]: orphan").status_code == 422
    held = SourceFactory(title="Air report", url="https://example.org/air")
    SourceText.objects.create(source=held, text="Words Crux holds.")
    unheld = (
        argdown_of(2) + '  + [Q]: Quoted. {source_url: "https://example.org/air", quote: "No."}\n'
    )
    assert upload(client, member, unheld).status_code == 422
    assert set(Counter.objects.values_list("hits", flat=True)) <= {0}
    assert upload(client, member, argdown_of(3)).status_code == 303


def test_an_import_refused_for_its_arguments_still_counts_as_a_motion(
    client, member, settings, frozen_clock
):
    settings.CRUX_RATE_LIMITS = {"motion": "1/d/user", "import-arguments": "1/d/user"}
    assert upload(client, member, argdown_of(2)).status_code == 429
    refused = upload(client, member, argdown_of(0, "Coffee"))
    assert refused.status_code == 429  # the motion it tried to make counted
    assert not Motion.objects.exists()


def test_moderators_are_counted_as_everyone_is(client, moderator, settings, frozen_clock):
    """No rate limit exempts anyone (config.ratelimit): a moderator's imports count too."""
    settings.CRUX_RATE_LIMITS = {"import-arguments": "2/d/user"}
    assert upload(client, moderator, argdown_of(2)).status_code == 303
    assert upload(client, moderator, argdown_of(1, "Coffee")).status_code == 429


def test_the_default_budget_takes_one_largest_import_but_not_a_second_at_once(frozen_clock):
    rates = parse_rates(django_settings.CRUX_RATE_LIMITS["import-arguments"])
    assert {rate.per for rate in rates} == {"user", "ip"}
    assert min(rate.amount for rate in rates) >= ARGUMENTS_MAX
    request = RequestFactory().post("/")
    request.user = UserFactory()
    with ratelimit.attempt(request, "import-arguments", cost=ARGUMENTS_MAX - 1):
        pass
    with pytest.raises(RateLimited), ratelimit.attempt(request, "import-arguments", cost=2):
        pass
    with ratelimit.attempt(request, "import-arguments", cost=1):  # what is left still fits
        pass


def test_an_attempt_with_no_cost_counts_nothing(settings):
    settings.CRUX_RATE_LIMITS = {"import-arguments": "1/d/user"}
    request = RequestFactory().post("/")
    request.user = UserFactory()
    with ratelimit.attempt(request, "import-arguments", cost=0):
        pass
    assert not Counter.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_imports_never_write_past_the_budget(settings, frozen_clock):
    settings.CRUX_RATE_LIMITS = {"import-arguments": "1000/d/user"}
    member = UserFactory()

    def attempt():
        request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.7")
        request.user = member
        try:
            with ratelimit.attempt(request, "import-arguments", cost=300):
                pass
        except RateLimited:
            return "refused"
        return "admitted"

    results, errors = run_at_once([attempt] * 10)

    assert errors == []
    admitted = results.count("admitted")
    # Exactly 3 where attempts run one at a time; never more, as each reads after adding.
    assert 1 <= admitted <= 3
    assert list(Counter.objects.values_list("hits", flat=True)) == [300 * admitted]
