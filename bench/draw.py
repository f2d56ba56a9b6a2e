"""The draw anyone can check (docs/draw.md), for 10,000 reps: freeze the ledger, draw
three winners, verify the draw, each within 1 s.

- freeze: the ledger from 10,000 (rep id, entries) pairs as the store reads them from
  contest_scores: sorted, written as its canonical text, hashed (sync.domain.draw);
- draw: three winners from the seed and the frozen ledger text (parsed strictly, as
  the store reads it back);
- verify: what anyone does with the published seed, commitment, ledger and digest.

Baseline: 10,000 HMAC-SHA256 of the seed, one per rep: what any draw keyed per rep on a
secret seed must compute. Median of 5 after a warm-up. The server's own reads and
writes around them (one indexed read of contest_scores, one row written) are not
timed here.
"""

from __future__ import annotations

import hashlib
import hmac
import random

from bench.figures import Figure, Section, Target, warm_runs
from sync.domain import draw

REPS = 10_000
WINNERS = 3
TARGET_MS = 1000.0


def run() -> Section:
    rng = random.Random(23)
    entries = [(rep, rng.randint(1, 400)) for rep in rng.sample(range(1, 10**6), REPS)]
    seed = hashlib.sha256(b"bench draw").digest()
    ledger = draw.Ledger.of(1, entries)
    text = ledger.text().encode("ascii")
    winners = draw.draw(seed, ledger, WINNERS)

    def freeze() -> None:
        frozen = draw.Ledger.of(1, entries)
        frozen.digest()

    def drawing() -> None:
        draw.draw(seed, draw.Ledger.parse(text), WINNERS)

    def verifying() -> None:
        assert draw.verify(seed, draw.commitment(seed), text, ledger.digest(), winners).holds

    def bare() -> None:
        for rep, _ in entries:
            hmac.new(seed, str(rep).encode("ascii"), hashlib.sha256).digest()

    baseline = warm_runs(bare).median
    figures = [Figure(f"{name}, {REPS:,} reps", warm_runs(work).median, baseline, "ms",
                      Target(TARGET_MS))
               for name, work in (("freeze the ledger", freeze), ("draw 3 winners", drawing),
                                  ("verify the draw", verifying))]
    return Section("12. the draw: freeze, draw and verify for 10,000 reps", figures, [
        f"median of 5 after a warm-up; ledger of {len(text):,} bytes; baseline: "
        f"{REPS:,} HMAC-SHA256 of the seed, one per rep (the least such a draw computes)"])
