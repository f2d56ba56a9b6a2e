"""Insights for marketing: reason codes counted by a dimension, small counts left out;
the shared quotes; and the counts and the quotes exported as CSV, XLSX or JSON,
streamed."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, BinaryIO, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from sync.domain.clock import to_iso
from sync.domain.debrief import Outcome, Readiness, Stage
from sync.exports import MEDIA_TYPES, lead_table, writers
from sync.exports.lead_table import LeadAbout, lead_rows
from sync.exports.quote_table import PlaysAbout, QuotesAbout, play_rows, quote_rows
from sync.exports.tidy import Heading, Line
from sync.exports.xlsx_file import TooManyRows
from sync.protocol import MAX_PAGE
from sync.server import funnel, insights, lead_counts, plays, quotes, reason_export
from sync.server import other_words as other_words_
from sync.server.accounts import User
from sync.server.api.deps import Reading, State, field_error, require_role
from sync.server.api.schemas import (
    DEFAULT_PAGE,
    MAX_OFFSET,
    SIGNED_IN,
    CellOut,
    DetailOut,
    FunnelOut,
    FunnelStageOut,
    GroupOut,
    LeadCountsOut,
    LeadItemOut,
    OtherWordsOut,
    PlayOut,
    PlaysOut,
    QuoteOut,
    QuotesOut,
    ReasonCountsOut,
    StageReasonOut,
    SuggestedCodeOut,
    errors,
)
from sync.server.api.state import ServerState
from sync.server.database import reading

router = APIRouter(prefix="/insights", tags=["insights"], responses=errors(**SIGNED_IN))
exports = APIRouter(prefix="/exports", tags=["exports"], responses=errors(**SIGNED_IN))

Analyst = Annotated[User, Depends(require_role("marketing", "admin", action="read insights"))]
Dimension = Literal["outcome", "stage", "industry", "company_size", "region", "competitor",
                    "team", "lead_source", "sales_ready", "month", "quarter"]
Text = Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00]*$")]
Month = Annotated[str | None, Query(pattern=r"^[12]\d{3}-(0[1-9]|1[0-2])$", examples=["2026-06"])]
Gone = Annotated[str | None, Query(include_in_schema=False)]
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Asked:
    """The parts of a question every insights route takes: period and narrowing."""

    first: str | None
    last: str | None
    outcomes: frozenset[str]
    narrow: tuple[str, frozenset[str]] | None
    primary_only: bool

    def question(self, by: str | tuple[str, ...]) -> insights.Question:
        try:
            return insights.Question(
                by=by, first_month=_month(self.first), last_month=_month(self.last),
                outcomes=self.outcomes, narrow=self.narrow, primary_only=self.primary_only)
        except insights.QuestionError as error:
            raise field_error(422, ["query", error.field], str(error), error.kind) from None


def asked(connection: Reading,
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
          lead_source: Text = None,
          sales_ready: Annotated[Readiness | None, Query()] = None,
          primary_only: bool = False,
          since: Gone = None, until: Gone = None) -> Asked:
    for name, given in (("since", since), ("until", until)):
        if given is not None:
            raise field_error(422, ["query", name], (
                "insights count whole months: give from=YYYY-MM and to=YYYY-MM"),
                "whole_months")
    one = {"industry": industry, "company_size": company_size, "region": region,
           "competitor": competitor, "team": team, "lead_source": lead_source,
           "sales_ready": sales_ready.value if sales_ready else None}
    try:
        narrow = insights.narrowing(connection, {
            "stage": frozenset(s.value for s in stage or ()),
            **{name: frozenset([value]) for name, value in one.items() if value is not None}})
    except insights.QuestionError as error:
        raise field_error(422, ["query", error.field], str(error), error.kind) from None
    return Asked(first, to, frozenset(o.value for o in outcome or ()), narrow, primary_only)


Question = Annotated[Asked, Depends(asked)]


@router.get("/reasons")
def reason_counts(connection: Reading, state: State, _user: Analyst, question: Question,
                  by: Dimension,
                  offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
                  limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
                  ) -> ReasonCountsOut:
    """How many debriefs give each reason code, per value of `by`, over whole months.
    Narrow by outcome and by one of stage, industry, company_size, region, competitor,
    team, lead_source and sales_ready. Counts of fewer than `min_cell` debriefs, or from
    one rep, are left out of every sum (docs/insights-privacy.md)."""
    min_cell = state.settings.limits.min_cell
    found = insights.answer(connection, question.question(by), state.published)
    page = found.groups[offset:offset + limit]
    return ReasonCountsOut(
        by=by, min_cell=min_cell, first_month=question.first, last_month=question.last,
        left_out=found.left_out,
        next_offset=offset + limit if len(found.groups) > offset + limit else None,
        groups=[GroupOut(value=g.value, debriefs=g.debriefs,
                         reasons=[CellOut(code=c.code, debriefs=c.debriefs, share=c.share,
                                          details=[DetailOut(detail=d.detail,
                                                             debriefs=d.debriefs,
                                                             share=d.share)
                                                   for d in c.details])
                                  for c in g.reasons]) for g in page])


def months(first: Annotated[Month, Query(alias="from")] = None, to: Month = None
           ) -> tuple[date | None, date | None]:
    """The first and last month of a period (the funnel's, the quotes'), in order."""
    first_month, last_month = _month(first), _month(to)
    if first_month and last_month and first_month > last_month:
        raise field_error(422, ["query", "to"], "the period ends before it starts", "question")
    return first_month, last_month


Months = Annotated[tuple[date | None, date | None], Depends(months)]


@router.get("/funnel")
def funnel_check(connection: Reading, state: State, _user: Analyst, period: Months
                 ) -> FunnelOut:
    """The funnel reality check: per stage, the deals that reached it, those lost or
    stalled there and why, and what the sensitivity view needs (the win rate and average
    won value of deals that got past it). Counted like insights: small counts left out."""
    first_month, last_month = period
    min_cell = state.settings.limits.min_cell
    found = funnel.funnel(connection, first_month, last_month, min_cell=min_cell,
                          reporting=state.reporting,
                          codes=state.lists.current(connection).codes)
    return FunnelOut(
        counting="Debriefs that share a CRM reference count as one deal, its latest "
                 "debrief; a debrief without one is a deal of its own.",
        currency=found.currency, values_without_rate=found.values_without_rate,
        min_cell=min_cell, deals=found.deals, stages=[FunnelStageOut(
            stage=stage.stage, reached=stage.reached, lost_or_stalled=stage.lost_or_stalled,
            loss_rate=None if stage.loss_rate is None else round(stage.loss_rate, 4),
            reasons=[StageReasonOut(code=code, deals=n) for code, n in stage.reasons],
            win_rate_past=None if stage.win_rate_past is None else round(
                stage.win_rate_past, 4),
            average_won_value_past=None if stage.average_won_value_past is None
            else str(round(stage.average_won_value_past, 2)))
            for stage in found.stages])


def quote_search(period: Months,
                 outcome: Annotated[list[Outcome] | None, Query()] = None,
                 code: Annotated[str | None, Query(max_length=64,
                                                   pattern=r"^[a-z0-9_.-]+$")] = None,
                 q: Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00]*$",
                                                description="words the quote holds")] = None,
                 ) -> quotes.QuoteSearch:
    """The search every quotes route takes."""
    return quotes.QuoteSearch(*period, frozenset(o.value for o in outcome or ()), code,
                              q or None)


Searched = Annotated[quotes.QuoteSearch, Depends(quote_search)]


@router.get("/quotes")
def shared_quotes(connection: Reading, state: State, _user: Analyst, search: Searched,
                  offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
                  limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
                  ) -> QuotesOut:
    """The quotes reps chose to share, listed under each reason whose count is shown,
    with month, outcome, and each of stage, industry, company size and region whose
    group is shown ('withheld' otherwise); never the rep or the account."""
    min_cell = state.settings.limits.min_cell
    page, next_offset = quotes.shared_quotes(connection, search, published=state.published,
                                             codes=state.lists.current(connection).codes,
                                             offset=offset, limit=limit)
    return QuotesOut(min_cell=min_cell, next_offset=next_offset, quotes=[
        QuoteOut(text=quote.text, code=quote.code, outcome=quote.outcome, month=quote.month,
                 **quote.attributes) for quote in page])


def _file(what: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI answer of an export route: `what`, in each format."""
    return {200: {"description": f"{what} (docs/exports.md), streamed", "content": {
        MEDIA_TYPES[kind]: {} for kind in ("csv", "xlsx", "json")}}}


