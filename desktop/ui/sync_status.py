"""The sync status area in the status bar, and the list of debriefs the server refused.

The area always says one thing: not connected, offline, syncing (with a bar and counts),
up to date (with the time), n waiting, sign in needed, update needed, refused n, or, for
a marketing or admin account, that its debriefs do not sync. Its text is a button: it
opens what helps (sign in, the refused debriefs, the whole story); "Sync now" sits
beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.text import message_text, moment_text, time_text, tr
from sync.client.status import StatusKind, SyncStatus
from sync.domain.sync_state import Refusal

_ID_ROLE = Qt.ItemDataRole.UserRole


def short_time(moment: datetime, now: datetime | None = None) -> str:
    """A sync time in the rep's time zone and locale: the time alone today ("14:32"),
    the date and time before ("03.03.26 14:32")."""
    today = (now or datetime.now().astimezone()).astimezone().date()
    return time_text(moment) if moment.astimezone().date() == today else moment_text(moment)


def count_text(n: int) -> str:
    """A count as the rep's locale writes it ("10,000", "10.000"); grouped the English
    way where no locale is set, as tr() writes %Ln."""
    locale = QLocale()
    return f"{n:,}" if locale.language() == QLocale.Language.C else locale.toString(n)


def syncing_text(done: int, total: int) -> str:
    """"Syncing 312 of 10,000", the plural form chosen by the total; "Syncing…" while
    the total is not known."""
    if not total:
        return tr("Syncing\u2026")
    return tr("Syncing {done} of %Ln", None, total).format(done=count_text(done))


def status_text(status: SyncStatus) -> str:
    """The status area's words for a status (the full sentence goes in the tooltip).
    Counts take their plural form from the catalogue: tr(text, None, n)."""
    kind, waiting = status.kind, status.waiting
    if kind is StatusKind.NOT_CONNECTED:
        return tr("Not connected: working locally")
    if kind is StatusKind.OFFLINE:
        if waiting:
            return tr("Offline: working locally, %Ln waiting", None, waiting)
        return tr("Offline: working locally")
    if kind is StatusKind.SYNCING:
        return syncing_text(status.done, status.total)
    if kind is StatusKind.UP_TO_DATE and status.last_sync is not None:
        return tr("Up to date (synced {time})").format(time=short_time(status.last_sync))
    if kind is StatusKind.NEEDS_SIGN_IN:
        return tr("Sign in to sync")
    if kind is StatusKind.UPDATE_NEEDED:
        return tr("Update Debrief to sync")
    if kind is StatusKind.REFUSED:
        return tr("The server refused %Ln debrief(s)", None, status.refused)
    if kind is StatusKind.SERVER_PROBLEM:
        return tr("Sync stopped: click for why")
    if kind is StatusKind.LISTS_ONLY:
        return tr("Signed in as {role}: debriefs are not synced from this account").format(
            role=role_word(status.role))
    if waiting:
        return tr("%Ln waiting to sync", None, waiting)
    return tr("Not synced yet") if status.last_sync is None else tr("Up to date")


def role_word(role: str | None) -> str:
    """An account's role as the status area names it: "marketing", "admin"."""
    words = {"rep": tr("rep"), "manager": tr("manager"), "marketing": tr("marketing"),
             "admin": tr("admin")}
    return words.get(role or "", role or "")


# How the status reads at a glance (resources/styles/debrief.qss colours each tone).
_TONES = {
    StatusKind.UP_TO_DATE: "good",
    StatusKind.NEEDS_SIGN_IN: "attention",
    StatusKind.UPDATE_NEEDED: "attention",
    StatusKind.REFUSED: "problem",
    StatusKind.SERVER_PROBLEM: "problem",
}


