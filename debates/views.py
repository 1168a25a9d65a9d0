from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from debates import queries

HOME_PAGE_SIZE = 20
# Levels of replies shown below a page's root before a branch folds into "show more".
VISIBLE_DEPTH = 3


def home(request):
    page = Paginator(queries.motions_for_home(), HOME_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "debates/home.html", {"page": page, "motions": page.object_list})


def motion_detail(request, slug):
    motion = queries.motion_by_slug(slug)
    tree = queries.debate_tree(motion)
    queries.fold_below(tree.roots, VISIBLE_DEPTH)
    return render(request, "debates/motion_detail.html", {"motion": motion, "tree": tree})


def argument_detail(request, slug, pk):
    motion = queries.motion_by_slug(slug)
    tree = queries.debate_tree(motion)
    argument = tree.by_id.get(pk)
    if argument is None:
        raise Http404("No such argument in this debate.")
    queries.fold_below([argument], VISIBLE_DEPTH)
    template = "debates/argument_detail.html"
    if request.htmx:
        template += "#subtree"
    context = {"motion": motion, "argument": argument, "ancestors": tree.ancestors(argument)}
    return render(request, template, context)
