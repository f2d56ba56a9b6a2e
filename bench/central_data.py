"""Debriefs for the central store at company size: bulk fills and batches as the app pushes.

The bulk fills write straight into a migrated database, bypassing `ingest.push`, with
the shape described in docs/scale.md: time-ordered ids over 2 years, the volume per
month doubling from first month to last, about 2.48 reasons per debrief, skewed codes,
segments and competitors. PostgreSQL is filled by SQL (generate_series, bench/scale_sql.py);
SQLite by the same recipe written in Python, with executemany in one transaction. Both
drop the secondary indexes first and make them again after.

A bulk fill leaves whatever the store keeps on write (rollups) behind the raw rows:
`refresh_rollups` recomputes it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bench.postgres import execute
from bench.scale_sql import CODES, FILL_DEBRIEFS, FILL_REASONS, keys
from sync.domain.clock import to_iso
from sync.domain.ids import DebriefIdFactory
from sync.server import rollups, taxonomy_versions
from sync.server.ingest import DEBRIEF_COLUMNS, REASON_COLUMNS

BATCH = 500  # debriefs per push: the route's cap
REASONS_PER_DEBRIEF = 2.48  # on average, as the fills make them
SPAN = timedelta(days=730)
SECONDARY = {"postgresql": "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN "
                           "('debriefs', 'debrief_reasons') AND indexname NOT LIKE 'pk_%'",
             "sqlite": "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                       "tbl_name IN ('debriefs', 'debrief_reasons') AND sql IS NOT NULL"}


def _timed(steps: list[tuple[str, float]], name: str, work: Callable[[], Any]) -> None:
    start = time.perf_counter()
    work()
    steps.append((name, time.perf_counter() - start))


def _secondary_indexes(engine: sa.Engine) -> list[tuple[str, str]]:
    with engine.connect() as c:
        return [tuple(row) for row in c.execute(sa.text(SECONDARY[engine.dialect.name]))]


def fill_postgres(engine: sa.Engine, debriefs: int, reps: int, teams: int, now: datetime,
                  *, people: bool = True) -> list[tuple[str, float]]:
    """Fill with SQL: `teams` teams and `reps` reps (ids 1..reps; with people=False they
    must exist already), `debriefs` debriefs up to `now`, their reasons. Each step's
    seconds. Foreign keys are not checked during the fill (session_replication_role)."""
    indexes = _secondary_indexes(engine)
    setup = ["SET LOCAL session_replication_role = replica", "SELECT setseed(0.42)",
             *(f"DROP INDEX {name}" for name, _ in indexes)]
    rows = ["INSERT INTO teams SELECT t, 'Team '||t, now() FROM generate_series(1,:teams) t",
            "INSERT INTO users SELECT r, 'rep'||r, 'Rep '||r, 'rep', 1+r%:teams, 'x', false, "
            "now() FROM generate_series(1,:reps) r", "SELECT setval('users_id_seq', :reps)",
            "SELECT setval('teams_id_seq', :teams)"] if people else []
    return [(name, took) for name, took in (
        ("teams and reps" if people else "drop secondary indexes",
         execute(engine, setup + rows, reps=reps, teams=teams)),
        (f"{debriefs:,} debriefs", execute(engine, [*setup[:2], FILL_DEBRIEFS], reps=reps,
                                           n=debriefs, start=now - SPAN, span=SPAN)),
        ("reasons", execute(engine, [*setup[:2], FILL_REASONS])),
        ("secondary indexes", execute(engine, [definition for _, definition in indexes])),
        ("vacuum analyze + checkpoint", execute(engine, [
            "VACUUM (ANALYZE) debriefs, debrief_reasons", "CHECKPOINT"], autocommit=True)))]


# --- SQLite: the recipe of FILL_DEBRIEFS and FILL_REASONS, in Python ---------------------

OUTCOMES = ((.40, "lost"), (.65, "won"), (.75, "no_decision"), (.85, "objection"),
            (1.0, "progressed"))
STAGES = ("awareness", "consideration", "interest", "evaluation", "selection")
QUOTE = "They told us the price was the real problem. " * 3
REASON_COUNTS = ((20, 1), (50, 2), (80, 3), (92, 4), (100, 5))  # (hash below, reasons)


def _stamp(moment: datetime) -> str:
    """A naive UTC timestamp as SQLAlchemy stores DateTime on SQLite."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def sqlite_debriefs(debriefs: int, reps: int, now: datetime, seed: int = 42
                    ) -> Iterator[tuple[tuple, list[tuple]]]:
    """Each debrief row, in id order, with its reason rows."""
    rng = random.Random(seed)
    industries, sizes, regions = keys("industries"), keys("company_sizes"), keys("regions")
    start, seconds = (now - SPAN).replace(tzinfo=None), SPAN.total_seconds()
    codes = {True: CODES["win"], False: CODES["loss"]}
    for i in range(1, debriefs + 1):
        made = start + timedelta(seconds=seconds * ((1 + 3 * i / debriefs) ** .5 - 1))
        ms = int((made.replace(tzinfo=UTC).timestamp()) * 1000)
        h, x = f"{ms:012x}", f"{rng.getrandbits(40):010x}"
        rep = 1 + int(reps * rng.random() ** 1.3)
        uo = rng.random()
        outcome = next(name for bound, name in OUTCOMES if uo < bound)
        unknown, ud, uq = rng.random() < .04, rng.random(), rng.random()
        row = (f"{h[:8]}-{h[8:]}-7{x[:3]}-{'89ab'[i % 4]}{x[3:6]}-{x[6:]}{i:08x}", rep,
               1 + int(rng.random() * 3), outcome, STAGES[int(5 * rng.random() ** .7)],
               None if rng.random() < .05 else industries[int(15 * rng.random() ** 2)],
               None if rng.random() < .05 else sizes[int(6 * rng.random() ** 1.5)],
               None if rng.random() < .05 else regions[(rep % 100) % 8], unknown,
               None if rng.random() < .35 else f"Competitor {1 + int(300 * rng.random() ** 3)}",
               None if ud < .3 else str(1000 + int(rng.random() * 250000)),
               None if ud < .3 else "USD" if ud < .7 else "EUR",
               None if rng.random() < .3 else f"OPP-{i}", QUOTE if uq < .05 else None, uq < .05,
               None, None, None, None, None, False,  # no lead facts
               _stamp(made), _stamp(made + timedelta(days=2 * rng.random())),
               rng.random() < .01, _stamp(made + timedelta(days=2, minutes=5)), 0,
               None)  # team_id: set from the rep's team after the fill (refresh_rollups)
        win, hz, hn = outcome in ("won", "progressed"), rng.random(), rng.randrange(100)
        count = 0 if unknown else next(n for bound, n in REASON_COUNTS if hn < bound)
        pool = codes[win]
        reasons = []
        for k in range(count):
            code = pool[(int(len(pool) * hz ** 2.5) + k * 7) % len(pool)]
            detail = (code.get("details") or [{"key": None}])[0]["key"] \
                if rng.random() < .3 else None
            reasons.append((row[0], k, code["key"], detail,
                            "customer_said" if rng.random() < .5 else "my_read", k == 0,
                            None))  # no words: "Other" is never picked (scale_sql.CODES)
        yield row, reasons