Kind = Literal["csv", "xlsx", "json"]
Dialect = Annotated[Literal["plain", "excel"], Query(description=(
    "csv only: excel adds a byte order mark, for Excel"))]


@router.get("/other-words")
def other_words(connection: Reading, state: State, _user: Analyst) -> OtherWordsOut:
    """Suggested new codes: the few words reps gave "Other" alike in enough debriefs
    (min_cell from two reps or more in a month, small groups left out as every count
    is), summed over the last 12 months, this one included."""
    current = state.lists.current(connection)
    found = other_words_.suggestions(connection, current.taxonomy, current.codes,
                                     state.clock.now(), state.settings.limits.min_cell)
    return OtherWordsOut(first_month=f"{found.first_month:%Y-%m}",
                         last_month=f"{found.last_month:%Y-%m}",
                         min_cell=state.settings.limits.min_cell,
                         suggested=[SuggestedCodeOut(words=s.words, debriefs=s.debriefs)
                                    for s in found.suggested])


@router.get("/plays")
def shared_plays(connection: Reading, state: State, _user: Analyst, search: Searched,
                 offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
                 limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
                 ) -> PlaysOut:
    """The plays reps chose to share ("what worked"), whose month and outcome count is
    shown, with each of stage, industry, company size and region whose group is shown
    ('withheld' otherwise); never the rep or the account. `code` is not used: a play
    belongs to the debrief."""
    page, next_offset = plays.shared_plays(connection, search, published=state.published,
                                           offset=offset, limit=limit)
    return PlaysOut(min_cell=state.settings.limits.min_cell, next_offset=next_offset,
                    plays=[PlayOut(text=play.text, outcome=play.outcome, month=play.month,
                                   **play.attributes) for play in page])


