"""Live updates under load: N open SSE pages on ONE server process, the delay from a vote
to its arrival at every page, and the server's memory.

    .venv/bin/python -m bench.sse_latency --clients 100,500,1000 --votes 20

For each N it starts a fresh server with one worker (DEBUG off, PostgreSQL), opens N streams of one
motion's live channel from this process (raw non-blocking sockets on one asyncio loop), waits
until every stream has its first `id:` line, then casts K votes one after another with
debates.voting.cast_vote in this process, each its own transaction as the vote view casts it:
on PostgreSQL the vote's statement NOTIFYs as it commits (migration 0012). t0 is the moment the
vote was sent, so each delay also holds the vote statement itself (under a millisecond): an upper
bound on commit-to-arrival. For every stream we take the arrival
of the message that updates that claim's `vote-argument-<pk>-agree-count` element twice:

- kernel: the socket's receive timestamp (SO_TIMESTAMPNS), i.e. when the bytes reached this
  machine's TCP stack, which does not depend on how fast this one client loop reads 1,000 sockets;
- client: when this loop parsed the message (adds the client's own queueing).

The headline figures use the kernel timestamps; the difference between the two is reported as the
client's own lag. A stream that has not received a vote's message 10 s after the vote counts as
lost. Memory is the server's VmRSS (idle with N streams open, and the peak sampled during the votes)
next to a zero-client baseline.
"""

import argparse
import asyncio
import codecs
import contextlib
import socket
import struct
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from bench.common import (
    DEFAULT_DATABASE_URL,
    HOST,
    RESULTS,
    MemoryPoller,
    Server,
    add_run_arguments,
    background_note,
    command_line,
    cpu_seconds,
    fmt,
    install_signal_handlers,
    machine_line,
    percentile,
    prepare_database,
    proc_status,
    raise_open_files_limit,
    record,
    setup_django,
    table,
    wait_for_quiet,
)

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux; the same value as SCM_TIMESTAMPNS
MOTION_SLUG = "sse-bench"
ARGUMENTS = 5
MAX_CLIENTS = 5000
MAX_VOTES = 200
DELIVERY_TIMEOUT = 10.0
CONNECT_TIMEOUT = 60.0
CONNECT_BATCH = 100
LOG_DIR = RESULTS


# --- Fixture: a small motion with a few arguments and voters ------------------------------------


def make_fixture(voters_needed):
    """The bench motion, its arguments and enough voters (made once, reused on later runs)."""
    from allauth.account.models import EmailAddress

    from accounts.models import User, fold_display_name
    from debates.models import Argument, Motion, Stance

    def user(n):
        email = f"sse{n}@sse-bench.invalid"
        found = User.objects.filter(email=email).first()
        if found:
            return found
        name = f"SSE bench voter {n}"
        created = User.objects.create(email=email, display_name=name, password="!bench")
        assert created.display_name_key == fold_display_name(name)
        EmailAddress.objects.create(user=created, email=email, verified=True, primary=True)
        return created

    author = user(0)
    motion, _ = Motion.objects.get_or_create(
        slug=MOTION_SLUG,
        defaults={
            "title": "SSE benchmark",
            "claim": "Live updates reach every open page quickly.",
            "author": author,
        },
    )
    arguments = list(Argument.objects.filter(motion=motion, parent=None).order_by("id"))
    for n in range(len(arguments), ARGUMENTS):
        arguments.append(
            Argument.objects.create(
                motion=motion,
                stance=Stance.PRO if n % 2 else Stance.CON,
                claim=f"Benchmark argument {n}.",
                author=author,
            )
        )
    voters = [user(n) for n in range(1, voters_needed + 1)]
    return motion, arguments[:ARGUMENTS], voters


def cast(voter, argument_id):
    """One vote, in the vote thread: (count after it, time it was sent, time cast_vote returned)."""
    from debates.models import Argument
    from debates.voting import cast_vote

    claim = Argument.objects.get(pk=argument_id)
    sent = time.time()
    result = cast_vote(voter=voter, claim=claim, choice="agree")
    return result.agree_count, sent, time.time()


# --- The SSE clients ----------------------------------------------------------------------------


