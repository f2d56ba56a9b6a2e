"""The child process of the "My debriefs" benchmark: times and memory, as one JSON line.

Run as `python -m bench.list_probe DATABASE` by bench/debrief_list.py, in its own
process so that resident memory starts clean. Offscreen Qt, the app's own stylesheet.
"""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QEventLoop,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import QApplication, QTableView, QWidget

from desktop.store import listing
from desktop.store.database import connect
from desktop.store.debriefs import DebriefStore
from desktop.ui.app import make_application
from desktop.ui.debrief_list import Counter, DebriefList, DebriefTableModel
from desktop.ui.store_worker import StoreWorker
from sync.domain.clock import Clock, SystemClock
from sync.domain.taxonomy import Taxonomy
from sync.domain.team_lists import TeamLists
from sync.resources import default_contest_rules, default_segments, default_taxonomy

REOPENS = 4
FILTER_ROUNDS = 3
FETCHES = 25
SCROLL_ROW = 5_000
PAINT_TIMEOUT_MS = 10_000
SEARCH_TEXT = "northwind"  # an account name: about 270 of the 100,000 match
TYPO_TEXT = "nortwind"  # matches nothing, so both queries read every row
REASON_CODE = "price.too_high"
_Index = QModelIndex | QPersistentModelIndex


class PaintProbe(QObject):
    """Counts a viewport's Paint events; after the first one, notes when the event loop
    comes round again (the paint done and flushed) and quits the loop given."""

    def __init__(self, viewport: QWidget, loop: QEventLoop | None = None):
        super().__init__(viewport)
        self.paints = 0
        self.done_at: float | None = None
        self.loop = loop
        viewport.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
            if self.paints == 1:
                QTimer.singleShot(0, self.on_first_paint_done)
        return False

    def on_first_paint_done(self) -> None:
        self.done_at = time.perf_counter()
        if self.loop is not None:
            self.loop.quit()


class EmptyDebriefModel(QAbstractTableModel):
    """The baseline's model: the list's columns and headers, no rows."""

    def __init__(self, headers: tuple[str, ...], parent: QObject | None = None):
        super().__init__(parent)
        self.headers = headers

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's API
        return 0

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def reset(self) -> None:
        self.beginResetModel()
        self.endResetModel()


