"""Load: 50 clients at once for 30 s, on SQLite and PostgreSQL, with one server process
and with two (`serve --workers 2`): 45 reps' machines pushing and reading, 5 of
marketing asking for insights. No answer is an error, no debrief is lost or stored
twice; latency per kind of request and requests per second are printed (`pytest -s`)
and written to load-<backend>-<workers>.json."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa
from helpers.server_harness import ServerProcess
from helpers.server_world import PASSWORD, People

from sync.domain.clock import SystemClock
from sync.domain.ids import DebriefIdFactory
from sync.protocol import FEED_START, PROTOCOL_HEADER, PROTOCOL_VERSION
from sync.server import accounts
from sync.server.tables import debriefs

DURATION_S = 30
CLIENTS = 50
REPS = 10  # each rep signs in on CLIENTS / REPS machines
MAX_BATCH = 20
PAGE = 50
SEED = 20261102
ANALYSTS = 5  # of the CLIENTS, marketing's: insights only
KINDS = ("push", "re-push", "pull", "contests", "insights")
BY = ("outcome", "stage", "industry", "competitor", "month", "team")


@dataclass
class Client:
    """One rep's machine: its own session and token, and what the server told it."""

    base_url: str
    username: str
    rng: random.Random
    new_debrief: Callable[[], dict[str, Any]]
    session: requests.Session = field(default_factory=requests.Session)
    latencies: dict[str, list[float]] = field(
        default_factory=lambda: {kind: [] for kind in KINDS})
    accepted: set[str] = field(default_factory=set)
    batches: list[list[dict[str, Any]]] = field(default_factory=list)
    pulled: set[str] = field(default_factory=set)
    position: str = FEED_START  # how far it has read the rep's change feed
    errors: list[str] = field(default_factory=list)
    analyst: bool = False  # marketing: asks for insights only

    def sign_in(self) -> None:
        self.session.headers[PROTOCOL_HEADER] = str(PROTOCOL_VERSION)
        answer = self.session.post(f"{self.base_url}/api/v1/auth/sign-in", timeout=60, json={
            "username": self.username, "password": PASSWORD})
        assert answer.status_code == 200, f"HTTP {answer.status_code} {answer.text[:300]}"
        self.session.headers["Authorization"] = f"Bearer {answer.json()['token']}"

    def run(self, start: threading.Barrier, window: dict[str, float]) -> None:
        """Sign in, wait for the others, then push and read until the window closes."""
        try:
            self.sign_in()
        except (AssertionError, requests.RequestException) as error:
            self.errors.append(f"{self.username}: sign-in failed: {error}")
        finally:
            start.wait()
        if "Authorization" not in self.session.headers:
            return  # its sign-in failed (noted); without a token it has nothing to measure
        deadline = window["end"]
        while time.monotonic() < deadline:
            roll = self.rng.random()
            try:
                if self.analyst:
                    self.insights()
                elif roll < 0.45:
                    self.push()
                elif roll < 0.6 and self.batches:
                    self.push(self.rng.choice(self.batches))
                elif roll < 0.85:
                    self.pull()
                else:
                    self.call("contests", "GET", "/api/v1/contests")
            except Exception as error:  # noted (a malformed answer too); the client goes on
                self.errors.append(f"{self.username}: {type(error).__name__}: {error}")

    def call(self, kind: str, method: str, path: str, **kwargs: Any) -> Any:
        """The answer's JSON if it is a 200; otherwise the error is noted."""
        started = time.monotonic()
        answer = self.session.request(method, f"{self.base_url}{path}", timeout=60, **kwargs)
        self.latencies[kind].append(time.monotonic() - started)
        if answer.status_code != 200:
            self.errors.append(f"{kind} {path}: HTTP {answer.status_code} {answer.text[:300]}")
            return None
        return answer.json()

    def insights(self) -> None:
        """A question marketing asks: six months by one dimension, sometimes narrowed."""
        today = datetime.now(UTC)
        first = today.year * 12 + today.month - 6
        params: dict[str, Any] = {"by": self.rng.choice(BY),
                                  "from": f"{first // 12}-{first % 12 + 1:02d}",
                                  "to": f"{today.year}-{today.month:02d}"}
        if self.rng.random() < 0.5:
            params["outcome"] = self.rng.choice(["won", "lost"])
        self.call("insights", "GET", "/api/v1/insights/reasons", params=params)

    def push(self, again: list[dict[str, Any]] | None = None) -> None:
        """A new batch (every item accepted), or one already pushed (every item a
        duplicate, as when the answer to the first push was lost)."""
        batch = again or [self.new_debrief() for _ in range(self.rng.randint(1, MAX_BATCH))]
        answer = self.call("re-push" if again else "push", "POST", "/api/v1/sync/push",
                           json={"debriefs": batch})
        if answer is None:
            return
        expected = "duplicate" if again else "accepted"
        results = [(r["id"], r["status"]) for r in answer["results"]]
        if results != [(d["id"], expected) for d in batch]:
            self.errors.append(f"push of {len(batch)} ({expected} expected): {results}")
        self.accepted.update(i for i, status in results if status == "accepted")
        if not again and all(status == "accepted" for _, status in results):
            self.batches.append(batch)

    def pull(self) -> None:
        """Up to three pages of the rep's change feed from where this machine stopped,
        as a second machine reads them."""
        for _ in range(self.rng.randint(1, 3)):
            query = f"?limit={PAGE}&since={self.position}"
            page = self.call("pull", "GET", f"/api/v1/sync/debriefs{query}")
            if page is None:
                return
            self.pulled.update(item["id"] for item in page["items"])
            self.position = page["next_since"]
            if not page["more"]:
                return


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def figures(clients: list[Client], seconds: float) -> dict[str, Any]:
    by_kind = {kind: [x for c in clients for x in c.latencies[kind]] for kind in KINDS}
    total = sum(len(values) for values in by_kind.values())
    return {
        "clients": len(clients), "seconds": round(seconds, 1), "requests": total,
        "requests_per_s": round(total / seconds, 1),
        "debriefs_accepted": sum(len(c.accepted) for c in clients),
        "latency_ms": {kind: {"count": len(values), **{
            name: round(1000 * percentile(values, share), 1)
            for name, share in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99))}}
            for kind, values in by_kind.items()},
    }


