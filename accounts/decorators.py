from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from accounts import unsent


def _return_to(request):
    """Where to come back after signing in: the page the person was on, not the action URL; at
    the place a form names (a vote's `next` holds the claim's anchor, which no Referer does)."""
    candidates = [request.POST.get("next") if request.method == "POST" else None]
    candidates.append(request.htmx.current_url if request.htmx else None)
    if request.method != "GET":
        candidates.append(request.headers.get("Referer"))
    else:
        candidates.append(request.get_full_path())
    for url in candidates:
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return url
    return "/"


def member_required(view):
    """Like login_required, but an HTMX request is sent to sign in with a full-page redirect.

    A plain 302 would be followed by fetch() and the sign-in page swapped into a fragment. A
    plain form's POST is kept across signing in (accounts.unsent): the page it came from gets it
    back.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        response = redirect_to_login(_return_to(request))
        if request.htmx:
            return HttpResponseClientRedirect(response.url)
        if request.method == "POST":
            unsent.keep(request)
        return response

    return wrapper
