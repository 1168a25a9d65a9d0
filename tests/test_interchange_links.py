"""A link from a debate's texts to one of its own arguments leads, in a copy made by export and
import (Crux JSON or Argdown), to the copy's argument, not the one it was exported from: the
export writes it as the argument's ref (`#a3`), the import leads that to the argument it makes.
Links anywhere else are kept as written (debates/interchange/links.py)."""

import json
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from debates import services
from debates.interchange.argdown_export import export_argdown
from debates.interchange.importing import import_text
from debates.interchange.links import from_refs, to_refs
from debates.models import DETAILS_MAX_LENGTH, Argument, ArgumentRevision, Motion
from debates.transfer import ImportRefused, export_debate, import_debate, schema
from tests.factories import ArgumentFactory, MotionFactory, small_export

pytestmark = pytest.mark.django_db

SITE = "https://crux.example"
KIALO = """Discussion Title: Should cities ban cars?

1. Cities should ban cars.
1.1. Pro: Fewer cars mean cleaner air.
1.1.1. Pro: Asthma rates fall where traffic falls.
1.2. Con: Shops lose customers who drive in.
1.2.1. Con: -> See 1.1.1.
"""


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


def link_of(argument) -> str:
    return f"/motions/{argument.motion.slug}/arguments/{argument.pk}/"


def kialo_link(motion):
    """The reply Kialo's "-> See 1.1.1." became, and the argument it links to."""
    reply = Argument.objects.get(motion=motion, stance="con", parent__isnull=False)
    target = Argument.objects.get(motion=motion, claim=reply.claim, stance="pro")
    return reply, target


# --- The journey that was broken ---------------------------------------------------------------


def test_a_kialo_link_imported_again_from_json_leads_into_the_copy(member):
    original, _, _ = import_text(text=KIALO, format="kialo", author=member)
    reply, target = kialo_link(original)
    assert f'href="{link_of(target)}"' in reply.details_html

    exported = Client().get(f"/motions/{original.slug}/export.json").json()
    copy, _, _ = import_text(text=json.dumps(exported), format="json", author=member)

    copied_reply, copied_target = kialo_link(copy)
    assert copy.slug != original.slug and copied_target.pk != target.pk
    assert copied_reply.details == (
        f"The same claim as [this argument]({link_of(copied_target)}), which Kialo links here."
    )
    assert f'href="{link_of(copied_target)}"' in copied_reply.details_html
    assert f"/arguments/{target.pk}/" not in copied_reply.details_html


def test_a_kialo_link_imported_again_from_argdown_leads_into_the_copy(member):
    original, _, _ = import_text(text=KIALO, format="kialo", author=member)
    _, target = kialo_link(original)
    argdown = export_argdown(original)
    # Argdown keeps the address an Argdown reader follows to the site.
    assert link_of(target) in argdown

    copy, _, warnings = import_text(text=argdown, format="argdown", author=member)

    copied_reply, copied_target = kialo_link(copy)
    assert warnings == []
    assert f'href="{link_of(copied_target)}"' in copied_reply.details_html
    assert link_of(target) not in copied_reply.details


# --- What the export writes --------------------------------------------------------------------


@pytest.fixture
def linked(author):
    """A motion whose context and details link to its own arguments in each form a page of the
    site has, and to places that are not its arguments."""
    motion = MotionFactory(slug="tea", author=author)
    first = ArgumentFactory(motion=motion, author=author, claim="Tea is warm.")
    second = ArgumentFactory(motion=motion, author=author, claim="Tea is cheap.")
    other = ArgumentFactory(motion=MotionFactory(slug="coffee"), claim="Coffee wakes.")
    motion.context = f"As [the first]({link_of(first)}) says."
    motion.save()
    second.details = "\n".join(
        [
            f"[relative]({link_of(first)})",
            f"[absolute]({SITE}{link_of(first)} 'a title')",
            f"[anchor](/motions/tea/?sort=new#argument-{first.pk})",
            f"[bare](#argument-{first.pk}) [angle](<{link_of(first)}>)",
            f"[other motion]({link_of(other)}) [other site](https://else.example{link_of(first)})",
            f"[history]({link_of(first)}history/) [motion](/motions/tea/)",
            f"`[code]({link_of(first)})` [by definition][defined]",
            "",
            f"[defined]: {link_of(first)}",
        ]
    )
    second.save()
    return motion, first, second, other


