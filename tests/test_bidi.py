"""Right-to-left text people wrote (Arabic, Hebrew) is isolated from the house's English.

Every piece of it sits in an isolate, a <bdi> or an element with dir="auto", whose direction its
own first letter decides; inside rendered Markdown, each paragraph, item or heading is one too
(crux.css gives them `unicode-bidi: plaintext`). Without that, a right-to-left name or title
drags the digits and punctuation beside it into its own run: "on <title> · 28 Nov 2026" reads
"on 28 · <title> Nov 2026", a Hebrew "פרטים: NATO" puts its colon on the wrong side. The page's
own direction stays left to right.
"""

import unicodedata
from datetime import date
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from analysis import services as analysis_services
from debates import services
from debates.models import Argument
from debates.sources import add_source
from debates.templatetags import text_tags
from notifications.templatetags import mail_tags
from tests.factories import MotionFactory, verified_user
from tests.test_analysis_pages import plant_debate

pytestmark = pytest.mark.django_db

AMINA = "أمينة الحسيني"
DANA = "דנה לוי"
TITLE = "هل انتهت الحرب؟"
MOTION_CLAIM = "لم تنته الحرب بعد (2020)."
CLAIM = "القتال مستمر في الشمال منذ 2020."
DETAILS_LINE = "פרטים: NATO & OSCE"
REPLY = "המלחמה הסתיימה בשנת 2023."
SOURCE_TITLE = "العزلة الاستراتيجية (2020)"
PUBLISHER = "دار الشروق"
QUOTED = "الفقرة الأولى عن القتال في الشمال."
UNARGUED = "فقرة ثالثة لم يناقشها أحد بعد."
BIO = "כותבת על המלחמה."

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip
# Text a browser does not lay out in the page's lines, or that a form control holds (their
# widgets are debates.forms' to mark).
UNLAID = {"head", "script", "style", "template", "title", "option", "textarea"}
# In rendered Markdown each of these is a paragraph with a direction of its own (crux.css).
PROSE_PARAGRAPHS = {"p", "li", "h3", "h4", "h5", "h6", "pre"}


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    @property
    def classes(self):
        return (self.attrs.get("class") or "").split()

    def ancestors(self):
        element = self
        while element is not None:
            yield element
            element = element.parent


class Tree(HTMLParser):
    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.root = self.open = Element("#document", {}, None)
        self.texts = []  # (text, the element holding it)
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.open)
        self.open.children.append(element)
        if tag not in VOID:
            self.open = element

    def handle_startendtag(self, tag, attrs):
        self.open.children.append(Element(tag, attrs, self.open))

    def handle_endtag(self, tag):
        for element in self.open.ancestors():
            if element.tag == tag:
                self.open = element.parent
                return

    def handle_data(self, data):
        self.open.children.append(data)
        self.texts.append((data, self.open))


def first_strong(element):
    """The bidi class of the first strong letter that decides `element`'s direction under
    dir="auto" (HTML's rules: what an inner isolate or a dir attribute holds does not count)."""
    for child in element.children:
        if isinstance(child, str):
            for character in child:
                if unicodedata.bidirectional(character) in ("L", "R", "AL"):
                    return unicodedata.bidirectional(character)
        elif child.tag != "bdi" and "dir" not in child.attrs and child.tag not in UNLAID:
            found = first_strong(child)
            if found:
                return found
    return None


def isolate_of(element):
    """The nearest element that gives the text in `element` a direction of its own."""
    for above in element.ancestors():
        if above.tag == "bdi" or above.attrs.get("dir") == "auto":
            return above
        if above.tag in PROSE_PARAGRAPHS and any("prose" in a.classes for a in above.ancestors()):
            return above
    return None


def right_to_left(text):
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def laid_out(element):
    return not any(above.tag in UNLAID for above in element.ancestors())


