import random
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.cache.backends.base import CacheKeyWarning
from django.urls import reverse
from django.utils import timezone

from debates import queries
from debates.models import Argument, Motion, Stance, Vote
from debates.queries import MORE_BATCH, PAGE_LIMITS
from tests.factories import ArgumentFactory, MotionFactory

pytestmark = pytest.mark.django_db

# The deepest level the motion page shows; replies below it fold into a link.
VISIBLE_DEPTH = len(PAGE_LIMITS) - 1


def grow_debate(motion, size, seed=7, batch=50):
    """A random tree of `size` arguments with at least one branch deeper than the page shows."""
    rng = random.Random(seed)
    created = []
    while len(created) < size:
        fresh = []
        for _ in range(min(batch, size - len(created))):
            in_chain = len(created) <= VISIBLE_DEPTH + 1
            if in_chain:
                parent = created[-1] if created else None
            else:
                parent = rng.choice(created) if rng.random() < 0.8 else None
            fresh.append(
                Argument(
                    motion=motion,
                    parent=parent,
                    stance=rng.choice([Stance.PRO, Stance.CON]),
                    claim=f"Claim {len(created) + len(fresh)}",
                    depth=parent.depth + 1 if parent else 0,
                )
            )
            if in_chain:
                break
        created.extend(Argument.objects.bulk_create(fresh))
    return created


def test_home_lists_motions_featured_first_with_counts(client):
    plain = MotionFactory(title="Plain motion")
    featured = MotionFactory(title="Featured motion", featured=True)
    ArgumentFactory(motion=plain, stance=Stance.PRO)
    ArgumentFactory(motion=plain, stance=Stance.CON)
    con = ArgumentFactory(motion=plain, stance=Stance.CON)
    ArgumentFactory(motion=plain, parent=con, stance=Stance.PRO)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    motions = list(response.context["motions"])
    assert motions == [featured, plain]
    assert (motions[1].pro_count, motions[1].con_count, motions[1].argument_count) == (1, 2, 4)
    assert b"1 pro" in response.content and b"2 con" in response.content


def test_home_without_motions_says_so(client):
    response = client.get(reverse("home"))
    assert b"No motions yet" in response.content


def test_home_paginates(client):
    MotionFactory.create_batch(25)
    first = client.get(reverse("home"))
    second = client.get(reverse("home"), {"page": 2})
    assert len(first.context["motions"]) == 20
    assert len(second.context["motions"]) == 5
    assert client.get(reverse("home"), {"page": "nonsense"}).status_code == 200


