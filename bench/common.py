"""What the benchmarks share: the bench database, the server under test, memory, a small client.

Everything here talks to 127.0.0.1 only. A server started here runs in a process group of its
own and is stopped (SIGTERM, then SIGKILL) when its `with` block ends, on error or Ctrl-C too.
"""

import asyncio
import contextlib
import math
import os
import platform
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/crux_bench"
HOST = "127.0.0.1"
RESULTS = ROOT / "bench" / "results"  # logs and raw results; not committed
# The server runs with DEBUG off as in production; this key is for the bench database only.
SECRET_KEY = "bench-only-7q!z0-not-a-production-secret-4m$w1-long-enough-for-the-deploy-check"
# As a TLS-terminating proxy in front of the app would say (settings trust this header).
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


# --- Environment and database ------------------------------------------------------------------


def server_env(database_url: str) -> dict:
    """Production-like settings: DEBUG off, a secret key, one allowed host, PostgreSQL.

    Crux's own rate limits are off (RATE_LIMITS=false, as settings suggest for a load test from
    one address: every simulated user shares 127.0.0.1) unless BENCH_RATE_LIMITS=true.
    """
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env.update(
        DEBUG="false",
        SECRET_KEY=SECRET_KEY,
        # testserver: the in-process django.test.Client that counts queries per page.
        ALLOWED_HOSTS="127.0.0.1,testserver",
        DATABASE_URL=database_url,
        EMAIL_URL="consolemail://",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        RATE_LIMITS=os.environ.get("BENCH_RATE_LIMITS", "false"),
    )
    if os.environ.get("BENCH_SETTINGS"):  # a what-if settings module under bench/
        env["DJANGO_SETTINGS_MODULE"] = os.environ["BENCH_SETTINGS"]
    return env


def ensure_database(database_url: str) -> bool:
    """Create the bench database if it is missing; True when it was created."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(database_url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit(f"The benchmarks need PostgreSQL; got {database_url!r}.")
    name = parts.path.lstrip("/")
    if parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit("The benchmarks only run against a database on this machine.")
    admin = {
        "host": parts.hostname,
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "dbname": "postgres",
        "autocommit": True,
        "connect_timeout": 10,
    }
    if parts.password:
        admin["password"] = parts.password
    with psycopg.connect(**admin) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def manage(*args, database_url: str, timeout: float = 600, quiet=False) -> str:
    """Run `manage.py args` against the bench database in a subprocess; raise on failure."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=server_env(database_url),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(
            f"manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )
    if not quiet and result.stdout.strip():
        print(result.stdout.rstrip())
    return result.stdout


def prepare_database(database_url: str) -> None:
    """Create and migrate the bench database, and collect static files (DEBUG off needs them)."""
    if ensure_database(database_url):
        print(f"Created database {urlsplit(database_url).path.lstrip('/')}")
    manage("migrate", "--noinput", database_url=database_url, quiet=True)
    # The production cache (rate-limit counters) is the database cache: it needs its table.
    manage("createcachetable", database_url=database_url, quiet=True)
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    newest = max(p.stat().st_mtime for p in (ROOT / "static").rglob("*") if p.is_file())
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        print("Collecting static files (the manifest storage needs them with DEBUG off)")
        manage("collectstatic", "--noinput", database_url=database_url, quiet=True)


def setup_django(database_url: str) -> None:
    """Django in this process, with the server's settings and the bench database."""
    os.environ.update(server_env(database_url))
    os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("BENCH_SETTINGS") or "config.settings"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def raise_open_files_limit() -> int:
    """Soft RLIMIT_NOFILE up to the hard limit, for us and the server we spawn (inherited)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# --- The server under test ---------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


TCP_ESTABLISHED, TCP_LISTEN = "01", "0A"  # states as /proc/net/tcp spells them


def sockets_by_pid(pids, port: int, state: str) -> dict[int, int]:
    """How many TCP sockets on local `port` in `state` each process holds (Linux /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == state and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{fields[9]}]")
    counts = {}
    for pid in pids:
        held = 0
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    held += os.readlink(fd) in inodes
        counts[pid] = held
    return counts


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def proc_status(pid: int) -> dict:
    """VmRSS and VmHWM (peak RSS) in KiB, from /proc/<pid>/status; {} once the process is gone."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in {"VmRSS", "VmHWM", "Threads"}:
                values[key] = int(rest.split()[0])
    except OSError:
        return {}
    return values


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def database_cpu() -> float:
    """CPU time so far of this machine's PostgreSQL processes, which share the cores with the
    server: what a request costs the database shows here, not in the server's CPU."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        try:
            named_postgres = (entry / "comm").read_text().startswith("postgres")
        except OSError:
            continue
        if named_postgres:
            total += cpu_seconds(int(entry.name))
    return total


