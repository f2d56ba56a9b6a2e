"""Contest scoring: how many prize-draw entries a debrief earns, and how to earn more.

One pure function, `score`, runs on the rep's machine for the live preview and on the
central store, which is the authority. The rules are data (`ContestRules`), part of a
contest; more detail earns more entries, up to a cap per debrief. A debrief that cannot
be saved earns nothing: the preview says what it lacks instead (`missing_for_entries`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sync.domain.debrief import Debrief, Readiness
from sync.domain.text import N_, Message
from sync.domain.validation import NO_REASON, Problem

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
    # The lead facts. Worth nothing unless a contest's rules say so: rules kept before
    # they existed give them nothing, so no running contest changes by itself
    # (resources/contest_rules.json, the rules new contests start from, rewards them).
    lead_source: int = 0  # where the lead came from
    sales_readiness: int = 0  # sales-ready, or not and which criteria it failed
    collateral: int = 0  # collateral used, and whether it helped
    shared_play: int = 0  # a play that worked, shared with marketing...
    min_play_chars: int = 0  # ...of at least this length
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
class RuleVersion:
    """A contest's rules from a moment on: version 1 from the contest's start; each
    change made once it has started is a new version from the moment it was made."""

    number: int
    applies_from: datetime | None  # None: from the start (version 1)
    rules: ContestRules


class Rulebook:
    """Every version of a contest's rules, oldest first: a debrief is scored by the
    version in force when it was made."""

    def __init__(self, versions: Iterable[RuleVersion]):
        self.versions = tuple(sorted(versions, key=lambda v: v.number))
        if not self.versions or self.versions[0].applies_from is not None:
            raise RulesError("a contest's rules start with a version from its start")

    @classmethod
    def single(cls, rules: ContestRules) -> Rulebook:
        return cls([RuleVersion(1, None, rules)])

    @property
    def current(self) -> RuleVersion:
        return self.versions[-1]

    @property
    def changed(self) -> bool:
        """Whether the rules changed once the contest had started (a version 2 on)."""
        return len(self.versions) > 1

    def at(self, moment: datetime | None) -> RuleVersion:
        """The version in force at `moment` (an undated debrief: the first)."""
        found = self.versions[0]
        for version in self.versions[1:]:
            assert version.applies_from is not None
            if moment is not None and moment >= version.applies_from:
                found = version
        return found


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


# What the live preview says instead of a count while a debrief cannot be saved: the
# outcome, stage and reason it still lacks, in one sentence...
_LACKING = {
    frozenset({"outcome", "stage", "reason"}):
        N_("Choose an outcome and a stage, and add a reason to earn entries."),
    frozenset({"outcome", "stage"}): N_("Choose an outcome and a stage to earn entries."),
    frozenset({"outcome", "reason"}): N_("Choose an outcome and add a reason to earn entries."),
    frozenset({"stage", "reason"}): N_("Choose a stage and add a reason to earn entries."),
    frozenset({"outcome"}): N_("Choose an outcome to earn entries."),
    frozenset({"stage"}): N_("Choose a stage to earn entries."),
    frozenset({"reason"}): N_("Add a reason (or choose \u201cDon\u2019t know\u201d) to earn "
                              "entries."),
}
# ...or else the first field that stops it, by the field's name.
_TO_FIX = {
    "rep": N_("Sign in or set your name to earn entries."),
    "segment": N_("Pick the segment from the lists to earn entries."),
    "reasons": N_("Fix the reasons to earn entries."),
    "competitor": N_("Fix the competitor\u2019s name to earn entries."),
    "deal_value": N_("Fix the deal value to earn entries."),
    "currency": N_("Fix the deal value to earn entries."),
    "crm_ref": N_("Fix the CRM reference to earn entries."),
    "quote": N_("Fix the customer quote to earn entries."),
    "account_name": N_("Fix the account name to earn entries."),
    "private_notes": N_("Fix the private notes to earn entries."),
}
_TO_FIX_ANYTHING_ELSE = N_("Fix what stops this debrief from being saved to earn entries.")


def _lacking(problem: Problem) -> str | None:
    """"outcome", "stage" or "reason" if `problem` is that one missing; None otherwise."""
    if problem.field in ("outcome", "stage"):
        return problem.field
    return "reason" if problem.message.template == NO_REASON else None


def missing_for_entries(problems: Iterable[Problem]) -> list[Message]:
    """What the live preview says instead of a count while `problems` (validation's, in
    form order) stop a debrief from being saved, since one that cannot be saved earns
    nothing: the outcome, stage and reason it lacks, in one sentence; otherwise what to
    fix first, then that field's own note. Empty when nothing stops it."""
    problems = list(problems)
    lacking = frozenset(filter(None, map(_lacking, problems)))
    if lacking:
        return [Message(_LACKING[lacking])]
    if not problems:
        return []
    first = problems[0]
    field = first.field.partition(".")[0].partition("[")[0]  # segment.region, reasons[1]
    return [Message(_TO_FIX.get(field, _TO_FIX_ANYTHING_ELSE)), first.message]


