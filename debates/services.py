"""Every write to a debate goes through these functions; each enforces the rules atomically."""

from django.db import transaction

from debates.models import Argument, Motion, Source
from debates.rendering import render_markdown


class DebateRuleError(Exception):
    """A write the rules refuse. `status` is the HTTP status a view should answer with."""

    def __init__(self, message, *, status=400, field=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


def check_parent(motion: Motion, parent: Argument | None, argument: Argument | None = None):
    if parent is None:
        return
    if parent.motion_id != motion.pk:
        raise DebateRuleError(
            "You can only reply to an argument in the same debate.", field="parent"
        )
    if argument is not None and argument.pk is not None:
        node = parent
        while node is not None:
            if node.pk == argument.pk:
                raise DebateRuleError("An argument cannot reply to itself or its own replies.")
            node = node.parent


def _save_changed(instance, fields: dict):
    """Assign fields and save only when something differs, so re-seeding touches no timestamps."""
    if instance.pk is None:
        changed = list(fields)
    else:
        changed = [name for name, value in fields.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, fields[name])
    if changed:
        instance.full_clean(exclude=["author", "parent", "source", "motion"])
        instance.save()
    return bool(changed)


@transaction.atomic
def upsert_seeded_source(*, key, title, author="", publisher="", url="", published_on=None):
    source = Source.objects.filter(seed_key=key).first() or Source(seed_key=key)
    fields = {"title": title, "author": author, "publisher": publisher, "url": url}
    fields["published_on"] = published_on
    _save_changed(source, fields)
    return source


@transaction.atomic
def upsert_seeded_motion(*, slug, title, claim, context, attribution, source, quote, featured):
    motion = Motion.objects.filter(slug=slug).first()
    fields = {
        "title": title,
        "claim": claim,
        "context": context,
        "context_html": render_markdown(context),
        "attribution": attribution,
        "source": source,
        "quote": quote,
    }
    if motion is None:
        # Featuring is editorial: set it once, then leave it to moderators.
        motion = Motion(slug=slug, featured=featured)
    _save_changed(motion, fields)
    return motion


@transaction.atomic
def upsert_seeded_argument(
    *, key, motion, parent, stance, claim, details, attribution, source, quote, figures
):
    argument = Argument.objects.filter(seed_key=key).first() or Argument(seed_key=key)
    check_parent(motion, parent, argument)
    fields = {
        "motion": motion,
        "parent": parent,
        "depth": parent.depth + 1 if parent else 0,
        "stance": stance,
        "claim": claim,
        "details": details,
        "details_html": render_markdown(details),
        "attribution": attribution,
        "source": source,
        "quote": quote,
        "figures": figures,
    }
    _save_changed(argument, fields)
    return argument
