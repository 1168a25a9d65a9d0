"""Notification pages: the inbox, opening one, marking read, following, settings, unsubscribing."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import member_required
from accounts.models import User
from debates import policy
from debates.errors import DebateRuleError
from notifications import mailing, queries, services
from notifications.forms import PreferencesForm
from notifications.models import Notification

PAGE_SIZE = 20
KINDS = {"moderation": Notification.Kind.MODERATION}


@member_required
@require_GET
def inbox(request):
    """Newest first; `?kind=moderation` shows only moderators' acts (the former notices page)."""
    kind = KINDS.get(request.GET.get("kind", ""))
    found = queries.inbox(request.user)
    if kind:
        found = found.filter(kind=kind)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "notifications": page.object_list,
        "kind": kind,
    }
    if request.htmx:
        return render(request, "notifications/inbox.html#list", context)
    return render(request, "notifications/inbox.html", context)


def place_of(notification: Notification, member) -> str:
    """Where a notification leads: the argument in its debate, the motion, the source (an act
    on one she added), or (a suspension) the member's moderation notices. A motion hidden since
    keeps its address from her: its slug is made from the title the hiding withholds."""
    claim = notification.argument or notification.motion
    if claim is not None and not policy.named_to(getattr(claim, "motion", claim), member):
        return reverse("notifications") + ("?kind=moderation" if notification.action_id else "")
    if claim is not None:
        return claim.get_absolute_url()
    if notification.action_id and notification.action.source_id:
        return notification.action.source.get_absolute_url()
    return reverse("notifications") + "?kind=moderation"


def withheld_since(notification: Notification, member) -> str | None:
    """Why the place of `notification` no longer shows `member` what she was told of, or None:
    its debate hidden (place_of leads her back to the inbox), or its argument hidden or
    retracted (its place says only that). Said on the way, or the link looks broken."""
    claim = notification.argument or notification.motion
    if claim is None:
        return None
    if not policy.named_to(getattr(claim, "motion", claim), member):
        return "That debate was hidden by a moderator, so it can't be opened."
    if policy.text_shown_to(claim, member):
        return None
    if claim.is_hidden:
        return "That argument was hidden by a moderator, so its text is no longer shown."
    return "That argument was retracted by its author, so its text is no longer shown."


@member_required
@require_GET
def open_notification(request, pk):
    """Follow a notification to its place, marking it read on the way. A GET that writes, on
    purpose: it is a plain link, works without JavaScript, and the one thing it can change (a
    notification of one's own becoming read) is what opening it means."""
    notification = services.mark_read(member=request.user, notification_id=pk)
    if notification is None:
        # Most often an emailed link opened where another account is signed in: say so, and
        # offer the way to the right one, whether or not the number is anyone's.
        return render(request, "notifications/not_yours.html", status=404)
    withheld = withheld_since(notification, request.user)
    if withheld:
        messages.info(request, withheld)
    return redirect(place_of(notification, request.user))


def _back(request):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("notifications")


@member_required
@require_POST
def mark_read(request, pk):
    """Mark one notice read: in place, the notice as a reload now shows it (inbox.html#marked);
    else back to the page it was marked on."""
    if services.mark_read(member=request.user, notification_id=pk) is None:
        raise Http404("No such notification.")
    messages.success(request, "Marked as read.")
    if request.htmx:
        notification = queries.inbox(request.user).get(pk=pk)
        return render(request, "notifications/inbox.html#marked", {"notification": notification})
    return redirect(_back(request))


@member_required
@require_POST
def mark_all_read(request):
    marked = services.mark_all_read(member=request.user)
    messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} read.")
    return redirect(_back(request))


@member_required
@require_http_methods(["GET", "POST"])
def follow(request, kind, pk):
    """Whether one follows a motion or an argument, and the button to change it."""
    claim = queries.claim_of(kind, pk)
    # The page quotes the claim and links it (its address holds the motion's slug): one the
    # reader may not read where it stands is not there for them.
    if claim is None or not policy.named_to(claim, request.user):
        raise Http404("Nothing to follow here.")
    if request.method == "POST":
        following = request.POST.get("following") == "1"
        try:
            services.set_following(member=request.user, claim=claim, following=following)
        except DebateRuleError as error:
            return render(
                request,
                "notifications/follow.html",
                {"claim": claim, "kind": kind, "refusal": error.message},
                status=error.status,
            )
        verb = "following" if following else "no longer following"
        messages.success(request, f"You are {verb} this {kind}.")
        return redirect(claim.get_absolute_url())
    following = queries.is_following(request.user, claim)
    refusal = services.follow_refusal(request.user, claim, following=not following)
    context = {
        "claim": claim,
        "kind": kind,
        "refusal": refusal.message if refusal else None,
        "following": following,
    }
    return render(
        request, "notifications/follow.html", context, status=refusal.status if refusal else 200
    )


@member_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    preferences = queries.preferences_of(request.user)
    form = PreferencesForm(request.POST or None, instance=preferences)
    if request.method == "POST":
        if form.is_valid():
            services.save_preferences(member=request.user, **form.cleaned_data)
            messages.success(request, "Your notification settings are saved.")
            return redirect("notification_settings")
        return render(request, "notifications/settings.html", {"form": form}, status=422)
    return render(request, "notifications/settings.html", {"form": form})


# The token is the authority (signed, naming one member and one kind of mail); mail readers
# POST here for RFC 8058's one-click unsubscribe with no session and no CSRF token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request):
    """GET shows one button (link scanners that open every link must not unsubscribe anyone);
    POST, from that button or a mail reader's List-Unsubscribe-Post, unsubscribes."""
    found = mailing.read_unsubscribe_token(request.GET.get("token", ""))
    member = found and User.objects.filter(pk=found[0]).first()
    if not member or found[1] not in services.LISTS:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        services.unsubscribe(member=member, mailing=found[1])
        done = True
    else:
        # A link used already says so, rather than ask again as if the first click had failed.
        done = queries.unsubscribed_from(member, found[1])
    context = {"mailing": found[1], "member": member, "done": done}
    return render(request, "notifications/unsubscribe.html", context)
