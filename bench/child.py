"""Child processes of the benchmarks: started from the repo root, on offscreen Qt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Qt loads only in the probes, never in the benchmark's own process
    from PySide6.QtWidgets import QWidget


def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


def offscreen_env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def probe(module: str) -> dict[str, Any]:
    """Run `python -m <module>` on offscreen Qt, from the repo root; its last line of
    output, read as JSON."""
    done = subprocess.run([sys.executable, "-m", module], cwd=repo_root(),
                          env=offscreen_env(), capture_output=True, text=True, timeout=300,
                          check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{module} failed (exit {done.returncode}): {done.stderr[-3000:]}")
    return json.loads(lines[-1])


def paint_times(widget: QWidget, show: Callable[[], None], rounds: int) -> list[float]:
    """Milliseconds from `show()` (handing the widget its answer) to the painted widget,
    as the screen gets it, `rounds` times."""
    from PySide6.QtWidgets import QApplication

    paints = []
    for _ in range(rounds):
        started = time.perf_counter()
        show()
        for _ in range(3):
            QApplication.processEvents()
        widget.grab()
        paints.append((time.perf_counter() - started) * 1000)
    return paints


def empty_paint_ms(widget: QWidget) -> float:
    """The baseline: painting the widget with nothing handed to it yet."""
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    started = time.perf_counter()
    widget.grab()
    return (time.perf_counter() - started) * 1000
