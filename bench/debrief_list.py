"""'My debriefs' over 100,000 debriefs: open to first paint, filter changes, memory.

A generated database (bench/sample_debriefs.py) is measured by a child process
(bench/list_probe.py) so that its resident memory starts clean. Baselines, from the
same process: a QTableView over an empty model with the same columns (what Qt itself
costs to open and to repaint after a model reset), and VmRSS right after QApplication.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.child import offscreen_env, repo_root
from bench.figures import Figure, Section, Target, median
from bench.sample_debriefs import write_database

DEBRIEFS = 100_000
OPEN_TARGET_MS = 200.0
FILTER_TARGET_MS = 100.0
MEMORY_TARGET_MB = 200.0
PROBE_TIMEOUT_S = 180


def run_probe(database: Path) -> dict:
    """bench.list_probe's measurements of `database`, from a fresh process."""
    done = subprocess.run([sys.executable, "-m", "bench.list_probe", str(database)],
                          cwd=repo_root(), env=offscreen_env(), capture_output=True,
                          text=True, timeout=PROBE_TIMEOUT_S, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"list probe failed (exit {done.returncode}): {done.stderr[-3000:]}")
    return json.loads(lines[-1])


def figures(result: dict) -> list[Figure]:
    filters = result["filters"]
    ours, base = filters["ours"], filters["baseline"]
    return [
        Figure("open to first paint (first open)", result["open_ms"],
               result["baseline_open_ms"], "ms", Target(OPEN_TARGET_MS)),
        Figure(f"open to first paint, median of {len(result['reopen_ms'])} re-opens",
               median(result["reopen_ms"]), median(result["baseline_reopen_ms"]), "ms"),
        Figure(f"filter change, slowest of {len(ours)} kinds", max(ours), max(base), "ms",
               Target(FILTER_TARGET_MS)),
        Figure(f"filter change, median of {len(ours)} kinds", median(ours), median(base), "ms"),
        Figure(f"resident memory, scrolled to row {5000:,}",
               result["rss_mb"], result["rss_app_mb"], "MB", Target(MEMORY_TARGET_MB)),
    ]


def notes(result: dict, generated_s: float, size_mb: float) -> list[str]:
    filters = result["filters"]
    each = ", ".join(f"{name} {ms:.0f}" for name, ms in
                     zip(filters["names"], filters["ours"], strict=True))
    return [
        f"{DEBRIEFS:,} debriefs ({result['total']:,} not deleted) generated in "
        f"{generated_s:.1f} s, {size_mb:.0f} MB file, page cache warm",
        "open: DebriefList() + apply_filter() (as MainWindow.list) + show, until the "
        "viewport's first Paint and one event-loop turn; the read connection is opened "
        "before the clock starts; Qt warmed by one throwaway table first",
        "filter change: from setting the combo (or search text + apply_filter) until "
        "processEvents() and the viewport's repaint; baseline: endResetModel on the "
        "empty model + repaint. Text search also waits 150 ms of typing debounce first. "
        "Where more than a page matches, the count ('N debriefs') follows from the store "
        "worker and is not in this figure",
        f"each filter change, ms (median of 3 rounds): {each}",
        f"{len(filters['ours'])} kinds of change: each filter alone and back, then stacked, "
        "then cleared one by one, then a search that matches nothing; slowest single "
        f"change seen: {filters['slowest_single']:.0f} ms",
        f"memory: {result['rows']:,} rows held after 25 fetchMore calls "
        f"({result['fetch_ms']:.0f} ms) and scrollTo; baseline: VmRSS right after "
        "QApplication creation (app modules imported); MB = 10^6 bytes",
    ]


def run() -> Section:
    with tempfile.TemporaryDirectory(prefix="debrief-bench-list-") as tmp:
        started = time.perf_counter()
        database = write_database(Path(tmp) / "debrief.sqlite", DEBRIEFS)
        generated_s = time.perf_counter() - started
        size_mb = database.stat().st_size / 1e6
        result = run_probe(database)
    return Section(f"3. 'My debriefs' over {DEBRIEFS:,} debriefs", figures(result),
                   notes(result, generated_s, size_mb))
