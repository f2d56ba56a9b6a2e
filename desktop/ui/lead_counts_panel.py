"""Insights' Collateral and Lead criteria tabs: each item of a lead list (a collateral
item, a sales-qualified-lead criterion) with the debriefs naming it per outcome, in all
and per group of a dimension chosen beside the table; for collateral, how often reps
said it helped. Every count is one the server showed (sync.server.lead_counts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget

from desktop.ui.rows_table import RowsModel, by_line, rows_view
from desktop.ui.text import outcome_label, tr
from sync.client import insight_view
from sync.client.insight_view import COLLATERAL, InsightAnswers, LeadRow
from sync.domain.debrief import Outcome


class LeadCountsPanel(QWidget):
    """One lead list's counts. `label_of(kind, key)` names an item, `value_label(
    dimension, value)` a group, `dimension_labels` the dimensions offered."""

    def __init__(self, kind: str, note: str, dimension_labels: dict[str, str],
                 label_of: Callable[[str, str], str],
                 value_label: Callable[[str, str | None], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.label_of = label_of
        self.value_label = value_label
        self.dimension_labels = dimension_labels
        self.by = QComboBox()
        self.by.setObjectName(f"{kind}By")
        for key in insight_view.LEAD_DIMENSIONS:
            self.by.addItem(dimension_labels[key] if key else tr("Outcome only"), key)
        self.model = RowsModel(self)
        said = QLabel(note)
        said.setWordWrap(True)
        self.missing = QLabel(tr("The server does not count these yet: it needs an update."))
        self.missing.setWordWrap(True)
        self.missing.hide()
        column = QVBoxLayout(self)
        column.addWidget(said)
        column.addLayout(by_line(self.by))
        column.addWidget(self.missing)
        column.addWidget(rows_view(self.model))

    def grouping(self) -> str:
        return str(self.by.currentData() or "")

    def group_by(self, dimension: str) -> None:
        index = self.by.findData(dimension)
        self.by.setCurrentIndex(max(index, 0))

    def show_answers(self, found: InsightAnswers | None) -> None:
        answer = found.answers.get(self.kind, {}) if found else {}
        self.missing.setVisible(bool(answer.get("missing")))
        rows = insight_view.lead_rows(found, self.kind) if found else []
        outcomes = insight_view.lead_outcomes(found, self.kind) if found else []
        min_cell = found.min_cell if found else 5
        small = tr("< {n}").format(n=min_cell)
        small_tip = tr("fewer than {n} debriefs or one rep, or none: left out").format(
            n=min_cell)
        grouped = answer.get("by")
        item_title = tr("Collateral") if self.kind == COLLATERAL else tr("Criterion failed")
        headers = [item_title]
        if grouped:
            headers.append(self.dimension_labels.get(grouped, grouped))
        headers += [tr("Debriefs"), tr("Share of debriefs"),
                    *(outcome_label(Outcome(outcome)) for outcome in outcomes)]
        if self.kind == COLLATERAL:
            headers.append(tr("Said it helped"))
        shown: list[list[Any]] = []
        tips: dict[tuple[int, int], str] = {}
        for r, row in enumerate(rows):
            cells: list[Any] = [self.label_of(self.kind, row.key) if row.group is None
                                else ""]
            if grouped:
                cells.append(tr("All") if row.group is None
                             else self.value_label(grouped, row.group or None))
            cells += [row.debriefs, "" if row.share is None else f"{row.share:.0%}"]
            for outcome in outcomes:
                n = row.outcomes.get(outcome)
                if n is None:
                    tips[(r, len(cells))] = small_tip
                cells.append(small if n is None else n)
            if self.kind == COLLATERAL:
                cells.append(self._helped(row))
                if row.group is None and row.helped is None:
                    tips[(r, len(cells) - 1)] = tr(
                        "Too few said whether it helped, both ways, to show a share")
            shown.append(cells)
        self.model.set_rows(headers, shown, tips)

    @staticmethod
    def _helped(row: LeadRow) -> str:
        if row.group is not None:
            return ""  # counted per outcome only: per group it would single debriefs out
        helped = row.helped
        if helped is None:
            return "\u2013"
        yes, said = helped
        return tr("{share} ({helped} of {said})").format(
            share=f"{yes / said:.0%}", helped=yes, said=said)
