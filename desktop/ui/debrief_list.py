"""'My debriefs': the rep's own debriefs in a lazily fetched table, with search and filters.

A debrief with other versions kept (it lost a conflict with another computer) is marked,
and the count of kept versions below the table opens them (desktop.ui.conflict_copies).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.store import listing
from desktop.store.conflicts import count_copies
from desktop.store.listing import DebriefFilter, DebriefRow
from desktop.ui.combo_width import ShrinkableComboBox
from desktop.ui.empty_state import paint_empty_text
from desktop.ui.reason_picker import words_label
from desktop.ui.text import moment_text, outcome_label, stage_label, tr
from sync.domain.clock import Clock, from_iso
from sync.domain.debrief import Outcome, Stage
from sync.domain.taxonomy import Taxonomy

PAGE_SIZE = 200
Counter = Callable[[DebriefFilter, Callable[[int], None]], None]
SEARCH_DELAY_MS = 150
_Index = QModelIndex | QPersistentModelIndex


class DebriefTableModel(QAbstractTableModel):
    """Rows come a page at a time from the read connection as the view scrolls."""

    COLUMNS = ("when", "outcome", "stage", "reason", "competitor", "account", "entries")

    def __init__(self, conn: sqlite3.Connection, taxonomy: Taxonomy, parent=None):
        super().__init__(parent)
        self.conn = conn
        self.taxonomy = taxonomy
        self.filter = DebriefFilter()
        self.total: int | None = None  # counted after the first page is shown
        self._more = False
        self._rows: list[DebriefRow] = []
        self._kept_icon: QIcon | None = None  # drawn when first needed
        self._headers = (self.tr("When"), self.tr("Outcome"), self.tr("Stage"),
                         self.tr("Main reason"), self.tr("Competitor"), self.tr("Account"),
                         self.tr("Entries"))

    def set_filter(self, flt: DebriefFilter) -> None:
        self.filter = flt
        self.reload()

    def reload(self) -> None:
        """The first page now; the count (a full scan for a text search) on `count_all`."""
        self.beginResetModel()
        self._rows = listing.page(self.conn, self.filter, limit=PAGE_SIZE)
        self._more = len(self._rows) == PAGE_SIZE
        self.total = None if self._more else len(self._rows)
        self.endResetModel()

    def count_all(self) -> int:
        if self.total is None:
            self.total = listing.count(self.conn, self.filter)
        return self.total

    def row_at(self, row: int) -> DebriefRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent: _Index) -> None:
        if parent.isValid() or not self._rows:
            return
        more = listing.page(self.conn, self.filter, after=self._rows[-1].cursor,
                            limit=PAGE_SIZE)
        self._more = len(more) == PAGE_SIZE
        if not more:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        row = self.row_at(index.row())
        if row is None:
            return None
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "entries":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if row.kept_copies and column == "when":
            return self._kept_marker(row, role)
        return None

    def _kept_marker(self, row: DebriefRow, role: int):
        """The mark of a debrief with other versions kept: an icon and what it means."""
        if role == Qt.ItemDataRole.DecorationRole:
            if self._kept_icon is None:
                self._kept_icon = kept_versions_icon()
            return self._kept_icon
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
            return tr("This debrief has %Ln other version(s) kept. Click \u201cother versions "
                      "kept\u201d below the list to compare them.", None, row.kept_copies)
        return None

    def _display(self, row: DebriefRow, column: str) -> str:
        if column == "when":
            return moment_text(from_iso(row.created_at))
        if column == "outcome":
            return outcome_label(row.outcome)
        if column == "stage":
            return stage_label(row.stage)
        if column == "reason":
            if row.reasons_unknown:
                return self.tr("Don\u2019t know")
            if not row.primary_code:
                return ""
            code = self.taxonomy.code(row.primary_code)
            if code is not None and row.primary_words:
                return words_label(code, row.primary_words)
            return self.taxonomy.label(row.primary_code, row.primary_detail)
        if column == "competitor":
            return row.competitor or ""
        if column == "account":
            return row.account_name or ""
        return str(row.entries)


def kept_versions_icon(size: int = 16) -> QIcon:
    """Two pages, one behind the other, in the colour the app uses for "look at this"."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#9a6700"), 1.4))
    page = round(size * 0.62)
    painter.setBrush(QColor("#fff4ce"))
    painter.drawRoundedRect(size - page - 1, 1, page, page, 1.5, 1.5)
    painter.setBrush(QColor("#ffffff"))
    painter.drawRoundedRect(1, size - page - 1, page, page, 1.5, 1.5)
    painter.end()
    return QIcon(pixmap)


