"""What the base template needs on every page: the canonical address, and for moderators only,
the open-flag count beside the link to the review queue (one query, made only if shown)."""

from django.core.exceptions import DisallowedHost
from django.utils.functional import SimpleLazyObject

from debates import moderation_queries, policy


def site(request):
    try:
        canonical_url = request.build_absolute_uri(request.path)
    except DisallowedHost:  # the 400 page for that very host: no address of ours to give
        canonical_url = request.path
    context = {"canonical_url": canonical_url}
    if policy.moderates(getattr(request, "user", None)):
        context["open_flags"] = SimpleLazyObject(moderation_queries.open_flag_count)
    return context
