"""`debrief-server serve` on a free port of 127.0.0.1, and a rep signed in to it over HTTP.

The benchmarks' own copy of what the server tests do (tests/ is not imported from here):
the server runs as its own process, started by the same interpreter from the repo root.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import requests
import sqlalchemy as sa
from argon2 import PasswordHasher

from bench.child import repo_root
from bench.postgres import free_port
from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from sync.server import accounts
from sync.server.accounts import User
from sync.server.passwords import Passwords
from tests.helpers.processes import end_process

START_TIMEOUT_S = 60
PASSWORD = "bench password 1"
# Hashing a bench user's password need not cost what a real one does (64 MiB, 3 passes);
# the server verifies any argon2 hash by the parameters stored in it.
FAST_PASSWORDS = Passwords.with_hasher(PasswordHasher(time_cost=1, memory_cost=8,
                                                      parallelism=1))


def add_rep(connection: sa.Connection, username: str, team: str) -> User:
    """A rep of `team` (made if missing) with PASSWORD."""
    now = datetime.now(UTC)
    if accounts.find_team_id(connection, team) is None:
        accounts.add_team(connection, team, now)
    return accounts.add_user(connection, username=username, password=PASSWORD, role="rep",
                             now=now, passwords=FAST_PASSWORDS, team=team)


@contextlib.contextmanager
def serving(db_url: str, data_dir: Path) -> Iterator[str]:
    """A server on `db_url` while the block runs; its base URL."""
    port = free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "sync.server", "serve", "--db", db_url, "--data-dir",
             str(data_dir), "--host", "127.0.0.1", "--port", str(port)],
            cwd=repo_root(), stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_ready(process, base_url, log)
        yield base_url
    finally:
        end_process(process)


def _wait_ready(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"debrief-server exited ({process.returncode}):\n"
                               f"{log.read_text(errors='replace')[-3000:]}")
        with contextlib.suppress(requests.ConnectionError):
            if requests.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                return
        time.sleep(0.05)
    raise RuntimeError(f"debrief-server did not become ready in {START_TIMEOUT_S} s")


def signed_in(base_url: str, username: str) -> requests.Session:
    """A session speaking the sync protocol, signed in as `username` (PASSWORD)."""
    session = requests.Session()
    session.headers[PROTOCOL_HEADER] = str(PROTOCOL_VERSION)
    answer = session.post(f"{base_url}/api/v1/auth/sign-in", timeout=30,
                          json={"username": username, "password": PASSWORD})
    answer.raise_for_status()
    session.headers["Authorization"] = f"Bearer {answer.json()['token']}"
    return session
