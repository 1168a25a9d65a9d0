"""The debate's map (a sunburst) and outline: geometry, colouring, merging, size and queries."""

import random
import re
from math import tau
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.urls import reverse

from debates import debate_map, moderation, services, views_map
from debates.models import Argument, Stance
from tests.factories import ArgumentFactory, MotionFactory, verified_user

# --- Geometry (no database) ----------------------------------------------------------------------


def node(pk, stance, children=(), agree=0, disagree=0, visible=True):
    children = list(children)
    return SimpleNamespace(
        pk=pk,
        stance=stance,
        children=children,
        descendant_count=sum(1 + child.descendant_count for child in children),
        agree_count=agree,
        disagree_count=disagree,
        is_visible=visible,
    )


def generated_tree(seed, size, fanout=4):
    """A random debate of `size` arguments, with each argument's chain of stances from the
    motion down, to work out independently whether it supports the motion."""
    rng = random.Random(seed)
    chains = {}
    specs = []  # (pk, parent pk, stance)
    for pk in range(1, size + 1):
        parent = rng.choice([None, *range(max(1, pk - fanout * 3), pk)]) if pk > 1 else None
        stance = rng.choice(["pro", "con"])
        specs.append((pk, parent, stance))
        chains[pk] = (chains[parent] if parent else ()) + (stance,)
    replies = {}
    for pk, parent, _ in specs:
        replies.setdefault(parent, []).append(pk)
    built = {}
    for pk, _, stance in reversed(specs):  # replies have higher ids: built before their parent
        kids = [built[child] for child in replies.get(pk, ())]
        built[pk] = node(pk, stance, kids, agree=rng.randint(0, 5), disagree=rng.randint(0, 5))
    roots = [built[pk] for pk in replies[None]]
    return roots, chains


def test_side_follows_the_chain_of_stances_up_to_the_motion():
    roots, chains = generated_tree(seed=7, size=300)
    arcs = [arc for arc in debate_map.layout(roots).arcs if not arc.is_more]
    assert len(arcs) > 100
    for arc in arcs:
        cons = chains[arc.pk].count("con")
        expected = debate_map.SUPPORTS if cons % 2 == 0 else debate_map.OPPOSES
        assert arc.side == expected, chains[arc.pk]


def test_pro_of_con_opposes_and_con_of_con_supports():
    tree = [
        node(1, "con", [node(2, "pro"), node(3, "con", [node(4, "con")])]),
        node(5, "pro", [node(6, "con"), node(7, "pro")]),
    ]
    sides = {arc.pk: arc.side for arc in debate_map.layout(tree).arcs}
    yes, no = debate_map.SUPPORTS, debate_map.OPPOSES
    assert sides == {1: no, 2: no, 3: yes, 4: no, 5: yes, 6: no, 7: yes}


def test_votes_decide_weak_and_visibility_shown():
    tree = [node(1, "pro", agree=3, disagree=1), node(2, "pro", agree=2, disagree=2)]
    tree.append(node(3, "con", visible=False))
    arcs = {arc.pk: arc for arc in debate_map.layout(tree).arcs}
    assert [arcs[pk].weak for pk in (1, 2, 3)] == [False, True, True]
    assert [arcs[pk].shown for pk in (1, 2, 3)] == [True, True, False]


def test_arcs_share_their_parents_span_by_subtree_size():
    big = node(1, "pro", [node(2, "pro"), node(3, "con", [node(4, "pro")])])
    layout = debate_map.layout([big, node(5, "con")])
    arcs = {arc.pk: arc for arc in layout.arcs}
    assert layout.total == 5
    assert arcs[1].end - arcs[1].start == pytest.approx(tau * 4 / 5)
    assert arcs[5].start == pytest.approx(arcs[1].end) and arcs[5].end == pytest.approx(tau)
    assert arcs[3].end - arcs[3].start == pytest.approx(tau * 2 / 5)
    assert arcs[4].depth == 2 and arcs[4].start == pytest.approx(arcs[3].start)
    # Preorder with nesting marks, so a nested list of the same arcs can be written in one pass.
    assert [arc.pk for arc in layout.arcs] == [1, 2, 3, 4, 5]
    assert [arc.has_children for arc in layout.arcs] == [True, False, True, False, False]
    assert [arc.closes for arc in layout.arcs] == [0, 0, 0, 2, 0]


