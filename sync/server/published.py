"""What the suppression rule publishes of each month, kept while the month is unchanged.

Every insight is a sum of what sync.domain.disclosure publishes of whole months, one
dimension at a time (sync.server.insights). What it publishes of a (dimension, month)
depends only on that month's rollup rows, and those change only when a push touches the
month, which gives the month a new version in `rollup_months` (sync.server.rollups). So a
question reads the versions of its months (one small read), applies the rule only to
the months whose version moved or that are not kept yet, and sums the rest from memory.

Each server process keeps its own blocks (up to `keep` of them, the least recently used
dropped first); they are made by the app factory, never at import. The versions are
read before the counts: a block counted from rows newer than its version is counted
again at the next question, never the other way round.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from sync.domain.disclosure import MonthCounts, Rule, ShownMonth, Tally, publish
from sync.server import rollups
from sync.server.tables import reason_rollup, rollup_months

# Seven dimensions (and the cells alone) over three years is 288 blocks; every block of
# the 1 M-row bench store (175) takes 25 MiB, and a 10 M-row store's blocks are larger.
KEEP_BLOCKS = 300


@dataclass(frozen=True)
class Kept:
    version: int
    month: ShownMonth | None  # None: the month has no debriefs (left, all deleted)


class PublishedMonths:
    """The rule (`min_cell`) applied to months of the rollup, kept per (dimension,
    month) while the month's version holds. Safe to share between a server's threads."""

    def __init__(self, min_cell: int, *, keep: int = KEEP_BLOCKS) -> None:
        self.rule = Rule(min_cell)
        self.keep = keep
        self._blocks: OrderedDict[tuple[str, date], Kept] = OrderedDict()
        self._lock = threading.Lock()
        self.counted = 0  # blocks the rule was applied to, for tests and benchmarks

    @property
    def min_cell(self) -> int:
        return self.rule.min_debriefs

    def months(self, connection: sa.Connection, dimension: str | None,
               first: date | None, last: date | None) -> dict[date, ShownMonth]:
        """What the rule shows of each month from `first` to `last` (open ends: every
        month), with the pieces of `dimension` (None: the cells alone)."""
        family = dimension or rollups.CELLS
        versions = _versions(connection, first, last)
        found: dict[date, ShownMonth] = {}
        stale: dict[date, int] = {}
        with self._lock:
            for month, version in versions.items():
                kept = self._blocks.get((family, month))
                if kept is not None and kept.version == version:
                    self._blocks.move_to_end((family, month))
                    if kept.month is not None:
                        found[month] = kept.month
                else:
                    stale[month] = version
        if stale:
            counted = {month: ShownMonth.of(publish(self.rule, counts)) for month, counts
                       in month_counts(connection, dimension, stale, self.rule).items()}
            with self._lock:
                for month, version in stale.items():
                    shown = counted.get(month)
                    if shown is not None:
                        found[month] = shown
                    # Another thread may have kept a newer count meanwhile: versions
                    # are not ordered, so the last one kept stays, and if it is older
                    # the next question finds its version moved and counts again.
                    self._blocks[family, month] = Kept(version, shown)
                    self._blocks.move_to_end((family, month))
                self.counted += len(stale)
                while len(self._blocks) > self.keep:
                    self._blocks.popitem(last=False)
        return dict(sorted(found.items()))


def _versions(connection: sa.Connection, first: date | None, last: date | None
              ) -> dict[date, int]:
    table = rollup_months.c
    query = sa.select(table.month, table.version)
    if first is not None:
        query = query.where(table.month >= first)
    if last is not None:
        query = query.where(table.month <= last)
    return {rollups.as_date(month): int(version)
            for month, version in connection.execute(query)}



CELL, PIECE, SMALL, DETAIL = 0, 1, 2, 3  # the kinds of row month_counts reads


def month_counts(connection: sa.Connection, dimension: str | None,
                 months: Iterable[date], rule: Rule) -> dict[date, MonthCounts]:
    """What the rule needs of each of `months`: every cell; and the pieces of
    `dimension`, the pieces too small to show added up per cell and code, or with no
    dimension the cells' code counts split by detail.

    One statement reads them all, so they come from one snapshot of the rollup even
    while pushes commit (PostgreSQL gives each statement of a read-committed
    transaction its own): the pieces always add up to their cells."""
    table = reason_rollup.c
    chosen = [table.month.in_(sorted(months))]
    tally = (table.debriefs.label("debriefs"), table.rep_lo.label("rep_lo"),
             table.rep_hi.label("rep_hi"))
    nothing = sa.literal(rollups.NOT_GIVEN, sa.String).label("value")
    parts = [sa.select(sa.literal(CELL).label("kind"), table.month, table.outcome, nothing,
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
    found: dict[date, MonthCounts] = {}
    by_text: dict[Any, MonthCounts] = {}  # the month as the driver gives it
    statement = sa.union_all(*parts) if len(parts) > 1 else parts[0]
    for kind, month, cell, value, code, primary, debriefs, rep_lo, rep_hi in \
            connection.execute(statement).all():
        counts = by_text.get(month)
        if counts is None:
            counts = by_text[month] = found.setdefault(rollups.as_date(month), MonthCounts())
        tally, key = Tally(int(debriefs), rep_lo, rep_hi), (code, bool(primary))
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
    return found
