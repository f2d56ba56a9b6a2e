"""Sync and connection wiring beside the sync worker: the status area, Settings' connect,
sync-now and sign-out actions, the connect dialog and the list of refused debriefs.

The main window is a shell: it places the status area and the actions, and listens to
what sync brings that its workspaces need (the team's lists, pulled debriefs, a debrief
to open, a passing message); everything else about sync stays here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.store.server_settings import load_connection
from desktop.ui.sync_status import SyncStatusArea
from desktop.ui.text import message_text
from sync.client.status import StatusKind, SyncStatus, not_connected, settled
from sync.domain.sync_state import ReplicaCounts

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.store.debriefs import DebriefStore
    from desktop.ui.connect_dialog import ConnectDialog
    from desktop.ui.contest_preview import ContestPreview
    from desktop.ui.errors import ErrorPresenter
    from desktop.ui.server_connection import Connected
    from desktop.ui.sync_status import RefusedDebriefs
    from desktop.ui.sync_worker import SyncWorker

MESSAGE_MS = 8_000


class SyncController(QObject):
    """What the rep sees and does of sync, wired to the sync worker."""

    lists_changed = Signal(object)  # the team's TeamLists, pulled from the server
    debriefs_pulled = Signal(int)
    open_requested = Signal(str)  # a refused debrief the rep wants to fix
    message = Signal(str, int)  # a passing note for the status bar, and for how long (ms)
    role_changed = Signal(object)  # the account's role as last known (None: not connected)

    def __init__(self, sync: SyncWorker, reader: DebriefStore, presenter: ErrorPresenter,
                 preview: ContestPreview, describe: Callable[[str], str],
                 window: QWidget):
        super().__init__(window)
        self.sync = sync
        self.reader = reader
        self.preview = preview
        self.describe = describe
        self.window = window
        self.area = SyncStatusArea()
        self.connect_dialog: ConnectDialog | None = None
        self.refused_dialog: RefusedDebriefs | None = None
        self._role: str | None = None  # as last said by role_changed
        self._copies_seen: int | None = None  # other versions kept, as sync last counted
        self.connect_action = QAction(self.tr("&Connect to your team's server\u2026"), self)
        self.connect_action.triggered.connect(self.show_connect_dialog)
        self.sync_now_action = QAction(self.tr("&Sync now"), self)
        self.sync_now_action.setShortcut(QKeySequence("F5"))
        self.sync_now_action.triggered.connect(self.on_sync_now_requested)
        self.sign_out_action = QAction(self.tr("Sign &out / disconnect"), self)
        self.sign_out_action.triggered.connect(self.sync.disconnect)
        self.sign_out_action.setEnabled(False)
        sync.status_changed.connect(self.on_sync_status_changed)
        sync.progressed.connect(self.area.show_progress)
        sync.lists_changed.connect(self.lists_changed)
        sync.debriefs_pulled.connect(self.debriefs_pulled)
        sync.standing_changed.connect(preview.show_standing)
        sync.connected.connect(self.on_sync_connected)
        sync.connect_failed.connect(self.on_sync_connect_failed)
        sync.disconnected.connect(self.on_sync_disconnected)
        sync.failed.connect(presenter.present)
        self.area.details_requested.connect(self.on_area_details_requested)
        self.area.sync_now_requested.connect(self.on_sync_now_requested)

    @property
    def actions(self) -> list[QAction]:
        """For the Settings menu, in its order."""
        return [self.connect_action, self.sync_now_action, self.sign_out_action]

    def start(self) -> None:
        """Show where sync stands from what is stored, and start the worker."""
        connection = load_connection(self.reader.conn)
        # Counted on the sync worker in a moment; the window does not wait for it.
        self.area.show_status(not_connected(ReplicaCounts()) if connection is None
                              else settled(ReplicaCounts(), None, connection.role))
        self.sign_out_action.setEnabled(connection is not None)
        self._say_role(connection.role if connection is not None else None)
        self.sync.start(connection is not None)

    def on_sync_status_changed(self, status: SyncStatus) -> None:
        self.area.show_status(status)
        self.sign_out_action.setEnabled(status.kind is not StatusKind.NOT_CONNECTED)
        if status.role is not None and status.role != self._role:
            self._say_role(status.role)  # learned by this sync, or as kept
        if status.kind is not StatusKind.SYNCING:  # a run's start carries no counts
            seen, self._copies_seen = self._copies_seen, status.conflict_copies
            if seen is not None and status.conflict_copies > seen:
                self.message.emit(self.tr(
                    "Sync kept another version of a debrief changed on two computers: see "
                    "\u201cother versions kept\u201d in My debriefs."), 15_000)

    def _say_role(self, role: str | None) -> None:
        self._role = role
        self.role_changed.emit(role)

    def on_sync_now_requested(self) -> None:
        if self.sync.server_set:
            self.sync.sync_now()
        else:
            self.show_connect_dialog()

    def show_connect_dialog(self) -> ConnectDialog:
        from desktop.ui.connect_dialog import ConnectDialog

        if self.connect_dialog is not None and self.connect_dialog.isVisible():
            self.connect_dialog.activateWindow()
            return self.connect_dialog
        dialog = ConnectDialog(load_connection(self.reader.conn), self.window)
        dialog.connect_requested.connect(self.sync.connect_to)
        self.connect_dialog = dialog
        dialog.open()
        return dialog

    def on_sync_connected(self, connected: Connected) -> None:
        connection = connected.connection
        self.message.emit(self.tr("Connected to {url} as {user}.").format(
            url=connection.url, user=connection.username), MESSAGE_MS)
        self.area.show_not_remembered(
            None if connected.remembered or connected.reason is None
            else message_text(connected.reason))
        self.sign_out_action.setEnabled(True)
        self.preview.hide_standing()  # the new connection's comes with its first sync
        self._say_role(connected.role)
        if self.connect_dialog is not None and self.connect_dialog.isVisible():
            self.connect_dialog.show_connected(connected)

    def on_sync_connect_failed(self, error: BaseException) -> None:
        if self.connect_dialog is not None and self.connect_dialog.isVisible():
            self.connect_dialog.show_failure(error)

    def on_sync_disconnected(self) -> None:
        self._say_role(None)
        self.area.show_not_remembered(None)
        self.sign_out_action.setEnabled(False)
        self.preview.hide_standing()
        self.message.emit(self.tr("Signed out. Your debriefs stay on this computer."),
                          MESSAGE_MS)

    def on_area_details_requested(self, status: SyncStatus) -> None:
        if status.kind in (StatusKind.NOT_CONNECTED, StatusKind.NEEDS_SIGN_IN):
            self.show_connect_dialog()
        elif status.kind is StatusKind.REFUSED:
            self.show_refused(status)
        else:
            box = QMessageBox(QMessageBox.Icon.Information, self.tr("Sync"),
                              message_text(status.message), QMessageBox.StandardButton.Ok,
                              self.window)
            box.open()

    def show_refused(self, status: SyncStatus) -> RefusedDebriefs:
        from desktop.ui.sync_status import RefusedDebriefs

        dialog = RefusedDebriefs(status, self.describe, self.window)
        dialog.open_requested.connect(self.on_refused_open_requested)
        self.refused_dialog = dialog
        dialog.open()
        return dialog

    def on_refused_open_requested(self, debrief_id: str) -> None:
        if self.refused_dialog is not None:
            self.refused_dialog.accept()
        self.open_requested.emit(debrief_id)
