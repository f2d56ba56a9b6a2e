"""Tests for debrief ids: valid UUIDv7s, strictly increasing whatever the clock does."""

import threading
import uuid
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from helpers.domain_strategies import aware_datetimes
from hypothesis import example, given
from hypothesis import strategies as st

from sync.domain.clock import SteppingClock
from sync.domain.ids import DebriefIdFactory, _canonical, id_timestamp_ms, is_uuid7

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def unix_ms(moment: datetime) -> int:
    """Exact Unix milliseconds, with no float in between."""
    return (moment - EPOCH) // timedelta(milliseconds=1)


def zeros(n: int) -> bytes:
    return bytes(n)


def make_ids(step: timedelta, count: int, start: datetime = START) -> list[str]:
    factory = DebriefIdFactory(SteppingClock(start=start, step=step))
    return [factory.new_id() for _ in range(count)]


def assert_strictly_increasing(ids: list[str]) -> None:
    assert all(a < b for a, b in pairwise(ids))
    as_ints = [uuid.UUID(i).int for i in ids]
    assert all(a < b for a, b in pairwise(as_ints))


def test_ids_are_uuid7_with_the_rfc_variant():
    for made in make_ids(timedelta(milliseconds=1), 50):
        parsed = uuid.UUID(made)
        assert is_uuid7(made)
        assert parsed.version == 7
        assert parsed.variant == uuid.RFC_4122


def test_ids_carry_the_clock_milliseconds():
    step = timedelta(milliseconds=7, microseconds=300)
    clock = SteppingClock(start=START, step=step)
    factory = DebriefIdFactory(SteppingClock(start=START, step=step))
    for _ in range(100):
        assert id_timestamp_ms(factory.new_id()) == unix_ms(clock.now())


def test_the_layout_with_known_randomness():
    factory = DebriefIdFactory(SteppingClock(start=START, step=timedelta(0)), random_bytes=zeros)
    assert unix_ms(START) == 0x19B8D627A80
    assert factory.new_id() == "019b8d62-7a80-7000-8000-000000000000"
    assert factory.new_id() == "019b8d62-7a80-7001-8000-000000000000"


def test_ids_increase_when_time_moves_on():
    assert_strictly_increasing(make_ids(timedelta(milliseconds=1), 200))


def test_ids_increase_while_the_clock_stands_still():
    ids = make_ids(timedelta(0), 5_000)  # more than the 12-bit counter holds
    assert_strictly_increasing(ids)
    assert id_timestamp_ms(ids[0]) == unix_ms(START)
    assert id_timestamp_ms(ids[-1]) >= unix_ms(START)


def test_ids_increase_when_the_clock_goes_backwards():
    ids = make_ids(-timedelta(seconds=1), 500)
    assert_strictly_increasing(ids)
    assert all(id_timestamp_ms(i) >= unix_ms(START) for i in ids)


def test_ids_increase_when_the_clock_jumps_back_once():
    clock = SteppingClock(start=START, step=timedelta(milliseconds=1))
    factory = DebriefIdFactory(clock)
    before = [factory.new_id() for _ in range(10)]
    clock.advance(-timedelta(hours=1))
    after = [factory.new_id() for _ in range(10)]
    assert_strictly_increasing(before + after)


def test_counter_overflow_carries_into_the_timestamp():
    factory = DebriefIdFactory(SteppingClock(start=START, step=timedelta(0)), random_bytes=zeros)
    ids = [factory.new_id() for _ in range(0x1000 + 1)]
    assert id_timestamp_ms(ids[0x0FFF]) == unix_ms(START)
    assert id_timestamp_ms(ids[0x1000]) == unix_ms(START) + 1
    assert_strictly_increasing(ids)


def test_ids_from_many_threads_are_unique():
    factory = DebriefIdFactory(SteppingClock(start=START, step=timedelta(0)))
    made: list[list[str]] = [[] for _ in range(4)]

    def work(bucket: list[str]) -> None:
        bucket.extend(factory.new_id() for _ in range(500))

    threads = [threading.Thread(target=work, args=(bucket,)) for bucket in made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [i for bucket in made for i in bucket]
    assert len(set(every)) == 2_000
    for bucket in made:
        assert_strictly_increasing(bucket)


@given(aware_datetimes(min_year=1970, max_year=9998))
@example(datetime(2004, 10, 11, 15, 36, 13, 179000, tzinfo=UTC))  # float ms was 1 short
def test_id_timestamp_ms_is_the_exact_clock_millisecond(moment):
    factory = DebriefIdFactory(SteppingClock(start=moment))
    assert id_timestamp_ms(factory.new_id()) == unix_ms(moment)


@pytest.mark.parametrize("text", [
    str(uuid.uuid4()),
    "019b8d62-7a80-7000-8000-000000000000".upper(),
    "{019b8d62-7a80-7000-8000-000000000000}",
    "019b8d627a8070008000000000000000",
    "019b8d62-7a80-7000-c000-000000000000",  # wrong variant
    "not a uuid",
    "",
    None,
    42,
])
def test_is_uuid7_refuses_anything_else(text):
    assert is_uuid7(text) is False


def test_is_uuid7_accepts_the_canonical_form():
    assert is_uuid7("019b8d62-7a80-7000-8000-000000000000") is True


@given(st.integers(min_value=0, max_value=(1 << 128) - 1))
def test_the_written_out_text_form_is_the_standard_one(value):
    assert _canonical(value) == str(uuid.UUID(int=value))
