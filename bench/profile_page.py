"""Profile one page in-process: where its time goes, its size and its queries (with EXPLAIN).

    .venv/bin/python -m bench.profile_page                      # the 10,000-argument motion page
    .venv/bin/python -m bench.profile_page --url / --repeat 20  # the home page

Runs against the bench database (make bench seeds it) with the server's settings (DEBUG off),
through django.test.Client. Prints the page's render time and HTML size, its SQL queries with
their time and EXPLAIN ANALYZE plans, then the profile: pyinstrument's call tree when it is
installed (bench/requirements.txt), and cProfile's top functions in any case.
"""

import argparse
import cProfile
import io
import pstats
import sys
import time

from bench.common import DEFAULT_DATABASE_URL, prepare_database, setup_django


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--url", default="/motions/synthetic/")
    parser.add_argument("--repeat", type=int, default=1, help="timed requests (max 50)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each query")
    args = parser.parse_args(argv)
    args.repeat = max(1, min(args.repeat, 50))
    prepare_database(args.database_url)  # migrated to the code being profiled
    setup_django(args.database_url)

    from django.conf import settings
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.get(args.url, secure=True)  # warm: templates compiled, URL resolvers built

    def clear_caches():
        # Cold: nothing rendered before (the app may cache fragments; this is a bench database).
        for alias in settings.CACHES:
            caches[alias].clear()

    for label, before in (("cold caches", clear_caches), ("warm caches", lambda: None)):
        timings = []
        for _ in range(args.repeat):
            before()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(args.url, secure=True)
                timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        print(
            f"GET {args.url} ({label}): status {response.status_code}, "
            f"{len(response.content) / 1024:.0f} KB of HTML, {len(queries)} SQL queries, "
            f"{timings[len(timings) // 2]:.0f} ms (median of {len(timings)})"
        )
        if label == "cold caches":
            cold_queries = queries
    html = response.content.decode()
    print(
        f"  {html.count('<li class="argument ')} arguments rendered, "
        f"{html.count('csrfmiddlewaretoken')} CSRF tokens, {html.count('<form')} forms"
    )
    print("Queries with cold caches:")
    for n, query in enumerate(cold_queries.captured_queries, 1):
        print(f"  query {n}: {float(query['time']) * 1000:.1f} ms  {query['sql'][:160]}...")
        if args.explain and query["sql"].lstrip().upper().startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                for (line,) in cursor.fetchall():
                    print(f"      {line}")

    print("\nProfiles below are of a request with cold caches.")
    try:
        from pyinstrument import Profiler
    except ImportError:
        Profiler = None
    if Profiler is not None:
        profiler = Profiler(interval=0.001)
        clear_caches()
        profiler.start()
        client.get(args.url, secure=True)
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=False))

    profile = cProfile.Profile()
    clear_caches()
    profile.enable()
    client.get(args.url, secure=True)
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top * 2)
    print("cProfile (adds overhead to the many small calls; compare shares, not totals):")
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