class Server:
    """Crux served as in production (config/serving.py: gunicorn, a uvicorn worker per process,
    each on its own SO_REUSEPORT socket; DEBUG off, PostgreSQL), on 127.0.0.1.

    `profile` (a path) is a what-if: one uvicorn process under cProfile, with no gunicorn, since
    cProfile sees only the process it starts."""

    def __init__(
        self, database_url, *, workers=1, port=None, log_path=None, extra_args=(), profile=None
    ):
        self.database_url = database_url
        self.profile = profile
        self.workers = workers
        self.port = port or free_port()
        self.log_path = Path(log_path or RESULTS / "server.log")
        self.extra_args = list(extra_args)
        self.proc = None

    @property
    def command(self) -> list[str]:
        if self.profile:
            return [
                *(sys.executable, "-m", "cProfile", "-o", str(self.profile), "-m", "uvicorn"),
                "config.asgi:application",
                *("--host", HOST, "--port", str(self.port), "--timeout-graceful-shutdown", "3"),
                *("--no-access-log", "--log-level", "warning", *self.extra_args),
            ]
        return [
            str(VENV_BIN / "gunicorn"),
            *("-c", "python:config.serving", "--bind", f"{HOST}:{self.port}"),
            *("--workers", str(self.workers), "--log-level", "warning", *self.extra_args),
        ]

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self, ready_timeout=60):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=server_env(self.database_url),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() reaches the workers
        )
        log.close()
        _STARTED.add(self)
        try:
            self._wait_ready(ready_timeout)
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"The server exited at start; see {self.log_path}")
            if self._all_listening():
                try:
                    status = asyncio.run(_probe(self.port))
                except OSError:
                    status = None
                if status == 200:
                    # Every worker answers a few requests, so each has loaded the app.
                    for _ in range(4 * self.workers):
                        asyncio.run(_probe(self.port))
                    return
            time.sleep(0.2)
        raise SystemExit(f"The server did not answer within {timeout} s; see {self.log_path}")

    def _all_listening(self) -> bool:
        """Every worker holds its socket: connections reach only those already listening."""
        pids = self.worker_pids()
        if len(pids) < (1 if self.profile else self.workers):
            return False
        return all(sockets_by_pid(pids, self.port, TCP_LISTEN).values())

    def connections(self) -> dict[int, int]:
        """Open client connections each worker holds now."""
        return sockets_by_pid(self.worker_pids(), self.port, TCP_ESTABLISHED)

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: gunicorn's workers (all its children), or the one
        profiled uvicorn process."""
        if self.proc is None or self.proc.poll() is not None:
            return []
        if self.profile:
            return [self.proc.pid]
        return _children(self.proc.pid)

    def all_pids(self) -> list[int]:
        if self.proc is None or self.proc.poll() is not None:
            return []
        return [self.proc.pid, *_children(self.proc.pid)]

    def stop(self, timeout=15):
        _STARTED.discard(self)
        if self.proc is None or self.proc.poll() is not None:
            return
        # gunicorn stops its workers on SIGTERM; under cProfile, SIGINT (KeyboardInterrupt)
        # still lets the profile be written.
        stop_signal = signal.SIGINT if self.profile else signal.SIGTERM
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, stop_signal)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)


_STARTED: set = set()


def stop_all_servers(*_):
    for server in list(_STARTED):
        server.stop()


def install_signal_handlers():
    """SIGTERM/SIGHUP end the run like Ctrl-C does, so `finally` blocks stop the servers."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupt)
    import atexit

    atexit.register(stop_all_servers)


