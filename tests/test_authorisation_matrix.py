"""Who may do what: every URL of the site, for every role, by GET and by POST, in one table.

Each cell is the status expected; a string ending in "+" means the request is also expected to
change something (a row written, a field changed), and a bare status that it changes nothing.
Every POST carries a valid form (tests.world.post_data), so a refusal is down to the role.
Adding a URL without a row here fails `test_every_url_has_a_row`; allauth's and the admin's
own pages are left to their projects' tests. Plain (non-HTMX) requests throughout: a refused
vote answers a plain form with a redirect and a message, hence 303 without "+".
"""

import pytest
from django.core.cache import cache
from django.db import transaction

from tests.world import ROLES, build_world, fingerprint, post_data, site_urls, url_for

pytestmark = pytest.mark.django_db

ANON, UNVERIFIED, USER, AUTHOR, SUSPENDED, MOD, STAFF = ROLES


def everyone(status):
    return dict.fromkeys(ROLES, status)


def signed_in(status, anonymous=302, **exceptions):
    """`status` for every signed-in role, sign-in (302) for anonymous, with exceptions by role."""
    return everyone(status) | {ANON: anonymous} | exceptions


def mods_only(status):
    """moderator_required: sign in, 403 for the rest, `status` for moderators and staff."""
    return signed_in(403) | {MOD: status, STAFF: status}


PUBLIC = {"GET": everyone(200), "POST": everyone(405)}
NOT_ALLOWED = everyone(405)

MATRIX = {
    # --- reading ---
    "home": PUBLIC,
    "motion": PUBLIC,
    "argument": PUBLIC,
    "argument_history": PUBLIC,
    "more_motion_replies": PUBLIC,
    "more_replies": PUBLIC,
    # A live page's own copy: empty (204) for anonymous readers, who have the public one.
    "own_copy": {"GET": signed_in(200, anonymous=204), "POST": everyone(405)},
    "profile": PUBLIC,
    "analysis": PUBLIC,
    "analysis_json": PUBLIC,
    # Nothing to download before a motion's first analysis, which this world's never had: who
    # may download what is tests/test_analysis_download.py's.
    "analysis_csv": {"GET": everyone(404), "POST": everyone(405)},
    "motion_map": PUBLIC,
    "motion_export": PUBLIC,
    "export_argdown": PUBLIC,
    "api_root": {"GET": everyone(302), "POST": everyone(302)},  # to the API's docs
    "robots_txt": PUBLIC,
    "favicon": {"GET": everyone(302), "POST": everyone(405)},
    "sitemap": PUBLIC,
    "sitemap_section": PUBLIC,
    "search": PUBLIC,
    "similar_claims": PUBLIC,
    "feed_motions": PUBLIC,
    "feed_motion": PUBLIC,
    "feed_person": PUBLIC,
    "own_profile": {"GET": signed_in(302), "POST": signed_in(405)},
    # --- posting (unverified and suspended members read, but may not post) ---
    "propose_motion": {
        "GET": signed_in(200, unverified=403, suspended=403),
        "POST": signed_in("303+", unverified=403, suspended=403),
    },
    "import_motion": {
        "GET": signed_in(200, unverified=403, suspended=403),
        "POST": signed_in("303+", unverified=403, suspended=403),
    },
    "reply_motion": {
        "GET": signed_in(200, unverified=403, suspended=403),
        "POST": signed_in("303+", unverified=403, suspended=403),
    },
    "reply": {
        "GET": signed_in(200, unverified=403, suspended=403),
        "POST": signed_in("303+", unverified=403, suspended=403),
    },
    "edit_argument": {
        "GET": signed_in(403, author=200),
        "POST": signed_in(403, author="303+"),
    },
    "retract_argument": {
        "GET": signed_in(403, author=200),
        "POST": signed_in(403, author="303+"),
    },
    # --- votes: anyone signed in and not suspended, never on their own claim ---
    "vote_motion": {
        "GET": NOT_ALLOWED,
        "POST": signed_in("303+", author=303, suspended=303),
    },
    "vote_argument": {
        "GET": NOT_ALLOWED,
        "POST": signed_in("303+", author=303, suspended=303),
    },
    # --- flags: verified members, not on their own claim ---
    "flag_motion": {
        "GET": signed_in(200, unverified=403, author=403, suspended=403),
        "POST": signed_in("303+", unverified=403, author=403, suspended=403),
    },
    "flag_argument": {
        "GET": signed_in(200, unverified=403, author=403, suspended=403),
        "POST": signed_in("303+", unverified=403, author=403, suspended=403),
    },
    # The world's source was added by its author: nobody flags what they added.
    "flag_source": {
        "GET": signed_in(200, unverified=403, author=403, suspended=403),
        "POST": signed_in("303+", unverified=403, author=403, suspended=403),
    },
    # --- moderation: moderators and staff only (acts that change nothing still answer 303) ---
    "hide_argument": {"GET": mods_only(200), "POST": mods_only("303+")},
    "restore_argument": {"GET": mods_only(200), "POST": mods_only(303)},
    "hide_motion": {"GET": mods_only(200), "POST": mods_only("303+")},
    "restore_motion": {"GET": mods_only(200), "POST": mods_only(303)},
    "lock_motion": {"GET": mods_only(200), "POST": mods_only("303+")},
    "unlock_motion": {"GET": mods_only(200), "POST": mods_only(303)},
    "feature_motion": {"GET": mods_only(200), "POST": mods_only("303+")},
    "unfeature_motion": {"GET": mods_only(200), "POST": mods_only(303)},
    "suspend_user": {"GET": mods_only(200), "POST": mods_only("303+")},
    "unsuspend_user": {"GET": mods_only(200), "POST": mods_only(303)},
    "hide_member_arguments": {"GET": mods_only(200), "POST": mods_only("303+")},
    # --- appeals: the author of a hidden argument or motion (the world's are shown: 409);
    # moderators decide
    "appeal_argument": {"GET": signed_in(403, author=409), "POST": signed_in(403, author=409)},
    "appeal_motion": {"GET": signed_in(403, author=409), "POST": signed_in(403, author=409)},
    # post_data names no appeal: 400.
    "moderation_appeals": {"GET": mods_only(200), "POST": mods_only(400)},
    "moderation_queue": {"GET": mods_only(200), "POST": mods_only(405)},
    "moderation_log": {"GET": mods_only(200), "POST": mods_only(405)},
    "queue_dismiss": {"GET": mods_only(405), "POST": mods_only(303)},
    "queue_hide": {"GET": mods_only(405), "POST": mods_only("303+")},
    "moderation_notices": {"GET": everyone(301), "POST": everyone(405)},
    "motions": {"GET": everyone(301), "POST": everyone(405)},  # to the home page
    "arguments": {"GET": everyone(301), "POST": everyone(405)},  # to the motion's page
    # --- sources and their reader (issue 20) ---
    "sources": PUBLIC,
    "source": PUBLIC,
    "add_source": {
        "GET": signed_in(200),
        "POST": signed_in("303+", unverified=403, suspended=403),
    },
    "argue_from_passage": {
        "GET": signed_in(200),
        "POST": signed_in("303+", unverified=403, suspended=403),
    },
    "hide_source": {"GET": mods_only(200), "POST": mods_only("303+")},
    "restore_source": {"GET": mods_only(200), "POST": mods_only(303)},
    # --- one's own account ---
    "profile_edit": {
        "GET": signed_in(200, suspended=302),
        "POST": signed_in("302+", suspended=302),
    },
    "delete_account": {"GET": signed_in(200), "POST": signed_in("302+")},
    # --- one's API tokens (the form here names none: 422) ---
    "api_tokens": {"GET": signed_in(200), "POST": signed_in(422)},
    "api_token_revoke": {"GET": signed_in(405), "POST": signed_in(303)},
    # --- one's notifications (issue 21; the world's argument id names nobody's notification) ---
    "notifications": {"GET": signed_in(200), "POST": signed_in(405)},
    "notifications_read": {"GET": signed_in(405), "POST": signed_in(302)},
    "notification_open": {"GET": signed_in(404), "POST": signed_in(405)},
    "notification_read": {"GET": signed_in(405), "POST": signed_in(404)},
    "notification_settings": {"GET": signed_in(200), "POST": signed_in(422)},
    "follow": {"GET": signed_in(200), "POST": signed_in(302)},
    # No token, nothing to unsubscribe: the token is the authority, not the session.
    "unsubscribe": {"GET": everyone(404), "POST": everyone(404)},
}


