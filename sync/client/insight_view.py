"""Marketing's Insights view, without Qt: the filters chosen, the questions they make
for the central store (`/insights/reasons`), the answers kept for offline use, and what
the workspace draws from them (Pareto rows, trend lines, segment and competitor tables).

Every number here is one the server published (sync.domain.disclosure): the view only
adds up counts of different outcomes, which no debrief shares.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sync.domain import reporting

PRESETS = ("last_3_months", "last_6_months", "last_12_months", "this_year", "custom")
NARROW_DIMENSIONS = ("stage", "industry", "company_size", "region", "competitor", "team",
                     "lead_source", "sales_ready")
SEGMENT_DIMENSIONS = ("industry", "company_size", "region", "team", "lead_source",
                      "sales_ready")
WIN_OUTCOMES = ("won", "progressed")
LOSS_OUTCOMES = ("lost", "no_decision", "objection")
OUTCOMES = ("won", "lost", "no_decision", "objection", "progressed")
DECIDED = ("won", "lost", "no_decision")  # what a win rate is taken over
QUOTES = "quotes"  # the answer that holds the shared quotes, not a reason count
PLAYS = "plays"  # the answer that holds the shared plays
FUNNEL = "funnel"  # the answer that holds the funnel reality check
COLLATERAL = "collateral"  # the answers of the collateral used and the criteria failed,
CRITERIA = "criteria"  # named as their routes
LEAD_KINDS = (COLLATERAL, CRITERIA)
# What the collateral and criteria tables may be grouped by ("": not grouped).
LEAD_DIMENSIONS = ("", "stage", "industry", "company_size", "region", "lead_source",
                   "sales_ready", "competitor")


def month_text(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_back(day: date, count: int) -> str:
    """The month `count - 1` months before `day`'s: the first of `count` months."""
    index = day.year * 12 + day.month - 1 - (count - 1)
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def period_of(preset: str, today: date) -> tuple[str, str]:
    """(first, last) month of a preset, the current month included."""
    if preset == "this_year":
        return f"{today.year:04d}-01", month_text(today)
    counts = {"last_3_months": 3, "last_6_months": 6, "last_12_months": 12}
    if preset not in counts:
        raise ValueError(f"no preset {preset!r}")
    return months_back(today, counts[preset]), month_text(today)


