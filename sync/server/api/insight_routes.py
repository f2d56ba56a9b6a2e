"""Insights for marketing: reason codes counted by a dimension, small counts left out."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

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
    ReasonCountsOut,
    errors,
)

router = APIRouter(prefix="/insights", tags=["insights"], responses=errors(**SIGNED_IN))

Analyst = Annotated[User, Depends(require_role("marketing", "admin", action="read insights"))]
Dimension = Literal["outcome", "stage", "industry", "company_size", "region", "competitor",
                    "team", "month", "quarter"]
Text = Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00]*$")]
Month = Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-06"])]
Gone = Annotated[str | None, Query(include_in_schema=False)]


@router.get("/reasons")
def reason_counts(connection: Reading, state: State, _user: Analyst, by: Dimension,
                  first: Annotated[Month, Query(alias="from", description=(
                      "first month counted, YYYY-MM (UTC); periods are whole months"))] = None,
                  to: Annotated[Month, Query(description="last month counted, YYYY-MM, "
                                                         "included")] = None,
                  outcome: Annotated[list[Outcome] | None, Query(
                      description="any of these outcomes; repeat for more")] = None,
                  stage: Annotated[list[Stage] | None, Query(
                      description="any of these stages; repeat for more")] = None,
                  industry: Text = None, company_size: Text = None, region: Text = None,
                  competitor: Text = None, team: Text = None,
                  primary_only: bool = False,
                  since: Gone = None, until: Gone = None,
                  offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
                  limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
                  ) -> ReasonCountsOut:
    """How many debriefs give each reason code, per value of `by`, over whole months.
    Narrow by outcome, stage and at most one of industry, company_size, region,
    competitor and team. Counts of fewer than `min_cell` debriefs, or from one rep, are
    left out of every sum (docs/insights-privacy.md)."""
    for name, given in (("since", since), ("until", until)):
        if given is not None:
            raise field_error(422, ["query", name], (
                "insights count whole months: give from=YYYY-MM and to=YYYY-MM"),
                "whole_months")
    segments = {name: value for name, value in (
        ("industry", industry), ("company_size", company_size), ("region", region),
        ("competitor", competitor), ("team", team)) if value is not None}
    if len(segments) > 1:
        raise field_error(422, ["query", sorted(segments)[1]], (
            "narrow by one of industry, company_size, region, competitor or team at a "
            "time: together they would single out small groups"), "one_segment")
    segment = next(iter(segments.items()), None)
    if segment is not None and segment[0] == "team":
        segment = ("team", insights.team_value(connection, segment[1]))
    try:
        question = insights.Question(
            by=by, first_month=_month(first), last_month=_month(to),
            outcomes=frozenset(o.value for o in outcome or ()),
            stages=frozenset(s.value for s in stage or ()), segment=segment,
            primary_only=primary_only)
    except insights.QuestionError as error:
        raise field_error(422, ["query", error.field], str(error), "question") from None
    min_cell = state.settings.limits.min_cell
    found = insights.answer(connection, question, min_cell=min_cell)
    page = found.groups[offset:offset + limit]
    return ReasonCountsOut(
        by=by, min_cell=min_cell, first_month=first, last_month=to, left_out=found.left_out,
        next_offset=offset + limit if len(found.groups) > offset + limit else None,
        groups=[GroupOut(value=g.value, debriefs=g.debriefs,
                         reasons=[CellOut(code=c.code, debriefs=c.debriefs, share=c.share)
                                  for c in g.reasons]) for g in page])


def _month(text: str | None) -> date | None:
    return None if text is None else date(int(text[:4]), int(text[5:7]), 1)