def unisolated(html):
    """Each right-to-left text of the page that no isolate holds, or whose isolate takes its
    direction from something else (the house's words before it): what the page gets wrong."""
    tree = Tree(html)
    wrong = []
    for text, element in tree.texts:
        if not right_to_left(text) or not laid_out(element):
            continue
        isolate = isolate_of(element)
        if isolate is None:
            wrong.append(("no isolate", text.strip(), element.tag, element.classes))
        elif isolate.tag in PROSE_PARAGRAPHS and isolate.attrs.get("dir") != "auto":
            # A paragraph of Markdown: `unicode-bidi: plaintext` takes its first strong letter.
            if first_strong(isolate) == "L":
                wrong.append(("left to right", text.strip(), isolate.tag, isolate.classes))
        elif first_strong(isolate) not in ("R", "AL"):
            wrong.append(("left to right", text.strip(), isolate.tag, isolate.classes))
    return wrong


def texts_of(html):
    return " ".join(text for text, element in Tree(html).texts if laid_out(element))


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert '<html lang="en">' in html  # the house's own direction is left alone
    return html


def assert_isolated(html, *shown):
    """`shown` (what people wrote) is on the page, and every right-to-left text is isolated."""
    laid = texts_of(html)
    for text in shown:
        assert text in laid, text
    assert unisolated(html) == []


