"""Saving a debrief with five reasons: `DebriefStore.save` against raw sqlite3 inserts.

Both write to their own database file in one temporary directory, with the same schema
(`prepare` made both) and the same pragmas: WAL, synchronous=FULL, foreign keys on.
The baseline is one transaction holding the debrief row and its five reason rows, and
nothing else: the floor SQLite and the disk set for a durable save.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from bench.figures import Figure, Section, Target, filesystem_of, median, percentile
from desktop.store.database import connect, prepare
from desktop.store.debriefs import DebriefStore
from sync.domain.clock import SteppingClock, to_iso
from sync.domain.debrief import Debrief, Evidence, Outcome, Reason, Segment, Stage
from sync.domain.taxonomy import Taxonomy
from sync.domain.team_lists import TeamLists
from sync.resources import default_contest_rules, default_segments, default_taxonomy

SAVES = 500
BLOCK = 50
WARM_UP_SAVES = 20
REASONS = 5
P99_TARGET_MS = 10.0

COLUMNS = (
    "id", "revision", "rep", "created_at", "updated_at", "outcome", "stage", "industry",
    "company_size", "region", "reasons_unknown", "competitor", "deal_value", "currency",
    "crm_ref", "quote", "share_quote", "private_notes", "account_name", "entries",
    "taxonomy_version", "deleted",
)
INSERT_DEBRIEF = (f"INSERT INTO debrief ({', '.join(COLUMNS)}) "
                  f"VALUES ({', '.join('?' for _ in COLUMNS)})")
INSERT_REASON = ("INSERT INTO reason (debrief_id, position, code, detail, evidence, "
                 "is_primary) VALUES (?, ?, ?, ?, ?, ?)")


def loss_codes(taxonomy: Taxonomy) -> list[str]:
    """Every current code a lost deal may carry (loss or both)."""
    return [c.key for c in taxonomy.plain_codes(Outcome.LOST)]


def lost_debriefs(store: DebriefStore, codes: list[str]) -> Iterator[Debrief]:
    """Valid lost debriefs, each with REASONS distinct codes, the first one primary."""
    stages = itertools.cycle(Stage)
    for number in itertools.count():
        picked = [codes[(number * REASONS + i) % len(codes)] for i in range(REASONS)]
        reasons = tuple(Reason(code, None, Evidence.CUSTOMER_SAID if i == 0 else
                               Evidence.MY_READ, primary=i == 0)
                        for i, code in enumerate(picked))
        yield Debrief(
            id=store.ids.new_id(), rep="bench.rep@example.com", outcome=Outcome.LOST,
            stage=next(stages), segment=Segment("software", "200-999", "dach"),
            reasons=reasons, competitor="Globex", deal_value=Decimal("48000"),
            currency="EUR", crm_ref=f"OPP-{number:06d}", account_name=f"Account {number}",
            quote="They said the price was twice what they had budgeted for.",
        )


def raw_rows(debrief: Debrief, moment: str) -> tuple[tuple, list[tuple]]:
    """The debrief row and reason rows the store would write, made by hand."""
    row = (debrief.id, 1, debrief.rep, moment, moment, debrief.outcome.value,
           debrief.stage.value, debrief.segment.industry, debrief.segment.company_size,
           debrief.segment.region, 0, debrief.competitor, str(debrief.deal_value),
           debrief.currency, debrief.crm_ref, debrief.quote, 0, None, debrief.account_name,
           5, "2026.1", 0)
    reasons = [(debrief.id, i, r.code, r.detail, r.evidence.value, int(r.primary))
               for i, r in enumerate(debrief.reasons)]
    return row, reasons


def raw_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON",
                   "busy_timeout = 5000"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def time_store_save(store: DebriefStore, debrief: Debrief) -> float:
    started = time.perf_counter()
    store.save(debrief)
    return (time.perf_counter() - started) * 1000


def time_raw_insert(conn: sqlite3.Connection, row: tuple, reasons: list[tuple]) -> float:
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(INSERT_DEBRIEF, row)
    conn.executemany(INSERT_REASON, reasons)
    conn.execute("COMMIT")
    return (time.perf_counter() - started) * 1000


def measure(root: Path) -> tuple[list[float], list[float]]:
    """Warm-up, then SAVES of each, in alternating blocks of BLOCK; milliseconds."""
    clock = SteppingClock()
    rules = TeamLists(default_taxonomy(), default_segments(), default_contest_rules())
    ours_path, raw_path = root / "ours.sqlite", root / "raw.sqlite"
    prepare(ours_path, clock)
    prepare(raw_path, clock)
    store = DebriefStore(connect(ours_path), ours_path, clock, rules)
    raw = raw_connection(raw_path)
    debriefs = lost_debriefs(store, loss_codes(rules.taxonomy))
    ways = [(lambda d: time_store_save(store, d), []),
            (lambda d: time_raw_insert(raw, *raw_rows(d, to_iso(clock.now()))), [])]
    try:
        for block in range(-1, SAVES // BLOCK):
            batch = list(itertools.islice(debriefs, WARM_UP_SAVES if block < 0 else BLOCK))
            for save, times in ways if block % 2 == 0 else reversed(ways):
                measured = [save(debrief) for debrief in batch]
                if block >= 0:
                    times.extend(measured)
    finally:
        store.conn.close()
        raw.close()
    return ways[0][1], ways[1][1]


def fsync_ms(root: Path, count: int = 50) -> float:
    """The median time to fsync a 4 KiB append on this disk: the floor under any save."""
    path = root / "fsync-probe"
    times = []
    with path.open("wb") as file:
        for _ in range(count):
            file.write(b"x" * 4096)
            file.flush()
            started = time.perf_counter()
            os.fsync(file.fileno())
            times.append((time.perf_counter() - started) * 1000)
    return median(times)


def run() -> Section:
    with tempfile.TemporaryDirectory(prefix="debrief-bench-save-") as tmp:
        root = Path(tmp)
        where = filesystem_of(root)
        ours, raw = measure(root)
        fsync = fsync_ms(root)
    figures = [
        Figure(f"save, p99 of {len(ours)}", percentile(ours, 0.99), percentile(raw, 0.99),
               "ms", Target(P99_TARGET_MS)),
        Figure(f"save, p50 of {len(ours)}", median(ours), median(raw), "ms"),
        Figure("save, slowest", max(ours), max(raw), "ms"),
    ]
    notes = [
        f"files on {where} (/work is on {filesystem_of(Path('/work'))}); one fsync of a "
        f"4 KiB append there takes {fsync:.2f} ms (median): each commit waits for one",
        f"ours: DebriefStore.save (validate, score, BEGIN IMMEDIATE, select, upsert, "
        f"delete + insert {REASONS} reasons, COMMIT) of a lost debrief with {REASONS} reasons",
        "baseline: BEGIN IMMEDIATE; INSERT debrief; executemany 5 reasons; COMMIT with plain "
        "sqlite3, same schema and pragmas, separate file",
        f"{WARM_UP_SAVES} warm-up saves each, then blocks of {BLOCK} alternating; "
        f"SQLite {sqlite3.sqlite_version}",
    ]
    return Section("2. save a debrief with 5 reasons (synchronous=FULL)", figures, notes)
