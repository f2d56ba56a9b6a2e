"""Hypothesis strategies for the domain tests: debriefs built from the shipped defaults.

The store and server round-trip tests use them too (`from helpers.domain_strategies
import ...`).
"""

from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import strategies as st

from sync.domain.debrief import (
    LOCAL_ONLY_FIELDS,
    SEGMENT_PARTS,
    Collateral,
    Debrief,
    Evidence,
    Outcome,
    Readiness,
    Reason,
    Segment,
    Stage,
)
from sync.domain.scoring import ContestRules
from sync.domain.text import has_letter_or_digit
from sync.domain.validation import MAX_CRM_REF_CHARS, MAX_NAME_CHARS, MAX_REASONS
from sync.resources import default_contest_rules, default_segments, default_taxonomy

TAXONOMY = default_taxonomy()
SEGMENTS = default_segments()
DEFAULT_RULES = default_contest_rules()

COMPETITOR_NAMES = ("Rocket Corp", "AT&T", "Müller GmbH", "北京科技", "Globex", "SAP SE")
SAMPLE_QUOTE = "We could not justify the price to our CFO this year."

OFFSETS = st.sampled_from([
    UTC,
    timezone(timedelta(hours=2)),
    timezone(timedelta(hours=-5, minutes=-30)),
    timezone(timedelta(hours=14)),
])


def aware_datetimes(min_year: int = 2000, max_year: int = 2100) -> st.SearchStrategy[datetime]:
    """Aware datetimes in a few fixed offsets (never so close to the limits that the
    conversion to UTC overflows)."""
    return st.datetimes(min_value=datetime(min_year, 1, 2), max_value=datetime(max_year, 12, 30),
                        timezones=OFFSETS)


def reason_keys() -> st.SearchStrategy[tuple[str, str | None]]:
    """A (code, detail) pair from the default taxonomy, retired codes included."""

    def with_detail(code):
        details = [d.key for d in code.details]
        detail = (st.none() | st.sampled_from(details)) if details else st.none()
        return st.tuples(st.just(code.key), detail)

    return st.sampled_from(TAXONOMY.codes).flatmap(with_detail)


# A few words as a rep types them for "Other": letters and spaces, one line, trimmed.
WORDS = st.from_regex(r"[A-Za-z\u00e9\u00fc][A-Za-z\u00e9\u00fc ]{0,40}[A-Za-z]", fullmatch=True)


@st.composite
def reasons(draw, min_size: int = 0, max_size: int = 5) -> tuple[Reason, ...]:
    """Distinct reasons; at most one is primary (none, sometimes, so scoring sees drafts).
    A code that asks for words ("Other") has some."""
    keys = draw(st.lists(reason_keys(), min_size=min_size, max_size=max_size, unique=True))
    primary = draw(st.none() | st.integers(0, len(keys) - 1)) if keys else None
    return tuple(
        Reason(code, detail, draw(st.sampled_from(Evidence)), index == primary,
               draw(WORDS) if _asks_for_words(code) else None)
        for index, (code, detail) in enumerate(keys)
    )


def _asks_for_words(key: str) -> bool:
    code = TAXONOMY.code(key)
    return code is not None and code.asks_for_words


def segment_values(part: str) -> st.SearchStrategy[str | None]:
    return st.none() | st.sampled_from([c.key for c in SEGMENTS.choices_for(part)])


def segments() -> st.SearchStrategy[Segment]:
    return st.builds(Segment, *(segment_values(part) for part in SEGMENT_PARTS))


def optional_text(max_size: int = 40) -> st.SearchStrategy[str | None]:
    return st.none() | st.text(max_size=max_size)


@st.composite
def debriefs(draw, deal_values: st.SearchStrategy[Decimal | None] | None = None) -> Debrief:
    """Any debrief a rep could have on disk: real codes and segments, free text anywhere."""
    if deal_values is None:
        deal_values = st.none() | st.decimals(min_value=0, max_value=10**12, places=2,
                                              allow_nan=False, allow_infinity=False)
    return Debrief(
        id=draw(st.uuids().map(str)),
        rep=draw(st.sampled_from(["ana", "bo", ""]) | st.text(max_size=12)),
        outcome=draw(st.none() | st.sampled_from(Outcome)),
        stage=draw(st.none() | st.sampled_from(Stage)),
        segment=draw(segments()),
        reasons=draw(reasons()),
        reasons_unknown=draw(st.booleans()),
        competitor=draw(st.none() | st.sampled_from(COMPETITOR_NAMES) | st.text(max_size=20)),
        deal_value=draw(deal_values),
        currency=draw(st.none() | st.sampled_from(["EUR", "USD", "euro"])),
        crm_ref=draw(optional_text(20)),
        quote=draw(st.none() | st.just(SAMPLE_QUOTE) | st.text(max_size=60)),
        share_quote=draw(st.booleans()),
        lead_source=draw(st.none() | st.sampled_from(["inbound", "event", "nowhere"])),
        sales_ready=draw(st.none() | st.sampled_from(Readiness)),
        failed_criteria=tuple(draw(st.lists(st.sampled_from(["budget", "need", "timeline"]),
                                            max_size=3, unique=True))),
        collateral=tuple(draw(st.lists(st.builds(
            Collateral, st.sampled_from(["case_study", "roi_calculator", "demo_video"]),
            st.none() | st.booleans()), max_size=3, unique_by=lambda c: c.key))),
        play=draw(st.none() | st.just(SAMPLE_QUOTE) | st.text(max_size=60)),
        share_play=draw(st.booleans()),
        private_notes=draw(optional_text()),
        account_name=draw(optional_text()),
        revision=draw(st.integers(0, 10_000)),
        created_at=draw(st.none() | aware_datetimes()),
        updated_at=draw(st.none() | aware_datetimes()),
        deleted=draw(st.booleans()),
    )