Grouping = Annotated[Literal["stage", "industry", "company_size", "region", "competitor",
                             "lead_source", "sales_ready"] | None, Query(
    description="group by this dimension too (one at a time); none: by outcome only")]
Outcomes = Annotated[list[Outcome] | None, Query(
    description="any of these outcomes; repeat for more")]


@router.get("/collateral")
def collateral_counts(connection: Reading, state: State, _user: Analyst, period: Months,
                      by: Grouping = None, outcome: Outcomes = None) -> LeadCountsOut:
    """The collateral reps used, per outcome (and per group of `by`), and whether they
    said it helped; counted like reasons, small counts left out."""
    return _lead_counts(connection, state, lead_counts.COLLATERAL, period, by, outcome)


@router.get("/criteria")
def criteria_counts(connection: Reading, state: State, _user: Analyst, period: Months,
                    by: Grouping = None, outcome: Outcomes = None) -> LeadCountsOut:
    """The sales-qualified-lead criteria leads failed, per outcome (and per group of
    `by`, lead_source for where leads fail most); counted like reasons, small counts
    left out."""
    return _lead_counts(connection, state, lead_counts.CRITERIA, period, by, outcome)


def _lead_counts(connection: sa.Connection, state: ServerState, kind: str,
                 period: tuple[date | None, date | None], by: str | None,
                 outcome: list[Outcome] | None) -> LeadCountsOut:
    min_cell = state.settings.limits.min_cell
    found = lead_counts.lead_counts(connection, kind, by=by, first=period[0],
                                    last=period[1],
                                    outcomes=frozenset(o.value for o in outcome or ()),
                                    min_cell=min_cell)
    return LeadCountsOut(
        by=by, min_cell=min_cell, outcomes=found.cells, groups=found.groups,
        left_out=found.left_out, items=[LeadItemOut(
            key=item.key, debriefs=item.debriefs, outcomes=item.outcomes,
            groups=item.groups, said=item.said if kind == lead_counts.COLLATERAL else None)
            for item in found.items])