def show(backend: str, result: dict[str, Any], path: Path) -> None:
    lines = [f"\nload on {backend}: {result['clients']} clients, {result['seconds']} s, "
             f"{result['requests']} requests, {result['requests_per_s']} requests/s, "
             f"{result['debriefs_accepted']} debriefs accepted ({path})",
             f"  {'kind':<10}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"]
    for kind, row in result["latency_ms"].items():
        lines.append(f"  {kind:<10}{row['count']:>7}{row['p50']:>9}{row['p95']:>9}"
                     f"{row['p99']:>9}")
    print("\n".join(lines), flush=True)


def stored_ids(engine: sa.Engine, usernames: list[str]) -> tuple[list[str], dict[str, str]]:
    """Every stored row of these reps (duplicates would show twice), and whose each is."""
    with engine.connect() as connection:
        users = {accounts.find_user(connection, name).id: name  # type: ignore[union-attr]
                 for name in usernames}
        rows = connection.execute(sa.select(debriefs.c.id, debriefs.c.rep_id).where(
            debriefs.c.rep_id.in_(list(users)))).all()
    return [row.id for row in rows], {row.id: users[row.rep_id] for row in rows}


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_fifty_clients_push_and_read_for_thirty_seconds(
        server: ServerProcess, backend: str, engine: sa.Engine, people: People,
        new_debrief: Callable[..., dict[str, Any]], tmp_path: Path, workers: int):
    served = server if workers == 1 else ServerProcess(
        server.db_url, tmp_path / "workers", options=("--workers", str(workers))).start()
    try:
        run_load(served, backend, engine, people, new_debrief, tmp_path, workers)
    finally:
        if served is not server:
            served.stop()


def run_load(server: ServerProcess, backend: str, engine: sa.Engine, people: People,
             new_debrief: Callable[..., dict[str, Any]], tmp_path: Path,
             workers: int) -> None:
    reps = [people.add("rep") for _ in range(REPS)]
    analysts = [people.add("marketing") for _ in range(ANALYSTS)]
    template, ids = new_debrief(), DebriefIdFactory(SystemClock())
    clients = [Client(server.base_url, reps[i % REPS], random.Random(SEED + i),
                      lambda: {**template, "id": ids.new_id()})
               for i in range(CLIENTS - ANALYSTS)]
    clients += [Client(server.base_url, name, random.Random(SEED - i),
                       lambda: {**template, "id": ids.new_id()}, analyst=True)
                for i, name in enumerate(analysts)]
    window: dict[str, float] = {}

    def open_window() -> None:  # run once, when every client has signed in
        window["start"] = time.monotonic()
        window["end"] = window["start"] + DURATION_S

    start = threading.Barrier(CLIENTS, action=open_window)
    threads = [threading.Thread(target=c.run, args=(start, window)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DURATION_S + 180)
    seconds = time.monotonic() - window["start"]
    assert not any(thread.is_alive() for thread in threads), "a client hung"

    result = figures(clients, seconds)
    path = tmp_path / f"load-{backend}-{workers}.json"
    path.write_text(json.dumps({**result, "backend": backend, "workers": workers,
                                "at": datetime.now(UTC).isoformat()}, indent=2))
    show(f"{backend}, {workers} worker{'s' if workers > 1 else ''}", result, path)

    found = problems(clients, *stored_ids(engine, reps))
    assert not found, "\n".join(found)
    assert all(result["latency_ms"][kind]["count"] > 0 for kind in KINDS)


def problems(clients: list[Client], rows: list[str], owner: dict[str, str]) -> list[str]:
    """Everything that went wrong, at once: error answers, lost or doubled debriefs, a
    rep reading someone else's."""
    errors = [error for c in clients for error in c.errors]
    found = [f"{len(errors)} error answers, the first ones:", *errors[:15]] if errors else []
    accepted = {i for c in clients for i in c.accepted}
    if len(rows) != len(set(rows)):
        found.append(f"{len(rows) - len(set(rows))} debriefs stored twice")
    if set(rows) != accepted:
        found.append(f"the server stores {len(set(rows))} of these reps' debriefs, the "
                     f"clients saw {len(accepted)} accepted: {len(accepted - set(rows))} "
                     f"lost, {len(set(rows) - accepted)} stored but never accepted")
    found += [f"{c.username} pulled debriefs that are not theirs" for c in clients
              if not c.analyst and {owner.get(i) for i in c.pulled} - {c.username}]
    return found
