"""Signed-in readers against anonymous ones, served as in production (issue 18).

    .venv/bin/python -m bench.signed_in --database-url postgres://…/crux_render_bench

The page benchmark's server (bench.common.Server: gunicorn, 2 workers, DEBUG off, PostgreSQL)
and load (bench.load's closed loop, 8 keep-alive clients), on the seeded 10,000-argument motion
page and a permalink: anonymous clients, then clients each signed in as a member of their own,
alternating for --rounds rounds so that a busy machine's drift falls on both. Reports req/s,
p50/p99 and the server's CPU per request, and the signed-in share of the anonymous req/s in
each round. With --writes, votes (64 signed-in voters at once) and replies (8 posters) follow,
as make bench drives them, for replies/s against votes/s in the same run; the replies posted
(and what other apps made of them) are removed afterwards.
"""

import argparse
import asyncio
import time

from bench.common import (
    DEFAULT_DATABASE_URL,
    PROXY_HEADERS,
    RESULTS,
    Server,
    database_cpu,
    fmt,
    install_signal_handlers,
    prepare_database,
    setup_django,
)
from bench.load import (
    VOTERS_PER_CLIENT,
    ReplyPlan,
    VotePlan,
    closed_loop,
    page_request,
    seed,
    server_cpu,
    sessions_for,
    targets,
)


def signed_in_request(url, cookies, user_ids):
    def make(index, n):
        session, csrf = cookies[user_ids[index % len(user_ids)]]
        headers = {
            **PROXY_HEADERS,
            "Accept": "text/html",
            "Accept-Encoding": "identity",
            "Cookie": f"sessionid={session}; csrftoken={csrf}",
        }
        return "GET", url, headers, b"", None

    return make


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-seed", action="store_true")
    parser.add_argument("--writes", action="store_true", help="votes and replies too")
    parser.add_argument("--vote-clients", type=int, default=64)
    args = parser.parse_args(argv)
    args.duration, args.rounds = min(max(args.duration, 1), 60), min(max(args.rounds, 1), 5)
    args.clients = min(max(args.clients, 1), 64)
    install_signal_handlers()
    prepare_database(args.database_url)
    if not args.no_seed:
        seed(args.database_url)
    setup_django(args.database_url)
    t = targets()
    members = t["users"][1 : args.clients + 1]
    cookies = sessions_for(t["users"][: max(args.vote_clients * VOTERS_PER_CLIENT, 64) + 1])
    from django.db import connections

    connections.close_all()
    user_ids = [user.pk for user in members]
    rows = []
    server = Server(args.database_url, workers=args.workers, log_path=RESULTS / "signed-in.log")
    with server:
        for page in ("motion", "permalink"):
            url = t[f"{page}_url"]
            for who in ("anonymous", "signed in"):  # warm each audience's shared tree
                make = page_request(url) if who == "anonymous" else None
                make = make or signed_in_request(url, cookies, user_ids)
                asyncio.run(closed_loop(args.clients, 2, 60, make, server.port))
            for round_number in range(1, args.rounds + 1):
                pair = {}
                for who in ("anonymous", "signed in"):
                    make = page_request(url) if who == "anonymous" else None
                    make = make or signed_in_request(url, cookies, user_ids)
                    result = _measured(server, args.clients, args.duration, make)
                    pair[who] = result
                    rows.append((page, round_number, who, result))
                    time.sleep(0.5)
                share = pair["signed in"]["rps"] / max(pair["anonymous"]["rps"], 1e-9)
                print(f"{page} round {round_number}: signed in at {share:.0%} of anonymous req/s")
        if args.writes:
            plans = {
                "vote": (VotePlan(t, cookies, args.vote_clients, server.port), args.vote_clients),
                "reply": (ReplyPlan(t, cookies, server.port), args.clients),
            }
            for name, (plan, clients) in plans.items():
                result = _measured(server, clients, args.duration, plan.request)
                rows.append((name, 1, f"{clients} clients", result))
            votes, replies = rows[-2][3]["rps"], rows[-1][3]["rps"]
            print(f"replies/s at {replies / max(votes, 1e-9):.0%} of votes/s")
    if args.writes:
        _remove_replies()
    print()
    print(
        "| page | round | reader | req/s | p50 ms | p99 ms | server CPU ms/request "
        "| PostgreSQL CPU ms/request | errors |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for page, round_number, who, r in rows:
        print(
            f"| {page} | {round_number} | {who} | {r['rps']:.1f} | {fmt(r['p50'])} | "
            f"{fmt(r['p99'])} | {r['cpu_ms']:.1f} | {r['database_cpu_ms']:.2f} | {r['errors']} |"
        )


def _measured(server, clients, duration, make):
    """One closed-loop run, with the server's and PostgreSQL's CPU per request served."""
    before = server_cpu(server), database_cpu()
    result = asyncio.run(closed_loop(clients, duration, 60, make, server.port)).summary()
    served = max(result["ok"], 1)
    result["cpu_ms"] = (server_cpu(server) - before[0]) * 1000 / served
    result["database_cpu_ms"] = (database_cpu() - before[1]) * 1000 / served
    return result


def _remove_replies():
    """The replies the run posted, after whatever other apps keep of them (notifications)."""
    from django.apps import apps
    from django.db import transaction

    from bench.load import remove_bench_replies
    from debates.models import Argument

    posted = Argument.objects.filter(motion__slug="synthetic", submission_key__isnull=False)
    with transaction.atomic():
        for model in apps.get_models():
            for field in model._meta.get_fields():
                points_here = getattr(field, "related_model", None) is Argument
                if points_here and field.many_to_one and model._meta.app_label != "debates":
                    model.objects.filter(**{f"{field.name}__in": posted}).delete()
        remove_bench_replies()


if __name__ == "__main__":
    main()