@exports.get("/collateral.{kind}", response_class=StreamingResponse,
             responses=_file("one row per collateral item, group value and outcome"))
def export_collateral(state: State, _user: Analyst, period: Months, kind: Kind,
                      by: Grouping = None, outcome: Outcomes = None,
                      dialect: Dialect = "plain") -> StreamingResponse:
    """What `/insights/collateral` counts, as one file; small counts left out alike."""
    return _lead_export(state, lead_counts.COLLATERAL, period, by, outcome, kind, dialect)


@exports.get("/criteria.{kind}", response_class=StreamingResponse,
             responses=_file("one row per criterion, group value and outcome"))
def export_criteria(state: State, _user: Analyst, period: Months, kind: Kind,
                    by: Grouping = None, outcome: Outcomes = None,
                    dialect: Dialect = "plain") -> StreamingResponse:
    """What `/insights/criteria` counts, as one file; small counts left out alike."""
    return _lead_export(state, lead_counts.CRITERIA, period, by, outcome, kind, dialect)


def _lead_export(state: ServerState, kind: str, period: tuple[date | None, date | None],
                 by: str | None, outcome: list[Outcome] | None, file_kind: str,
                 dialect: str) -> StreamingResponse:
    first, last = (f"{month:%Y-%m}" if month else None for month in period)
    filters: dict[str, object] = {"from": first, "to": last,
                                  "outcome": sorted(o.value for o in outcome or ())}
    about = LeadAbout(lead_table.COLLATERAL if kind == lead_counts.COLLATERAL
                      else lead_table.CRITERIA, by, filters,
                      state.settings.limits.min_cell, to_iso(state.clock.now()))
    listed = lead_table.LISTED_IN[about.kind]
    name = f"debrief-{about.kind}-{first or 'start'}-{last or 'now'}.{file_kind}"

    def table(connection) -> Iterator:  # type: ignore[no-untyped-def]
        leads = state.lists.current(connection).documents.lists.leads
        answer = _lead_counts(connection, state, kind, period, by, outcome)
        return lead_rows(about, answer.model_dump(), lambda key: leads.label(listed, key))

    return _streamed(state, file_kind, dialect, about, table, name, narrowed_by="by")


@exports.get("/plays.{kind}", response_class=StreamingResponse,
             responses=_file("the shared plays, one row per play"))
def export_plays(state: State, _user: Analyst, search: Searched, kind: Kind,
                 dialect: Dialect = "plain") -> StreamingResponse:
    """The plays `/insights/plays` lists, every page, as one file: text that a
    spreadsheet would run as a formula comes out inert."""
    filters = _search_filters(search)
    about = PlaysAbout(filters, state.settings.limits.min_cell, to_iso(state.clock.now()))
    name = f"debrief-plays-{filters['from'] or 'start'}-{filters['to'] or 'now'}.{kind}"

    def table(connection) -> Iterator:  # type: ignore[no-untyped-def]
        return play_rows({"text": play.text, "outcome": play.outcome, "month": play.month,
                          **play.attributes}
                         for play in plays.listed(connection, search, state.published))

    return _streamed(state, kind, dialect, about, table, name, narrowed_by="from")


@exports.get("/reasons.{kind}", response_class=StreamingResponse,
             responses=_file("the tidy table"))
