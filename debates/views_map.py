"""The map of a debate (a sunburst) and its outline, at /motions/<slug>/map/ and as a panel.

Both show the debate as the public sees it, so one rendering serves every reader: it is cached
under the motion's activity stamp (like the motion page's tree), each part apart, since the
motion page's panel never needs the outline, and each response only marks the argument it is
about. A miss costs two queries however big the debate: the tree's light shape
(queries.debate_tree) and the claims of the arcs actually drawn.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from config.converters import is_id
from debates import debate_map, policy, queries
from debates.models import Argument

TEMPLATE = "debates/map.html"
# The longest claim a title or an outline line carries: the map is a way in, not the text.
CLAIM_CHARS = 90
# The parts a miss renders for each kind of request: the panel alone, or the whole page's.
PANEL, PAGE = ("panel",), ("panel", "outline")


@require_safe
def motion_map(request, slug):
    motion = queries.motion_by_slug(slug)
    current = _current(request.GET.get("current"))
    # Over HTMX: the panel alone (the motion page's, "?panel") or the page's live part ("?live").
    if request.htmx and "panel" in request.GET:
        rendered = _rendered(motion, PANEL)
        return HttpResponse(_marked(rendered["panel"], "map", _anchor(motion, current, rendered)))
    rendered = _rendered(motion, PAGE)
    anchor = _anchor(motion, current, rendered)
    context = {
        "motion": motion,
        "current": current,
        "panel_html": _marked(rendered["panel"], "map", anchor),
        "outline_html": _marked(rendered["outline"], "outline", anchor),
        "debate_size": rendered["size"],
    }
    if request.htmx and "live" in request.GET:
        return render(request, f"{TEMPLATE}#live", context)
    return render(request, TEMPLATE, context)


def _current(value):
    """The argument a page is about (?current=<id>), or None for anything else (a number past
    the database's range too: passed on, it made a 500)."""
    return int(value) if value and is_id(value) else None


def _anchor(motion, current, rendered):
    """Where the current argument is drawn: "arc-<id>" for its own arc, else "more-<id>" for
    the "N more" it was merged into (under its deepest drawn ancestor, "more-motion" under the
    motion), or None. Only then does it cost a query: its chain of ancestors."""
    if current is None:
        return None
    panel = rendered["panel"]
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


def _rendered(motion, parts):
    """{part: HTML for each of `parts`, "size": the debate's size as its page counts it (the
    arguments everyone reads)}, each part rendered once per state of the debate."""
    cache = caches["fragments"]
    prefix = f"motion-map:{motion.pk}:{motion.activity}:"
    found = cache.get_many([prefix + part for part in parts])
    missing = [part for part in parts if prefix + part not in found]
    if missing:
        context = _map_context(motion)
        fresh = {
            prefix + part: {
                "html": render_to_string(f"{TEMPLATE}#{part}", context),
                "size": context["shown_size"],
            }
            for part in missing
        }
        cache.set_many(fresh)
        found.update(fresh)
    entries = [found[prefix + part] for part in parts]
    return {"size": entries[0]["size"]} | {
        part: entry["html"] for part, entry in zip(parts, entries, strict=True)
    }


def _map_context(motion):
    tree = queries.debate_tree(motion)
    layout = debate_map.layout(tree.roots, key=queries.REPLY_ORDERS[queries.DEFAULT_REPLY_ORDER])
    drawn = [arc.pk for arc in layout.arcs if not arc.is_more]
    claims = Argument.objects.only("id", "claim", "visibility", "author_id").in_bulk(drawn)
    public = AnonymousUser()
    permalink = _permalinks(motion)
    # What each arc shows is worked out here, once, rather than in the template's loop: a big
    # debate draws hundreds of arcs, and a miss is paid after every change to the debate.
    for arc in layout.arcs:
        parent = arc.parent_pk
        if arc.is_more:
            arc.href = motion.get_absolute_url() if parent is None else permalink(parent)
            arc.anchor = f"more-{parent or 'motion'}"
            arc.css = "map__arc map__arc--more"
            arc.title = f"{arc.count} more"
            continue
        argument = claims[arc.pk]
        arc.href = permalink(arc.pk)
        arc.anchor = f"arc-{arc.pk}"
        arc.stance = tree.by_id[arc.pk].stance.capitalize()
        arc.shown = policy.text_shown_to(argument, public)
        # "Pro" and "Con" are its stance on its parent (a reply's, "Pro reply"); the colours
        # say its side of the motion and whether votes back it, which its words say too (the
        # title, the caption, the outline's accessible name: WCAG 1.4.1), as the analysis
        # page says them. A hidden or retracted arc, grey, shows neither.
        arc.detail = "" if parent is None else " reply"
        if arc.shown:
            arc.text = _short(argument.claim)
            side = "for the motion" if arc.side == debate_map.SUPPORTS else "against the motion"
            arc.detail += f" ({side}; weakly supported)" if arc.weak else f" ({side})"
            arc.title = f"{arc.stance}{arc.detail}: {arc.text}"
            arc.css = f"map__arc map__arc--{arc.side}{' map__arc--weak' if arc.weak else ''}"
        else:
            arc.text = f"[{argument.get_visibility_display().lower()}]"
            arc.title = arc.text
            arc.css = "map__arc map__arc--withdrawn"
    return {
        "motion": motion,
        "layout": layout,
        # As the motion page's heading counts them: the arguments everyone reads.
        "shown_size": tree.shown_size,
        "motion_text": motion.claim if policy.text_shown_to(motion, public) else None,
        "radius": debate_map.RADIUS,
        "centre_radius": debate_map.CENTRE_RADIUS,
    }


def _permalinks(motion):
    """pk -> the argument's permalink in `motion`, reversing the URL once rather than per arc."""
    marker = "987654321"
    head, _, tail = reverse("argument", args=[motion.slug, int(marker)]).rpartition(marker)
    return lambda pk: f"{head}{pk}{tail}"


def _short(text):
    return text if len(text) <= CLAIM_CHARS else text[: CLAIM_CHARS - 1].rstrip() + "…"
