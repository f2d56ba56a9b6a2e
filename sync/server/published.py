"""What the suppression rule publishes of each cell, kept while the cell is unchanged.

Every insight is a sum of what sync.domain.disclosure publishes of whole months, one
dimension at a time (sync.server.insights). Within a month, what the rule publishes of
a cell (an outcome: its codes, details and pieces) depends only on that cell's rollup
rows, given the cell is shown; whether it is shown depends on the tallies of the
month's cells alone (disclosure.publish_cell, shown_month). A cell's rows change only
when a push touches it, which gives the cell a new version in `rollup_cells`
(sync.server.rollups). So a question reads the versions of its months' cells (one
small read), applies the rule only to the cells whose version moved or that are not
kept yet, and puts each month together from kept cells.

A month is always put together from one state of the store: the read of the cells
counted again also reads every version of the period, in the same statement; a kept
cell whose version moved meanwhile is counted again in another round, and after
ROUNDS rounds every cell of the period is read in one statement.

Each server process keeps its own cells (up to `keep` of them, the least recently used
dropped first); they are made by the app factory, never at import.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from sync.domain.disclosure import (
    Cell,
    MonthCounts,
    Rule,
    ShownCell,
    ShownMonth,
    Tally,
    publish_cell,
    shown_month,
)
from sync.server import rollups
from sync.server.tables import reason_rollup, rollup_cells

# Seven dimensions (and the cells alone) over three years, five outcomes each, counted
# two ways (any reason, main reason only), is 2,520 cells; 3,000 hold what 300 whole
# months did. Every cell of the 1 M-row bench store (1,750) took 28 MiB; a 10 M-row
# store's cells are larger.
KEEP_CELLS = 3_000
ROUNDS = 3  # reads of changed cells before reading the whole period at once

CellKey = tuple[date, Cell]  # (month, outcome)


@dataclass(frozen=True)
class Kept:
    version: int
    tally: Tally  # the cell's debriefs (none: all left or were deleted)
    shown: ShownCell | None  # what it shows if its month shows it; None: never


class PublishedMonths:
    """The rule (`min_cell`) applied to cells of the rollup, kept per (dimension,
    month, outcome) while the cell's version holds. Safe to share between a server's
    threads."""

    def __init__(self, min_cell: int, *, keep: int = KEEP_CELLS) -> None:
        self.rule = Rule(min_cell)
        self.keep = keep
        self._cells: OrderedDict[tuple[str, bool, date, Cell], Kept] = OrderedDict()
        self._lock = threading.Lock()
        self.counted = 0  # cells the rule was applied to, for tests and benchmarks

    @property
    def min_cell(self) -> int:
        return self.rule.min_debriefs

    def months(self, connection: sa.Connection, dimension: str | None,
               first: date | None, last: date | None, primary: bool = False
               ) -> dict[date, ShownMonth]:
        """What the rule shows of each month from `first` to `last` (open ends: every
        month), with the pieces of `dimension` (None: the cells alone), counting each
        code as any reason (or, with `primary`, as the main reason only: the rule
        treats the two apart, so each is kept apart and read alone)."""
        family = (dimension or rollups.CELLS, primary)
        versions = _versions(connection, first, last)
        cells: dict[CellKey, Kept] = {}
        for round_ in range(ROUNDS + 1):
            stale = self._take(family, versions, cells)
            if not stale:
                break
            whole = round_ == ROUNDS  # still moving: read the whole period at once
            counted, versions = month_counts(connection, dimension, None if whole else stale,
                                             self.rule, first, last, primary)
            if whole:
                stale, cells = list(versions), {}
            fresh = {key: self._counted(counted.get(key, MonthCounts()), key[1],
                                        versions[key])
                     for key in stale if key in versions}
            self._keep(family, fresh)
            cells.update(fresh)
        by_month: dict[date, dict[Cell, Kept]] = {}
        for (month, cell), kept in sorted(cells.items()):
            by_month.setdefault(month, {})[cell] = kept
        found = {}
        for month, kept in by_month.items():
            tallies = {cell: k.tally for cell, k in kept.items() if k.tally.debriefs}
            if tallies:  # a month whose debriefs all left or were deleted is none
                found[month] = shown_month(self.rule, tallies,
                                           {cell: k.shown for cell, k in kept.items()})
        return found

    def _counted(self, month: MonthCounts, cell: Cell, version: int) -> Kept:
        return Kept(version, month.cells.get(cell, Tally()),
                    publish_cell(self.rule, month, cell))

    def _take(self, family: tuple[str, bool], versions: dict[CellKey, int],
              cells: dict[CellKey, Kept]) -> list[CellKey]:
        """Put in `cells` the kept cells whose version holds (dropping those whose
        version moved); return the cells to count (again)."""
        stale = []
        with self._lock:
            for key, version in versions.items():
                had = cells.get(key)
                if had is not None and had.version == version:
                    continue
                kept = self._cells.get((*family, *key))
                if kept is not None and kept.version == version:
                    self._cells.move_to_end((*family, *key))
                    cells[key] = kept
                else:
                    cells.pop(key, None)
                    stale.append(key)
        for key in set(cells) - set(versions):
            del cells[key]  # its versions row is gone
        return sorted(stale)

    def _keep(self, family: tuple[str, bool], fresh: dict[CellKey, Kept]) -> None:
        with self._lock:
            for key, kept in fresh.items():
                # Another thread may have kept another count meanwhile: versions are not
                # ordered, so the last one kept stays, and if it is older the next
                # question finds its version moved and counts again.
                self._cells[(*family, *key)] = kept
                self._cells.move_to_end((*family, *key))
            self.counted += len(fresh)
            while len(self._cells) > self.keep:
                self._cells.popitem(last=False)


def _period(column: Any, first: date | None, last: date | None) -> list[Any]:
    where = []
    if first is not None:
        where.append(column >= first)
    if last is not None:
        where.append(column <= last)
    return where


def _versions(connection: sa.Connection, first: date | None, last: date | None
              ) -> dict[CellKey, int]:
    table = rollup_cells.c
    query = sa.select(table.month, table.outcome, table.version).where(
        *_period(table.month, first, last))
    return {(rollups.as_date(month), outcome): int(version)
            for month, outcome, version in connection.execute(query)}


CELL, PIECE, SMALL, DETAIL, VERSION = 0, 1, 2, 3, 4  # the kinds of row month_counts reads


def month_counts(connection: sa.Connection, dimension: str | None,
                 cells: Iterable[CellKey] | None, rule: Rule, first: date | None,
                 last: date | None, primary: bool = False
                 ) -> tuple[dict[CellKey, MonthCounts], dict[CellKey, int]]:
    """What the rule needs of each of `cells` (None: every cell from `first` to
    `last`), apart: their tallies and code counts; and the pieces of `dimension`, the pieces
    too small to show added up per cell and code, or with no dimension the cells' code
    counts split by detail. Codes count as any reason, or with `primary` as the main
    reason only. With them, the version of every cell from `first` to `last`.

    One statement reads them all, so they come from one snapshot of the rollup even
    while pushes commit (PostgreSQL gives each statement of a read-committed
    transaction its own): the pieces always add up to their cells, and each cell's
    counts are those of its version."""
    table = reason_rollup.c
    if cells is None:
        chosen = _period(table.month, first, last)
    else:  # the months and outcomes of `cells`, which the index answers well
        cells = set(cells)
        chosen = [table.month.in_(sorted({month for month, _ in cells})),
                  table.outcome.in_(sorted({outcome for _, outcome in cells}))]
    # The whole counts (code '', never primary) and the codes counted the way asked.
    chosen.append(sa.or_(table.code == rollups.ALL, table.is_primary.is_(True)) if primary
                  else table.is_primary.is_(False))
    tally = (table.debriefs.label("debriefs"), table.rep_lo.label("rep_lo"),
             table.rep_hi.label("rep_hi"))
    nothing = sa.literal(rollups.NOT_GIVEN, sa.String).label("value")
    versions = rollup_cells.c
    parts = [sa.select(sa.literal(VERSION).label("kind"), versions.month, versions.outcome,
                       nothing, sa.literal(rollups.ALL, sa.String), sa.literal(False),
                       versions.version, sa.null(), sa.null())
             .where(*_period(versions.month, first, last)),
             sa.select(sa.literal(CELL).label("kind"), table.month, table.outcome, nothing,
                       table.code, table.is_primary, *tally)
             .where(table.dimension == rollups.CELLS, *chosen)]
    if dimension is None:  # details are answered only with the cells alone
        parts.append(sa.select(sa.literal(DETAIL).label("kind"), table.month, table.outcome,
                               table.value, table.code, table.is_primary, *tally)
                     .where(table.dimension == rollups.DETAILS, *chosen))
    else:
        where = [table.dimension == dimension, *chosen]
        safe = sa.and_(table.debriefs >= max(rule.min_debriefs, 1),
                       table.rep_lo != table.rep_hi)
        grouped = (table.month, table.outcome, table.code, table.is_primary)
        parts += [
            sa.select(sa.literal(PIECE).label("kind"), table.month, table.outcome,
                      table.value, table.code, table.is_primary, *tally).where(*where, safe),
            sa.select(sa.literal(SMALL).label("kind"), table.month, table.outcome, nothing,
                      table.code, table.is_primary,
                      sa.func.sum(table.debriefs).label("debriefs"),
                      sa.func.min(table.rep_lo).label("rep_lo"),
                      sa.func.max(table.rep_hi).label("rep_hi"))
            .where(*where, sa.not_(safe)).group_by(*grouped)]
    if connection.dialect.name == "postgresql":
        # Compiling this statement (PostgreSQL's JIT, which its cost estimate calls
        # for at 10 M rows) takes longer than running it: 20 to 40 ms of about 200.
        connection.exec_driver_sql("SET LOCAL jit = off")
    found: dict[CellKey, MonthCounts] = {}
    found_versions: dict[CellKey, int] = {}
    by_text: dict[Any, MonthCounts] = {}  # (the month as the driver gives it, outcome)
    for kind, month, cell, value, code, primary, debriefs, rep_lo, rep_hi in \
            connection.execute(sa.union_all(*parts)).all():
        if kind == VERSION:
            found_versions[rollups.as_date(month), cell] = int(debriefs)
            continue
        counts = by_text.get((month, cell))
        if counts is None:
            counts = by_text[month, cell] = MonthCounts()
            key = rollups.as_date(month), cell
            if cells is None or key in cells:  # else read beside those asked: dropped
                found[key] = counts
        tally, key = Tally(debriefs, rep_lo, rep_hi), (code, bool(primary))
        whole = code == rollups.ALL
        if kind == DETAIL:
            counts.cell_details[cell, key, value] = tally
        elif kind == CELL:
            if whole:
                counts.cells[cell] = tally
            else:
                counts.cell_codes[cell, key] = tally
        elif kind == PIECE:
            if whole:
                counts.pieces[cell, value] = tally
            else:
                counts.piece_codes[cell, value, key] = tally
        elif whole:
            counts.small_pieces[cell] = tally
        else:
            counts.small_piece_codes[cell, key] = tally
    return found, found_versions