class SyncStatusArea(QWidget):
    """One line in the status bar: what sync is doing, a progress bar, "Sync now"."""

    details_requested = Signal(object)  # the SyncStatus shown when the text was clicked
    sync_now_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("syncStatus")
        self.status: SyncStatus | None = None
        self.summary = QPushButton()
        self.summary.setObjectName("syncSummary")
        self.summary.setFlat(True)
        self.summary.setCursor(Qt.CursorShape.PointingHandCursor)
        self.progress = QProgressBar()
        self.progress.setObjectName("syncProgress")
        self.progress.setFixedWidth(140)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.note = QLabel(tr("Sign-in not remembered"))
        self.note.setObjectName("syncNote")
        self.note.hide()
        self.sync_now = QPushButton(tr("Sync now"))
        self.sync_now.setObjectName("syncNow")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addStretch(1)  # room left over stays empty, the buttons keep their size
        layout.addWidget(self.note)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addWidget(self.sync_now)
        self.summary.clicked.connect(self.on_summary_clicked)
        self.sync_now.clicked.connect(self.sync_now_requested)

    def show_status(self, status: SyncStatus) -> None:
        self.status = status
        tone = _TONES.get(status.kind, "plain")
        if self.summary.property("tone") != tone:
            self.summary.setProperty("tone", tone)
            if self.summary.isVisible():
                # The stylesheet colours by tone; a widget not shown yet is polished then.
                self.summary.style().unpolish(self.summary)
                self.summary.style().polish(self.summary)
        self.summary.setText(status_text(status))
        self.summary.setToolTip(message_text(status.message))
        syncing = status.kind is StatusKind.SYNCING
        self.progress.setVisible(syncing)
        if syncing:
            self.show_progress(status.done, status.total)
        self.sync_now.setEnabled(not syncing)

    def show_progress(self, done: int, total: int) -> None:
        """Debriefs pushed so far in this run (the bar is busy while the total is 0)."""
        if self.status is None or self.status.kind is not StatusKind.SYNCING:
            return
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(min(done, total))
        self.summary.setText(syncing_text(done, total))

    def show_not_remembered(self, reason: str | None) -> None:
        """Say the sign-in lasts only until Debrief closes (None: it is remembered)."""
        self.note.setVisible(reason is not None)
        self.note.setToolTip(reason or "")

    def on_summary_clicked(self) -> None:
        if self.status is not None:
            self.details_requested.emit(self.status)


def field_label(field: str) -> str:
    """A refused field in the rep's words: reasons[0] -> Reason 1, segment.region -> Region."""
    if field.startswith("reasons[") and "]" in field:
        number = field[len("reasons["):field.index("]")]
        if number.isdigit():
            return tr("Reason {n}").format(n=int(number) + 1)
    names = {
        "outcome": tr("Outcome"), "stage": tr("Stage"), "reasons": tr("Reasons"),
        "segment.industry": tr("Industry"), "segment.company_size": tr("Company size"),
        "segment.region": tr("Region"), "competitor": tr("Competitor"),
        "deal_value": tr("Deal value"), "currency": tr("Currency"), "crm_ref": tr("CRM reference"),
        "quote": tr("Customer quote"), "debrief": tr("The debrief"),
        "created_at": tr("Date made"), "updated_at": tr("Date edited"),
    }
    return names.get(field, field)


class RefusedDebriefs(QDialog):
    """The debriefs the server refused, each with its reasons; open one to fix it.

    Saving a fixed debrief gives it a new revision, so it waits to be pushed again.
    """

    open_requested = Signal(str)  # a debrief id

    def __init__(self, status: SyncStatus, describe: Callable[[str], str],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("refusedDebriefs")
        self.setWindowTitle(tr("Debriefs the server refused"))
        self.resize(640, 380)
        intro = QLabel(tr("The server did not take these debriefs. They are kept on this "
                          "computer. Open one, fix what the server names, and save it: it "
                          "is sent again."))
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("refusedList")
        self.list.setWordWrap(True)
        for refusal in status.refusals:
            self.list.addItem(self._item(refusal, describe(refusal.debrief_id)))
        more = status.refused - len(status.refusals)
        self.more = QLabel(tr("And %Ln more: fix these first, the others follow.", None,
                              more))
        self.more.setVisible(more > 0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = buttons.addButton(tr("&Open to fix"),
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.more)
        layout.addWidget(buttons)
        if self.list.count():
            self.list.setCurrentRow(0)
        self.open_button.setEnabled(self.list.count() > 0)
        buttons.rejected.connect(self.reject)
        self.open_button.clicked.connect(self.on_open_button_clicked)
        self.list.itemActivated.connect(self.on_list_item_activated)

    @staticmethod
    def _item(refusal: Refusal, description: str) -> QListWidgetItem:
        reasons = [f"    {field_label(p.field)}: {p.message}" for p in refusal.problems]
        if not reasons:
            reasons = ["    " + tr("The server gave no reason.")]
        item = QListWidgetItem("\n".join([description, *reasons]))
        item.setData(_ID_ROLE, refusal.debrief_id)
        return item

    def on_list_item_activated(self, item: QListWidgetItem) -> None:
        self.open_requested.emit(item.data(_ID_ROLE))

    def on_open_button_clicked(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.open_requested.emit(item.data(_ID_ROLE))
