"""What a walk through a moderator's and an author's journeys met: hiding a motion asked nothing
before it acted, the history of an argument named and dated it unlike the argument's own page, a
moderator's hiding in place left "Follow this argument" on the page, and nothing led an author
to the history of the argument she retracted."""

import re

import pytest
from django.urls import reverse

from debates import moderation, services
from debates.models import Motion
from notifications import queries as following
from tests.factories import ArgumentFactory, MotionFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def html(response):
    return response.content.decode()


@pytest.fixture
def argument(author):
    """Her argument in her motion: what the walk acted on and read back."""
    motion = MotionFactory(author=author, title="Tea beats coffee", claim="Tea is better.")
    return ArgumentFactory(motion=motion, author=author, claim="Coffee is bitter.")


@pytest.fixture
def motion(argument):
    return argument.motion


# --- Hiding a motion asks first ----------------------------------------------------------------


def hide_form(page):
    """The panel's form that hides the motion, up to its end."""
    (form,) = re.findall(r"<form [^>]*>(?:(?!</form>).)*Hide motion</button>\s*</form>", page, re.S)
    return form


def test_the_panels_hiding_asks_first_with_javascript_or_without(client, moderator, motion):
    client.force_login(moderator)
    url = reverse("hide_motion", args=[motion.slug])
    form = hide_form(html(client.get(motion.get_absolute_url())))
    # Without JavaScript the form leads to the confirmation page, and a GET carries no token.
    assert f'method="get" action="{url}"' in form and "csrfmiddlewaretoken" not in form
    # With it, a dialog as retracting an argument has, then the act in place.
    assert f'hx-post="{url}"' in form
    assert 'hx-confirm="Hide this motion? Only its author and moderators will read it' in form

    confirm = client.get(url, {"reason": "Spam, sold as a motion"})
    page = html(confirm)
    assert confirm.status_code == 200 and not Motion.objects.get(pk=motion.pk).is_hidden
    assert re.search(r"<h1>\s*Hide this motion\s*</h1>", page)
    assert 'value="Spam, sold as a motion"' in page
    assert "it takes no new arguments or votes until it is restored" in page
    assert f'<form method="post" action="{url}" class="form">' in page

    done = client.post(url, {"reason": "Spam, sold as a motion"})
    assert done.status_code == 303 and Motion.objects.get(pk=motion.pk).is_hidden


def test_a_hiding_sent_in_place_goes_to_the_page_or_says_why_not_in_the_panel(
    client, moderator, motion
):
    client.force_login(moderator)
    url = reverse("hide_motion", args=[motion.slug])

    refused = client.post(url, {"reason": "   "}, headers=HTMX)
    panel = html(refused)
    assert refused.status_code == 422 and not Motion.objects.get(pk=motion.pk).is_hidden
    assert panel.startswith('<div id="motion-moderation">') and "<html" not in panel
    assert '<p class="field__error" role="alert" id="mod-motion-hide-error">Give a reason' in panel
    field = re.search(r'<input [^>]*id="mod-motion-hide"[^>]*>', panel, re.S)[0]
    assert 'value="   "' in field and 'aria-describedby="mod-motion-hide-error"' in field
    assert 'aria-invalid="true"' in field
    # Only the act refused says so: the other forms are as the page has them.
    assert panel.count('role="alert"') == 1

    done = client.post(url, {"reason": "Spam"}, headers=HTMX)
    assert done["HX-Redirect"] == motion.get_absolute_url()
    assert Motion.objects.get(pk=motion.pk).is_hidden


# --- The history of an argument, as its page names and dates it ---------------------------------


def test_the_history_names_and_dates_the_argument_as_its_page_does(client, argument):
    page = html(client.get(argument.get_absolute_url()))
    history = html(
        client.get(reverse("argument_history", args=[argument.motion.slug, argument.pk]))
    )

    crumbs = re.compile(r'<nav class="breadcrumb".*?</nav>', re.S)
    assert '<li aria-current="page">This argument</li>' in crumbs.search(page)[0]
    assert f'<a href="{argument.get_absolute_url()}">This argument</a>' in crumbs.search(history)[0]
    assert "<h1>History of this argument</h1>" in history

    (card,) = re.findall(
        r'<time class="argument__time" (datetime="[^"]*" title="[^"]*">[^<]*)<', page
    )
    (since,) = re.findall(r"Current wording, since <time (datetime=[^<]*)<", history)
    # The same moment, to the minute on the history (its versions of one day told apart).
    assert since.startswith(card + ", ") and re.search(r", \d\d:\d\d UTC$", since)
    assert re.search(
        r'title="[A-Z][a-z]+day \d+ [A-Z][a-z]+ \d{4}, \d\d:\d\d UTC">\d+ \w{3} \d{4}$', card
    )


