"""Real central stores for the tests: a throwaway PostgreSQL cluster made with initdb and
pg_ctl, and `debrief-server serve` processes on free loopback ports.

PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user
(or `nobody`) in a folder of its own.
"""

from __future__ import annotations

import contextlib
import glob
import io
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION

from .processes import end_process

START_TIMEOUT_S = 60
# The test cluster's own time zone: not UTC, and behind it (a date near year 1 moves
# into year 0 there), so that every server test shows the store keeps to UTC itself.
# A test can give one database another zone (`create_database(..., timezone=...)`).
CLUSTER_TIMEZONE = "America/Los_Angeles"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_bindir() -> Path:
    """Where initdb and pg_ctl are: pg_config, then Debian's layout, then PATH."""
    candidates: list[str] = []
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        candidates.append(subprocess.run(["pg_config", "--bindir"], capture_output=True,
                                         text=True, check=True).stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                         key=lambda p: int(Path(p).parent.name), reverse=True)
    if shutil.which("initdb"):
        candidates.append(str(Path(shutil.which("initdb")).parent))  # type: ignore[arg-type]
    for candidate in candidates:
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    raise RuntimeError("PostgreSQL's initdb and pg_ctl were not found (install Debian's "
                       "'postgresql' package; .ci/run does)")


class PostgresCluster:
    """One throwaway PostgreSQL server on 127.0.0.1, trust auth, user `debrief`, whose
    sessions start in `timezone` (as a server set up for its own city's time would)."""

    def __init__(self, timezone: str = CLUSTER_TIMEZONE) -> None:
        self.timezone = timezone
        self.bindir = postgres_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="debrief-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.run_as = self._unprivileged_user() if os.geteuid() == 0 else None
        if self.run_as:
            os.chown(self.root, self.run_as.pw_uid, self.run_as.pw_gid)
        self._count = 0

    @staticmethod
    def _unprivileged_user() -> pwd.struct_passwd:
        for name in ("postgres", "nobody"):
            with contextlib.suppress(KeyError):
                return pwd.getpwnam(name)
        raise RuntimeError("running as root and found no 'postgres' or 'nobody' user to "
                           "run PostgreSQL as")

    def _run(self, *args: str) -> None:
        user = {"user": self.run_as.pw_uid, "group": self.run_as.pw_gid} if self.run_as else {}
        result = subprocess.run([str(self.bindir / args[0]), *args[1:]], capture_output=True,
                                text=True, cwd=self.root, **user)
        if result.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed ({result.returncode}):\n{result.stdout}\n"
                               f"{result.stderr}\n{tail}")

    def start(self) -> PostgresCluster:
        self._run("initdb", "-D", str(self.data), "-U", "debrief", "--auth=trust",
                  "-E", "UTF8", "--no-locale", "--no-sync")
        options = (f"-p {self.port} -h 127.0.0.1 -k {self.root} -c max_connections=300 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   f"-c timezone={self.timezone}")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
                  "-w", "-t", "60", "-o", options, "start")
        return self

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://debrief@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str, timezone: str | None = None) -> str:
        """A new database; `timezone`: the zone its sessions start in, if not the
        cluster's."""
        import psycopg
        from psycopg import sql

        self._count += 1
        name = f"{prefix}_{self._count}"
        with psycopg.connect(f"postgresql://debrief@127.0.0.1:{self.port}/postgres",
                             autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            if timezone is not None:
                connection.execute(sql.SQL("ALTER DATABASE {} SET timezone = {}").format(
                    sql.Identifier(name), sql.Literal(timezone)))
        return self.url(name)


def server_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "sync.server", *args]


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(server_command(*args), input=stdin, capture_output=True, text=True,
                          timeout=120)


def run_cli_here(*args: str) -> subprocess.CompletedProcess[str]:
    """`debrief-server` run in this process, its output caught as `run_cli`'s: for tests
    of what a command does (test_server_cli starts the real command as a process)."""
    from sync.server import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(list(args))
        except SystemExit as exited:  # argparse refusing the arguments
            code = exited.code if isinstance(exited.code, int) else 2
    return subprocess.CompletedProcess(["debrief-server", *args], code, out.getvalue(),
                                       err.getvalue())


@dataclass
class ServerProcess:
    """`debrief-server serve` on a free port of 127.0.0.1."""

    db_url: str
    data_dir: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    options: tuple[str, ...] = ()  # more flags for `serve`, e.g. ("--workers", "2")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.data_dir / f"serve-{self.port}.log"

    def start(self) -> ServerProcess:
        self.port = free_port()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                server_command("serve", "--db", self.db_url, "--data-dir", str(self.data_dir),
                               "--port", str(self.port), *self.options),
                stdout=log, stderr=subprocess.STDOUT, env={**os.environ,
                                                           "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"debrief-server exited ({self.process.returncode}):\n"
                                   f"{self.log.read_text(errors='replace')[-3000:]}")
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(f"{self.base_url}/readyz", timeout=2).status_code == 200:
                    return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"debrief-server did not become ready in {START_TIMEOUT_S} s")

    def stop(self) -> None:
        if self.process:
            end_process(self.process)


class Api:
    """A requests session speaking the sync protocol to one server, maybe signed in."""

    def __init__(self, base_url: str, token: str | None = None):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers[PROTOCOL_HEADER] = str(PROTOCOL_VERSION)
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, f"{self.base_url}{path}", **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def push(self, *debriefs: dict[str, Any]) -> requests.Response:
        return self.post("/api/v1/sync/push", json={"debriefs": list(debriefs)})


@contextlib.contextmanager
def running_server(db_url: str, data_dir: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(db_url, data_dir).start()
    try:
        yield server
    finally:
        server.stop()


if __name__ == "__main__":  # `make test` checks this first, for one clear message
    try:
        print(f"PostgreSQL for the tests: {postgres_bindir()}")
    except RuntimeError as error:
        sys.exit(f"make test: {error}")
