"""Tests for the clocks and the canonical timestamp text."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from helpers.domain_strategies import aware_datetimes
from hypothesis import given

from sync.domain.clock import SteppingClock, SystemClock, from_iso, to_iso

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_stepping_clock_starts_at_its_start_and_steps():
    clock = SteppingClock(start=START, step=timedelta(seconds=2))
    assert [clock.now() for _ in range(3)] == [
        START, START + timedelta(seconds=2), START + timedelta(seconds=4)]


def test_stepping_clock_default_is_a_fixed_monday_morning_in_utc():
    clock = SteppingClock()
    assert clock.now() == START
    assert clock.now() == START + timedelta(seconds=1)


def test_stepping_clock_advance_moves_the_next_reading():
    clock = SteppingClock(start=START, step=timedelta(0))
    clock.advance(timedelta(days=1))
    assert clock.now() == START + timedelta(days=1)
    clock.advance(-timedelta(days=2))
    assert clock.now() == START - timedelta(days=1)


def test_stepping_clock_refuses_a_naive_start():
    with pytest.raises(ValueError, match="aware datetime"):
        SteppingClock(start=datetime(2026, 1, 5, 9, 0))


def test_system_clock_tells_aware_utc_time():
    before = datetime.now(UTC)
    now = SystemClock().now()
    assert now.tzinfo is UTC
    assert before <= now <= datetime.now(UTC)


def test_to_iso_writes_utc_with_microseconds_and_z():
    moment = datetime(2026, 1, 5, 11, 30, 15, 250, tzinfo=timezone(timedelta(hours=2)))
    assert to_iso(moment) == "2026-01-05T09:30:15.000250Z"


def test_to_iso_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="timestamps must be timezone-aware"):
        to_iso(datetime(2026, 1, 5, 9, 0))


@pytest.mark.parametrize("text", ["2026-01-05T09:00:00", "2026-01-05T09:00:00.000000",
                                  "2026-01-05"])
def test_from_iso_refuses_a_timestamp_without_a_zone(text):
    with pytest.raises(ValueError, match="timestamp without a time zone"):
        from_iso(text)


def test_from_iso_refuses_garbage():
    with pytest.raises(ValueError, match="Invalid isoformat"):
        from_iso("yesterday")


@pytest.mark.parametrize("text", ["2026-01-05T09:00:00Z", "2026-01-05T09:00:00.000000Z",
                                  "2026-01-05T11:00:00+02:00", "2026-01-05T04:00:00-05:00"])
def test_from_iso_reads_any_offset_as_utc(text):
    moment = from_iso(text)
    assert moment == START
    assert moment.tzinfo is UTC


def test_to_iso_pads_early_years_to_four_digits():
    assert to_iso(datetime(999, 1, 2, tzinfo=UTC)) == "0999-01-02T00:00:00.000000Z"


@given(aware_datetimes(min_year=1, max_year=9999))
def test_to_iso_and_from_iso_round_trip(moment):
    text = to_iso(moment)
    back = from_iso(text)
    assert back == moment
    assert back.tzinfo is UTC
    assert to_iso(back) == text
    assert len(text) == len("2026-01-05T09:00:00.000000Z")


@given(aware_datetimes(), aware_datetimes())
def test_to_iso_text_sorts_like_the_moments(first, second):
    assert (to_iso(first) < to_iso(second)) == (first < second)
