import json

import pytest
from django.core.management import call_command

from debates import sources
from debates.models import Argument, Motion, Source, Stance
from debates.seeding import KARABAKH_SEED, SEED_DIR

pytestmark = pytest.mark.django_db

ESSAY = (SEED_DIR / "karabakh-essay.txt").read_text(encoding="utf-8")
SEEDED_PEOPLE = {"Dmitri Trenin", "Simon Saradzhyan", "A reader", "Vladislav Surkov"}


def snapshot():
    return {
        "motions": list(Motion.objects.order_by("id").values()),
        "arguments": list(Argument.objects.order_by("id").values()),
        "sources": list(Source.objects.order_by("id").values()),
    }


def test_seed_command_is_idempotent(seeded):
    before = snapshot()
    call_command("seed_karabakh")
    assert snapshot() == before
    assert seeded.arguments >= 30
    assert Argument.objects.count() == seeded.arguments
    assert Motion.objects.count() == seeded.motions >= 6


def test_reseeding_keeps_what_people_added_and_moderators_changed(seeded):
    motion = Motion.objects.get(slug="strategic-solitude")
    people_reply = Argument.objects.create(
        motion=motion, stance=Stance.CON, claim="A reader's later objection."
    )
    seeded_argument = Argument.objects.filter(seed_key__isnull=False).first()
    seeded_argument.visibility = Argument.Visibility.HIDDEN
    seeded_argument.save()
    motion.featured = not motion.featured
    motion.save()

    call_command("seed_karabakh")

    assert Argument.objects.filter(pk=people_reply.pk).exists()
    seeded_argument.refresh_from_db()
    assert seeded_argument.visibility == Argument.Visibility.HIDDEN
    assert Motion.objects.get(pk=motion.pk).featured == motion.featured


def test_every_seeded_claim_is_attributed_with_a_verbatim_quote(seeded):
    """Verbatim from the source it cites, not merely from the page it was captured from: the
    essay's sentence reporting Trenin's view is the essay's words, not Trenin's article's."""
    held = [sources.text_of(source) for source in Source.objects.all()]
    claims = [*Motion.objects.all(), *Argument.objects.all()]
    for claim in claims:
        assert claim.author is None, "seeded claims are not posted by fake users"
        assert claim.attribution in SEEDED_PEOPLE, claim
        assert claim.source is not None, claim
        assert claim.quote.strip(), claim
        assert claim.quote in ESSAY, f"not verbatim from the essay: {claim.quote!r}"
        if cited := sources.text_of(claim.source):
            assert claim.quote in cited, f"not verbatim in {claim.source}: {claim.quote!r}"
        else:
            assert not any(claim.quote in text for text in held), f"misattributed: {claim}"


def test_every_motion_has_pro_and_con_arguments(seeded):
    for motion in Motion.objects.all():
        stances = set(motion.arguments.filter(parent=None).values_list("stance", flat=True))
        assert stances == {Stance.PRO, Stance.CON}, motion.slug


def test_the_essay_rebuts_rebuttals_so_the_seed_nests(seeded):
    assert Argument.objects.filter(depth__gte=2).exists()
    for argument in Argument.objects.exclude(parent=None).select_related("parent"):
        assert argument.parent.motion_id == argument.motion_id
        assert argument.depth == argument.parent.depth + 1


def test_the_six_motions_of_the_essay_are_covered(seeded):
    holders = dict(Motion.objects.values_list("slug", "attribution"))
    assert len(holders) >= 6
    assert {"Dmitri Trenin", "Simon Saradzhyan"} <= set(holders.values())


def test_the_reader_comment_is_a_readers_argument(seeded):
    reader = Argument.objects.filter(attribution="A reader")
    assert reader.exists()
    assert all(a.source.title.lower().startswith("reader") for a in reader)


def test_the_2019_figures_are_charted_where_that_argument_is_read(client, seeded):
    argument = Argument.objects.get(figures__isnull=False)
    values = [bar["value"] for g in argument.figures["groups"] for bar in g["bars"]]
    assert values == [3.1, 1.9, 32, 69]

    html = client.get(argument.get_absolute_url()).content.decode()

    assert '<svg class="figures__chart"' in html
    for text in ("3.1%", "1.9%", "32%", "69%"):
        assert text in html


def test_seed_file_keys_are_unique():
    data = json.loads(KARABAKH_SEED.read_text(encoding="utf-8"))
    keys = []
    stack = [a for m in data["motions"] for a in m["arguments"]]
    while stack:
        node = stack.pop()
        keys.append(node["key"])
        stack.extend(node.get("arguments", []))
    assert len(keys) == len(set(keys))


def test_seeded_sources_say_who_published_them_and_link_there(seeded, client):
    """A reader can follow each seeded source to where it was published, and the essay, whose
    date is known, says when (issue 17; the others' dates could not be checked)."""
    for source in Source.objects.filter(seed_key__isnull=False):
        assert source.author and source.publisher, source
        assert source.url.startswith("https://"), source
    essay = Source.objects.get(seed_key="saradzhyan-essay")
    page = client.get(f"/sources/{essay.pk}/").content.decode()
    assert essay.url in page and "Defence-in-Depth" in page and "29 January 2021" in page