# --- No following a withdrawn argument, for moderators too --------------------------------------


def follow_partial(answer, argument):
    """What an answer in place puts where the page's follow line for `argument` stands."""
    target = f'<hx-partial hx-target="#follow-argument-{argument.pk}" hx-swap="outerHTML">'
    return answer.split(target, 1)[1].split("</hx-partial>", 1)[0]


def test_hiding_in_place_takes_the_follow_line_away_and_restoring_brings_it_back(
    client, moderator, argument, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    page = html(client.get(argument.get_absolute_url()))
    line = f'id="follow-argument-{argument.pk}" data-while-shown data-argument="{argument.pk}">'
    assert f'<p class="debate__follow" {line}' in page
    assert "Follow this argument</a>" in page

    def act(name, reason):
        url = reverse(f"{name}_argument", args=[argument.motion.slug, argument.pk])
        with django_capture_on_commit_callbacks(execute=True):
            return html(client.post(url, {"reason": reason}, headers=HTMX))

    hidden = act("hide", "Rude")
    assert "Argument hidden." in hidden
    line = follow_partial(hidden, argument)
    assert line == f'<p class="debate__follow" id="follow-argument-{argument.pk}" hidden></p>'
    # A reload says the same: nothing to follow while it is withdrawn.
    assert "Follow this argument" not in html(client.get(argument.get_absolute_url()))

    restored = act("restore", "Fine after all")
    assert "Follow this argument</a> to be told of its replies" in follow_partial(
        restored, argument
    )


def test_following_a_hidden_argument_is_refused_to_a_moderator_too(client, moderator, argument):
    moderation.hide_argument(moderator=moderator, argument=argument, reason="Rude")
    client.force_login(moderator)
    url = reverse("follow", args=["argument", argument.pk])
    for response in (client.get(url), client.post(url, {"following": "1"})):
        assert response.status_code == 409
        assert "there is nothing to follow" in html(response)
        assert 'name="following"' not in html(response)
    assert not following.is_following(moderator, argument)


# --- An author reads what she retracted --------------------------------------------------------


@pytest.fixture
def retracted(author, argument):
    services.edit_argument(editor=author, argument=argument, claim="Coffee is too bitter.")
    services.retract_argument(author=author, argument=argument)
    return argument


def test_the_page_of_a_retracted_argument_leads_its_author_to_her_words(
    client, author, moderator, member, retracted
):
    history = reverse("argument_history", args=[retracted.motion.slug, retracted.pk])
    for reader in (author, moderator):
        client.force_login(reader)
        page = html(client.get(retracted.get_absolute_url()))
        assert "[retracted by its author]" in page
        assert (
            "Its author and moderators can still read its wording, and its earlier ones, on "
            f'<a href="{history}">the history of this argument</a>.'
        ) in page
        words = html(client.get(history))
        assert "Coffee is too bitter." in words and "Coffee is bitter." in words
    client.force_login(member)
    assert history not in html(client.get(retracted.get_absolute_url()))
    assert "Coffee is bitter." not in html(client.get(history))


def test_a_standing_argument_carries_the_line_hidden_for_whoever_may_read_it_withdrawn(
    client, author, moderator, member, argument
):
    """So that withdrawing it in place, or live, shows the line as a reload would (crux.js)."""
    for reader, carried in ((author, True), (moderator, True), (member, False)):
        client.force_login(reader)
        page = html(client.get(argument.get_absolute_url()))
        line = f'<p class="muted" data-while-withdrawn data-argument="{argument.pk}" hidden>'
        assert (line in page) is carried


def test_her_profile_leads_her_to_the_history_of_what_she_retracted(client, author, retracted):
    client.force_login(author)
    profile = html(client.get(author.get_absolute_url()))
    history = reverse("argument_history", args=[retracted.motion.slug, retracted.pk])
    assert f'<a href="{history}">Coffee is too bitter.</a>' in profile
