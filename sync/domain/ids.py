"""Time-ordered identifiers (UUID version 7, RFC 9562) made on the rep's machine.

Python 3.11 has no uuid7, and the libraries that do cannot take our injected clock;
the layout is simple enough to write down here: 48 bits of Unix milliseconds, the
version, 12 bits of sub-millisecond counter, the variant, 62 random bits.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sync.domain.clock import Clock

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MS = timedelta(milliseconds=1)


class DebriefIdFactory:
    """Makes UUIDv7s whose time comes from `clock`; strictly increasing per factory.

    Two ids made in the same millisecond (or with a clock that stands still or goes
    back) still sort in the order they were made: the 12-bit counter, then the
    timestamp itself, are carried forward.
    """

    def __init__(self, clock: Clock, random_bytes: Callable[[int], bytes] = os.urandom):
        self._clock = clock
        self._random_bytes = random_bytes
        self._lock = threading.Lock()
        self._last_ms = -1
        self._counter = 0

    def new_id(self) -> str:
        with self._lock:
            # Integer arithmetic: float timestamp() * 1000 is sometimes 1 ms short.
            ms = (self._clock.now() - _EPOCH) // _ONE_MS
            if ms > self._last_ms:
                self._last_ms = ms
                self._counter = int.from_bytes(self._random_bytes(2), "big") & 0x3FF
            else:
                self._counter += 1
                if self._counter > 0xFFF:
                    self._last_ms += 1
                    self._counter = 0
            ms, counter = self._last_ms, self._counter
        rand_b = int.from_bytes(self._random_bytes(8), "big") & ((1 << 62) - 1)
        value = (ms & ((1 << 48) - 1)) << 80
        value |= 0x7 << 76
        value |= counter << 64
        value |= 0b10 << 62
        value |= rand_b
        return _canonical(value)


def _canonical(value: int) -> str:
    """The 8-4-4-4-12 text form, as str(uuid.UUID(int=value)) gives it. Written out so
    that making an id does not import uuid (and platform with it) at start-up."""
    digits = f"{value:032x}"
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def id_timestamp_ms(debrief_id: str) -> int:
    """The Unix milliseconds encoded in a UUIDv7."""
    import uuid

    return uuid.UUID(debrief_id).int >> 80


def is_uuid7(text: str) -> bool:
    import uuid

    try:
        parsed = uuid.UUID(text)
    except (ValueError, AttributeError, TypeError):
        return False
    return parsed.version == 7 and str(parsed) == text
