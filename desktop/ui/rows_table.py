"""A small read-only table of shown values, for Insights' and the Contest's tables, and
the "By" line above one that chooses its grouping."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QWidget,
)

from desktop.ui.text import moment_text, tr

Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel):
    """A read-only table: headers and rows of shown values. A moment is written as the
    rep's locale writes it when its cell is shown, not for every row up front (a
    leaderboard holds a row per rep of the team)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.headers: list[str] = []
        self.rows: list[list[Any]] = []
        self.tips: dict[tuple[int, int], str] = {}

    def set_rows(self, headers: list[str], rows: list[list[Any]],
                 tips: dict[tuple[int, int], str] | None = None) -> None:
        self.beginResetModel()
        self.headers, self.rows, self.tips = headers, rows, tips or {}
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return moment_text(value) if isinstance(value, datetime) else value
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tips.get((index.row(), index.column()))
        if role == Qt.ItemDataRole.TextAlignmentRole and _is_number(value):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


def _is_number(value: Any) -> bool:
    """Counts and shares line up on the right; words on the left."""
    if isinstance(value, int | float):
        return True
    text = str(value)
    return text.endswith("%") or text.startswith("< ")


def fit_why(view: QTableView) -> None:
    """The last column takes the width left and cuts a long text short ("..."), which
    its tooltip gives whole, rather than pushing the table past the window."""
    header = view.horizontalHeader()
    if header.count():
        # Fitted to no content: the view's stretched last section then fills what the
        # others leave, and no more.
        last = header.count() - 1
        header.setSectionResizeMode(last, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(last, header.minimumSectionSize())


def rows_view(model: RowsModel) -> QTableView:
    """A table view of `model`: whole rows selected, columns fitted to their contents."""
    view = QTableView()
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    return view


def by_line(combo: QComboBox) -> QHBoxLayout:
    """The line above a table choosing what it is grouped by: "By", then `combo`."""
    line = QHBoxLayout()
    label = QLabel(tr("By"))
    label.setBuddy(combo)
    line.addWidget(label)
    line.addWidget(combo)
    line.addStretch(1)
    return line