@pytest.fixture
def rtl(django_capture_on_commit_callbacks, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    amina = verified_user(display_name=AMINA)
    amina.bio = f"{BIO}\nAlso in English."
    amina.save()
    dana = verified_user(display_name=DANA)
    source = add_source(
        adder=amina,
        title=SOURCE_TITLE,
        author=AMINA,
        publisher=PUBLISHER,
        published_on=date(2020, 11, 28),
        text=f"{QUOTED}\n\nA second paragraph, in English.\n\n{UNARGUED}",
    )
    motion = MotionFactory(slug="rtl", title=TITLE, claim=MOTION_CLAIM, author=amina)
    with django_capture_on_commit_callbacks(execute=True):
        top, _ = services.post_argument(
            author=amina,
            motion=motion,
            parent=None,
            stance="pro",
            claim=CLAIM,
            details=f"{DETAILS_LINE}\n\nA second paragraph, in English.",
            source=source,
            quote=QUOTED,
        )
        reply, _ = services.post_argument(
            author=dana, motion=motion, parent=top, stance="con", claim=REPLY
        )
    return {"amina": amina, "dana": dana, "source": source, "motion": motion, "top": top,
            "reply": reply}  # fmt: skip


def test_the_motion_page_isolates_titles_claims_details_quotes_and_names(client, rtl):
    html = page(client, rtl["motion"].get_absolute_url())
    assert_isolated(html, TITLE, MOTION_CLAIM, CLAIM, DETAILS_LINE, QUOTED, REPLY, AMINA, DANA)


def test_the_argument_permalink_isolates_the_claim_it_answers_and_the_trail(client, rtl):
    html = page(client, rtl["reply"].get_absolute_url())
    assert_isolated(html, TITLE, CLAIM, REPLY, DANA)


def test_the_profile_isolates_the_name_the_bio_and_each_argument_s_motion(client, rtl):
    html = page(client, reverse("profile", args=[rtl["amina"].pk]))
    assert_isolated(html, AMINA, BIO, TITLE, CLAIM)


def test_the_search_results_isolate_claims_titles_excerpts_and_bylines(client, rtl):
    html = page(client, reverse("search") + "?q=الحرب")
    assert "search-hit" in html
    assert_isolated(html, "هل انتهت", AMINA)
    html = page(client, reverse("search") + f"?author={DANA}")
    assert_isolated(html, REPLY, DANA, TITLE)


def test_the_source_reader_isolates_its_head_paragraphs_and_margin(client, rtl):
    html = page(client, rtl["source"].get_absolute_url())
    assert_isolated(html, SOURCE_TITLE, AMINA, PUBLISHER, QUOTED, UNARGUED, CLAIM, TITLE)


def test_the_notifications_isolate_who_wrote_what_and_where(client, rtl):
    client.force_login(rtl["amina"])
    html = page(client, reverse("notifications"))
    assert_isolated(html, DANA, REPLY, TITLE, AMINA)


def test_the_analysis_page_isolates_the_claims_it_lists(client):
    motion, args, _ = plant_debate(slug="rtl-analysis")
    motion.title = TITLE
    motion.save(update_fields=["title"])
    for number, argument in enumerate(args.values()):
        Argument.objects.filter(pk=argument.pk).update(claim=f"حجة رقم {number}: NATO.")
    analysis_services.refresh(motion_id=motion.pk)
    html = page(client, reverse("analysis", args=[motion.slug]))
    assert_isolated(html, TITLE, "حجة رقم")


def test_the_check_finds_right_to_left_text_left_in_the_house_s_direction():
    """What the tests above rely on: text outside an isolate, or in one that the house's words
    start, is found; an isolate of its own, or a Markdown paragraph, passes."""
    assert unisolated(f"<p>on {TITLE} · 28 Nov 2026</p>")
    assert unisolated(f'<p dir="auto">on {TITLE} · 28 Nov 2026</p>')
    assert unisolated(f'<div class="prose"><p>Note: {DETAILS_LINE}</p></div>')
    assert unisolated(f"<p>on <bdi>{TITLE}</bdi> · 28 Nov 2026</p>") == []
    assert unisolated(f'<p dir="auto">{CLAIM} <span dir="ltr">Hidden</span></p>') == []
    assert unisolated(f'<div class="prose" dir="auto"><p>Hi.</p><p>{DETAILS_LINE}</p></div>') == []
    assert unisolated(f"<select><option>{TITLE}</option></select>") == []


class _Boxes(HTMLParser):
    """The boxes a person types words into (not an address, a password, a number or a date)."""

    WORDLESS = {"email", "password", "url", "number", "date", "hidden", "checkbox", "radio",
                "submit", "file"}  # fmt: skip

    def __init__(self):
        super().__init__()
        self.boxes = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "textarea" or (tag == "input" and attrs.get("type", "text") not in self.WORDLESS):
            self.boxes.append(attrs)


def test_every_box_for_words_takes_the_direction_of_what_is_typed(client, rtl):
    """The walk: an Arabic claim typed into a box laid out left to right starts at the wrong edge
    and its punctuation lands on the wrong side."""
    client.force_login(rtl["amina"])
    motion, top = rtl["motion"], rtl["top"]
    urls = [
        reverse("propose_motion"),
        reverse("reply_motion", args=[motion.slug]),
        reverse("reply", args=[motion.slug, top.pk]),
        reverse("flag_argument", args=[motion.slug, rtl["reply"].pk]),
        reverse("add_source"),
        reverse("profile_edit"),
        reverse("search"),
    ]
    for url in urls:
        parser = _Boxes()
        parser.feed(client.get(url).content.decode())
        named = [box.get("name") for box in parser.boxes]
        assert named, url
        undirected = [box.get("name") for box in parser.boxes if box.get("dir") != "auto"]
        assert undirected == [], url


@pytest.mark.parametrize(
    ("reason", "clause"),
    [
        ("بريد مزعج", ": <bdi>بريد مزعج</bdi>."),
        ("Spam & scams!", ": <bdi>Spam &amp; scams!</bdi>"),
        ("  ", "."),
    ],
)
def test_a_moderators_reason_is_isolated_in_a_notice(reason, clause):
    """ "Hidden by a moderator: <reason>." keeps its colon and stop where English puts them."""
    assert text_tags.reason_clause(reason) == clause
    # A plain-text mail has no markup to isolate it with: the words as written.
    plain = mail_tags.reason_clause(reason, autoescape=False)
    assert plain == clause.replace("<bdi>", "").replace("</bdi>", "").replace("&amp;", "&")