async def _probe(port) -> int | None:
    conn = HTTPConnection(HOST, port)
    try:
        response = await asyncio.wait_for(conn.request("GET", "/", headers=PROXY_HEADERS), 20)
        return response.status
    finally:
        conn.close()


def machine_busy_seconds() -> float:
    """CPU seconds all cores have spent busy since boot (from /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def command_cpu_seconds(comm: str) -> float:
    """CPU time of every process named `comm`, with their reaped children (e.g. PostgreSQL's
    short-lived backends are counted in the postmaster's children time)."""
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            raw = (proc / "stat").read_text()
        except OSError:
            continue
        if raw[raw.index("(") + 1 : raw.rindex(")")] != comm:
            continue
        fields = raw.rsplit(")", 1)[1].split()
        total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return total / os.sysconf("SC_CLK_TCK")


def background_cores(seconds=2.0) -> float:
    """How many cores other processes keep busy right now (the benchmarks want ~0)."""
    before = machine_busy_seconds()
    time.sleep(seconds)
    return (machine_busy_seconds() - before) / seconds


class Background(NamedTuple):
    cores: float  # busy with other processes
    loop_ms: float  # reference_loop_ms


def wait_for_quiet(max_seconds: float, threshold=0.15) -> Background:
    """Wait (at most max_seconds) until other processes leave the cores idle; the last reading,
    and how fast the machine runs Python then."""
    deadline = time.monotonic() + max_seconds
    cores = background_cores()
    while cores > threshold and time.monotonic() < deadline:
        print(f"Waiting for the machine to be quiet ({cores:.2f} cores busy elsewhere)...")
        time.sleep(5)
        cores = background_cores()
    return Background(cores, reference_loop_ms())


def reference_loop_ms(repeats=5) -> float:
    """The best of a few timings of one fixed pure-Python loop, in ms.

    These machines share their hosts: the same loop has taken 0.77 s and 1.3 s within minutes on
    one of them, so figures from different runs compare only beside this reading.
    """
    best = math.inf
    for _ in range(repeats):
        started = time.perf_counter()
        sum(i * i for i in range(1_000_000))
        best = min(best, time.perf_counter() - started)
    return best * 1000


def add_run_arguments(parser) -> None:
    """The options every benchmark takes: how long to wait for quiet, and whether to record."""
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=120,
        help="seconds to wait at most for other processes to leave the CPU idle (default 120)",
    )
    parser.add_argument("--record", action="store_true", help="append the table to bench/README.md")


def background_note(background: Background) -> str:
    note = f"Background load before the run: {background.cores:.2f} cores busy"
    if background.cores > 0.25:
        note += " (WARNING: something else was running; these figures are pessimistic)"
    return f"{note}. Reference Python loop: {background.loop_ms:.0f} ms (lower is faster)."


class Sampler:
    """Runs `_run` in a daemon thread for the length of a `with` block; `_stop` ends it."""

    def __init__(self, interval):
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)

    def _run(self):
        raise NotImplementedError


class WaitSampler(Sampler):
    """Samples what the bench database's sessions wait on (pg_stat_activity), in a thread."""

    def __init__(self, database_url, interval=0.25):
        super().__init__(interval)
        self.database_url = database_url
        self.samples = 0
        self.counts = {}

    def _run(self):
        import psycopg

        query = (
            "SELECT coalesce(wait_event_type || ':' || wait_event, 'running')"
            " || ' (' || state || ')' FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND state <> 'idle'"
        )
        try:
            with psycopg.connect(self.database_url, autocommit=True, connect_timeout=5) as conn:
                while not self._stop.is_set():
                    self.samples += 1
                    for (what,) in conn.execute(query).fetchall():
                        self.counts[what] = self.counts.get(what, 0) + 1
                    self._stop.wait(self.interval)
        except Exception as error:  # a diagnostic only: never fail the run for it
            self.counts[f"sampler failed: {error}"] = 0

    def top(self, n=3) -> str:
        """The most common waits, as the average number of sessions in each."""
        if not self.samples:
            return "-"
        ranked = sorted(self.counts.items(), key=lambda item: -item[1])[:n]
        return ", ".join(f"{what} {count / self.samples:.1f}" for what, count in ranked) or "none"


