"""Ingest: debriefs per second through the push route, against a bare executemany.

Per database (a SQLite file; a database in the benchmarks' PostgreSQL cluster), a fresh
store made by `migrate`, one rep, and a `debrief-server serve` process on it. Each round
stores three batches of BATCH new debriefs, each way once, the order turning every round:

- ours: POST /api/v1/sync/push over HTTP, signed in as the rep; the body is encoded
  before the clock starts, the answer (all accepted) is read before it stops;
- for information: `ingest.push` called directly in this process, in one transaction as
  the route does, to show what HTTP and JSON add;
- baseline: the same rows as the store writes them (debriefs, then debrief_reasons) with
  two `executemany` on the driver's own connection, in one transaction: the least any
  store of these rows costs on this database.

Debriefs per second are BATCH over the median batch time.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa

from bench.central_data import BATCH, DEBRIEF_COLUMNS, REASON_COLUMNS, wire_batch
from bench.figures import Figure, Section, Target, median
from bench.filled_stores import cache_lock, postgres_cluster, quick
from bench.postgres import drop_database, recreate_database
from bench.server_process import add_rep, serving, signed_in
from sync.domain.clock import SystemClock
from sync.domain.ids import DebriefIdFactory
from sync.domain.team_lists import ListDocuments
from sync.server import ingest
from sync.server.accounts import User
from sync.server.database import make_engine, migrate

ROUNDS = 10
WAYS = ("push route", "ingest.push", "executemany")
TARGET_OF_BASELINE = 0.5
REP = "bench.rep"
Way = Callable[[list[dict[str, Any]]], Callable[[], None]]  # a batch -> its timed store


def listed_row(item: dict[str, Any]) -> tuple[Any, ...]:
    """The lead facts of a wire item as the store's columns (none, unless given)."""
    criteria, collateral = item.get("failed_criteria"), item.get("collateral")
    return (item.get("lead_source"), item.get("sales_ready"),
            json.dumps(criteria) if criteria else None,
            json.dumps(collateral) if collateral else None,
            item.get("play") if item.get("share_play") else None, bool(item.get("share_play")))


def _rows(items: list[dict[str, Any]], rep: User, now: datetime, stamp: Callable
          ) -> tuple[list[tuple], list[tuple]]:
    """The debrief and reason rows the store writes for `items`, made by hand."""
    debriefs, reasons = [], []
    for item in items:
        segment = item["segment"]
        debriefs.append((
            item["id"], rep.id, item["revision"], item["outcome"], item["stage"],
            segment["industry"], segment["company_size"], segment["region"],
            item["reasons_unknown"], item["competitor"], item["deal_value"], item["currency"],
            item["crm_ref"], item["quote"], item["share_quote"],
            *listed_row(item),
            stamp(datetime.fromisoformat(item["created_at"])),
            stamp(datetime.fromisoformat(item["updated_at"])), item["deleted"], stamp(now),
            1,  # the change number, which the push also writes
            rep.team_id))
        reasons += [(item["id"], position, reason["code"], reason["detail"],
                     reason["evidence"], reason["primary"], reason.get("words"))
                    for position, reason in enumerate(item["reasons"])]
    return debriefs, reasons


class Bare:
    """The baseline: executemany on the driver's connection, one transaction a batch."""

    def __init__(self, engine: sa.Engine, rep: User) -> None:
        self.sqlite = engine.dialect.name == "sqlite"
        self.raw = engine.raw_connection()  # the engine's pragmas (WAL, synchronous=FULL)
        self.rep = rep
        mark = "?" if self.sqlite else "%s"
        self.statements = [f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                           f"({', '.join(mark for _ in columns)})" for table, columns in
                           (("debriefs", DEBRIEF_COLUMNS), ("debrief_reasons", REASON_COLUMNS))]

    def store(self, items: list[dict[str, Any]]) -> Callable[[], None]:
        def stamp(moment: datetime) -> Any:  # SQLAlchemy's text form on SQLite
            return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") \
                if self.sqlite else moment
        rows = _rows(items, self.rep, datetime.now(UTC), stamp)

        def run() -> None:
            cursor = self.raw.cursor()
            if self.sqlite:  # the engine leaves transactions to us: BEGIN as the store does
                cursor.execute("BEGIN IMMEDIATE")
            for statement, batch in zip(self.statements, rows, strict=True):
                cursor.executemany(statement, batch)
            if self.sqlite:
                cursor.execute("COMMIT")
            else:
                self.raw.commit()
            cursor.close()
        return run

    def close(self) -> None:
        self.raw.close()


