"""What an import costs the database: each kind of row is written in a few statements, so a
file of a hundred arguments takes the queries one of ten does (a 3,000-statement Argdown file
once took 42,000 queries and some 25 seconds, its write lock held throughout); a member's import
brings at most ARGUMENTS_MAX arguments; and what the database refuses is an ImportRefused (a
422 on the page), never a 500."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from debates import transfer
from debates.interchange import importing
from debates.interchange.importing import import_text
from debates.interchange.models import ImportedTally
from debates.models import Argument, ArgumentRevision, Motion, Source, Vote
from debates.transfer import ARGUMENTS_MAX, ImportRefused, import_debate
from tests.factories import ArgumentFactory, small_export, verified_user

pytestmark = pytest.mark.django_db

SOURCE_TEXT = "The first sentence of the text. The second sentence, which is quoted."
QUOTE = "The second sentence, which is quoted."


def _argdown(n, *, nested=False):
    """A motion and `n` statements: each under the motion, or (`nested`) each under the last."""
    lines = ["===", f"title: Debate of {n}", "===", "", "[Motion]: The motion's claim."]
    for i in range(n):
        indent = "  " * (i + 1 if nested else 1)
        lines.append(f"{indent}{'+' if i % 2 else '-'} [s{i}]: Statement {i} is here.")
    return "\n".join(lines) + "\n"


def _export(n, voters):
    """A Crux export of `n` arguments, every row kind an import writes: a tree three deep, each
    argument with votes, an earlier wording, its times, a seed key, a quote anchored in a source
    with a text, a source of its own and imported tallies."""
    person = [{"id": voter.pk, "display_name": voter.display_name} for voter in voters]
    votes = [{"voter": each, "choice": "agree"} for each in person]
    sources = {"s1": {"title": "A source with a text", "text": SOURCE_TEXT}}
    arguments = []
    for i in range(1, n + 1):
        sources[f"s{i + 1}"] = {"title": f"Source {i}", "url": f"https://example.org/{i}"}
        arguments.append(
            {
                "ref": f"a{i}",
                "parent": f"a{(i - 1) // 3}" if i > 3 else None,
                "seed_key": f"cost-{n}-{i}",
                "stance": "con" if i % 2 else "pro",
                "claim": f"Argument {i} holds.",
                "details": f"Details of argument {i}, *emphasised*.",
                "source": "s1" if i % 2 else f"s{i + 1}",
                "quote": QUOTE,
                "author": person[0],
                "created_at": "2024-01-02T03:04:05+00:00",
                "updated_at": "2024-01-03T03:04:05+00:00",
                "edited_at": "2024-01-03T03:04:05+00:00",
                "votes_before_edit": 1,
                "revisions": [
                    {
                        "claim": f"Argument {i} held.",
                        "written_at": "2024-01-02T03:04:05+00:00",
                        "replaced_at": "2024-01-03T03:04:05+00:00",
                        "tallies": {"agree": 1, "disagree": 0},
                    }
                ],
                "votes": votes,
                "imported_tallies": {"agree": 2, "disagree": 1},
            }
        )
    motion = {
        "slug": f"exported-{n}",
        "title": f"Exported {n}",
        "claim": "The motion.",
        "votes": votes,
    }
    return {
        "format": transfer.FORMAT,
        "version": transfer.VERSION,
        "motion": motion,
        "sources": sources,
        "arguments": arguments,
    }


def _queries(do) -> int:
    with CaptureQueriesContext(connection) as captured:
        do()
    return len(captured)


@pytest.mark.parametrize("nested", [False, True])
def test_an_argdown_import_costs_the_same_queries_for_ten_arguments_or_a_hundred(nested):
    member = verified_user()

    def importing_of(n):
        return lambda: import_text(text=_argdown(n, nested=nested), format="argdown", author=member)

    importing_of(1)()  # what a member's first import looks up once (may they post?) is kept
    assert _queries(importing_of(10)) == _queries(importing_of(100))
    assert Argument.objects.count() == 111
    deepest = (
        Argument.objects.filter(motion__slug="debate-of-100").order_by("-depth", "-id").first()
    )
    assert deepest.depth == (99 if nested else 0) and deepest.claim == "Statement 99 is here."


def _kialo(n):
    """A thesis and `n` claims under it, every other one Kialo's link to the claim before it."""
    lines = [f"Discussion Title: Kialo {n}", "", "1. The thesis."]
    for i in range(1, n + 1):
        said = f"-> See 1.{i - 1}." if i % 2 == 0 else f"Claim {i} holds."
        lines.append(f"1.{i}. {'Pro' if i % 3 else 'Con'}: {said}")
    return "\n".join(lines) + "\n"


def test_a_kialo_import_with_links_costs_the_same_queries_for_ten_claims_or_a_hundred():
    member = verified_user()

    def importing_of(n):
        return lambda: import_text(text=_kialo(n), format="kialo", author=member)

    importing_of(2)()  # as above
    assert _queries(importing_of(10)) == _queries(importing_of(100))
    target = Argument.objects.get(motion__slug="kialo-100", claim="Claim 99 holds.", stance="con")
    link = Argument.objects.get(motion__slug="kialo-100", claim="Claim 99 holds.", stance="pro")
    assert f"/arguments/{target.pk}/" in link.details_html


