"""When the capture form writes its draft: after a pause in typing, and at least every
couple of seconds while the rep keeps typing, so a crash mid-quote loses little."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

QUIET_MS = 400  # a pause this long in typing writes the draft
LONGEST_WAIT_MS = 2_000  # and typing without such a pause writes it this often


class DraftSchedule(QObject):
    """A debounce with a deadline: `due` fires QUIET_MS after the last change, or
    LONGEST_WAIT_MS after the first change not yet written, whichever comes first."""

    due = Signal()

    def __init__(self, parent: QObject | None = None, quiet_ms: int = QUIET_MS,
                 longest_wait_ms: int = LONGEST_WAIT_MS):
        super().__init__(parent)
        self._quiet = self._timer(quiet_ms)
        self._deadline = self._timer(longest_wait_ms)

    def _timer(self, interval_ms: int) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval_ms)
        timer.timeout.connect(self.on_timer_timeout)
        return timer

    def changed(self) -> None:
        """Something the draft holds changed."""
        self._quiet.start()
        if not self._deadline.isActive():
            self._deadline.start()

    def stop(self) -> None:
        """Nothing waits to be written (it was, or it must not be)."""
        self._quiet.stop()
        self._deadline.stop()

    def is_pending(self) -> bool:
        return self._quiet.isActive()

    def on_timer_timeout(self) -> None:
        self.stop()
        self.due.emit()