class Watch:
    """What every stream is waiting for now: the message updating one claim's agree count."""

    def __init__(self, needle: str, clients: int):
        self.needle = needle
        self.arrivals = {}  # client index -> (kernel time, client time, value shown)
        self.done = asyncio.Event()
        self.clients = clients

    def offer(self, client, data: str, kernel: float, seen: float):
        if self.needle not in data or client in self.arrivals:
            return
        value = data.split(self.needle, 1)[1].split(">", 1)[1].split("<", 1)[0].strip()
        self.arrivals[client] = (kernel, seen, value)
        if len(self.arrivals) == self.clients:
            self.done.set()


class Stream:
    """One SSE page: a raw non-blocking socket, read with recvmsg to get kernel timestamps."""

    def __init__(self, index, loop, port, path, state):
        self.index, self.loop, self.port, self.path, self.state = index, loop, port, path, state
        self.sock = None
        self.raw = bytearray()  # bytes not yet de-chunked
        self.text = ""  # SSE text not yet split into messages
        self.headers_done = False
        self.chunk_left = 0  # payload bytes of the current chunk still to come
        self.skip = 0
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.connected = loop.create_future()
        self.closed = False
        self.messages = 0

    async def open(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = sock
        await self.loop.sock_connect(sock, (HOST, self.port))
        request = (
            f"GET {self.path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\n"
            "Accept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n"
        )
        await self.loop.sock_sendall(sock, request.encode())
        self.loop.add_reader(sock.fileno(), self._readable)
        await self.connected

    def close(self):
        if self.sock is not None:
            with contextlib.suppress(Exception):
                self.loop.remove_reader(self.sock.fileno())
            self.sock.close()
            self.sock = None
        self.closed = True

    def _readable(self):
        try:
            data, ancillary, _, _ = self.sock.recvmsg(65536, socket.CMSG_SPACE(16))
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data, ancillary = b"", []
        seen = time.time()
        kernel = seen
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(payload) >= 16:
                sec, nsec = struct.unpack("qq", payload[:16])
                kernel = sec + nsec / 1e9
        if not data:
            self.close()
            if not self.connected.done():
                self.connected.set_exception(ConnectionError("stream closed before its id"))
            return
        self._feed(data, kernel, seen)

    def _feed(self, data, kernel, seen):
        self.raw += data
        if not self.headers_done:
            end = self.raw.find(b"\r\n\r\n")
            if end < 0:
                return
            status_line = bytes(self.raw[: self.raw.find(b"\r\n")]).decode("latin-1")
            del self.raw[: end + 4]
            if status_line.split()[1:2] != ["200"]:
                self.connected.set_exception(ConnectionError(status_line))
                self.close()
                return
            self.headers_done = True
        # The body comes with Transfer-Encoding: chunked.
        out = []
        while self.raw:
            if self.skip:  # the CRLF after a chunk's payload
                step = min(self.skip, len(self.raw))
                del self.raw[:step]
                self.skip -= step
                continue
            if self.chunk_left == 0:
                line_end = self.raw.find(b"\r\n")
                if line_end < 0:
                    break
                size = int(bytes(self.raw[:line_end]).split(b";")[0], 16)
                del self.raw[: line_end + 2]
                if size == 0:
                    self.close()
                    break
                self.chunk_left = size
            take = min(self.chunk_left, len(self.raw))
            out.append(bytes(self.raw[:take]))
            del self.raw[:take]
            self.chunk_left -= take
            if self.chunk_left == 0:
                self.skip = 2
        if out:
            self._messages(self.decoder.decode(b"".join(out)), kernel, seen)

    def _messages(self, text, kernel, seen):
        self.text += text
        *complete, self.text = self.text.split("\n\n")
        for message in complete:
            event_id, data = None, []
            for line in message.split("\n"):
                if line.startswith("id:"):
                    event_id = line[3:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].lstrip())
            if event_id is not None and not self.connected.done():
                self.connected.set_result(event_id)
                continue
            if data:
                self.messages += 1
                watch = self.state.get("watch")
                if watch is not None:
                    watch.offer(self.index, "\n".join(data), kernel, seen)


async def open_streams(loop, n, port, path, state):
    streams = [Stream(i, loop, port, path, state) for i in range(n)]
    deadline = loop.time() + CONNECT_TIMEOUT
    for start in range(0, n, CONNECT_BATCH):
        batch = streams[start : start + CONNECT_BATCH]
        remaining = max(1.0, deadline - loop.time())
        await asyncio.wait_for(asyncio.gather(*(s.open() for s in batch)), remaining)
    return streams


