"""'Other versions': the conflict copies kept by sync, each beside the current version.

When this computer and another one both changed a debrief, the newer change is the one in
use and the other is kept (desktop.store.conflicts). Here the rep reads each kept version
next to the current one, then keeps the current version (the copy is dismissed) or uses
the copy instead (saved as a new edit: its revision goes up and it is pushed again).

Copies and current versions are read on the GUI thread's read connection (a small table,
read once per change); both actions are writes, so they go to the store worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.store.conflicts import (
    chosen_version,
    conflict_copies,
    dismiss_copy,
    use_copy,
)
from desktop.store.debriefs import DebriefStore
from desktop.store.errors import StoreError
from desktop.ui.store_worker import StoreWorker
from desktop.ui.sync_status import field_label
from desktop.ui.text import (
    debrief_line,
    evidence_label,
    message_text,
    moment_text,
    outcome_label,
    stage_label,
    tr,
)
from sync.domain.debrief import Debrief
from sync.domain.segments import SegmentLists
from sync.domain.sync_state import ConflictCopy
from sync.domain.taxonomy import Taxonomy
from sync.domain.validation import InvalidDebrief

log = logging.getLogger(__name__)

_COPY_ROLE = Qt.ItemDataRole.UserRole
_DIFFERS = QColor("#fff4ce")  # the banner's yellow: the lines the two versions disagree on
_NONE = "\u2014"


def side_label(copy: ConflictCopy) -> str:
    """Whose change the kept version is, in a few words (for the list)."""
    edited = moment_text(copy.debrief.updated_at)
    if copy.lost_here is True:
        return tr("This computer\u2019s change of {when}").format(when=edited)
    if copy.lost_here is False:
        return tr("Another computer\u2019s change of {when}").format(when=edited)
    return tr("A change of {when}").format(when=edited)


def side_text(copy: ConflictCopy) -> str:
    """Where the kept version was written, and what happened to it."""
    edited = moment_text(copy.debrief.updated_at)
    if copy.lost_here is True:
        return tr("Changed on this computer {when}; a newer change from another computer "
                  "replaced it.").format(when=edited)
    if copy.lost_here is False:
        return tr("Changed on another computer {when}; the version on this computer won "
                  "over it.").format(when=edited)
    return tr("Changed {when}; another version won over it.").format(when=edited)


@dataclass(frozen=True)
class Line:
    """One line of the comparison: a field, and what each version says."""

    label: str
    other: str
    current: str

    @property
    def differs(self) -> bool:
        return self.other != self.current


class Comparison:
    """The words for each field of a debrief, as the two columns show them."""

    def __init__(self, taxonomy: Taxonomy, segments: SegmentLists):
        self.taxonomy = taxonomy
        self.segments = segments

    def lines(self, other: Debrief, current: Debrief | None) -> list[Line]:
        fields: list[tuple[str, Callable[[Debrief], str]]] = [
            (tr("Outcome"), lambda d: outcome_label(d.outcome) if d.outcome else ""),
            (tr("Stage"), lambda d: stage_label(d.stage) if d.stage else ""),
            (tr("Reasons"), self.reasons),
            (tr("Industry"), lambda d: self.segments.label("industry", d.segment.industry)),
            (tr("Company size"),
             lambda d: self.segments.label("company_size", d.segment.company_size)),
            (tr("Region"), lambda d: self.segments.label("region", d.segment.region)),
            (tr("Competitor"), lambda d: d.competitor or ""),
            (tr("Deal value"), self.deal_value),
            (tr("CRM reference"), lambda d: d.crm_ref or ""),
            (tr("Customer quote"), self.quote),
            (tr("Account"), lambda d: d.account_name or ""),
            (tr("Private notes"), lambda d: d.private_notes or ""),
        ]
        if other.deleted or (current is not None and current.deleted):
            fields.append((tr("In My debriefs"),
                           lambda d: tr("No, deleted") if d.deleted else tr("Yes")))
        fields.append((tr("Changed"), lambda d: moment_text(d.updated_at)))
        return [Line(label, show(other) or _NONE,
                     (show(current) or _NONE) if current is not None else _NONE)
                for label, show in fields]

    def reasons(self, debrief: Debrief) -> str:
        if debrief.reasons_unknown:
            return tr("Don\u2019t know")
        lines = []
        for reason in debrief.reasons:
            notes = [evidence_label(reason.evidence)]
            if reason.primary:
                notes.insert(0, tr("main reason"))
            lines.append(f"{self.taxonomy.label(reason.code, reason.detail)} "
                         f"({', '.join(notes)})")
        return "\n".join(lines)

    @staticmethod
    def deal_value(debrief: Debrief) -> str:
        if debrief.deal_value is None:
            return ""
        return f"{debrief.deal_value:,} {debrief.currency or ''}".strip()

    @staticmethod
    def quote(debrief: Debrief) -> str:
        if not debrief.quote:
            return ""
        shared = tr("Shared with marketing") if debrief.share_quote else tr("Not shared")
        return f"\u201c{debrief.quote}\u201d\n({shared})"


class OtherVersions(QDialog):
    """The kept versions, one beside the current version at a time, and what to do."""

    changed = Signal()  # a copy was dismissed or used: the list and its marks changed
    used = Signal(object)  # the Debrief saved from a copy; it waits to be pushed

    def __init__(self, reader: DebriefStore, worker: StoreWorker, taxonomy: Taxonomy,
                 segments: SegmentLists, parent: QWidget | None = None,
                 first: str | None = None):
        """`first`: the id of a debrief whose copy is shown first."""
        super().__init__(parent)
        self.setObjectName("otherVersionsDialog")
        self.setWindowTitle(tr("Other versions"))
        self.resize(1040, 640)
        self.reader = reader
        self.worker = worker
        self.comparison = Comparison(taxonomy, segments)
        self.taxonomy = taxonomy
        self.copies: dict[int, ConflictCopy] = {}
        self._busy = False
        intro = QLabel(tr(
            "When this computer and another one both changed a debrief, the newer change is "
            "the one in use and the other one is kept here. Compare them, then keep the "
            "current version or use the other one instead."))
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("copyList")
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.table = self._make_table()
        self.side = QLabel()
        self.side.setObjectName("copySide")
        self.side.setWordWrap(True)
        self.local_note = QLabel(tr(
            "Account and private notes never travel between computers, so this "
            "computer\u2019s are shown on both sides and kept whichever you choose."))
        self.local_note.setObjectName("copyNote")
        self.local_note.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("copyMessage")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.keep_button = buttons.addButton(tr("&Keep the current version"),
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.use_button = buttons.addButton(tr("&Use this version instead"),
                                            QDialogButtonBox.ButtonRole.ActionRole)
        for button in buttons.buttons():
            button.setAutoDefault(False)  # Enter in the list must not pick for the rep
        self._build_layout(intro, buttons)
        buttons.rejected.connect(self.reject)
        self.keep_button.clicked.connect(self.on_keep_button_clicked)
        self.use_button.clicked.connect(self.on_use_button_clicked)
        self.list.currentItemChanged.connect(self.on_list_current_item_changed)
        self.reload(first)

    def _make_table(self) -> QTableWidget:
        table = QTableWidget(0, 2)
        table.setObjectName("copyComparison")
        table.setHorizontalHeaderLabels([tr("Other version (kept)"), tr("Current version")])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.setWordWrap(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignRight
                                                   | Qt.AlignmentFlag.AlignTop)
        return table

    def _build_layout(self, intro: QLabel, buttons: QDialogButtonBox) -> None:
        right = QWidget()
        compare = QVBoxLayout(right)
        compare.setContentsMargins(0, 0, 0, 0)
        compare.addWidget(self.side)
        compare.addWidget(self.table, 1)
        compare.addWidget(self.local_note)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.list)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([320, 700])
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    # --- what is shown --------------------------------------------------------------------

    def reload(self, first: str | None = None) -> None:
        """Read the copies again; keep the one shown if it is still there."""
        shown = self.selected()
        self.copies = {copy.copy_id: copy for copy in conflict_copies(self.reader.conn)}
        self.list.blockSignals(True)
        self.list.clear()
        for copy in self.copies.values():
            current = self._current(copy)
            item = QListWidgetItem(f"{debrief_line(current or copy.debrief, self.taxonomy)}\n"
                                   f"{side_label(copy)}")
            item.setToolTip(side_text(copy))
            item.setData(_COPY_ROLE, copy.copy_id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        wanted = next((row for row in range(self.list.count())
                       if self._copy_at(row).debrief.id == first), None) if first else None
        if wanted is None and shown is not None:
            wanted = next((row for row in range(self.list.count())
                           if self._copy_at(row).copy_id == shown.copy_id), None)
        self.list.setCurrentRow(wanted or 0)
        self.on_list_current_item_changed()

    def select_debrief(self, debrief_id: str) -> None:
        """Show the first copy of this debrief, if it has one."""
        for row in range(self.list.count()):
            if self._copy_at(row).debrief.id == debrief_id:
                self.list.setCurrentRow(row)
                return

    def selected(self) -> ConflictCopy | None:
        item = self.list.currentItem()
        return self.copies.get(item.data(_COPY_ROLE)) if item is not None else None

    def _copy_at(self, row: int) -> ConflictCopy:
        return self.copies[self.list.item(row).data(_COPY_ROLE)]

    def _current(self, copy: ConflictCopy) -> Debrief | None:
        return self.reader.get(copy.debrief.id, include_deleted=True)

    def on_list_current_item_changed(self, *_: object) -> None:
        copy = self.selected()
        self.table.setRowCount(0)
        self.local_note.hide()
        if copy is None:
            self.side.setText(tr("No other versions are kept."))
        else:
            current = self._current(copy)
            self.side.setText(side_text(copy))
            self._fill(self.comparison.lines(chosen_version(copy, current), current))
            self.local_note.setVisible(copy.lost_here is False)
        self._enable()

    def _fill(self, lines: list[Line]) -> None:
        self.table.setRowCount(len(lines))
        self.table.setVerticalHeaderLabels([line.label for line in lines])
        for row, line in enumerate(lines):
            for column, text in enumerate((line.other, line.current)):
                cell = QTableWidgetItem(text)
                cell.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                if line.differs:
                    font = QFont(cell.font())
                    font.setBold(True)
                    cell.setFont(font)
                    cell.setBackground(_DIFFERS)
                    cell.setToolTip(tr("The two versions differ here."))
                self.table.setItem(row, column, cell)

    def _enable(self) -> None:
        chosen = self.selected() is not None and not self._busy
        self.keep_button.setEnabled(chosen)
        self.use_button.setEnabled(chosen)

    # --- what the rep does ----------------------------------------------------------------

    def on_keep_button_clicked(self) -> None:
        copy = self.selected()
        if copy is None or self._busy:
            return
        self._start()
        self.worker.submit(lambda store: dismiss_copy(store, copy.copy_id),
                           lambda _: self.on_store_done(tr(
                               "The current version is kept; the other one is gone.")),
                           self.on_store_failed)

    def on_use_button_clicked(self) -> None:
        copy = self.selected()
        if copy is None or self._busy:
            return
        self._start()
        self.worker.submit(lambda store: use_copy(store, copy.copy_id), self.on_store_used,
                           self.on_store_failed)

    def _start(self) -> None:
        self._busy = True
        self._say("")
        self._enable()

    def on_store_used(self, saved: Debrief | None) -> None:
        self.on_store_done(tr("That version is now the current one; it is sent at the next "
                              "sync."))
        if saved is not None:
            self.used.emit(saved)

    def on_store_done(self, said: str) -> None:
        self._busy = False
        self.reload()
        self._say(said)
        self.changed.emit()

    def on_store_failed(self, error: BaseException) -> None:
        self._busy = False
        self._enable()
        if isinstance(error, InvalidDebrief):
            problems = "; ".join(f"{field_label(p.field)}: {message_text(p.message)}"
                                 for p in error.problems)
            self._say(tr("This version cannot be used as it is ({problems}). Open the "
                         "debrief and change it by hand instead.").format(problems=problems),
                      "error")
        elif isinstance(error, StoreError):
            log.warning("conflict copy not dealt with: %s", error)
            self._say(tr("Not done: {reason}").format(reason=message_text(error.message)),
                      "error")
        else:
            self.worker.failed.emit(error)

    def _say(self, text: str, role: str = "done") -> None:
        """A line under the comparison: what was done, or why not (red, by the style)."""
        if self.message.property("role") != role:
            self.message.setProperty("role", role)
            self.message.style().unpolish(self.message)
            self.message.style().polish(self.message)
        self.message.setText(text)
