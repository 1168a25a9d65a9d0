"""Trees of arguments rendered once and shared, then made each viewer's own.

A tree (a motion page's, a permalink's, a batch of "more replies") is rendered at most once per
process for each state of the debate, reply order and audience (policy.audience: anonymous
readers, members, moderators), as a viewer of that audience who wrote and voted nothing sees it.
The key carries `Motion.activity`, which every committed change bumps after it commits
(debates.events), so an edit, a vote or a moderator's act is never served stale, from any
process, and nothing needs deleting.

What one viewer sees differently from their audience, their own claims and votes, sits in
marked regions of debates/_argument.html (`<!--r:vote-12-->…<!--/r-->`). `personalise` renders
just those regions for the viewer, from one small query, and puts them in place of the shared
ones: the page is what a per-viewer render would be, with or without JavaScript, and the tree is
never rendered per viewer. The same regions answer a live page that asks for its own copy of an
argument that arrived on the public stream (`own_regions`).
"""

import re

from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

from debates import personal_queries, policy

# What a shared rendering can't know of the request: each response fills them in.
CSRF_PLACEHOLDER = "__crux_csrf_token__"
HERE_PLACEHOLDER = "__crux_here__"
REGION = re.compile(r"<!--r:([a-z]+-\d+)-->.*?<!--/r-->", re.S)
# Who is shown nothing of anyone's votes while a shared tree is built: its viewer has none.
NOBODY = AnonymousUser()


def shared(key: str, render):
    """The cache entry under `key`, made by `render()` on a miss: a dict with at least "html"
    (the shared markup) and "shown" (the ids of the arguments in it)."""
    cache = caches["fragments"]
    entry = cache.get(key)
    if entry is None:
        entry = render()
        cache.set(key, entry)
    return entry


def key(kind: str, motion, audience: str, *parts) -> str:
    return ":".join(str(part) for part in (kind, motion.pk, motion.activity, audience, *parts))


def render_tree(template: str, context: dict, viewer) -> str:
    """Markup of a tree as `viewer` (a person, or an audience's policy.StandIn) sees it, with
    placeholders for what only the request knows (for_request fills them in)."""
    context = {
        **context,
        "user": viewer,
        "csrf_token": CSRF_PLACEHOLDER,
        "here": HERE_PLACEHOLDER,
    }
    return render_to_string(template, context)


def shown_ids(nodes) -> tuple:
    """The ids of `nodes` and of every reply shown below them (fold_below's shown_children)."""
    ids, stack = [], list(nodes)
    while stack:
        node = stack.pop()
        ids.append(node.pk)
        stack.extend(getattr(node, "shown_children", ()))
    return tuple(sorted(ids))


def personalise(request, entry, motion):
    """The shared markup of `entry` with the viewer's own regions in place, ready to send."""
    html = entry["html"]
    own = personal_queries.own_arguments(motion, request.user, entry["shown"])
    if own:
        regions = dict(_own_region_pairs(request.user, motion, own))
        html = REGION.sub(lambda match: regions.get(match[1], match[0]), html)
    return for_request(request, html)


def own_regions(request, motion, arguments) -> list[tuple[str, str]]:
    """Every viewer-dependent region of `arguments` as `request`'s viewer sees it, for a live
    page to put in place: [(region id, markup)]."""
    for argument in arguments:
        argument.motion = motion
    html = _render_regions(request.user, motion, [], arguments, everything=True)
    # A plain vote from a live copy (never sent: it has JavaScript) would come back to the motion.
    here = motion.get_absolute_url()
    return [(name, for_request(request, markup, here)) for name, markup in _pairs(html)]


def for_request(request, html, here=None):
    html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    here = request.get_full_path() if here is None else here
    return mark_safe(html.replace(HERE_PLACEHOLDER, escape(here)))


def _own_region_pairs(viewer, motion, own):
    written = [argument for argument in own if policy.written_by(argument, viewer)]
    voted = [argument for argument in own if not policy.written_by(argument, viewer)]
    return _pairs(_render_regions(viewer, motion, voted, written))


def _render_regions(viewer, motion, voted, written, everything=False) -> str:
    context = {
        "motion": motion,
        "voted": voted,
        "written": written,
        "everything": everything,
        "user": viewer,
        "csrf_token": CSRF_PLACEHOLDER,
        "here": HERE_PLACEHOLDER,
    }
    return render_to_string("debates/_own_regions.html", context)


def _pairs(html):
    return ((match[1], match[0]) for match in REGION.finditer(html))
