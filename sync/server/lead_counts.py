"""Collateral and the sales-qualified-lead criteria, for marketing: which collateral
reps used in debriefs of each outcome and how often they said it helped, and which
criteria leads failed, grouped by one dimension (stage, a segment dimension, lead
source, ...).

Counted by the rule every insight keeps (sync.domain.disclosure), over the same trees:
per UTC month, a cell per outcome, split into pieces by the dimension asked. A
collateral item or a criterion is counted as a code is: the debriefs of a cell (or a
piece) naming it, shown only when safe and leaving a safe difference in its group,
with secondary suppression across the pieces. Whether collateral helped is its detail
("helped", "did_not_help", "" for not said), counted per cell only, as a reason's
details are: per piece it would be pieces of pieces. Every number is a sum of what
whole months show; cells and pieces are those the reason insights show of the same
debriefs.

Read in one statement, so from one state of the store: the cells' and pieces' tallies
from the reason rollup (its rows counting every debrief), and the items from the
debriefs that list any (a partial index each, `ix_debriefs_listing_*`), grouped in the
database by month, outcome, value and list (one row per distinct list).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from sync.domain.debrief import listed_from_text
from sync.domain.disclosure import CodeKey, MonthCounts, PublishedMonth, Rule, Tally, publish
from sync.server import rollups
from sync.server.tables import debriefs, reason_rollup

COLLATERAL = "collateral"
CRITERIA = "failed_criteria"
KINDS = (COLLATERAL, CRITERIA)
HELPED, DID_NOT_HELP, NOT_SAID = "helped", "did_not_help", ""


@dataclass
class Item:
    """One collateral item or criterion: the shown counts of debriefs naming it."""

    key: str
    outcomes: dict[str, int] = field(default_factory=dict)  # outcome: debriefs
    groups: dict[str, dict[str, int]] = field(default_factory=dict)  # value: outcome: n
    # collateral: outcome: detail: debriefs (details are counted per outcome)
    said: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def debriefs(self) -> int:
        return sum(self.outcomes.values())


@dataclass
class LeadCounts:
    """What may be shown of the period: the shown cells and pieces (the debriefs each
    item's counts are out of) and the items, most named first."""

    kind: str
    by: str | None
    cells: dict[str, int] = field(default_factory=dict)  # outcome: debriefs shown
    groups: dict[str, dict[str, int]] = field(default_factory=dict)  # value: outcome: n
    items: list[Item] = field(default_factory=list)
    left_out: int = 0  # debriefs of the period in cells not shown


def lead_counts(connection: sa.Connection, kind: str, *, by: str | None,
                first: date | None, last: date | None, outcomes: frozenset[str],
                min_cell: int) -> LeadCounts:
    """The items of list `kind` (COLLATERAL or CRITERIA) named in the debriefs made in
    the months `first` to `last` (None: open), in the cells `outcomes` (empty: all),
    grouped by the dimension `by` (one of rollups.DIMENSIONS; None: not grouped)."""
    assert kind in KINDS and (by is None or by in rollups.DIMENSIONS), (kind, by)
    rule = Rule(min_cell)
    answer = LeadCounts(kind, by)
    items: dict[str, Item] = {}
    for month in sorted(months := _month_counts(connection, kind, by, first, last)):
        shown = publish(rule, months[month])
        _add_month(answer, items, shown, outcomes, by is not None)
    answer.items = sorted(items.values(), key=lambda item: (-item.debriefs, item.key))
    return answer


def _add_month(answer: LeadCounts, items: dict[str, Item], shown: PublishedMonth,
               outcomes: frozenset[str], grouped: bool) -> None:
    def asked(cell: str) -> bool:
        return not outcomes or cell in outcomes

    answer.left_out += shown.cells_left_out if not outcomes else 0
    for cell, n in shown.cells.items():
        if asked(cell):
            answer.cells[cell] = answer.cells.get(cell, 0) + n
    for (cell, value), n in shown.pieces.items():
        if asked(cell) and grouped:
            _count(answer.groups.setdefault(value, {}), cell, n)
    for (cell, (key, _)), n in shown.cell_codes.items():
        if asked(cell):
            _count(items.setdefault(key, Item(key)).outcomes, cell, n)
    for (cell, value, (key, _)), n in shown.piece_codes.items():
        if asked(cell) and grouped:
            _count(items[key].groups.setdefault(value, {}), cell, n)
    for (cell, (key, _), detail), n in shown.cell_details.items():
        if asked(cell) and answer.kind == COLLATERAL:
            _count(items[key].said.setdefault(cell, {}), detail, n)


def _count(counts: dict[str, int], key: str, n: int) -> None:
    counts[key] = counts.get(key, 0) + n


ITEMS = "items"  # what the rows of listed debriefs are, beside the rollup's dimensions


def _month_counts(connection: sa.Connection, kind: str, by: str | None,
                  first: date | None, last: date | None) -> dict[date, MonthCounts]:
    rollup = reason_rollup.c
    dimensions = [rollups.CELLS, *((by,) if by is not None else ())]
    wholes = sa.select(
        rollup.dimension.label("dimension"), rollup.month.label("month"),
        rollup.outcome.label("outcome"), rollup.value.label("value"),
        sa.null().label("listed"), rollup.debriefs.label("n"),
        rollup.rep_lo.label("rep_lo"), rollup.rep_hi.label("rep_hi")).where(
        rollup.dimension.in_(dimensions), rollup.code == rollups.ALL,
        rollup.is_primary.is_(False),
        *((rollup.month >= first,) if first is not None else ()),
        *((rollup.month <= last,) if last is not None else ()))
    month = rollups.month_column(connection.dialect.name, debriefs.c.created_at)
    outcome = sa.func.coalesce(debriefs.c.outcome, rollups.NOT_GIVEN)
    value = (rollups.value_column(by) if by is not None
             else sa.literal(rollups.NOT_GIVEN, sa.String))
    listed = debriefs.c[kind]
    items = (sa.select(sa.literal(ITEMS).label("dimension"), month, outcome, value, listed,
                       sa.func.count(), sa.func.min(debriefs.c.rep_id),
                       sa.func.max(debriefs.c.rep_id))
             .where(debriefs.c.deleted.is_(False), listed.is_not(None),
                    *rollups.made_in(first, last))
             .group_by(month, outcome, value, listed))
    # Summed as [debriefs, lowest rep, highest rep] first (a row adds to a few keys each,
    # thousands of times), made tallies once at the end.
    sums: dict[date, dict[str, dict[Any, list[int]]]] = defaultdict(
        lambda: {table: {} for table in _TABLES})
    for row in connection.execute(sa.union_all(wholes, items)):
        tables = sums[rollups.as_date(row.month)]
        counted = (row.n, row.rep_lo, row.rep_hi)
        if row.dimension == rollups.CELLS:
            _sum(tables["cells"], row.outcome, counted)
        elif row.dimension != ITEMS:
            _sum(tables["pieces"], (row.outcome, row.value), counted)
        else:
            for key, detail in _named(kind, row.listed).items():
                code: CodeKey = (key, False)
                _sum(tables["cell_codes"], (row.outcome, code), counted)
                if kind == COLLATERAL:
                    _sum(tables["cell_details"], (row.outcome, code, detail), counted)
                if by is not None:
                    _sum(tables["piece_codes"], (row.outcome, row.value, code), counted)
    return {month: MonthCounts(**{table: {key: Tally(*summed) for key, summed in kept.items()}
                                  for table, kept in tables.items()})
            for month, tables in sums.items()}


_TABLES = ("cells", "pieces", "cell_codes", "cell_details", "piece_codes")


def _named(kind: str, listed: str | None) -> dict[str, str]:
    """The keys a debrief's stored list names, each once, with its detail: for
    collateral whether it helped, else NOT_SAID."""
    named: dict[str, str] = {}
    if kind == COLLATERAL:
        for item in listed_from_text(None, listed)["collateral"]:
            named.setdefault(item.key, NOT_SAID if item.helped is None
                             else HELPED if item.helped else DID_NOT_HELP)
    else:
        for key in listed_from_text(listed, None)["failed_criteria"]:
            named.setdefault(key, NOT_SAID)
    return named


def _sum(table: dict[Any, list[int]], key: Any, counted: tuple[int, int, int]) -> None:
    summed = table.get(key)
    if summed is None:
        table[key] = list(counted)
        return
    summed[0] += counted[0]
    summed[1] = min(summed[1], counted[1])
    summed[2] = max(summed[2], counted[2])
