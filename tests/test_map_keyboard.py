"""The map's markup for the keyboard (tests/browser/test_map_keyboard.py drives it): every link of
the picture is out of the Tab order as sent, its keys' help waits hidden for the script, a "Skip
the map" link leads to the outline; and where a vote form's CSRF field is, and is not, sent."""

import re
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from debates.live import fanout
from debates.live.render import render_event
from debates.models import Stance
from tests.factories import ArgumentFactory, MotionFactory, verified_user
from tests.test_live_own_vote import own_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def debate():
    motion = MotionFactory(claim="The motion's claim.")
    con = ArgumentFactory(motion=motion, stance=Stance.CON, claim="A con of the motion.")
    reply = ArgumentFactory(motion=motion, parent=con, stance=Stance.CON, claim="A con of it.")
    pro = ArgumentFactory(motion=motion, stance=Stance.PRO, claim="A pro of the motion.")
    return SimpleNamespace(motion=motion, con=con, reply=reply, pro=pro)


def map_url(motion):
    return reverse("motion_map", args=[motion.slug])


def svg_of(html):
    return re.search(r"<svg class=\"map__svg\".*?</svg>", html, re.S).group()


def links_of(svg):
    return re.findall(r"<a [^>]*>", svg)


def assert_out_of_the_tab_order(html, debate):
    svg = svg_of(html)
    links = links_of(svg)
    assert len(links) == 4  # the motion at the centre and three arcs
    assert all('tabindex="-1"' in link for link in links), links
    assert f'id="map-centre-{debate.motion.pk}"' in links[0]
    # Labelled, not hidden: the script makes one of its links a Tab stop.
    assert "aria-hidden" not in svg.split(">", 1)[0]
    assert 'role="group" aria-label="Map of the debate' in svg
    help_ = re.search(rf'<p class="muted" id="map-help-{debate.motion.pk}"[^>]*>([^<]*)', html)
    assert "data-map-help hidden" in help_.group() and "Arrow keys move" in help_.group(1)


def test_the_map_page_sends_its_arcs_out_of_the_tab_order_with_a_skip_link(client, debate):
    html = client.get(map_url(debate.motion)).content.decode()
    assert_out_of_the_tab_order(html, debate)
    skip = html.index('<p class="map-skip"><a href="#outline-heading">Skip the map</a></p>')
    assert html.index("<h1>The whole debate") < skip < html.index('<figure class="map"')
    assert '<h2 id="outline-heading" tabindex="-1">Outline</h2>' in html
    # The outline's links stay in the Tab order: without the script, it is the keyboard's way.
    outline = html[html.index('<ul class="outline"') : html.index("</section>")]
    assert outline.count("<a ") == 3 and "tabindex" not in outline


def test_the_current_argument_is_still_marked_among_the_arcs(client, debate):
    html = client.get(map_url(debate.motion) + f"?current={debate.reply.pk}").content.decode()
    assert re.search(
        rf'<a href="[^"]*" id="map-arc-{debate.reply.pk}" aria-current="page" class="[^"]*" '
        r'tabindex="-1">',
        html,
    )


def test_the_panel_and_the_live_part_carry_the_same_markup(client, debate):
    panel = client.get(map_url(debate.motion) + "?panel", headers={"HX-Request": "true"})
    html = panel.content.decode()
    assert_out_of_the_tab_order(html, debate)
    # The motion and argument pages have no outline to skip to: their panel has no skip link.
    assert "Skip the map" not in html
    live = client.get(map_url(debate.motion) + "?live", headers={"HX-Request": "true"})
    part = live.content.decode()
    assert part.lstrip().startswith("<h1>The whole debate")
    assert part.count("Skip the map") == 1
    assert_out_of_the_tab_order(part, debate)


# --- A vote form's CSRF field --------------------------------------------------------------------


def token_of(html, pk):
    form = re.search(rf'<form [^>]*id="vote-argument-{pk}".*?</form>', html, re.S).group()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    return found and found.group(1)


def test_a_vote_answers_with_the_token_and_only_the_live_stream_leaves_it_out(debate):
    """The HTMX answer to a vote is rendered with its request and carries the voter's token. The
    form she then sees without it is her own channel's copy (debates.live.member, `member-voted`,
    morphed over the answer): streamed HTML carries no one's token (fragments.for_stream), and
    htmx sends the page's in a header. A page without JavaScript never gets a streamed copy: a
    plain vote comes back to a page whose form has her token."""
    voter = verified_user()
    client = Client(enforce_csrf_checks=True)
    client.force_login(voter)
    page = client.get(debate.motion.get_absolute_url()).content.decode()
    token = token_of(page, debate.pro.pk)
    assert token and "__crux_" not in token
    url = reverse("vote_argument", args=[debate.motion.slug, debate.pro.pk])

    answer = client.post(
        url, {"choice": "agree"}, headers={"HX-Request": "true", "X-CSRFToken": token}
    )
    assert answer.status_code == 200 and token_of(answer.content.decode(), debate.pro.pk)

    streamed = render_event(own_event(voter, debate.pro), fanout.MEMBER)
    assert token_of(streamed, debate.pro.pk) is None and "__crux_" not in streamed

    plain = client.post(url, {"choice": "disagree", "csrfmiddlewaretoken": token})
    assert plain.status_code == 303
    again = client.get(plain["Location"]).content.decode()
    assert token_of(again, debate.pro.pk)
