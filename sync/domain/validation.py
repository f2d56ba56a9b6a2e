"""Validation of a debrief: every problem at once, each naming its field, in a rep's words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from sync.domain.debrief import SEGMENT_PARTS, Debrief, Outcome, Readiness
from sync.domain.lead_lists import LeadLists
from sync.domain.segments import SegmentLists
from sync.domain.taxonomy import Taxonomy
from sync.domain.text import (
    N_,
    Message,
    has_control_characters,
    has_letter_or_digit,
    has_symbols,
)

MAX_REASONS = 8
MAX_NAME_CHARS = 80  # competitor, account name
MAX_CRM_REF_CHARS = 64
MAX_QUOTE_CHARS = 2_000
MAX_NOTES_CHARS = 10_000
MAX_PLAY_CHARS = 500  # a play that worked: a short text
MAX_WORDS_CHARS = 80  # the few words an "Other" reason asks for
MAX_COLLATERAL = 12
MAX_DEAL_VALUE = Decimal("1000000000000")
_CURRENCY = re.compile(r"[A-Z]{3}")
_AMOUNT = re.compile(r"(?P<number>[\d.,]+)(?P<suffix>[kKmM]?)")
_SPACING = str.maketrans("", "", " \u00a0\u202f'\u2019")  # 48 000, 48'000 (Swiss)
NO_REASON = N_("Add at least one reason, or choose \u201cDon\u2019t know\u201d if you honestly "
               "don\u2019t.")  # the problem of a debrief that gives no reason at all
EARLIEST_DATE = datetime(2000, 1, 1, tzinfo=UTC)  # no debrief was made before this
CLOCK_SLACK = timedelta(days=1)  # how far ahead of the receiver a sender's clock may be


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a debrief: the field it concerns and what to do about it."""

    field: str
    message: Message

    @property
    def text(self) -> str:
        return self.message.text


class InvalidDebrief(ValueError):
    """Raised by code that refuses to store a debrief with problems."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{p.field}: {p.text}" for p in problems))
        self.problems = problems


def validate(debrief: Debrief, taxonomy: Taxonomy,
             segments: SegmentLists | None = None,
             leads: LeadLists | None = None, *, words_asked: bool = True) -> list[Problem]:
    """All problems with `debrief`, in form order; an empty list means it can be saved.
    Without `segments` or `leads`, values are not checked against those lists. Without
    `words_asked`, a reason that asks for words may come without them (from an app too
    old to know it should)."""
    return [
        *_outcome_and_stage(debrief),
        *_segment(debrief, segments),
        *_reasons(debrief, taxonomy, words_asked),
        *_optional_fields(debrief),
        *_lead_facts(debrief, leads),
    ]


def _lead_facts(debrief: Debrief, leads: LeadLists | None) -> Iterator[Problem]:
    pick = Message(N_("Pick a value from the list."), {})
    if debrief.lead_source and leads is not None and not leads.offers(
            "lead_sources", debrief.lead_source):
        yield Problem("lead_source", pick)
    criteria = debrief.failed_criteria
    if criteria and debrief.sales_ready not in (Readiness.PARTLY, Readiness.NO):
        yield Problem("failed_criteria", Message(N_(
            "Name failed criteria only for a lead that was not fully sales-ready.")))
    elif len(set(criteria)) < len(criteria) or (leads is not None and not all(
            leads.offers("sql_criteria", key) for key in criteria)):
        yield Problem("failed_criteria", pick)
    keys = [piece.key for piece in debrief.collateral]
    if len(keys) > MAX_COLLATERAL or len(set(keys)) < len(keys) or (
            leads is not None and not all(leads.offers("collateral", key) for key in keys)):
        yield Problem("collateral", pick)
    yield from _text("play", debrief.play, MAX_PLAY_CHARS, multiline=True)


def believable_date(moment: datetime, now: datetime) -> bool:
    """Whether a debrief can have been made or edited at `moment`, seen from a clock that
    says `now`: not before 2000, nor later than `now` by more than a day (CLOCK_SLACK,
    for a clock set a little wrong)."""
    return EARLIEST_DATE <= moment <= now + CLOCK_SLACK


def dating_problems(debrief: Debrief, now: datetime) -> list[Problem]:
    """Dates that cannot be right, seen from the receiving side's clock (`now`). A
    debrief dated in days still to come would earn contest entries for them. Saved again
    on a computer whose clock is right, it takes that clock's date (DebriefStore.save)."""
    return [Problem(field, Message(N_(
                "Dated {moment}, which cannot be right: set this computer's date and "
                "time, then open this debrief and save it again."), {"moment": moment}))
            for field, moment in (("created_at", debrief.created_at),
                                  ("updated_at", debrief.updated_at))
            if moment is not None and not believable_date(moment, now)]


