"""A child process of the exports benchmark: write ROWS rows of the tidy table, made one
at a time (never a list), in a format or not at all, and print the peak resident memory
in KiB. `python -m bench.export_memory FORMAT ROWS` (FORMAT: csv-excel, xlsx, json, or
none for the baseline: the same rows made and dropped).

The peak is the process's own high-water mark (VmHWM): getrusage's ru_maxrss would
carry over the parent's peak from before the exec."""

from __future__ import annotations

import random
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sync.exports import writers
from sync.exports.tidy import About, Row

ABOUT = About(("outcome", "competitor"), "month", {"from": "2024-01", "to": "2026-12",
                                                   "outcome": []}, False, 5, "2026.1",
              "2026-12-07T00:00:00Z")


def made_rows(count: int) -> Iterator[Row]:
    """Rows like the server's table, each made when asked for."""
    rng = random.Random(7)
    for n in range(count):
        group = rng.randint(20, 4000)
        cited = rng.randint(5, group)
        c, k = rng.randrange(12), rng.randrange(7)
        yield Row(f"20{24 + n % 3}-{n % 12 + 1:02d}",
                  (rng.choice(("won", "lost")), f"Competitor {n % 3000}"),
                  f"category{c}", f"Category {c}", f"category{c}.code{k}",
                  f"Reason {c}.{k}", cited, group, round(cited / group, 4))


def main(kind: str, count: int) -> None:
    if kind == "none":
        for _ in made_rows(count):
            pass
    else:
        with tempfile.TemporaryDirectory(prefix="debrief-bench-memory-") as tmp, \
                (Path(tmp) / "out").open("wb") as out:
            writers.write(kind, out, made_rows(count), ABOUT)
    status = Path("/proc/self/status").read_text()
    print(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