# What a rep types: letters, digits, punctuation, spaces; on several lines where allowed.
_TYPED = st.characters(categories=("L", "N", "P", "Zs"))
_TYPED_LINES = st.characters(categories=("L", "N", "P", "Zs"), include_characters="\n\t")


def typed_text(max_size: int, *, lines: bool = False,
               named: bool = False) -> st.SearchStrategy[str | None]:
    """Text as the store keeps it (trimmed, never blank), or None. `named`: a name, which
    needs a letter or digit."""
    text = st.text(_TYPED_LINES if lines else _TYPED, min_size=1, max_size=max_size)
    text = text.map(str.strip).filter(has_letter_or_digit if named else bool)
    return st.none() | text


@st.composite
def fitting_reasons(draw, outcome: Outcome) -> tuple[Reason, ...]:
    """One to MAX_REASONS distinct reasons that fit `outcome` (retired codes too),
    exactly one of them the main one."""
    fitting = reason_keys().filter(lambda key: TAXONOMY.code(key[0]).applies_to_outcome(outcome))
    keys = draw(st.lists(fitting, min_size=1, max_size=MAX_REASONS, unique=True))
    primary = draw(st.integers(0, len(keys) - 1))
    return tuple(Reason(code, detail, draw(st.sampled_from(Evidence)), index == primary,
                        draw(WORDS) if _asks_for_words(code) else None)
                 for index, (code, detail) in enumerate(keys))


@st.composite
def saveable_debriefs(draw) -> Debrief:
    """A debrief a save accepts against the shipped lists, as the store keeps it (typed
    text trimmed, a currency only beside a deal value): what then travels and comes back."""
    outcome = draw(st.sampled_from(Outcome))
    unknown = draw(st.booleans())
    deal_value = draw(st.none() | st.decimals(min_value=0, max_value=10**12, places=2,
                                              allow_nan=False, allow_infinity=False))
    return Debrief(
        id=draw(st.uuids().map(str)),
        rep=draw(st.sampled_from(["ana", "bo"]) | st.text(_TYPED, max_size=12).filter(str.strip)),
        outcome=outcome,
        stage=draw(st.sampled_from(Stage)),
        segment=draw(segments()),
        reasons=() if unknown else draw(fitting_reasons(outcome)),
        reasons_unknown=unknown,
        competitor=draw(st.sampled_from(COMPETITOR_NAMES) | typed_text(MAX_NAME_CHARS,
                                                                       named=True)),
        deal_value=deal_value,
        currency=None if deal_value is None else draw(st.sampled_from(["EUR", "USD", "CHF"])),
        crm_ref=draw(typed_text(MAX_CRM_REF_CHARS)),
        quote=draw(st.just(SAMPLE_QUOTE) | typed_text(200, lines=True)),
        share_quote=draw(st.booleans()),
        private_notes=draw(typed_text(200, lines=True)),
        account_name=draw(typed_text(MAX_NAME_CHARS, named=True)),
        revision=draw(st.integers(0, 10_000)),
        created_at=draw(st.none() | aware_datetimes()),
        updated_at=draw(st.none() | aware_datetimes()),
        deleted=draw(st.booleans()),
    )


def left_the_machine(debrief: Debrief) -> Debrief:
    """`debrief` as it is once it has left the rep's machine: local-only fields not
    given, and the quote only if the rep shared it."""
    not_given = {f.name: f.default for f in fields(Debrief) if f.name in LOCAL_ONLY_FIELDS}
    return debrief.with_changes(**not_given,
                                quote=debrief.quote if debrief.share_quote else None,
                                play=debrief.play if debrief.share_play else None)


@st.composite
def contest_rules(draw) -> ContestRules:
    """Any usable rules: every value >= 0 and a cap at least the base."""
    points = st.integers(0, 5)
    base = draw(points)
    return ContestRules(
        base=base,
        extra_reason=draw(points),
        max_extra_reasons=draw(st.integers(0, 4)),
        detail_code=draw(points),
        max_detail_codes=draw(st.integers(0, 4)),
        competitor=draw(points),
        shared_quote=draw(points),
        min_quote_chars=draw(st.integers(0, 60)),
        complete_segment=draw(points),
        cap=base + draw(st.integers(0, 15)),
        daily_cap=draw(st.integers(0, 100)),
    )


def any_rules() -> st.SearchStrategy[ContestRules]:
    return st.just(DEFAULT_RULES) | contest_rules()