def parse_deal_value(text: str) -> Decimal | None:
    """Read a deal value as a rep types it, in English or European writing: '48000',
    '48,000', '48.000', '48 000', '48,000.50', '48.000,50', '48,5k', '1.2m'.

    A separator followed by exactly three digits groups thousands; the last separator
    followed by other digits is the decimal point. Returns None for blank text; raises
    ValueError with a rep-readable reason otherwise.
    """
    cleaned = text.translate(_SPACING)
    if not cleaned:
        return None
    match = _AMOUNT.fullmatch(cleaned)
    plain = _plain_number(match["number"]) if match else None
    if plain is None:
        raise ValueError(N_("Type the deal value as a number, like 48000 or 48k."))
    number = Decimal(plain)
    factor = {"": 1, "k": 1_000, "m": 1_000_000}[match["suffix"].lower()]
    try:
        return (number * factor).quantize(Decimal("0.01"))
    except InvalidOperation as exc:  # more digits than Decimal's precision holds
        raise ValueError(N_("That deal value is too large to be real.")) from exc


def _plain_number(text: str) -> str | None:
    """'48.000,50' -> '48000.50': digits with one '.' at most, or None if `text` is not
    a number written with thousands separators and a decimal point or comma."""
    separators = [c for c in text if c in ".,"]
    whole, fraction = text, ""
    if separators:
        last = separators[-1]
        head, _, tail = text.rpartition(last)
        decimal = (len(set(separators)) == 2  # 48.000,50: the last one is the point
                   or (len(separators) == 1 and not (len(tail) == 3 and 0 < len(head) <= 3)))
        if decimal:
            whole, fraction = head, tail
            if last in whole or not fraction:
                return None
    groups = whole.replace(",", ".").split(".")
    if len(groups) > 1 and not (0 < len(groups[0]) <= 3
                                and all(len(group) == 3 for group in groups[1:])):
        return None  # 1.2.3, 12,34: not thousands
    digits = "".join(groups) or "0"
    if not (digits + fraction).isdigit():
        return None
    return f"{digits}.{fraction}" if fraction else digits


def _outcome_and_stage(debrief: Debrief) -> Iterator[Problem]:
    if debrief.outcome is None:
        yield Problem("outcome", Message(N_("Choose how the call ended.")))
    if debrief.stage is None:
        yield Problem("stage", Message(N_("Choose the funnel stage the deal reached.")))
    if not debrief.rep.strip():
        yield Problem("rep", Message(N_("Sign in or set your name first.")))


def _segment(debrief: Debrief, segments: SegmentLists | None) -> Iterator[Problem]:
    if segments is None:
        return
    for part in SEGMENT_PARTS:
        value = getattr(debrief.segment, part)
        if value and not segments.offers(part, value):
            yield Problem(f"segment.{part}",
                          Message(N_("Pick a value from the list."), {}))


def _reasons(debrief: Debrief, taxonomy: Taxonomy, words_asked: bool) -> Iterator[Problem]:
    reasons = debrief.reasons
    if not reasons:
        if not debrief.reasons_unknown:
            yield Problem("reasons", Message(NO_REASON))
        return
    if debrief.reasons_unknown:
        yield Problem("reasons", Message(N_(
            "You chose \u201cDon\u2019t know\u201d and also gave reasons: remove one or the "
            "other.")))
    if len(reasons) > MAX_REASONS:
        yield Problem("reasons", Message(N_("Keep it to {max} reasons at most."),
                                         {"max": MAX_REASONS}))
    primaries = sum(1 for r in reasons if r.primary)
    if primaries == 0:
        yield Problem("reasons", Message(N_("Mark one reason as the main one.")))
    elif primaries > 1:
        yield Problem("reasons", Message(N_("Only one reason can be the main one.")))
    seen: set[tuple[str, str | None]] = set()
    for index, reason in enumerate(reasons):
        yield from _reason(index, reason.code, reason.detail, debrief.outcome, taxonomy, seen)
        yield from _words(index, reason.code, reason.words, taxonomy, words_asked)


