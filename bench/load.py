"""The page benchmark (issue 8): the app served as in production, driven from a separate process.

    .venv/bin/python -m bench.load            # what `make bench` runs

Steps: create and migrate the bench database (PostgreSQL), seed the 10,000-argument synthetic
debate unless it is already there with the same parameters, count SQL queries per page in this
process (django.test.Client against the bench database), serve it as production does
(config/serving.py: gunicorn, 2 uvicorn workers, DEBUG off),
then run each scenario for --duration seconds from this process over keep-alive HTTP/1.1
connections to 127.0.0.1, and print one table. Requests still in flight at the end of a scenario
may finish (up to --request-timeout); the server is stopped at the end, on error or Ctrl-C too.

Scenarios (closed loop: each client sends its next request when the last one is answered):
  home       GET /                                      --clients anonymous clients
  motion     GET the 10,000-argument motion page        --clients anonymous clients
  permalink  GET the deepest argument's page            --clients anonymous clients
  vote       HTMX POSTs of agree/disagree               --vote-clients signed-in users at once
  reply      HTMX POSTs of replies                      --clients verified users
  reply-alone  the same from one poster, on an otherwise idle server

After the votes the counters are checked against the Vote table (recount_votes' query), and the
Vote rows against what each response told its voter: lost or double-counted votes are reported.
Replies are deleted afterwards, so the debate is the same for the next run.
"""

import argparse
import asyncio
import json
import os
import random
import re
import sys
import time
import uuid
from collections import defaultdict
from importlib import import_module
from itertools import accumulate
from urllib.parse import urlencode

from bench.common import (
    DEFAULT_DATABASE_URL,
    HOST,
    PROXY_HEADERS,
    RESULTS,
    ConnectionSampler,
    HTTPConnection,
    MemoryPoller,
    Server,
    WaitSampler,
    add_run_arguments,
    background_note,
    command_cpu_seconds,
    command_line,
    cpu_seconds,
    fmt,
    install_signal_handlers,
    machine_busy_seconds,
    machine_line,
    manage,
    percentile,
    prepare_database,
    proc_status,
    raise_open_files_limit,
    record,
    server_env,
    setup_django,
    table,
    wait_for_quiet,
)

SERVER_TIMING = re.compile(r"\bapp;dur=([0-9.]+)")
SCENARIOS = ("home", "motion", "permalink", "vote", "reply", "reply-alone")
SEED = {"arguments": 10_000, "users": 1_000, "votes": 200_000, "seed": 1}
SLUG = "synthetic"
MAX_DURATION = 120
MAX_CLIENTS = 256
VOTERS_PER_CLIENT = 4


# --- Preparation in this process (Django set up against the bench database) --------------------


def seed(database_url):
    manage(
        "seed_synthetic",
        "--arguments",
        str(SEED["arguments"]),
        "--users",
        str(SEED["users"]),
        "--votes",
        str(SEED["votes"]),
        "--seed",
        str(SEED["seed"]),
        "--motion-slug",
        SLUG,
        database_url=database_url,
    )


def remove_bench_replies():
    """Delete replies posted by earlier runs (seeded arguments have no submission key), and
    the follows their posting made."""
    from django.db import transaction
    from django.db.models import PROTECT, F, Q

    from debates.models import Argument, Motion
    from notifications.models import Follow

    removed = 0
    with transaction.atomic():
        posted = Argument.objects.filter(motion__slug=SLUG, submission_key__isnull=False)
        # What keeps an argument from being deleted (a reply's notification to the author it
        # answers, say) goes first; replies to replies go deepest first below.
        for relation in Argument._meta.get_fields(include_hidden=True):  # related_name="+" too
            if (
                relation.auto_created
                and not relation.concrete
                and relation.related_model is not Argument
                and getattr(relation, "on_delete", None) is PROTECT
            ):
                keeping = {f"{relation.field.name}__in": posted}
                relation.related_model._base_manager.filter(**keeping).delete()
        for depth in sorted(set(posted.values_list("depth", flat=True)), reverse=True):
            removed += posted.filter(depth=depth).delete()[1].get("debates.Argument", 0)
        # Posting follows what it answers (notifications), so each run's leftovers would have
        # the next run's replies tell more people than the last. The seed follows nothing.
        Follow.objects.filter(Q(motion__slug=SLUG) | Q(argument__motion__slug=SLUG)).delete()
        if removed and any(f.name == "activity" for f in Motion._meta.get_fields()):
            # Cached fragments of the page key on Motion.activity: a change must bump it.
            Motion.objects.filter(slug=SLUG).update(activity=F("activity") + 1)
    return removed