def score(debrief: Debrief, rules: ContestRules) -> Score:
    """Entries `debrief` earns under `rules`, with hints ordered by what they add."""
    reasons = debrief.reasons
    extra = min(max(len(reasons) - 1, 0), rules.max_extra_reasons)
    details = min(sum(1 for r in reasons if r.detail), rules.max_detail_codes)
    has_competitor = bool(debrief.competitor and debrief.competitor.strip())
    quote_text = (debrief.quote or "").strip()
    has_quote = (debrief.share_quote and bool(quote_text)
                 and len(quote_text) >= rules.min_quote_chars)
    facts = lead_facts_given(debrief, rules)
    parts = (
        rules.base,
        extra * rules.extra_reason,
        details * rules.detail_code,
        rules.competitor if has_competitor else 0,
        rules.shared_quote if has_quote else 0,
        rules.complete_segment if debrief.segment.is_complete else 0,
        rules.lead_source if facts.source else 0,
        rules.sales_readiness if facts.readiness else 0,
        rules.collateral if facts.collateral else 0,
        rules.shared_play if facts.play else 0,
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
    if not facts.source:
        candidates.append((rules.lead_source,
                           Message(N_("Say where the lead came from for +{points}"))))
    if not facts.readiness:
        candidates.append((rules.sales_readiness, Message(N_(
            "Say whether the lead was sales-ready (and if not, why) for +{points}"))))
    if not facts.collateral:
        candidates.append((rules.collateral, Message(N_(
            "Say which collateral you used and whether it helped for +{points}"))))
    if not facts.play:
        candidates.append((rules.shared_play, Message(N_(
            "Share a play that worked with marketing for +{points}"))))
    hints = []
    for points, message in candidates:
        gain = min(points, room)
        if gain > 0:
            params = {"points": gain, "chars": rules.min_quote_chars}
            hints.append(Hint(gain, Message(message.template, params)))
    hints.sort(key=lambda h: -h.points)
    return Score(entries, uncapped, tuple(hints), rules.cap)


@dataclass(frozen=True)
class LeadFactsGiven:
    source: bool
    readiness: bool  # sales-ready, or partly or not with the criteria it failed named
    collateral: bool  # some collateral used, saying whether it helped
    play: bool  # shared, and long enough


def lead_facts_given(debrief: Debrief, rules: ContestRules) -> LeadFactsGiven:
    """Which lead facts `debrief` gives, as the rules reward them."""
    ready = debrief.sales_ready
    play = (debrief.play or "").strip()
    return LeadFactsGiven(
        source=bool(debrief.lead_source),
        readiness=ready is Readiness.YES or (ready is not None
                                             and bool(debrief.failed_criteria)),
        collateral=any(piece.helped is not None for piece in debrief.collateral),
        play=debrief.share_play and bool(play) and len(play) >= rules.min_play_chars)


def cap_per_day(entries_in_order: list[tuple[str, int]], rules: ContestRules | None = None,
                caps: list[int] | None = None) -> list[int]:
    """Apply the daily cap to one rep's scored debriefs, given as (UTC day, entries) in
    save order: what is left of each day's allowance goes to the earliest debriefs. The
    cap is `rules.daily_cap`, or each debrief's own in `caps` (the version of the rules
    it was scored by)."""
    if caps is None:
        assert rules is not None
        caps = [rules.daily_cap] * len(entries_in_order)
    used: dict[str, int] = {}
    allowed = []
    for (day, entries), daily_cap in zip(entries_in_order, caps, strict=True):
        granted = max(0, min(entries, daily_cap - used.get(day, 0)))
        used[day] = used.get(day, 0) + granted
        allowed.append(granted)
    return allowed


class Why(StrEnum):
    """Why a debrief earned what it did in a contest, as a stable value for programs."""

    SCORED = "scored"  # its own detail, in full
    DAILY_CAP = "daily_cap"  # less than its detail earns: the rep's daily cap was reached
    NEAR_DUPLICATE = "near_duplicate"  # the same opportunity, outcome and stage again
    VOIDED = "voided"  # a manager voided its entries (with a reason, kept on the server)
    AFTER_END = "after_end"  # it reached the central store after the contest had ended


@dataclass(frozen=True)
class Earned:
    """A debrief's entries in a contest, and why."""

    entries: int
    scored: int  # what its own detail earns (`score`), before duplicates, caps and voids
    why: Why
    duplicate_of: str | None = None  # for a near-duplicate: the earlier debrief's id
    version: int = 1  # of the contest's rules, in force when the debrief was made


def earned_entries(debriefs: Iterable[Debrief], rules: ContestRules | Rulebook,
                   voided: Collection[str] = (), late: Collection[str] = ()
                   ) -> dict[str, Earned]:
    """What each debrief earns in a contest, by debrief id, and why: its score, nothing
    for a near-duplicate (the same rep, opportunity, outcome and stage again), and each
    rep's daily cap applied in the order the debriefs were made (by UTC day). A voided
    debrief (an id in `voided`) counts for nothing: it earns no entries, uses none of the
    day's cap and makes no later debrief a duplicate; so does one that reached the
    central store after the contest's end (an id in `late`). Deleted debriefs are left
    out. Under a `Rulebook`, each debrief is scored, and capped, by the version in force when
    it was made."""
    book = rules if isinstance(rules, Rulebook) else Rulebook.single(rules)
    by_rep: dict[str, list[Debrief]] = {}
    explained: dict[str, Earned] = {}
    for debrief in debriefs:
        if debrief.deleted:
            continue
        if debrief.id in late or debrief.id in voided:
            version = book.at(debrief.created_at)
            explained[debrief.id] = Earned(
                0, score(debrief, version.rules).entries,
                Why.AFTER_END if debrief.id in late else Why.VOIDED, version=version.number)
        else:
            by_rep.setdefault(debrief.rep, []).append(debrief)
    for rep_debriefs in by_rep.values():
        rep_debriefs.sort(key=lambda d: (d.created_at or _NEVER, d.id))
        first_of: dict[tuple[str, str | None, str | None], str] = {}
        scored: list[tuple[str, int]] = []
        originals: list[str | None] = []
        versions = [book.at(debrief.created_at) for debrief in rep_debriefs]
        for debrief, version in zip(rep_debriefs, versions, strict=True):
            opportunity = (debrief.crm_ref or "").strip().casefold()
            key = (opportunity, debrief.outcome, debrief.stage)
            original = first_of.setdefault(key, debrief.id) if opportunity else debrief.id
            originals.append(original if original != debrief.id else None)
            day = (debrief.created_at or _NEVER).astimezone(UTC).date().isoformat()
            scored.append((day, score(debrief, version.rules).entries))
        allowed = cap_per_day([(day, 0 if original else entries) for (day, entries), original
                               in zip(scored, originals, strict=True)],
                              caps=[version.rules.daily_cap for version in versions])
        for debrief, (_, own), original, granted, version in zip(
                rep_debriefs, scored, originals, allowed, versions, strict=True):
            why = (Why.NEAR_DUPLICATE if original else
                   Why.DAILY_CAP if granted < own else Why.SCORED)
            explained[debrief.id] = Earned(granted, own, why, original, version.number)
    return explained


def contest_entries(debriefs: Iterable[Debrief], rules: ContestRules | Rulebook,
                    voided: Collection[str] = ()) -> dict[str, int]:
    """Entries each debrief that counts earns in a contest, by debrief id (see
    `earned_entries`); voided and deleted debriefs are left out."""
    return {debrief_id: earned.entries
            for debrief_id, earned in earned_entries(debriefs, rules, voided).items()
            if earned.why is not Why.VOIDED}