def export_reasons(state: State, _user: Analyst, question: Question, kind: Kind,
                   by: Annotated[list[Dimension] | None, Query(description=(
                       "the group columns, in order; repeat for more (at most one of "
                       "stage, industry, company_size, region, competitor, team, "
                       "lead_source, sales_ready)"))] = None,
                   period: Annotated[Literal["month", "quarter", "all"], Query(
                       description="what each row's period is")] = "month",
                   dialect: Dialect = "plain") -> StreamingResponse:
    """Reason counts as one row per period, group value(s) and reason code, with the
    taxonomy's labels; suppressed exactly as the insights route."""
    asked_question = question.question(tuple(by or ("outcome",)))
    min_cell = state.settings.limits.min_cell
    taxonomy = state.lists.read(state.engine).taxonomy
    about = reason_export.about(asked_question, period, min_cell=min_cell, taxonomy=taxonomy,
                                now=state.clock.now())
    name = f"debrief-reasons-{question.first or 'start'}-{question.last or 'now'}.{kind}"

    def table(connection) -> Iterator:  # type: ignore[no-untyped-def]
        return reason_export.table(connection, asked_question, period,
                                   published=state.published, taxonomy=taxonomy)

    return _streamed(state, kind, dialect, about, table, name, narrowed_by="by")


@exports.get("/quotes.{kind}", response_class=StreamingResponse,
             responses=_file("the shared quotes, one row per quote and reason"))
def export_quotes(state: State, _user: Analyst, search: Searched, kind: Kind,
                  dialect: Dialect = "plain") -> StreamingResponse:
    """The quotes `/insights/quotes` lists, every page, as one file: text that a
    spreadsheet would run as a formula comes out inert."""
    current = state.lists.read(state.engine)
    taxonomy = current.taxonomy
    filters = {**_search_filters(search), "code": search.code}
    about = QuotesAbout(filters, state.settings.limits.min_cell, taxonomy.version,
                        to_iso(state.clock.now()))
    name = f"debrief-quotes-{filters['from'] or 'start'}-{filters['to'] or 'now'}.{kind}"

    def table(connection) -> Iterator:  # type: ignore[no-untyped-def]
        return quote_rows(({"text": quote.text, "code": quote.code, "outcome": quote.outcome,
                            "month": quote.month, **quote.attributes}
                           for quote in quotes.listed(connection, search, state.published,
                                                      current.codes)),
                          taxonomy)

    return _streamed(state, kind, dialect, about, table, name, narrowed_by="from")


def _search_filters(search: quotes.QuoteSearch) -> dict[str, object]:
    """A quotes or plays search as an export's head states it."""
    return {"from": f"{search.first_month:%Y-%m}" if search.first_month else None,
            "to": f"{search.last_month:%Y-%m}" if search.last_month else None,
            "outcome": sorted(search.outcomes), "words": search.text}


def _streamed(state: ServerState, kind: str, dialect: str, about: Heading,
              table: Callable[[sa.Connection], Iterator[Line]], name: str, *,
              narrowed_by: str) -> StreamingResponse:
    """An export as a download: text formats written as they are read, a workbook made
    whole first (it is whole only when closed), then streamed."""
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if kind == "xlsx":
        made = tempfile.TemporaryFile()  # noqa: SIM115 (closed once streamed)
        try:
            with reading(state.engine) as connection:
                writers.write("xlsx", made, table(connection), about)
        except TooManyRows as error:
            made.close()
            raise field_error(422, ["query", narrowed_by], str(error), "too_many_rows") \
                from None
        made.seek(0)
        return StreamingResponse(_file_chunks(made), media_type=MEDIA_TYPES["xlsx"],
                                 headers=headers)
    text_kind = "csv-excel" if kind == "csv" and dialect == "excel" else kind

    def streamed() -> Iterator[bytes]:
        with reading(state.engine) as connection:
            yield from writers.chunks(text_kind, table(connection), about)

    return StreamingResponse(streamed(), media_type=MEDIA_TYPES[text_kind], headers=headers)


def _file_chunks(made: BinaryIO) -> Iterator[bytes]:
    try:
        while chunk := made.read(CHUNK):
            yield chunk
    finally:
        made.close()


def _month(text: str | None) -> date | None:
    return None if text is None else insights.month_of_text(text)  # checked by `Month`