def _words(index: int, code_key: str, words: str | None, taxonomy: Taxonomy,
           words_asked: bool) -> Iterator[Problem]:
    """The few words of a reason that asks for them ("Other"), and none on another."""
    code = taxonomy.code(code_key)
    if code is None:
        return  # said by _reason
    field = f"reasons[{index}].words"
    if not code.asks_for_words:
        if words is not None:
            yield Problem(field, Message(N_(
                "Only \u201c{label}\u201d takes words of its own."),
                {"label": next((c.label for c in taxonomy.codes if c.asks_for_words),
                               "Other")}))
        return
    if words is None or not words.strip():
        if words_asked:
            yield Problem(field, Message(N_(
                "Say in a few words what it was, so marketing can add it to the list.")))
        return
    problems = list(_text(field, words, MAX_WORDS_CHARS, multiline=False))
    yield from problems
    if not problems and not has_letter_or_digit(words):
        yield Problem(field, Message(N_("Use a few words, with letters.")))


def _reason(index: int, code_key: str, detail_key: str | None, outcome: Outcome | None,
            taxonomy: Taxonomy, seen: set[tuple[str, str | None]]) -> Iterator[Problem]:
    field = f"reasons[{index}]"
    code = taxonomy.code(code_key)
    if code is None:
        yield Problem(field, Message(N_("\u201c{code}\u201d is not in the reason list."),
                                     {"code": code_key}))
        return
    if (code_key, detail_key) in seen:
        yield Problem(field, Message(N_("\u201c{label}\u201d is listed twice."),
                                     {"label": taxonomy.label(code_key, detail_key)}))
    seen.add((code_key, detail_key))
    if detail_key is not None and code.detail(detail_key) is None:
        yield Problem(field, Message(N_("That detail does not belong under \u201c{label}\u201d."),
                                     {"label": code.label}))
    if outcome is not None and not code.applies_to_outcome(outcome):
        template = (N_("\u201c{label}\u201d is a reason deals are won: pick another reason or "
                       "change the outcome.") if code.applies_to.value == "win" else
                    N_("\u201c{label}\u201d is a reason deals are lost: pick another reason or "
                       "change the outcome."))
        yield Problem(field, Message(template, {"label": code.label}))


def _optional_fields(debrief: Debrief) -> Iterator[Problem]:
    yield from _name("competitor", debrief.competitor, symbols_allowed=False)
    yield from _text("crm_ref", debrief.crm_ref, MAX_CRM_REF_CHARS, multiline=False)
    yield from _deal_value(debrief)
    yield from _text("quote", debrief.quote, MAX_QUOTE_CHARS, multiline=True)
    yield from _name("account_name", debrief.account_name, symbols_allowed=True)
    yield from _text("private_notes", debrief.private_notes, MAX_NOTES_CHARS, multiline=True)


def _text(field: str, value: str | None, limit: int, *, multiline: bool) -> Iterator[Problem]:
    if not value:
        return
    if len(value) > limit:
        yield Problem(field, Message(
            N_("This is {length:,} characters long; keep it under {limit:,}."),
            {"length": len(value), "limit": limit}))
    if has_control_characters(value, multiline=multiline):
        yield Problem(field, Message(N_(
            "This holds invisible control characters (often from a paste): retype it or "
            "paste it as plain text.")))


def _name(field: str, value: str | None, *, symbols_allowed: bool) -> Iterator[Problem]:
    if value is None:
        return
    if not value.strip():
        return
    problems = list(_text(field, value, MAX_NAME_CHARS, multiline=False))
    yield from problems
    if problems:
        return
    if not symbols_allowed and has_symbols(value):
        yield Problem(field, Message(N_(
            "Write the name without emoji or symbols such as \u2122: it is used to group "
            "deals by competitor.")))
    elif not has_letter_or_digit(value):
        yield Problem(field, Message(N_("A name needs at least one letter or digit.")))


def _deal_value(debrief: Debrief) -> Iterator[Problem]:
    value = debrief.deal_value
    if value is None:
        return
    if value.is_nan():  # e.g. "NaN" over HTTP; comparing it would raise
        yield Problem("deal_value", Message(N_(
            "Type the deal value as a number, like 48000 or 48k.")))
    elif value < 0:
        yield Problem("deal_value", Message(N_("A deal value cannot be negative.")))
    elif value > MAX_DEAL_VALUE:
        yield Problem("deal_value", Message(N_("That deal value is too large to be real.")))
    if not debrief.currency:
        yield Problem("currency", Message(N_("Choose the currency of the deal value.")))
    elif not _CURRENCY.fullmatch(debrief.currency):
        yield Problem("currency", Message(N_("Use a three-letter currency code such as EUR.")))
