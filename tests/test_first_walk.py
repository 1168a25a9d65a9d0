"""Rough edges a first-time researcher met walking the site: the permalink's order of replies
read as ordering the claim above it, the Your-cruxes line offered a comparison that was not
there, and the flag form looked and behaved unlike the reply form."""

import re

import pytest
from django.urls import reverse

from analysis.models import MotionAnalysis
from tests.factories import ArgumentFactory, MotionFactory, verified_user
from tests.test_analysis_pages import analysed
from tests.test_form_semantics import Page

pytestmark = pytest.mark.django_db


# --- The permalink's order of replies ------------------------------------------------------------


def sort_bar(html):
    (bar,) = re.findall(r'<nav class="sort[^"]*" aria-label="([^"]*)">\s*(.*?)</nav>', html, re.S)
    label, inside = bar
    return label, " ".join(re.sub(r"<[^>]+>", " ", inside).split())


def test_the_permalink_s_order_bar_stands_over_its_replies_not_over_what_it_answers(client):
    root = ArgumentFactory(claim="Root")
    argument = ArgumentFactory(motion=root.motion, parent=root, claim="The focus")
    ArgumentFactory(motion=root.motion, parent=argument, claim="A reply")

    html = client.get(argument.get_absolute_url(), {"sort": "newest"}).content.decode()

    # After the claim it answers and its heading, at the head of the argument and its replies.
    answered = html.index('<figure class="answered">')
    heading = html.index('<h1 class="visually-hidden">')
    bar = html.index('<nav class="sort')
    tree = html.index('<ol class="tree tree--focus">')
    assert answered < heading < bar < tree
    assert "</nav>" in html[bar:tree] and "<" not in html[bar:tree].split("</nav>", 1)[1].strip()
    # Named for whose replies it orders, to the eye and to a screen reader.
    label, text = sort_bar(html)
    assert label == "Order of the replies to this argument"
    assert text.startswith("Replies to this argument, by Best Newest Oldest")
    # Still plain links: the page is reloaded in its new order, JavaScript or not.
    assert 'href="?sort=oldest"' in html and 'hx-get="?sort=' not in html


def test_the_shared_subtree_holds_no_order_bar(client):
    """The subtree is what "Continue this thread" swaps into the motion's page, where a bar of
    links relative to the page's address would order the wrong page."""
    argument = ArgumentFactory()
    ArgumentFactory(motion=argument.motion, parent=argument)

    html = client.get(argument.get_absolute_url(), headers={"HX-Request": "true"}).content
    assert b'class="sort' not in html


def test_a_permalink_without_replies_has_no_order_bar(client):
    html = client.get(ArgumentFactory().get_absolute_url()).content.decode()
    assert 'class="sort' not in html


def test_the_motion_s_own_bar_orders_its_replies_in_place_as_before(client):
    motion = MotionFactory()
    ArgumentFactory(motion=motion)

    html = client.get(motion.get_absolute_url()).content.decode()

    label, text = sort_bar(html)
    assert label == "Order of replies" and text.startswith("Replies by Best")
    assert 'hx-get="?sort=newest" hx-target="#debate-tree"' in html


# --- Your cruxes: whom to compare with -----------------------------------------------------------


def personal(client, motion, **params):
    html = client.get(reverse("analysis", args=[motion.slug]), params).content.decode()
    return html.split('id="personal-cruxes"')[1].split("</section>")[0]


def compare_line(section):
    found = re.search(r'<p class="muted" id="personal-compare">(.*?)</p>', section, re.S)
    return found and " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split())


def test_without_opinion_groups_no_comparison_is_offered(client):
    motion, _, camps = analysed(camp_size=1)
    assert not MotionAnalysis.objects.get(motion=motion).result["groups"]
    client.force_login(camps[0][0])

    section = personal(client, motion)

    assert "Where your votes differ most from those who voted the other way on the motion." in (
        section
    )
    assert compare_line(section) is None
    assert "Compare" not in section and "the other side" not in section


def test_with_groups_the_other_comparisons_are_offered_and_her_own_group_named(client):
    motion, _, camps = analysed()
    her = camps[0][0]
    groups = MotionAnalysis.objects.get(motion=motion).result["groups"]
    own = next(g["id"] for g in groups if her.pk in g["members"])
    other = next(g["id"] for g in groups if g["id"] != own)
    client.force_login(her)
    named = {own: f"group {own + 1} (yours)", other: f"group {other + 1}"}

    against_side = personal(client, motion)
    # Everyone she could compare herself with instead, and not the comparison shown.
    assert compare_line(against_side) == (
        f"Compare yourself instead with: {', '.join(named[g['id']] for g in groups)}."
    )
    # Named by its number, as ?group= and every label name it.
    assert f'<a href="?against={own + 1}#personal-cruxes">group {own + 1}</a>' in against_side

    against_other = personal(client, motion, against=other + 1)
    assert compare_line(against_other) == (
        f"Compare yourself instead with: those who voted the other way on the motion, {named[own]}."
    )
    assert '<a href="?#personal-cruxes">those who voted the other way' in against_other


# --- The flag form in the reply form's dress -----------------------------------------------------


@pytest.fixture
def flag_url(client):
    argument = ArgumentFactory()
    client.force_login(verified_user())
    return reverse("flag_argument", args=[argument.motion.slug, argument.pk])


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_the_flag_form_sends_with_the_reply_form_s_button(client, flag_url, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    html = client.get(flag_url, headers=headers).content.decode()
    assert '<button type="submit" class="button">Send flag</button>' in html


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_missing_reason_is_shown_as_the_reply_form_shows_a_missing_stance(client, flag_url, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(flag_url, {"note": ""}, headers=headers)
    assert response.status_code == 422
    page = Page(response.content.decode())

    radios = [e for e in page.elements if e.attrs.get("name") == "reason"]
    fieldset = radios[0].ancestor("fieldset")
    field = fieldset.parent
    # The field marked invalid, as debates/_field.html marks it.
    assert field.tag == "div" and field.attrs["class"].split() == ["field", "field--invalid"]
    assert all(radio.attrs["aria-invalid"] == "true" for radio in radios)
    # The message in the field, under the radios, in the element the fieldset names.
    (error_id,) = fieldset.ids("aria-describedby")
    error = page.by_id[error_id]
    assert error.tag == "div" and error.parent is field
    (message,) = [e for e in page.elements if e.parent is error]
    assert message.tag == "p" and message.attrs == {"class": "field__error", "role": "alert"}
    assert page.description(radios[0]) == "Choose why you are flagging this."


def test_a_missing_note_is_shown_as_the_reply_form_shows_a_missing_claim(client, flag_url):
    response = client.post(flag_url, {"reason": "other"})
    assert response.status_code == 422
    page = Page(response.content.decode())

    note = next(e for e in page.elements if e.attrs.get("name") == "note")
    assert note.attrs["aria-invalid"] == "true"
    assert note.parent.attrs["class"].split() == ["field", "field--invalid"]
    error = page.by_id[note.attrs["aria-describedby"]]
    assert error.tag == "div" and error.parent is note.parent
    (message,) = [e for e in page.elements if e.parent is error]
    assert message.tag == "p" and message.attrs == {"class": "field__error", "role": "alert"}
    assert page.description(note)