def fill_sqlite(engine: sa.Engine, debriefs: int, reps: int, teams: int, now: datetime,
                *, people: bool = True) -> list[tuple[str, float]]:
    """`fill_postgres` for SQLite: the same recipe from Python's random, one transaction."""
    steps: list[tuple[str, float]] = []
    indexes = _secondary_indexes(engine)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
        if people:
            made = _stamp(now.replace(tzinfo=None))
            cursor.executemany("INSERT INTO teams VALUES (?, ?, ?)",
                               [(t, f"Team {t}", made) for t in range(1, teams + 1)])
            cursor.executemany(
                "INSERT INTO users VALUES (?, ?, ?, 'rep', ?, 'x', 0, ?)",
                [(r, f"rep{r}", f"Rep {r}", 1 + r % teams, made) for r in range(1, reps + 1)])
        _timed(steps, f"{debriefs:,} debriefs and their reasons",
               lambda: _insert_debriefs(cursor, debriefs, reps, now))
        _timed(steps, "secondary indexes",
               lambda: [cursor.execute(definition) for _, definition in indexes])
        cursor.execute("COMMIT")
        _timed(steps, "checkpoint", lambda: cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)"))
    finally:
        raw.close()
    return steps


def _insert_debriefs(cursor: Any, debriefs: int, reps: int, now: datetime) -> None:
    insert_debrief = (f"INSERT INTO debriefs ({', '.join(DEBRIEF_COLUMNS)}) "
                      f"VALUES ({', '.join('?' for _ in DEBRIEF_COLUMNS)})")
    insert_reason = (f"INSERT INTO debrief_reasons ({', '.join(REASON_COLUMNS)}) "
                     f"VALUES ({', '.join('?' for _ in REASON_COLUMNS)})")
    rows: list[tuple] = []
    reasons: list[tuple] = []
    for row, its_reasons in sqlite_debriefs(debriefs, reps, now):
        rows.append(row)
        reasons.extend(its_reasons)
        if len(rows) == 50_000:
            cursor.executemany(insert_debrief, rows)
            cursor.executemany(insert_reason, reasons)
            rows, reasons = [], []
    cursor.executemany(insert_debrief, rows)
    cursor.executemany(insert_reason, reasons)


