"""Aggregates: marketing's reason-code breakdown over the last 6 complete months.

`insights.answer` (min_cell 5, the server's default) over stores bulk filled as
docs/scale.md describes (bench/central_data.py): 10 million reason rows on PostgreSQL
and 1 million on SQLite, kept between runs in .bench-cache/. The period is the 6 whole
UTC months before the month of the newest debrief.

Two lead-list questions as well, collateral by stage and the criteria failed by lead
source, which read the period's debriefs (grouped in the database) rather than the
rollup; the bench stores hold no lead facts, so this is the cost of the scan.

Four named questions: by industry and by competitor with outcome=lost, by stage (no
outcome filter), by month; and the p95 over 50 questions drawn at random (seed fixed)
from every combination the API offers: a dimension to group by, outcomes, and one
dimension narrowed to a value seen in the data. Baseline: a bare `SELECT count(*) FROM
debrief_reasons`, one scan of the reasons, in the same run. Each call gets a connection
of its own, as a request does.

A server keeps what the rule published of each (dimension, month, outcome) until a push
changes that cell (sync/server/published.py), so the 50 questions are timed four ways:

- kept: as a running server answers them, every cell of the period kept (median of
  several calls after a warm-up, which counts any cell not kept yet);
- after a push of one outcome: the largest cell of the newest month of the period
  changed just before each call (its version bumped, as a push of debriefs with that
  outcome does), so that cell is counted again (median of 3);
- after a push of every outcome: every cell of that month changed (a batch holding
  debriefs of every outcome), so the whole month is counted again (median of 3);
- afresh: nothing kept, every cell counted again, as right after the server starts
  (one call each).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime

import sqlalchemy as sa

from bench.central_data import REASONS_PER_DEBRIEF, refresh_rollups
from bench.figures import Figure, Runs, Section, Target, percentile, warm_runs
from bench.filled_stores import Filled, Recipe, cache_lock, filled, postgres_cluster, scaled
from sync.domain.actions import Direction, Kind, Measure, Status
from sync.domain.debrief import Outcome
from sync.server import actions, insights, lead_counts, rollups
from sync.server.code_map import CodeMap
from sync.server.database import make_engine, reading
from sync.server.published import PublishedMonths
from sync.server.tables import reason_rollup

TARGET_MS = 300.0
MIN_CELL = 5
LOST = {"outcomes": frozenset({"lost"})}
QUESTIONS = (("by industry, lost", "industry", LOST),
             ("by competitor, lost", "competitor", LOST),
             ("by stage", "stage", {}),
             ("by month", "month", {}))
# Collateral by stage and criteria by lead source, read from the debriefs themselves
# (sync/server/lead_counts.py), not from the rollup.
LEAD_QUESTIONS = (("collateral", "stage"), ("failed_criteria", "lead_source"))
MONTHS = 6
COUNT_REASONS = sa.text("SELECT count(*) FROM debrief_reasons")
COMBINATIONS = 50
SEED = 22


def _rollups(engine: sa.Engine) -> list[tuple[str, float]]:
    started = time.perf_counter()
    if not refresh_rollups(engine):
        return []
    return [("rollups.rebuild", time.perf_counter() - started)]


def recipe(reason_rows: int, reps: int, teams: int) -> Recipe:
    return Recipe("aggregates", int(reason_rows / REASONS_PER_DEBRIEF), reps, teams,
                  after=_rollups)


def window(engine: sa.Engine) -> tuple[date, date]:
    """The first and last of the MONTHS whole UTC months before the newest debrief's
    month (first days)."""
    with reading(engine) as c:
        newest = c.execute(sa.text("SELECT max(created_at) FROM debriefs")).scalar_one()
    if isinstance(newest, str):  # SQLite hands back the stored text, in UTC
        newest = datetime.fromisoformat(newest)
    newest = newest.replace(tzinfo=UTC) if newest.tzinfo is None else newest.astimezone(UTC)
    months = newest.year * 12 + newest.month - 1
    first_year, first_month = divmod(months - MONTHS, 12)
    last_year, last_month = divmod(months - 1, 12)
    return date(first_year, first_month + 1, 1), date(last_year, last_month + 1, 1)


def _timed(engine: sa.Engine, ask: Callable[[sa.Connection], object]) -> Runs:
    def run() -> None:
        with reading(engine) as c:
            ask(c)
    return warm_runs(run)


def _question(question: insights.Question, answer: list[insights.Group],
              kept: PublishedMonths) -> Callable[[sa.Connection], object]:
    def ask(c: sa.Connection) -> None:
        answer[:] = insights.answer(c, question, kept).groups
    return ask


def _lead_question(kind: str, by: str, first: date, last: date,
                   found: list[lead_counts.LeadCounts]) -> Callable[[sa.Connection], object]:
    def ask(c: sa.Connection) -> None:
        found[:] = [lead_counts.lead_counts(c, kind, by=by, first=first, last=last,
                                            outcomes=frozenset(), min_cell=MIN_CELL)]
    return ask


def _after_push(engine: sa.Engine, question: insights.Question, kept: PublishedMonths,
                outcomes: list[str], calls: int = 3) -> float:
    """The median of `calls` calls, each right after the `outcomes` cells of the
    question's last month changed."""
    took = []
    month = question.last_month
    assert month is not None
    for _ in range(calls):
        with engine.begin() as c:
            rollups.bump_cells(c, [(month, outcome) for outcome in outcomes])
        started = time.perf_counter()
        with reading(engine) as c:
            insights.answer(c, question, kept)
        took.append((time.perf_counter() - started) * 1000)
    return statistics.median(took)


