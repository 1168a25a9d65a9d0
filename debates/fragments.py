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

from debates import personal_queries, policy, queries

# What a shared rendering can't know of the request: each response fills them in, only where the
# templates put them (CSRF_FIELD, HERE_FIELD). What people wrote is in the same markup, and may
# spell a placeholder too: filled in there, a link of theirs would carry each reader's token.
CSRF_PLACEHOLDER = "__crux_csrf_token__"
HERE_PLACEHOLDER = "__crux_here__"
REGION = re.compile(r"<!--r:([a-z]+-\d+)-->.*?<!--/r-->", re.S)
VOTE_BUTTON = re.compile(r'id="vote-argument-(\d+)-(agree|disagree)" aria-pressed="false"')
EVERY_REGION = ("by", "content", "vote", "tools", "mod")
# What the author of a claim everyone reads sees differently from the rest: no vote, no flag, and
# Edit and Retract.
AUTHORS_REGIONS = ("vote", "tools")
# What a new argument's author may see differently from the public: those, and a moderator's tools.
PUBLIC_REGIONS = (*AUTHORS_REGIONS, "mod")
NEW_ARGUMENT_SECONDS = 60
CSRF_FIELD = f'<input type="hidden" name="csrfmiddlewaretoken" value="{CSRF_PLACEHOLDER}">'
# Where a plain vote comes back to (debates/_vote.html), before the claim's fragment.
HERE_FIELD = f'name="next" value="{HERE_PLACEHOLDER}'
# Who is shown nothing of anyone's votes while a shared tree is built: its viewer has none.
NOBODY = AnonymousUser()


def shared(key: str, render, *, keep=None):
    """The cache entry under `key`, made by `render()` on a miss: a dict with at least "html"
    (the shared markup) and "shown" (the ids of the arguments in it), and its "key". `keep(entry)`
    may say not to keep it: the cache holds what pages link to, not whatever anyone asks for."""
    cache = caches["fragments"]
    entry = cache.get(key)
    if entry is None:
        entry = {**render(), "key": key}
        if keep is None or keep(entry):
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


def personalise(request, entry, motion, state=None):
    """The shared markup of `entry` with the viewer's own regions in place, ready to send.
    `state` is the viewer's personal_queries.own_state, when the caller has it already."""
    if state is None:
        state = personal_queries.own_state(motion, request.user, entry["shown"])
    html = _with_own(entry, request.user, motion, state)
    return for_request(request, html)


def own_regions(request, motion, arguments):
    """Every viewer-dependent region of `arguments` as `request`'s viewer sees them, for a live
    page to put in place of what the public stream brought."""
    html = regions_markup(request.user, motion, [(arguments, EVERY_REGION)])
    # A plain vote from a live copy (never sent: it has JavaScript) would come back to the motion.
    return for_request(request, html, here=motion.get_absolute_url())


def new_argument(request, argument, motion):
    """A just-posted argument as its author's page shows it (`request` is hers): the rendering
    the live stream then makes everyone's copy from (new_argument_for_all)."""
    return for_request(request, _authors_copy(argument, motion))


def new_argument_for_all(argument, motion):
    """A just-posted argument for every page, from its author's copy (rendered once, by the
    poster's answer or here): "html" as the public sees it, and the regions its author sees
    differently ("author", by name). Only those regions are rendered anew, for the public.
    `argument` may be the posted row, or one the stream read back."""
    nobody = policy.StandIn(policy.ANONYMOUS)
    cited = argument.source if argument.source_id else None
    if not policy.is_shown(argument) or (cited and not policy.source_shown_to(cited, nobody)):
        # Withdrawn since (a page catching up), or citing a source hidden since: its author's
        # copy may hold what the public may not read, so the public's is rendered on its own,
        # and nothing of hers is sent.
        node = queries.just_posted(argument, motion)
        html = render_tree("debates/_argument.html", {"motion": motion, "node": node}, nobody)
        return {"html": html, "author": {}}
    authors = _authors_copy(argument, motion)
    node = queries.just_posted(argument, motion)
    public = dict(_pairs(regions_markup(nobody, motion, [([node], PUBLIC_REGIONS)])))
    html = REGION.sub(lambda match: public.get(match[1], match[0]), authors)
    author = {name: markup for name, markup in _pairs(authors) if name in public}
    return {"html": html, "author": {name: author[name] for name in author if "mod-" not in name}}


