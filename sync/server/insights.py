"""Aggregates for marketing: how often each reason code comes up, grouped one way.

Only counts leave this module, never a debrief. Every answer is a sum of what
sync.domain.disclosure publishes of each whole UTC month in the period, read from the
reason rollup (sync.server.rollups): a month's small counts are left out of every
answer alike, so no pair or sequence of questions differs by a hidden count
(docs/insights-privacy.md). A question may narrow by outcome and by one other
dimension (stage, industry, company size, region, competitor, team, lead source or
sales-readiness) at a time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import sqlalchemy as sa

from sync.domain.disclosure import ShownMonth
from sync.server import rollups
from sync.server.published import PublishedMonths
from sync.server.tables import reason_rollup, teams

SPLIT_DIMENSIONS = rollups.DIMENSIONS  # a cell splits by one of these at a time
PERIOD_DIMENSIONS = ("month", "quarter")
NO_SUCH_TEAM = "no such team"  # the value of a team no debrief is in
DIMENSIONS = ("outcome", *SPLIT_DIMENSIONS, *PERIOD_DIMENSIONS)


class QuestionError(ValueError):
    """A question that cannot be answered; `field` names the part at fault."""

    def __init__(self, field: str, message: str, kind: str = "question") -> None:
        super().__init__(message)
        self.field = field
        self.kind = kind


def narrowing(connection: sa.Connection, asked: dict[str, frozenset[str]]
              ) -> tuple[str, frozenset[str]] | None:
    """The one dimension a question narrows by, from the values asked per dimension
    (empty: not asked), teams named as stored; two dimensions are refused, naming the
    second in SPLIT_DIMENSIONS order."""
    narrowed = [(name, asked[name]) for name in SPLIT_DIMENSIONS if asked.get(name)]
    if len(narrowed) > 1:
        raise QuestionError(narrowed[1][0], (
            "narrow by one of stage, industry, company_size, region, competitor, team, "
            "lead_source or sales_ready at a time: together they would single out small "
            "groups"), "one_dimension")
    if not narrowed:
        return None
    dimension, values = narrowed[0]
    if dimension == "team":
        values = frozenset(team_value(connection, name) for name in values)
    return dimension, values


def month_of_text(text: str) -> date:
    """The first day of a month written YYYY-MM; ValueError otherwise."""
    year, number = text.split("-")
    return date(int(year), int(number), 1)


@dataclass(frozen=True)
class Question:
    """What to count: grouped by `by` (one dimension, or several for an export), over
    whole months, narrowed by outcome and by the values of one other dimension."""

    by: str | tuple[str, ...]
    first_month: date | None = None  # the first day of the first month counted
    last_month: date | None = None  # the first day of the last month counted
    outcomes: frozenset[str] = frozenset()  # empty: any
    narrow: tuple[str, frozenset[str]] | None = None  # (dimension, values): only those
    primary_only: bool = False

    def __post_init__(self) -> None:
        by = (self.by,) if isinstance(self.by, str) else tuple(self.by)
        object.__setattr__(self, "by", by)
        for name in by:
            if name not in DIMENSIONS:
                raise QuestionError("by", f"no dimension {name!r}")
        if not by or len(set(by)) < len(by):
            raise QuestionError("by", "group by one or more different dimensions")
        splits = [name for name in by if name in SPLIT_DIMENSIONS]
        if len(splits) > 1 or len([n for n in by if n in PERIOD_DIMENSIONS]) > 1:
            raise QuestionError("by", (
                "group by at most one of stage, industry, company_size, region, competitor "
                "and team, and one of month and quarter: together they would single out "
                "small groups"))
        if self.first_month and self.last_month and self.first_month > self.last_month:
            raise QuestionError("to", "the period ends before it starts")
        if self.narrow is not None:
            dimension, _ = self.narrow
            if dimension not in SPLIT_DIMENSIONS:
                raise QuestionError(dimension, f"no dimension {dimension!r} to narrow by")
            if splits and splits[0] != dimension:
                raise QuestionError(dimension, (
                    f"grouped by {splits[0]}, a question can narrow only by {splits[0]}: "
                    "one of stage, industry, company_size, region, competitor and team "
                    "at a time"))

    @property
    def grouping(self) -> tuple[str, ...]:
        assert isinstance(self.by, tuple)
        return self.by

    @property
    def dimension(self) -> str | None:
        """The dimension whose pieces the answer is built from, if any."""
        for name in self.grouping:
            if name in SPLIT_DIMENSIONS:
                return name
        return self.narrow[0] if self.narrow else None

    def months(self, first: date | None, last: date | None) -> Question:
        """The same question over other months."""
        return replace(self, first_month=first, last_month=last)


@dataclass(frozen=True)
class Detail:
    detail: str | None  # None: the debriefs whose reason with this code has no detail
    debriefs: int
    share: float  # of the group's debriefs


@dataclass(frozen=True)
class Cell:
    code: str
    debriefs: int
    share: float  # of the group's debriefs that give this reason
    # Its details, each debrief under its first reason naming the code; only in
    # answers not split by a dimension (cells), and only those shown.
    details: tuple[Detail, ...] = ()


@dataclass(frozen=True)
class Group:
    values: tuple[str | None, ...]  # one per dimension grouped by; None: not given
    debriefs: int
    reasons: tuple[Cell, ...]  # most cited first; cells too small to show left out

    @property
    def value(self) -> str | None:
        return self.values[0]


@dataclass(frozen=True)
class Answer:
    groups: list[Group]  # ordered by value, not given last
    # Debriefs of the question's cells left out as small groups; None where they cannot
    # be told apart from other cells' (a question narrowed by outcome, or by a value).
    left_out: int | None


def answer(connection: sa.Connection, question: Question, months: PublishedMonths
           ) -> Answer:
    """The question answered from what `months` publishes of its period."""
    names = _team_names(connection) if question.dimension == "team" else {}
    return _sum(question, published(connection, question, months), names)


def published(connection: sa.Connection, question: Question, months: PublishedMonths
              ) -> dict[date, ShownMonth]:
    """What the rule shows of each month of the question's period, for its dimension."""
    return months.months(connection, question.dimension, question.first_month,
                         question.last_month, question.primary_only)


