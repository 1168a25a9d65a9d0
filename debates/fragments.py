"""Rendered fragments of debate pages, cached under the motion's activity stamp.

Only what every anonymous reader sees alike is cached: the argument tree of a motion page, per
reply order. The key carries `Motion.activity`, which every committed change bumps after it
commits (debates.events), so an edit, a vote or a moderator's act is never served stale, from
any process, and nothing needs deleting.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

# Forms in a shared fragment can't carry one reader's CSRF token: each response fills it in.
CSRF_PLACEHOLDER = "__crux_csrf_token__"


def public_tree(motion, order, build_tree, extra_context):
    """The anonymous view of a motion's tree: {"html", "size", "balance"}, rendered at most once
    per process for each state of the debate. `build_tree()` makes the DebateTree on a miss."""
    cache = caches["fragments"]
    key = f"motion-tree:{motion.pk}:{motion.activity}:{order}"
    entry = cache.get(key)
    if entry is None:
        tree = build_tree()
        context = {
            **extra_context,
            "motion": motion,
            "tree": tree,
            "user": AnonymousUser(),
            "csrf_token": CSRF_PLACEHOLDER,
        }
        html = render_to_string("debates/motion_detail.html#tree", context)
        entry = {"html": html, "size": tree.size, "balance": tree.balance}
        cache.set(key, entry)
    return entry


def for_request(request, html):
    return mark_safe(html.replace(CSRF_PLACEHOLDER, get_token(request)))
