"""Contests in words: the rules, the time left, why a debrief earned what it did, and
what the server said when it refused."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from desktop.ui.text import day_text, message_text, outcome_label, stage_label, time_text, tr
from sync.client.contest_answers import ContestInfo, Entry
from sync.domain.debrief import Outcome, Stage
from sync.domain.scoring import ContestRules, Why
from sync.domain.text import Message


def rules_in_words(rules: ContestRules) -> list[str]:
    """The scoring rules as a rep reads them, one line each; rules worth nothing left out."""
    lines = [tr("%n (entry|entries) for every debrief you save", None, rules.base)]
    if rules.extra_reason and rules.max_extra_reasons:
        lines.append(tr("+{points} for each reason beyond the first (up to %n)", None,
                        rules.max_extra_reasons).format(points=rules.extra_reason))
    if rules.detail_code and rules.max_detail_codes:
        lines.append(tr("+{points} for each reason narrowed to a detail (up to %n)", None,
                        rules.max_detail_codes).format(points=rules.detail_code))
    if rules.competitor:
        lines.append(tr("+{points} for naming the competitor").format(points=rules.competitor))
    if rules.shared_quote:
        lines.append(tr("+{points} for a customer quote of %n or more characters shared "
                        "with marketing", None, rules.min_quote_chars).format(
                            points=rules.shared_quote))
    if rules.complete_segment:
        lines.append(tr("+{points} for a complete segment (industry, size, region)").format(
            points=rules.complete_segment))
    for points, words in ((rules.lead_source, tr("+{points} for saying where the lead came "
                                                "from")),
                          (rules.sales_readiness, tr("+{points} for saying whether the lead "
                                                    "was sales-ready, and if not, why")),
                          (rules.collateral, tr("+{points} for saying which collateral "
                                               "you used and whether it helped"))):
        if points:
            lines.append(words.format(points=points))
    if rules.shared_play:
        lines.append(tr("+{points} for a play that worked, of %n or more characters, shared "
                        "with marketing", None, rules.min_play_chars).format(
                            points=rules.shared_play))
    lines.append(tr("At most %n (entry|entries) per debrief", None, rules.cap))
    lines.append(tr("At most %n (entry|entries) per day", None, rules.daily_cap))
    lines.append(tr("A debrief of the same opportunity, outcome and stage again earns "
                    "nothing"))
    return lines


def rules_text(contest: ContestInfo) -> str:
    """The rules in force, as a list; once changed, which version they are and since
    when, and that earlier debriefs keep the entries their own version gave them."""
    lines = [f"\u2022 {line}" for line in rules_in_words(contest.rules)]
    current = contest.rulebook.current
    if current.applies_from is not None:
        lines.insert(0, tr("Version {number} of the rules, from {day}. Debriefs made "
                           "before keep the entries the rules of their day gave them.")
                     .format(number=current.number, day=day_text(current.applies_from)))
    return "\n".join(lines)


def by_version_text(by_version: dict[int, int]) -> str:
    """"version 1: 40 · version 2: 12"."""
    return " \u00b7 ".join(tr("version {number}: {entries}").format(number=number,
                                                                    entries=entries)
                            for number, entries in sorted(by_version.items()))


def when_text(contest: ContestInfo, now: datetime) -> str:
    """"From Tue, 17 Nov · Ends Fri, 18 Dec · 11 days left", or before it starts
    "Starts Mon, 4 Jan, ends Fri, 29 Jan" (its last day: one that ends at midnight ends
    on the day before)."""
    start = day_text(contest.starts_at)
    if not contest.has_started(now):
        return tr("Starts {start}, ends {end}").format(
            start=start, end=day_text(contest.ends_at - timedelta(microseconds=1)))
    return tr("From {start}").format(start=start) + " \u00b7 " + ends_text(contest.ends_at,
                                                                            now)


def time_left_text(contest: ContestInfo, now: datetime) -> str:
    """"Starts Mon, 4 Jan", or as the prize panel says it (`ends_text`)."""
    if not contest.has_started(now):
        return tr("Starts {day}").format(day=day_text(contest.starts_at))
    return ends_text(contest.ends_at, now)


def ends_text(ends_at: datetime, now: datetime) -> str:
    """When a contest ends, in the rep's time zone: "Ends Fri, 18 Dec · 11 days left",
    "Ends today at 17:00", "Ended Fri, 18 Dec". Its day is that of its last moment (it
    runs until `ends_at`): one that ends at midnight ends on the day before."""
    last = ends_at - timedelta(microseconds=1)
    today = now.astimezone().date()
    day = day_text(last, today)
    if now >= ends_at:
        return tr("Ended {day}").format(day=day)
    days = (last.astimezone().date() - today).days
    if days == 0:
        local_end = ends_at.astimezone()
        if local_end.time() == local_end.time().min:
            return tr("Ends tonight at midnight")
        return tr("Ends today at {time}").format(time=time_text(ends_at))
    return tr("Ends {day} \u00b7 %Ln day(s) left", None, days).format(day=day)



def why_text(entry: Entry, yours: bool = True) -> str:
    """Why the debrief earned what it did: to the rep (`yours`), or to their manager."""
    void = entry.last_void
    if entry.why is Why.VOIDED and void is not None:
        return tr("Voided by {by}: {reason}").format(by=void.by, reason=void.reason)
    if entry.why is Why.NEAR_DUPLICATE:
        if entry.duplicate_of_created_at is None:
            return tr("Near-duplicate of an earlier debrief")
        day = day_text(entry.duplicate_of_created_at)
        if yours:
            return tr("Near-duplicate of your debrief of {day}").format(day=day)
        return tr("Near-duplicate of the rep's debrief of {day}").format(day=day)
    if entry.why is Why.AFTER_END:
        return tr("Synced after the contest ended: it earns nothing in it")
    if entry.why is Why.DAILY_CAP:
        return tr("Daily cap reached: %n of its entries counted", None, entry.entries) \
            if entry.entries else tr("Daily cap reached")
    if void is not None:  # scored in full after a void was undone
        return tr("Entries given back by {by}: {reason}").format(by=void.by,
                                                                 reason=void.reason)
    return tr("Earned in full for its detail")


def outcome_text(value: str) -> str:
    """An outcome as the server wrote it, in the rep's words."""
    try:
        return outcome_label(Outcome(value))
    except ValueError:
        return value


