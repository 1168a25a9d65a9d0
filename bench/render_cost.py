"""Server CPU per page and per reply, in-process (issue 18): what rendering each viewer's own copy
costs against the shared tree, and what a reply costs with the live stream's rendering reused.

    .venv/bin/python -m bench.render_cost --database-url postgres://…/crux_render_bench

Through django.test.Client against the bench database (make bench seeds it), DEBUG off. Each
figure is this process's CPU time (time.process_time) per request, the median of --rounds
rounds of --repeat requests, the variants alternating within each round so drift on a busy
machine falls on all alike. "per viewer" is the render every signed-in page took before: the
whole visible tree for that viewer (views._shares_tree off); "shared" is the tree from the
cache its audience shares, with the viewer's own regions spliced in. A reply is measured with
one page open on its motion: the poster's answer plus the live stream's message. With
--profile, cProfile's top functions of the replies (shared rendering) are printed.
"""

import argparse
import cProfile
import io
import pstats
import statistics
import time
import uuid

from bench.common import DEFAULT_DATABASE_URL, prepare_database, setup_django

SLUG = "synthetic"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--repeat", type=int, default=20, help="requests per variant and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    args.repeat, args.rounds = max(1, min(args.repeat, 200)), max(1, min(args.rounds, 20))
    prepare_database(args.database_url)
    setup_django(args.database_url)
    _run(args)


def _run(args):
    from django.test import Client

    from accounts.models import User
    from debates import views
    from debates.models import Argument, Motion, Vote

    motion = Motion.objects.get(slug=SLUG)
    anonymous, member, voter = Client(), Client(), Client()
    member.force_login(User.objects.filter(email__endswith=".synthetic.invalid").first())
    # The member with the most votes among the top-level arguments: the most to splice in.
    top = Argument.objects.filter(motion=motion, parent=None).values("pk")
    busiest = Vote.objects.filter(argument__in=top).values_list("user", flat=True).order_by("user")
    counts = {}
    for user_id in busiest:
        counts[user_id] = counts.get(user_id, 0) + 1
    voter.force_login(User.objects.get(pk=max(counts, key=counts.get)))
    permalink = Argument.objects.filter(motion=motion, parent=None).order_by("id").first()
    urls = {"motion page": motion.get_absolute_url(), "permalink": permalink.get_absolute_url()}

    def per_viewer(order):
        return False

    shared = views._shares_tree
    results = {}
    for _ in range(args.rounds):
        for page, url in urls.items():
            for who, client in [("anonymous", anonymous), ("member", member), ("voter", voter)]:
                variants = [("shared", shared)]
                if who != "anonymous":
                    variants.append(("per viewer", per_viewer))
                for variant, rule in variants:
                    views._shares_tree = rule
                    try:
                        client.get(url, secure=True)  # a miss, if any, is not the steady state
                        results.setdefault((page, who, variant), []).append(
                            _cpu_ms(lambda c=client, u=url: c.get(u, secure=True), args.repeat)
                        )
                    finally:
                        views._shares_tree = shared
        for variant in ("shared", "per viewer"):
            results.setdefault(("reply + live message", "member", variant), []).append(
                _reply_cpu_ms(member, motion, permalink, variant, args.repeat)
            )
    print(f"CPU ms per request, median of {args.rounds} rounds of {args.repeat}:")
    for (page, who, variant), values in results.items():
        print(f"  {page:22} {who:10} {variant:11} {statistics.median(values):7.2f}")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        _reply_cpu_ms(member, motion, permalink, "shared", args.repeat)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        print(out.getvalue())
    _remove_replies(motion)


def _cpu_ms(request, repeat):
    started = time.process_time()
    for _ in range(repeat):
        response = request()
        assert response.status_code == 200, response.status_code
    return (time.process_time() - started) * 1000 / repeat


def _reply_cpu_ms(client, motion, parent, variant, repeat):
    """A reply as the page posts it (HTMX), then the message a page open on the motion gets.
    "per viewer" answers the poster with her own render and renders the message apart, as
    before; "shared" is the code as it is."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    from debates import fragments, queries, views_posting
    from debates.live import fanout
    from debates.live.render import render_event
    from debates.models import Argument

    def own_render(request, motion, argument):
        node = queries.just_posted(argument, motion)
        context = {"motion": motion, "node": node}
        html = mark_safe(render_to_string("debates/_argument.html", context, request))
        return views_posting.render(
            request,
            "debates/reply.html#posted",
            {"argument_html": html, "parent_id": argument.parent_id},
        )

    def public_message(argument):
        # As the stream rendered it before: read back, then rendered for the public.
        read = Argument.objects.select_related("motion", "author", "source").get(pk=argument.pk)
        node = queries.just_posted(read, read.motion)
        context = {"motion": read.motion, "node": node, "user": fragments.NOBODY}
        html = mark_safe(render_to_string("debates/_argument.html", context))
        context = {"argument_html": html, "parent_id": read.parent_id}
        return render_to_string("debates/reply.html#posted", context)

    answer = views_posting._render_new_argument
    url = f"/motions/{SLUG}/arguments/{parent.pk}/reply/"
    elapsed = 0.0
    for n in range(repeat):
        data = {"stance": "con", "claim": f"Costed reply {n} {uuid.uuid4()}"}
        data["submission_key"] = str(uuid.uuid4())
        if variant == "per viewer":
            views_posting._render_new_argument = own_render
        started = time.process_time()
        try:
            response = client.post(url, data, secure=True, headers={"HX-Request": "true"})
        finally:
            views_posting._render_new_argument = answer
        assert response.status_code == 200, response.status_code
        argument = _latest_reply(motion)
        if variant == "per viewer":
            public_message(argument)
        else:
            event = fanout.LiveEvent(1, motion.pk, "argument-posted", {"argument_id": argument.pk})
            render_event(event, "motion")
        elapsed += time.process_time() - started
    return elapsed * 1000 / repeat


def _latest_reply(motion):
    from debates.models import Argument

    return (
        Argument.objects.select_related("motion")
        .filter(motion=motion, submission_key__isnull=False)
        .latest("id")
    )


def _remove_replies(motion):
    from bench.signed_in import _remove_replies as remove

    remove()


if __name__ == "__main__":
    main()
