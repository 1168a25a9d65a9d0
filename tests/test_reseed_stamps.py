"""Seeding again while Crux serves stamps each motion whose debate it changed (Motion.activity),
as any other write does, so trees cached under the old stamp are not served again; a seed that
changes nothing stamps nothing."""

import copy
import json

import pytest
from django.core.management import call_command

from debates.models import Argument, Motion
from debates.seeding import KARABAKH_SEED, SEED_DIR, load_seed

pytestmark = pytest.mark.django_db

SEED = json.loads(KARABAKH_SEED.read_text(encoding="utf-8"))


def activity():
    return dict(Motion.objects.values_list("slug", "activity"))


def reseed(data, capture):
    with capture(execute=True):
        load_seed(data, texts=SEED_DIR)


def test_a_reseed_that_changes_nothing_stamps_nothing(seeded, django_capture_on_commit_callbacks):
    before = activity()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_karabakh")
    assert activity() == before


def test_a_changed_argument_stamps_its_motion_alone(seeded, django_capture_on_commit_callbacks):
    data = copy.deepcopy(SEED)
    motion = data["motions"][0]
    motion["arguments"][0]["details"] += " Reworded in the seed."
    before = activity()

    reseed(data, django_capture_on_commit_callbacks)

    after = activity()
    assert after[motion["slug"]] == before[motion["slug"]] + 1
    assert {s: a for s, a in after.items() if s != motion["slug"]} == {
        s: a for s, a in before.items() if s != motion["slug"]
    }


def test_an_added_argument_and_a_changed_motion_stamp_theirs(
    seeded, django_capture_on_commit_callbacks
):
    data = copy.deepcopy(SEED)
    first, second = data["motions"][0], data["motions"][1]
    added = copy.deepcopy(first["arguments"][0])
    added.update(key="added-by-a-reseed", arguments=[])
    first["arguments"].append(added)
    second["context"] += " More context."
    before = activity()

    reseed(data, django_capture_on_commit_callbacks)

    after = activity()
    assert Argument.objects.filter(seed_key="added-by-a-reseed").exists()
    for slug in (first["slug"], second["slug"]):
        assert after[slug] == before[slug] + 1, slug


def test_a_changed_source_stamps_the_debates_citing_it(seeded, django_capture_on_commit_callbacks):
    data = copy.deepcopy(SEED)
    source = next(s for s in data["sources"] if s["key"] == "reader-comment")
    source["title"] += " (corrected)"
    citing = set(
        Motion.objects.filter(source__seed_key="reader-comment").values_list("slug", flat=True)
    ) | set(
        Argument.objects.filter(source__seed_key="reader-comment").values_list(
            "motion__slug", flat=True
        )
    )
    assert citing  # the seed cites the reader's comment
    before = activity()

    reseed(data, django_capture_on_commit_callbacks)

    after = activity()
    assert {s for s in after if after[s] != before[s]} == citing