def targets():
    """The URLs and people the scenarios use."""
    from accounts.models import User
    from debates.models import Argument, Motion

    motion = Motion.objects.get(slug=SLUG)
    arguments = list(
        Argument.objects.filter(motion=motion, submission_key__isnull=True)
        .order_by("id")
        .values_list("id", "author_id", "depth")
    )
    deepest = max(arguments, key=lambda a: (a[2], -a[0]))
    users = list(
        User.objects.filter(email__endswith=f"@{SLUG}.synthetic.invalid").order_by("id")[
            : MAX_CLIENTS * VOTERS_PER_CLIENT
        ]
    )
    return {
        "motion": motion,
        "arguments": arguments,
        "deepest": deepest,
        "users": users,
        "home_url": "/",
        "motion_url": f"/motions/{SLUG}/",
        "permalink_url": f"/motions/{SLUG}/arguments/{deepest[0]}/",
    }


def sessions_for(users):
    """A signed-in session per user, created in the database as django.contrib.auth would."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.middleware.csrf import _get_new_csrf_string

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    cookies = {}
    for user in users:
        store = store_class()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        cookies[user.pk] = (store.session_key, _get_new_csrf_string())
    return cookies


def count_queries(t):
    """SQL queries (and time, size) per page, in this process through django.test.Client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # A page that fails is reported with its status, not raised: the run goes on.
    anonymous, member = Client(raise_request_exception=False), Client(raise_request_exception=False)
    member.force_login(t["users"][1])
    motion_url, permalink_url = t["motion_url"], t["permalink_url"]
    candidate = next(a for a in t["arguments"] if a[1] != t["users"][1].pk)
    vote_url = f"/motions/{SLUG}/arguments/{candidate[0]}/vote/"
    reply_url = f"/motions/{SLUG}/arguments/{candidate[0]}/reply/"
    htmx = {"HTTP_HX_REQUEST": "true"}
    checks = [
        ("home", anonymous, "get", "/", {}),
        ("motion", anonymous, "get", motion_url, {}),
        ("motion (signed in)", member, "get", motion_url, {}),
        ("permalink", anonymous, "get", permalink_url, {}),
        ("permalink (signed in)", member, "get", permalink_url, {}),
        ("vote", member, "post", vote_url, {"data": {"choice": "agree"}, **htmx}),
        ("vote (withdraw)", member, "post", vote_url, {"data": {"choice": "agree"}, **htmx}),
        (
            "reply",
            member,
            "post",
            reply_url,
            {"data": {"stance": "con", "claim": "Counted reply.", "submission_key": uuid.uuid4()}}
            | htmx,
        ),
    ]
    rows = {}
    for name, client, method, url, extra in checks:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = getattr(client, method)(url, secure=True, **extra)
            elapsed = time.perf_counter() - started
        rows[name] = {
            "status": response.status_code,
            "queries": len(queries),
            "ms": elapsed * 1000,
            "kb": len(response.content) / 1024,
        }
    return rows


