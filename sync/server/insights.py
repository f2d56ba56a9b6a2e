"""Aggregates for marketing: how often each reason code comes up, by one dimension.

Only counts leave this module, never a debrief. A group or cell with fewer than
`min_cell` debriefs, or from fewer than `MIN_REPS` reps, is left out, value and all, so
that no one rep's debrief can be singled out: not its count, not that it exists, and
not what a rep typed (a competitor's name). Pages count shown groups only.

Questions over whole UTC months, filtered at most by outcome, read the reason rollup
(sync.server.rollups), which stays fast at tens of millions of reasons. Any other
question counts the debriefs themselves; both give the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from sync.server import rollups
from sync.server.tables import debrief_reasons, debriefs, reason_rollup

DIMENSIONS = ("outcome", "stage", "industry", "company_size", "region", "competitor",
              "month", "quarter")
MIN_REPS = 2
# The rollup keeps the lowest and highest rep of each cell: "two reps or more" is
# exactly "lowest != highest". A higher MIN_REPS needs another design (docs/scale.md).
assert MIN_REPS == 2


@dataclass(frozen=True)
class Filters:
    outcome: str | None = None
    stage: str | None = None
    industry: str | None = None
    company_size: str | None = None
    region: str | None = None
    competitor: str | None = None
    since: datetime | None = None  # made at or after
    until: datetime | None = None  # made before
    primary_only: bool = False


@dataclass(frozen=True)
class Cell:
    code: str
    debriefs: int
    share: float  # of the group's debriefs that give this reason


@dataclass(frozen=True)
class Group:
    value: str | None
    debriefs: int
    reasons: tuple[Cell, ...]  # most cited first; cells too small to show left out


def _period(name: str, made: sa.ColumnElement[Any], dialect: str) -> sa.ColumnElement[Any]:
    """'2026-03' or '2026-Q1' for a timestamp column, read in UTC, or a date column."""
    if dialect == "sqlite":
        if name == "month":
            return sa.func.strftime("%Y-%m", made)
        month = sa.cast(sa.func.strftime("%m", made), sa.Integer)
        return (sa.func.strftime("%Y", made) + "-Q"
                + sa.cast((month + 2) // 3, sa.String))
    if isinstance(made.type, sa.DateTime):
        made = sa.func.timezone("UTC", made)
    return sa.func.to_char(made, "YYYY-MM" if name == "month" else 'YYYY-"Q"Q')


def _dimension(name: str, dialect: str) -> sa.ColumnElement[Any]:
    if name in ("month", "quarter"):
        return _period(name, debriefs.c.created_at, dialect)
    if name in DIMENSIONS:
        return debriefs.c[name]
    raise ValueError(f"no dimension {name!r}")


def _where(filters: Filters) -> list[sa.ColumnElement[bool]]:
    conditions = [debriefs.c.deleted.is_(False)]
    for name in ("outcome", "stage", "industry", "company_size", "region", "competitor"):
        value = getattr(filters, name)
        if value is not None:
            conditions.append(debriefs.c[name] == value)
    if filters.since is not None:
        conditions.append(debriefs.c.created_at >= filters.since)
    if filters.until is not None:
        conditions.append(debriefs.c.created_at < filters.until)
    return conditions


def reason_counts(connection: sa.Connection, by: str, filters: Filters, *, min_cell: int,
                  offset: int, limit: int) -> tuple[list[Group], int | None]:
    """One page of groups (ordered by value) with their reason cells, most cited first,
    and the offset of the next page (None at the end)."""
    if by not in DIMENSIONS:
        raise ValueError(f"no dimension {by!r}")
    count = _from_rollup if answers_from_rollup(filters) else _from_debriefs
    return count(connection, by, filters, min_cell=min_cell, offset=offset, limit=limit)


def answers_from_rollup(filters: Filters) -> bool:
    """Whether the rollup holds the answer: whole UTC months, outcome the only filter."""
    return (not filters.primary_only
            and all(getattr(filters, name) is None
                    for name in ("stage", "industry", "company_size", "region", "competitor"))
            and all(_month_boundary(moment) for moment in (filters.since, filters.until)))


def _month_boundary(moment: datetime | None) -> bool:
    if moment is None:
        return True
    utc = moment.astimezone(UTC)
    return utc == datetime(utc.year, utc.month, 1, tzinfo=UTC)


def _from_rollup(connection: sa.Connection, by: str, filters: Filters, *, min_cell: int,
                 offset: int, limit: int) -> tuple[list[Group], int | None]:
    table, dialect = reason_rollup, connection.dialect.name
    if by in ("month", "quarter"):
        # Every debrief has one outcome, so the outcome rows add up to all debriefs.
        dimension, value = "outcome", _period(by, table.c.month, dialect)
    else:
        dimension, value = by, sa.func.nullif(table.c.value, rollups.NOT_GIVEN)
    value = value.label("value")
    where = [table.c.dimension == dimension]
    if filters.outcome is not None:
        where.append(table.c.outcome == filters.outcome)
    if filters.since is not None:
        where.append(table.c.month >= rollups.month_of(filters.since))
    if filters.until is not None:
        where.append(table.c.month < rollups.month_of(filters.until))
    tally = (sa.func.sum(table.c.debriefs).label("n"), sa.func.min(table.c.rep_lo).label("lo"),
             sa.func.max(table.c.rep_hi).label("hi"))
    big_enough = sa.and_(sa.func.sum(table.c.debriefs) >= max(min_cell, 1),
                         sa.func.min(table.c.rep_lo) != sa.func.max(table.c.rep_hi))
    group_rows = [_Tally(row.value, row.n, row.lo, row.hi) for row in connection.execute(
        sa.select(value, *tally).where(*where, table.c.code == rollups.ALL)
        .group_by(value).having(big_enough)
        .order_by(value.asc().nulls_last()).offset(offset).limit(limit + 1))]
    page = group_rows[:limit]
    shown = {row.value: row for row in page}
    cell_rows: list[_Tally] = []
    if shown:
        if by not in ("month", "quarter"):
            where.append(table.c.value.in_([rollups.NOT_GIVEN if v is None else v
                                            for v in shown]))
        cell_rows = [_Tally(row.value, row.n, row.lo, row.hi, row.code)
                     for row in connection.execute(
            sa.select(value, table.c.code, *tally).where(*where, table.c.code != rollups.ALL)
            .group_by(value, table.c.code).having(sa.func.sum(table.c.debriefs) > 0))]
    return _page(page, shown, cell_rows, min_cell), (
        offset + limit if len(group_rows) > limit else None)


@dataclass(frozen=True)
class _Tally:
    """A group or cell as counted: debriefs, and its lowest and highest rep."""

    value: Any
    n: int
    lo: int | None
    hi: int | None
    code: str = ""

    @property
    def reps(self) -> int:  # as many as MIN_REPS says matter: 0, 1 or 2
        return 0 if self.lo is None else 1 if self.lo == self.hi else 2


def _from_debriefs(connection: sa.Connection, by: str, filters: Filters, *, min_cell: int,
                   offset: int, limit: int) -> tuple[list[Group], int | None]:
    dimension = _dimension(by, connection.dialect.name).label("value")
    where = _where(filters)
    reps = sa.func.count(sa.distinct(debriefs.c.rep_id))
    group_rows = connection.execute(
        sa.select(dimension, sa.func.count().label("n"), reps.label("reps"))
        .where(*where).group_by(dimension)
        .having(sa.and_(sa.func.count() >= min_cell, reps >= MIN_REPS))
        .order_by(dimension.asc().nulls_last()).offset(offset).limit(limit + 1)).all()
    page = group_rows[:limit]
    shown = {row.value: row for row in page}
    cell_rows: list[Any] = []
    if shown:
        reason_where = [*where, debrief_reasons.c.is_primary.is_(True)] \
            if filters.primary_only else where
        cell_rows = connection.execute(
            sa.select(dimension, debrief_reasons.c.code,
                      sa.func.count(sa.distinct(debriefs.c.id)).label("n"),
                      sa.func.count(sa.distinct(debriefs.c.rep_id)).label("reps"))
            .select_from(debriefs.join(debrief_reasons,
                                       debrief_reasons.c.debrief_id == debriefs.c.id))
            .where(*reason_where).group_by(dimension, debrief_reasons.c.code)).all()
    return _page(page, shown, cell_rows, min_cell), (
        offset + limit if len(group_rows) > limit else None)


def _page(page: list[Any], shown: dict[Any, Any], cell_rows: list[Any],
          min_cell: int) -> list[Group]:
    """Groups in page order, each with the cells big enough to show, most cited first."""
    cells: dict[Any, list[Cell]] = {value: [] for value in shown}
    for row in cell_rows:
        if row.value in shown and _big_enough(row, min_cell):
            cells[row.value].append(Cell(row.code, row.n, round(row.n / shown[row.value].n, 4)))
    return [Group(row.value, row.n,
                  tuple(sorted(cells[row.value], key=lambda c: (-c.debriefs, c.code))))
            for row in page]


def _big_enough(row: Any, min_cell: int) -> bool:
    return row.n >= min_cell and row.reps >= MIN_REPS