def _cells(engine: sa.Engine, month: date) -> list[str]:
    """The outcomes of `month`'s cells, the largest first."""
    with reading(engine) as c:
        return [outcome for outcome, in c.execute(
            sa.select(reason_rollup.c.outcome).where(
                reason_rollup.c.dimension == rollups.CELLS, reason_rollup.c.month == month,
                reason_rollup.c.code == rollups.ALL)
            .order_by(reason_rollup.c.debriefs.desc(), reason_rollup.c.outcome))]


def _afresh(engine: sa.Engine, question: insights.Question) -> float:
    started = time.perf_counter()
    with reading(engine) as c:
        insights.answer(c, question, PublishedMonths(MIN_CELL))
    return (time.perf_counter() - started) * 1000


def combinations(engine: sa.Engine, first: date, last: date) -> list[insights.Question]:
    """COMBINATIONS questions over the period, drawn with a fixed seed from what the API
    offers; narrowing values are ones the data has."""
    rng = random.Random(SEED)
    values: dict[str, list[str]] = {}
    with reading(engine) as c:
        for dimension in insights.SPLIT_DIMENSIONS:
            values[dimension] = [row[0] for row in c.execute(sa.text(
                "SELECT DISTINCT value FROM reason_rollup WHERE dimension = :d AND "
                "value <> '' ORDER BY value LIMIT 400"), {"d": dimension})]
    outcomes = ["won", "lost", "no_decision", "objection", "progressed"]
    questions = []
    while len(questions) < COMBINATIONS:
        by = rng.choice(insights.DIMENSIONS)
        narrow = None
        if rng.random() < 0.7:
            dimension = by if by in insights.SPLIT_DIMENSIONS else rng.choice(
                insights.SPLIT_DIMENSIONS)
            if values[dimension]:
                narrow = (dimension, frozenset([rng.choice(values[dimension])]))
        chosen = frozenset(rng.sample(outcomes, rng.choice((0, 0, 1, 2))))
        questions.append(insights.Question(by=by, first_month=first, last_month=last,
                                           outcomes=chosen, narrow=narrow,
                                           primary_only=rng.random() < 0.2))
    return questions


def _value_of(engine: sa.Engine, dimension: str) -> str:
    """A stored value of `dimension`: the first in the rollup."""
    with reading(engine) as c:
        return str(c.execute(sa.select(reason_rollup.c.value).where(
            reason_rollup.c.dimension == dimension,
            reason_rollup.c.value != rollups.NOT_GIVEN).limit(1)).scalar_one())


def _actions(engine: sa.Engine, first: date, last: date) -> list[actions.Action]:
    """Four actions made in the period's fourth month against its first three: a loss
    reason for everyone and for one industry, the win rate against one competitor, the
    share ending in no decision at one stage."""
    industry, competitor = _value_of(engine, "industry"), _value_of(engine, "competitor")
    baseline_end, made_in = _plus(first, 2), _plus(first, 3)
    now = datetime(last.year, last.month, 1, tzinfo=UTC)
    return [actions.Action(n, "bench", "bench", last, Status.OPEN, measure,
                           (first, baseline_end), made_in, 1, "bench", now, "bench", now)
            for n, measure in enumerate((
                Measure(Kind.REASON, Outcome.LOST, "price.too_high", None, None,
                        Direction.DOWN),
                Measure(Kind.REASON, Outcome.LOST, "price.too_high", "industry", industry,
                        Direction.DOWN),
                Measure(Kind.WIN_RATE, Outcome.WON, None, "competitor", competitor,
                        Direction.UP),
                Measure(Kind.OUTCOME, Outcome.NO_DECISION, None, "stage", "evaluation",
                        Direction.DOWN)), start=1)]


