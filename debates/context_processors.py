"""What the base template needs on every page: the canonical address, and for moderators only,
the open-flag count beside the link to the review queue (one query, made only if shown)."""

from functools import cache

from django.core.exceptions import DisallowedHost

from debates import moderation_queries, policy


def site(request):
    try:
        canonical_url = request.build_absolute_uri(request.path)
    except DisallowedHost:  # the 400 page for that very host: no address of ours to give
        canonical_url = request.path
    user = getattr(request, "user", None)

    # Asked only when the base template shows the nav: a fragment (a vote's answer) never
    # pays for the query that asks whether the viewer moderates. None for everyone else.
    @cache
    def review_waiting():
        return moderation_queries.waiting_for_review(user) if policy.moderates(user) else None

    return {"canonical_url": canonical_url, "review_waiting": review_waiting}