def push_route(session: requests.Session, base_url: str) -> Way:
    """POST /api/v1/sync/push of a batch of new debriefs, body encoded beforehand; the
    timed call sends it and checks that every item was accepted (also used by sync.py)."""
    def prepare(items: list[dict[str, Any]]) -> Callable[[], None]:
        body = json.dumps({"debriefs": items}).encode()

        def run() -> None:
            answer = session.post(f"{base_url}/api/v1/sync/push", data=body, timeout=120,
                                  headers={"Content-Type": "application/json"})
            answer.raise_for_status()
            assert answer.json()["accepted"] == len(items), answer.text[:500]
        return run
    return prepare


def _direct(engine: sa.Engine, rep: User) -> Way:
    rules = ListDocuments.shipped().lists

    def prepare(items: list[dict[str, Any]]) -> Callable[[], None]:
        def run() -> None:
            with engine.begin() as c:
                results = ingest.push(c, rep, items, rules, datetime.now(UTC))
            assert all(r.status is ingest.Status.ACCEPTED for r in results), results[0]
        return run
    return prepare


def _rounds(ways: dict[str, Way], rounds: int) -> dict[str, list[float]]:
    """Seconds per batch, each way, after one warm-up round; the order turns each round."""
    rng, ids = random.Random(7), DebriefIdFactory(SystemClock())
    samples: dict[str, list[float]] = {way: [] for way in ways}
    names = list(ways)
    for turn in range(rounds + 1):
        for way in names[turn % 3:] + names[:turn % 3]:
            run = ways[way](wire_batch(ids, rng, datetime.now(UTC)))
            started = time.perf_counter()
            run()
            if turn:
                samples[way].append(time.perf_counter() - started)
    return samples


def measure(url: str, folder: Path, rounds: int) -> dict[str, list[float]]:
    """Seconds per batch of BATCH new debriefs for each of WAYS, into a new store."""
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as c:
        rep = add_rep(c, REP, "Bench team")
    bare = Bare(engine, rep)
    try:
        with serving(url, folder) as base_url:
            ways = dict(zip(WAYS, (push_route(signed_in(base_url, REP), base_url),
                                   _direct(engine, rep), bare.store), strict=True))
            samples = _rounds(ways, rounds)
        with engine.connect() as c:
            stored = c.execute(sa.text("SELECT count(*) FROM debriefs")).scalar_one()
        assert stored == (rounds + 1) * len(WAYS) * BATCH, stored
    finally:
        bare.close()
        engine.dispose()
    return samples


def rate_figures(label: str, samples: dict[str, list[float]]) -> list[Figure]:
    rate = {way: BATCH / median(times) for way, times in samples.items()}
    return [
        Figure(f"{label}: push route (HTTP), debriefs/s", rate["push route"],
               rate["executemany"], "/s", Target(TARGET_OF_BASELINE, of_baseline=True,
                                                  at_least=True)),
        Figure(f"{label}: ingest.push, no HTTP, debriefs/s", rate["ingest.push"],
               rate["executemany"], "/s"),
    ]


def run() -> Section:
    rounds = 3 if quick() else ROUNDS
    result: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="debrief-bench-ingest-") as tmp:
        root = Path(tmp)
        result += rate_figures("SQLite", measure(f"sqlite:///{root / 'central.sqlite'}",
                                            root / "sqlite-server", rounds))
        with cache_lock(), postgres_cluster() as cluster:
            recreate_database(cluster.url("postgres"), "bench_ingest")
            try:
                result += rate_figures("PostgreSQL", measure(cluster.url("bench_ingest"),
                                                        root / "postgres-server", rounds))
            finally:
                drop_database(cluster.url("postgres"), "bench_ingest")
    notes = [
        f"batches of {BATCH} new debriefs (1 to 4 reasons each, about 2.5), into a fresh "
        f"store; {rounds} rounds after a warm-up round, the three ways taking turns; "
        "debriefs/s = batch size / median batch time",
        "ours: POST /api/v1/sync/push to `debrief-server serve` (uvicorn, one process) "
        "on 127.0.0.1, body encoded beforehand; the rep's team runs no contest",
        "baseline: 2 executemany (debriefs, debrief_reasons) on the driver's connection, "
        "one transaction; same database, rows as the store writes them",
        "SQLite: WAL, synchronous=FULL (the store's pragmas); PostgreSQL 15: fsync and "
        "synchronous_commit on, psycopg 3 executemany (pipelined)",
    ]
    return Section("4. ingest: push 500 debriefs a batch", result, notes)
