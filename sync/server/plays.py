"""The plays reps chose to share with marketing ("what worked"), to turn into programs:
each with its month and outcome, and those of stage, industry, company size and region
whose group passes suppression; never the rep, never the account. No more attributes
than a quote has: each shown one narrows the debrief a text came from, and together
they would single out small groups (as narrowing by two dimensions would).

A play is listed only when the count of its month and outcome is shown
(sync.domain.disclosure), and each attribute only when its group in that cell is shown
too; others read "withheld", as quotes' do (sync.server.quotes). Plays come in an order
that says nothing of when they were made within a month.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from sync.server import insights, rollups
from sync.server.published import PublishedMonths
from sync.server.quotes import WITHHELD, QuoteSearch, holds_words
from sync.server.tables import debriefs

ATTRIBUTES = ("stage", "industry", "company_size", "region")  # as a quote's


@dataclass(frozen=True)
class SharedPlay:
    text: str
    outcome: str
    month: str  # YYYY-MM
    attributes: dict[str, str | None]  # None: not given; WITHHELD: a small group


def shared_plays(connection: sa.Connection, search: QuoteSearch, *,
                 published: PublishedMonths, offset: int, limit: int
                 ) -> tuple[list[SharedPlay], int | None]:
    """One page of plays, and the offset of the next page (None at the end). The
    search's code is not used: a play is the debrief's, not a reason's."""
    found = list(itertools.islice(listed(connection, search, published),
                                  offset + limit + 1))
    return found[offset:offset + limit], (offset + limit if len(found) > offset + limit
                                          else None)


def listed(connection: sa.Connection, search: QuoteSearch, published: PublishedMonths
           ) -> Iterator[SharedPlay]:
    """Every play the search finds whose cell is shown, in the order pages give them."""
    shown = {dimension: insights.published(connection, insights.Question(
        by=dimension or "outcome", first_month=search.first_month,
        last_month=search.last_month, outcomes=search.outcomes), published)
        for dimension in (None, *ATTRIBUTES)}
    for row in _candidates(connection, search):
        month = rollups.month_of(row.created_at)
        outcome = row.outcome or rollups.NOT_GIVEN
        month_shown = shown[None].get(month)
        if month_shown is None or outcome not in month_shown.cells:
            continue
        attributes: dict[str, str | None] = {}
        for name in ATTRIBUTES:
            value = row._mapping[name] or rollups.NOT_GIVEN
            month_shown = shown[name].get(month)
            pieces = month_shown.cells.get(outcome) if month_shown is not None else None
            visible = pieces is not None and value in pieces.pieces
            attributes[name] = (value or None) if visible else WITHHELD
        yield SharedPlay(row.play, outcome, f"{month:%Y-%m}", attributes)


def _candidates(connection: sa.Connection, search: QuoteSearch) -> sa.Result:
    where = [debriefs.c.deleted.is_(False), debriefs.c.share_play.is_(True),
             debriefs.c.play.is_not(None),
             *rollups.made_in(search.first_month, search.last_month)]
    if search.outcomes:
        where.append(debriefs.c.outcome.in_(sorted(search.outcomes)))
    if search.text:
        where.append(holds_words(debriefs.c.play, search.text))
    shuffle = sa.func.substr(debriefs.c.id, 25, 12)  # the id's random tail
    return connection.execute(
        sa.select(debriefs.c.id, debriefs.c.play, debriefs.c.created_at, debriefs.c.outcome,
                  *(debriefs.c[name] for name in ATTRIBUTES))
        .where(*where).order_by(shuffle, debriefs.c.id))
