"""An action: what marketing will do about an insight, who owns it, by when, and the
measure it should move. The measure is a share of debriefs, over everyone or over one
group of one dimension (a segment, a stage, a lead source...):

- of a reason: the share of one outcome's debriefs that give the reason (losses to
  "price too high" should go down);
- of an outcome: the share of all debriefs that end in it (the win rate should go up).

Its baseline is a period of whole months before it was made; the months from the one
it was made in on show whether the measure moved. The measure and the baseline are
fixed once the action is made, so that the comparison stays honest: another measure is
another action.

Pure rules: what an action may hold, and how two shares compare. The counts come from
insights, so only what the suppression rule publishes (docs/insights-privacy.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sync.domain.debrief import Outcome, Readiness, Stage
from sync.domain.team_lists import TeamLists
from sync.domain.text import has_control_characters

TITLE_MAX = 200
OWNER_MAX = 80
VALUE_MAX = 200
# The dimensions a measure may be narrowed to one group of (sync.server.insights).
DIMENSIONS = ("stage", "industry", "company_size", "region", "competitor", "team",
              "lead_source", "sales_ready")
# A change counts as moved when a two-sided test of the two shares finds it at this
# level: at 95%, a change this large comes by chance once in twenty.
Z_95 = 1.959964


class Status(StrEnum):
    OPEN = "open"
    DOING = "doing"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def closed(self) -> bool:
        return self in (Status.DONE, Status.DROPPED)


class Kind(StrEnum):
    REASON = "reason"  # the share of an outcome's debriefs giving a reason
    OUTCOME = "outcome"  # the share of all debriefs ending in an outcome


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"


class ActionError(ValueError):
    """What an action cannot hold; `field` names the part at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Measure:
    kind: Kind
    outcome: Outcome
    code: str | None = None  # the reason, for Kind.REASON only
    dimension: str | None = None  # one group of one dimension, or None: everyone
    value: str | None = None
    direction: Direction | None = None  # None: the usual way (`wanted`)

    @property
    def wanted(self) -> Direction:
        """Which way the share should go: reasons to win and wins up, the rest down."""
        if self.direction is not None:
            return self.direction
        winning = self.outcome.polarity.value == "win"
        return Direction.UP if winning else Direction.DOWN


def check_measure(measure: Measure, lists: TeamLists) -> Measure:
    """The measure with its direction set, or ActionError naming the field at fault. A
    group is one the lists offer (a team, or a competitor, is any name)."""
    taxonomy = lists.taxonomy
    if measure.kind is Kind.REASON:
        if not measure.code:
            raise ActionError("code", "name the reason whose share should move")
        code = taxonomy.code(measure.code)
        if code is None or code.retired:
            raise ActionError("code", f"no reason {measure.code!r} on the current list")
        if not code.applies_to_outcome(measure.outcome):
            raise ActionError("code", (
                f"{code.label!r} is not given for {measure.outcome.value} debriefs"))
    elif measure.code is not None:
        raise ActionError("code", "a measure of an outcome names no reason")
    if (measure.dimension is None) != (measure.value is None):
        where = "value" if measure.dimension else "dimension"
        raise ActionError(where, "give a dimension and one of its values, or neither")
    if measure.dimension is not None:
        if measure.dimension not in DIMENSIONS:
            raise ActionError("dimension", f"no dimension {measure.dimension!r}")
        if not measure.value or not measure.value.strip():
            raise ActionError("value", "name the group")
        offered = _offered(measure.dimension, lists)
        if offered is not None and measure.value not in offered:
            raise ActionError("value", (
                f"no {measure.dimension.replace('_', ' ')} {measure.value!r}: one of "
                + ", ".join(sorted(offered))))
    return Measure(measure.kind, measure.outcome, measure.code, measure.dimension,
                   measure.value, measure.wanted)


def _offered(dimension: str, lists: TeamLists) -> frozenset[str] | None:
    """The values a dimension may take, None for any name."""
    if dimension == "stage":
        return frozenset(stage.value for stage in Stage)
    if dimension == "sales_ready":
        return frozenset(readiness.value for readiness in Readiness)
    if dimension == "lead_source":
        return frozenset(choice.key for choice in lists.leads.lead_sources)
    if dimension in ("industry", "company_size", "region"):
        return frozenset(choice.key for choice in lists.segments.choices_for(dimension))
    return None


def check_line(field: str, text: str, most: int) -> str:
    """A title or an owner: one line of text, trimmed, not empty."""
    text = text.strip()
    if not text:
        raise ActionError(field, "must not be empty")
    if len(text) > most:
        raise ActionError(field, f"at most {most} characters")
    if has_control_characters(text, multiline=False):
        raise ActionError(field, "one line of text, without control characters")
    return text


def check_baseline(first: date, last: date, made: date) -> None:
    """Whole months, in order, ending before the month the action is made in."""
    if last < first:
        raise ActionError("baseline_to", "the baseline ends before it starts")
    if (last.year, last.month) >= (made.year, made.month):
        raise ActionError("baseline_to", (
            "the baseline is a period before the action: end it by last month"))


def check_due(due: date, made: date) -> None:
    if due.year < 2000 or due.year > made.year + 10:
        raise ActionError("due", "a due date from 2000 and within ten years")


@dataclass(frozen=True)
class Share:
    """Debriefs giving what is measured, of the debriefs counted, over the months whose
    count is shown; `hidden` debriefs are those of months whose count is not shown (too
    few, or hidden beside another count): any number of them may give it. `hits` is
    None where no month's count is shown."""

    hits: int | None
    debriefs: int
    hidden: int = 0

    @property
    def share(self) -> float | None:
        if self.hits is None or self.debriefs == 0:
            return None
        return self.hits / self.debriefs

    def ends(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """The lowest and the highest it may be, hidden months counted: (hits, of)."""
        hits, of = self.hits or 0, self.debriefs + self.hidden
        return (hits, of), (hits + self.hidden, of)


class Verdict(StrEnum):
    MOVED = "moved"  # the way it should, beyond chance
    MOVED_AGAINST = "moved_against"  # the other way, beyond chance
    NOT_CLEAR = "not_clear"  # a change chance (or a hidden count) could explain
    TOO_FEW = "too_few"  # no count shown before or after: nothing to compare


@dataclass(frozen=True)
class Movement:
    verdict: Verdict
    points: float | None  # after less before, in percentage points, of the shown months


def compared(before: Share, after: Share, wanted: Direction) -> Movement:
    """How the share after compares with the one before, by a two-proportion z-test that
    must hold whatever the hidden months hold: it went up only if its lowest after is
    above its highest before beyond chance, and down the other way round."""
    if before.share is None or after.share is None:
        return Movement(Verdict.TOO_FEW, None)
    points = round((after.share - before.share) * 100, 1)
    (low_before, high_before), (low_after, high_after) = before.ends(), after.ends()
    if _z(high_before, low_after) >= Z_95:
        went_up = True
    elif _z(low_before, high_after) <= -Z_95:
        went_up = False
    else:
        return Movement(Verdict.NOT_CLEAR, points)
    right_way = went_up == (wanted is Direction.UP)
    return Movement(Verdict.MOVED if right_way else Verdict.MOVED_AGAINST, points)


def _z(before: tuple[int, int], after: tuple[int, int]) -> float:
    """How many standard errors the share after lies above the one before (pooled)."""
    (hits_before, of_before), (hits_after, of_after) = before, after
    pooled = (hits_before + hits_after) / (of_before + of_after)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / of_before + 1 / of_after))
    if spread == 0:
        return 0.0
    return (hits_after / of_after - hits_before / of_before) / spread
