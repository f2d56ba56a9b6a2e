"""Hypothesis strategies for the domain tests: debriefs built from the shipped defaults.

Imported as a plain module (pytest's default "prepend" import mode puts tests/domain on
sys.path); the name is unique across tests/ so it cannot shadow another helper.
"""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import strategies as st

from sync.domain.debrief import SEGMENT_PARTS, Debrief, Evidence, Outcome, Reason, Segment, Stage
from sync.domain.scoring import ContestRules
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


@st.composite
def reasons(draw, min_size: int = 0, max_size: int = 5) -> tuple[Reason, ...]:
    """Distinct reasons; at most one is primary (none, sometimes, so scoring sees drafts)."""
    keys = draw(st.lists(reason_keys(), min_size=min_size, max_size=max_size, unique=True))
    primary = draw(st.none() | st.integers(0, len(keys) - 1)) if keys else None
    return tuple(
        Reason(code, detail, draw(st.sampled_from(Evidence)), index == primary)
        for index, (code, detail) in enumerate(keys)
    )


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
        private_notes=draw(optional_text()),
        account_name=draw(optional_text()),
        revision=draw(st.integers(0, 10_000)),
        created_at=draw(st.none() | aware_datetimes()),
        updated_at=draw(st.none() | aware_datetimes()),
        deleted=draw(st.booleans()),
    )


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