def test_an_export_s_import_costs_the_same_queries_for_ten_arguments_or_a_hundred():
    voters = [verified_user(), verified_user()]
    small, large = _export(10, voters), _export(100, voters)

    assert _queries(lambda: import_debate(small)) == _queries(lambda: import_debate(large))

    motion = Motion.objects.get(slug="exported-100")
    arguments = list(Argument.objects.filter(motion=motion).order_by("id"))
    assert [argument.claim for argument in arguments] == [
        f"Argument {i} holds." for i in range(1, 101)
    ]
    by_claim = {argument.claim: argument for argument in arguments}
    tenth = by_claim["Argument 10 holds."]
    assert tenth.parent == by_claim["Argument 3 holds."] and tenth.depth == 1
    thirteenth = by_claim["Argument 13 holds."]
    assert thirteenth.parent.parent == by_claim["Argument 1 holds."] and thirteenth.depth == 2
    assert (tenth.agree_count, tenth.disagree_count, tenth.votes_before_edit) == (2, 0, 1)
    assert tenth.created_at.isoformat() == "2024-01-02T03:04:05+00:00"
    assert tenth.updated_at.isoformat() == "2024-01-03T03:04:05+00:00"
    assert tenth.seed_key == "cost-100-10" and tenth.details_html.count("<em>") == 1
    anchored = by_claim["Argument 9 holds."]
    assert anchored.quote_start == SOURCE_TEXT.index(QUOTE) and anchored.anchor == "exact"
    assert tenth.quote_start is None and tenth.source.url == "https://example.org/10"
    revision = ArgumentRevision.objects.get(argument=tenth)
    assert revision.replaced_at.isoformat() == "2024-01-03T03:04:05+00:00"
    assert Vote.objects.filter(argument__motion=motion).count() == 200
    assert (motion.agree_count, Vote.objects.filter(motion=motion).count()) == (2, 2)
    assert ImportedTally.objects.filter(argument__motion=motion).count() == 100
    assert Source.objects.count() == 1 + 10 + 1 + 100


def test_a_member_s_import_brings_at_most_the_limit(client):
    client.force_login(verified_user())

    response = client.post(
        "/motions/import/", {"format": "argdown", "text": _argdown(ARGUMENTS_MAX + 1)}
    )

    assert response.status_code == 422
    assert "This file brings 2,001 arguments; an import may bring 2,000 at most" in (
        response.content.decode()
    )
    assert not Motion.objects.exists()


def test_an_import_of_the_limit_goes_in_and_an_admin_is_not_held_to_it(client, monkeypatch):
    monkeypatch.setattr(importing, "ARGUMENTS_MAX", 5)
    client.force_login(verified_user())

    response = client.post("/motions/import/", {"format": "argdown", "text": _argdown(5)})

    assert response.status_code == 303
    # An admin's manage.py import_debate brings a debate back whole, however big.
    motion, _, _ = import_text(text=_argdown(6), format="argdown")
    assert motion.arguments.count() == 6


def test_what_the_database_refuses_is_an_import_refused_and_nothing_is_kept(monkeypatch):
    ArgumentFactory(seed_key="cost-10-1")
    # As though the argument with that key were committed after the import looked for it.
    monkeypatch.setattr(transfer, "_seed_keys_taken", lambda model, items: set())
    before = (Motion.objects.count(), Argument.objects.count(), Source.objects.count())

    with pytest.raises(ImportRefused, match=r"The database refuses this file: .*seed_key"):
        import_debate(_export(10, [verified_user()]))

    assert (Motion.objects.count(), Argument.objects.count(), Source.objects.count()) == before


@pytest.mark.parametrize(
    ("where", "said"),
    [
        (("revisions", 0, "tallies"), "The agree count of revision 1 of argument a1: Ensure"),
        (("imported_tallies",), "The agree of the tallies of argument a1: Ensure"),
    ],
)
def test_a_count_beyond_what_the_database_keeps_is_refused_by_name(where, said):
    data = _export(1, [verified_user()])
    counts = data["arguments"][0]
    for key in where:
        counts = counts[key]
    counts["agree"] = 2**63  # more than either database stores

    with pytest.raises(ImportRefused, match=said):
        import_debate(data)

    assert not Motion.objects.exists()


def test_an_export_s_import_costs_the_same_queries_for_ten_voters_or_a_hundred():
    """An export from a site names its voters by id and name: found all at once, not each."""

    def imported(n, slug):
        people = [verified_user() for _ in range(n)]
        votes = [
            {"voter": {"id": p.pk, "display_name": p.display_name}, "choice": "agree"}
            for p in people
        ]
        renamed = {"id": people[0].pk, "display_name": "Not her name now"}
        data = small_export(motion={"slug": slug}, argument={"votes": votes, "author": renamed})
        return _queries(lambda: import_debate(data))

    assert imported(10, "ten") == imported(100, "hundred")
    argument = Argument.objects.get(motion__slug="hundred")
    assert argument.agree_count == 100 and argument.author is None  # a name no longer hers
