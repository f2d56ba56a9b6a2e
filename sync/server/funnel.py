"""The funnel reality check and its sensitivity, for marketing: per stage, the deals
that reached it, those lost or stalled there and why, and the revenue each stage could
regain if its losses fell.

A deal is a CRM reference: debriefs sharing one count once, as their latest debrief;
a debrief without one is a deal of its own. Deals are counted like debriefs in
insights (sync.domain.disclosure): per month (of their latest debrief), cells per
outcome split by stage, small counts left out of every sum. Deal values are summed in
the reporting currency (sync.domain.reporting) over shown pieces only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from sync.domain.debrief import Stage
from sync.domain.disclosure import MonthCounts, Rule, Tally, publish
from sync.domain.reporting import Reporting, regained
from sync.server import rollups
from sync.server.code_map import CodeMap
from sync.server.tables import debriefs

STAGES = tuple(stage.value for stage in Stage)
LOST_OR_STALLED = ("lost", "no_decision")
DECIDED = ("won", "lost", "no_decision")


@dataclass
class Values:
    """Deal values of a shown piece: their sum in the reporting currency, how many had
    one, and how many were left out for want of a rate."""

    total: Decimal = Decimal(0)
    valued: Tally = field(default_factory=Tally)  # the deals with a value counted
    no_rate: int = 0


@dataclass(frozen=True)
class FunnelStage:
    stage: str
    reached: int  # deals whose latest stage is this one or later
    lost_or_stalled: int  # lost or no decision at this stage
    reasons: tuple[tuple[str, int], ...]  # why, most given first
    past_won: int  # deals won after getting past this stage
    past_decided: int  # won, lost or no decision after getting past it
    past_won_value: Decimal  # their value, won ones, in the reporting currency
    past_won_valued: Tally  # won ones past it with a value in the reporting currency
    min_cell: int

    @property
    def loss_rate(self) -> float | None:
        return self.lost_or_stalled / self.reached if self.reached else None

    @property
    def win_rate_past(self) -> float | None:
        return self.past_won / self.past_decided if self.past_decided else None

    @property
    def average_won_value_past(self) -> Decimal | None:
        """Shown only over enough valued deals from two reps or more: an average of one
        deal's value is that deal's value."""
        if not Rule(self.min_cell).safe(self.past_won_valued):
            return None
        return self.past_won_value / self.past_won_valued.debriefs

    def regained(self, fall: Decimal) -> Decimal | None:
        """Revenue regained if losses here fell by `fall` (0..1), as reporting.regained."""
        return regained(self.lost_or_stalled, fall, self.win_rate_past,
                        self.average_won_value_past)


@dataclass(frozen=True)
class Funnel:
    stages: tuple[FunnelStage, ...]
    currency: str
    # Deal values left out of the sums, no rate for their currency: None where fewer than
    # min_cell (but some).
    values_without_rate: int | None
    deals: int = 0  # shown in all
    notes: dict[str, Any] = field(default_factory=dict)


def funnel(connection: sa.Connection, first: date | None, last: date | None, *,
           min_cell: int, reporting: Reporting, codes: CodeMap) -> Funnel:
    rule = Rule(min_cell)
    months: dict[date, MonthCounts] = defaultdict(MonthCounts)
    values: dict[tuple[date, str, str], Values] = defaultdict(Values)
    latest = _latest_deals(first, last)
    rows = connection.execute(latest).all()
    named = rollups.reasons_named(connection, [row.id for row in rows], codes)
    for row in rows:
        month = rollups.month_of(row.created_at)
        counts, cell = months[month], row.outcome or rollups.NOT_GIVEN
        stage = row.stage or rollups.NOT_GIVEN
        one = Tally(1, row.rep_id, row.rep_id)
        _add(counts.cells, cell, one)
        _add(counts.pieces, (cell, stage), one)
        for code in named[row.id].codes if row.id in named else ():
            _add(counts.cell_codes, (cell, (code, False)), one)
            _add(counts.piece_codes, (cell, stage, (code, False)), one)
        if row.deal_value:
            converted = reporting.value_of(row.deal_value, row.currency)
            kept = values[month, cell, stage]
            if converted is None:
                kept.no_rate += 1
            else:
                kept.total += converted
                kept.valued += one
    shown: dict[tuple[str, str], int] = defaultdict(int)
    reasons: dict[tuple[str, str], int] = defaultdict(int)
    money: dict[tuple[str, str], Values] = defaultdict(Values)
    for month, counts in months.items():
        published = publish(rule, counts)
        for (cell, stage), n in published.pieces.items():
            shown[cell, stage] += n
            kept, into = values.get((month, cell, stage)), money[cell, stage]
            if kept is not None:
                into.total += kept.total
                into.valued = into.valued + kept.valued
                into.no_rate += kept.no_rate
        for (cell, stage, (code, _)), n in published.piece_codes.items():
            if cell in LOST_OR_STALLED:
                reasons[stage, code] += n
    no_rate = sum(v.no_rate for v in money.values())
    return Funnel(tuple(_stage(index, stage, shown, reasons, money, min_cell)
                        for index, stage in enumerate(STAGES)),
                  reporting.currency,
                  no_rate if no_rate == 0 or no_rate >= min_cell else None,
                  sum(shown.values()))


def _stage(index: int, stage: str, shown: dict[tuple[str, str], int],
           reasons: dict[tuple[str, str], int], money: dict[tuple[str, str], Values],
           min_cell: int) -> FunnelStage:
    later = STAGES[index:]
    past = STAGES[index + 1:]
    reached = sum(n for (_, s), n in shown.items() if s in later)
    lost = sum(shown[outcome, stage] for outcome in LOST_OR_STALLED)
    why = sorted(((code, n) for (s, code), n in reasons.items() if s == stage),
                 key=lambda item: (-item[1], item[0]))
    won_past = sum(shown["won", s] for s in past)
    decided_past = sum(shown[o, s] for o in DECIDED for s in past)
    value = sum((money["won", s].total for s in past), Decimal(0))
    valued = Tally()
    for s in past:
        valued += money["won", s].valued
    return FunnelStage(stage, reached, lost, tuple(why[:5]), won_past, decided_past,
                       value, valued, min_cell)


def _add(table: dict, key: Any, one: Tally) -> None:
    table[key] = table.get(key, Tally()) + one


def _latest_deals(first: date | None, last: date | None) -> sa.Select[Any]:
    """Each deal's latest debrief made in the period: a debrief without a CRM reference,
    or the latest (by when made, then id) of those sharing one."""
    later = debriefs.alias("later")
    newer = sa.exists().where(
        later.c.crm_ref == debriefs.c.crm_ref, later.c.deleted.is_(False),
        sa.or_(later.c.created_at > debriefs.c.created_at,
               sa.and_(later.c.created_at == debriefs.c.created_at,
                       later.c.id > debriefs.c.id)))
    where = [debriefs.c.deleted.is_(False),
             sa.or_(debriefs.c.crm_ref.is_(None), sa.not_(newer)),
             *rollups.made_in(first, last)]
    return sa.select(debriefs.c.id, debriefs.c.rep_id, debriefs.c.created_at,
                     debriefs.c.outcome, debriefs.c.stage, debriefs.c.deal_value,
                     debriefs.c.currency).where(*where)
