from django.shortcuts import render
from django.views.decorators.http import require_safe

from debates.queries import motion_by_slug
from debates.text import one_line
from search import queries
from search.forms import SearchForm

PAGE_SIZE = 20


@require_safe
def search(request):
    """The search page: the form, and its results as a partial for HTMX as one types."""
    form = SearchForm(request.GET or None, viewer=request.user)
    page, status = None, 200
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        found = form.cleaned_data
        name, member = found["author"] or ("", None)
        results = queries.Search(
            text=found["q"],
            viewer=request.user,
            filters=queries.Filters(
                motion=found["motion"],
                stance=found["stance"],
                author_id=member.pk if member else None,
                held_by=queries.names_like(name) if name else None,
            ),
        )
        page = results.page(request.GET.get("page"), PAGE_SIZE)
    elif form.errors:
        status = 400
    template = "search/search.html#results" if request.htmx else "search/search.html"
    return render(request, template, {"form": form, "page": page}, status=status)


@require_safe
def similar_claims(request, slug):
    """'Is your point already here?': arguments of the motion like the claim being typed."""
    motion = motion_by_slug(slug)
    text = one_line(request.GET.get("claim", ""))[:1000]
    similar = queries.similar_claims(motion=motion, text=text, viewer=request.user)
    return render(request, "search/_similar.html", {"similar": similar, "motion": motion})