def _plus(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def _progress(made: list[actions.Action], today: date, kept: PublishedMonths,
              found: list[actions.Progress]) -> Callable[[sa.Connection], object]:
    def ask(c: sa.Connection) -> None:
        found[:] = [actions.progress(c, kept, CodeMap(), action, today) for action in made]
    return ask


def measure(store: Filled, rows: int) -> tuple[list[Figure], list[str]]:
    engine = make_engine(store.url)
    figures, runs = [], {}
    kept = PublishedMonths(MIN_CELL)
    label = f"{store.backend} {rows / 10**6:g}M"
    try:
        first, last = window(engine)
        base = _timed(engine, lambda c: c.execute(COUNT_REASONS).scalar_one())
        for name, by, extra in QUESTIONS:
            answer: list[insights.Group] = []
            question = insights.Question(by=by, first_month=first, last_month=last, **extra)
            timed = _timed(engine, _question(question, answer, kept))
            shown = len(answer)
            assert shown, f"{store.backend}, {name}: no group big enough to show"
            figures.append(Figure(f"{label}: {name}, months kept", timed.median, base.median,
                                  "ms", Target(TARGET_MS)))
            runs.setdefault(timed.describe(), []).append(f"{name} ({shown} groups shown)")
        for kind, by in LEAD_QUESTIONS:
            found: list[lead_counts.LeadCounts] = []
            timed = _timed(engine, _lead_question(kind, by, first, last, found))
            assert found[0].cells, f"{store.backend}, {kind}: no outcome big enough to show"
            figures.append(Figure(f"{label}: {kind} by {by} (read from the debriefs)",
                                  timed.median, base.median, "ms", Target(TARGET_MS)))
            runs.setdefault(timed.describe(), []).append(f"{kind} by {by}")
        made = _actions(engine, first, last)
        progress: list[actions.Progress] = []
        timed = _timed(engine, _progress(made, last, kept, progress))
        assert all(p.before.debriefs or p.before.unsure for p in progress), "no baseline"
        figures.append(Figure(f"{label}: the progress of {len(made)} actions (Actions tab), "
                              "months kept", timed.median, base.median, "ms",
                              Target(TARGET_MS)))
        runs.setdefault(timed.describe(), []).append(
            f"{len(made)} actions: " + ", ".join(p.movement.verdict.value for p in progress))
        asked = combinations(engine, first, last)
        cells = _cells(engine, last)
        ways = {"months kept": [_timed(engine, _question(q, [], kept)).median for q in asked],
                f"a push of {cells[0]} debriefs to the last month just before": [
                    _after_push(engine, q, kept, cells[:1]) for q in asked],
                "a push of every outcome to the last month just before": [
                    _after_push(engine, q, kept, cells) for q in asked],
                "nothing kept (after a start)": [_afresh(engine, q) for q in asked]}
        for way, took in ways.items():
            figures.append(Figure(
                f"{label}: p95 of {COMBINATIONS} random filter combinations, {way}",
                percentile(took, 0.95), base.median, "ms",
                None if way.startswith("nothing") else Target(TARGET_MS)))
            runs[f"{way}: slowest {max(took):.0f} ms, fastest {min(took):.1f} ms"] = [
                f"{COMBINATIONS} combinations (seed {SEED})"]
    finally:
        engine.dispose()
    notes = [store.describe(),
             f"{store.backend}: months {first:%Y-%m} to {last:%Y-%m}; "
             f"count(*): {base.describe()}; " + "; ".join(
                 f"{', '.join(names)}: {how}" for how, names in runs.items())]
    return figures, notes


def run() -> Section:
    figures: list[Figure] = []
    notes: list[str] = []
    pg_rows, sqlite_rows = scaled(10_000_000), scaled(1_000_000)
    with cache_lock():
        with postgres_cluster() as cluster:
            store = filled(recipe(pg_rows, 10_000, 100), cluster)
            more = measure(store, pg_rows)
            figures += more[0]
            notes += more[1]
        store = filled(recipe(sqlite_rows, 1_000, 10))
        more = measure(store, sqlite_rows)
        figures += more[0]
        notes += more[1]
    notes += [
        f"PostgreSQL: {pg_rows:,} reason rows, 10,000 reps in 100 teams; SQLite: "
        f"{sqlite_rows:,} reason rows, 1,000 reps in 10 teams; debriefs = rows / "
        f"{REASONS_PER_DEBRIEF} over 24 months, the last month about 5.5% of them",
        "SQLite is not ANALYZEd (the store never runs it); PostgreSQL is VACUUM ANALYZEd "
        "after the fill, as autovacuum would; both warm-cache",
    ]
    return Section("5. aggregates: reason counts over 6 months", figures, notes)
