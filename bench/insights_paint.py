"""The Insights workspace paints within 500 ms of receiving an answer: the answers a
large company gets (300 competitors, every code, 24 months), handed to the workspace
in a fresh process (bench/insights_probe.py); from `show_answers` to the painted
window. Baseline: painting the workspace with nothing in it, in the same process."""

from __future__ import annotations

import json
import subprocess
import sys

from bench.child import offscreen_env, repo_root
from bench.figures import Figure, Section, Target, median

TARGET_MS = 500.0


def run() -> Section:
    done = subprocess.run([sys.executable, "-m", "bench.insights_probe"], cwd=repo_root(),
                          env=offscreen_env(), capture_output=True, text=True, timeout=300,
                          check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"insights probe failed (exit {done.returncode}): "
                           f"{done.stderr[-3000:]}")
    result = json.loads(lines[-1])
    paints = result["paint_ms"]
    return Section("11. insights: the workspace paints an answer", [
        Figure("answer to painted window, first", paints[0], result["empty_paint_ms"], "ms",
               Target(TARGET_MS)),
        Figure(f"answer to painted window, median of {len(paints)}", median(paints),
               result["empty_paint_ms"], "ms", Target(TARGET_MS)),
    ], ["offscreen Qt, 1180 x 820; the answers: 5 outcomes, 24 months, 5 stages, "
        "5 industries, 300 competitors (and per outcome), 3 quotes, the funnel"])