# --- One run: N clients -------------------------------------------------------------------------


async def run_clients(n, votes, database_url, fixture, executor, verbose=False, profile=False):
    from debates.live import channel_path

    motion, arguments, voters = fixture
    loop = asyncio.get_running_loop()
    server = Server(
        database_url,
        workers=1,
        log_path=LOG_DIR / f"sse-server-{n}.log",
        profile=LOG_DIR / f"sse-server-{n}.prof" if profile else None,
    )
    await asyncio.to_thread(server.start)
    streams = []
    try:
        pid = server.worker_pids()[0]
        state = {}
        started = time.perf_counter()
        streams = await open_streams(loop, n, server.port, channel_path(motion.pk), state)
        connect_seconds = time.perf_counter() - started
        await asyncio.sleep(1.0)
        idle = proc_status(pid)
        kernel_delays, client_delays, lags, spreads, firsts = [], [], [], [], []
        lost = wrong = 0
        cpu_before = cpu_seconds(pid)
        with MemoryPoller(lambda: [pid], interval=0.05) as memory:
            # One warm-up vote (first render compiles templates), then the measured ones.
            for k in range(votes + 1):
                argument = arguments[k % len(arguments)]
                watch = state["watch"] = Watch(f"vote-argument-{argument.pk}-agree-count", n)
                count, sent, _ = await loop.run_in_executor(executor, cast, voters[k], argument.pk)
                with contextlib.suppress(TimeoutError):
                    remaining = DELIVERY_TIMEOUT - (time.time() - sent)
                    await asyncio.wait_for(watch.done.wait(), max(0.1, remaining))
                state["watch"] = None
                if k == 0:
                    cpu_before = cpu_seconds(pid)
                    continue
                arrivals = list(watch.arrivals.values())
                lost += n - len(arrivals)
                wrong += sum(1 for _, _, value in arrivals if value != str(count))
                kernel_delays += [(kt - sent) * 1000 for kt, _, _ in arrivals]
                client_delays += [(st - sent) * 1000 for _, st, _ in arrivals]
                lags += [(st - kt) * 1000 for kt, st, _ in arrivals]
                if arrivals:
                    times = sorted(kt for kt, _, _ in arrivals)
                    spreads.append((times[-1] - times[0]) * 1000)
                    firsts.append((times[0] - sent) * 1000)
                    if verbose:
                        print(
                            f"  vote {k}: {len(arrivals)}/{n} streams, first "
                            f"{(times[0] - sent) * 1000:.1f} ms, last "
                            f"{(times[-1] - sent) * 1000:.1f} ms"
                        )
                await asyncio.sleep(0.05)
            cpu_used = cpu_seconds(pid) - cpu_before
            memory.sample()
        peak = proc_status(pid)
        disconnected = sum(1 for s in streams if s.closed)
        return {
            "clients": n,
            "votes": votes,
            "deliveries": len(kernel_delays),
            "lost": lost,
            "wrong": wrong,
            "disconnected": disconnected,
            "connect_s": connect_seconds,
            "p50": percentile(kernel_delays, 50),
            "p99": percentile(kernel_delays, 99),
            "max": max(kernel_delays, default=None),
            "client_p50": percentile(client_delays, 50),
            "client_p99": percentile(client_delays, 99),
            "lag_p99": percentile(lags, 99),
            "spread_p50": percentile(spreads, 50),
            "first_p50": percentile(firsts, 50),
            "cpu_ms_per_vote": cpu_used * 1000 / max(1, votes),
            "rss_idle_mb": idle.get("VmRSS", 0) / 1024,
            "rss_peak_mb": max(memory.peak.get(pid, 0), peak.get("VmRSS", 0)) / 1024,
            "hwm_mb": peak.get("VmHWM", 0) / 1024,
        }
    finally:
        for stream in streams:
            stream.close()
        await asyncio.to_thread(server.stop)


async def baseline(database_url):
    """The server's memory with no stream open, after answering a few page requests."""
    server = Server(database_url, workers=1, log_path=LOG_DIR / "sse-server-0.log")
    await asyncio.to_thread(server.start)
    try:
        await asyncio.sleep(1.0)
        status = proc_status(server.worker_pids()[0])
        return status.get("VmRSS", 0) / 1024, status.get("VmHWM", 0) / 1024
    finally:
        await asyncio.to_thread(server.stop)