def test_motion_page_shows_tree_with_labelled_stances(client):
    motion = MotionFactory()
    pro = ArgumentFactory(motion=motion, stance=Stance.PRO, claim="Supporting point")
    ArgumentFactory(motion=motion, parent=pro, stance=Stance.CON, claim="Rebuttal point")

    response = client.get(motion.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Supporting point" in html and "Rebuttal point" in html
    assert 'class="stance stance--pro">Pro<' in html
    assert 'class="stance stance--con">Con<' in html
    # The rebuttal is nested inside its parent's list item, not beside it.
    parent_item = html[html.index(f'id="argument-{pro.pk}"') :]
    assert parent_item.index("Rebuttal point") < parent_item.index("</li>")


def test_motion_page_for_unknown_slug_is_404(client):
    assert client.get(reverse("motion", args=["no-such-motion"])).status_code == 404


def test_an_address_cut_back_by_hand_leads_to_the_list_it_belongs_to(client):
    motion = MotionFactory()
    home = client.get("/motions/")
    assert home.status_code == 301 and home["Location"] == reverse("home")
    arguments = client.get(f"/motions/{motion.slug}/arguments/")
    assert arguments.status_code == 301 and arguments["Location"] == motion.get_absolute_url()
    assert client.get("/motions/no-such-motion/arguments/", follow=True).status_code == 404


def test_deep_branches_fold_into_a_link_that_works_without_javascript(client):
    motion = MotionFactory()
    chain = [ArgumentFactory(motion=motion)]
    for _ in range(VISIBLE_DEPTH + 2):
        chain.append(ArgumentFactory(motion=motion, parent=chain[-1]))
    folded = chain[VISIBLE_DEPTH]

    html = client.get(motion.get_absolute_url()).content.decode()

    assert chain[VISIBLE_DEPTH].claim in html
    assert chain[VISIBLE_DEPTH + 1].claim not in html
    assert f'href="{folded.get_absolute_url()}"' in html
    assert "Continue this thread (2 replies)" in html


def test_permalink_shows_ancestors_and_subtree(client):
    motion = MotionFactory()
    root = ArgumentFactory(motion=motion, claim="Root claim")
    middle = ArgumentFactory(motion=motion, parent=root, stance=Stance.CON, claim="Middle claim")
    leaf = ArgumentFactory(motion=motion, parent=middle, claim="Leaf claim")
    ArgumentFactory(motion=motion, claim="Unrelated sibling")

    response = client.get(middle.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["ancestors"] == [root]
    start = html.index('class="breadcrumb"')
    breadcrumb = html[start : html.index("</nav>", start)]
    assert motion.title in breadcrumb and "Root claim" in breadcrumb
    assert "Middle claim" in html and leaf.claim in html
    assert "Unrelated sibling" not in html


def test_an_argument_page_reads_its_subtree_and_ancestors_not_the_whole_debate():
    motion = MotionFactory()
    root = ArgumentFactory(motion=motion)
    middle = ArgumentFactory(motion=motion, parent=root)
    aside = ArgumentFactory(motion=motion, parent=root)
    below = [ArgumentFactory(motion=motion, parent=middle) for _ in range(2)]
    deep = ArgumentFactory(motion=motion, parent=below[0])
    ArgumentFactory(motion=motion, parent=aside)
    ArgumentFactory(motion=motion)
    ArgumentFactory(parent=ArgumentFactory())  # another motion's

    tree = queries.argument_tree(motion, middle.pk)

    assert set(tree.by_id) == {root.pk, middle.pk, below[0].pk, below[1].pk, deep.pk}
    node = tree.by_id[middle.pk]
    assert [child.pk for child in node.children] == [below[0].pk, below[1].pk]
    assert node.descendant_count == 3
    assert tree.ancestors(node) == [tree.by_id[root.pk]]
    assert queries.argument_tree(MotionFactory(), middle.pk).by_id == {}


def test_one_argument_is_selected_as_its_page_shows_it(django_assert_num_queries):
    """queries.subtree, which the argument page and every in-place re-render of one argument
    (posted, retracted, moderated) use: replies in the order asked, folded below the page's
    levels, the viewer's votes, ancestors root first; a fixed number of queries."""
    from django.contrib.auth.models import AnonymousUser

    from tests.factories import verified_user

    motion = MotionFactory()
    root = ArgumentFactory(motion=motion)
    argument = ArgumentFactory(motion=motion, parent=root)
    older, newer = (ArgumentFactory(motion=motion, parent=argument) for _ in range(2))
    chain = [newer]
    for _ in range(4):
        chain.append(ArgumentFactory(motion=motion, parent=chain[-1]))
    viewer = verified_user()
    Vote.objects.create(user=viewer, argument=newer, choice="disagree")

    with django_assert_num_queries(3):
        selected, ancestors = queries.subtree(motion, argument.pk, viewer=viewer, order="newest")
    assert [a.pk for a in ancestors] == [root.pk] and isinstance(ancestors[0], Argument)
    assert [c.pk for c in selected.shown_children] == [newer.pk, older.pk]
    assert selected.shown_children[0].my_vote == "disagree"
    folded = selected.shown_children[0].shown_children[0].shown_children[0]
    assert folded.pk == chain[2].pk and not folded.unfolded and folded.descendant_count == 2

    with django_assert_num_queries(2):
        selected, _ = queries.subtree(motion, argument.pk, viewer=AnonymousUser(), order="oldest")
    assert [c.pk for c in selected.shown_children] == [older.pk, newer.pk]
    assert selected.shown_children[1].my_vote is None
    with pytest.raises(Argument.DoesNotExist):
        queries.subtree(MotionFactory(), argument.pk, viewer=viewer)


def test_permalink_of_another_motions_argument_is_404(client):
    argument = ArgumentFactory()
    other = MotionFactory()
    assert client.get(reverse("argument", args=[other.slug, argument.pk])).status_code == 404


def test_show_more_over_htmx_returns_only_the_subtree_partial(client):
    motion = MotionFactory()
    root = ArgumentFactory(motion=motion, claim="Root claim")
    ArgumentFactory(motion=motion, parent=root, claim="Child claim")

    response = client.get(root.get_absolute_url(), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith(f'<li class="argument argument--pro" id="argument-{root.pk}"')
    assert "Child claim" in html
    assert "<html" not in html and "breadcrumb" not in html


def test_hidden_and_retracted_arguments_keep_their_place_without_their_text(client):
    motion = MotionFactory()
    hidden = ArgumentFactory(motion=motion, claim="Abusive text", visibility="hidden")
    ArgumentFactory(motion=motion, parent=hidden, claim="Reply to hidden")
    ArgumentFactory(motion=motion, claim="Withdrawn text", visibility="retracted")

    html = client.get(motion.get_absolute_url()).content.decode()

    assert "Abusive text" not in html and "Withdrawn text" not in html
    assert "[hidden by a moderator]" in html and "[retracted by its author]" in html
    assert "Reply to hidden" in html


@pytest.mark.parametrize("size", [5, 500])
def test_motion_page_query_count_is_constant(client, django_assert_num_queries, size):
    motion = MotionFactory()
    arguments = grow_debate(motion, size)

    # The motion, the light tree, the arguments shown in full.
    with django_assert_num_queries(3):
        response = client.get(motion.get_absolute_url())

    assert response.status_code == 200
    assert response.context["debate_size"] == size
    assert max(a.depth for a in arguments) > VISIBLE_DEPTH


@pytest.mark.parametrize("size", [5, 500])
def test_permalink_query_count_is_constant(client, django_assert_num_queries, size):
    motion = MotionFactory()
    arguments = grow_debate(motion, size)

    with django_assert_num_queries(3):
        response = client.get(arguments[-1].get_absolute_url())

    assert response.status_code == 200


def test_home_gives_each_motion_the_time_of_its_latest_change():
    quiet, busy = MotionFactory(), MotionFactory()
    long_ago = timezone.now() - timedelta(days=30)
    Motion.objects.update(updated_at=long_ago)
    ArgumentFactory(motion=busy)
    edited = ArgumentFactory(motion=busy)
    recently = timezone.now() - timedelta(hours=1)
    Argument.objects.filter(motion=busy).update(updated_at=recently - timedelta(days=1))
    Argument.objects.filter(pk=edited.pk).update(updated_at=recently)

    latest = {m.pk: m.last_activity for m in queries.motions_for_home()}

    assert latest[quiet.pk] == long_ago
    assert latest[busy.pk] == recently


def test_home_query_count_is_constant(client, django_assert_num_queries):
    for motion in MotionFactory.create_batch(5):
        grow_debate(motion, 20)
    with django_assert_num_queries(2):
        client.get(reverse("home"))


def top_level_claims(response):
    """The claims of the motion's direct replies, in the order the page shows them."""
    html = response.content.decode()
    claims = re.findall(r'<p class="argument__claim" id="claim-(\d+)"[^>]*>([^<]*)</p>', html)
    top = set(Argument.objects.filter(parent=None).values_list("pk", flat=True))
    return [claim for pk, claim in claims if int(pk) in top]


def test_replies_sort_by_the_order_in_the_url(client):
    motion = MotionFactory()
    old = ArgumentFactory(motion=motion, claim="Old", agree_count=1)
    popular = ArgumentFactory(motion=motion, claim="Popular", agree_count=40, disagree_count=2)
    discussed = ArgumentFactory(motion=motion, claim="Discussed")
    for _ in range(3):
        ArgumentFactory(motion=motion, parent=discussed)
    url = motion.get_absolute_url()

    assert top_level_claims(client.get(url))[0] == "Popular"
    assert top_level_claims(client.get(url, {"sort": "newest"})) == ["Discussed", "Popular", "Old"]
    assert top_level_claims(client.get(url, {"sort": "oldest"})) == ["Old", "Popular", "Discussed"]
    assert top_level_claims(client.get(url, {"sort": "discussed"}))[0] == "Discussed"
    assert top_level_claims(client.get(url, {"sort": "<script>"}))[0] == "Popular"
    assert old.pk and popular.pk


def test_sorting_over_htmx_returns_only_the_tree(client):
    motion = MotionFactory()
    ArgumentFactory(motion=motion, claim="Only")

    response = client.get(
        motion.get_absolute_url(), {"sort": "newest"}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="debate-tree">')
    assert "<html" not in html and "Only" in html
    assert 'aria-current="true">Newest<' in html


def test_sort_order_carries_into_show_more_links(client):
    motion = MotionFactory()
    chain = [ArgumentFactory(motion=motion)]
    for _ in range(VISIBLE_DEPTH + 1):
        chain.append(ArgumentFactory(motion=motion, parent=chain[-1]))

    html = client.get(motion.get_absolute_url(), {"sort": "oldest"}).content.decode()

    assert f'{chain[VISIBLE_DEPTH].get_absolute_url()}?sort=oldest"' in html


def test_permalink_sorts_its_replies_with_plain_links(client):
    root = ArgumentFactory(claim="Root")
    ArgumentFactory(motion=root.motion, parent=root, claim="First")
    ArgumentFactory(motion=root.motion, parent=root, claim="Second")

    response = client.get(root.get_absolute_url(), {"sort": "newest"})

    assert [c.claim for c in response.context["argument"].shown_children] == ["Second", "First"]
    assert 'href="?sort=oldest"' in response.content.decode()


def test_a_big_debate_shows_its_strongest_arguments_and_holds_back_the_rest(client):
    motion = MotionFactory()
    weak = [ArgumentFactory(motion=motion, claim=f"Weak {i}") for i in range(15)]
    strong = [
        ArgumentFactory(motion=motion, claim=f"Strong {i}", agree_count=50 + i) for i in range(10)
    ]

    response = client.get(motion.get_absolute_url())

    assert sorted(top_level_claims(response)) == sorted(a.claim for a in strong)
    html = response.content.decode()
    more_url = reverse("more_motion_replies", args=[motion.slug])
    assert f'href="{more_url}?offset=10&amp;sort=best"' in html
    assert "Show more replies (15 not shown yet)" in html
    assert weak[0].claim not in html


def test_held_back_replies_arrive_in_batches_over_htmx_and_as_a_page(client):
    motion = MotionFactory()
    parent = ArgumentFactory(motion=motion)
    for i in range(PAGE_LIMITS[1] + MORE_BATCH + 2):
        ArgumentFactory(motion=motion, parent=parent, claim=f"Reply {i}")
    url = reverse("more_replies", args=[motion.slug, parent.pk])

    page = client.get(motion.get_absolute_url()).content.decode()
    first = client.get(
        url, {"offset": PAGE_LIMITS[1], "sort": "oldest"}, headers={"HX-Request": "true"}
    )
    last = client.get(url, {"offset": PAGE_LIMITS[1] + MORE_BATCH, "sort": "oldest"})

    assert f"Show more replies ({MORE_BATCH + 2} not shown yet)" in page
    batch = first.content.decode()
    assert "<html" not in batch and batch.count('class="argument argument--') == MORE_BATCH
    assert f"Reply {PAGE_LIMITS[1]}" in batch
    assert f'id="more-{parent.pk}-{PAGE_LIMITS[1] + MORE_BATCH}"' in batch
    assert last.status_code == 200 and "<html" in last.content.decode()
    assert 'class="more-replies"' not in last.content.decode()


def test_more_replies_tolerates_bad_offsets_and_refuses_strangers(client):
    motion = MotionFactory()
    ArgumentFactory(motion=motion)
    url = reverse("more_motion_replies", args=[motion.slug])
    for offset in ["-5", "abc", "99999", ""]:
        assert client.get(url, {"offset": offset}).status_code == 200
    stranger = ArgumentFactory()
    assert client.get(reverse("more_replies", args=[motion.slug, stranger.pk])).status_code == 404


def test_an_offset_that_is_not_plain_digits_reads_as_the_first_batch(client, recwarn):
    """int() takes " 1", "1_0" and thousands of digits: each was a cache entry of its own (a
    4,000-digit key, which the cache warns of) for a batch nobody was shown a link to."""
    motion = MotionFactory()
    ArgumentFactory(motion=motion)
    url = reverse("more_motion_replies", args=[motion.slug])
    caches["fragments"].clear()
    assert client.get(url, {"offset": "0"}).status_code == 200
    assert len(caches["fragments"]._cache) == 1
    for offset in [" 1", "1_0", "1" * 4000, "+1"]:
        assert client.get(url, {"offset": offset}).status_code == 200, offset
    assert len(caches["fragments"]._cache) == 1
    assert [w for w in recwarn if w.category is CacheKeyWarning] == []


@pytest.mark.parametrize("size", [5, 500])
def test_more_replies_query_count_is_constant(client, django_assert_num_queries, size):
    motion = MotionFactory()
    grow_debate(motion, size)
    with django_assert_num_queries(3):
        response = client.get(reverse("more_motion_replies", args=[motion.slug]), {"offset": 0})
    assert response.context["batch"]


def test_the_motion_page_stays_small_however_big_the_debate(client):
    motion = MotionFactory()
    grow_debate(motion, 1500, batch=500)

    response = client.get(motion.get_absolute_url())

    most, width = 0, 1
    for limit in PAGE_LIMITS:
        width *= limit
        most += width
    assert response.content.decode().count('class="argument argument--') <= most
    assert len(response.content) < 300_000


def test_form_limits_and_labels_come_from_the_models(client, monkeypatch):
    """Every moderation reason (one shared field) and the flag note offer what the model
    stores, not a number typed into a template; each field keeps its label."""
    from accounts.services import grant_moderator
    from debates.models import Flag, ModerationAction
    from tests.factories import verified_user

    moderator = verified_user()
    grant_moderator(user=moderator)
    motion = MotionFactory()
    argument = ArgumentFactory(motion=motion)
    Flag.objects.create(flagger=verified_user(), argument=argument, reason="spam")
    monkeypatch.setattr(ModerationAction._meta.get_field("reason"), "max_length", 321)
    monkeypatch.setattr(Flag._meta.get_field("note"), "max_length", 123)
    client.force_login(moderator)

    pages = [
        motion.get_absolute_url(),
        reverse("hide_argument", args=[motion.slug, argument.pk]),
        reverse("moderation_queue"),
    ]
    reasons = 0
    for url in pages:
        html = client.get(url).content.decode()
        for field in re.findall(r'<input type="text" id="([^"]+)" name="reason"[^>]*>', html):
            reasons += 1
            assert re.search(
                rf'<input type="text" id="{field}" name="reason"[^>]*maxlength="321"', html
            )
            assert f'<label for="{field}">' in html
    assert reasons == 6  # hide, lock, feature the motion; hide the argument; confirm; queue
    flag_page = client.get(reverse("flag_argument", args=[motion.slug, argument.pk]))
    # A limit the page counts (crux.js) rather than cuts pasted text at (tests/test_flag_fixes.py).
    assert 'data-limit="123"' in flag_page.content.decode()


def test_no_form_types_a_length_of_its_own():
    """A form's limit typed as a number drifts from the model's, as a template's would."""
    root = Path(__file__).resolve().parents[1]
    apps = [init.parent for init in root.glob("*/__init__.py") if init.parent.name != "tests"]
    typed = [
        f"{path.relative_to(root)}:{number}"
        for app in apps
        for path in app.rglob("*forms.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"max_length=\d", line)
    ]
    assert root / "search" / "forms.py" in {p for app in apps for p in app.rglob("*forms.py")}
    assert typed == []


def test_no_template_types_a_length_of_its_own():
    """A limit typed into a template drifts from the one the form or model enforces."""
    root = Path(__file__).resolve().parents[1]
    apps = [init.parent for init in root.glob("*/__init__.py")]
    folders = [root / "templates", *(app / "templates" for app in apps)]
    pages = sorted({path for folder in folders for path in folder.rglob("*.html")})
    assert root / "templates" / "api" / "tokens.html" in pages
    assert root / "search" / "templates" / "search" / "_nav_search.html" in pages
    typed = [
        f"{path.relative_to(root)}:{number}"
        for path in pages
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r'maxlength="\d', line)
    ]
    assert typed == []


def test_the_nav_search_box_takes_what_the_search_form_takes(client, monkeypatch):
    from search import forms

    monkeypatch.setattr(forms, "QUERY_MAX_LENGTH", 77)
    html = client.get(reverse("home")).content.decode()
    box = re.search(r'<input type="search" id="nav-search-q"[^>]*>', html)[0]
    assert 'maxlength="77"' in box


def test_the_nav_search_box_holds_the_query_of_the_results_it_heads(client):
    """On the results page the two boxes agree; elsewhere the nav's is empty."""

    def box(url):
        html = client.get(url).content.decode()
        return re.search(r'<input type="search" id="nav-search-q"[^>]*>', html)[0]

    assert 'value="Trenin &quot;solitude&quot;"' in box('/search/?q=Trenin "solitude"')
    assert "value=" not in box(reverse("home") + "?q=Trenin")
    assert "value=" not in box("/search/")


def test_a_reply_list_without_replies_has_nothing_inside(client):
    """The stylesheet hides `.replies:empty`; a stray space would show an empty list's margin."""
    leaf = ArgumentFactory()
    html = client.get(leaf.motion.get_absolute_url()).content.decode()
    assert f'<ol class="replies" id="replies-{leaf.pk}"></ol>' in html


@pytest.mark.django_db
def test_the_shared_cache_keeps_only_batches_pages_link_to(client):
    """Offsets are typed as easily as followed: a crawl of them must not push the debate's pages
    out of the cache, while the batches "show more" links fetch are kept."""
    motion = MotionFactory()
    for i in range(25):
        ArgumentFactory(motion=motion, claim=f"Point {i}")
    more_url = reverse("more_motion_replies", args=[motion.slug])
    fragments = caches["fragments"]
    fragments.clear()
    assert client.get(f"{more_url}?offset=10").status_code == 200
    assert client.get(f"{more_url}?offset=20").status_code == 200
    kept = len(fragments._cache)
    assert kept == 2
    for offset in [4, 5, 17, 26, 30, 1000, 99999]:
        response = client.get(f"{more_url}?offset={offset}")
        assert response.status_code == 200
    assert len(fragments._cache) == kept


def test_favicon_ico_leads_to_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith(".svg")
    assert "favicon" in response["Location"]
