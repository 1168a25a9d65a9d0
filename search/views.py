from django.shortcuts import render
from django.views.decorators.http import require_safe

from debates.models import Stance
from debates.queries import motion_by_slug
from debates.text import one_line
from search import queries
from search.forms import SearchForm

PAGE_SIZE = 20
FILTERS = ("motion", "stance", "author")  # the form's fields that narrow the search down


@require_safe
def search(request):
    """The search page: the form, and its results as a partial for HTMX as one types. Filters
    without words list everything they admit; neither words nor filters, the page explains."""
    form = SearchForm(request.GET or None, viewer=request.user)
    page, listed, status, sources_left_out, filtered = None, None, 200, False, False
    if form.is_bound and form.is_valid():
        found = form.cleaned_data
        name, member = found["author"] or ("", None)
        held_by = queries.names_like(name) if name else None
        filters = queries.Filters(
            motion=found["motion"],
            stance=found["stance"],
            author_id=member.pk if member else None,
            held_by=held_by,
        )
        filtered = filters.narrowing
        if found["q"] or filtered:
            results = queries.Search(text=found["q"], viewer=request.user, filters=filters)
            page = results.page(request.GET.get("page"), PAGE_SIZE)
            # Said with the results, as the fields' help says it: a source and its text belong
            # to no motion and take no stance (search.queries.Search).
            sources_left_out = found["motion"] is not None or bool(found["stance"])
            if results.listing:
                listed = _listed(
                    name=name,
                    member=member,
                    held_by=held_by,
                    stance=found["stance"],
                    motion=found["motion"],
                )
    elif form.errors:
        status = 400
    template = "search/search.html#results" if request.htmx else "search/search.html"
    context = {
        "form": form,
        "page": page,
        "listed": listed,
        "sources_left_out": sources_left_out,
        "filtered": filtered,
        "filters_set": any(form[name].value() for name in FILTERS),
    }
    return render(request, template, context, status=status)


def _listed(*, name, member, held_by, stance, motion) -> dict:
    """What the filters alone listed, for the count's words: "3 con arguments by Dmitri Trenin
    in “Strategic solitude”". The author as the pages name them: the member's display name, else
    the one attribution or source author the name stands for, else the name as typed."""
    if member is not None:
        name = member.display_name
    elif len(held_by or ()) == 1:
        name = held_by[0]
    stance = Stance(stance).label.lower() if stance else ""
    return {"stance": stance, "author": name, "motion": motion}


@require_safe
def similar_claims(request, slug):
    """'Is your point already here?': arguments of the motion like the claim being typed."""
    motion = motion_by_slug(slug)
    text = one_line(request.GET.get("claim", ""))[:1000]
    similar = queries.similar_claims(motion=motion, text=text, viewer=request.user)
    return render(request, "search/_similar.html", {"similar": similar, "motion": motion})
