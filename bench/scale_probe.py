"""Scale probe for the central store on PostgreSQL: reason counts and push at company size.

Fills a migrated database with SQL (generate_series, not HTTP; see bench/scale_sql.py):
10,000 reps in 100 teams, time-ordered debriefs over 24 months, about 2.5 reasons each
(skewed codes, segments, competitors). Then, median of --repeat runs after a warm-up:

- `insights.reason_counts` for four questions, beside a bare count(*) of debrief_reasons;
- the same questions answered from prototypes (raw tables without count(DISTINCT),
  reason_facts, a widened debrief_reasons, a monthly cube), each answer checked against
  `insights.reason_counts`;
- `ingest.push` in batches of 500 (new debriefs, then the same as edits): on an empty
  database, on the big one, and on the big one keeping each prototype current; the
  settings take turns, batch by batch, so that drift hits them alike.

It starts its own PostgreSQL (initdb/pg_ctl, fsync on) unless --db names one (a superuser,
who may also create the database debrief_probe_empty for the empty baseline). Progress
goes to stderr; the EXPLAIN plans and the table of figures to stdout. docs/scale.md reads
the figures.

    python bench/scale_probe.py --rows 10000000              # about 25 min on 2 cores
    python bench/scale_probe.py --rows 200000 --repeat 1 --batches 2    # a quick look
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

# Run as a script (`python bench/scale_probe.py`, as docs/scale.md says), not through
# `python -m bench`: the repo root that holds bench/ goes on the path first.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.central_data import (
    BATCH,
    REASONS_PER_DEBRIEF,
    fill_postgres,
    refresh_rollups,
    wire_batch,
)
from bench.figures import machine_line
from bench.postgres import PG_SETTINGS, Cluster, execute
from bench.scale_sql import (
    CLEANUP,
    DIM_LIST,
    DIMS,
    PROTOTYPES,
    SOURCES,
    TRIGGERS,
)
from sync.domain.clock import SystemClock, to_iso
from sync.domain.ids import DebriefIdFactory
from sync.domain.team_lists import ListDocuments
from sync.server import ingest, insights
from sync.server.accounts import User
from sync.server.database import make_engine, migrate


def sizes(engine: sa.Engine, tables: tuple[str, ...]) -> list[tuple]:
    """Each table's heap (with TOAST) and each of its indexes, in MB."""
    with engine.connect() as c:
        rows = c.execute(sa.text(
            "SELECT c.relname, c.relkind, c.reltuples::bigint, CASE WHEN c.relkind = 'i' "
            "THEN pg_relation_size(c.oid) ELSE pg_table_size(c.oid) END FROM pg_class c "
            "LEFT JOIN pg_index i ON i.indexrelid = c.oid JOIN pg_class t ON t.oid = "
            "coalesce(i.indrelid, c.oid) WHERE t.relname = ANY(:t) "
            "ORDER BY t.relname, c.relkind DESC, c.relname"), {"t": list(tables)}).all()
    return [(f"size: {name} ({tuples:,} rows)" if kind != "i" else f"size:   index {name}",
             size / 2**20, "MB") for name, kind, tuples, size in rows]


def median_s(repeat: int, run: Callable[..., Any], *args: Any, **kwargs: Any
             ) -> tuple[float, Any]:
    result = run(*args, **kwargs)  # warm-up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = run(*args, **kwargs)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


def questions(now: datetime) -> list[tuple[str, str, insights.Filters]]:
    def month(back: int) -> datetime:
        y, m = divmod(now.year * 12 + now.month - 1 - back, 12)
        return datetime(y, m + 1, 1, tzinfo=UTC)
    return [("by industry, all time", "industry", insights.Filters()),
            ("by month, last 12 months", "month", insights.Filters(since=month(11))),
            ("by competitor, outcome=lost", "competitor", insights.Filters(outcome="lost")),
            ("by stage, one month", "stage", insights.Filters(since=month(1), until=month(0)))]


