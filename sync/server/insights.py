"""Aggregates for marketing: how often each reason code comes up, grouped one way.

Only counts leave this module, never a debrief. Every answer is a sum of what
sync.domain.disclosure publishes of each whole UTC month in the period, read from the
reason rollup (sync.server.rollups): a month's small cells are left out of every
answer alike, so no pair or sequence of questions differs by a hidden count
(docs/insights-privacy.md). A question may narrow by outcome, stage and one segment
dimension (industry, company size, region, competitor or team) at a time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from sync.domain.disclosure import CodeKey, MonthCounts, PublishedMonth, Rule, Tally, publish
from sync.server import rollups
from sync.server.tables import reason_rollup, teams

SEGMENT_DIMENSIONS = rollups.DIMENSIONS
PERIOD_DIMENSIONS = ("month", "quarter")
DIMENSIONS = ("outcome", "stage", *SEGMENT_DIMENSIONS, *PERIOD_DIMENSIONS)


class QuestionError(ValueError):
    """A question that cannot be answered; `field` names the part at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Question:
    by: str
    first_month: date | None = None  # the first day of the first month counted
    last_month: date | None = None  # the first day of the last month counted
    outcomes: frozenset[str] = frozenset()  # empty: any
    stages: frozenset[str] = frozenset()
    segment: tuple[str, str] | None = None  # (dimension, value): only that value
    primary_only: bool = False

    def __post_init__(self) -> None:
        if self.by not in DIMENSIONS:
            raise QuestionError("by", f"no dimension {self.by!r}")
        if self.first_month and self.last_month and self.first_month > self.last_month:
            raise QuestionError("to", "the period ends before it starts")
        if self.segment is not None:
            dimension, _ = self.segment
            if dimension not in SEGMENT_DIMENSIONS:
                raise QuestionError(dimension, f"no segment dimension {dimension!r}")
            if self.by in SEGMENT_DIMENSIONS and self.by != dimension:
                raise QuestionError(dimension, (
                    f"grouped by {self.by}, a question can narrow only to one {self.by}: "
                    "one segment dimension at a time"))

    @property
    def dimension(self) -> str | None:
        """The segment dimension whose pieces the answer is built from, if any."""
        if self.by in SEGMENT_DIMENSIONS:
            return self.by
        return self.segment[0] if self.segment else None


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


@dataclass(frozen=True)
class Answer:
    groups: list[Group]  # ordered by value, not given last
    # Debriefs of the question's cells left out as small groups; None where they cannot
    # be told apart from other cells' (a question narrowed by outcome or stage alone).
    left_out: int | None


def answer(connection: sa.Connection, question: Question, *, min_cell: int) -> Answer:
    rule = Rule(min_cell)
    months = _month_counts(connection, question, rule)
    published = {month: publish(rule, counts) for month, counts in sorted(months.items())}
    names = _team_names(connection) if "team" in (question.by, question.dimension) else {}
    return _sum(question, published, names)


def team_value(connection: sa.Connection, name: str) -> str:
    """The stored value of the team called `name` (one that matches no debrief if none
    is)."""
    team_id = connection.execute(sa.select(teams.c.id).where(teams.c.name == name)).scalar()
    return rollups.team_value(team_id) if team_id is not None else "no such team"


def _team_names(connection: sa.Connection) -> dict[str, str]:
    return {rollups.team_value(team_id): name
            for team_id, name in connection.execute(sa.select(teams.c.id, teams.c.name))}


