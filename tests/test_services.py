from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from debates import services
from debates.errors import DebateRuleError, within_limit
from debates.models import Argument
from debates.rendering import render_markdown
from tests.factories import ArgumentFactory, MotionFactory

pytestmark = pytest.mark.django_db


def test_parent_from_another_motion_is_refused():
    parent = ArgumentFactory()
    with pytest.raises(services.DebateRuleError, match="same debate"):
        services.check_parent(MotionFactory(), parent)


def test_a_cycle_is_refused():
    root = ArgumentFactory()
    child = ArgumentFactory(motion=root.motion, parent=root)
    with pytest.raises(services.DebateRuleError, match="itself or its own replies"):
        services.check_parent(root.motion, child, argument=root)


def test_seeded_argument_cannot_be_moved_under_its_own_reply(seeded):
    child = Argument.objects.filter(depth=1).select_related("parent", "motion").first()
    parent = child.parent
    with pytest.raises(services.DebateRuleError):
        services.upsert_seeded_argument(
            key=parent.seed_key,
            motion=parent.motion,
            parent=child,
            stance=parent.stance,
            claim=parent.claim,
            details=parent.details,
            attribution=parent.attribution,
            source=parent.source,
            quote=parent.quote,
            figures=parent.figures,
        )


@pytest.mark.parametrize(
    "field, value",
    [("claim", ""), ("stance", "neo"), ("visibility", "deleted")],
)
def test_database_constraints_hold_without_the_service_layer(field, value):
    argument = ArgumentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Argument.objects.filter(pk=argument.pk).update(**{field: value})


def test_an_argument_cannot_be_its_own_parent():
    argument = ArgumentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Argument.objects.filter(pk=argument.pk).update(parent=argument.pk)


def test_markdown_details_are_sanitised():
    html = render_markdown(
        "**bold** <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://example.org)"
    )
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "javascript:" not in html
    assert 'rel="nofollow ugc noopener"' in html


def test_every_length_refusal_reads_alike():
    """One wording for every field's limit, counted as people count (thousands grouped)."""
    with pytest.raises(DebateRuleError) as refused:
        within_limit("x" * 5001, limit=5000, field="details", they=True)
    assert refused.value.message == "Keep the details to 5,000 characters (they have 5,001)."
    assert (refused.value.status, refused.value.field) == (422, "details")
    assert within_limit("x" * 5, limit=5, field="claim") == "x" * 5


def test_no_module_words_a_length_refusal_of_its_own():
    root = Path(__file__).resolve().parents[1]
    apps = [init.parent for init in root.glob("*/__init__.py") if init.parent.name != "tests"]
    worded = [
        f"{path.relative_to(root)}:{number}"
        for app in apps
        for path in app.rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if '"Keep the ' in line and path.name != "errors.py"
    ]
    assert worded == []
