"""Insights for marketing: reason codes counted by a dimension, small groups suppressed."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from sync.domain.clock import as_utc
from sync.domain.debrief import Outcome, Stage
from sync.protocol import MAX_PAGE
from sync.server import insights
from sync.server.accounts import User
from sync.server.api.deps import Reading, State, field_error, require_role
from sync.server.api.schemas import (
    DEFAULT_PAGE,
    MAX_OFFSET,
    SIGNED_IN,
    CellOut,
    GroupOut,
    IsoDatetime,
    ReasonCountsOut,
    errors,
)

router = APIRouter(prefix="/insights", tags=["insights"], responses=errors(**SIGNED_IN))

Analyst = Annotated[User, Depends(require_role("marketing", "admin", action="read insights"))]
Dimension = Literal["outcome", "stage", "industry", "company_size", "region", "competitor",
                    "month", "quarter"]
Text = Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00]*$")]


@router.get("/reasons")
def reason_counts(connection: Reading, state: State, _user: Analyst, by: Dimension,
                  outcome: Outcome | None = None, stage: Stage | None = None,
                  industry: Text = None, company_size: Text = None, region: Text = None,
                  competitor: Text = None,
                  since: Annotated[IsoDatetime | None, Query(description=(
                      "debriefs made at or after (ISO 8601; without a zone, UTC)"))] = None,
                  until: Annotated[IsoDatetime | None, Query(
                      description="debriefs made before (ISO 8601; without a zone, UTC)")] = None,
                  primary_only: bool = False,
                  offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
                  limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
                  ) -> ReasonCountsOut:
    """How many debriefs give each reason code, per value of `by`. Groups and cells
    with fewer debriefs than `min_cell`, or from a single rep, are left out."""
    filters = insights.Filters(
        outcome=outcome.value if outcome else None, stage=stage.value if stage else None,
        industry=industry, company_size=company_size, region=region, competitor=competitor,
        since=_utc(since, "since"), until=_utc(until, "until"), primary_only=primary_only)
    min_cell = state.settings.limits.min_cell
    groups, next_offset = insights.reason_counts(connection, by, filters, min_cell=min_cell,
                                                 offset=offset, limit=limit)
    return ReasonCountsOut(by=by, min_cell=min_cell, next_offset=next_offset, groups=[
        GroupOut(value=g.value, debriefs=g.debriefs,
                 reasons=[CellOut(code=c.code, debriefs=c.debriefs, share=c.share)
                          for c in g.reasons]) for g in groups])


def _utc(moment: datetime | None, name: str) -> datetime | None:
    try:
        return as_utc(moment) if moment is not None else None
    except ValueError:  # e.g. 0001-01-01T00:00+01:00 has no UTC time
        raise field_error(422, ["query", name], "date out of range", "datetime_range") from None