def test_every_url_has_a_row():
    names = {name for _, name in site_urls()}
    assert None not in names, "every URL of the site needs a name (and a row here)"
    assert sorted(names - set(MATRIX)) == [], "URLs with no row in MATRIX"
    assert sorted(set(MATRIX) - names) == [], "rows in MATRIX for URLs that no longer exist"
    for name, row in MATRIX.items():
        assert set(row) == {"GET", "POST"}, name
        assert all(set(cells) == set(ROLES) for cells in row.values()), name


def test_every_url_role_and_method_gets_what_the_matrix_says():
    world = build_world()
    clients = {role: world.client(role) for role in ROLES}  # sessions outside the savepoints
    # Signing out (closing an account does) replaces a client's cookie: put the session back.
    cookies = {role: dict(client.cookies.items()) for role, client in clients.items()}
    mismatches = []
    for route, name in site_urls():
        url = url_for(name, world, route)
        for method in ("GET", "POST"):
            for role in ROLES:
                expected = str(MATRIX[name][method][role])
                cache.clear()  # rate limits: each cell starts afresh
                with transaction.atomic():
                    before = fingerprint(world)
                    client = clients[role]
                    client.cookies.clear()
                    for cookie_name, morsel in cookies[role].items():
                        client.cookies[cookie_name] = morsel.value
                    if method == "GET":
                        response = client.get(url)
                    else:
                        response = client.post(url, post_data(name, role))
                    wrote = fingerprint(world) != before
                    transaction.set_rollback(True)
                got = f"{response.status_code}{'+' if wrote else ''}"
                if got != expected:
                    mismatches.append(f"{method} {name} as {role}: expected {expected}, got {got}")
    assert not mismatches, "\n".join(mismatches)