def test_links_to_the_debate_s_own_arguments_are_written_as_their_refs(linked):
    motion, first, _, other = linked
    exported = export_debate(motion)
    ref = next(item["ref"] for item in exported["arguments"] if item["claim"] == "Tea is warm.")
    details = next(item for item in exported["arguments"] if item["claim"] == "Tea is cheap.")
    assert exported["motion"]["context"] == f"As [the first](#{ref}) says."
    assert details["details"].split("\n") == [
        f"[relative](#{ref})",
        f"[absolute](#{ref} 'a title')",
        f"[anchor](#{ref})",
        f"[bare](#{ref}) [angle](<#{ref}>)",
        f"[other motion]({link_of(other)}) [other site](https://else.example{link_of(first)})",
        f"[history]({link_of(first)}history/) [motion](/motions/tea/)",
        f"`[code]({link_of(first)})` [by definition][defined]",
        "",
        f"[defined]: #{ref}",
    ]
    # The public download, which the API serves, writes them so too.
    public = Client().get("/motions/tea/export.json").json()
    assert [item["details"] for item in public["arguments"]] == [
        item["details"] for item in exported["arguments"]
    ]
    assert public["motion"]["context"] == exported["motion"]["context"]


def test_the_schema_says_how_a_link_to_an_argument_is_written():
    served = Client().get("/api/v1/schemas/crux-debate-1.json").json()
    assert served == schema()
    markdown = served["$defs"]["markdown"]
    assert "`[words](#a3)`" in markdown["description"]
    assert served["$defs"]["motion"]["properties"]["context"] == {"$ref": "#/$defs/markdown"}
    argument = served["$defs"]["argument"]["properties"]
    assert argument["details"] == {"$ref": "#/$defs/markdown"}
    assert argument["revisions"]["items"]["properties"]["details"] == {"$ref": "#/$defs/markdown"}


# --- What the import makes of them ------------------------------------------------------------


def test_a_copy_s_links_lead_to_its_own_arguments_and_the_rest_stay(linked):
    motion, first, _, other = linked

    copy, _ = import_debate(json.loads(json.dumps(export_debate(motion))), slug="tea-copy")

    first_copy = Argument.objects.get(motion=copy, claim="Tea is warm.")
    second_copy = Argument.objects.get(motion=copy, claim="Tea is cheap.")
    copied = link_of(first_copy)
    assert copy.context == f"As [the first]({copied}) says."
    assert f'href="{copied}"' in copy.context_html
    assert second_copy.details.split("\n") == [
        f"[relative]({copied})",
        f"[absolute]({copied} 'a title')",
        f"[anchor]({copied})",
        f"[bare]({copied}) [angle](<{copied}>)",
        f"[other motion]({link_of(other)}) [other site](https://else.example{link_of(first)})",
        f"[history]({link_of(first)}history/) [motion](/motions/tea/)",
        f"`[code]({link_of(first)})` [by definition][defined]",
        "",
        f"[defined]: {copied}",
    ]
    assert second_copy.details_html.count(f'href="{copied}"') == 6
    assert f'href="{link_of(other)}"' in second_copy.details_html
    # Written the same way again: a copy exports as the debate it was made from.
    again = export_debate(copy)
    assert again["motion"]["context"] == export_debate(motion)["motion"]["context"]
    assert [item["details"] for item in again["arguments"]] == [
        item["details"] for item in export_debate(motion)["arguments"]
    ]


def test_earlier_wordings_keep_their_links_into_the_restored_debate(author):
    motion = MotionFactory(slug="tea", author=author)
    first = ArgumentFactory(motion=motion, author=author, claim="Tea is warm.")
    second = ArgumentFactory(motion=motion, author=author, claim="Tea is cheap.")
    services.edit_argument(
        editor=author, argument=second, claim="Tea is cheap.", details=f"[x]({link_of(first)})"
    )
    services.edit_argument(editor=author, argument=second, claim="Tea costs little.", details="")

    copy, _ = import_debate(export_debate(motion), slug="tea-restored")

    first_copy = Argument.objects.get(motion=copy, claim="Tea is warm.")
    revision = ArgumentRevision.objects.get(argument__motion=copy, details__contains="[x]")
    assert revision.details == f"[x]({link_of(first_copy)})"
    assert f'href="{link_of(first_copy)}"' in revision.details_html


def test_an_older_file_s_links_and_refs_the_file_lacks_are_kept_as_written():
    old = "[older](/motions/tea/arguments/12/) [missing](#a9)"
    data = small_export(argument={"details": old}, motion={"context": "[a](#a1) `[b](#a1)`"})

    motion, _ = import_debate(data, slug="tea-old")

    argument = Argument.objects.get(motion=motion)
    assert argument.details == old
    assert motion.context == f"[a]({link_of(argument)}) `[b](#a1)`"


