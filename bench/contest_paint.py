"""The Contest workspace repaints a manager's leaderboard of 1,000 reps within 50 ms of
receiving it: handed to the workspace in a fresh process (bench/contest_probe.py); from
`show_page` to the painted window. Baseline: painting the workspace with nothing in it,
in the same process."""

from __future__ import annotations

from bench.child import probe
from bench.figures import Figure, Section, Target, median

TARGET_MS = 50.0


def run() -> Section:
    result = probe("bench.contest_probe")
    paints = result["paint_ms"]
    return Section("13. contest: the app repaints a leaderboard", [
        Figure("1,000 reps received to painted window, first", paints[0],
               result["empty_paint_ms"], "ms", Target(TARGET_MS)),
        Figure(f"1,000 reps received to painted window, median of {len(paints)}",
               median(paints), result["empty_paint_ms"], "ms", Target(TARGET_MS)),
    ], ["offscreen Qt, 1180 x 820, a manager's view: every rank with entries, debriefs "
        "and last activity, the rules, the draw"])