class DebriefTable(QTableView):
    """Enter opens the selected debrief, Delete deletes it."""

    open_requested = Signal(str)
    delete_requested = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        debrief_id = self.current_id()
        if debrief_id and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_requested.emit(debrief_id)
        elif debrief_id and event.key() == Qt.Key.Key_Delete:
            self.delete_requested.emit(debrief_id)
        else:
            super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        """An empty list says what to do: log a first debrief, or widen the filters."""
        super().paintEvent(event)
        model = self.model()
        if isinstance(model, DebriefTableModel) and model.rowCount() == 0:
            paint_empty_text(self, self.tr(
                "No debriefs yet. Log your first on New debrief (Ctrl+N): it shows here "
                "once saved.") if model.filter == DebriefFilter() else self.tr(
                "No debrief matches this search and these filters. Clear the search or "
                "choose “Any” to see more."))

    def current_id(self) -> str | None:
        model = self.model()
        assert isinstance(model, DebriefTableModel)
        row = model.row_at(self.currentIndex().row())
        return row.id if row else None


class DebriefList(QWidget):
    """Search box, filters, the table, the count, and the count of other versions kept."""

    open_requested = Signal(str)
    delete_requested = Signal(str)
    copies_requested = Signal(str)  # the selected debrief's id if it has copies, else ""

    def __init__(self, conn: sqlite3.Connection, taxonomy: Taxonomy, clock: Clock,
                 counter: Counter | None = None, parent: QWidget | None = None):
        """`counter(filter, done)` counts off the GUI thread and calls `done(n)` back on
        it; without one, the count runs on the GUI thread once the page has painted."""
        super().__init__(parent)
        self.clock = clock
        self.counter = counter
        self.model = DebriefTableModel(conn, taxonomy, self)
        self.search = QLineEdit()
        self.search.setObjectName("listSearch")
        self.search.setPlaceholderText(self.tr("Search competitor, account, CRM reference, "
                                               "quote, notes"))
        self.search.setAccessibleName(self.tr("Search My debriefs"))
        self.search.setClearButtonEnabled(True)
        self.outcome = QComboBox()
        self.outcome.addItem(self.tr("Any outcome"), None)
        for outcome in Outcome:
            self.outcome.addItem(outcome_label(outcome), outcome.value)
        self.stage = QComboBox()
        self.stage.addItem(self.tr("Any stage"), None)
        for stage in Stage:
            self.stage.addItem(stage_label(stage), stage.value)
        self.reason = ShrinkableComboBox(24)
        self._fill_reasons(taxonomy)
        self.period = QComboBox()
        for label, days in ((self.tr("All time"), None), (self.tr("Last 7 days"), 7),
                            (self.tr("Last 30 days"), 30), (self.tr("Last 90 days"), 90),
                            (self.tr("Last 12 months"), 365)):
            self.period.addItem(label, days)
        self.table = DebriefTable()
        self.table.setObjectName("debriefTable")
        self.table.setAccessibleName(self.tr("My debriefs"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((150, 110, 110, 260, 140, 140, 60)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.count = QLabel()
        self.count.setObjectName("listCount")
        self.copies_button = QPushButton()
        self.copies_button.setObjectName("otherVersions")
        self.copies_button.setFlat(True)
        self.copies_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.copies_button.setToolTip(self.tr(
            "Versions of your debriefs that lost to a newer change on another computer, or "
            "on this one. Click to compare each with the current version and choose."))
        self.copies_button.hide()
        self.edit_button = QPushButton(self.tr("Open  (Enter)"))
        self.delete_button = QPushButton(self.tr("Delete  (Del)"))
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._build_layout()
        self._connect()

    def _fill_reasons(self, taxonomy: Taxonomy) -> None:
        chosen = self.reason.currentData()
        self.reason.blockSignals(True)
        self.reason.clear()
        self.reason.addItem(self.tr("Any reason"), None)
        for code in sorted(taxonomy.codes, key=lambda c: (c.category_label, c.label)):
            self.reason.addItem(f"{code.category_label} \u203a {code.label}", code.key)
        self.reason.setCurrentIndex(max(self.reason.findData(chosen), 0))
        self.reason.blockSignals(False)

    def use_taxonomy(self, taxonomy: Taxonomy) -> None:
        """Label reasons by the taxonomy pulled from the team's server."""
        self.model.taxonomy = taxonomy
        self._fill_reasons(taxonomy)
        self.apply_filter()

    def _build_layout(self) -> None:
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        for box in (self.outcome, self.stage, self.reason, self.period):
            filters.addWidget(box, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.count)
        actions.addWidget(self.copies_button)
        actions.addStretch(1)
        actions.addWidget(self.edit_button)
        actions.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

    def _connect(self) -> None:
        self.search.textChanged.connect(self._search_timer.start)
        self._search_timer.timeout.connect(self.apply_filter)
        for box in (self.outcome, self.stage, self.reason, self.period):
            box.currentIndexChanged.connect(self.apply_filter)
        self.table.open_requested.connect(self.open_requested)
        self.table.delete_requested.connect(self.delete_requested)
        self.table.doubleClicked.connect(self.on_table_double_clicked)
        self.edit_button.clicked.connect(self.on_edit_button_clicked)
        self.delete_button.clicked.connect(self.on_delete_button_clicked)
        self.copies_button.clicked.connect(self.on_copies_button_clicked)

    def current_filter(self) -> DebriefFilter:
        days = self.period.currentData()
        since = self.clock.now() - timedelta(days=days) if days else None
        outcome, stage = self.outcome.currentData(), self.stage.currentData()
        return DebriefFilter(text=self.search.text(),
                             outcome=Outcome(outcome) if outcome else None,
                             stage=Stage(stage) if stage else None,
                             reason_code=self.reason.currentData(), since=since)

    def apply_filter(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.current_filter())
        self._count_after_paint()
        self.show_copies()

    def refresh(self) -> None:
        """Reload with the same filter (after a save or a delete)."""
        self.model.reload()
        self._count_after_paint()
        self.show_copies()

    def _count_after_paint(self) -> None:
        if self.model.total is not None:
            self.show_count()
            return
        self.count.setText(self.tr("Counting\u2026"))
        if self.counter is None:
            QTimer.singleShot(0, self.show_count)
        else:
            flt = self.model.filter
            self.counter(flt, lambda n: self.on_counted(flt, n))

    def on_counted(self, flt: DebriefFilter, n: int) -> None:
        if flt == self.model.filter:  # not a count for a filter since replaced
            self.model.total = n
            self.show_count()

    def show_count(self) -> None:
        self.count.setText(tr("%Ln debrief(s)", None, self.model.count_all()))

    def show_copies(self) -> None:
        """How many other versions are kept (a small table: read here, like a page)."""
        n = count_copies(self.model.conn)
        self.copies_button.setVisible(n > 0)
        self.copies_button.setText(tr("%Ln other version(s) kept", None, n))

    def on_copies_button_clicked(self) -> None:
        row = self.model.row_at(self.table.currentIndex().row())
        self.copies_requested.emit(row.id if row is not None and row.kept_copies else "")

    def on_table_double_clicked(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row:
            self.open_requested.emit(row.id)

    def on_edit_button_clicked(self) -> None:
        debrief_id = self.table.current_id()
        if debrief_id:
            self.open_requested.emit(debrief_id)

    def on_delete_button_clicked(self) -> None:
        debrief_id = self.table.current_id()
        if debrief_id:
            self.delete_requested.emit(debrief_id)

