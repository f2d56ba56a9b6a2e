"""Exports: the writers of sync/exports over 100,000 rows of the tidy table.

XLSX (xlsxwriter, constant memory, typed cells) within 5 s; CSV as rows per second at
least 0.5x a bare `csv.writer` writing the same tuples to the same kind of file, in the
same run. The rows are made once, before timing, as the server's table makes them; the
files go to a temporary folder on the same disk.

Memory: 1,000,000 rows written by a fresh child process (bench/export_memory.py) from
rows made one at a time, as the server streams them; the figure is its peak resident
memory beside the same child making the rows and writing nothing. The whole CSV file
is about 100 MB: a writer that held it, or all its rows, would show.
"""

from __future__ import annotations

import csv
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.child import repo_root
from bench.figures import Figure, Section, Target, median
from sync.exports import writers
from sync.exports.tidy import About, Row

ROWS = 100_000
XLSX_TARGET_S = 5.0
CSV_TARGET_OF_BARE = 0.5
ROUNDS = 3
MEMORY_ROWS = 1_000_000
MEMORY_TARGET_MIB = 32.0  # over the baseline: a page of rows, not the file


def peak_kib(kind: str, rows: int) -> int:
    """The peak resident memory of a child writing `rows` rows as `kind`."""
    done = subprocess.run([sys.executable, "-m", "bench.export_memory", kind, str(rows)],
                          cwd=repo_root(), capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1])


def sample_rows(count: int) -> list[Row]:
    rng = random.Random(5)
    codes = [(f"category{c}", f"Category {c}", f"category{c}.code{k}", f"Reason {c}.{k}")
             for c in range(8) for k in range(6)]
    rows = []
    for n in range(count):
        category, category_label, code, label = rng.choice(codes)
        group = rng.randint(20, 4000)
        cited = rng.randint(5, group)
        rows.append(Row(f"2026-{n % 12 + 1:02d}", (rng.choice(("won", "lost")),
                                                   f"Competitor {n % 300}"),
                        category, category_label, code, label, cited, group,
                        round(cited / group, 4)))
    return rows


def _timed(write: Callable[[Path], None], folder: Path) -> float:
    samples = []
    for n in range(ROUNDS):
        path = folder / f"out-{n}"
        started = time.perf_counter()
        write(path)
        samples.append(time.perf_counter() - started)
        path.unlink()
    return median(samples)


def run() -> Section:
    rows = sample_rows(ROWS)
    about = About(("outcome", "competitor"), "month", {"from": "2026-01", "to": "2026-12",
                                                       "outcome": []}, False, 5, "2026.1",
                  "2026-12-07T00:00:00Z")
    with tempfile.TemporaryDirectory(prefix="debrief-bench-exports-") as tmp:
        folder = Path(tmp)

        def ours_csv(path: Path) -> None:
            with path.open("wb") as out:
                writers.write("csv-excel", out, rows, about)

        def bare_csv(path: Path) -> None:
            with path.open("w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(about.columns)
                writer.writerows(row.cells() for row in rows)

        def ours_xlsx(path: Path) -> None:
            with path.open("wb") as out:
                writers.write("xlsx", out, rows, about)

        csv_s, bare_s = _timed(ours_csv, folder), _timed(bare_csv, folder)
        xlsx_s = _timed(ours_xlsx, folder)
    baseline = peak_kib("none", MEMORY_ROWS)
    memory = [Figure(f"peak memory writing {MEMORY_ROWS:,} rows as {kind}, over making them",
                     (peak_kib(kind, MEMORY_ROWS) - baseline) / 1024, baseline / 1024, "MiB",
                     Target(MEMORY_TARGET_MIB)) for kind in ("csv-excel", "json", "xlsx")]
    return Section("10. exports: 100,000 rows of the tidy table; memory at 1,000,000", [*memory,
        Figure(f"xlsx, {ROWS:,} rows", xlsx_s * 1000, bare_s * 1000, "ms",
               Target(XLSX_TARGET_S * 1000)),
        Figure(f"csv for Excel, {ROWS:,} rows (rows/s)", ROWS / csv_s, ROWS / bare_s, "/s",
               Target(CSV_TARGET_OF_BARE, of_baseline=True, at_least=True)),
    ], [f"median of {ROUNDS} writes each; baseline: a bare csv.writer of the same tuples "
        "(no formula guard, no BOM); the XLSX figure's baseline column is that bare CSV "
        "write, for scale"])
