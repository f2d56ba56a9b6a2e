"""Start-up: wall time from starting the process to the main window's first paint.

Debrief (`python -m desktop --quit-after-paint`) against a bare PySide6 window with
the same number of widgets (bench/bare_window.py), both started the same way, as
subprocesses of the same interpreter on the offscreen platform, alternately.

Python's bytecode cache is controlled: the headline runs give every child a private
PYTHONPYCACHEPREFIX (filled by the warm-up runs), as an installed app ships compiled
modules; a second pair runs with PYTHONDONTWRITEBYTECODE=1, where every start compiles
Debrief's sources again (what an editable install does in a shell that sets it).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.child import offscreen_env, repo_root
from bench.figures import Figure, Section, Target, median

ROUNDS = 15
WARM_UP_ROUNDS = 2
RATIO_TARGET = 2.0  # the app does more than the bare window; see bench/README.md
PAINT_TIMEOUT_S = 60


@dataclass(frozen=True)
class Start:
    """One way of starting a window: its command for run number n, and its environment."""

    name: str
    command: Callable[[int], list[str]]
    env: dict[str, str]


def count_main_window_widgets() -> tuple[int, int, int]:
    """How many widgets Debrief's main window holds, built as `smoke_test` builds it,
    and the width and height it opens at on this (offscreen) screen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QWidget

    from desktop.paths import AppPaths
    from desktop.store.database import prepare
    from desktop.ui.app import apply_style, build_window, make_application
    from desktop.ui.errors import ErrorPresenter
    from sync.domain.clock import SystemClock

    app = make_application([sys.argv[0]])
    previous = qInstallMessageHandler(lambda *_: None)  # offscreen's size-hint chatter
    try:
        with tempfile.TemporaryDirectory(prefix="debrief-bench-count-") as tmp:
            paths, clock = AppPaths(Path(tmp)), SystemClock()
            prepare(paths.database, clock)
            window = build_window(paths, clock, ErrorPresenter(None), rep="bench")
            apply_style(app)
            window.show()
            app.processEvents()
            count = len(window.findChildren(QWidget))
            size = window.size()
            window.close()
            app.processEvents()
    finally:
        qInstallMessageHandler(previous)
    return count, size.width(), size.height()


def seconds_to_paint(command: list[str], env: dict[str, str]) -> float:
    """Start `command`, read its stdout until "painted"; the wall time in between."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=repo_root(), env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(PAINT_TIMEOUT_S, process.kill)
    watchdog.start()
    try:
        line = process.stdout.readline()
        elapsed = time.perf_counter() - started
        _, errors = process.communicate()
    finally:
        watchdog.cancel()
    if line.strip() != "painted":
        raise RuntimeError(f"{command[1:3]} never printed 'painted' (exit {process.returncode}): "
                           f"{line!r} {errors[-2000:]}")
    return elapsed


def environments(root: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(bytecode cached in a private prefix, nothing cached) child environments."""
    cached = {k: v for k, v in offscreen_env().items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
    uncached = {k: v for k, v in offscreen_env().items() if k != "PYTHONPYCACHEPREFIX"}
    uncached["PYTHONDONTWRITEBYTECODE"] = "1"
    return cached, uncached


def starts(root: Path, window: tuple[int, int, int]) -> list[Start]:
    python = sys.executable
    bare = [python, str(Path(__file__).with_name("bare_window.py")), *map(str, window)]
    cached, uncached = environments(root)

    def app(data_dir: Path) -> list[str]:
        return [python, "-m", "desktop", "--data-dir", str(data_dir), "--quit-after-paint"]

    return [
        Start("bare", lambda n: bare, cached),
        Start("existing", lambda n: app(root / "existing"), cached),
        Start("fresh", lambda n: app(root / f"fresh-{n}"), cached),
        Start("bare, no pyc", lambda n: bare, uncached),
        Start("existing, no pyc", lambda n: app(root / "existing"), uncached),
    ]


def prepare_existing(root: Path) -> None:
    """A data dir whose database already exists (made once, reused by every run)."""
    from desktop.store.database import prepare
    from sync.domain.clock import SystemClock

    prepare(root / "existing" / "debrief.sqlite", SystemClock())


def alternating(kinds: list[Start], rounds: int, warm_up: int) -> dict[str, list[float]]:
    """Milliseconds to first paint of each kind: `warm_up` rounds, then `rounds` rounds
    of one start of each kind, the order reversed every other round."""
    times: dict[str, list[float]] = {start.name: [] for start in kinds}
    for run in range(warm_up + rounds):
        for start in kinds if run % 2 == 0 else reversed(kinds):
            elapsed = seconds_to_paint(start.command(run), start.env)
            if run >= warm_up:
                times[start.name].append(elapsed * 1000)
    return times


def measure(root: Path, window: tuple[int, int, int]) -> dict[str, list[float]]:
    return alternating(starts(root, window), ROUNDS, WARM_UP_ROUNDS)


def figures(times: dict[str, list[float]]) -> list[Figure]:
    bare, target = median(times["bare"]), Target(RATIO_TARGET, of_baseline=True)
    return [
        Figure(f"existing database, median of {ROUNDS}", median(times["existing"]), bare,
               "ms", target),
        Figure("first run (creates the database)", median(times["fresh"]), bare, "ms",
               target),
        Figure("existing database, slowest run", max(times["existing"]), max(times["bare"]),
               "ms"),
        Figure("existing database, no bytecode cache", median(times["existing, no pyc"]),
               median(times["bare, no pyc"]), "ms"),
    ]


def run() -> Section:
    window = count_main_window_widgets()
    widgets, width, height = window
    with tempfile.TemporaryDirectory(prefix="debrief-bench-start-") as tmp:
        root = Path(tmp)
        prepare_existing(root)
        times = measure(root, window)
    notes = [
        "warm-cache cold start: a new process each time, but the OS file cache already "
        f"holds Python, Qt and the app ({WARM_UP_ROUNDS} warm-up runs of each first)",
        f"baseline: bare QMainWindow with {widgets} plain widgets (our main window's "
        f"findChildren(QWidget) count) at our window's size ({width} x {height} on the "
        "offscreen screen), same interpreter, offscreen, same 'painted' signal",
        "measured: Popen to reading 'painted' on stdout (first Paint event + one "
        "event-loop turn); medians of runs alternating between the five kinds",
        "bytecode: headline rows use a private PYTHONPYCACHEPREFIX (compiled once, as an "
        "installed app); 'no bytecode cache' runs both with PYTHONDONTWRITEBYTECODE=1",
    ]
    return Section("1. cold start to first painted main window", figures(times), notes)
