"""The standing guard of issue 15: a soak with a database restart and a worker kill in the middle.

    .venv/bin/python -m bench.soak --minutes 30 --streams 500     # what `make soak` runs

It starts its own throwaway PostgreSQL cluster (bench/pg_cluster.py: a temporary directory and a
free port, never the machine's cluster that others' test suites use), seeds small synthetic
debates, serves Crux as production does (config/serving.py, 2 workers, DEBUG off) and then, for
--minutes, from this one asyncio process on 127.0.0.1:

- opens --streams live pages of the motions (bench/sse_client.py), which reconnect as browsers do;
- reads: --readers clients fetch the home page, motion pages and permalinks, pausing --think s;
- votes (--vote-rate a second) and posts replies (--reply-rate a second) as signed-in members.
  Each vote is a member's first on that claim and no two votes on one claim run at once, so
  every vote adds exactly one to its claim's total, and its live update can be told apart;
- restarts the database (`pg_ctl restart -m fast`) at --restart-at of the run, and kills one
  server worker (SIGKILL; gunicorn starts another) at --kill-at.

Then it reports:
- errors: 5xx answers and failed connections, by time. None may fall outside the fault windows
  (the database restart, until --grace s after it is back; the worker kill, --grace s after it);
- lost live events: every change the soak made (an answered vote or reply) must reach every page
  of its motion, or the page must get the "reload" notice after the change was made;
- each worker's memory (RSS) at the start and the end;
- `manage.py recount_votes --check`, and whether every answered vote and reply is stored.

The table is printed and the raw results go to bench/results/soak-<time>.json (not committed).
The server, the streams and the cluster stop by themselves at the end, on error or Ctrl-C too.
"""

import argparse
import asyncio
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import uuid
from bisect import bisect_left
from collections import Counter, defaultdict, deque
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from bench.common import (
    HOST,
    PROXY_HEADERS,
    RESULTS,
    ROOT,
    HTTPConnection,
    Server,
    background_note,
    command_line,
    fmt,
    install_signal_handlers,
    machine_line,
    manage,
    percentile,
    prepare_database,
    proc_status,
    raise_open_files_limit,
    setup_django,
    table,
    wait_for_quiet,
)
from bench.load import member_headers, sessions_for, votes_held_by
from bench.pg_cluster import Cluster
from bench.sse_client import Stream, reply_token, sleep_unless, vote_totals

DATABASE = "crux_soak"
SLUG = "soak-{}"
REQUEST_TIMEOUT = 30.0
ERROR_PAUSE = 0.5  # a reader that failed waits this long, so a broken server is not hammered
MAX_IN_FLIGHT = 16  # votes (and replies) at once; a slower server skips beats instead of piling up
STREAMS_READY_TIMEOUT = 120.0
MEMORY_EVERY = 10.0
PROGRESS_EVERY = 30.0
BUCKET = 10  # seconds, for "by time"
WARM_SHARE = 0.1  # of the load, after which a worker's caches and pools are full
EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Shutdown|Timeout)):", re.M)


@dataclass
class Action:
    kind: str  # "vote" or "reply"
    motion_id: int
    sent: float
    answered: float | None = None
    outcome: str = "pending"  # ok, failed (no answer or 5xx: may or may not be stored), refused
    argument_id: int | None = None  # voted on, or replied to
    user_id: int | None = None
    total: int | None = None  # the claim's votes after this one, as the answer showed it
    token: int | None = None  # a reply's number


@dataclass
class Window:
    name: str
    start: float
    end: float

    def holds(self, failure):
        """Whether a request that failed was in flight at some moment of the window."""
        return failure.sent <= self.end and failure.ended >= self.start


@dataclass
class Failure:
    sent: float
    ended: float
    kind: str
    what: str


class Clock:
    """Seconds since the live pages began to open; every time in the report is on it."""

    def __init__(self):
        self.t0 = time.monotonic()

    def __call__(self):
        return time.monotonic() - self.t0


