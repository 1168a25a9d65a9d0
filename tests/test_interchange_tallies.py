"""Votes an Argdown file brings (issue 22): nobody here cast them, so they become imported
tallies, kept apart from members' votes and counted back into every export."""

import io

import pytest
from django.core.management import call_command

from debates.interchange.argdown_export import export_argdown
from debates.interchange.importing import import_text
from debates.interchange.models import ImportedTally
from debates.models import Argument, Vote
from debates.transfer import export_debate, import_debate
from debates.voting import cast_vote_at
from tests.factories import verified_user

pytestmark = pytest.mark.django_db

TEXT = """[tea]: Tea beats coffee. {agree: 7, disagree: 2}
  + [a]: It is gentler. {agree: 4, disagree: 1}
  - [b]: Coffee wakes you. {agree: "many", disagree: -1}
"""


def test_counts_in_the_file_are_imported_tallies_not_votes():
    motion, _, warnings = import_text(text=TEXT, format="argdown")
    gentler = Argument.objects.get(motion=motion, claim="It is gentler.")
    assert (motion.agree_count, gentler.agree_count) == (0, 0)
    assert not Vote.objects.exists()
    assert (motion.imported_tally.agree, motion.imported_tally.disagree) == (7, 2)
    assert (gentler.imported_tally.agree, gentler.imported_tally.disagree) == (4, 1)
    # A count that is not one is left out, and said so.
    assert not ImportedTally.objects.filter(argument__claim="Coffee wakes you.").exists()
    assert warnings == [
        "[b]: agree: 'many' is not a count; left out.",
        "[b]: disagree: -1 is not a count; left out.",
    ]


def test_members_votes_add_to_them_in_the_exports():
    motion, _, _ = import_text(text=TEXT, format="argdown")
    gentler = Argument.objects.get(motion=motion, claim="It is gentler.")
    cast_vote_at(voter=verified_user(), slug=motion.slug, argument_id=gentler.pk, choice="agree")
    gentler.refresh_from_db()
    assert gentler.agree_count == 1  # the page's tally: members' votes only
    assert "It is gentler. {crux: " in export_argdown(motion)
    assert "agree: 5, disagree: 1}" in export_argdown(motion)
    public = export_debate(motion, public=True)
    [item] = [a for a in public["arguments"] if a["claim"] == "It is gentler."]
    assert item["tallies"] == {"agree": 5, "disagree": 1} and "imported_tallies" not in item


def test_crux_json_carries_them_whole_and_public():
    motion, _, _ = import_text(text=TEXT, format="argdown")
    full = export_debate(motion)
    assert full["motion"]["imported_tallies"] == {"agree": 7, "disagree": 2}
    again, _ = import_debate(full, slug="again")
    assert (again.imported_tally.agree, again.imported_tally.disagree) == (7, 2)
    # The public download's tallies have no voters: imported again, they are imported tallies.
    public_again, _ = import_debate(export_debate(motion, public=True), slug="public-again")
    assert export_argdown(public_again).count("agree: 4, disagree: 1}") == 1


def test_the_upload_page_and_the_command_say_what_became_of_them(client, member, tmp_path):
    client.force_login(member)
    page = client.post("/motions/import/", {"format": "argdown", "text": TEXT}, follow=True)
    assert "2 claim(s) came with agree/disagree counts from elsewhere" in page.content.decode()
    path = tmp_path / "tea.argdown"
    path.write_text(TEXT.replace("[tea]", "[cocoa]"), encoding="utf-8")
    out = io.StringIO()
    call_command("import_debate", str(path), "--format", "argdown", stdout=out)
    assert "2 claim(s) came with agree/disagree counts" in out.getvalue()
