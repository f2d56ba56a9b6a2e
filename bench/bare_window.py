"""The start-up baseline: a bare PySide6 main window with N plain widgets in a grid.

Run as `python bench/bare_window.py N [WIDTH HEIGHT]` (a script, so that nothing of
Debrief is imported); bench/startup.py passes the size our main window opens at. It
prints "painted" at the window's first Paint event and exits, the same way
`python -m desktop --quit-after-paint` does.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QWidget,
)

COLUMNS = 12
WINDOW_SIZE = (1100, 760)  # MainWindow's size on a screen large enough


class FirstPaint(QObject):
    """Quits once the window has painted (desktop.ui.app's _FirstPaint, copied)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, report_painted)
        return False


def report_painted() -> None:
    print("painted", flush=True)
    QApplication.instance().closeAllWindows()
    QApplication.instance().quit()


def build_window(count: int, size: tuple[int, int] = WINDOW_SIZE) -> QMainWindow:
    """A main window with `count` widgets in all: a central widget holding a grid of
    labels, line edits and plain widgets (`findChildren(QWidget)` counts `count`)."""
    window = QMainWindow()
    central = QWidget()
    grid = QGridLayout(central)
    kinds = (QLabel, QLineEdit, QWidget)
    for index in range(count - 1):
        kind = kinds[index % len(kinds)]
        widget = QLabel(f"label {index}") if kind is QLabel else kind()
        grid.addWidget(widget, index // COLUMNS, index % COLUMNS)
    window.setCentralWidget(central)
    window.resize(*size)
    return window


def main(argv: list[str]) -> int:
    count = int(argv[1]) if len(argv) > 1 else 100
    size = (int(argv[2]), int(argv[3])) if len(argv) > 3 else WINDOW_SIZE
    app = QApplication(argv[:1])
    window = build_window(count, size)
    probe = FirstPaint(window)
    window.installEventFilter(probe)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