def test_thin_arcs_merge_into_one_more_per_parent():
    leaves = [node(100 + n, "con") for n in range(3000)]
    thick = node(2, "pro", [node(10 + n, "pro") for n in range(50)])
    layout = debate_map.layout([node(1, "pro", [thick, *leaves])])
    more = {arc.parent_pk: arc for arc in layout.arcs if arc.is_more}
    assert {parent: arc.count for parent, arc in more.items()} == {1: 3000, 2: 50}
    assert {arc.pk for arc in layout.arcs} == {1, 2, None}
    # A merged arc takes exactly the room its replies would have, after the ones drawn.
    arcs = {arc.pk: arc for arc in layout.arcs if arc.pk}
    assert more[1].start == pytest.approx(arcs[2].end)
    assert more[1].end == pytest.approx(tau * 3051 / 3052)  # the rest is argument 1 itself
    assert more[2].start == pytest.approx(arcs[2].start)
    assert more[2].end - more[2].start == pytest.approx(tau * 50 / 3052)


def test_every_drawn_arc_is_at_least_a_pixel_wide():
    roots, _ = generated_tree(seed=3, size=4000, fanout=40)
    layout = debate_map.layout(roots)
    for arc in layout.arcs:
        if arc.is_more:
            continue
        outer = debate_map.CENTRE_RADIUS + layout.ring * (arc.depth + 1)
        assert (arc.end - arc.start) * outer >= debate_map.MIN_WIDTH
    drawn = sum(arc.count for arc in layout.arcs if arc.depth == 0)
    assert drawn == layout.total == 4000


def test_a_single_argument_is_a_whole_ring_and_an_empty_debate_draws_nothing():
    [arc] = debate_map.layout([node(1, "pro")]).arcs
    assert arc.path.count("A") == 4, "a whole ring is drawn as two half rings, outer and inner"
    assert debate_map.layout([]).arcs == []


# --- Pages ------------------------------------------------------------------------------------


