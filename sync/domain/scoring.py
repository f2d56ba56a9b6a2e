"""Contest scoring: how many prize-draw entries a debrief earns, and how to earn more.

One pure function, `score`, runs on the rep's machine for the live preview and on the
central store, which is the authority. The rules are data (`ContestRules`), part of a
contest; more detail earns more entries, up to a cap per debrief.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from typing import Any

from sync.domain.debrief import SEGMENT_PARTS, Debrief
from sync.domain.text import N_, Message

_NEVER = datetime.min.replace(tzinfo=UTC)  # orders undated debriefs first


# No rule goes above this: a rep's total in a contest stays far inside a 32-bit count
# (the daily cap times the days of a contest, at most MAX_CONTEST_DAYS).
MAX_RULE = 10_000
MAX_CONTEST_DAYS = 5 * 366


class RulesError(ValueError):
    """Contest rules that cannot be used (negative points, a cap below the base...);
    `rule` names the one at fault (None when the names themselves are unknown)."""

    def __init__(self, message: str, rule: str | None = None):
        super().__init__(message)
        self.rule = rule


@dataclass(frozen=True)
class ContestRules:
    """Points per kind of detail. Every value is a whole number from 0 to `MAX_RULE`."""

    base: int = 1  # every saved debrief, an honest "don't know" included
    extra_reason: int = 1  # each reason beyond the first...
    max_extra_reasons: int = 2  # ...for this many at most
    detail_code: int = 1  # each reason narrowed to a detail code...
    max_detail_codes: int = 2  # ...for this many at most
    competitor: int = 1  # a named competitor
    shared_quote: int = 2  # a verbatim quote shared with marketing...
    min_quote_chars: int = 20  # ...of at least this length
    complete_segment: int = 1  # industry, company size and region all set
    cap: int = 8  # entries per debrief at most
    daily_cap: int = 40  # entries per rep per day at most (applied over the ledger)

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if (not isinstance(value, int) or isinstance(value, bool)
                    or not 0 <= value <= MAX_RULE):
                raise RulesError(f"{f.name} must be a whole number from 0 to {MAX_RULE:,}",
                                 f.name)
        if self.cap < self.base:
            raise RulesError("cap must be at least the base entries", "cap")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ContestRules:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise RulesError(f"unknown rule(s): {', '.join(sorted(unknown))}")
        return cls(**data)

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class Hint:
    """A way to earn more: 'Add a competitor for +1'."""

    points: int
    message: Message


@dataclass(frozen=True)
class Score:
    entries: int
    uncapped: int
    hints: tuple[Hint, ...]
    cap: int  # the most one debrief can earn under the rules it was scored by

    @property
    def at_cap(self) -> bool:
        return self.entries >= self.cap


def as_counted(debrief: Debrief, refused: Iterable[str]) -> Debrief:
    """`debrief` without what validation refuses (`refused`: the problems' field names):
    a competitor, quote, segment part or reason that cannot be saved earns nothing yet,
    so the live preview does not promise entries for it."""
    refused = set(refused)
    segment = debrief.segment
    return replace(
        debrief,
        competitor=None if "competitor" in refused else debrief.competitor,
        quote=None if "quote" in refused else debrief.quote,
        segment=replace(segment, **{part: None for part in SEGMENT_PARTS
                                    if f"segment.{part}" in refused}),
        reasons=tuple(reason for index, reason in enumerate(debrief.reasons)
                      if f"reasons[{index}]" not in refused))


def score(debrief: Debrief, rules: ContestRules) -> Score:
    """Entries `debrief` earns under `rules`, with hints ordered by what they add."""
    reasons = debrief.reasons
    extra = min(max(len(reasons) - 1, 0), rules.max_extra_reasons)
    details = min(sum(1 for r in reasons if r.detail), rules.max_detail_codes)
    has_competitor = bool(debrief.competitor and debrief.competitor.strip())
    quote_text = (debrief.quote or "").strip()
    has_quote = (debrief.share_quote and bool(quote_text)
                 and len(quote_text) >= rules.min_quote_chars)
    parts = (
        rules.base,
        extra * rules.extra_reason,
        details * rules.detail_code,
        rules.competitor if has_competitor else 0,
        rules.shared_quote if has_quote else 0,
        rules.complete_segment if debrief.segment.is_complete else 0,
    )
    uncapped = sum(parts)
    entries = min(uncapped, rules.cap)
    room = rules.cap - entries

    candidates: list[tuple[int, Message]] = []
    if not reasons and not debrief.reasons_unknown and rules.max_extra_reasons:
        candidates.append((rules.extra_reason, Message(N_("Give two reasons or more for "
                                                          "+{points}"))))
    if reasons and extra < rules.max_extra_reasons:
        candidates.append((rules.extra_reason, Message(N_("Add another reason for +{points}"))))
    if reasons and details < min(rules.max_detail_codes, len(reasons)):
        candidates.append((rules.detail_code,
                           Message(N_("Narrow a reason to a detail for +{points}"))))
    if not has_competitor:
        candidates.append((rules.competitor, Message(N_("Name the competitor for +{points}"))))
    if not has_quote:
        if quote_text and len(quote_text) >= rules.min_quote_chars and not debrief.share_quote:
            template = N_("Share the customer quote with marketing for +{points}")
        else:
            template = N_("Add a customer quote ({chars}+ characters) to share for +{points}")
        candidates.append((rules.shared_quote, Message(template)))
    if not debrief.segment.is_complete:
        candidates.append((rules.complete_segment,
                           Message(N_("Complete the segment (industry, size, region) "
                                      "for +{points}"))))
    hints = []
    for points, message in candidates:
        gain = min(points, room)
        if gain > 0:
            params = {"points": gain, "chars": rules.min_quote_chars}
            hints.append(Hint(gain, Message(message.template, params)))
    hints.sort(key=lambda h: -h.points)
    return Score(entries, uncapped, tuple(hints), rules.cap)


def cap_per_day(entries_in_order: list[tuple[str, int]], rules: ContestRules) -> list[int]:
    """Apply the daily cap to one rep's scored debriefs, given as (UTC day, entries) in
    save order: what is left of each day's allowance goes to the earliest debriefs."""
    used: dict[str, int] = {}
    allowed = []
    for day, entries in entries_in_order:
        granted = max(0, min(entries, rules.daily_cap - used.get(day, 0)))
        used[day] = used.get(day, 0) + granted
        allowed.append(granted)
    return allowed


def contest_entries(debriefs: Iterable[Debrief], rules: ContestRules) -> dict[str, int]:
    """Entries each debrief earns in a contest, by debrief id: its score, nothing for a
    near-duplicate (the same rep, opportunity, outcome and stage again), and each rep's
    daily cap applied in the order the debriefs were made (by UTC day)."""
    by_rep: dict[str, list[Debrief]] = {}
    for debrief in debriefs:
        if not debrief.deleted:
            by_rep.setdefault(debrief.rep, []).append(debrief)
    earned: dict[str, int] = {}
    for rep_debriefs in by_rep.values():
        rep_debriefs.sort(key=lambda d: (d.created_at or _NEVER, d.id))
        seen: set[tuple[str, str | None, str | None]] = set()
        scored: list[tuple[str, int]] = []
        for debrief in rep_debriefs:
            opportunity = (debrief.crm_ref or "").strip().casefold()
            key = (opportunity, debrief.outcome, debrief.stage)
            duplicate = bool(opportunity) and key in seen
            seen.add(key)
            day = (debrief.created_at or _NEVER).astimezone(UTC).date().isoformat()
            scored.append((day, 0 if duplicate else score(debrief, rules).entries))
        for debrief, allowed in zip(rep_debriefs, cap_per_day(scored, rules), strict=True):
            earned[debrief.id] = allowed
    return earned
