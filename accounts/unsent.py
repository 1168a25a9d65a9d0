"""What a member sent from a page's own form after her session had ended (signed out in another
tab, or timed out): kept in the session across signing in, so that the form she comes back to
holds it as she wrote it. Nothing typed is lost to a sign-in. (A form in place keeps its draft
in the page, crux.js, and needs none of this.)"""

from django.contrib import messages

SESSION_KEY = "crux_unsent"
# The token of the page that sent it is that page's alone.
NOT_KEPT = {"csrfmiddlewaretoken", "next"}


def keep(request) -> None:
    """Keep what `request` (a POST that must first sign in) sent, for the page it was sent to,
    and say so on the sign-in page."""
    fields = {name: value for name, value in request.POST.items() if name not in NOT_KEPT}
    if not any(value.strip() for value in fields.values()):
        return
    request.session[SESSION_KEY] = {"path": request.path, "fields": fields}
    messages.info(
        request,
        "You were signed out, so this was not sent. Sign in, and it will be back in the form "
        "as you wrote it.",
    )


def take(request) -> dict:
    """What was kept for the form of this page, once (and said), or {}."""
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("path") != request.path:
        return {}
    del request.session[SESSION_KEY]
    messages.info(request, "Here is what you wrote before you were signed out: send it again.")
    return kept["fields"]
