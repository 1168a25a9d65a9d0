"""The source pages (issue 20): the reader of a source's text with the debate's passages marked,
the list of sources, adding one, arguing from a passage, and moderators hiding one.

Views parse, call debates.sources / debates.services, and render; reads are in
debates.source_queries, rules in debates.policy.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import HttpResponseClientRefresh

from accounts.decorators import member_required
from config import ratelimit
from config.converters import is_digits
from debates import moderation, policy, services, source_queries, sources
from debates.errors import DebateRuleError
from debates.models import QUOTE_MAX_LENGTH
from debates.source_forms import PassageArgumentForm, SourceForm
from debates.views import HttpResponseSeeOther
from debates.views_moderation import moderator_required

SOURCES_PAGE_SIZE = 30


POSTED_FROM_PASSAGE = "Your argument is posted; its passage is marked."


@require_safe
def source_detail(request, pk):
    """The reader: the text with every passage the debate argues marked in its stance's colour,
    the claims citing each paragraph beside it, and the coverage. The `body` part (HTMX) is the
    same template's partial, which the page fetches when the live stream reports a change and
    morphs in (htmx)."""
    source = source_queries.source_for_reader(pk)
    shown = policy.source_shown_to(source, request.user)
    text = sources.text_of(source) if shown else ""
    reading = source_queries.reading(source) if shown else None
    body_only = request.htmx and request.GET.get("part") == "body"
    told = [] if body_only else list(messages.get_messages(request))
    posted = None
    if text:
        # The body fetched again keeps the note the page was drawn with (its address says which).
        fragment = request.GET.get("posted", "") if body_only else _posted_from(told)
        posted = reading.mark_posted(fragment, request.user) if fragment else None
    context = {
        "source": source,
        "shown": shown,
        "reading": reading,
        "text": text,
        "citing": [] if text or not shown else source_queries.citing_claims(source),
        "may_argue": policy.participation_refusal(request.user, "post") is None
        and policy.citation_refusal(source) is None,
        "may_moderate": policy.moderates(request.user),
        "posted": posted,
    }
    if body_only:
        # Hidden from this viewer since the page opened, or hidden or shown again (the page
        # says how it was drawn): the page around the body is no longer what a reload shows
        # either, so the reader reloads it.
        if not text or request.GET.get("visibility", source.visibility) != source.visibility:
            return HttpResponseClientRefresh()
        return render(request, "debates/source_detail.html#reader-body", context)
    # The confirmation of an argument posted from a passage stands above that passage, where
    # the page lands, and not again at the page's top, out of view (base.html's messages).
    context["messages"] = [
        message for message in told if posted is None or message.extra_tags != posted.fragment
    ]
    # The Flag link says "Flagged" to who has a flag on it open, as the flag's answer did.
    if policy.flag_offered_to(source, request.user):
        source.my_flag = moderation.open_flag(request.user, source) is not None
    return render(request, "debates/source_detail.html", context)


def _posted_from(told) -> str:
    """The passage (its fragment) of the argument the viewer was last told is posted, if any:
    the one the address leads to."""
    tags = [message.extra_tags for message in told if message.message == POSTED_FROM_PASSAGE]
    return tags[-1] if tags else ""


@require_safe
def source_list(request):
    """Every source a reader finds cited, for the viewer (source_queries.listed_sources): those
    whose text Crux holds, to read, and those whose text it does not, marked so, with where the
    original is and the claims citing it; a hidden one only for who added it and moderators."""
    listed = source_queries.listed_sources(request.user)
    page = Paginator(listed, SOURCES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "debates/source_list.html", {"page": page, "sources": page.object_list})


@member_required
@require_http_methods(["GET", "POST"])
def add_source(request):
    form = SourceForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with ratelimit.attempt(request, "source"):
                    source = sources.add_source(adder=request.user, **form.cleaned_data)
            except (DebateRuleError, ratelimit.RateLimited) as error:
                form.add_rule_error(error)
                status = error.status
            else:
                messages.success(request, "The source is added: select a passage to argue from.")
                return HttpResponseSeeOther(source.get_absolute_url())
        else:
            status = 422
    context = {"form": form, "refusal": policy.participation_refusal(request.user, "post")}
    return render(request, "debates/source_add.html", context, status=status)


def _offsets(data, text: str) -> tuple[int | None, int | None]:
    """A passage's start and end from a query string, when they make one in the text, without
    the white space a selection may take in at either end."""
    start, end = data.get("start", ""), data.get("end", "")
    digits = (start, end)
    if not all(is_digits(n) and len(n) <= 9 for n in digits):
        return None, None
    start, end = int(start), int(end)
    if not 0 <= start < end <= len(text) or not text[start:end].strip():
        return None, None
    while text[start].isspace():
        start += 1
    while text[end - 1].isspace():
        end -= 1
    return start, end


def _quote_too_long(form, length: int) -> str:
    """What to say by the quote field when the passage picked is longer than a quote may be
    (a whole paragraph, or a long selection), so the form does not look fine until it is sent;
    the field is marked invalid and described by it. "" when the passage fits."""
    if length <= QUOTE_MAX_LENGTH:
        return ""
    quote = form["quote"]
    quote.field.widget.attrs |= {
        "aria-invalid": "true",
        "aria-describedby": f"{quote.auto_id}_helptext {quote.auto_id}_too_long",
    }
    return (
        f"This passage is {length:,} characters; a quote may have "
        f"{QUOTE_MAX_LENGTH:,} at most. Shorten it to the words you argue from."
    )


@member_required
@require_http_methods(["GET", "POST"])
def argue_from_passage(request, pk):
    """Start an argument on a chosen motion quoting a passage: the reader's selection (its exact
    offsets), or a paragraph picked without JavaScript and trimmed here."""
    source = source_queries.source_for_reader(pk)
    text = sources.text_of(source)
    shown = policy.source_shown_to(source, request.user)
    # A source hidden while someone wrote from it: what they sent comes back with the reason
    # (below), never a 404 that loses it; the page then names the source no more than the hiding.
    if not text or not (shown or (request.method == "POST" and source.is_hidden)):
        raise Http404("This source has no text to argue from.")
    motions = source_queries.open_motions()
    status, too_long = 200, ""
    # Asked first, so the page offers no form the service would refuse, and a refused post is
    # answered with this one reason (its status) above what was sent.
    refusal, refused_with = policy.participation_refusal(request.user, "post"), 403
    if refusal is None and (citing := policy.citation_refusal(source)):
        refusal, refused_with = citing.message, citing.status
    if request.method == "POST":
        form = PassageArgumentForm(request.POST, motions=motions)
        if refusal is not None:
            status = refused_with
        elif form.is_valid():
            data = form.cleaned_data
            try:
                with ratelimit.attempt(request, "post"):
                    argument, _ = services.post_argument(
                        author=request.user,
                        motion=form.motions[data["motion"]],
                        parent=None,
                        stance=data["stance"],
                        claim=data["claim"],
                        details=data["details"],
                        source=source,
                        quote=data["quote"],
                        quote_start=data["quote_start"],
                        quote_end=data["quote_end"],
                        submission_key=data["submission_key"],
                    )
            except (DebateRuleError, ratelimit.RateLimited) as error:
                form.add_rule_error(error)
                status = error.status
            else:
                # Tagged with its passage: the reader shows it there (source_detail).
                messages.success(request, POSTED_FROM_PASSAGE, extra_tags=argument.passage_fragment)
                return HttpResponseSeeOther(argument.passage_url)
        else:
            status = 422
    else:
        start, end = _offsets(request.GET, text)
        initial = {"motion": request.GET.get("motion", "")}
        if start is not None:
            initial |= {"quote": text[start:end], "quote_start": start, "quote_end": end}
        form = PassageArgumentForm(initial=initial, motions=motions)
        too_long = _quote_too_long(form, end - start) if start is not None else ""
    context = {
        "source": source,
        "source_shown": shown,
        "form": form,
        "refusal": refusal,
        "motions": motions,
        "too_long": too_long,
    }
    return render(request, "debates/source_argue.html", context, status=status)


SOURCE_ACTS = {"hide": sources.hide_source, "restore": sources.restore_source}


@moderator_required
@require_http_methods(["GET", "POST"])
def moderate_source(request, pk, act):
    """Hide or restore a source, with a reason, logged; back to its reader after."""
    source = source_queries.source_for_reader(pk)
    status, error, error_field = 200, None, None
    # Asked first, so that the page offers no form the act would refuse (policy's own rule).
    refusal = policy.own_content_refusal(request.user, source, act)
    if refusal:
        status, error = refusal.status, refusal.message
    elif request.method == "POST":
        try:
            outcome = SOURCE_ACTS[act](
                moderator=request.user, source=source, reason=request.POST.get("reason", "")
            )
        except DebateRuleError as rule:
            status, error, error_field = rule.status, rule.message, rule.field
        else:
            (messages.success if outcome.changed else messages.info)(request, outcome.message)
            return HttpResponseSeeOther(source.get_absolute_url())
    context = {
        "act": act,
        "source": source,
        "refused": bool(refusal),
        "error": error,
        "error_field": error_field,
        "reason": request.POST.get("reason", ""),
        "action_url": reverse(f"{act}_source", args=[pk]),
    }
    return render(request, "debates/source_moderate.html", context, status=status)
