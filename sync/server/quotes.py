"""The quotes reps chose to share, for marketing: per reason, with the month, outcome and
those of stage, industry, company size and region whose group passes suppression;
never the rep, never the account (which never leaves the rep's computer).

A quote is listed under a reason only when that reason's count in its month and
outcome is shown (sync.domain.disclosure), and each of its attributes only when the
count of that reason in the attribute's group is shown too; others read "withheld".
Quotes come in an order that says nothing of when they were made within a month.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from sync.domain.disclosure import ShownMonth
from sync.server import insights, rollups
from sync.server.code_map import CodeMap
from sync.server.published import PublishedMonths
from sync.server.tables import debrief_reasons, debriefs

ATTRIBUTES = ("stage", "industry", "company_size", "region")
WITHHELD = "withheld"  # an attribute whose group is too small to show


@dataclass(frozen=True)
class SharedQuote:
    text: str
    code: str
    outcome: str
    month: str  # YYYY-MM
    attributes: dict[str, str | None]  # None: not given; WITHHELD: its group is small


@dataclass(frozen=True)
class QuoteSearch:
    first_month: date | None = None
    last_month: date | None = None
    outcomes: frozenset[str] = frozenset()
    code: str | None = None
    text: str | None = None  # words the quote holds (case-insensitive)


def shared_quotes(connection: sa.Connection, search: QuoteSearch, *,
                  published: PublishedMonths, codes: CodeMap, offset: int, limit: int
                  ) -> tuple[list[SharedQuote], int | None]:
    """One page of quotes (a quote once per reason it is listed under), and the offset
    of the next page (None at the end)."""
    found = list(itertools.islice(listed(connection, search, published, codes),
                                  offset + limit + 1))
    page = found[offset:offset + limit]
    return page, offset + limit if len(found) > offset + limit else None


def listed(connection: sa.Connection, search: QuoteSearch, published: PublishedMonths,
           codes: CodeMap) -> Iterator[SharedQuote]:
    """Every quote the search finds, once per reason it is listed under (by the codes
    standing now: `codes`), in the order pages give them."""
    shown = _published(connection, search, published)
    seen: set[tuple[str, str]] = set()
    for row in _candidates(connection, search, codes):
        if (row.id, row.code) in seen:
            continue  # a code named twice, with two details: the quote is listed once
        seen.add((row.id, row.code))
        month = rollups.month_of(row.created_at)
        cells = shown[None].get(month)
        outcome = row.outcome or rollups.NOT_GIVEN
        if cells is None or not cells.shows(outcome, row.code):
            continue
        attributes: dict[str, str | None] = {}
        for name in ATTRIBUTES:
            value = row._mapping[name] or rollups.NOT_GIVEN
            pieces = shown[name].get(month)
            visible = pieces is not None and pieces.shows(outcome, row.code, value)
            attributes[name] = (value or None) if visible else WITHHELD
        yield SharedQuote(row.quote, row.code, outcome, f"{month:%Y-%m}", attributes)


def _published(connection: sa.Connection, search: QuoteSearch, published: PublishedMonths
               ) -> dict[str | None, dict[date, ShownMonth]]:
    shown: dict[str | None, dict[date, ShownMonth]] = defaultdict(dict)
    for dimension in (None, *ATTRIBUTES):
        question = insights.Question(by=dimension or "outcome",
                                     first_month=search.first_month,
                                     last_month=search.last_month, outcomes=search.outcomes)
        shown[dimension] = insights.published(connection, question, published)
    return shown


def holds_words(column: sa.ColumnElement[str], text: str) -> sa.ColumnElement[bool]:
    """SQL: `column` holds `text`, case-insensitive, its % and _ taken as themselves."""
    pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%") \
        .replace("_", "\\_") + "%"
    return sa.func.lower(column).like(pattern, escape="\\")


def _candidates(connection: sa.Connection, search: QuoteSearch, codes: CodeMap) -> sa.Result:
    code = codes.column(debrief_reasons.c.code)
    where = [debriefs.c.deleted.is_(False), debriefs.c.share_quote.is_(True),
             debriefs.c.quote.is_not(None),
             *rollups.made_in(search.first_month, search.last_month)]
    if search.outcomes:
        where.append(debriefs.c.outcome.in_(sorted(search.outcomes)))
    if search.code is not None:
        where.append(debrief_reasons.c.code.in_(codes.stored(search.code)))
    if search.text:
        where.append(holds_words(debriefs.c.quote, search.text))
    # The id's random tail: an order that does not follow when quotes were made.
    shuffle = sa.func.substr(debriefs.c.id, 25, 12)
    return connection.execute(
        sa.select(debriefs.c.id, debriefs.c.quote, debriefs.c.created_at, debriefs.c.outcome,
                  *(debriefs.c[name] for name in ATTRIBUTES), code.label("code"))
        .select_from(debriefs.join(debrief_reasons,
                                   debrief_reasons.c.debrief_id == debriefs.c.id))
        .where(*where).order_by(code, shuffle, debriefs.c.id))
