"""How long to wait before the next sync after failures: exponential back-off with full
jitter (AWS architecture blog, "Exponential Backoff And Jitter"), capped, with the
server's Retry-After as a floor. Pure: the random source is handed in."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """`delay(failures)` is uniform in [0, min(cap, base * 2**(failures-1))], and never
    less than a Retry-After the server asked for (itself capped at `max_retry_after`)."""

    base: float = 2.0
    cap: float = 300.0
    max_retry_after: float = 3600.0
    random: Callable[[], float] = field(default_factory=lambda: random.Random().random)

    def __post_init__(self) -> None:
        if self.base <= 0 or self.cap < self.base:
            raise ValueError("Backoff needs 0 < base <= cap")

    def ceiling(self, failures: int) -> float:
        """The longest wait after `failures` failures in a row (0 for none)."""
        if failures <= 0:
            return 0.0
        # 2**n grows past any cap quickly; stop before the float overflows.
        return min(self.cap, self.base * 2.0 ** min(failures - 1, 64))

    def delay(self, failures: int, retry_after: float | None = None) -> float:
        waited = self.random() * self.ceiling(failures)
        if retry_after is not None and retry_after > 0:
            waited = max(waited, min(retry_after, self.max_retry_after))
        return waited