def period_of(connection: sa.Connection, question: Question
              ) -> tuple[date | None, date | None]:
    """The question's months, an open end taken as the first or last month counted."""
    first, last = question.first_month, question.last_month
    if first is None or last is None:
        low, high = connection.execute(sa.select(
            sa.func.min(reason_rollup.c.month), sa.func.max(reason_rollup.c.month))
            .where(reason_rollup.c.dimension == rollups.CELLS)).one()
        first = first or rollups.as_date(low)
        last = last or rollups.as_date(high)
    return first, last



def team_value(connection: sa.Connection, name: str) -> str:
    """The stored value of the team called `name` (one that matches no debrief if none
    is)."""
    team_id = connection.execute(sa.select(teams.c.id).where(teams.c.name == name)).scalar()
    return rollups.team_value(team_id) if team_id is not None else NO_SUCH_TEAM


def _team_names(connection: sa.Connection) -> dict[str, str]:
    return {rollups.team_value(team_id): name
            for team_id, name in connection.execute(sa.select(teams.c.id, teams.c.name))}


def _sum(question: Question, published: dict[date, ShownMonth],
         names: dict[str, str]) -> Answer:
    groups: dict[Any, int] = defaultdict(int)
    cells: dict[Any, dict[str, int]] = defaultdict(dict)  # group: code: debriefs
    details: dict[tuple[Any, str], dict[str, int]] = defaultdict(dict)  # detail: debriefs
    left_out: int | None = 0
    dimension, narrow, primary = question.dimension, question.narrow, question.primary_only
    outcomes, grouping = question.outcomes, question.grouping
    for month, shown in published.items():
        for cell, part in shown.cells.items():
            if outcomes and cell not in outcomes:
                continue
            if dimension is None:
                key = _key(grouping, month, cell, "")
                groups[key] += part.debriefs
                _add(cells[key], part.codes[primary])
                for code, split in part.details[primary].items():
                    _add(details[key, code], split)
                continue
            codes = part.piece_codes[primary]
            for value, n in part.pieces.items():
                if narrow is not None and value not in narrow[1]:
                    continue
                key = _key(grouping, month, cell, value)
                groups[key] += n
                _add(cells[key], codes.get(value, {}))
            if narrow is None and left_out is not None:
                left_out += part.left_out
        if dimension is None:
            if outcomes:
                left_out = None  # a cell's small neighbours are no part of it
            elif left_out is not None:
                left_out += shown.cells_left_out
        elif narrow is not None:
            left_out = None
    by_group: dict[Any, list[Cell]] = defaultdict(list)
    for key, counted in cells.items():
        for code, n in counted.items():
            split = sorted(details.get((key, code), {}).items(), key=lambda d: (-d[1], d[0]))
            by_group[key].append(Cell(code, n, round(n / groups[key], 4), tuple(
                Detail(detail or None, k, round(k / groups[key], 4)) for detail, k in split)))
    ordered = sorted(groups, key=lambda key: [(part == rollups.NOT_GIVEN, part)
                                              for part in key])
    return Answer([Group(tuple(_label(by, part, names)
                               for by, part in zip(grouping, key, strict=True)),
                         groups[key],
                         tuple(sorted(by_group[key], key=lambda c: (-c.debriefs, c.code))))
                   for key in ordered], left_out)


def _add(total: dict[str, int], counts: dict[str, int]) -> None:
    """Add `counts` (per code, or per detail) into `total`."""
    for key, n in counts.items():
        total[key] = total.get(key, 0) + n


def _key(by: tuple[str, ...], month: date, cell: str, value: str) -> tuple[str, ...]:
    return tuple(_part(name, month, cell, value) for name in by)


def _part(by: str, month: date, cell: str, value: str) -> str:
    if by == "outcome":
        return cell
    if by == "month":
        return f"{month:%Y-%m}"
    if by == "quarter":
        return f"{month.year}-Q{(month.month + 2) // 3}"
    return value


def _label(by: str, key: str, names: dict[str, str]) -> str | None:
    if key == rollups.NOT_GIVEN:
        return None
    return names.get(key, key) if by == "team" else key
