"""An action: what marketing will do about an insight, who owns it, by when, and the
measure it should move. The measure is a share of debriefs, over everyone or over one
group of one dimension (a segment, a stage, a lead source...):

- of a reason: the share of one outcome's debriefs that give the reason (losses to
  "price too high" should go down);
- of an outcome: the share of all debriefs that end in it;
- the win rate: the share won of the debriefs won or lost, as the Competitors table
  counts it (it should go up).

Its baseline is a period of whole months before it was made; the months after the one
it was made in show whether the measure moved (the month it was made in is neither:
part of it came before the action). The measure and the baseline are
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
from sync.domain.disclosure import ShownCell, ShownMonth
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
    WIN_RATE = "win_rate"  # the share won of the deals won or lost (as Competitors)


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
    if measure.kind is Kind.WIN_RATE and measure.outcome is not Outcome.WON:
        raise ActionError("outcome", "the win rate is the share won: outcome won")
    if (measure.dimension is None) != (measure.value is None):
        where = "value" if measure.dimension else "dimension"
        raise ActionError(where, "give a dimension and one of its values, or neither")
    if measure.dimension is not None:
        if measure.dimension not in DIMENSIONS:
            raise ActionError("dimension", f"no dimension {measure.dimension!r}")
        value = check_line("value", measure.value or "", VALUE_MAX)
        measure = Measure(measure.kind, measure.outcome, measure.code, measure.dimension,
                          value, measure.direction)
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
    """Whole months, in order, from 2000, ending before the month the action is made
    in."""
    if first.year < 2000:
        raise ActionError("baseline_from", "the baseline starts in 2000 or later")
    if last < first:
        raise ActionError("baseline_to", "the baseline ends before it starts")
    if (last.year, last.month) >= (made.year, made.month):
        raise ActionError("baseline_to", (
            "the baseline is a period before the action: end it by last month"))


def check_due(due: date, today: date) -> None:
    """A due date set now: from today, and within ten years."""
    if due < today:
        raise ActionError("due", "a due date from today on")
    if due.year > today.year + 10:
        raise ActionError("due", "a due date within ten years")


@dataclass(frozen=True)
class Share:
    """What is measured, as far as the published counts tell: `hits` debriefs giving
    it of `debriefs`, where both are shown (None: no count of it is shown); then what
    the hidden counts may add:

    - `hidden`: debriefs that are measured but whose count of it is not shown (a
      reason's count hidden in its month): any number of them may give it;
    - `may_hit` / `may_miss`: debriefs of groups not shown that may be measured at all
      (a cell, or the group's piece of one, too small to show), giving it or not.
    """

    hits: int | None
    debriefs: int
    hidden: int = 0
    may_hit: int = 0
    may_miss: int = 0

    @property
    def share(self) -> float | None:
        """Of what is shown."""
        if self.hits is None or self.debriefs == 0:
            return None
        return self.hits / self.debriefs

    @property
    def unsure(self) -> bool:
        return bool(self.hidden or self.may_hit or self.may_miss)

    def ends(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """The lowest and the highest it may be, whatever the hidden counts hold:
        (hits, of)."""
        hits = self.hits or 0
        low = (hits, self.debriefs + self.hidden + self.may_miss)
        high = (hits + self.hidden + self.may_hit, self.debriefs + self.hidden + self.may_hit)
        return low, high

    def __add__(self, other: Share) -> Share:
        hits = None if self.hits is None and other.hits is None else \
            (self.hits or 0) + (other.hits or 0)
        return Share(hits, self.debriefs + other.debriefs, self.hidden + other.hidden,
                     self.may_hit + other.may_hit, self.may_miss + other.may_miss)


def month_share(shown: ShownMonth, measure: Measure, code: str | None = None,
                value: str | None = None) -> Share:
    """What one published month tells of `measure`: `code` is the reason as counted now,
    `value` the group's value as stored (None: everyone)."""
    if measure.kind is Kind.REASON:
        return _reason_share(shown, measure.outcome.value, code, value)
    outcome = measure.outcome.value
    counted = None if measure.kind is Kind.OUTCOME else {Outcome.WON.value,
                                                          Outcome.LOST.value}
    share = Share(None, 0)
    for cell, part in shown.cells.items():
        if counted is not None and cell not in counted:
            continue
        mine = cell == outcome
        size = _size(part, value)
        if size is None:  # the group's piece of it is left out
            share += Share(None, 0, may_hit=part.left_out if mine else 0,
                           may_miss=0 if mine else part.left_out)
        else:
            share += Share(size if mine else None, size)
    left_out = shown.cells_left_out
    if outcome not in shown.cells and shown.cells and not left_out:
        share += Share(0, 0)  # none of the outcome this month: known
    if not left_out:
        return share
    if counted is None and value is None:
        # The month's total is known; the cells left out are the measured one's, if it
        # is not shown, or others'.
        return share + (Share(None, 0, hidden=left_out) if outcome not in shown.cells
                        else Share(None, left_out))
    others_hidden = any(cell not in shown.cells for cell in (counted or ())
                        if cell != outcome) or counted is None
    return share + Share(None, 0, may_hit=left_out if outcome not in shown.cells else 0,
                         may_miss=left_out if others_hidden else 0)


def _reason_share(shown: ShownMonth, outcome: str, code: str | None,
                  value: str | None) -> Share:
    part = shown.cells.get(outcome)
    if part is None:
        left_out = shown.cells_left_out
        if left_out:
            return Share(None, 0, may_hit=left_out, may_miss=left_out)
        return Share(0, 0) if shown.cells else Share(None, 0)
    size = _size(part, value)
    if size is None:
        return Share(None, 0, may_hit=part.left_out, may_miss=part.left_out)
    codes = part.codes[False] if value is None else part.piece_codes[False].get(value, {})
    if code in codes:
        return Share(codes[code], size)
    return Share(None, 0, hidden=size)


def _size(part: ShownCell, value: str | None) -> int | None:
    """A cell's debriefs, or its piece's of `value`: None where that piece is left out
    (none if no piece of the cell is)."""
    if value is None:
        return part.debriefs
    return part.pieces.get(value, None if part.left_out else 0)


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
    if 0 in (low_before[1], high_before[1], low_after[1], high_after[1]):
        return Movement(Verdict.NOT_CLEAR, points)
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