def counts_via(source: str) -> Callable[..., tuple[list[insights.Group], int | None]]:
    """reason_counts answered from a prototype (see SOURCES; the cube takes month-aligned
    periods only). At least MIN_REPS (2) reps is min(rep) <> max(rep), which adds up
    across cells where count(DISTINCT rep) does not."""
    n, lo, hi = ("sum(debriefs)::bigint", "min(min_rep)", "max(max_rep)") if source == "cube" \
        else ("count(*)", "min(rep_id)", "max(rep_id)")
    stamp = "created_at" if source == "raw" else "month"

    def where(filters: insights.Filters, column: str, params: dict[str, Any]) -> str:
        parts = [f"{name} = :{name}" for name in DIMS if getattr(filters, name) is not None]
        params.update({name: getattr(filters, name) for name in DIMS})
        for bound, op in (("since", ">="), ("until", "<")):
            if getattr(filters, bound) is not None:
                parts.append(f"{column} {op} :{bound}")
                value = getattr(filters, bound)
                params[bound] = value.date() if column == "month" else value
        return " AND ".join(parts or ["true"])

    def run(c: sa.Connection, by: str, filters: insights.Filters, *, min_cell: int,
            offset: int, limit: int) -> tuple[list[insights.Group], int | None]:
        def dim(column: str) -> str:
            if by in DIMS:
                return by
            return (f"date_trunc('{by}', {column})" if column == "month" else
                    f"date_trunc('{by}', timezone('UTC', {column}))")
        fmt = {"month": "to_char(value, 'YYYY-MM')",
               "quarter": "to_char(value, 'YYYY-\"Q\"Q')"}.get(by, "value")
        params: dict[str, Any] = {"offset": offset, "limit": limit + 1, "min_cell": min_cell}
        rows = c.execute(sa.text(
            f"SELECT {fmt} AS value, n FROM (SELECT {dim('created_at')} "
            "AS value, count(*) AS n, min(rep_id) AS lo, max(rep_id) AS hi FROM debriefs "
            f"WHERE NOT deleted AND {where(filters, 'created_at', params)} GROUP BY 1) g "
            "WHERE n >= :min_cell AND lo <> hi "
            "ORDER BY value NULLS LAST OFFSET :offset LIMIT :limit"), params).all()
        page = rows[:limit]
        shown = {r.value: r for r in page}
        cells: dict[Any, list[insights.Cell]] = {value: [] for value in shown}
        if shown:
            params = {}
            cond = where(filters, "month" if source == "cube" else "created_at", params)
            if source == "wide":
                cond += " AND NOT deleted AND " + (
                    "is_primary" if filters.primary_only else "first_of_code")
            elif filters.primary_only:
                cond += " AND is_primary"
            if by in DIMS:  # only the groups on this page
                params["shown"] = [v for v in shown if v is not None]
                cond += f" AND ({by} = ANY(:shown){f' OR {by} IS NULL' if None in shown else ''})"
            for r in c.execute(sa.text(
                    f"SELECT {fmt} AS value, code, n, lo <> hi AS reps_ok FROM (SELECT "
                    f"{dim(stamp)} AS value, code, {n} AS n, {lo} AS lo, {hi} AS hi FROM "
                    f"{SOURCES[source]} WHERE {cond} GROUP BY 1, 2) c"), params):
                if r.value in shown and r.n >= min_cell and r.reps_ok:
                    cells[r.value].append(insights.Cell(r.code, r.n,
                                                        round(r.n / shown[r.value].n, 4)))
        groups = [insights.Group(r.value, r.n, tuple(sorted(
            cells[r.value], key=lambda x: (-x.debriefs, x.code)))) for r in page]
        return groups, (offset + limit if len(rows) > limit else None)
    return run


PUSH_SETTINGS = (("empty database", ()), ("big database", ()),
                 ("big + reason_facts triggers", ("reason_facts_add", "reason_facts_drop")),
                 ("big + widened debrief_reasons", ("reasons_widen",)))


