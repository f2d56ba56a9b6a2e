"""Python's garbage collector runs on the GUI thread only, once worker threads exist.

The store and sync workers run Python on threads of their own. Left automatic, the
collector runs on whichever thread's allocation trips its threshold, and there it may
free objects that own Qt objects of the GUI thread: Qt does not allow that, and the
process crashes (seen in the sync runner's sign-in, "Garbage-collecting" on its
thread). So automatic collection is turned off and a timer on the GUI thread collects
whenever the collector's own thresholds say a collection is due.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

CHECK_INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Collects on the GUI thread what automatic collection would have, a little later."""

    def __init__(self, parent: QObject):
        super().__init__(parent)
        self.setObjectName("gui-thread-gc")
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_due)
        gc.disable()
        self._timer.start(CHECK_INTERVAL_MS)

    def collect_due(self) -> None:
        """Collect the oldest generation whose count is over its threshold, if any."""
        due = [generation for generation, (count, threshold) in
               enumerate(zip(gc.get_count(), gc.get_threshold(), strict=False))
               if threshold and count > threshold]
        if due:
            gc.collect(due[-1])


def collect_on_gui_thread() -> GuiThreadCollector:
    """Turn automatic collection off for good and collect on the GUI thread instead;
    call it on the GUI thread before starting a worker thread (once is enough)."""
    app = QCoreApplication.instance()
    assert app is not None, "make the QApplication first"
    collector = app.findChild(GuiThreadCollector)
    return collector if collector is not None else GuiThreadCollector(app)
