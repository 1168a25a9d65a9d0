"""Search over the 10,000-argument synthetic debate (issue 21): the search page's server time.

    .venv/bin/python -m bench.search                      # seeds the synthetic debate if missing
    .venv/bin/python -m bench.search --repeat 50 --database-url postgres://…/crux_bench

Runs in-process against the bench database (PostgreSQL) with the server's settings (DEBUG off),
through django.test.Client, as an anonymous reader: each query of QUERIES (common and rare
words, a phrase, `or`, `-word`, filters) is asked --repeat times, round robin, as the HTMX
partial that typing asks for and as the whole page. Times are Django's own (Server-Timing):
the median and 95th percentile over all of them, and per query; the limit is on the median.
"Is your point already here?" (pg_trgm over the motion's claims) is timed the same way.
"""

import argparse
import re
import statistics
import sys

from bench.common import (
    DEFAULT_DATABASE_URL,
    manage,
    prepare_database,
    setup_django,
    wait_for_quiet,
)

LIMIT_MS = 50
SLUG = "synthetic"
SEED = ("--arguments", "10000", "--users", "1000", "--votes", "200000", "--seed", "1")
QUERIES = [
    {"q": "treaty"},  # a common word: hundreds of hits to rank
    {"q": "sanctions credibility"},
    {"q": '"the arms embargo"'},  # a phrase
    {"q": "ceasefire or embargo"},
    {"q": "alliance -stability"},
    {"q": "undermine"},  # stemming: the texts say "undermines"
    {"q": "mediators", "stance": "con"},
    {"q": "the diaspora", "motion": SLUG, "page": "3"},
    {"q": "zeppelin"},  # nothing found
]
SIMILAR = "The treaty undermines the government's credibility"


def _percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--repeat", type=int, default=30, help="times each query (max 200)")
    parser.add_argument(
        "--quiet-wait", type=float, default=60, help="seconds to wait for an idle machine"
    )
    args = parser.parse_args(argv)
    repeat = max(1, min(args.repeat, 200))
    prepare_database(args.database_url)
    manage("seed_synthetic", *SEED, "--motion-slug", SLUG, database_url=args.database_url)
    setup_django(args.database_url)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from debates.models import Argument

    client = Client()
    arguments = Argument.objects.filter(motion__slug=SLUG).count()

    def timed(url, params, **headers):
        response = client.get(url, params, secure=True, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} {params}: {response.status_code}")
        return float(re.search(r"dur=([\d.]+)", response["Server-Timing"]).group(1)), response

    for params in QUERIES:  # warm: templates compiled, plans cached, pages in memory
        timed("/search/", params)
    background = wait_for_quiet(args.quiet_wait)
    rows, hits, queries = {}, {}, {}
    for label, headers in (("partial", {"HX-Request": "true"}), ("page", {})):
        for _ in range(repeat):
            for params in QUERIES:
                with CaptureQueriesContext(connection) as captured:
                    duration, response = timed("/search/", params, **headers)
                key = str(params)
                rows.setdefault((label, key), []).append(duration)
                queries[key] = len(captured)
                found = re.search(rb"(\d+) results?\s*<", response.content)
                hits[key] = int(found.group(1)) if found else 0
    similar = [
        timed(f"/motions/{SLUG}/similar/", {"claim": SIMILAR})[0] for _ in range(repeat + 1)
    ][1:]

    print(f"Search over /motions/{SLUG}/ ({arguments} arguments), {connection.vendor},")
    print(
        f"{repeat} rounds of {len(QUERIES)} queries, as the HTMX partial and as the page "
        f"({background.cores:.2f} cores busy elsewhere at the start; reference loop "
        f"{background.loop_ms:.0f} ms):"
    )
    for label in ("partial", "page"):
        every = [t for (kind, _), times in rows.items() if kind == label for t in times]
        print(
            f"  {label}: {statistics.median(every):.1f} ms median, "
            f"{_percentile(every, 0.95):.1f} ms p95, {max(every):.1f} ms slowest "
            f"(limit {LIMIT_MS} ms median)"
        )
    print("  per query (partial): median ms, hits, queries")
    for params in QUERIES:
        key = str(params)
        median = statistics.median(rows[("partial", key)])
        print(f"    {median:6.1f}  {hits[key]:5d}  {queries[key]}  {params}")
    print(
        f"  'Is your point already here?': {statistics.median(similar):.1f} ms median, "
        f"{_percentile(similar, 0.95):.1f} ms p95"
    )
    partial = [t for (kind, _), times in rows.items() if kind == "partial" for t in times]
    return 1 if statistics.median(partial) > LIMIT_MS else 0


if __name__ == "__main__":
    sys.exit(main())