def fill(engine: sa.Engine, debriefs: int, reps: int, teams: int, now: datetime,
         *, people: bool = True) -> list[tuple[str, float]]:
    """The bulk fill for the engine's database: PostgreSQL or SQLite."""
    by_dialect = {"postgresql": fill_postgres, "sqlite": fill_sqlite}
    return by_dialect[engine.dialect.name](engine, debriefs, reps, teams, now, people=people)


def refresh_rollups(engine: sa.Engine) -> bool:
    """Recompute what the store keeps on write (each debrief's team, the reason rollup)
    from the raw rows, after a bulk fill that bypassed `ingest.push`."""
    with engine.begin() as c:
        c.execute(sa.text("UPDATE debriefs SET team_id = "
                          "(SELECT users.team_id FROM users WHERE users.id = debriefs.rep_id)"))
        rollups.rebuild(c, taxonomy_versions.newest(c).codes)
    return True


# --- pushed batches ---------------------------------------------------------------------


def wire_batch(ids: DebriefIdFactory, rng: random.Random, now: datetime) -> list[dict]:
    """BATCH new, valid debriefs as the app pushes them (revision 1, made before `now`)."""
    items = []
    for _ in range(BATCH):
        outcome = rng.choice(["lost", "won", "no_decision", "objection", "progressed"])
        codes = rng.sample(CODES["win" if outcome in ("won", "progressed") else "loss"],
                           rng.randint(1, 4))
        made = to_iso(now - timedelta(minutes=rng.randint(1, 600)))
        items.append({
            "id": ids.new_id(), "revision": 1, "outcome": outcome, "stage": "evaluation",
            "segment": {"industry": rng.choice(keys("industries")),
                        "company_size": rng.choice(keys("company_sizes")),
                        "region": rng.choice(keys("regions"))},
            "reasons": [{"code": c["key"], "detail": None, "evidence": "my_read",
                         "primary": i == 0} for i, c in enumerate(codes)],
            "reasons_unknown": False, "competitor": f"Competitor {rng.randint(1, 300)}",
            "deal_value": "48000", "currency": "EUR", "crm_ref": None, "quote": None,
            "share_quote": False, "created_at": made, "updated_at": made, "deleted": False})
    return items
