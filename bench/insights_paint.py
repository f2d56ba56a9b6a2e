"""The Insights workspace paints within 500 ms of receiving an answer: the answers a
large company gets (300 competitors, every code, 24 months), handed to the workspace
in a fresh process (bench/insights_probe.py); from `show_answers` to the painted
window. Baseline: painting the workspace with nothing in it, in the same process."""

from __future__ import annotations

from bench.child import probe
from bench.figures import Figure, Section, Target, median

TARGET_MS = 500.0


def run() -> Section:
    result = probe("bench.insights_probe")
    paints = result["paint_ms"]
    return Section("11. insights: the workspace paints an answer", [
        Figure("answer to painted window, first", paints[0], result["empty_paint_ms"], "ms",
               Target(TARGET_MS)),
        Figure(f"answer to painted window, median of {len(paints)}", median(paints),
               result["empty_paint_ms"], "ms", Target(TARGET_MS)),
    ], ["offscreen Qt, 1180 x 820; the answers: 5 outcomes, 24 months, 5 stages, "
        "5 industries, 300 competitors (and per outcome), 3 quotes, the funnel"])