class MemoryPoller(Sampler):
    """Samples VmRSS of the given processes in a thread; keeps each one's peak."""

    def __init__(self, pids_fn, interval=0.1):
        super().__init__(interval)
        self.pids_fn = pids_fn
        self.peak = {}  # pid -> KiB
        self.last = {}

    def sample(self):
        for pid in self.pids_fn():
            rss = proc_status(pid).get("VmRSS")
            if rss:
                self.last[pid] = rss
                self.peak[pid] = max(self.peak.get(pid, 0), rss)

    def _run(self):
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)


class ConnectionSampler(Sampler):
    """Samples the client connections each server worker holds; per worker, the mean and max."""

    def __init__(self, server, interval=0.25):
        super().__init__(interval)
        self.server = server
        self.samples = 0
        self.total = {}
        self.most = {}

    def _run(self):
        while not self._stop.is_set():
            self.samples += 1
            for pid, held in self.server.connections().items():
                self.total[pid] = self.total.get(pid, 0) + held
                self.most[pid] = max(self.most.get(pid, 0), held)
            self._stop.wait(self.interval)

    def per_worker(self) -> dict[int, tuple[float, int]]:
        return {pid: (self.total[pid] / self.samples, self.most[pid]) for pid in self.total}


# --- A small HTTP/1.1 client (keep-alive, Content-Length or chunked) -----------------------------


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    cookies: dict = field(default_factory=dict)

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class HTTPConnection:
    """One keep-alive connection; requests on it run one after another."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def _open(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method, path, *, headers=None, body=b"") -> Response:
        if self.writer is None:
            await self._open()
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        head += [f"{k}: {v}" for k, v in (headers or {}).items()]
        if body or method in {"POST", "PUT"}:
            head.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        try:
            response = await self._read_response()
        except (asyncio.IncompleteReadError, ConnectionError):
            self.close()
            raise
        if response.headers.get("connection", "").lower() == "close":
            self.close()
        return response

    async def _read_response(self) -> Response:
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers, cookies = {}, {}
        for line in lines[1:]:
            if not line:
                continue
            key, _, value = line.partition(":")
            key, value = key.strip().lower(), value.strip()
            if key == "set-cookie":
                name, _, rest = value.partition("=")
                cookies[name] = rest.split(";", 1)[0]
            headers[key] = value
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            body = b"".join(chunks)
        else:
            body = b""
        return Response(status, headers, body, cookies)


# --- Figures -----------------------------------------------------------------------------------


def percentile(values, p):
    """Nearest-rank percentile of a list (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def fmt(value, digits=1):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def table(headers, rows) -> str:
    """A Markdown table, readable as plain text too."""
    cells = [[str(h) for h in headers]] + [[fmt(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
        if n == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def git_commit() -> str:
    """HEAD's commit, read from .git without running git."""
    git = ROOT / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head[5:]
        if (git / ref).exists():
            return (git / ref).read_text().strip()
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line.split()[0]
    except OSError:
        pass
    return "unknown"


def machine() -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kib = 0
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "memory": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "kernel": platform.release(),
        "python": platform.python_version(),
        "commit": git_commit(),
    }


def postgres_version(database_url) -> str:
    import psycopg

    with contextlib.suppress(Exception), psycopg.connect(database_url, connect_timeout=5) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]
    return "unknown"


def machine_line(database_url) -> str:
    m = machine()
    return (
        f"{m['date']} · {m['nproc']} cores ({m['cpu']}) · {m['memory']} · Linux {m['kernel']} · "
        f"Python {m['python']} · PostgreSQL {postgres_version(database_url)} · "
        f"commit {m['commit'][:12]}"
    )


README = ROOT / "bench" / "README.md"


def record(text: str, command: str) -> None:
    """Append a run (its table, machine and command) to bench/README.md."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    with README.open("a") as readme:
        readme.write(f"\n### {stamp}: `{command}`\n\n{text}\n")
    print(f"Recorded in {README.relative_to(ROOT)}")


def command_line(module: str) -> str:
    return " ".join([".venv/bin/python -m", module, *sys.argv[1:]])
