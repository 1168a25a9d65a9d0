"""Views that write arguments and motions: parse, call debates.services, render or redirect.

Posting, editing and proposing are rate limited (config.ratelimit): past the limit the form comes
back with status 429 and the message in place, keeping what the person wrote, over HTMX or not.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts import unsent
from accounts.decorators import member_required
from accounts.forms import focus_first_error
from config import ratelimit
from debates import fragments, policy, queries, services
from debates.errors import DebateRuleError
from debates.forms import ArgumentForm, EditArgumentForm, MotionForm
from debates.models import Argument
from debates.views import HttpResponseSeeOther

# The motions of the same title a proposal is shown before it goes ahead, oldest first: enough
# to find the debate meant; past them the page says there are more.
SAME_TITLE_SHOWN = 5


def _argument_of(motion, pk):
    return get_object_or_404(
        Argument.objects.select_related("motion", "author"), pk=pk, motion=motion
    )


@member_required
@require_http_methods(["GET", "POST"])
def reply(request, slug, pk=None):
    """The reply form: in place under a claim over HTMX, a page of its own without JavaScript."""
    motion = queries.motion_by_slug(slug)
    parent = _argument_of(motion, pk) if pk else None
    # In place, several forms can be open on one page: each one's ids name the claim it answers.
    auto_id = f"id_reply-{pk or 'motion'}-%s" if request.htmx else "id_%s"
    kept = unsent.take(request) if request.method == "GET" else {}
    form = ArgumentForm(request.POST or None, initial=kept, auto_id=auto_id)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with ratelimit.attempt(request, "post"):
                    argument, created = services.post_argument(
                        author=request.user, motion=motion, parent=parent, **form.cleaned_data
                    )
            except (DebateRuleError, ratelimit.RateLimited) as error:
                form.add_rule_error(error)
                status = error.status
            else:
                if not created:
                    return _posted_before(request, motion, argument)
                if request.htmx:
                    return _render_new_argument(request, motion, argument)
                messages.success(request, "Your argument is posted.")
                return HttpResponseSeeOther(argument.get_absolute_url())
        else:
            status = 422
        focus_first_error(form)
    # With the claim it answers, so no form is offered in vain under a retracted argument; on
    # first load the refusal's status is the one a post would meet, as the edit form's is.
    refusal = policy.reply_refusal(request.user, motion, parent)
    if refusal and request.method == "GET":
        status = refusal.status
    context = {"motion": motion, "parent": parent, "form": form, "refusal": refusal}
    template = "debates/reply.html#reply-form" if request.htmx else "debates/reply.html"
    return render(request, template, context, status=status)


def _posted_before(request, motion, argument):
    """The same reply sent again (services._posted_again): nothing new is posted, and the answer
    says so and leads to the argument already there, instead of silently closing the form."""
    if request.htmx:
        context = {"motion": motion, "argument": argument}
        return render(request, "debates/reply.html#posted-before", context)
    messages.info(request, "You already posted this: here it is.")
    return HttpResponseSeeOther(argument.get_absolute_url())


def _render_new_argument(request, motion, argument):
    argument_html = fragments.new_argument(request, argument, motion)
    context = {"argument_html": argument_html, "parent_id": argument.parent_id}
    context.update(motion=motion, parent=argument.parent)
    return render(request, "debates/reply.html#posted-by-her", context)


@member_required
@require_http_methods(["GET", "POST"])
def edit_argument(request, slug, pk):
    motion = queries.motion_by_slug(slug)
    argument = _argument_of(motion, pk)
    initial = {"claim": argument.claim, "details": argument.details}
    if request.method == "GET":
        kept = unsent.take(request)
        initial |= {name: kept[name] for name in initial if name in kept}
    form = EditArgumentForm(request.POST or None, initial=initial)
    # On first load whatever would refuse the edit (a retracted argument, a locked motion) hides
    # the form; on a post only authorship does, so a refusal met then keeps what was typed.
    if request.method == "GET":
        refusal = policy.edit_refusal(request.user, argument)
    else:
        refusal = policy.authorship_refusal(request.user, argument, "edit")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with ratelimit.attempt(request, "edit"):
                    services.edit_argument(
                        editor=request.user, argument=argument, **form.cleaned_data
                    )
            except (DebateRuleError, ratelimit.RateLimited) as error:
                form.add_rule_error(error)
                status = error.status
            else:
                messages.success(request, "Your argument is updated; its earlier wording is kept.")
                return HttpResponseSeeOther(argument.get_absolute_url())
        else:
            status = 422
    elif refusal:
        status = refusal.status
    context = {"motion": motion, "argument": argument, "form": form, "refusal": refusal}
    return render(request, "debates/edit_argument.html", context, status=status)


@member_required
@require_http_methods(["GET", "POST"])
def retract_argument(request, slug, pk):
    """A confirmation page; the POST retracts (HTMX re-renders the argument in place)."""
    motion = queries.motion_by_slug(slug)
    argument = _argument_of(motion, pk)
    status, error = 200, None
    if request.method == "POST":
        try:
            services.retract_argument(author=request.user, argument=argument)
        except DebateRuleError as refusal:
            status, error = refusal.status, refusal.message
        else:
            messages.success(request, "Your argument is retracted. Its replies stay in place.")
            if request.htmx:
                node = queries.subtree(motion, argument.pk, viewer=request.user).argument
                context = {"motion": motion, "argument": node}
                return render(request, "debates/argument_detail.html#acted-in-place", context)
            return HttpResponseSeeOther(argument.get_absolute_url())
    elif refusal := policy.retract_offer_refusal(request.user, argument):
        status, error = refusal.status, refusal.message
    context = {"motion": motion, "argument": argument, "error": error}
    return render(request, "debates/retract_argument.html", context, status=status)


@require_safe
def argument_history(request, slug, pk):
    motion = queries.motion_by_slug(slug)
    argument = _argument_of(motion, pk)
    context = {
        "motion": motion,
        "argument": argument,
        "revisions": list(argument.revisions.all())
        if policy.wording_shown_to(argument, request.user)
        else [],
    }
    return render(request, "debates/argument_history.html", context)


@member_required
@require_http_methods(["GET", "POST"])
def propose_motion(request):
    """A title that motions the proposer may read already bear (case aside, as an import is
    told, debates.interchange.importing) brings the form back first, naming them: not refused,
    a second debate may be meant, and "Propose anyway" sends it on."""
    kept = unsent.take(request) if request.method == "GET" else {}
    form = MotionForm(request.POST or None, initial=kept)
    refusal = policy.participation_refusal(request.user, "post")
    status = 200
    same_title = []
    if request.method == "POST":
        if form.is_valid():
            fields = dict(form.cleaned_data)
            del fields["same_title_seen"]
            # Whoever may not post hears that from the service, not of other motions.
            if not refusal and not form.same_title_was_seen():
                found = queries.motions_titled(fields["title"], viewer=request.user)
                same_title = list(found[: SAME_TITLE_SHOWN + 1])
            if same_title:
                form.mark_same_title_seen()
            else:
                try:
                    with ratelimit.attempt(request, "motion"):
                        motion, _ = services.propose_motion(author=request.user, **fields)
                except (DebateRuleError, ratelimit.RateLimited) as error:
                    form.add_rule_error(error)
                    status = error.status
                else:
                    messages.success(request, "Your motion is open for debate.")
                    return HttpResponseSeeOther(motion.get_absolute_url())
        else:
            status = 422
        focus_first_error(form)
    elif refusal:
        status = 403
    context = {
        "form": form,
        "refusal": refusal,
        "same_title": same_title[:SAME_TITLE_SHOWN],
        "more_same_title": len(same_title) > SAME_TITLE_SHOWN,
    }
    return render(request, "debates/propose_motion.html", context, status=status)