def stage_text(value: str) -> str:
    try:
        return stage_label(Stage(value))
    except ValueError:
        return value


def problem_text(problem: Any) -> str:
    """What went wrong (a SyncProblem or StoreError): the server's own words for a
    refusal ("the contest has ended: ..."), else the problem's message."""
    message = getattr(problem, "message", None)
    if isinstance(message, Message):
        said = message.params.get("reason")
        return str(said) if said else message_text(message)
    if isinstance(problem, KeyError | TypeError | ValueError):
        return tr("The server's answer could not be read; this Debrief may need an update.")
    return str(problem)


def void_log_text(entry: Entry) -> str:
    """The debrief's log of voids and their undoing, oldest first, one per line ("" for
    none): what the rep reads beside it, kept whole even once undone."""
    lines = []
    for note in entry.voids:
        template = tr("{day}: voided by {by}: {reason}") if note.voided else tr(
            "{day}: entries given back by {by}: {reason}")
        lines.append(template.format(day=day_text(note.at), by=note.by, reason=note.reason))
    return "\n".join(lines)


def entries_table(items: Sequence[Entry], *, versions: bool, yours: bool = True
                  ) -> tuple[list[str], list[list[Any]], dict[tuple[int, int], str]]:
    """Headers, rows and tooltips of a table of debriefs in a contest, in the order
    given: when made, outcome, stage, entries, the version of the rules (`versions`: a
    contest whose rules changed) and why. A long why reads whole in its tooltip, with
    the debrief's log of voids."""
    headers = [tr("Made"), tr("Outcome"), tr("Stage"), tr("Entries"),
               *([tr("Rules")] if versions else []), tr("Why")]
    rows: list[list[Any]] = []
    tips: dict[tuple[int, int], str] = {}
    for index, entry in enumerate(items):
        why = why_text(entry, yours)
        rows.append([day_text(entry.created_at), outcome_text(entry.outcome),
                     stage_text(entry.stage), entry.entries,
                     *([tr("version {number}").format(number=entry.rules_version)]
                       if versions else []), why])
        tips[(index, len(headers) - 1)] = "\n\n".join(filter(None, (why,
                                                                    void_log_text(entry))))
    return headers, rows, tips
