"""Where failures go: plain messages for the environment's faults, one crash dialog for bugs.

Known failures (disk full, database locked, unreadable file) are StoreErrors with a
message a rep can act on; anything else is a bug, logged with its traceback to the log
file in the data dir and shown once in a dialog the rep can copy from.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.last_run import UncleanEnd
from desktop.store.errors import StoreError
from desktop.ui.text import message_text, moment_text, tr

log = logging.getLogger(__name__)


LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 3


def setup_logging(log_file: Path) -> None:
    """Log to a file in the data dir (and nowhere that could leak a token).

    The file is rotated at start once it passes LOG_MAX_BYTES, keeping LOG_BACKUPS old
    ones: logging.handlers' rotating handler would cost ~10 ms of imports at every start.
    """
    log_file.parent.mkdir(parents=True, exist_ok=True)
    if log_file.exists() and log_file.stat().st_size > LOG_MAX_BYTES:
        for number in range(LOG_BACKUPS - 1, 0, -1):
            older = log_file.with_name(f"{log_file.name}.{number}")
            if older.exists():
                older.replace(log_file.with_name(f"{log_file.name}.{number + 1}"))
        log_file.replace(log_file.with_name(f"{log_file.name}.1"))
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


class CrashDialog(QDialog):
    """The one dialog for bugs: what happened, a copyable traceback, where the log is."""

    def __init__(self, details: str, log_file: Path | None, parent: QWidget | None = None,
                 *, title: str | None = None, intro: str | None = None):
        super().__init__(parent)
        self.setWindowTitle(title or self.tr("Debrief hit a bug"))
        layout = QVBoxLayout(self)
        intro = intro or self.tr("Something went wrong inside Debrief. Your saved debriefs "
                                 "are safe. Please send the text below to your admin.")
        if log_file is not None:
            intro += " " + self.tr("It is also in the log file: {path}").format(path=log_file)
        label = QLabel(intro)
        label.setObjectName("crashIntro")
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(label)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton(self.tr("Copy"), QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.on_copy_clicked)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 400)

    def on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())


class ErrorPresenter(QObject):
    """Shows a failure the right way; the default failure handler of background work."""

    def __init__(self, log_file: Path | None, parent: QObject | None = None):
        super().__init__(parent)
        self.log_file = log_file
        self.window: QWidget | None = None
        self._showing_crash = False

    def present(self, error: BaseException) -> None:
        if isinstance(error, StoreError):
            log.warning("store error: %s", error)
            QMessageBox.warning(self.window, self.tr("Debrief"), message_text(error.message))
            return
        self.present_bug(type(error), error, error.__traceback__)

    def present_bug(self, kind: type[BaseException], error: BaseException,
                    tb: TracebackType | None) -> None:
        details = "".join(traceback.format_exception(kind, error, tb))
        log.error("bug: %s", details)
        if self._showing_crash:
            return  # one dialog at a time; the log has every one
        self._showing_crash = True
        try:
            CrashDialog(details, self.log_file, self.window).exec()
        finally:
            self._showing_crash = False

    def install_excepthook(self) -> None:
        sys.excepthook = self.present_bug


def show_unclean_end(window: QWidget, unclean: UncleanEnd, log_file: Path) -> CrashDialog:
    """Say at start that the last run closed unexpectedly, with its report to copy. The
    form offers back what was being typed (its drafts) on its own."""
    when = moment_text(unclean.started_at) if unclean.started_at else None
    intro = (tr("Debrief closed unexpectedly the last time it ran (started {when}).").format(
        when=when) if when else tr("Debrief closed unexpectedly the last time it ran."))
    intro += " " + tr("Your saved debriefs are safe, and anything you were typing is "
                      "offered back above the form.")
    if unclean.fatal_error:
        intro += " " + tr("If it happens again, send the report below to your admin.")
        details = unclean.report
    else:
        intro += " " + tr("Debrief recorded no error: it was stopped from outside (the "
                          "computer shut down or lost power, or the program was ended).")
        details = unclean.report or tr("(nothing was logged)")
    dialog = CrashDialog(details, log_file, window,
                         title=tr("Debrief closed unexpectedly"), intro=intro)
    dialog.setObjectName("uncleanEnd")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