def _sum(question: Question, published: dict[date, PublishedMonth],
         names: dict[str, str]) -> Answer:
    groups: dict[Any, int] = defaultdict(int)
    cells: dict[tuple[Any, str], int] = defaultdict(int)
    left_out: int | None = 0
    dimension, wanted = question.dimension, question.segment
    for month, shown in published.items():
        def wanted_cell(cell: tuple[str, str]) -> bool:
            return ((not question.outcomes or cell[0] in question.outcomes)
                    and (not question.stages or cell[1] in question.stages))

        if dimension is None:
            for cell, n in shown.cells.items():
                if wanted_cell(cell):
                    groups[_key(question.by, month, cell, "")] += n
            for (cell, (code, primary)), n in shown.cell_codes.items():
                if wanted_cell(cell) and primary == question.primary_only:
                    cells[_key(question.by, month, cell, ""), code] += n
            if left_out is not None and (question.outcomes or question.stages):
                left_out = None
            elif left_out is not None:
                left_out += shown.cells_left_out
            continue
        for (cell, value), n in shown.pieces.items():
            if wanted_cell(cell) and (wanted is None or value == wanted[1]):
                groups[_key(question.by, month, cell, value)] += n
        for (cell, value, (code, primary)), n in shown.piece_codes.items():
            if (wanted_cell(cell) and (wanted is None or value == wanted[1])
                    and primary == question.primary_only):
                cells[_key(question.by, month, cell, value), code] += n
        if wanted is not None:
            left_out = None  # a piece's small neighbours are no part of it
        elif left_out is not None:
            left_out += sum(n for cell, n in shown.pieces_left_out.items() if wanted_cell(cell))
    by_group: dict[Any, list[Cell]] = defaultdict(list)
    for (key, code), n in cells.items():
        by_group[key].append(Cell(code, n, round(n / groups[key], 4)))
    ordered = sorted(groups, key=lambda key: (key in (None, ""), key or ""))
    return Answer([Group(_label(question.by, key, names), groups[key],
                         tuple(sorted(by_group[key], key=lambda c: (-c.debriefs, c.code))))
                   for key in ordered], left_out)


def _key(by: str, month: date, cell: tuple[str, str], value: str) -> str:
    if by == "outcome":
        return cell[0]
    if by == "stage":
        return cell[1]
    if by == "month":
        return f"{month:%Y-%m}"
    if by == "quarter":
        return f"{month.year}-Q{(month.month + 2) // 3}"
    return value


def _label(by: str, key: str, names: dict[str, str]) -> str | None:
    if key == rollups.NOT_GIVEN:
        return None
    return names.get(key, key) if by == "team" else key


def _month_counts(connection: sa.Connection, question: Question,
                  rule: Rule) -> dict[date, MonthCounts]:
    """What the rule needs of each month of the question's period: every cell, and the
    pieces of the question's dimension in the cells it asks about, the pieces too small
    to show added up per cell and code."""
    table = reason_rollup.c
    period = []
    if question.first_month is not None:
        period.append(table.month >= question.first_month)
    if question.last_month is not None:
        period.append(table.month <= question.last_month)
    months: dict[date, MonthCounts] = defaultdict(MonthCounts)
    tally = (table.debriefs, table.rep_lo, table.rep_hi)
    for row in connection.execute(sa.select(
            table.month, table.outcome, table.stage, table.code, table.is_primary, *tally)
            .where(table.dimension == rollups.CELLS, *period)):
        counts, cell = months[row.month], (row.outcome, row.stage)
        if row.code == rollups.ALL:
            counts.cells[cell] = _tally(row)
        else:
            counts.cell_codes[cell, _code(row)] = _tally(row)
    dimension = question.dimension
    if dimension is None:
        return months
    where = [table.dimension == dimension, *period]
    if question.outcomes:
        where.append(table.outcome.in_(sorted(question.outcomes)))
    if question.stages:
        where.append(table.stage.in_(sorted(question.stages)))
    safe = sa.and_(table.debriefs >= max(rule.min_debriefs, 1), table.rep_lo != table.rep_hi)
    for row in connection.execute(sa.select(
            table.month, table.outcome, table.stage, table.value, table.code,
            table.is_primary, *tally).where(*where, safe)):
        counts, cell = months[row.month], (row.outcome, row.stage)
        if row.code == rollups.ALL:
            counts.pieces[cell, row.value] = _tally(row)
        else:
            counts.piece_codes[cell, row.value, _code(row)] = _tally(row)
    small = (sa.func.sum(table.debriefs).label("debriefs"),
             sa.func.min(table.rep_lo).label("rep_lo"), sa.func.max(table.rep_hi).label("rep_hi"))
    grouped = (table.month, table.outcome, table.stage, table.code, table.is_primary)
    for row in connection.execute(sa.select(*grouped, *small)
                                  .where(*where, sa.not_(safe)).group_by(*grouped)):
        counts, cell = months[row.month], (row.outcome, row.stage)
        if row.code == rollups.ALL:
            counts.small_pieces[cell] = _tally(row)
        else:
            counts.small_piece_codes[cell, _code(row)] = _tally(row)
    return months


def _tally(row: Any) -> Tally:
    return Tally(int(row.debriefs), row.rep_lo, row.rep_hi)


def _code(row: Any) -> CodeKey:
    return (row.code, bool(row.is_primary))

