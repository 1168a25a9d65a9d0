import datetime as dt
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count

from debates.interchange.argdown_export import export_argdown
from debates.models import Argument, Motion
from debates.moderation import hide_argument
from tests.factories import ArgumentFactory, MotionFactory, SourceFactory

# npm's @argdown/cli: ARGDOWN_CLI names it, else the project's node_modules, else the PATH.
ARGDOWN_CLI = (
    os.environ.get("ARGDOWN_CLI")
    or shutil.which(
        "argdown", path=str(Path(__file__).resolve().parent.parent / "node_modules" / ".bin")
    )
    or shutil.which("argdown")
)


@pytest.mark.django_db
def test_statements_nest_with_relations_and_carry_their_data():
    motion = MotionFactory(slug="tea", title="Tea", claim="Tea beats coffee.")
    pro = ArgumentFactory(
        motion=motion,
        claim="It has [brackets], colons: #tags @people {braces} and ünïcödé",
        attribution="Ann",
        source=SourceFactory(
            title="The Tea Book",
            author='Mo "Li"',
            publisher="Leaf: Press",
            published_on=dt.date(2020, 11, 10),
            url="https://tea.example/book?a=1&b={x}",
        ),
        quote='A "quoted" line',
    )
    con = ArgumentFactory(motion=motion, parent=pro, stance="con", claim="Line one\nline two")
    Argument.objects.filter(pk=pro.pk).update(agree_count=3, disagree_count=1)
    text = export_argdown(motion)
    lines = text.splitlines()
    assert lines[:4] == ["===", 'title: "Tea"', "===", ""]
    assert lines[4].startswith('[tea]: Tea beats coffee. {crux: "tea", title: "Tea"')
    # The source as the JSON export has it, its text aside; braces escaped, as YAML reads them.
    assert lines[5] == (
        f"  + [c{pro.pk}]: It has \\[brackets\\]\\, colons\\: \\#tags \\@people \\{{braces\\}} "
        f'and ünïcödé {{crux: {pro.pk}, by: "Ann", source: "The Tea Book", '
        'source_author: "Mo \\"Li\\"", source_publisher: "Leaf: Press", '
        'source_published: "2020-11-10", '
        'source_url: "https://tea.example/book?a=1&b=\\u007bx\\u007d", '
        f'quote: "A \\"quoted\\" line", agree: 3, disagree: 1}}'
    )
    assert lines[6].startswith(f"    - [c{con.pk}]: Line one line two {{crux: {con.pk}, ")
    assert '"Line one\\nline two"' in lines[6]
    assert len(lines) == 7


@pytest.mark.django_db
def test_only_what_the_public_sees(moderator):
    motion = MotionFactory(slug="m")
    hidden = ArgumentFactory(motion=motion, claim="A secret slur", quote="secret quote")
    retracted = ArgumentFactory(motion=motion, claim="Taken back", visibility="retracted")
    hide_argument(moderator=moderator, argument=hidden, reason="rude")
    text = export_argdown(motion)
    assert "secret" not in text and "Taken back" not in text and "rude" not in text
    assert (
        f'[c{hidden.pk}]: \\[hidden by a moderator\\] {{crux: {hidden.pk}, status: "hidden"}}'
        in text
    )
    assert (
        f'[c{retracted.pk}]: \\[retracted\\] {{crux: {retracted.pk}, status: "retracted"}}' in text
    )


def test_argdown_cli_reads_the_seeded_export(seeded, tmp_path):
    if not ARGDOWN_CLI or shutil.which("node") is None:
        pytest.skip("The Argdown CLI is not installed (npm install @argdown/cli): not checked.")
    motion = Motion.objects.annotate(n=Count("arguments")).order_by("-n").first()
    path = tmp_path / "debate.argdown"
    path.write_text(export_argdown(motion), encoding="utf-8")
    result = subprocess.run(
        [ARGDOWN_CLI, "json", str(path), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "error" not in (result.stdout + result.stderr).lower()
    data = json.loads((tmp_path / "debate.json").read_text(encoding="utf-8"))
    assert len(data["statements"]) == 1 + Argument.objects.filter(motion=motion).count()
    texts = {
        title: " ".join(member["text"].split())
        for title, statement in data["statements"].items()
        for member in statement["members"]
        if member.get("text")
    }
    for argument in Argument.objects.filter(motion=motion, visibility="visible"):
        assert texts[f"c{argument.pk}"] == " ".join(argument.claim.split())
    # Argdown reads each cited source's details as Crux wrote them.
    cited = Argument.objects.filter(motion=motion, visibility="visible", source__isnull=False)
    assert cited.exists()
    for argument in cited.select_related("source"):
        source = argument.source
        read = data["statements"][f"c{argument.pk}"]["data"]
        published = source.published_on.isoformat() if source.published_on else None
        assert (read["source"], read["source_author"], read["source_url"]) == (
            source.title,
            source.author,
            source.url,
        )
        assert (read.get("source_publisher"), read.get("source_published")) == (
            source.publisher or None,
            published,
        )


@pytest.mark.django_db
def test_the_page_and_the_command_give_the_export(client, django_assert_max_num_queries):
    motion = MotionFactory(slug="tea", claim="Tea.")
    ArgumentFactory(motion=motion, claim="Warm")
    with django_assert_max_num_queries(3):
        response = client.get(f"/motions/{motion.slug}/export.argdown")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == export_argdown(motion)
    out = io.StringIO()
    call_command("export_debate", "tea", "--format", "argdown", stdout=out)
    assert out.getvalue() == export_argdown(motion)
    assert client.get("/motions/nope/export.argdown").status_code == 404