async def main_async(args, fixture):
    # One thread for the votes, so its database connection stays open between them.
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vote")
    try:
        base_rss, base_hwm = await baseline(args.database_url)
        print(f"Server with 0 clients: VmRSS {base_rss:.1f} MB (peak {base_hwm:.1f} MB)")
        results = []
        for n in args.clients:
            result = await run_clients(
                n, args.votes, args.database_url, fixture, executor, args.verbose, args.profile
            )
            results.append(result)
            print(
                f"{n} clients: p50 {fmt(result['p50'])} ms, p99 {fmt(result['p99'])} ms, "
                f"lost {result['lost']}, RSS {result['rss_idle_mb']:.1f}/"
                f"{result['rss_peak_mb']:.1f} MB",
                flush=True,
            )
        return base_rss, results
    finally:
        await asyncio.to_thread(executor.shutdown)


def report(base_rss, results, args):
    headers = [
        "clients",
        "votes",
        "deliveries",
        "lost",
        "p50 ms",
        "p99 ms",
        "max ms",
        "client-seen p50/p99 ms",
        "first stream p50 ms",
        "first-to-last p50 ms",
        "server CPU ms/vote",
        "RSS idle MB",
        "RSS peak MB",
    ]
    rows = [[0, *["-"] * 10, base_rss, "-"]]
    for r in results:
        rows.append(
            [
                r["clients"],
                r["votes"],
                r["deliveries"],
                r["lost"] + r["wrong"],
                r["p50"],
                r["p99"],
                r["max"],
                f"{fmt(r['client_p50'])} / {fmt(r['client_p99'])}",
                r["first_p50"],
                r["spread_p50"],
                r["cpu_ms_per_vote"],
                r["rss_idle_mb"],
                r["rss_peak_mb"],
            ]
        )
    lines = [
        f"SSE delivery, vote sent -> arrival at every stream (one server worker): "
        f"{machine_line(args.database_url)}",
        "",
        table(headers, rows),
        "",
        "Delays use the kernel receive timestamp of each stream's socket (SO_TIMESTAMPNS); "
        "'client-seen' adds this client loop's own queueing (p99 client lag: "
        + ", ".join(f"{r['clients']}: {fmt(r['lag_p99'])} ms" for r in results)
        + "). 'lost' counts messages missing 10 s after the vote, or with a wrong count.",
    ]
    if any(r["disconnected"] for r in results):
        lines.append(
            "Streams closed by the server: "
            + ", ".join(f"{r['clients']}: {r['disconnected']}" for r in results)
        )
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument(
        "--clients",
        default="100,500,1000",
        help="comma-separated numbers of open streams, one run each (default 100,500,1000)",
    )
    parser.add_argument("--votes", type=int, default=20, help="measured votes per run (max 200)")
    add_run_arguments(parser)
    parser.add_argument(
        "--verbose", action="store_true", help="print each vote's first/last arrival"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="run each server under cProfile (bench/results/sse-server-N.prof); slows it down",
    )
    args = parser.parse_args(argv)
    args.clients = [int(c) for c in args.clients.split(",") if c.strip()]
    if not all(1 <= c <= MAX_CLIENTS for c in args.clients):
        parser.error(f"--clients must each be between 1 and {MAX_CLIENTS}")
    if not 1 <= args.votes <= MAX_VOTES:
        parser.error(f"--votes must be between 1 and {MAX_VOTES}")
    return args


def main(argv=None):
    args = parse_args(argv)
    install_signal_handlers()
    limit = raise_open_files_limit()
    if limit < max(args.clients) + 100:
        raise SystemExit(f"Open-files limit {limit} is too low for {max(args.clients)} streams.")
    prepare_database(args.database_url)
    setup_django(args.database_url)
    fixture = make_fixture(args.votes + 1)
    # Close the setup connection: the vote thread opens its own.
    from django.db import connections

    connections.close_all()
    background = wait_for_quiet(args.wait_quiet)
    print(background_note(background))
    base_rss, results = asyncio.run(main_async(args, fixture))
    text = report(base_rss, results, args) + "\n" + background_note(background)
    print()
    print(text)
    print(f"\nCommand: {command_line('bench.sse_latency')}")
    if args.record:
        record(text, command_line("bench.sse_latency"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
