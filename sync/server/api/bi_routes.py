"""For BI tools (Excel or Power BI Power Query, docs/bi.md): reason counts as the tidy
table of the exports, in JSON pages, with `since` for refreshing only what changed.
The route is stable: rows keep their columns for as long as `schema` says
debrief.reason-counts/1."""

from __future__ import annotations

import itertools
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from sync.domain.clock import as_utc, to_iso
from sync.protocol import MAX_PAGE
from sync.server import reason_export
from sync.server.api.deps import Reading, State, field_error
from sync.server.api.insight_routes import Analyst, Dimension, Question
from sync.server.api.schemas import MAX_OFFSET, SIGNED_IN, IsoDatetime, errors

router = APIRouter(prefix="/bi", tags=["bi"], responses=errors(**SIGNED_IN))


class ReasonRowsOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    schema_: Literal["debrief.reason-counts/1"] = Field(alias="schema")
    as_of: str = Field(description="when this answer was made: pass it as `since` next "
                                   "time to fetch only the periods changed since")
    dimensions: list[str]
    period: str
    filters: dict[str, Any]
    counted: str
    min_cell: int
    taxonomy_version: str
    columns: list[str]
    rows: list[dict[str, Any]] = Field(description=(
        "one per period, group value(s) and reason code; see docs/exports.md"))
    next_offset: int | None = Field(description="null: the last page")


@router.get("/reason-counts", response_model=ReasonRowsOut, response_model_by_alias=True)
def reason_counts(connection: Reading, state: State, _user: Analyst, question: Question,
                  by: Annotated[list[Dimension] | None, Query(description=(
                      "the group columns, in order; repeat for more"))] = None,
                  period: Annotated[Literal["month", "quarter", "all"], Query()] = "month",
                  since: Annotated[IsoDatetime | None, Query(
                      alias="changed_since", description=(
                          "only the periods holding debriefs received at or after this "
                          "(a previous answer's as_of)"))] = None,
                  offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
                  limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = MAX_PAGE,
                  ) -> dict[str, Any]:
    """Reason counts, a page of rows at a time, suppressed exactly as in Insights."""
    asked = question.question(tuple(by or ("outcome",)))
    now = state.clock.now()
    changed = None
    if since is not None:
        try:
            changed = reason_export.months_changed_since(connection, as_utc(since))
        except (OverflowError, ValueError):
            raise field_error(422, ["query", "changed_since"], "date out of range",
                              "datetime_range") from None
    min_cell = state.settings.limits.min_cell
    taxonomy = state.lists.current(connection).taxonomy
    about = reason_export.about(asked, period, min_cell=min_cell, taxonomy=taxonomy, now=now)
    table = reason_export.table(connection, asked, period, published=state.published,
                                taxonomy=taxonomy, only_months=changed)
    page = list(itertools.islice(table, offset, offset + limit + 1))
    columns = list(about.columns)
    return {**about.as_dict(), "as_of": to_iso(now), "columns": columns,
            "rows": [dict(zip(columns, row.cells(), strict=True)) for row in page[:limit]],
            "next_offset": offset + limit if len(page) > limit else None}

