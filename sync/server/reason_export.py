"""Reason counts as an export: the rows of sync.exports.tidy, read from the store a
period at a time, for the format's one writer (sync.exports.writers)."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date, datetime

import sqlalchemy as sa

from sync.domain.clock import to_iso
from sync.domain.taxonomy import Taxonomy
from sync.exports import PERIODS
from sync.exports.tidy import About, Counts, Row, rows
from sync.server import insights, rollups
from sync.server.published import PublishedMonths
from sync.server.tables import debriefs


def about(question: insights.Question, period: str, *, min_cell: int, taxonomy: Taxonomy,
          now: datetime) -> About:
    filters: dict[str, object] = {
        "from": f"{question.first_month:%Y-%m}" if question.first_month else None,
        "to": f"{question.last_month:%Y-%m}" if question.last_month else None,
        "outcome": sorted(question.outcomes)}
    if question.narrow is not None:
        filters[question.narrow[0]] = sorted(question.narrow[1])
    return About(dimensions=question.grouping, period=period, filters=filters,
                 primary_only=question.primary_only, min_cell=min_cell,
                 taxonomy_version=taxonomy.version, made_at=to_iso(now))


def counts(connection: sa.Connection, question: insights.Question, period: str, *,
           published: PublishedMonths, only_months: Collection[date] | None = None
           ) -> Iterator[Counts]:
    """Each period's shown groups, one period read at a time (with `only_months`, only
    the periods holding one of them)."""
    if period not in PERIODS:
        raise insights.QuestionError("period", f"no period {period!r}: one of {PERIODS}")
    first, last = insights.period_of(connection, question)
    if first is None or last is None:
        return
    if period == "all":
        spans = [(first, last)]
    else:
        spans = list(_spans(first, last, 3 if period == "quarter" else 1))
    for start, end in spans:
        if only_months is not None and not any(start <= m <= end for m in only_months):
            continue
        found = insights.answer(connection, question.months(start, end), published)
        label = (f"{start:%Y-%m}" if period == "month" else
                 f"{start.year}-Q{(start.month + 2) // 3}" if period == "quarter" else
                 f"{start:%Y-%m}/{end:%Y-%m}")
        for group in found.groups:
            yield Counts(label, group.values, group.debriefs,
                         [(cell.code, cell.debriefs, cell.share) for cell in group.reasons])


def _spans(first: date, last: date, months: int) -> Iterator[tuple[date, date]]:
    """Calendar months or quarters from the one holding `first` to the one holding
    `last`, each cut to [first, last]."""
    start = date(first.year, (first.month - 1) // months * months + 1, 1)
    while start <= last:
        end = start
        for _ in range(months - 1):
            end = rollups.next_month(end)
        yield max(start, first), min(end, last)
        start = rollups.next_month(end)


def table(connection: sa.Connection, question: insights.Question, period: str, *,
          published: PublishedMonths, taxonomy: Taxonomy,
          only_months: Collection[date] | None = None) -> Iterator[Row]:
    return rows(counts(connection, question, period, published=published,
                       only_months=only_months), taxonomy)


def months_changed_since(connection: sa.Connection, since: datetime) -> set[date]:
    """The months of every debrief received (new, edited or deleted) at or after `since`."""
    month = rollups.month_column(connection.dialect.name, debriefs.c.created_at)
    return {rollups.as_date(value) for value in connection.execute(
        sa.select(month).distinct().where(debriefs.c.received_at >= since)).scalars()}

