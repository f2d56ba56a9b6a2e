"""The rep's standing in a running contest, as the local store keeps it: it comes back
from its dict unchanged, and what is not one is refused rather than shown."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.domain.contest_standing import ContestStanding

MOMENTS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                       timezones=st.just(UTC))
SAMPLE = ContestStanding(name="December close-out", prize="A weekend in Lisbon",
                         ends_at=datetime(2026, 12, 19, tzinfo=UTC), my_entries=42,
                         band_text="top 25%", field_size=12,
                         fetched_at=datetime(2026, 12, 7, 14, 32, 5, 120, tzinfo=UTC))


@given(name=st.text(max_size=120), prize=st.text(max_size=200), ends_at=MOMENTS,
       my_entries=st.none() | st.integers(0, 10**6),
       band_text=st.none() | st.sampled_from(["top 10%", "top 25%", "top half", "keep going"]),
       field_size=st.integers(0, 10**5), fetched_at=MOMENTS)
def test_a_standing_comes_back_from_its_dict_unchanged(**fields):
    standing = ContestStanding(**fields)
    stored = json.loads(json.dumps(standing.to_dict()))  # as the local store keeps it
    assert ContestStanding.from_dict(stored) == standing


def test_its_dict_is_plain_json_with_times_in_utc():
    assert SAMPLE.to_dict() == {
        "name": "December close-out", "prize": "A weekend in Lisbon",
        "ends_at": "2026-12-19T00:00:00.000000Z", "my_entries": 42, "band_text": "top 25%",
        "field_size": 12, "fetched_at": "2026-12-07T14:32:05.000120Z", "rules": None}


def test_a_standing_kept_before_it_had_rules_still_reads():
    kept = SAMPLE.to_dict()
    del kept["rules"]
    assert ContestStanding.from_dict(kept) == SAMPLE
    with_rules = replace(SAMPLE, rules={"base": 1, "lead_source": 0})
    assert ContestStanding.from_dict(with_rules.to_dict()) == with_rules


@pytest.mark.parametrize(("field", "value"), [
    ("name", None), ("prize", 7), ("ends_at", "next Friday"), ("ends_at", 1766102400),
    ("ends_at", "2026-12-19T00:00:00"),  # no time zone
    ("my_entries", -1), ("my_entries", "42"), ("my_entries", True), ("band_text", 25),
    ("field_size", None), ("fetched_at", None), ("rules", [1]), ("rules", {"base": -1})])
def test_what_is_not_a_standing_is_refused(field, value):
    with pytest.raises((TypeError, ValueError)):
        ContestStanding.from_dict(SAMPLE.to_dict() | {field: value})


def test_a_dict_missing_a_field_is_refused():
    data = SAMPLE.to_dict()
    del data["band_text"]
    with pytest.raises(KeyError):
        ContestStanding.from_dict(data)