def test_links_that_take_a_text_past_its_limit_are_refused_and_nothing_is_kept():
    link = "[x](#a1) "
    details = link * (DETAILS_MAX_LENGTH // len(link))
    data = small_export(argument={"details": details})

    with pytest.raises(ImportRefused) as refused:
        import_debate(data, slug="a-slug-long-enough-to-take-the-links-past-the-limit")

    assert str(refused.value).startswith(
        "The details of argument a1, its links leading into this copy, has "
    )
    assert str(refused.value).endswith(f"characters; keep it to {DETAILS_MAX_LENGTH:,}.")
    assert not Motion.objects.exists() and not Argument.objects.exists()


# --- Argdown -----------------------------------------------------------------------------------


def test_an_argdown_copy_leads_its_links_to_its_own_arguments(linked, member):
    motion, first, _, other = linked

    copy, _, warnings = import_text(text=export_argdown(motion), format="argdown", author=member)

    first_copy = Argument.objects.get(motion=copy, claim="Tea is warm.")
    second_copy = Argument.objects.get(motion=copy, claim="Tea is cheap.")
    copied = link_of(first_copy)
    assert warnings == []
    assert copy.context == f"As [the first]({copied}) says."
    assert second_copy.details.split("\n")[:5] == [
        f"[relative]({copied})",
        f"[absolute]({copied} 'a title')",
        f"[anchor]({copied})",
        f"[bare]({copied}) [angle](<{copied}>)",
        f"[other motion]({link_of(other)}) [other site](https://else.example{link_of(first)})",
    ]


def test_an_argdown_file_from_elsewhere_keeps_links_its_statements_do_not_name():
    text = (
        '[M]: Tea. {crux: "tea", context: "[a](/motions/tea/arguments/3/)"}\n'
        '  + [c3]: Warm. {crux: 3, details: "[b](/motions/coffee/arguments/3/)"}\n'
        '  - [c4]: Dear. {details: "[c](/motions/tea/arguments/4/)"}\n'
    )
    motion, _, _ = import_text(text=text, format="argdown")
    warm = Argument.objects.get(motion=motion, claim="Warm.")
    dear = Argument.objects.get(motion=motion, claim="Dear.")
    assert motion.context == f"[a]({link_of(warm)})"
    assert warm.details == "[b](/motions/coffee/arguments/3/)"
    assert dear.details == "[c](/motions/tea/arguments/4/)"  # no statement is crux 4


# --- Cost ----------------------------------------------------------------------------------------


def _linked_export(n, slug):
    """An export of `n` arguments, each linking to the one before it, the context to the first."""
    data = small_export(motion={"slug": slug, "context": "[first](#a1)"})
    data["arguments"] = [
        {"ref": f"a{i}", "stance": "pro", "claim": f"Claim {i}.", "details": f"[x](#a{i - 1})"}
        for i in range(1, n + 1)
    ]
    return data


def test_links_cost_the_same_queries_for_ten_arguments_or_a_hundred():
    def queries(n):
        with CaptureQueriesContext(connection) as captured:
            import_debate(_linked_export(n, f"linked-{n}"))
        return len(captured)

    def unlinked(n):
        data = _linked_export(n, f"plain-{n}")
        data["motion"]["context"] = ""
        for item in data["arguments"]:
            item["details"] = ""
        with CaptureQueriesContext(connection) as captured:
            import_debate(data)
        return len(captured)

    assert queries(10) == queries(100) == unlinked(10) + 1  # the details written again, at once
    hundred = Motion.objects.get(slug="linked-100")
    last = Argument.objects.get(motion=hundred, claim="Claim 100.")
    before = Argument.objects.get(motion=hundred, claim="Claim 99.")
    assert last.details == f"[x]({link_of(before)})"


@pytest.mark.parametrize(
    "raw",
    [
        "".join("`" * k + "x" for k in range(600, 0, -1)),
        "](/motions/" * 20_000,
        "[a]: /motions/\n" * 15_000,
        "```\n" + "x\n" * 100_000,
        "\\]" * 100_000,
    ],
)
def test_text_that_never_closes_what_it_opens_is_read_in_linear_time(raw):
    started = time.monotonic()
    to_refs(raw + "[x](/motions/tea/arguments/5/)", slug="tea", refs={5: "a1"})
    from_refs(raw + "[x](#a1)", {"a1": "/x/"}.get)
    assert time.monotonic() - started < 3