class Requests:
    """Answers and failures of every HTTP request, by kind; failures with their time."""

    def __init__(self, clock):
        self.clock = clock
        self.latencies = defaultdict(list)
        self.statuses = defaultdict(Counter)
        self.errors = []  # Failure

    def error(self, sent, kind, what):
        self.errors.append(Failure(sent, self.clock(), kind, what))

    async def send(self, conn, kind, method, path, *, headers, body=b""):
        sent = self.clock()
        try:
            response = await asyncio.wait_for(
                conn.request(method, path, headers=headers, body=body), REQUEST_TIMEOUT
            )
        except (TimeoutError, OSError, EOFError, asyncio.IncompleteReadError, ValueError) as e:
            conn.close()
            self.statuses[kind]["failed"] += 1
            self.error(sent, kind, f"{type(e).__name__}")
            return sent, None
        self.statuses[kind][response.status] += 1
        if response.status >= 500:
            self.error(sent, kind, f"HTTP {response.status}")
        else:
            self.latencies[kind].append((self.clock() - sent) * 1000)
        return sent, response


# --- The data the soak works on ------------------------------------------------------------------


def seed(database_url, args):
    per = max(1, args.arguments // args.motions)
    users = max(2, args.users // args.motions)
    votes = min(args.arguments * 2 // args.motions, (per + 1) * (users - 1) // 4)
    for n in range(args.motions):
        manage(
            "seed_synthetic",
            *("--arguments", str(per), "--users", str(users), "--votes", str(votes)),
            *("--seed", str(n + 1), "--motion-slug", SLUG.format(n)),
            database_url=database_url,
            quiet=True,
        )


def targets(args):
    from accounts.models import User
    from debates.models import Argument, Motion

    slugs = [SLUG.format(n) for n in range(args.motions)]
    motions = {m.pk: m.slug for m in Motion.objects.filter(slug__in=slugs)}
    arguments = list(
        Argument.objects.filter(motion_id__in=motions)
        .order_by("id")
        .values_list("id", "motion_id", "author_id", "depth")
    )
    domains = [f"@{slug}.synthetic.invalid" for slug in slugs]
    users = [u for u in User.objects.order_by("id") if u.email.endswith(tuple(domains))]
    return motions, arguments, users


class VotePlan:
    """Which claim and which member next: a member's first vote on the claim, one at a time per
    claim, claims taken in turn (shuffled) so each is voted on as rarely as possible."""

    def __init__(self, arguments, user_ids, held, seed=7):
        self.rng = random.Random(seed)
        self.authors = {pk: author for pk, _, author, _ in arguments}
        self.motions = {pk: motion for pk, motion, _, _ in arguments}
        order = [pk for pk, _, _, _ in arguments]
        self.rng.shuffle(order)
        self.queue = deque(order)
        self.user_ids = user_ids
        self.used = set(held)  # (user, argument) pairs that have, or may have, a vote

    def take(self):
        for _ in range(len(self.queue)):
            argument = self.queue.popleft()
            candidates = [
                u
                for u in self.rng.sample(self.user_ids, min(20, len(self.user_ids)))
                if u != self.authors[argument] and (u, argument) not in self.used
            ]
            if candidates:
                user = candidates[0]
                self.used.add((user, argument))
                return argument, user
            self.queue.append(argument)
        return None

    def release(self, argument):
        self.queue.append(argument)


# --- The load ------------------------------------------------------------------------------------


class Soak:
    def __init__(self, args, server, cluster, motions, arguments, users, cookies):
        self.args = args
        self.server, self.cluster = server, cluster
        self.port = server.port
        self.motions, self.arguments = motions, arguments
        self.user_ids = [u.pk for u in users]
        self.cookies = cookies
        self.clock = Clock()
        self.requests = Requests(self.clock)
        self.actions = []
        self.windows = []
        self.faults = []
        self.memory = []  # (time, {pid: KiB})
        self.memory_start = self.memory_end = {}
        self.killed = {}  # pid -> when
        self.stop_load = asyncio.Event()
        self.stop_streams = asyncio.Event()
        self.vote_plan = VotePlan(
            arguments, self.user_ids, votes_held_by(self.user_ids), seed=args.seed
        )
        self.reply_parents = defaultdict(list)
        for pk, motion, _, depth in arguments:
            if depth < 20:
                self.reply_parents[motion].append(pk)
        self.replies = 0
        self.in_flight = set()
        self.streams = []
        self.duration = args.minutes * 60
        self.load_start = self.load_end = None

    # --- streams

    def stream_error(self, t, what):
        self.requests.error(t, "stream", what)

    async def open_streams(self):
        motion_ids = sorted(self.motions)
        self.streams = [
            Stream(
                i,
                motion_ids[i % len(motion_ids)],
                self.port,
                self.clock,
                self.stream_error,
                # As a page behind the TLS proxy asks (the live endpoint redirects plain HTTP).
                headers=PROXY_HEADERS,
            )
            for i in range(self.args.streams)
        ]
        tasks = []
        for start in range(0, len(self.streams), 100):
            for stream in self.streams[start : start + 100]:
                tasks.append(asyncio.create_task(stream.run(self.stop_streams)))
            await asyncio.sleep(0.2)
        ready = [asyncio.create_task(s.ready.wait()) for s in self.streams]
        _, pending = await asyncio.wait(ready, timeout=STREAMS_READY_TIMEOUT)
        for task in pending:
            task.cancel()
        return tasks

    # --- readers, voters, posters

    async def reader(self, index):
        rng = random.Random(f"reader-{index}")
        conn = HTTPConnection(HOST, self.port)
        slugs = list(self.motions.values())
        headers = {**PROXY_HEADERS, "Accept": "text/html", "Accept-Encoding": "identity"}
        try:
            for _ in range(1_000_000):
                if self.stop_load.is_set():
                    return
                roll = rng.random()
                if roll < 0.2:
                    kind, path = "home", "/"
                elif roll < 0.5:
                    kind, path = "motion", f"/motions/{rng.choice(slugs)}/"
                else:
                    pk, motion, _, _ = rng.choice(self.arguments)
                    kind, path = "permalink", f"/motions/{self.motions[motion]}/arguments/{pk}/"
                _, response = await self.requests.send(conn, kind, "GET", path, headers=headers)
                pause = self.args.think if response is not None else ERROR_PAUSE
                await sleep_unless(self.stop_load, pause)
        finally:
            conn.close()

    async def vote(self):
        picked = self.vote_plan.take()
        if picked is None:
            self.requests.statuses["vote"]["no claim free"] += 1
            return
        argument, user = picked
        motion = self.vote_plan.motions[argument]
        action = Action("vote", motion, self.clock(), argument_id=argument, user_id=user)
        self.actions.append(action)
        conn = HTTPConnection(HOST, self.port)
        try:
            action.sent, response = await self.requests.send(
                conn,
                "vote",
                "POST",
                f"/motions/{self.motions[motion]}/arguments/{argument}/vote/",
                headers=member_headers(self.cookies, user, self.port),
                body=urlencode({"choice": random.choice(("agree", "disagree"))}).encode(),
            )
        finally:
            conn.close()
            self.vote_plan.release(argument)
        action.answered = self.clock()
        total = vote_totals(response.text).get(argument) if response is not None else None
        if response is not None and response.status == 200 and total is not None:
            action.outcome, action.total = "ok", total
        elif response is not None and 400 <= response.status < 500:
            action.outcome = "refused"
        else:
            action.outcome = "failed"

    async def reply(self):
        self.replies += 1
        number = self.replies
        rng = random.Random(f"reply-{number}")
        motion = rng.choice(sorted(self.motions))
        parent = rng.choice(self.reply_parents[motion])
        user = rng.choice(self.user_ids)
        action = Action(
            "reply", motion, self.clock(), argument_id=parent, user_id=user, token=number
        )
        self.actions.append(action)
        body = urlencode(
            {
                "stance": rng.choice(("pro", "con")),
                "claim": f"Soak reply {reply_token(number)}: the evidence points the other way.",
                "details": "",
                "source_url": "",
                "quote": "",
                "submission_key": str(uuid.uuid4()),
            }
        ).encode()
        conn = HTTPConnection(HOST, self.port)
        try:
            action.sent, response = await self.requests.send(
                conn,
                "reply",
                "POST",
                f"/motions/{self.motions[motion]}/arguments/{parent}/reply/",
                headers=member_headers(self.cookies, user, self.port),
                body=body,
            )
        finally:
            conn.close()
        action.answered = self.clock()
        if response is None or response.status >= 500:
            action.outcome = "failed"
        elif response.status == 200 and reply_token(number) in response.text:
            action.outcome = "ok"
        else:
            action.outcome = "refused"

    async def beat(self, rate, act):
        """`act` `rate` times a second until the load stops, at most MAX_IN_FLIGHT at once."""
        if rate <= 0:
            return
        period = 1 / rate
        next_at = time.monotonic()
        for _ in range(int(self.duration * rate) + 1):
            if self.stop_load.is_set():
                return
            if len(self.in_flight) < MAX_IN_FLIGHT:
                task = asyncio.create_task(act())
                self.in_flight.add(task)
                task.add_done_callback(self.in_flight.discard)
            next_at += period
            await sleep_unless(self.stop_load, next_at - time.monotonic())

    # --- faults and watching

    async def faults_at(self):
        restart_at = self.load_start + self.args.restart_at * self.duration
        kill_at = self.load_start + self.args.kill_at * self.duration
        for at, fault in sorted([(restart_at, self.restart), (kill_at, self.kill)]):
            try:
                await asyncio.wait_for(self.stop_load.wait(), max(0, at - self.clock()))
                return
            except TimeoutError:
                await fault()

    async def restart(self):
        start = self.clock()
        print(f"[{start:6.1f} s] restarting PostgreSQL (pg_ctl restart -m fast)", flush=True)
        seconds = await asyncio.to_thread(self.cluster.restart)
        end = self.clock()
        self.windows.append(Window("database restart", start, end + self.args.grace))
        self.faults.append(f"database restart at {start:.1f} s, back after {seconds:.2f} s")
        print(f"[{end:6.1f} s] PostgreSQL is back ({seconds:.2f} s)", flush=True)

    async def kill(self):
        workers = self.server.worker_pids()
        if not workers:
            self.faults.append("worker kill: no worker found")
            return
        victim = workers[0]
        start = self.clock()
        os.kill(victim, signal.SIGKILL)
        self.killed[victim] = start
        self.windows.append(Window("worker kill", start, start + self.args.grace))
        print(f"[{start:6.1f} s] killed worker {victim} (SIGKILL)", flush=True)
        replaced = None
        for _ in range(300):
            await asyncio.sleep(0.1)
            now = [p for p in self.server.worker_pids() if p != victim]
            if len(now) >= len(workers):
                replaced = self.clock() - start
                break
        note = f"replaced after {replaced:.1f} s" if replaced is not None else "NOT replaced"
        self.faults.append(f"worker {victim} killed at {start:.1f} s, {note}")
        print(f"[{self.clock():6.1f} s] worker {note}", flush=True)

    def sample_memory(self):
        sample = {}  # pid -> KiB
        for pid in self.server.worker_pids():
            rss = proc_status(pid).get("VmRSS")
            if rss:
                sample[pid] = rss
        self.memory.append((round(self.clock(), 1), sample))
        return sample

    async def watch(self):
        last_progress = self.clock()
        for _ in range(int(self.duration / MEMORY_EVERY) + 2):
            try:
                await asyncio.wait_for(self.stop_load.wait(), MEMORY_EVERY)
                return
            except TimeoutError:
                pass
            sample = self.sample_memory()
            if self.clock() - last_progress >= PROGRESS_EVERY:
                last_progress = self.clock()
                print(self.progress(sample), flush=True)

    def progress(self, sample):
        answered = sum(sum(c.values()) for c in self.requests.statuses.values())
        heard = sum(len(s.arrivals) + sum(map(len, s.votes.values())) for s in self.streams)
        rss = ", ".join(f"{pid}: {kib / 1024:.0f} MB" for pid, kib in sorted(sample.items()))
        return (
            f"[{self.clock():6.1f} s] {answered} requests, {len(self.requests.errors)} errors, "
            f"{sum(a.outcome == 'ok' for a in self.actions)} changes made, "
            f"{heard} updates heard by the pages; worker RSS {rss}"
        )

    # --- the run

    async def run(self):
        stream_tasks = await self.open_streams()
        ready = sum(s.ready.is_set() for s in self.streams)
        print(f"{ready} of {len(self.streams)} live pages connected", flush=True)
        await asyncio.sleep(2)
        self.memory_start = self.sample_memory()
        self.load_start = self.clock()
        load = [asyncio.create_task(self.reader(i)) for i in range(self.args.readers)]
        load += [
            asyncio.create_task(self.beat(self.args.vote_rate, self.vote)),
            asyncio.create_task(self.beat(self.args.reply_rate, self.reply)),
            asyncio.create_task(self.faults_at()),
            asyncio.create_task(self.watch()),
        ]
        await sleep_unless(self.stop_load, self.duration)
        self.stop_load.set()
        self.load_end = self.clock()
        await asyncio.wait(load, timeout=REQUEST_TIMEOUT + 60)
        if self.in_flight:
            await asyncio.wait(set(self.in_flight), timeout=REQUEST_TIMEOUT + 5)
        print(f"Load stopped; {self.args.drain:g} s for the last updates to arrive", flush=True)
        await asyncio.sleep(self.args.drain)
        self.memory_end = self.sample_memory()
        self.stop_streams.set()
        for task in [*load, *stream_tasks]:
            task.cancel()
        await asyncio.gather(*load, *stream_tasks, return_exceptions=True)


# --- What the pages heard ------------------------------------------------------------------------


def deliveries(soak):
    """For each stream and each change it should have heard of: arrived, covered by a later
    "reload" notice, or lost silently."""
    made = [a for a in soak.actions if a.outcome == "ok"]
    by_motion = defaultdict(list)
    for action in made:
        by_motion[action.motion_id].append(action)
    result = {
        "expected": 0,
        "arrived": 0,
        "covered": 0,
        "silent": 0,
        "delays_ms": [],
        "silent_by_time": Counter(),
        "streams_silent": 0,
        "streams_noticed": 0,
        "streams_not_ready": 0,
        "unknown_events": 0,
        "drops": [],
        "connects": 0,
    }
    for stream in soak.streams:
        result["connects"] += stream.connects
        result["drops"] += stream.drops
        result["unknown_events"] += stream.unknown
        if stream.notices:
            result["streams_noticed"] += 1
        if stream.ready_at is None or stream.ready_at > soak.load_start:
            result["streams_not_ready"] += 1
            continue
        arrival = {}
        taken = set()
        actions = by_motion[stream.motion_id]
        votes = sorted((a for a in actions if a.kind == "vote"), key=lambda a: a.total)
        for action in votes:
            arrival[id(action)] = stream.vote_arrival(action.argument_id, action.total, taken)
        for action in votes:
            if arrival[id(action)] is None:
                arrival[id(action)] = stream.late_vote_arrival(
                    action.argument_id, action.total, action.sent
                )
        notices = sorted(stream.notices)
        lost_here = 0
        for action in actions:
            result["expected"] += 1
            if action.kind == "reply":
                at = stream.arrivals.get(("r", action.token))
            else:
                at = arrival[id(action)]
            if at is not None:
                result["arrived"] += 1
                result["delays_ms"].append((at - action.sent) * 1000)
            elif bisect_left(notices, action.sent) < len(notices):
                result["covered"] += 1
            else:
                result["silent"] += 1
                lost_here += 1
                result["silent_by_time"][int(action.sent // BUCKET) * BUCKET] += 1
        result["streams_silent"] += lost_here > 0
    return result


def stored(soak):
    """Answered changes missing from the database (lost writes)."""
    from django.db.models import Q

    from debates.models import Argument, Vote

    votes = [a for a in soak.actions if a.kind == "vote" and a.outcome == "ok"]
    query = Q(pk__in=[])
    for action in votes:
        query |= Q(user_id=action.user_id, argument_id=action.argument_id)
    held = set(Vote.objects.filter(query).values_list("user_id", "argument_id")) if votes else set()
    lost_votes = sum((a.user_id, a.argument_id) not in held for a in votes)
    replies = [a for a in soak.actions if a.kind == "reply" and a.outcome == "ok"]
    found = {
        int(m[1])
        for claim in Argument.objects.filter(claim__startswith="Soak reply ").values_list(
            "claim", flat=True
        )
        if (m := re.search(r"soak(\d{7})x", claim))
    }
    lost_replies = sum(a.token not in found for a in replies)
    return {"votes_lost": lost_votes, "replies_lost": lost_replies}


def disconnect():
    """Close this process's connections and pools: the restart leaves pooled ones dead."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
        if hasattr(connection, "close_pool"):
            connection.close_pool()


def recount_check(database_url):
    try:
        out = manage("recount_votes", "--check", database_url=database_url, quiet=True)
        return True, " ".join(out.split())
    except SystemExit as failed:
        return False, " ".join(str(failed).split())[-300:]


def server_exceptions(log_path):
    try:
        text = log_path.read_text(errors="replace")
    except OSError:
        return {}
    return dict(Counter(EXCEPTION_LINE.findall(text)).most_common(8))


# --- The report ---------------------------------------------------------------------------------


def classify(failure, windows):
    for window in windows:
        if window.holds(failure):
            return window.name
    return "elsewhere"


def tree_state() -> str:
    """Whether the code served is HEAD's: others may be editing the work tree meanwhile."""
    try:
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "work tree state unknown"
    if status.returncode != 0:
        return "not a git work tree"
    changed = len(status.stdout.splitlines())
    return f"{changed} tracked files changed since that commit" if changed else "a clean work tree"


def by_time(times) -> str:
    counts = Counter(int(t // BUCKET) * BUCKET for t in times)
    return ", ".join(f"{t}-{t + BUCKET} s: {n}" for t, n in sorted(counts.items()))


def requests_table(soak):
    rows = []
    for kind in ("home", "motion", "permalink", "vote", "reply", "stream"):
        statuses = soak.requests.statuses.get(kind, Counter())
        where = Counter(classify(f, soak.windows) for f in soak.requests.errors if f.kind == kind)
        latencies = soak.requests.latencies.get(kind, [])
        sent = sum(s.connects for s in soak.streams) if kind == "stream" else sum(statuses.values())
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str))
        rows.append(
            [
                "stream connections" if kind == "stream" else kind,
                sent,
                percentile(latencies, 50),
                percentile(latencies, 99),
                where.get("database restart", 0),
                where.get("worker kill", 0),
                where.get("elsewhere", 0),
                answers or "-",
            ]
        )
    headers = ["requests", "sent", "p50 ms", "p99 ms", "errors: DB restart", "worker kill"]
    return table([*headers, "elsewhere", "answers"], rows)


def errors_line(soak, outside):
    windows = ", ".join(f"{w.name} {w.start:.1f}-{w.end:.1f} s" for w in soak.windows)
    return (
        f"{'OK' if not outside else 'FAIL'}: {outside} errors outside the fault windows. "
        "Errors (5xx or failed connections) by time sent: "
        f"{by_time(f.sent for f in soak.requests.errors) or 'none'}. "
        f"Windows: {windows or 'none'} (each until --grace {soak.args.grace:g} s after)."
    )


def live_lines(soak, live):
    delays = live["delays_ms"]
    rows = [
        [
            f"{soak.args.streams} pages",
            live["expected"],
            live["arrived"],
            live["covered"],
            live["silent"],
            f"{fmt(percentile(delays, 50))} / {fmt(percentile(delays, 99))}",
        ]
    ]
    headers = ["live updates (page x change)", "expected", "arrived"]
    headers += ["missed, reload notice after", "missed silently", "delay p50 / p99 ms"]
    silent_at = ", ".join(
        f"{t}-{t + BUCKET} s: {n}" for t, n in sorted(live["silent_by_time"].items())
    )
    return [
        table(headers, rows),
        "",
        f"{'OK' if live['silent'] == 0 else 'FAIL'}: {live['streams_silent']} pages missed a "
        "change without a reload notice"
        + (f" (changes made at {silent_at})" if silent_at else "")
        + f". {live['streams_noticed']} pages got the reload notice; {len(live['drops'])} "
        f"streams dropped ({by_time(live['drops']) or 'never'}) and reconnected with "
        "Last-Event-ID; "
        f"{live['streams_not_ready']} pages were not connected when the load began.",
    ]


def memory_table(soak):
    """Each worker's RSS when the load began, once warm (WARM_SHARE of the load after it began
    serving), and at the end: growth after warming up is what a leak would show."""
    rows = []
    for pid in sorted({pid for _, sample in soak.memory for pid in sample}):
        samples = [(t, sample[pid]) for t, sample in soak.memory if pid in sample]
        start = soak.memory_start.get(pid)
        warm_at = max(soak.load_start, samples[0][0]) + WARM_SHARE * soak.duration
        warm = next((kib for t, kib in samples if t >= warm_at), None)
        end = soak.memory_end.get(pid)
        if pid in soak.killed:
            role = f"killed at {soak.killed[pid]:.0f} s"
        elif start is None:
            role = f"replacement, started by {samples[0][0]:.0f} s"
        else:
            role = "ran throughout"
        rows.append(
            [
                pid,
                role,
                start / 1024 if start else "-",
                warm / 1024 if warm else "-",
                end / 1024 if end else "-",
                (end - warm) / 1024 if end and warm else "-",
            ]
        )
    headers = ["worker", "", "RSS MB at start", "warm", "end", "end - warm MB"]
    return table(headers, rows)


def report(soak, live, writes, recount, exceptions, background):
    args = soak.args
    outside = sum(classify(f, soak.windows) == "elsewhere" for f in soak.requests.errors)
    lines = [
        f"Soak: {machine_line(soak.cluster.url(DATABASE))} ({tree_state()}). "
        f"{background_note(background)}",
        f"{args.minutes:g} min of load ({soak.load_start:.0f}-{soak.load_end:.0f} s), "
        f"{args.streams} live pages on {args.motions} motions ({args.arguments} arguments, "
        f"{args.users} members), {args.readers} readers (pause {args.think:g} s), votes "
        f"{args.vote_rate:g}/s, replies {args.reply_rate:g}/s; server workers "
        f"{args.workers}, DEBUG off, a throwaway PostgreSQL cluster. Faults: "
        + "; ".join(soak.faults)
        + ".",
        "",
        requests_table(soak),
        "",
        errors_line(soak, outside),
        "",
        *live_lines(soak, live),
        "",
        memory_table(soak),
        "",
        f"recount_votes --check: {'clean' if recount[0] else 'FAIL'} ({recount[1]}). "
        f"Answered but not stored: {writes['votes_lost']} votes, {writes['replies_lost']} "
        "replies.",
    ]
    if exceptions:
        named = ", ".join(f"{name} x{n}" for name, n in exceptions.items())
        lines.append(f"Exceptions in the server log: {named}.")
    passed = not outside and live["silent"] == 0 and recount[0] and not any(writes.values())
    lines.append(f"Verdict: {'PASS' if passed else 'FAIL'}.")
    return "\n".join(lines), passed


def raw_results(soak, live, writes, recount, exceptions, passed):
    return {
        "args": vars(soak.args),
        "commit": machine_line(soak.cluster.url(DATABASE)),
        "passed": passed,
        "faults": soak.faults,
        "windows": [asdict(w) for w in soak.windows],
        "errors": [asdict(f) for f in soak.requests.errors[:10_000]],
        "statuses": {
            k: {str(s): n for s, n in v.items()} for k, v in soak.requests.statuses.items()
        },
        "actions": Counter(f"{a.kind} {a.outcome}" for a in soak.actions),
        "live": {k: v for k, v in live.items() if k not in {"delays_ms", "drops"}}
        | {"drops_by_time": Counter(int(t // BUCKET) * BUCKET for t in live["drops"])},
        "memory": soak.memory,
        "stored": writes,
        "recount": recount,
        "server_exceptions": exceptions,
    }


# --- Main ---------------------------------------------------------------------------------------


def run(args):
    install_signal_handlers()
    limit = raise_open_files_limit()
    if limit < args.streams + 200:
        raise SystemExit(f"Open-files limit {limit} is too low for {args.streams} streams.")
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with Cluster() as cluster:
        url = cluster.url(DATABASE)
        print(f"Throwaway PostgreSQL in {cluster.root} on port {cluster.port}")
        prepare_database(url)
        seed(url, args)
        setup_django(url)
        motions, arguments, users = targets(args)
        cookies = sessions_for(users)
        print(f"{len(motions)} motions, {len(arguments)} arguments, {len(users)} members signed in")
        background = wait_for_quiet(args.wait_quiet)
        print(background_note(background))
        server = Server(url, workers=args.workers, log_path=RESULTS / "soak-server.log")
        with server:
            soak = Soak(args, server, cluster, motions, arguments, users, cookies)
            disconnect()
            asyncio.run(asyncio.wait_for(soak.run(), soak.duration + 600))
        live = deliveries(soak)
        writes = stored(soak)
        recount = recount_check(url)
        disconnect()
        exceptions = server_exceptions(server.log_path)
        text, passed = report(soak, live, writes, recount, exceptions, background)
        print()
        print(text)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        raw = RESULTS / f"soak-{stamp}.json"
        raw.write_text(
            json.dumps(raw_results(soak, live, writes, recount, exceptions, passed), default=str)
        )
        log = server.log_path.relative_to(ROOT)
        print(f"\nRaw results: {raw.relative_to(ROOT)}; server log: {log}")
        print(
            f"Command: {command_line('bench.soak')} (total {time.perf_counter() - started:.0f} s)"
        )
    return 0 if passed else 1


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30, help="length of the load (30)")
    parser.add_argument("--streams", type=int, default=500, help="open live pages (500)")
    parser.add_argument("--readers", type=int, default=4, help="reading clients (4)")
    parser.add_argument("--think", type=float, default=0.2, help="a reader's pause, s (0.2)")
    parser.add_argument("--vote-rate", type=float, default=2.0, help="votes a second (2)")
    parser.add_argument("--reply-rate", type=float, default=0.5, help="replies a second (0.5)")
    parser.add_argument("--motions", type=int, default=4, help="debates (4)")
    parser.add_argument("--arguments", type=int, default=1000, help="arguments in all (1000)")
    parser.add_argument("--users", type=int, default=200, help="members in all (200)")
    parser.add_argument("--workers", type=int, default=2, help="server workers (2)")
    parser.add_argument(
        "--restart-at", type=float, default=0.4, help="when to restart the database (0.4 of it)"
    )
    parser.add_argument(
        "--kill-at", type=float, default=0.6, help="when to kill a worker (0.6 of the run)"
    )
    parser.add_argument(
        "--grace",
        type=float,
        default=2.0,
        help="seconds after a fault during which errors are allowed (2)",
    )
    parser.add_argument(
        "--drain", type=float, default=10.0, help="seconds for the last updates to arrive (10)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=30,
        help="seconds to wait at most for other processes to leave the CPU idle (30)",
    )
    args = parser.parse_args(argv)
    if not 0.5 <= args.minutes <= 240:
        parser.error("--minutes must be between 0.5 and 240")
    if not 1 <= args.streams <= 5000:
        parser.error("--streams must be between 1 and 5000")
    if not 0 <= args.readers <= 64 or not 0 <= args.think <= 60:
        parser.error("--readers must be in [0, 64] and --think in [0, 60]")
    if not 0 <= args.vote_rate <= 100 or not 0 <= args.reply_rate <= 100:
        parser.error("rates must be between 0 and 100 a second")
    if not 1 <= args.motions <= 20 or not args.motions * 10 <= args.arguments <= 20_000:
        parser.error("--motions in [1, 20], --arguments in [10 per motion, 20000]")
    if not args.motions * 5 <= args.users <= 5_000:
        parser.error("--users must be at least 5 per motion and at most 5000")
    if not 2 <= args.workers <= 8:
        parser.error("--workers must be between 2 and 8 (one is killed)")
    if not 0 < args.restart_at < 1 or not 0 < args.kill_at < 1:
        parser.error("--restart-at and --kill-at are fractions of the run, in (0, 1)")
    if abs(args.restart_at - args.kill_at) * args.minutes * 60 < 10:
        parser.error("the restart and the kill must be at least 10 s apart")
    if not 0 <= args.grace <= 60 or not 0 <= args.drain <= 120:
        parser.error("--grace must be in [0, 60] and --drain in [0, 120]")
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        return run(args)
    except KeyboardInterrupt:
        print("Interrupted; the server and the throwaway database were stopped.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
