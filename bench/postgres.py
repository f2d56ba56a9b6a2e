"""A PostgreSQL cluster of the benchmarks' own, made with initdb and pg_ctl on 127.0.0.1.

Throwaway (a folder under /tmp, deleted when stopped) or kept in a folder the caller
names, so that filled databases survive between runs. As root it runs as the `postgres`
user. fsync and synchronous_commit stay on: figures are for a durable store.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

PG_SETTINGS = ("shared_buffers=256MB", "work_mem=16MB", "maintenance_work_mem=512MB",
               "max_wal_size=8GB")


def bindir() -> Path:
    return Path(os.environ.get("PG_BINDIR", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """One PostgreSQL server on a free port of 127.0.0.1, trust auth, user `debrief`.

    With `root`, the cluster lives there and is kept when stopped (made only if missing);
    without, it lives in a new temporary folder that `stop` deletes.
    """

    def __init__(self, root: Path | None = None) -> None:
        self.keep = root is not None
        self.root = root or Path(tempfile.mkdtemp(prefix="debrief-scale-"))
        self.root.mkdir(parents=True, exist_ok=True)
        self.owner = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
        if self.owner:
            os.chown(self.root, self.owner.pw_uid, self.owner.pw_gid)
        self.port = free_port()
        self.made = False  # True when start() ran initdb: nothing from before is in it

    @property
    def data(self) -> Path:
        return self.root / "data"

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        user = {"user": self.owner.pw_uid, "group": self.owner.pw_gid} if self.owner else {}
        result = subprocess.run([str(bindir() / args[0]), "-D", str(self.data), *args[1:]],
                                cwd=self.root, capture_output=True, text=True, **user)
        if check and result.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({result.returncode}): {result.stderr}"
                               f"{self._log_tail()}")
        return result

    def _log_tail(self) -> str:
        log = self.root / "log"
        return "\n" + log.read_text(errors="replace")[-2000:] if log.exists() else ""

    def _usable(self) -> bool:
        version = self.data / "PG_VERSION"
        initdb = subprocess.run([str(bindir() / "initdb"), "--version"], capture_output=True,
                                text=True, check=True).stdout
        return version.exists() and f" {version.read_text().strip()}." in initdb

    def start(self) -> str:
        """Start (making the cluster first if needed); the URL of its `postgres` database."""
        if not self._usable():
            shutil.rmtree(self.data, ignore_errors=True)
            self.run("initdb", "-U", "debrief", "--auth=trust", "-E", "UTF8", "--no-locale")
            self.made = True
        elif self.run("pg_ctl", "status", check=False).returncode == 0:
            self.run("pg_ctl", "-m", "fast", "-w", "stop")  # left running by a killed run
        options = " ".join([f"-p {self.port} -h 127.0.0.1 -k {self.root}",
                            *(f"-c {s}" for s in PG_SETTINGS)])
        self.run("pg_ctl", "-l", str(self.root / "log"), "-w", "-t", "120", "-o", options,
                 "start")
        return self.url("postgres")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://debrief@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        self.run("pg_ctl", "-m", "fast", "-w", "stop", check=False)
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)


def execute(engine: sa.Engine, statements: list[str], autocommit: bool = False,
            **params: Any) -> float:
    """Run `statements` in one transaction (or autocommit); the seconds it took."""
    start = time.perf_counter()
    with (engine.connect().execution_options(isolation_level="AUTOCOMMIT") if autocommit
          else engine.begin()) as c:
        for statement in statements:
            c.execute(sa.text(statement), params)
    return time.perf_counter() - start


def recreate_database(cluster_url: str, name: str) -> None:
    """Drop `name` if it is there and make it again, empty."""
    engine = sa.create_engine(cluster_url)
    try:
        execute(engine, [f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'],
                autocommit=True)
    finally:
        engine.dispose()


def drop_database(cluster_url: str, name: str) -> None:
    engine = sa.create_engine(cluster_url)
    try:
        execute(engine, [f'DROP DATABASE IF EXISTS "{name}"'], autocommit=True)
    finally:
        engine.dispose()


def rename_database(cluster_url: str, name: str, new_name: str) -> None:
    engine = sa.create_engine(cluster_url)
    try:
        execute(engine, [f'ALTER DATABASE "{name}" RENAME TO "{new_name}"'], autocommit=True)
    finally:
        engine.dispose()
