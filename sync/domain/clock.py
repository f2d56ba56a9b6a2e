"""Clocks: every timestamp in Debrief comes from an injected clock, in UTC."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class SteppingClock:
    """A clock for tests and benchmarks: starts at `start`, moves `step` per reading."""

    start: datetime = field(default_factory=lambda: datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    step: timedelta = timedelta(seconds=1)

    def __post_init__(self) -> None:
        if self.start.tzinfo is None:
            raise ValueError("SteppingClock needs an aware datetime")
        self._next = self.start

    def now(self) -> datetime:
        current = self._next
        self._next = current + self.step
        return current

    def advance(self, delta: timedelta) -> None:
        self._next += delta


def to_iso(moment: datetime) -> str:
    """The canonical text form of a timestamp: UTC, microseconds, 'Z'."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    # isoformat, not strftime("%Y"): the latter writes year 999 as "999", which
    # from_iso cannot read and which sorts wrongly as text.
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def from_iso(text: str) -> datetime:
    """Parse a timestamp written by `to_iso` (or any ISO 8601 form with an offset)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"timestamp without a time zone: {text!r}")
    return as_utc(moment)


def as_utc(moment: datetime) -> datetime:
    """`moment` as aware UTC; a naive one is taken to be UTC already (SQLite hands back
    naive datetimes; we write UTC). ValueError if it has no UTC time in years 1-9999."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:30+01:00 is valid text with no UTC time
        raise ValueError(f"{moment.isoformat()} is out of range once moved to UTC") from None
