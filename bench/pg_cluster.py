"""A throwaway PostgreSQL cluster for benchmarks that restart their database (bench/soak.py).

Others run test suites against the machine's own cluster on 127.0.0.1:5432, so a benchmark that
restarts PostgreSQL must restart one of its own: initdb into a temporary directory, serve it on a
free port of 127.0.0.1 with trust authentication, and stop and remove it when the `with` block
ends, on error or Ctrl-C too. Debian's binaries refuse to run as root, so when we are root they
run as the `postgres` user, which then owns the directory.
"""

import atexit
import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bench.common import HOST, free_port

BIN_ROOT = Path("/usr/lib/postgresql")
OWNER = "postgres"


def binaries() -> Path:
    """The newest installed PostgreSQL's bin directory (Debian layout), or the one on PATH."""
    versions = sorted(
        (p for p in BIN_ROOT.glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1]
    found = shutil.which("initdb")
    if found is None:
        raise SystemExit("No PostgreSQL server binaries (initdb) found; install postgresql.")
    return Path(found).parent


class Cluster:
    """initdb + pg_ctl in a temporary directory; `url(name)` for a database in it."""

    def __init__(self, port=None):
        self.bin = binaries()
        self.port = port or free_port()
        self.root = None
        self._as_owner = os.geteuid() == 0

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log_path(self) -> Path:
        return self.root / "postgres.log"

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{dbname}"

    def _run(self, tool, *args, timeout=120, new_session=False):
        command = [str(self.bin / tool), *args]
        if self._as_owner:
            command = ["runuser", "-u", OWNER, "--", *command]
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            start_new_session=new_session,
            cwd=self.root,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{tool} {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.remove()

    def start(self):
        self.root = Path(tempfile.mkdtemp(prefix="crux-soak-pg-"))
        atexit.register(self.remove)
        if self._as_owner:
            owner = pwd.getpwnam(OWNER)
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "--auth=trust",
            "--username=postgres",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        options = f"-p {self.port} -k {self.root} -c listen_addresses={HOST}"
        # Its own session, so a Ctrl-C at the terminal reaches us and not the postmaster: our
        # `finally` stops it in order.
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log_path),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
            new_session=True,
        )

    def restart(self) -> float:
        """Fast restart (open sessions are terminated), as an operator would; seconds it took."""
        started = time.monotonic()
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log_path), "-m", "fast", "-w",
            "-t", "60", "restart", new_session=True,
        )  # fmt: skip
        return time.monotonic() - started

    def remove(self):
        atexit.unregister(self.remove)
        if self.root is None:
            return
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop")
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None