def resident_mb() -> float:
    """This process's VmRSS, in MB (10^6 bytes)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError("no VmRSS in /proc/self/status")


def ms_to_first_paint(build: Callable[[], tuple[QWidget, QWidget]]) -> tuple[float, QWidget]:
    """Call `build` (giving the window and the viewport to watch), show the window, and
    return the time from the call until its first paint is done, with the window."""
    loop = QEventLoop()
    started = time.perf_counter()
    window, viewport = build()
    probe = PaintProbe(viewport, loop)
    window.resize(1100, 700)
    window.show()
    QTimer.singleShot(PAINT_TIMEOUT_MS, loop.quit)
    if probe.done_at is None:
        loop.exec()
    if probe.done_at is None:
        raise RuntimeError("the table never painted")
    return (probe.done_at - started) * 1000, window


def ms_to_repaint(change: Callable[[], None], viewport: QWidget) -> float:
    """Time `change` until the viewport has painted again (events run, then repaint)."""
    probe = PaintProbe(viewport)
    started = time.perf_counter()
    change()
    QApplication.processEvents()
    if probe.paints == 0:
        viewport.repaint()
    elapsed = (time.perf_counter() - started) * 1000
    viewport.removeEventFilter(probe)
    probe.deleteLater()
    return elapsed


def open_baseline(headers: tuple[str, ...]) -> tuple[QTableView, QWidget]:
    table = QTableView()
    table.setModel(EmptyDebriefModel(headers, table))
    table.verticalHeader().hide()
    return table, table.viewport()


def worker_counter(worker: StoreWorker) -> Counter:
    """Counts on the store worker, as MainWindow.count_on_worker does."""

    def count(flt, done) -> None:
        worker.submit(lambda store: listing.count(store.conn, flt), done)

    return count


def open_list(conn: sqlite3.Connection, taxonomy: Taxonomy, clock: Clock,
              counter: Counter) -> Callable[[], tuple[DebriefList, QWidget]]:
    """What the main window does: build the list, then fill it (MainWindow.list)."""

    def build() -> tuple[DebriefList, QWidget]:
        widget = DebriefList(conn, taxonomy, clock, counter)
        widget.apply_filter()
        return widget, widget.table.viewport()

    return build


def close(window: QWidget) -> None:
    window.close()
    window.deleteLater()
    QApplication.processEvents()


def filter_changes(lists: DebriefList) -> list[tuple[str, Callable[[], None]]]:
    """Each filter on its own and back, then all stacked and cleared one by one."""

    def pick(box, data) -> Callable[[], None]:
        return lambda: box.setCurrentIndex(box.findData(data))

    def search(text: str) -> Callable[[], None]:
        # The search box waits SEARCH_DELAY_MS for typing to stop; skip the wait.
        return lambda: (lists.search.setText(text), lists.apply_filter())

    boxes = {"outcome=lost": (lists.outcome, "lost"), "stage=evaluation":
             (lists.stage, "evaluation"), f"reason={REASON_CODE}": (lists.reason, REASON_CODE),
             "period=30 days": (lists.period, 30)}
    singles = [(name, pick(box, data)) for name, (box, data) in boxes.items()]
    singles.insert(3, (f"search '{SEARCH_TEXT}'", search(SEARCH_TEXT)))
    clears = [(f"clear {name}", pick(box, None)) for name, (box, _) in boxes.items()]
    clears.insert(3, ("clear search", search("")))
    steps = [step for pair in zip(singles, clears, strict=True) for step in pair]
    stacked = [(f"+ {name}", change) for name, change in singles]
    unstacked = [(f"- {name[6:]}", change) for name, change in clears]
    typo = [(f"search '{TYPO_TEXT}' (no match)", search(TYPO_TEXT)),
            ("clear search", search(""))]
    return steps + stacked + unstacked + typo


def measure_filters(lists: DebriefList, baseline: QTableView) -> dict[str, object]:
    """Every change FILTER_ROUNDS times; per change, the median of its rounds."""
    changes = filter_changes(lists)
    empty = baseline.model()
    ours: list[list[float]] = [[] for _ in changes]
    base: list[list[float]] = [[] for _ in changes]
    for _ in range(FILTER_ROUNDS):
        for index, (_, change) in enumerate(changes):
            ours[index].append(ms_to_repaint(change, lists.table.viewport()))
            base[index].append(ms_to_repaint(empty.reset, baseline.viewport()))
    return {"names": [name for name, _ in changes], "ours": [statistics.median(t) for t in ours],
            "baseline": [statistics.median(t) for t in base],
            "slowest_single": max(max(t) for t in ours)}


def measure_memory(lists: DebriefList) -> dict[str, float]:
    """Fetch FETCHES more pages, scroll to SCROLL_ROW, paint; then read VmRSS."""
    model = lists.model
    started = time.perf_counter()
    for _ in range(FETCHES):
        model.fetchMore(QModelIndex())
    fetch_ms = (time.perf_counter() - started) * 1000
    lists.table.scrollTo(model.index(SCROLL_ROW, 0))
    QApplication.processEvents()
    lists.table.viewport().repaint()
    return {"rss_mb": resident_mb(), "rows": model.rowCount(), "fetch_ms": fetch_ms}


def measure(database: Path) -> dict[str, object]:
    app = make_application([sys.argv[0]])
    result: dict[str, object] = {"rss_app_mb": resident_mb()}
    conn = connect(database)
    taxonomy, clock = default_taxonomy(), SystemClock()
    rules = TeamLists(taxonomy, default_segments(), default_contest_rules())
    worker = StoreWorker(lambda: DebriefStore(connect(database), database, clock, rules))
    counter = worker_counter(worker)
    model = DebriefTableModel(conn, taxonomy)
    headers = tuple(model.headerData(i, Qt.Orientation.Horizontal)
                    for i in range(model.columnCount()))
    close(ms_to_first_paint(lambda: open_baseline(headers))[1])  # Qt's first-use costs
    result["baseline_open_ms"], baseline = ms_to_first_paint(lambda: open_baseline(headers))
    result["open_ms"], lists = ms_to_first_paint(open_list(conn, taxonomy, clock, counter))
    result["total"] = lists.model.count_all()
    result["filters"] = measure_filters(lists, baseline)
    result.update(measure_memory(lists))
    for window in (baseline, lists):
        close(window)
    result["reopen_ms"] = [close_after(ms_to_first_paint(open_list(conn, taxonomy, clock, counter)))
                           for _ in range(REOPENS)]
    result["baseline_reopen_ms"] = [
        close_after(ms_to_first_paint(lambda: open_baseline(headers))) for _ in range(REOPENS)]
    worker.stop()
    conn.close()
    app.quit()
    return result


def close_after(timed: tuple[float, QWidget]) -> float:
    close(timed[1])
    return timed[0]


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(json.dumps(measure(Path(argv[1]))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