def vote_state(pairs):
    """{(user_id, argument_id): choice} held now, for the given pairs."""
    from django.db.models import Q

    from debates.models import Vote

    by_user = defaultdict(set)
    for user_id, argument_id in pairs:
        by_user[user_id].add(argument_id)
    held = {}
    query = Q()
    for user_id, argument_ids in by_user.items():
        query |= Q(user_id=user_id, argument_id__in=argument_ids)
    if by_user:
        for user_id, argument_id, choice in Vote.objects.filter(query).values_list(
            "user_id", "argument_id", "choice"
        ):
            held[(user_id, argument_id)] = choice
    return held


def counters(argument_ids):
    from debates.models import Argument

    return {
        pk: (agree, disagree)
        for pk, agree, disagree in Argument.objects.filter(pk__in=argument_ids).values_list(
            "pk", "agree_count", "disagree_count"
        )
    }


def mismatched_counters():
    from debates.management.commands.recount_votes import mismatched
    from debates.models import Argument, Motion

    return mismatched(Argument, "argument").count() + mismatched(Motion, "motion").count()


# --- Load -----------------------------------------------------------------------------------------


class Recorder:
    def __init__(self):
        self.latencies = []  # ms, successful requests
        self.server_ms = []  # the server's own time (Server-Timing app;dur), successful requests
        self.errors = 0
        self.statuses = defaultdict(int)
        self.started = self.finished = None

    def summary(self):
        elapsed = (self.finished or time.perf_counter()) - self.started
        done = len(self.latencies)
        return {
            "requests": done + self.errors,
            "ok": done,
            "errors": self.errors,
            "seconds": elapsed,
            "rps": done / elapsed if elapsed else 0,
            "p50": percentile(self.latencies, 50),
            "p99": percentile(self.latencies, 99),
            "server_p50": percentile(self.server_ms, 50),
            "max": max(self.latencies, default=None),
            "statuses": dict(self.statuses),
        }


async def closed_loop(clients, duration, timeout, make_request, port):
    """`clients` connections, each sending its next request when answered, for `duration` s."""
    recorder = Recorder()
    deadline = time.perf_counter() + duration

    async def client(index):
        conn = HTTPConnection(HOST, port)
        n = 0
        try:
            while time.perf_counter() < deadline:
                method, path, headers, body, check = make_request(index, n)
                n += 1
                started = time.perf_counter()
                try:
                    response = await asyncio.wait_for(
                        conn.request(method, path, headers=headers, body=body), timeout
                    )
                except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                    recorder.errors += 1
                    recorder.statuses["failed"] += 1
                    conn.close()
                    if check:
                        check(None)
                    continue
                elapsed = (time.perf_counter() - started) * 1000
                recorder.statuses[response.status] += 1
                ok = check(response) if check is not None else response.status == 200
                if ok:
                    recorder.latencies.append(elapsed)
                    timing = SERVER_TIMING.search(response.headers.get("server-timing", ""))
                    if timing:
                        recorder.server_ms.append(float(timing[1]))
                else:
                    recorder.errors += 1
        finally:
            conn.close()

    recorder.started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    recorder.finished = time.perf_counter()
    return recorder


def page_request(url):
    headers = {**PROXY_HEADERS, "Accept": "text/html", "Accept-Encoding": "identity"}

    def make(index, n):
        return "GET", url, headers, b"", None

    return make


