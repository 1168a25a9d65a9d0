from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect


def _return_to(request):
    """Where to come back after signing in: the page the person was on, not the action URL."""
    candidates = [request.htmx.current_url if request.htmx else None]
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

    A plain 302 would be followed by fetch() and the sign-in page swapped into a fragment.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        response = redirect_to_login(_return_to(request))
        if request.htmx:
            return HttpResponseClientRedirect(response.url)
        return response

    return wrapper


MODERATORS_ONLY = "Only moderators can do that."


def moderation_refusal(user):
    """Why a signed-in `user` may not moderate, or None when they may.

    Moderators are staff, members of the Moderators group or holders of accounts.moderate
    (User.is_moderator); a suspended moderator may not moderate until the suspension ends.
    """
    if not getattr(user, "is_moderator", False):
        return MODERATORS_ONLY
    if user.is_suspended:
        return "Your account is suspended, so you cannot moderate."
    return None


def moderator_required(view):
    """member_required, then 403 for anyone who may not moderate, whatever the method or headers.

    The 403 page is debates/moderation/forbidden.html; an HTMX request gets its fragment.
    """

    @wraps(view)
    @member_required
    def wrapper(request, *args, **kwargs):
        refusal = moderation_refusal(request.user)
        if refusal:
            from django.shortcuts import render

            template = "debates/moderation/forbidden.html"
            if request.htmx:
                template += "#refusal"
            return render(request, template, {"refusal": refusal}, status=403)
        return view(request, *args, **kwargs)

    return wrapper
