"""Motions given one title at once, proposed or imported: each gets its own slug, never a 500.

Proposing and importing create a motion through one door (services.save_under_free_slug): the
slug is chosen and inserted in a savepoint, and one a simultaneous write took meanwhile is passed
over for the next. On PostgreSQL the writers really race; on SQLite (IMMEDIATE transactions) they
queue, and the same tests pass. The tests without threads force the clash on either database.
"""

import uuid

import pytest
from django.db import IntegrityError
from django.test import Client

from debates import services
from debates.errors import DebateRuleError
from debates.interchange.importing import import_text
from debates.models import Motion
from debates.transfer import ImportRefused
from tests.concurrency import run_at_once
from tests.factories import MotionFactory, verified_user

ARGDOWN = "===\ntitle: Same title\n===\n\n[Same title]: The motion claim.\n  + [p1]: A pro.\n"
SLUGS = ["same-title", *(f"same-title-{n}" for n in range(2, 9))]


@pytest.fixture
def unlimited(settings):
    settings.CRUX_RATE_LIMITS = {}


def _posting(person, path, data):
    def job():
        client = Client(raise_request_exception=False)
        client.force_login(person)
        return client.post(path, data).status_code

    return job


def _proposal(person):
    # Proposed anyway: the others of this title land meanwhile (views_posting names them first).
    data = {"title": "Same title", "claim": f"Claim by {person.pk}.", "context": ""}
    data["same_title_seen"] = "Same title"
    return _posting(person, "/motions/new/", {**data, "submission_key": str(uuid.uuid4())})


def _import(person):
    return _posting(person, "/motions/import/", {"format": "argdown", "text": ARGDOWN})


@pytest.mark.django_db(transaction=True)
def test_many_proposals_of_one_title_at_once_all_land(unlimited):
    people = [verified_user() for _ in range(5)]

    results, errors = run_at_once([_proposal(person) for person in people])

    assert errors == [] and results == [303] * 5
    assert sorted(Motion.objects.values_list("slug", flat=True)) == SLUGS[:5]


@pytest.mark.django_db(transaction=True)
def test_many_imports_of_one_title_at_once_all_land(unlimited):
    people = [verified_user() for _ in range(4)]

    results, errors = run_at_once([_import(person) for person in people])

    assert errors == [] and results == [303] * 4
    assert sorted(Motion.objects.values_list("slug", flat=True)) == SLUGS[:4]
    assert all(motion.arguments.count() == 1 for motion in Motion.objects.all())


@pytest.mark.django_db(transaction=True)
def test_proposals_and_imports_of_one_title_at_once_share_the_slugs(unlimited):
    people = [verified_user() for _ in range(6)]
    jobs = [(_proposal if n % 2 else _import)(person) for n, person in enumerate(people)]

    results, errors = run_at_once(jobs)

    assert errors == [] and results == [303] * 6
    assert sorted(Motion.objects.values_list("slug", flat=True)) == SLUGS[:6]


@pytest.mark.django_db(transaction=True)
def test_one_proposal_sent_three_times_at_once_makes_one_motion():
    author, key = verified_user(), uuid.uuid4()

    def job():
        return services.propose_motion(
            author=author, title="Same title", claim="Once.", submission_key=key
        )

    results, errors = run_at_once([job] * 3)

    assert errors == []
    assert {motion.pk for motion, _ in results} == {Motion.objects.get().pk}
    assert sorted(created for _, created in results) == [False, False, True]


def _chosen_before_a_rival_took_it(monkeypatch, times):
    """The next `times` slugs are chosen as though their base were free: the motion that has it
    committed just after the choice, as a race's winner does, and the insert meets the key."""
    left = [times]
    free_slug = services._free_slug

    def chosen(base):
        if left[0]:
            left[0] -= 1
            return base
        return free_slug(base)

    monkeypatch.setattr(services, "_free_slug", chosen)


@pytest.mark.django_db
def test_a_slug_taken_after_it_was_chosen_is_passed_over(monkeypatch, member):
    MotionFactory(slug="same-title")
    _chosen_before_a_rival_took_it(monkeypatch, times=2)

    motion, created = services.propose_motion(author=member, title="Same title", claim="Mine.")
    imported, _, _ = import_text(text=ARGDOWN, format="argdown", author=member)

    assert created and motion.slug == "same-title-2"
    assert imported.slug == "same-title-3" and imported.arguments.count() == 1


@pytest.mark.django_db
def test_an_import_under_a_slug_in_use_is_refused():
    MotionFactory(slug="chosen")
    with pytest.raises(ImportRefused, match="'chosen' exists already"):
        import_text(text=ARGDOWN, format="argdown", slug="chosen")
    assert Motion.objects.count() == 1


@pytest.mark.django_db
def test_slugs_taken_again_and_again_end_in_a_refusal_not_a_500(monkeypatch, member):
    MotionFactory(slug="same-title")
    monkeypatch.setattr(services, "_free_slug", lambda base: base)

    with pytest.raises(DebateRuleError, match="try again") as refusal:
        services.propose_motion(author=member, title="Same title", claim="Mine.")

    assert refusal.value.status == 409
    assert Motion.objects.count() == 1


@pytest.mark.django_db
def test_another_key_refusing_the_motion_is_raised_not_taken_for_a_slug_clash(member):
    key = uuid.uuid4()
    services.propose_motion(author=member, title="First", claim="One.", submission_key=key)
    again = Motion(title="Second", claim="Two.", author=member, submission_key=key)

    with pytest.raises(IntegrityError):
        services.save_under_free_slug(motion=again, base="second")
    assert list(Motion.objects.values_list("slug", flat=True)) == ["first"]