@dataclass(frozen=True)
class InsightView:
    """What marketing asked to see."""

    first: str  # YYYY-MM
    last: str  # YYYY-MM, included
    outcomes: tuple[str, ...] = ()  # empty: all
    narrow: tuple[str, str] | None = None  # (dimension, value): only that value
    primary_only: bool = False
    segment_dimension: str = "industry"  # what the Segments table is by
    collateral_by: str = "stage"  # what the Collateral table is grouped by ("": none)
    criteria_by: str = "lead_source"  # and the Lead criteria table

    def key(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    def with_changes(self, **changes: Any) -> InsightView:
        return replace(self, **changes)

    def _base(self) -> dict[str, Any]:
        params: dict[str, Any] = {"from": self.first, "to": self.last}
        if self.outcomes:
            params["outcome"] = list(self.outcomes)
        if self.narrow is not None:
            params[self.narrow[0]] = self.narrow[1]
        if self.primary_only:
            params["primary_only"] = "true"
        return params

    def funnel_question(self) -> dict[str, Any]:
        """What `/insights/funnel` is asked: the period (the funnel spans every outcome)."""
        return {"from": self.first, "to": self.last}

    def quote_question(self) -> dict[str, Any]:
        """What `/insights/quotes` is asked: the period and outcomes (quotes are shown
        with their own segment and stage, where those groups are shown)."""
        params: dict[str, Any] = {"from": self.first, "to": self.last}
        if self.outcomes:
            params["outcome"] = list(self.outcomes)
        return params

    def lead_question(self, kind: str) -> dict[str, Any]:
        """What `/insights/collateral` or `/insights/criteria` is asked: the period,
        the outcomes, and the table's grouping (they are not narrowed)."""
        params = self.quote_question()
        by = self.collateral_by if kind == COLLATERAL else self.criteria_by
        if by:
            params["by"] = by
        return params

    def questions(self) -> dict[str, dict[str, Any]]:
        """The `/insights/reasons` queries the workspace needs, by name. A breakdown the
        narrowing rules out (by stage while narrowed to an industry) is not asked."""
        base = self._base()
        narrowed = self.narrow[0] if self.narrow else None
        asked = {"outcome": {**base, "by": "outcome"}, "month": {**base, "by": "month"}}
        for by in ("stage", self.segment_dimension, "competitor"):
            if narrowed in (None, by):
                asked[by] = {**base, "by": by}
        if narrowed in (None, "competitor"):
            for outcome in DECIDED:
                if not self.outcomes or outcome in self.outcomes:
                    asked[f"competitor:{outcome}"] = {**base, "by": "competitor",
                                                      "outcome": [outcome]}
        return asked


@dataclass
class InsightAnswers:
    """The server's answers to a view's questions, and when they were fetched."""

    view: InsightView
    answers: dict[str, dict[str, Any]]
    fetched_at: str  # ISO 8601, UTC

    def to_json(self) -> dict[str, Any]:
        return {"view": asdict(self.view), "answers": self.answers,
                "fetched_at": self.fetched_at}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> InsightAnswers:
        view = data["view"]
        narrow = tuple(view["narrow"]) if view.get("narrow") else None
        return cls(InsightView(view["first"], view["last"], tuple(view["outcomes"]),
                               narrow, bool(view["primary_only"]),  # type: ignore[arg-type]
                               view.get("segment_dimension", "industry"),
                               view.get("collateral_by", "stage"),
                               view.get("criteria_by", "lead_source")),
                   dict(data["answers"]), str(data["fetched_at"]))

    @property
    def min_cell(self) -> int:
        return int(next(iter(self.answers.values()), {}).get("min_cell", 5))

    def groups(self, name: str) -> list[dict[str, Any]]:
        return list(self.answers.get(name, {}).get("groups", []))

    @property
    def more_quotes(self) -> bool:
        """Whether the server lists more quotes than were fetched."""
        return self.answers.get(QUOTES, {}).get("next_offset") is not None

    def quotes(self, words: str = "") -> list[dict[str, Any]]:
        """The shared quotes fetched, those holding `words` (any case) if given."""
        return _holding(self.answers.get(QUOTES, {}).get("quotes", []), words)

    def plays(self, words: str = "") -> list[dict[str, Any]]:
        """The shared plays fetched, those holding `words` (any case) if given."""
        return _holding(self.answers.get(PLAYS, {}).get("plays", []), words)


@dataclass(frozen=True)
class LeadRow:
    """A collateral item or a criterion, in all (`group` None) or in one group of the
    table's dimension ('' for not given): the shown debriefs naming it, per outcome
    and in all, out of the shown debriefs of the group (`whole`)."""

    key: str
    group: str | None
    debriefs: int
    whole: int
    outcomes: dict[str, int]  # absent: fewer than the minimum, or none
    # collateral in all: outcome: helped / did_not_help / '' (not said): debriefs
    said: dict[str, dict[str, int]] | None = None

    @property
    def share(self) -> float | None:
        return self.debriefs / self.whole if self.whole else None

    @property
    def helped(self) -> tuple[int, int] | None:
        """(said it helped, said whether it did), over the outcomes that show both
        counts; None where none does. An outcome showing one alone is left out: the other
        may be small rather than none, and counting it as none would overstate."""
        both = [said for said in (self.said or {}).values()
                if "helped" in said and "did_not_help" in said]
        if not both:
            return None
        helped = sum(said["helped"] for said in both)
        return helped, helped + sum(said["did_not_help"] for said in both)


def lead_rows(found: InsightAnswers, kind: str) -> list[LeadRow]:
    """The `kind` answer's items, most named first: each in all, then in each group
    shown (when grouped), groups by most debriefs naming the item."""
    answer = found.answers.get(kind, {})
    wholes = {value: sum(counts.values())
              for value, counts in answer.get("groups", {}).items()}
    rows = []
    for item in answer.get("items", []):
        rows.append(LeadRow(item["key"], None, item["debriefs"],
                            sum(answer.get("outcomes", {}).values()), dict(item["outcomes"]),
                            item.get("said")))
        groups = sorted(item.get("groups", {}).items(),
                        key=lambda group: (-sum(group[1].values()), group[0]))
        rows += [LeadRow(item["key"], value, sum(counts.values()), wholes.get(value, 0),
                         dict(counts)) for value, counts in groups]
    return rows


def lead_outcomes(found: InsightAnswers, kind: str) -> list[str]:
    """The outcomes the `kind` answer shows, in the usual order: the table's columns."""
    shown = found.answers.get(kind, {}).get("outcomes", {})
    return [outcome for outcome in OUTCOMES if outcome in shown]


def _holding(found: list[dict[str, Any]], words: str) -> list[dict[str, Any]]:
    wanted = words.strip().lower()
    return [item for item in found if wanted in item["text"].lower()]


@dataclass(frozen=True)
class StageSensitivity:
    stage: str
    lost_or_stalled: int
    win_rate_past: float | None
    average_won_value_past: Decimal | None

    def regained(self, fall: float) -> Decimal | None:
        """Revenue regained if losses here fell by `fall` (0..1), as reporting.regained."""
        return reporting.regained(self.lost_or_stalled, Decimal(str(fall)),
                                  self.win_rate_past, self.average_won_value_past)


def sensitivity(found: InsightAnswers) -> list[StageSensitivity]:
    return [StageSensitivity(stage["stage"], stage["lost_or_stalled"], stage["win_rate_past"],
                             Decimal(stage["average_won_value_past"])
                             if stage["average_won_value_past"] is not None else None)
            for stage in found.answers.get(FUNNEL, {}).get("stages", [])]


def ranked(stages: list[StageSensitivity], falls: dict[str, float]) -> list[str]:
    """Stages by the revenue they could regain with the falls chosen, most first; those
    that cannot be worked out last."""
    def worth(stage: StageSensitivity) -> tuple[bool, Decimal]:
        value = stage.regained(falls.get(stage.stage, 0.0))
        return (value is None, -(value or Decimal(0)))

    return [stage.stage for stage in sorted(stages, key=worth)]


@dataclass(frozen=True)
class ParetoBar:
    key: str  # a reason code, or a category's key at the category level
    debriefs: int  # debriefs giving the code; at the category level, mentions
    share: float  # of the side's debriefs; at the category level, of its mentions
    cumulative: float  # of all the reasons counted on this side, up to this bar


@dataclass(frozen=True)
class Pareto:
    side: str  # "win" or "loss"
    debriefs: int  # debriefs of this side's outcomes shown
    bars: tuple[ParetoBar, ...]
    left_out: int = 0  # of a reason's details: its debriefs in details not shown


def pareto(found: InsightAnswers, side: str, top: int = 10,
           within: Collection[str] | None = None) -> Pareto:
    """The most given reasons among won and progressed debriefs (side "win") or the
    others (side "loss"), with the share of reasons they cover together; `within`:
    only those codes (a category's, drilled into)."""
    total, cited = _cited(found, side)
    if within is not None:
        cited = {code: n for code, n in cited.items() if code in within}
    return _bars(side, total, cited, total, top)


def category_pareto(found: InsightAnswers, side: str, category_of: Mapping[str, str],
                    top: int = 10) -> Pareto:
    """Reasons gathered by category (`category_of`: each code's). A category counts
    mentions, the sum of its codes' shown counts (a debrief giving two of its codes
    counts twice), and its share is of all the side's mentions."""
    total, cited = _cited(found, side)
    mentions: dict[str, int] = defaultdict(int)
    for code, n in cited.items():
        mentions[category_of.get(code, code)] += n
    return _bars(side, total, mentions, sum(mentions.values()), top)


NO_DETAIL = ""  # the bar of the debriefs whose reason with the code has no detail


def detail_pareto(found: InsightAnswers, side: str, code: str, top: int = 10) -> Pareto:
    """The details of `code` on one side: each debrief giving the code under the detail
    of its first reason naming it (NO_DETAIL: none), as the server showed them; bars
    are details, shares of the side's debriefs; `left_out` the code's debriefs in
    details too small to show. Empty where the answers hold no details (a question
    narrowed by a segment or stage)."""
    total, counts, given = 0, defaultdict(int), 0
    for group in _side_groups(found, side):
        total += group["debriefs"]
        for cell in group["reasons"]:
            if cell["code"] == code:
                given += cell["debriefs"]
                for detail in cell.get("details", ()):
                    counts[detail["detail"] or NO_DETAIL] += detail["debriefs"]
    drawn = _bars(side, total, counts, total, top)
    return replace(drawn, left_out=given - sum(counts.values()) if counts else 0)


def _side_groups(found: InsightAnswers, side: str) -> Iterator[dict[str, Any]]:
    """The answer's groups of one side's outcomes: one outcome per debrief, so their
    counts add up."""
    outcomes = WIN_OUTCOMES if side == "win" else LOSS_OUTCOMES
    return (group for group in found.groups("outcome") if group["value"] in outcomes)


def _cited(found: InsightAnswers, side: str) -> tuple[int, dict[str, int]]:
    """The side's debriefs, and how many of them give each code."""
    total = 0
    cited: dict[str, int] = defaultdict(int)
    for group in _side_groups(found, side):
        total += group["debriefs"]
        for cell in group["reasons"]:
            cited[cell["code"]] += cell["debriefs"]
    return total, cited


def _bars(side: str, total: int, counts: Mapping[str, int], whole: int, top: int
          ) -> Pareto:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    mentions = sum(counts.values())
    bars, running = [], 0
    for key, n in ranked[:top]:
        running += n
        bars.append(ParetoBar(key, n, n / whole if whole else 0.0,
                              running / mentions if mentions else 0.0))
    return Pareto(side, total, tuple(bars))


@dataclass(frozen=True)
class Trend:
    months: tuple[str, ...]
    lines: dict[str, tuple[float | None, ...]]  # code: share per month (None: not shown)


def trend(found: InsightAnswers, top: int = 5) -> Trend:
    """The share of debriefs giving each of the `top` most given codes, month by month."""
    groups = sorted(found.groups("month"), key=lambda group: group["value"])
    totals: dict[str, int] = defaultdict(int)
    for group in groups:
        for cell in group["reasons"]:
            totals[cell["code"]] += cell["debriefs"]
    chosen = [code for code, _ in sorted(totals.items(), key=lambda i: (-i[1], i[0]))[:top]]
    lines = {code: tuple(next((cell["share"] for cell in group["reasons"]
                               if cell["code"] == code), None) for group in groups)
             for code in chosen}
    return Trend(tuple(group["value"] for group in groups), lines)


@dataclass(frozen=True)
class GroupRow:
    value: str | None  # None: not given
    debriefs: int
    shares: dict[str, float] = field(default_factory=dict)  # code: share; absent: left out


def table(found: InsightAnswers, name: str) -> list[GroupRow]:
    return [GroupRow(group["value"], group["debriefs"],
                     {cell["code"]: cell["share"] for cell in group["reasons"]})
            for group in found.groups(name)]


def top_codes(rows: Iterable[GroupRow], count: int = 6) -> list[str]:
    """The codes most given across `rows` (by debriefs), for a table's columns."""
    weight: dict[str, float] = defaultdict(float)
    for row in rows:
        for code, share in row.shares.items():
            weight[code] += share * row.debriefs
    return [code for code, _ in sorted(weight.items(), key=lambda i: (-i[1], i[0]))[:count]]


@dataclass(frozen=True)
class CompetitorRow:
    name: str
    won: int | None  # None: left out (too few to show)
    lost: int | None
    no_decision: int | None
    win_reasons: tuple[str, ...]
    loss_reasons: tuple[str, ...]

    @property
    def win_rate(self) -> float | None:
        """Won of the deals won or lost against it, when both are shown."""
        if self.won is None or self.lost is None:
            return None
        return self.won / (self.won + self.lost)


def competitors(found: InsightAnswers) -> list[CompetitorRow]:
    """Each named competitor shown: deals won, lost and stalled against it (None where
    left out), and the top reasons when won and when lost."""
    by_outcome = {outcome: {g["value"]: g for g in found.groups(f"competitor:{outcome}")}
                  for outcome in DECIDED}
    names = sorted({name for groups in by_outcome.values() for name in groups
                    if name is not None})

    def count(outcome: str, name: str) -> int | None:
        group = by_outcome[outcome].get(name)
        return group["debriefs"] if group else None

    def reasons(outcome: str, name: str) -> tuple[str, ...]:
        group = by_outcome[outcome].get(name)
        return tuple(cell["code"] for cell in group["reasons"][:3]) if group else ()

    return [CompetitorRow(name, count("won", name), count("lost", name),
                          count("no_decision", name), reasons("won", name),
                          reasons("lost", name)) for name in names]
