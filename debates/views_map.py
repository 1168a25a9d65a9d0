"""The map of a debate (a sunburst) and its outline, at /motions/<slug>/map/ and as a panel.

Both show the debate as the public sees it, so one rendering serves every reader: it is cached
under the motion's activity stamp (like the motion page's tree) and each response only marks
the argument it is about. A miss costs two queries however big the debate: the tree's light
shape (queries.debate_tree) and the claims of the arcs actually drawn.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from debates import debate_map, policy, queries
from debates.models import Argument

TEMPLATE = "debates/map.html"
# The longest claim a title or an outline line carries: the map is a way in, not the text.
CLAIM_CHARS = 90


@require_safe
def motion_map(request, slug):
    motion = queries.motion_by_slug(slug)
    current = _current(request.GET.get("current"))
    rendered = _rendered(motion)
    anchor = _anchor(motion, current, rendered["panel"])
    panel = _marked(rendered["panel"], "map", anchor)
    if request.htmx and "panel" in request.GET:
        return HttpResponse(panel)
    context = {
        "motion": motion,
        "panel_html": panel,
        "outline_html": _marked(rendered["outline"], "outline", anchor),
        "debate_size": rendered["size"],
    }
    return render(request, TEMPLATE, context)


def _current(value):
    """The argument a page is about (?current=<id>), or None for anything else."""
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _anchor(motion, current, panel):
    """Where the current argument is drawn: "arc-<id>" for its own arc, else "more-<id>" for
    the "N more" it was merged into (under its deepest drawn ancestor, "more-motion" under the
    motion), or None. Only then does it cost a query: its chain of ancestors."""
    if current is None:
        return None
    if f'id="map-arc-{current}"' in panel:
        return f"arc-{current}"
    tree = queries.argument_tree(motion, current)
    argument = tree.by_id.get(current)
    if argument is None:
        return None
    for ancestor in reversed(tree.ancestors(argument)):
        if f'id="map-arc-{ancestor.pk}"' in panel:
            return f"more-{ancestor.pk}"
    return "more-motion"


def _marked(html, prefix, anchor):
    """The cached HTML with the current argument (or the "N more" holding it) marked."""
    if anchor is not None:
        found = f'id="{prefix}-{anchor}"'
        html = html.replace(found, f'{found} aria-current="page"', 1)
    return mark_safe(html)


def _rendered(motion):
    """{"panel", "outline", "size"} for the motion, rendered once per state of the debate."""
    cache = caches["fragments"]
    key = f"motion-map:{motion.pk}:{motion.activity}"
    entry = cache.get(key)
    if entry is None:
        context = _map_context(motion)
        entry = {
            "panel": render_to_string(f"{TEMPLATE}#panel", context),
            "outline": render_to_string(f"{TEMPLATE}#outline", context),
            "size": context["layout"].total,
        }
        cache.set(key, entry)
    return entry


def _map_context(motion):
    tree = queries.debate_tree(motion)
    layout = debate_map.layout(tree.roots, key=queries.REPLY_ORDERS[queries.DEFAULT_REPLY_ORDER])
    drawn = [arc.pk for arc in layout.arcs if not arc.is_more]
    claims = Argument.objects.only("id", "claim", "visibility", "author_id").in_bulk(drawn)
    public = AnonymousUser()
    for arc in layout.arcs:
        parent = arc.parent_pk
        if arc.is_more:
            arc.href = motion.get_absolute_url() if parent is None else _permalink(motion, parent)
            continue
        argument = claims[arc.pk]
        arc.href = _permalink(motion, arc.pk)
        arc.stance = tree.by_id[arc.pk].stance
        arc.shown = policy.text_shown_to(argument, public)
        arc.text = _short(argument.claim) if arc.shown else None
        arc.state = argument.get_visibility_display()
    return {
        "motion": motion,
        "layout": layout,
        "motion_text": motion.claim if policy.text_shown_to(motion, public) else None,
        "radius": debate_map.RADIUS,
        "centre_radius": debate_map.CENTRE_RADIUS,
    }


def _permalink(motion, pk):
    return reverse("argument", args=[motion.slug, pk])


def _short(text):
    return text if len(text) <= CLAIM_CHARS else text[: CLAIM_CHARS - 1].rstrip() + "…"
