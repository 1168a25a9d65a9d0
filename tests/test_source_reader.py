"""The source reader and its pages (issue 20): highlights by stance with overlaps, links both
ways, coverage, arguing from a passage, adding and hiding a source; constant queries."""

# The essay is typeset: its curly quotes are what these tests find.
# ruff: noqa: RUF001

import re

import pytest
from django.test.client import BOUNDARY, encode_multipart
from django.urls import reverse
from django.utils.html import escape

from debates import services, source_queries, sources
from debates.models import (
    QUOTE_MAX_LENGTH,
    SOURCE_TEXT_MAX_LENGTH,
    Argument,
    ModerationAction,
    Motion,
    Source,
    Stance,
)
from tests.factories import MotionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def essay(seeded):
    return Source.objects.get(seed_key="saradzhyan-essay")


def _reader(client, source):
    response = client.get(reverse("source", args=[source.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _marked(html, fragment):
    """The text of the segments the reader marks for a passage."""
    pattern = (
        r'<a class="passage[^"]*"\s+href="[^"]*"\s+aria-label="[^"]*"\s+data-start="\d+"\s+'
        rf'data-passages="[^"]*\b{fragment}\b[^"]*">([^<]*)</a>'
    )
    return "".join(re.findall(pattern, html))


def test_the_essay_reads_with_every_seeded_passage_marked_in_its_stances_colour(client, essay):
    html = _reader(client, essay)
    anchored = Argument.objects.filter(source=essay)
    for argument in anchored:
        assert f'id="{argument.passage_fragment}"' in html
        assert _marked(html, argument.passage_fragment), argument.passage_fragment
    assert "passage--pro" in html and "passage--con" in html
    assert 'class="reader__paragraph"' in html


def test_the_margin_says_what_each_pro_or_con_is_of_and_keeps_its_pilcrow_with_it(client, essay):
    html = _reader(client, essay)
    top = Argument.objects.filter(source=essay, parent=None).order_by("pk").first()
    reply = Argument.objects.filter(source=essay, parent__isnull=False).order_by("pk").first()
    for argument, what in ((top, "on"), (reply, "reply in")):
        title = escape(argument.motion.title)
        short = escape(
            argument.motion.title[:39] + "…"
            if len(argument.motion.title) > 40
            else argument.motion.title
        )
        assert f'<span class="stance-of__what">{what} “<bdi>{short}</bdi>”</span>' in html, (
            argument.pk
        )
        assert f"in “{title}”" in html
    # The ¶ follows the claim's last word with no break allowed between them.
    assert '</a>&nbsp;<a class="reader__to-passage"' in html
    assert re.search(r'</a>\s+<a class="reader__to-passage"', html) is None


def test_each_highlight_links_its_argument_and_the_argument_links_back(client, essay):
    argument = Argument.objects.filter(source=essay).order_by("pk").first()
    html = _reader(client, essay)
    assert f'href="{argument.get_absolute_url()}"' in html
    permalink = client.get(argument.get_absolute_url()).content.decode()
    assert f'href="/sources/{essay.pk}/#{argument.passage_fragment}"' in permalink


def test_overlapping_passages_split_into_segments_of_both_stances(essay, member):
    text = sources.text_of(essay)
    motion = Motion.objects.get(slug="strategic-solitude")
    start = text.index("Trenin infers from these responses")
    for stance, (left, right) in ((Stance.PRO, (0, 60)), (Stance.CON, (30, 90))):
        services.post_argument(
            author=member,
            motion=motion,
            parent=None,
            stance=stance,
            claim=f"A {stance} reading.",
            source=essay,
            # A selection in the reader: its offsets, which may fall within words.
            quote=text[start + left : start + right],
            quote_start=start + left,
            quote_end=start + right,
        )
    reading = source_queries.reading(essay)
    both = [
        segment
        for paragraph in reading.paragraphs
        for segment in paragraph.segments
        if segment.stances == ["con", "pro"] and segment.start >= start
    ]
    assert both and both[0].start == start + 30
    for paragraph in reading.paragraphs:
        assert "".join(segment.text for segment in paragraph.segments) == paragraph.text


def test_coverage_counts_argued_paragraphs_and_lists_the_rest(client, essay):
    reading = source_queries.reading(essay)
    total = len(reading.paragraphs)
    assert 0 < reading.argued_count < total
    assert len(reading.unargued) == total - reading.argued_count
    html = _reader(client, essay)
    assert f"<strong>{reading.coverage_percent}%</strong>" in html
    assert f'max="{total}" value="{reading.argued_count}"' in html
    assert "Passages nobody has argued yet" in html


def test_hidden_and_retracted_arguments_highlight_nothing(client, essay, moderator):
    from debates import moderation

    hidden, retracted = Argument.objects.filter(source=essay).order_by("pk")[:2]
    moderation.hide_argument(moderator=moderator, argument=hidden, reason="Test.")
    Argument.objects.filter(pk=retracted.pk).update(visibility="retracted")
    html = _reader(client, essay)
    for argument in (hidden, retracted):
        assert f'id="{argument.passage_fragment}"' not in html
        assert not _marked(html, argument.passage_fragment)
    client.force_login(moderator)
    assert f'id="{hidden.passage_fragment}"' not in _reader(client, essay)


def test_the_reader_costs_constant_queries_however_many_claims_cite_it(
    client, essay, member, django_assert_num_queries
):
    # The source with its text, the arguments (with their motions), the motions.
    with django_assert_num_queries(3):
        client.get(reverse("source", args=[essay.pk]))
    motion = Motion.objects.get(slug="strategic-solitude")
    text = sources.text_of(essay)
    for n in range(20):
        services.post_argument(
            author=member,
            motion=motion,
            parent=None,
            stance=Stance.PRO,
            claim=f"Point {n}.",
            source=essay,
            # The whole words of 40 characters of the text, as a member would type them.
            quote=" ".join(text[100 + n * 40 : 140 + n * 40].split()[1:-1]),
        )
    with django_assert_num_queries(3):
        client.get(reverse("source", args=[essay.pk]))


def test_the_live_reload_of_the_reader_is_the_same_templates_partial(client, essay):
    url = reverse("source", args=[essay.pk]) + "?part=body"
    part = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert part.lstrip().startswith('<div class="reader" id="reader-body"')
    assert "<html" not in part
    assert part.strip() in _reader(client, essay)


def _refresh_url(client, source) -> str:
    """Where the reader's page asks for its body afresh, as the page was drawn."""
    address = re.search(r'hx-get="([^"]*part=body[^"]*)"', _reader(client, source))[1]
    return address.replace("&amp;", "&")


def test_the_live_refresh_of_a_source_hidden_since_reloads_the_page(client, essay, moderator):
    """A reader open when a moderator hides the source gets what a reload shows, not a body
    with no text in it; so does one who may still read it (the page around the body says it is
    hidden now); a page drawn since gets the body."""
    url = _refresh_url(client, essay)
    sources.hide_source(moderator=moderator, source=essay, reason="Copyright.")
    response = client.get(url, headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"
    assert b"reader-body" not in response.content
    client.force_login(moderator)
    assert client.get(url, headers={"HX-Request": "true"})["HX-Refresh"] == "true"
    part = client.get(_refresh_url(client, essay), headers={"HX-Request": "true"})
    assert not part.has_header("HX-Refresh")
    assert 'id="reader-body" data-argue-url=""' in part.content.decode()


def test_a_source_without_text_lists_its_claims_and_free_quotes(client, seeded):
    trenin = Source.objects.get(seed_key="trenin-article")
    # The seed quotes Trenin only as the essay reports him: those quotes are the essay's.
    assert "No argument cites it yet." in _reader(client, trenin)
    quote = "Words Trenin may have written somewhere."
    motion = MotionFactory(claim="Russia is on its own now.", source=trenin, quote=quote)
    html = _reader(client, trenin)
    assert "does not hold this source’s text" in html
    assert "reader-body" not in html
    assert escape(motion.claim) in html and escape(quote) in html


# --- Arguing from a passage --------------------------------------------------------------------


def test_argue_from_a_selection_posts_an_exact_anchor_and_returns_to_the_passage(
    client, essay, member
):
    text = sources.text_of(essay)
    start = text.index("Moscow’s decision not to intervene")
    end = text.index(".", start) + 1
    client.force_login(member)
    url = reverse("argue_from_passage", args=[essay.pk])
    form = client.get(url, {"start": start, "end": end}).content.decode()
    assert text[start:end] in form.replace("&#x27;", "'").replace("&#x2019;", "’")
    before = source_queries.reading(essay).argued_count
    response = client.post(
        url,
        {
            "motion": "strategic-solitude",
            "stance": "con",
            "claim": "Trade ties weighed more than solitude.",
            "details": "",
            "quote": text[start:end],
            "quote_start": start,
            "quote_end": end,
            "submission_key": "6f1c3c1e-6f45-4f7a-9a3c-2b1d7c6a0e11",
        },
    )
    argument = Argument.objects.get(author=member)
    assert response.status_code == 303
    assert response["Location"] == argument.passage_url
    assert (argument.quote_start, argument.quote_end, argument.anchor) == (start, end, "exact")
    assert source_queries.reading(essay).argued_count >= before


@pytest.mark.parametrize("writer", ["member", "adder"])
def test_a_source_hidden_while_one_writes_from_it_refuses_the_post_keeping_what_was_typed(
    client, essay, member, moderator, writer
):
    """Not a 404 that loses the claim; and the page names the hidden source to nobody it hid
    it from (its adder reads it still)."""
    text = sources.text_of(essay)
    start = text.index("Moscow’s decision not to intervene")
    end = text.index(".", start) + 1
    if writer == "adder":
        Source.objects.filter(pk=essay.pk).update(added_by=member)
    client.force_login(member)
    url = reverse("argue_from_passage", args=[essay.pk])
    assert client.get(url, {"start": start, "end": end}).status_code == 200
    sources.hide_source(moderator=moderator, source=essay, reason="Copyright.")
    sent = {
        "motion": "strategic-solitude",
        "stance": "con",
        "claim": "Trade ties weighed more than solitude.",
        "details": "Kept, every word of it.",
        "quote": text[start:end],
        "quote_start": start,
        "quote_end": end,
        "submission_key": "6f1c3c1e-6f45-4f7a-9a3c-2b1d7c6a0e12",
    }
    response = client.post(url, sent)
    page = response.content.decode()
    assert response.status_code == 409
    assert "A moderator has hidden this source" in page and page.count('role="alert"') == 1
    assert "Trade ties weighed more than solitude." in page and "Kept, every word of it." in page
    assert (
        ("<cite><bdi>" + escape(essay.title)) in page
        if writer == "adder"
        else essay.title not in page
    )
    assert "Post the argument" not in page
    assert not Argument.objects.filter(author=member).exists()
    if writer == "member":
        assert client.get(url).status_code == 404  # nothing to start from, once hidden


def test_a_quote_not_in_the_source_is_refused_with_422_keeping_what_was_typed(
    client, essay, member
):
    client.force_login(member)
    response = client.post(
        reverse("argue_from_passage", args=[essay.pk]),
        {
            "motion": "strategic-solitude",
            "stance": "pro",
            "claim": "My carefully typed claim.",
            "quote": "Words the essay never says at all, anywhere.",
            "submission_key": "6f1c3c1e-6f45-4f7a-9a3c-2b1d7c6a0e12",
        },
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "This quote is not in the source" in html
    assert "My carefully typed claim." in html
    assert "Words the essay never says at all, anywhere." in html
    assert not Argument.objects.filter(author=member).exists()


def test_a_passage_over_the_limit_says_by_how_much_and_is_kept_whole(client, essay, member):
    """The passage box counts to the limit the server keeps, and never cuts what was pasted."""
    client.force_login(member)
    url = reverse("argue_from_passage", args=[essay.pk])
    box = client.get(url).content.decode()
    assert 'data-limit="1000"' in box and 'maxlength="4000"' not in box
    long = "x" * 1500
    response = client.post(
        url,
        {"motion": "strategic-solitude", "stance": "pro", "claim": "Mine.", "quote": long},
    )
    assert response.status_code == 422
    assert "500 characters over the limit of 1,000." in response.content.decode()
    assert long.strip() in response.content.decode()
    # A passage over paragraphs, posted with a browser's CRLF line breaks, counts each as one.
    across = "\r\n\r\n".join(["x" * 248] * 4)
    answer = client.post(
        url,
        {"motion": "strategic-solitude", "stance": "pro", "claim": "Mine.", "quote": across},
    )
    assert "over the limit" not in answer.content.decode()


def test_without_javascript_each_paragraph_offers_to_argue_from_it(client, essay, member):
    client.force_login(member)
    html = _reader(client, essay)
    paragraph = source_queries.reading(essay).paragraphs[4]
    link = f"/sources/{essay.pk}/argue/?start={paragraph.start}&amp;end={paragraph.end}"
    assert link in html
    anonymous = _reader(client.__class__(), essay)
    assert "Argue from this paragraph" not in anonymous


def test_a_paragraph_over_the_quote_limit_says_so_when_the_form_opens(client, essay, member):
    """Without JavaScript a paragraph is the passage: one longer than a quote may be opens the
    form with it whole in the field, to be cut, and says by the field that it must be."""
    client.force_login(member)
    url = reverse("argue_from_passage", args=[essay.pk])
    paragraphs = source_queries.reading(essay).paragraphs
    long = next(p for p in paragraphs if len(p.text) > QUOTE_MAX_LENGTH)
    response = client.get(url, {"start": long.start, "end": long.end})
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].initial["quote"] == long.text
    notice = (
        f"This passage is {len(long.text):,} characters; a quote may have "
        f"{QUOTE_MAX_LENGTH:,} at most. Shorten it to the words you argue from."
    )
    assert f'<p class="notice notice--warning" id="id_quote_too_long">{notice}</p>' in html
    field = re.search(r"<textarea[^>]*name=\"quote\"[^>]*>", html).group()
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_quote_helptext id_quote_too_long"' in field

    short = next(p for p in paragraphs if len(p.text) <= QUOTE_MAX_LENGTH)
    html = client.get(url, {"start": short.start, "end": short.end}).content.decode()
    field = re.search(r"<textarea[^>]*name=\"quote\"[^>]*>", html).group()
    assert "too_long" not in html and "aria-invalid" not in field


def test_offsets_that_make_no_passage_leave_the_quote_empty(client, essay, member):
    client.force_login(member)
    url = reverse("argue_from_passage", args=[essay.pk])
    for query in (
        {"start": "5", "end": "2"},
        {"start": "x"},
        {"start": "²", "end": "9"},
        {"start": "1" * 5000, "end": "2" * 5000},  # past int()'s digit limit
    ):
        response = client.get(url, query)
        assert response.status_code == 200
        assert response.context["form"].initial.get("quote") is None


# --- Adding and hiding sources ----------------------------------------------------------------


def test_a_member_adds_a_source_and_reads_it(client, member):
    client.force_login(member)
    response = client.post(
        reverse("add_source"),
        {"title": "On quotes", "author": "A. Writer", "text": "First.\r\n\r\nSecond."},
    )
    source = Source.objects.get(title="On quotes")
    assert response.status_code == 303 and response["Location"] == source.get_absolute_url()
    html = _reader(client, source)
    assert html.count('class="reader__row') == 2
    assert source in client.get(reverse("sources")).context["sources"]


def test_a_text_at_the_limit_in_any_script_fits_in_one_request(client, member, settings):
    """The form posts multipart: urlencoded, a Cyrillic text of 200,000 characters took 2.4 MB
    and was refused (413) by the request limit before Crux could read it."""
    client.force_login(member)
    form = re.search(r'<form class="argument-form"[^>]*>', client.get(reverse("add_source")).text)
    assert 'enctype="multipart/form-data"' in form[0]
    for letter in ("Ж", "語", "😀"):
        fields = {"title": "At the limit", "text": letter * SOURCE_TEXT_MAX_LENGTH}
        body = encode_multipart(BOUNDARY, fields)
        assert len(body) < settings.REQUEST_BODY_MAX_BYTES, letter
    response = client.post(reverse("add_source"), {"title": "Ж", "text": "Ж" * 199_000})
    assert response.status_code == 303


def test_adding_a_source_is_rate_limited(client, member, settings):
    settings.CRUX_RATE_LIMITS = {**settings.CRUX_RATE_LIMITS, "source": "1/m/user"}
    client.force_login(member)
    data = {"title": "Once", "text": "Text."}
    assert client.post(reverse("add_source"), data).status_code == 303
    response = client.post(reverse("add_source"), {"title": "Twice", "text": "Kept text."})
    assert response.status_code == 429
    assert "Kept text." in response.content.decode()


def test_a_moderator_hides_a_source_logged_and_the_public_reads_no_text(
    client, essay, moderator, member
):
    client.force_login(moderator)
    response = client.post(reverse("hide_source", args=[essay.pk]), {"reason": "Copyright."})
    assert response.status_code == 303
    entry = ModerationAction.objects.get(source=essay)
    assert (entry.action, entry.reason, entry.target_type) == ("hide", "Copyright.", "source")
    client.logout()
    html = _reader(client, essay)
    assert "hidden by a moderator" in html and "reader__paragraph" not in html
    client.force_login(member)
    response = client.get(reverse("argue_from_passage", args=[essay.pk]))
    assert response.status_code == 404
    client.force_login(moderator)
    html = _reader(client, essay)
    assert "reader__paragraph" in html
    assert "Argue from this paragraph" not in html  # no argument may quote it while hidden
    client.post(reverse("restore_source", args=[essay.pk]), {"reason": "Cleared."})
    assert Source.objects.get(pk=essay.pk).visibility == "visible"


def test_only_moderators_hide_sources(client, essay, member):
    client.force_login(member)
    response = client.post(reverse("hide_source", args=[essay.pk]), {"reason": "Mine."})
    assert response.status_code == 403
    assert Source.objects.get(pk=essay.pk).visibility == "visible"


def test_a_motion_quoting_a_source_with_text_marks_its_passage_too(client, member):
    source = sources.add_source(adder=member, title="T", text="Alpha beta gamma.\n\nDelta epsilon.")
    motion = MotionFactory(source=source, quote="Delta", **sources.anchored(source, "Delta"))
    html = _reader(client, source)
    assert f'id="{motion.passage_fragment}"' in html
    assert "passage--motion" in html


def test_the_sitemap_lists_the_readers_of_shown_sources_with_text(client, seeded):
    essay = Source.objects.get(seed_key="saradzhyan-essay")
    trenin = Source.objects.get(seed_key="trenin-article")
    comment = Source.objects.get(seed_key="reader-comment")
    Source.objects.filter(pk=comment.pk).update(visibility="hidden")
    xml = client.get("/sitemap-sources.xml").content.decode()
    assert f"/sources/{essay.pk}/</loc>" in xml
    assert f"/sources/{trenin.pk}/</loc>" not in xml
    assert f"/sources/{comment.pk}/</loc>" not in xml


def test_a_quote_selected_across_lines_is_exact_though_the_form_sends_crlf(client, essay, member):
    text = sources.text_of(essay)
    start = text.index("\n\n") - 20
    end = text.index("\n\n") + 22
    client.force_login(member)
    client.post(
        reverse("argue_from_passage", args=[essay.pk]),
        {
            "motion": "strategic-solitude",
            "stance": "con",
            "claim": "Across two paragraphs.",
            "quote": text[start:end].replace("\n", "\r\n"),
            "quote_start": start,
            "quote_end": end,
            "submission_key": "6f1c3c1e-6f45-4f7a-9a3c-2b1d7c6a0e13",
        },
    )
    argument = Argument.objects.get(author=member)
    assert (argument.anchor, argument.quote) == ("exact", text[start:end].strip())
