"""Crux JSON (issue 22): the published JSON Schema of export_debate's format, imports held to
it, and the public download on the motion page."""

import json

import jsonschema
import pytest
from django.core.management import call_command
from django.test import Client

from debates import moderation, services, transfer, voting
from debates.models import Motion
from tests.factories import ArgumentFactory, MotionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def debate(author, member, moderator):
    motion = MotionFactory(author=author, slug="open-data")
    standing = ArgumentFactory(motion=motion, author=author, claim="It stands.", quote="Q")
    retracted = ArgumentFactory(motion=motion, author=author, claim="Taken back.")
    services.retract_argument(author=author, argument=retracted)
    hidden = ArgumentFactory(motion=motion, parent=standing, author=member, claim="Rude words.")
    voting.cast_vote(voter=author, claim=hidden, choice="disagree")
    services.edit_argument(editor=member, argument=hidden, claim="Ruder words.")
    moderation.hide_argument(moderator=moderator, argument=hidden, reason="Abuse.")
    voting.cast_vote(voter=member, claim=standing, choice="agree")
    return motion


def download(motion):
    response = Client().get(f"/motions/{motion.slug}/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{motion.slug}.json"'
    return response.json()


@pytest.mark.usefixtures("seeded")
def test_the_full_export_and_the_public_download_match_the_published_schema():
    validator = jsonschema.Draft202012Validator(
        Client().get("/api/v1/schemas/crux-debate-1.json").json()
    )
    for motion in Motion.objects.all():
        validator.validate(json.loads(json.dumps(transfer.export_debate(motion))))
        validator.validate(download(motion))


def test_the_download_is_the_debate_as_anyone_reads_it(debate, member):
    text = json.dumps(download(debate))
    exported = json.loads(text)
    claims = [item["claim"] for item in exported["arguments"]]
    assert claims == ["It stands.", "[retracted]", "[hidden by a moderator]"]
    assert "Taken back." not in text and "Rude" not in text and "Abuse." not in text
    assert member.display_name not in text  # the hidden reply's author, and the voter
    assert exported["arguments"][0]["tallies"] == {"agree": 1, "disagree": 0}
    assert all(item["votes"] == [] for item in exported["arguments"])
    # A withdrawn claim's votes and rewording, which its page shows nobody, are not given away.
    for withdrawn in exported["arguments"][1:]:
        assert withdrawn["tallies"] == {"agree": 0, "disagree": 0}
        assert (withdrawn["edited_at"], withdrawn["votes_before_edit"]) == (None, 0)
    page = Client().get(debate.get_absolute_url()).content.decode()
    assert f"/motions/{debate.slug}/export.json" in page


def test_a_hidden_motion_has_no_public_download(debate, moderator):
    moderation.hide_motion(moderator=moderator, motion=debate, reason="Spam.")
    assert Client().get(f"/motions/{debate.slug}/export.json").status_code == 404


def test_the_public_download_imports_as_a_new_debate(debate, tmp_path):
    path = tmp_path / "debate.json"
    path.write_text(json.dumps(download(debate)))
    call_command("import_debate", str(path), slug="copy")
    copy = Motion.objects.get(slug="copy")
    assert list(copy.arguments.order_by("id").values_list("claim", "visibility")) == [
        ("It stands.", "visible"),
        ("[retracted]", "retracted"),
        ("[hidden by a moderator]", "hidden"),
    ]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["arguments"][0].update(stance="maybe"), "arguments/0/stance"),
        (lambda d: d["arguments"][0].update(claim="   "), "arguments/0/claim"),
        (lambda d: d["motion"].update(slug="no spaces"), "motion/slug"),
        (lambda d: d["arguments"][0].update(details="a\x00b"), "arguments/0/details"),
        (lambda d: d.pop("arguments"), "the top level"),
    ],
)
def test_an_import_that_does_not_match_the_schema_is_refused_naming_where(debate, change, where):
    data = transfer.export_debate(debate)
    data["motion"]["slug"] = "elsewhere"
    change(data)
    with pytest.raises(transfer.ImportRefused, match=f"at {where}:"):
        transfer.import_debate(data)
    assert not Motion.objects.filter(slug="elsewhere").exists()
