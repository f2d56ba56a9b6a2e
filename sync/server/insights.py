"""Aggregates for marketing: how often each reason code comes up, by one dimension.

Only counts leave this module, never a debrief. A group or cell with fewer than
`min_cell` debriefs, or from fewer than `min_reps` reps, is suppressed, so that no one
rep's debrief can be singled out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from sync.server.tables import debrief_reasons, debriefs

DIMENSIONS = ("outcome", "stage", "industry", "company_size", "region", "competitor",
              "month", "quarter")
MIN_REPS = 2


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
    debriefs: int | None  # None: suppressed
    share: float | None  # of the group's debriefs that give this reason


@dataclass(frozen=True)
class Group:
    value: str | None
    debriefs: int | None  # None: suppressed, and so are its cells
    reasons: tuple[Cell, ...]


def _dimension(name: str, dialect: str) -> sa.ColumnElement[Any]:
    made = debriefs.c.created_at
    if name == "month":
        return (sa.func.strftime("%Y-%m", made) if dialect == "sqlite" else
                sa.func.to_char(sa.func.timezone("UTC", made), "YYYY-MM"))
    if name == "quarter":
        if dialect == "sqlite":
            month = sa.cast(sa.func.strftime("%m", made), sa.Integer)
            return (sa.func.strftime("%Y", made) + "-Q"
                    + sa.cast((month + 2) // 3, sa.String))
        return sa.func.to_char(sa.func.timezone("UTC", made), 'YYYY-"Q"Q')
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
    dimension = _dimension(by, connection.dialect.name).label("value")
    where = _where(filters)
    group_rows = connection.execute(
        sa.select(dimension, sa.func.count().label("n"),
                  sa.func.count(sa.distinct(debriefs.c.rep_id)).label("reps"))
        .where(*where).group_by(dimension).order_by(dimension.asc().nulls_last())
        .offset(offset).limit(limit + 1)).all()
    page = group_rows[:limit]
    shown = {row.value: row for row in page if _big_enough(row, min_cell)}
    cells: dict[Any, list[Cell]] = {value: [] for value in shown}
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
        for row in cell_rows:
            if row.value in shown:
                visible = _big_enough(row, min_cell)
                cells[row.value].append(Cell(
                    row.code, row.n if visible else None,
                    round(row.n / shown[row.value].n, 4) if visible else None))
    groups = [Group(row.value, row.n if row.value in shown else None,
                    tuple(sorted(cells.get(row.value, ()),
                                 key=lambda c: (c.debriefs is None, -(c.debriefs or 0),
                                                c.code))))
              for row in page]
    return groups, (offset + limit if len(group_rows) > limit else None)


def _big_enough(row: Any, min_cell: int) -> bool:
    return row.n >= min_cell and row.reps >= MIN_REPS
