"""A rep's debriefs in a contest, for the team's managers: each with its entries and
why, and the void (or the giving back) of its entries, always with a reason the rep
reads. Never the account name or notes: those never leave the rep's machine."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.contest_texts import entries_table, problem_text
from desktop.ui.rows_table import RowsModel, fit_why, rows_view
from desktop.ui.sync_worker import ServerCall
from desktop.ui.text import tr
from sync.client.contest_answers import ContestInfo, Entries, Entry, read_entries
from sync.domain.clock import Clock
from sync.domain.contest_limits import VOID_REASON_MAX as REASON_MAX
from sync.domain.scoring import Why

if TYPE_CHECKING:
    from desktop.ui.sync_worker import SyncWorker



class RepEntries(QDialog):
    changed = Signal()  # a void or its undoing was made: the standings moved

    def __init__(self, sync: SyncWorker, contest: ContestInfo, username: str,
                 display_name: str, clock: Clock, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.sync, self.contest, self.username, self.clock = sync, contest, username, clock
        self.entries: Entries | None = None
        self.setWindowTitle(tr("{rep} in {contest}").format(rep=display_name,
                                                             contest=contest.name))
        self.resize(760, 480)
        self.summary = QLabel(tr("Loading..."))
        self.summary.setObjectName("repEntriesSummary")
        self.model = RowsModel(self)
        self.view = rows_view(self.model)
        self.void_button = QPushButton(tr("&Void entries..."))
        self.undo_button = QPushButton(tr("&Give entries back..."))
        buttons = QHBoxLayout()
        buttons.addWidget(self.void_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.void_button.clicked.connect(lambda: self.change(void=True))
        self.undo_button.clicked.connect(lambda: self.change(void=False))
        self.view.selectionModel().selectionChanged.connect(self._enable)
        self._enable()
        self.ask()

    def ask(self) -> None:
        contest_id, rep = self.contest.id, self.username
        self.sync.ask(ServerCall(lambda central: read_entries(central.entries(contest_id, rep)),
                                 self.show_entries, self.on_failed, self))

    def show_entries(self, entries: Entries) -> None:
        self.entries = entries
        counted = sum(1 for e in entries.items if e.why not in (Why.VOIDED, Why.AFTER_END))
        self.summary.setText(tr("%n (entry|entries)", None, entries.entries) + " \u00b7 "
                             + tr("%n debrief(s) counted", None, counted))
        self.model.set_rows(*entries_table(
            entries.items, versions=self.contest.rulebook.changed, yours=False))
        fit_why(self.view)
        self._enable()

    def on_failed(self, problem: Any) -> None:
        self.summary.setText(problem_text(problem))

    def selected(self) -> Entry | None:
        rows = self.view.selectionModel().selectedRows()
        if self.entries is None or not rows:
            return None
        return self.entries.items[rows[0].row()]

    def _enable(self, *_: object) -> None:
        entry = self.selected()
        running = not self.contest.has_ended(self.clock.now())
        voided = entry is not None and entry.why is Why.VOIDED
        self.void_button.setEnabled(running and entry is not None and not voided)
        self.undo_button.setEnabled(running and voided)

    def change(self, *, void: bool) -> None:
        entry = self.selected()
        if entry is None:
            return
        title = tr("Void entries") if void else tr("Give entries back")
        reason, given = QInputDialog.getText(
            self, title, tr("Why? The rep reads this beside the debrief."),
            QLineEdit.EchoMode.Normal, "")
        reason = reason.strip()
        if not given:
            return
        if not reason or len(reason) > REASON_MAX:
            QMessageBox.warning(self, title, tr("Say why, in 1 to %n characters.", None,
                                                REASON_MAX))
            return
        contest_id, debrief_id = self.contest.id, entry.debrief_id
        self.sync.ask(ServerCall(
            lambda central: central.void(contest_id, debrief_id, reason, undo=not void),
            self.on_changed, self.on_change_failed, self))

    def on_changed(self, _: Any) -> None:
        self.changed.emit()
        self.ask()

    def on_change_failed(self, problem: Any) -> None:
        QMessageBox.warning(self, tr("Contest"), problem_text(problem))
        self.ask()