def push_rates(big: sa.Engine, empty: sa.Engine, rounds: int) -> list[tuple]:
    """Debriefs/s for batches of 500 new debriefs, then the same as edits (revision 2), one
    batch per setting per round, the settings interleaved so that drift hits them alike."""
    rules, rng, reps = ListDocuments.shipped().lists, random.Random(1), {}
    ids = DebriefIdFactory(SystemClock())
    for engine in (big, empty):
        with engine.begin() as c:
            reps[engine] = c.execute(sa.text("SELECT min(id) FROM users")).scalar() or \
                c.execute(sa.text("INSERT INTO users (username, display_name, role, "
                                  "password_hash, disabled, created_at) VALUES ('rep1', 'Rep',"
                                  " 'rep', 'x', false, now()) RETURNING id")).scalar_one()
    samples: dict[str, list[float]] = {}
    for turn in range(rounds + 1):  # the first round warms up
        for label, triggers in PUSH_SETTINGS:
            engine = empty if label.startswith("empty") else big
            if engine is big:
                with big.begin() as c:
                    c.execute(sa.text("ALTER TABLE debrief_reasons DISABLE TRIGGER USER"))
                    for trigger in triggers:
                        c.execute(sa.text(f"ALTER TABLE debrief_reasons ENABLE TRIGGER {trigger}"))
            rep = User(reps[engine], f"rep{reps[engine]}", "Rep", "rep", None, False)
            now = datetime.now(UTC)
            items = wire_batch(ids, rng, now)
            edits = [{**item, "revision": 2, "updated_at": to_iso(now)} for item in items]
            for kind, batch in (("new", items), ("edits", edits)):
                start = time.perf_counter()
                with engine.begin() as c:
                    results = ingest.push(c, rep, batch, rules, now)
                if turn:
                    samples.setdefault(f"push {kind}, {label}", []).append(
                        time.perf_counter() - start)
                assert all(r.status is ingest.Status.ACCEPTED for r in results), results[0]
    return [(name, BATCH / statistics.median(s), "debriefs/s") for name, s in samples.items()]