def map_url(motion, **query):
    url = reverse("motion_map", args=[motion.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def small_debate(db):
    motion = MotionFactory(claim="The motion's claim.")
    con = ArgumentFactory(motion=motion, stance=Stance.CON, claim="A con of the motion.")
    con_of_con = ArgumentFactory(
        motion=motion, parent=con, stance=Stance.CON, claim="A con of the con."
    )
    pro = ArgumentFactory(motion=motion, stance=Stance.PRO, claim="A pro of the motion.")
    return SimpleNamespace(motion=motion, con=con, con_of_con=con_of_con, pro=pro)


def arc_class(html, pk):
    return re.search(rf'<a href="[^"]*" id="map-arc-{pk}" class="([^"]*)"', html).group(1)


@pytest.mark.django_db
def test_the_map_page_links_each_arc_to_its_permalink_coloured_by_side(client, small_debate):
    d = small_debate
    html = client.get(map_url(d.motion)).content.decode()
    assert "map__arc--opposes" in arc_class(html, d.con.pk)
    assert "map__arc--supports" in arc_class(html, d.con_of_con.pk)
    assert "map__arc--supports" in arc_class(html, d.pro.pk)
    assert f'href="{d.con_of_con.get_absolute_url()}" id="map-arc-{d.con_of_con.pk}"' in html
    assert "<title>Con reply (for the motion; weakly supported): A con of the con.</title>" in html
    # The outline: the same arguments as a nested list of links, the con of the con inside.
    outline = html[html.index('class="outline"') :]
    assert re.search(
        rf'id="outline-arc-{d.con.pk}">.*?<ul>\s*<li><a href="{d.con_of_con.get_absolute_url()}"',
        outline,
        re.S,
    )
    assert "<svg" in html and "<script" not in html.replace('<script src="/static/', ""), (
        "no inline script"
    )


@pytest.mark.django_db
def test_an_arc_says_in_words_what_its_colours_say(client, small_debate):
    """The colours give an arc's side of the motion and whether votes back it; its words (the
    title the caption shows, the outline's accessible name) said only "Pro" or "Con", its stance
    on its parent: a pro of a con, coloured against the motion, read "Pro" (WCAG 1.4.1). Its
    words now give all three, as the analysis page names the sides."""
    d = small_debate
    pro_of_con = ArgumentFactory(
        motion=d.motion, parent=d.con, stance=Stance.PRO, claim="A pro of the con."
    )
    pro_of_con.agree_count = 3
    pro_of_con.save()
    html = client.get(map_url(d.motion)).content.decode()
    titles = dict(
        re.findall(r'id="map-arc-(\d+)" class="[^"]*" tabindex="-1"><title>([^<]*)<', html)
    )
    assert titles == {
        str(d.con.pk): "Con (against the motion; weakly supported): A con of the motion.",
        str(d.pro.pk): "Pro (for the motion; weakly supported): A pro of the motion.",
        str(d.con_of_con.pk): "Con reply (for the motion; weakly supported): A con of the con.",
        str(pro_of_con.pk): "Pro reply (against the motion): A pro of the con.",
    }
    assert "map__arc--opposes" in arc_class(html, pro_of_con.pk)
    assert "map__arc--weak" not in arc_class(html, pro_of_con.pk)
    # The outline's links are named alike: the stance shown, the rest for screen readers.
    outline = html[html.index('class="outline"') :]
    line = outline.split(f'id="outline-arc-{pro_of_con.pk}">')[1].split("</a>")[0]
    words = " ".join(re.sub(r"<[^>]+>", "", line).split())
    assert words == "Pro reply (against the motion): A pro of the con."
    assert '<span class="visually-hidden"> reply (against the motion):</span>' in line
    # The legend names the sides as the analysis page does.
    assert "For the motion: a pro argument" in html and "Against the motion: a con" in html
    assert "Supports the motion" not in html and "Opposes the motion" not in html


@pytest.mark.django_db
def test_the_current_argument_is_marked(client, small_debate):
    d = small_debate
    html = client.get(map_url(d.motion, current=d.con_of_con.pk)).content.decode()
    assert f'id="map-arc-{d.con_of_con.pk}" aria-current="page"' in html
    assert f'id="outline-arc-{d.con_of_con.pk}" aria-current="page"' in html
    assert html.count("aria-current") == 3  # the breadcrumb's, the arc's and the outline's
    unmarked = client.get(map_url(d.motion, current="nonsense"))
    assert unmarked.status_code == 200 and unmarked.content.decode().count("aria-current") == 1
    for past_the_range in ("99999999999999999999", "9223372036854775808", "-3", "1e9"):
        for panel in ({}, {"panel": ""}):
            response = client.get(map_url(d.motion, current=past_the_range, **panel))
            assert response.status_code == 200, past_the_range


@pytest.mark.django_db
def test_the_panel_answers_htmx_with_the_svg_alone(client, small_debate):
    response = client.get(map_url(small_debate.motion, panel=""), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<figure class="map"') and "<html" not in html


@pytest.mark.django_db
def test_the_map_page_does_not_link_to_itself_and_the_pages_around_it_do(client, small_debate):
    d = small_debate
    own = f'href="{map_url(d.motion)}"'
    assert own not in client.get(map_url(d.motion)).content.decode()
    assert (
        own
        not in client.get(
            map_url(d.motion, panel=""), headers={"HX-Request": "true"}
        ).content.decode()
    )
    # The link to the map stays outside the panel that the map swaps in, so it survives the swap.
    motion_page = client.get(d.motion.get_absolute_url()).content.decode()
    assert re.search(rf'id="map-panel"[^>]*></div>\s*<p><a {own}>', motion_page)
    permalink = client.get(d.con.get_absolute_url()).content.decode()
    assert f'href="{map_url(d.motion)}?current={d.con.pk}">Map and outline' in permalink


@pytest.mark.django_db
def test_an_unknown_motion_is_404(client):
    assert client.get("/motions/no-such-motion/map/").status_code == 404


@pytest.mark.django_db
def test_hidden_and_retracted_arguments_are_grey_and_wordless(
    client, small_debate, django_capture_on_commit_callbacks
):
    d = small_debate
    moderator = verified_user()
    from accounts.services import grant_moderator

    grant_moderator(user=moderator)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.hide_argument(moderator=moderator, argument=d.con, reason="Abuse.")
        services.retract_argument(author=d.pro.author, argument=d.pro)
    client.force_login(moderator)  # even a moderator's map is the public's
    html = client.get(map_url(d.motion)).content.decode()
    for argument in (d.con, d.pro):
        assert "map__arc--withdrawn" in arc_class(html, argument.pk)
        assert argument.claim not in html
    assert "[hidden by a moderator]" in html and "[retracted by its author]" in html
    assert "A con of the con." in html
    # Drawn as their places, counted as the motion's page counts: what everyone reads.
    shown = Argument.objects.filter(motion=d.motion, visibility="visible").count()
    size = client.get(d.motion.get_absolute_url()).context["debate_size"]
    assert shown == size < Argument.objects.filter(motion=d.motion).count()
    assert f'The whole debate <span class="muted">({shown} argument' in html


@pytest.mark.django_db
def test_a_change_is_never_served_stale(client, small_debate, django_capture_on_commit_callbacks):
    d = small_debate
    client.get(map_url(d.motion))
    author = verified_user()
    with django_capture_on_commit_callbacks(execute=True):
        posted, _ = services.post_argument(
            author=author, motion=d.motion, parent=d.pro, stance=Stance.CON, claim="Fresh reply."
        )
    html = client.get(map_url(d.motion)).content.decode()
    assert f'id="map-arc-{posted.pk}"' in html and "Fresh reply." in html


def bulk_debate(size, seed=1):
    """A debate of `size` arguments with long claims, inserted in bulk: busy top level, a few
    big branches, a deep chain."""
    rng = random.Random(seed)
    motion = MotionFactory()
    author = verified_user()
    claim = "A claim long enough to weigh what real ones weigh on the map, number {} of many."
    rows = []
    for n in range(size):
        rows.append(
            Argument(
                motion=motion,
                author=author,
                stance=rng.choice(["pro", "con"]),
                claim=claim.format(n),
                agree_count=rng.randint(0, 9),
                disagree_count=rng.randint(0, 9),
            )
        )
    Argument.objects.bulk_create(rows[: size // 10])
    tops = list(Argument.objects.filter(motion=motion).order_by("id"))
    placed = list(tops)
    for start in range(size // 10, size, 1000):
        batch = rows[start : start + 1000]
        for index, argument in enumerate(batch):
            if start == size // 10 and index < 40:
                parent = placed[-1] if index else tops[0]  # a chain 40 deep
            else:
                parent = rng.choice(tops[:20] if rng.random() < 0.5 else placed)
            argument.parent, argument.depth = parent, parent.depth + 1
            if start == size // 10 and index < 40:
                argument.save()
                placed.append(argument)
        Argument.objects.bulk_create([a for a in batch if a.pk is None])
        placed = list(Argument.objects.filter(motion=motion).order_by("id"))
    return motion


@pytest.mark.django_db
def test_a_big_debate_stays_small_at_a_fixed_number_of_queries(client, django_assert_num_queries):
    motion = bulk_debate(10_000)
    assert Argument.objects.filter(motion=motion).count() == 10_000
    # Motion, the tree's shape, the drawn arcs' claims: however big the debate.
    with django_assert_num_queries(3):
        response = client.get(map_url(motion, panel=""), headers={"HX-Request": "true"})
    panel = response.content.decode()
    assert len(panel.encode()) < 150_000
    assert "more</title>" in panel
    with django_assert_num_queries(1):  # the second reader: from the cache
        assert client.get(map_url(motion, panel=""), headers={"HX-Request": "true"}).content
    caches["fragments"].clear()
    with django_assert_num_queries(3):
        page = client.get(map_url(motion)).content.decode()
    assert page.count('id="outline-arc-') == panel.count('id="map-arc-')
    assert page.count('id="outline-more-') == panel.count('id="map-more-') > 0


@pytest.mark.django_db
def test_an_argument_too_thin_to_draw_marks_the_more_that_holds_it(client):
    motion = MotionFactory()
    top = ArgumentFactory(motion=motion)
    middle = ArgumentFactory(motion=motion, parent=top)
    ArgumentFactory.create_batch(3, motion=motion, parent=middle)
    thin = ArgumentFactory(motion=motion, parent=top)  # one of 2000: far under a pixel
    Argument.objects.bulk_create(
        [Argument(motion=motion, author=thin.author, stance="pro", claim="x") for _ in range(2000)]
    )
    html = client.get(map_url(motion, current=middle.pk)).content.decode()
    assert f'id="map-arc-{middle.pk}" aria-current="page"' in html
    assert f'id="map-arc-{thin.pk}"' not in html
    html = client.get(map_url(motion, current=thin.pk)).content.decode()
    assert f'id="map-more-{top.pk}" aria-current="page"' in html
    assert f'id="outline-more-{top.pk}" aria-current="page"' in html
    assert html.count('aria-current="page"') == 3  # with the breadcrumb's
    top_level = Argument.objects.filter(motion=motion, parent=None).exclude(pk=top.pk).first()
    html = client.get(map_url(motion, current=top_level.pk)).content.decode()
    assert 'id="map-more-motion" aria-current="page"' in html


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_debate(client, small_debate, django_assert_num_queries):
    with django_assert_num_queries(3):
        client.get(map_url(small_debate.motion))
    member = verified_user()
    client.force_login(member)
    caches["fragments"].clear()
    # The session with its user, whether the nav shows the review queue, the bell's unread
    # count, then the same three.
    with django_assert_num_queries(6):
        client.get(map_url(small_debate.motion))


@pytest.mark.django_db
def test_the_map_page_follows_the_live_stream_and_answers_its_live_part(
    client, small_debate, django_assert_num_queries
):
    d = small_debate
    page = client.get(map_url(d.motion, current=d.con.pk)).content.decode()
    assert f'hx-sse:connect="/live/motions/{d.motion.pk}/"' in page
    live = re.search(r'<div id="map-live" hx-get="([^"]*)"\s+hx-trigger="([^"]*)"', page)
    assert live, "the map and outline reload on the stream's messages"
    assert live.group(2) == "htmx:sse:after:message from:#live-status throttle:10s"
    assert live.group(1) == map_url(d.motion) + f"?live&amp;current={d.con.pk}"
    caches["fragments"].clear()
    with django_assert_num_queries(3):  # the motion, the tree's shape, the drawn claims
        response = client.get(
            map_url(d.motion, live="", current=d.con.pk), headers={"HX-Request": "true"}
        )
    part = response.content.decode()
    assert "<html" not in part and 'class="breadcrumb"' not in part
    assert part.lstrip().startswith("<h1>The whole debate")
    assert f'id="map-arc-{d.con.pk}" aria-current="page"' in part
    assert f'id="outline-arc-{d.con.pk}" aria-current="page"' in part
    # The same markup as the page's own, so what arrives live is what a reload shows.
    assert part.strip() in page


@pytest.mark.django_db
def test_the_panel_alone_renders_no_outline(client, small_debate, monkeypatch):
    rendered = []
    real = views_map.render_to_string

    def spy(name, context):
        rendered.append(name)
        return real(name, context)

    monkeypatch.setattr(views_map, "render_to_string", spy)
    client.get(map_url(small_debate.motion, panel=""), headers={"HX-Request": "true"})
    assert rendered == ["debates/map.html#panel"]
    client.get(map_url(small_debate.motion))  # the page: its panel is cached already
    assert rendered == ["debates/map.html#panel", "debates/map.html#outline"]