def _authors_copy(argument, motion) -> str:
    cache = caches["fragments"]
    # Everything its markup shows that may have changed since it was posted.
    state = (argument.updated_at.timestamp(), argument.visibility, argument.agree_count)
    state += (argument.disagree_count, motion.state, motion.visibility)
    state += (argument.source.visibility if argument.source_id else "",)
    key = ":".join(str(part) for part in ("new-argument", argument.pk, *state))
    html = cache.get(key)
    if html is None:
        node = queries.just_posted(argument, motion)
        author = node.author or policy.StandIn(policy.ANONYMOUS)
        html = render_tree("debates/_argument.html", {"motion": motion, "node": node}, author)
        cache.set(key, html, NEW_ARGUMENT_SECONDS)
    return html


def _here_field(here) -> str:
    return HERE_FIELD.replace(HERE_PLACEHOLDER, escape(here))


def for_request(request, html, here=None):
    html = html.replace(CSRF_FIELD, CSRF_FIELD.replace(CSRF_PLACEHOLDER, get_token(request)))
    here = request.get_full_path() if here is None else here
    return mark_safe(html.replace(HERE_FIELD, _here_field(here)))


def for_stream(html, motion):
    """Shared markup for the live stream, which has no request: vote forms go without a CSRF
    field (htmx sends the page's token in a header) and come back to the motion."""
    html = html.replace(CSRF_FIELD, "")
    return mark_safe(html.replace(HERE_FIELD, _here_field(motion.get_absolute_url())))


def regions_markup(viewer, motion, groups) -> str:
    """Regions as `viewer` sees them: `groups` pairs arguments with the names of the regions
    wanted of each (those of debates/_argument.html), in marked markup with placeholders."""
    context = {
        "motion": motion,
        "groups": groups,
        "user": viewer,
        "csrf_token": CSRF_PLACEHOLDER,
        "here": HERE_PLACEHOLDER,
    }
    return render_to_string("debates/_own_regions.html", context)


def _with_own(entry, viewer, motion, state):
    """The markup of `entry` with the viewer's votes pressed and the regions of what they wrote
    or flagged in place of the shared ones."""
    html = entry["html"]
    if state.votes:
        # The one thing a vote changes in the markup everyone shares (debates/_vote.html).
        def press(match):
            mine = state.votes.get(int(match[1])) == match[2]
            return (
                f'id="vote-argument-{match[1]}-{match[2]}" aria-pressed="true"'
                if mine
                else match[0]
            )

        html = VOTE_BUTTON.sub(press, html)
    wanted = state.own_among(entry["shown"])
    if not wanted:
        return html
    regions = _own_regions_of(entry, viewer, motion, state, wanted)
    # Only the regions to replace are looked for: the others are passed over at their start.
    pattern = re.compile(rf"<!--r:({'|'.join(map(re.escape, regions))})-->.*?<!--/r-->", re.S)
    return pattern.sub(lambda match: regions[match[1]], html)


def _own_regions_of(entry, viewer, motion, state, wanted) -> dict:
    """The regions of `wanted` (ids the viewer wrote or flagged) as the viewer sees them, by name.

    Kept per viewer beside the shared entry: its key holds the motion's activity stamp, which
    every change to what the regions show bumps, and `mine` what the viewer did that bumps none
    (a flag, a vote). Loading and rendering them was most of what a prolific writer's page cost
    beyond a typical member's (bench/README.md, "a reader's own regions kept")."""
    cache = caches["own-regions"]
    key = f"{entry['key']}:{viewer.pk}"
    mine = tuple(
        (pk, pk in state.written, pk in state.flagged, state.votes.get(pk)) for pk in wanted
    )
    kept = cache.get(key)
    if kept is not None and kept[0] == mine:
        return kept[1]
    # A claim everyone reads has the same byline and text for all: only its vote and tools are
    # its author's own. On one she flagged, only the tools ("Flagged") are hers.
    groups = []
    for argument in personal_queries.own_among(motion, state, entry["shown"]):
        if not policy.written_by(argument, viewer):
            groups.append(([argument], ("tools",)))
        elif policy.is_shown(argument):
            groups.append(([argument], AUTHORS_REGIONS))
        else:
            regions = ("by", "content", *AUTHORS_REGIONS)
            if argument.is_hidden and policy.moderates(viewer):
                regions += ("mod",)  # no Restore: another moderator must judge her own
            groups.append(([argument], regions))
    regions = dict(_pairs(regions_markup(viewer, motion, groups)))
    cache.set(key, (mine, regions))
    return regions


def _pairs(html):
    return ((match[1], match[0]) for match in REGION.finditer(html))
