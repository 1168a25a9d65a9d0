from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts.decorators import member_required
from accounts.forms import DeleteAccountForm, ProfileForm, focus_first_error
from accounts.models import User
from accounts.queries import arguments_by, motions_by, profile_stats
from accounts.services import delete_account as close_account
from accounts.services import update_profile
from debates import policy
from notifications.queries import moderation_notices

PROFILE_PAGE_SIZE = 20
PROFILE_MOTIONS = 10
# Past any member's motions; it keeps the OFFSET within what the databases take.
LAST_MOTIONS_PAGE = 100_000


def _motions_page_number(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), LAST_MOTIONS_PAGE)


@require_safe
def profile(request, pk):
    """A person's public page: who they are, the motions they proposed and what they have
    argued, newest first, each list paged on its own.

    A fixed number of queries whatever the page: the person, one aggregate, one page of
    arguments, one page of motions.
    """
    person = get_object_or_404(User, pk=pk)
    stats = profile_stats(person, viewer=request.user)
    paginator = Paginator(arguments_by(person, viewer=request.user), PROFILE_PAGE_SIZE)
    paginator.count = stats["arguments"]  # already counted by the aggregate: skip a COUNT(*)
    page = paginator.get_page(request.GET.get("page"))
    # One row past the page says whether there are older ones, without a COUNT(*) of its own.
    motions_number = _motions_page_number(request.GET.get("motions_page"))
    start = (motions_number - 1) * PROFILE_MOTIONS
    motions = list(motions_by(person, viewer=request.user)[start : start + PROFILE_MOTIONS + 1])
    context = {
        "person": person,
        "is_own": request.user.pk == person.pk,
        "stats": stats,
        "votes_received": stats["agree"] + stats["disagree"],
        "page": page,
        "arguments": page.object_list,
        "motions": motions[:PROFILE_MOTIONS],
        "motions_number": motions_number,
        # A page past her motions leads only back to the newest (the template's empty state).
        "newer_motions": motions_number - 1 if motions and motions_number > 1 else None,
        "older_motions": motions_number + 1 if len(motions) > PROFILE_MOTIONS else None,
        # The latest moderation acts on their own content, for the person themself only.
        "notices": list(moderation_notices(person)[:3]) if request.user.pk == person.pk else [],
    }
    return render(request, "accounts/profile.html", context)


@member_required
@require_safe
def own_profile(request):
    return redirect(request.user)


@member_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    user = request.user
    refusal = policy.profile_edit_refusal(user)
    if refusal:
        messages.error(request, refusal)
        return redirect(user)
    status = 200
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                update_profile(
                    user=user,
                    display_name=form.cleaned_data["display_name"],
                    bio=form.cleaned_data["bio"],
                )
            except ValidationError as error:
                form.add_errors(error)
            else:
                messages.success(request, "Profile saved.")
                return redirect(user)
        status = 422
        focus_first_error(form)
    else:
        form = ProfileForm(initial={"display_name": user.display_name, "bio": user.bio})
    return render(request, "accounts/profile_edit.html", {"form": form}, status=status)


@member_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    """Close one's own account after typing a confirmation; what they wrote stays in the debates."""
    form = DeleteAccountForm(request.user, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            close_account(user=request.user)
            logout(request)
            messages.success(
                request,
                "Your account is closed. What you wrote stays in the debates, "
                "shown as by a former member.",
            )
            return redirect("home")
        status = 422
        focus_first_error(form)
    return render(request, "accounts/delete_account.html", {"form": form}, status=status)
