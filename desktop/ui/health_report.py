"""The app's own health, a line a second, for the soak test and the memory benchmark.

A fresh app process is where leaks of references, memory, handles, widgets and timers
show (a pytest process holds too much for them to); the soak test starts the real app
with DEBRIEF_HEALTH_REPORT naming a file, drives it with real key presses, and reads
this file to see that each figure stays flat. Off unless that variable is set.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

HEALTH_REPORT_ENV = "DEBRIEF_HEALTH_REPORT"
EVERY_MS = 1_000


def sample() -> dict[str, Any]:
    """The figures, as of now. Memory and handles are read where the OS tells them."""
    return {
        "at": time.time(),
        "none_refs": sys.getrefcount(None),
        "rss_kib": _resident_kib(),
        "open_handles": _open_handles(),
        "threads": _threads(),
        "widgets": len(QApplication.allWidgets()),
        "timers": sum(1 for obj in _qobjects() if isinstance(obj, QTimer) and obj.isActive()),
        "python_objects": len(gc.get_objects()),
    }


def _qobjects() -> list[QObject]:
    found: list[QObject] = []
    for widget in QApplication.topLevelWidgets():
        found.append(widget)
        found.extend(widget.findChildren(QObject))
    app = QApplication.instance()
    if app is not None:
        found.extend(app.findChildren(QObject))
    return found


def _resident_kib() -> int | None:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError, IndexError):
        return None


def _threads() -> int:
    """The process's threads, Qt's own included, where the OS lists them."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def _open_handles() -> int | None:
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return None


class HealthReport(QObject):
    """Appends `sample()` as a JSON line to `path` every second."""

    def __init__(self, path: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.path = path
        self._timer = QTimer(self)
        self._timer.setInterval(EVERY_MS)
        self._timer.timeout.connect(self.on_timer_timeout)
        self._timer.start()
        self.on_timer_timeout()

    def on_timer_timeout(self) -> None:
        with open(self.path, "a", encoding="utf-8") as report:
            report.write(json.dumps(sample()) + "\n")


def from_environment(parent: QObject) -> HealthReport | None:
    chosen = os.environ.get(HEALTH_REPORT_ENV)
    return HealthReport(Path(chosen), parent) if chosen else None
