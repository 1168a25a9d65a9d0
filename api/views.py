"""Pages of the API: its documentation, a member's tokens (made, shown once, revoked), and a
debate's public download in Crux JSON."""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from accounts.decorators import member_required
from api import documentation, problems, tokens
from api.models import ApiToken
from api.v1 import api
from debates import policy, queries, transfer
from debates.errors import DebateRuleError
from debates.views import HttpResponseSeeOther

NEW_KEY = "api_new_token_key"


@require_safe
def docs(request):
    """Every operation of the OpenAPI document, with its parameters, body fields and answers;
    no scripts."""
    context = {
        "title": api.title,
        "version": api.version,
        "description": documentation.markdown(api.description),
        "operations": documentation.operations(api.get_openapi_schema()),
        "problem_kinds": problems.KINDS,
    }
    return render(request, "api/docs.html", context)


@member_required
@require_http_methods(["GET", "POST"])
def tokens_page(request):
    status, error, error_field = 200, None, None
    if request.method == "POST":
        try:
            _, new_key = tokens.create_token(
                user=request.user,
                name=request.POST.get("name", ""),
                scope=request.POST.get("scope", ""),
            )
        except DebateRuleError as refusal:
            status, error, error_field = refusal.status, refusal.message, refusal.field
            if status == 400:
                status = 422
        else:
            # Shown by the page the browser is sent on to, once: reloading that page, or going
            # back to it, never posts the form again and so never makes a second token.
            request.session[NEW_KEY] = new_key
            return HttpResponseSeeOther(reverse("api_tokens"))
    new_key = request.session.pop(NEW_KEY, None)
    own = list(ApiToken.objects.filter(user=request.user))
    # Without JavaScript a Revoke button only asks (?revoke=<id>): the POST that revokes is the
    # confirmation's own button, so one stray click never cuts off a script.
    asked = request.GET.get("revoke")
    revoking = next((t for t in own if t.is_active and str(t.pk) == asked), None)
    context = {
        "tokens": own,
        "revoking": revoking,
        "scopes": ApiToken.Scope.choices,
        "new_key": new_key,
        "error": error,
        "error_field": error_field,
        "name": request.POST.get("name", "") if error else "",
        "scope": request.POST.get("scope", "") if error else "",
    }
    response = render(request, "api/tokens.html", context, status=status)
    if new_key:
        add_never_cache_headers(response)  # the key must not outlive this one page, anywhere
    return response


@member_required
@require_POST
def revoke(request, pk):
    try:
        token = tokens.revoke_token(user=request.user, token_id=pk)
    except DebateRuleError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"The token “{token.name}” is revoked.")
    # htmx would follow a 303 and swap the whole page into the button: it reloads instead.
    if request.htmx:
        return HttpResponseClientRedirect(reverse("api_tokens"))
    return HttpResponseSeeOther(reverse("api_tokens"))


@require_safe
def motion_export(request, slug):
    """The debate as anyone reads it, in the format import_debate reads (debates/transfer.py),
    whoever asks: a download that is the same for everyone."""
    motion = queries.motion_by_slug(slug)
    if not policy.is_shown(motion):
        raise Http404("No such motion.")
    response = JsonResponse(
        transfer.export_debate(motion, public=True), json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Disposition"] = f'attachment; filename="{motion.slug}.json"'
    return response


@require_safe
def export_schema(request):
    """The JSON Schema of Crux JSON (debates/export.schema.json), which imports are held to."""
    return JsonResponse(transfer.schema(), content_type="application/schema+json")