def explain(c: sa.Connection, title: str, run: Callable[..., Any], by: str,
            filters: insights.Filters) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of each statement one call of `run` makes."""
    statements: list[tuple[str, Any]] = []

    def spy(*event: Any) -> None:
        statements.append(event[2:4])
    sa.event.listen(c, "before_cursor_execute", spy)
    run(c, by, filters, min_cell=5, offset=0, limit=100)
    sa.event.remove(c, "before_cursor_execute", spy)
    lines = [f"=== EXPLAIN (ANALYZE, BUFFERS): {title}"]
    for statement, params in statements:
        lines += [row[0] for row in c.exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS) " + statement, params)] + [""]
    return lines


def note(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def probe(url: str, args: argparse.Namespace) -> tuple[list[tuple], list[str], str]:
    engine, figures, plans = make_engine(url), [], []
    execute(engine, ["DROP DATABASE IF EXISTS debrief_probe_empty",
                     "CREATE DATABASE debrief_probe_empty"], autocommit=True)
    empty = make_engine(sa.make_url(url).set(database="debrief_probe_empty"))
    migrate(empty)
    if args.reuse:
        execute(engine, CLEANUP)
    else:
        migrate(engine)
        note(f"filling ({args.rows:,} reason rows)")
        figures += [(f"fill: {name}", took, "s") for name, took in fill_postgres(
            engine, int(args.rows / REASONS_PER_DEBRIEF), args.reps, 100, datetime.now(UTC))]
        start = time.perf_counter()
        if refresh_rollups(engine):  # the fill went around ingest.push
            figures.append(("fill: rollups.rebuild", time.perf_counter() - start, "s"))
    figures += sizes(engine, ("debriefs", "debrief_reasons"))
    page, expected, slowest = {"min_cell": 5, "offset": 0, "limit": 100}, {}, (0.0, 0)
    with engine.connect() as c:
        version = c.execute(sa.text("SHOW server_version")).scalar()
        asked = questions(c.execute(sa.text("SELECT max(created_at) FROM debriefs")).scalar())
        base, _ = median_s(args.repeat, c.execute, sa.text("SELECT count(*) FROM debrief_reasons"))
        figures.append(("baseline: SELECT count(*) FROM debrief_reasons", base, "s"))
        for i, (name, by, filters) in enumerate(asked):
            note(f"reason_counts {name}")
            took, expected[name] = median_s(args.repeat, insights.reason_counts, c, by,
                                            filters, **page)
            figures.append((f"reason_counts (current code), {name}", took, "s", base))
            slowest = max(slowest, (took, i))
        plans += explain(c, f"current code, {asked[slowest[1]][0]}", insights.reason_counts,
                         *asked[slowest[1]][1:])
    for name, statements in PROTOTYPES.items():
        note(f"building {name}")
        figures.append((f"build {name}", execute(engine, statements), "s"))
    execute(engine, ["VACUUM (ANALYZE) reason_facts, reasons_wide, reason_cube", "CHECKPOINT"],
            autocommit=True)
    with engine.connect() as c:
        start = time.perf_counter()
        per_rep = c.execute(sa.text(f"SELECT count(*) FROM (SELECT DISTINCT month, {DIM_LIST}, "
                                    "code, is_primary, rep_id FROM reason_facts) s")).scalar()
        figures.append((f"count rows of a per-(cell, rep) monthly rollup: {per_rep:,}",
                        time.perf_counter() - start, "s"))
    figures += sizes(engine, ("reason_facts", "reasons_wide", "reason_cube"))
    for source in SOURCES:
        with engine.connect() as c:
            for name, by, filters in asked:
                note(f"{source}: {name}")
                took, got = median_s(args.repeat, counts_via(source), c, by, filters, **page)
                same = "same answer" if got == expected[name] else "DIFFERENT ANSWER"
                figures.append((f"{source}: {name} ({same})", took, "s", base))
            if source in ("facts", "wide"):
                plans += explain(c, f"{source}, {asked[0][0]}", counts_via(source), *asked[0][1:])
    note("push")
    execute(engine, TRIGGERS)
    figures += push_rates(engine, empty, args.batches)
    with engine.connect() as c:
        figures.append(("check: reason rows the widening trigger filled", c.execute(sa.text(
            "SELECT count(*) FROM debrief_reasons WHERE created_at IS NOT NULL")).scalar(), "rows"))
        figures.append(("check: reason_facts rows", c.execute(sa.text(
            "SELECT count(*) FROM reason_facts")).scalar(), "rows"))
    execute(engine, CLEANUP)
    empty.dispose()
    execute(engine, ["DROP DATABASE debrief_probe_empty"], autocommit=True)
    engine.dispose()
    return figures, plans, version


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="reason rows to make")
    parser.add_argument("--reps", type=int, default=10_000)
    parser.add_argument("--db", help="a PostgreSQL URL to use instead of starting one")
    parser.add_argument("--reuse", action="store_true", help="--db is filled: do not fill")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs after a warm-up")
    parser.add_argument("--batches", type=int, default=10, help="push rounds (batches of 500)")
    args = parser.parse_args()
    cluster = None if args.db else Cluster()
    try:
        figures, plans, version = probe(args.db or cluster.start(), args)  # type: ignore[union-attr]
    finally:
        if cluster:
            cluster.stop()
    print("\n".join(plans))
    print(f"{machine_line()}; PostgreSQL {version} with {', '.join(PG_SETTINGS)}")
    print(f"{'figure':<78} {'value':>10}  unit        x baseline")
    for name, value, unit, *base in figures:
        ratio = f"{value / base[0]:8.1f}x" if base else ""
        print(f"{name:<78} {value:>10.3f}  {unit:<11} {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