def member_headers(cookies, user_id, port, *, htmx=True):
    session, csrf = cookies[user_id]
    headers = {
        **PROXY_HEADERS,
        "Cookie": f"sessionid={session}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "Origin": f"https://{HOST}:{port}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    if htmx:
        headers["HX-Request"] = "true"
    return headers


class VotePlan:
    """Who votes on what. Each client owns a few users, so each user's votes are sequential and
    what they end up holding follows from cast_vote's rules (a new choice is held, the same one
    again withdraws it) applied to the answered requests."""

    def __init__(self, t, cookies, clients, port, seed=7):
        self.rng = random.Random(seed)
        self.port = port
        self.cookies = cookies
        users = [u.pk for u in t["users"][: clients * VOTERS_PER_CLIENT]]
        self.owned = [users[i::clients] for i in range(clients)]
        self.arguments = t["arguments"]
        # Shallow arguments are seen, and so voted on, more.
        self.cum = list(accumulate(1 / (1 + depth) ** 2 for _, _, depth in self.arguments))
        self.held = votes_held_by(users)  # (user, argument) -> choice, as answers come in
        self.delta = defaultdict(lambda: [0, 0])  # argument -> expected counter change
        self.unknown = set()  # pairs whose request got no clear answer
        self.touched = set()

    def pick(self, user_id):
        while True:
            pk, author, _ = self.rng.choices(self.arguments, cum_weights=self.cum)[0]
            if author != user_id:
                return pk

    def request(self, index, n):
        owned = self.owned[index]
        user_id = owned[n % len(owned)]
        argument_id = self.pick(user_id)
        choice = self.rng.choice(("agree", "disagree"))
        path = f"/motions/{SLUG}/arguments/{argument_id}/vote/"
        body = urlencode({"choice": choice}).encode()
        headers = member_headers(self.cookies, user_id, self.port)
        pair = (user_id, argument_id)
        self.touched.add(pair)

        def check(response):
            if response is None or response.status != 200:
                self.unknown.add(pair)
                return False
            before = self.held.get(pair)
            after = None if before == choice else choice
            for held, step in ((before, -1), (after, +1)):
                if held is not None:
                    self.delta[argument_id][held == "disagree"] += step
            if after is None:
                self.held.pop(pair, None)
            else:
                self.held[pair] = after
            return True

        return "POST", path, headers, body, check

    def verify(self, before, after):
        """Votes lost or phantom (Vote rows vs answers) and counters off (vs the answers)."""
        uncertain_arguments = {argument for _, argument in self.unknown}
        pairs = [p for p in self.touched if p not in self.unknown]
        actual = vote_state(pairs)
        lost = sum(1 for p in pairs if p in self.held and actual.get(p) != self.held[p])
        phantom = sum(1 for p in pairs if p not in self.held and p in actual)
        off = 0
        for argument in {a for _, a in pairs} - uncertain_arguments:
            change = (
                after[argument][0] - before[argument][0],
                after[argument][1] - before[argument][1],
            )
            expected = tuple(self.delta.get(argument, (0, 0)))
            off += abs(change[0] - expected[0]) + abs(change[1] - expected[1])
        return {"lost": lost, "phantom": phantom, "counter_off": off, "unknown": len(self.unknown)}


def votes_held_by(user_ids):
    from debates.models import Vote

    rows = Vote.objects.filter(user_id__in=user_ids, argument__isnull=False)
    return {(u, a): c for u, a, c in rows.values_list("user_id", "argument_id", "choice")}


class ReplyPlan:
    def __init__(self, t, cookies, port, seed=11):
        self.rng = random.Random(seed)
        self.cookies = cookies
        self.port = port
        self.users = [u.pk for u in t["users"][1 : MAX_CLIENTS + 1]]
        self.arguments = [pk for pk, _, depth in t["arguments"] if depth < 25]

    def request(self, index, n):
        user_id = self.users[index % len(self.users)]
        parent = self.rng.choice(self.arguments)
        body = urlencode(
            {
                "stance": self.rng.choice(("pro", "con")),
                "claim": f"Benchmark reply {index}-{n}: the evidence points the other way.",
                "details": "",
                "source_url": "",
                "quote": "",
                "submission_key": str(uuid.uuid4()),
            }
        ).encode()
        path = f"/motions/{SLUG}/arguments/{parent}/reply/"

        def check(response):
            return (
                response is not None
                and response.status == 200
                and "argument--new" in (response.text)
            )

        return "POST", path, member_headers(self.cookies, user_id, self.port), body, check


# --- The run --------------------------------------------------------------------------------------


def run(args):
    if args.settings:
        os.environ["BENCH_SETTINGS"] = args.settings
    install_signal_handlers()
    raise_open_files_limit()
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    prepare_database(args.database_url)
    if not args.no_seed:
        seed(args.database_url)
    setup_django(args.database_url)
    removed = remove_bench_replies()
    if removed:
        print(f"Removed {removed} replies left by an earlier run")
    t = targets()
    print(
        f"Motion page {t['motion_url']} ({len(t['arguments'])} arguments); permalink "
        f"{t['permalink_url']} (depth {t['deepest'][2]})"
    )
    queries = {}
    if not args.skip_query_count:
        print("Counting queries per page in-process (the motion page takes a while)...")
        queries = count_queries(t)
        remove_bench_replies()
    from django.db import connections

    cookies = sessions_for(t["users"][: max(args.vote_clients * VOTERS_PER_CLIENT, 64) + 1])
    connections.close_all()

    background = wait_for_quiet(args.wait_quiet)
    print(background_note(background))
    results = {}
    server = Server(
        args.database_url,
        workers=1 if args.profile else args.workers,
        log_path=RESULTS / "load-server.log",
        profile=RESULTS / "load-server.prof" if args.profile else None,
    )
    overall = MemoryPoller(server.all_pids, interval=0.2)
    with server, overall:
        pids = server.worker_pids()
        print(f"Server: {' '.join(server.command)} (workers {pids})")
        for name in args.scenarios:
            rss_start = max((proc_status(p).get("VmRSS", 0) for p in pids), default=0) / 1024
            cpu = (
                machine_busy_seconds(),
                server_cpu(server),
                time.process_time(),
                command_cpu_seconds("postgres"),
            )
            worker_cpu = {pid: cpu_seconds(pid) for pid in server.worker_pids()}
            with (
                MemoryPoller(server.worker_pids, interval=0.1) as memory,
                WaitSampler(args.database_url) as waits,
                ConnectionSampler(server) as held,
            ):
                result = results[name] = scenario(name, args, t, cookies, server.port)
            elapsed = result["seconds"]
            result["workers"] = {
                pid: {
                    "connections_mean": mean,
                    "connections_max": most,
                    "cores": (cpu_seconds(pid) - worker_cpu.get(pid, 0.0)) / elapsed,
                }
                for pid, (mean, most) in held.per_worker().items()
            }
            result.update(
                rss_start_mb=rss_start,
                peak_mb=max(memory.peak.values(), default=0) / 1024,
                machine_cores=(machine_busy_seconds() - cpu[0]) / elapsed,
                server_cores=(server_cpu(server) - cpu[1]) / elapsed,
                client_cores=(time.process_time() - cpu[2]) / elapsed,
                postgres_cores=(command_cpu_seconds("postgres") - cpu[3]) / elapsed,
                waits=waits.top(),
            )
            print(format_progress(name, result), flush=True)
        hwm = {pid: proc_status(pid).get("VmHWM", 0) / 1024 for pid in server.all_pids()}
        roles = {pid: role(pid, server.worker_pids()) for pid in server.all_pids()}
    overall_peak = {pid: kib / 1024 for pid, kib in overall.peak.items()}
    remove_bench_replies()
    connections.close_all()
    text = report(args, t, results, queries, overall_peak, hwm, roles, background)
    print()
    print(text)
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    raw = RESULTS / "load-latest.json"
    raw.write_text(json.dumps({"results": results, "queries": queries}, indent=2, default=str))
    if args.record:
        record(text, command_line("bench.load"))


def server_cpu(server):
    return sum(cpu_seconds(pid) for pid in server.all_pids())


def scenario(name, args, t, cookies, port):
    duration, timeout = args.duration, args.request_timeout
    if name in {"home", "motion", "permalink"}:
        make = page_request(t[f"{name}_url"])
        recorder = asyncio.run(closed_loop(args.clients, duration, timeout, make, port))
        return recorder.summary()
    if name == "vote":
        plan = VotePlan(t, cookies, args.vote_clients, port)
        argument_ids = [pk for pk, _, _ in t["arguments"]]
        before = counters(argument_ids)
        recorder = asyncio.run(
            closed_loop(args.vote_clients, duration, timeout, plan.request, port)
        )
        result = recorder.summary()
        result.update(plan.verify(before, counters(argument_ids)))
        result.update(pairs=len(plan.touched), mismatched=mismatched_counters())
        return result
    if name in {"reply", "reply-alone"}:
        plan = ReplyPlan(t, cookies, port)
        clients = scenario_clients(name, args)
        recorder = asyncio.run(closed_loop(clients, duration, timeout, plan.request, port))
        return recorder.summary()
    raise ValueError(name)


def scenario_clients(name, args):
    return {"vote": args.vote_clients, "reply-alone": 1}.get(name, args.clients)


def format_progress(name, r):
    return (
        f"{name}: {r['ok']} ok, {r['errors']} errors in {r['seconds']:.1f} s, "
        f"{r['rps']:.1f}/s, p50 {fmt(r['p50'])} ms, p99 {fmt(r['p99'])} ms, "
        f"server time p50 {fmt(r['server_p50'])} ms, "
        f"worker RSS {r['rss_start_mb']:.0f}->{r['peak_mb']:.0f} MB, cores busy "
        f"{r['machine_cores']:.2f} (server {r['server_cores']:.2f}, PostgreSQL "
        f"{r['postgres_cores']:.2f}, load client {r['client_cores']:.2f}), "
        f"statuses {r['statuses']}, database waits: {r['waits']}; per worker: "
        f"{per_worker(r)}"
    )


def per_worker(r):
    """Each worker's client connections (mean of the samples, max) and CPU in cores."""
    return ", ".join(
        f"{pid} {w['connections_mean']:.1f} conns (max {w['connections_max']}), "
        f"{w['cores']:.2f} cores"
        for pid, w in sorted(r.get("workers", {}).items())
    )


def other_cores(r):
    """Busy cores not accounted for by the server, PostgreSQL or the load process: the kernel's
    network work, and anything else running (if large, the run was disturbed)."""
    return max(
        0.0, r["machine_cores"] - r["server_cores"] - r["postgres_cores"] - r["client_cores"]
    )


def role(pid, worker_pids):
    return "worker" if pid in worker_pids else "gunicorn (arbiter)"


LABELS = {
    "home": "(a) home page",
    "motion": "(b) motion page, 10,000 arguments",
    "permalink": "(c) permalink, deepest argument",
    "vote": "(d) votes",
    "reply": "(e) replies",
    "reply-alone": "(e) replies, one poster alone",
}


def report(args, t, results, queries, overall_peak, hwm, roles, background):
    headers = [
        "scenario",
        "clients",
        "requests",
        "req/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "errors",
        "server ms p50",
        "SQL queries",
        "worker RSS MB start→peak",
        "cores: server / PostgreSQL / load / other",
    ]
    query_key = {"home": "home", "motion": "motion", "permalink": "permalink"}
    query_key |= {"vote": "vote", "reply": "reply", "reply-alone": "reply"}
    rows = []
    for name in args.scenarios:
        r = results[name]
        q = queries.get(query_key[name])
        clients = scenario_clients(name, args)
        rows.append(
            [
                LABELS[name],
                clients,
                r["ok"] + r["errors"],
                r["rps"],
                r["p50"],
                r["p99"],
                r["max"],
                r["errors"],
                r["server_p50"],
                q["queries"] if q else "-",
                f"{r['rss_start_mb']:.0f} → {r['peak_mb']:.0f}",
                f"{r['server_cores']:.2f} / {r['postgres_cores']:.2f} / "
                f"{r['client_cores']:.2f} / {other_cores(r):.2f}",
            ]
        )
    lines = [
        f"Machine: {machine_line(args.database_url)}. {background_note(background)}",
        f"Server: gunicorn -c python:config.serving --workers {args.workers} (uvicorn workers, "
        "each on its own SO_REUSEPORT socket; DEBUG=false, "
        f"PostgreSQL, no access log, RATE_LIMITS={server_env('')['RATE_LIMITS']}"
        + (f", WHAT-IF settings {args.settings}" if args.settings else "")
        + "); "
        "load from one asyncio process on 127.0.0.1, "
        f"{args.duration:g} s per scenario, keep-alive HTTP/1.1.",
        "",
        table(headers, rows),
    ]
    if "vote" in results:
        v = results["vote"]
        bad = v["lost"] or v["phantom"] or v["mismatched"] or v["counter_off"]
        lines += [
            "",
            f"Votes check ({'MISMATCH' if bad else 'OK'}): {v['ok']} answered votes on "
            f"{v['pairs']} user/argument pairs; Vote rows against the answers: {v['lost']} lost, "
            f"{v['phantom']} phantom; counters against the answers: off by {v['counter_off']}; "
            f"claims whose counters differ from the Vote table (recount_votes): "
            f"{v['mismatched']}; pairs left unknown by a failed request: {v['unknown']}.",
        ]
    if queries:
        lines += [
            "",
            "In-process, one request each (django.test.Client, DEBUG off): "
            + "; ".join(
                f"{name} {q['queries']} queries, {q['ms']:.0f} ms, {q['kb']:.0f} KB"
                + (f" (status {q['status']})" if q["status"] >= 400 else "")
                for name, q in queries.items()
            )
            + ".",
        ]
    lines += [
        "",
        "Per worker process, as the kernel spread the connections (SO_REUSEPORT): client "
        "connections held (mean of samples every 0.25 s, max) and CPU in cores: "
        + "; ".join(f"{name}: {per_worker(results[name])}" for name in args.scenarios)
        + ".",
    ]
    lines += [
        "",
        "Database sessions by wait (average number, sampled from pg_stat_activity): "
        + "; ".join(f"{name}: {results[name]['waits']}" for name in args.scenarios)
        + ".",
    ]
    lines += [
        "",
        "Peak RSS per server process over the whole run (sampled VmRSS / kernel VmHWM): "
        + ", ".join(
            f"{roles.get(pid, 'process')} {pid}: "
            f"{overall_peak.get(pid, 0):.0f} / {hwm.get(pid, 0):.0f} MB"
            for pid in sorted(hwm)
        )
        + ".",
    ]
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--duration", type=float, default=15, help="seconds per scenario")
    parser.add_argument(
        "--request-timeout",
        type=float,
        default=120,
        help="seconds before a request counts as failed",
    )
    parser.add_argument(
        "--clients", type=int, default=8, help="concurrent clients for pages and replies"
    )
    parser.add_argument("--vote-clients", type=int, default=64, help="users voting at once")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument(
        "--settings",
        default="",
        help="what-if settings module for the server, a module under bench/",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="one server process under cProfile (bench/results/load-server.prof); slower",
    )
    parser.add_argument("--no-seed", action="store_true", help="use the database as it is")
    parser.add_argument("--skip-query-count", action="store_true")
    add_run_arguments(parser)
    args = parser.parse_args(argv)
    args.scenarios = [s for s in args.scenarios.split(",") if s]
    if unknown := set(args.scenarios) - set(SCENARIOS):
        parser.error(f"unknown scenarios {sorted(unknown)}; choose from {', '.join(SCENARIOS)}")
    if not 0 < args.duration <= MAX_DURATION:
        parser.error(f"--duration must be in (0, {MAX_DURATION}]")
    if not 0 < args.request_timeout <= 600:
        parser.error("--request-timeout must be in (0, 600]")
    if not 1 <= args.clients <= MAX_CLIENTS or not 1 <= args.vote_clients <= MAX_CLIENTS:
        parser.error(f"clients must be between 1 and {MAX_CLIENTS}")
    if not 1 <= args.workers <= 8:
        parser.error("--workers must be between 1 and 8")
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        run(args)
    except KeyboardInterrupt:
        print("Interrupted; the server was stopped.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
