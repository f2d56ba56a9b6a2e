"""The Reasons tab of Insights: why we win and why we lose as Pareto charts, with a table
of every bar, drilled from categories to reasons to a reason's details.

Levels: every reason (the default), or categories (mentions: a debrief giving two
reasons of a category counts twice); double-clicking a row goes down a level (a
category's reasons, then a reason's details), Back goes up. Details come only in
answers not narrowed by a dimension (sync.server.insights), and the chart says so.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.charts import Bar, ParetoChart
from desktop.ui.rows_table import RowsModel, rows_view
from desktop.ui.text import tr
from sync.client import insight_view
from sync.client.insight_view import InsightAnswers, Pareto
from sync.domain.team_lists import TeamLists

CHART_BARS = 10  # bars a Pareto chart shows; the table below it shows them all
SIDES = ("win", "loss")


class ReasonsPanel(QWidget):
    def __init__(self, lists: TeamLists, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lists = lists
        self.found: InsightAnswers | None = None
        self.empty_text = ""
        self.win_chart, self.loss_chart = ParetoChart(), ParetoChart()
        self.model = RowsModel(self)
        self.level = QComboBox()
        self.level.addItem(tr("Reasons"), "code")
        self.level.addItem(tr("Categories"), "category")
        self.drilled_category: str | None = None  # drilled into, at the category level
        self.drilled_code: str | None = None  # drilled into: its details are shown
        self.drill_up = QPushButton(tr("Back"))
        self.drill_up.setToolTip(tr("Up one level"))
        self.drill_path = QLabel()
        self.drill_path.setObjectName("insightsDrillPath")
        self.hint = QLabel()
        self.hint.setEnabled(False)
        self._keys: list[str | None] = []  # what each table row drills into (None: no)

        drill = QHBoxLayout()
        level_label = QLabel(tr("Show"))
        level_label.setBuddy(self.level)
        for widget in (level_label, self.level, self.drill_up, self.drill_path):
            drill.addWidget(widget)
        drill.addStretch(1)
        drill.addWidget(self.hint)
        charts = QSplitter(Qt.Orientation.Horizontal)
        charts.addWidget(self.win_chart)
        charts.addWidget(self.loss_chart)
        self.table = rows_view(self.model)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(charts)
        split.addWidget(self.table)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(drill)
        layout.addWidget(split, 1)

        self.level.currentIndexChanged.connect(self.on_level_current_index_changed)
        self.drill_up.clicked.connect(self.on_drill_up_clicked)
        self.table.activated.connect(self.on_table_activated)

    # --- what the workspace calls -------------------------------------------------------

    def show_answers(self, found: InsightAnswers | None, empty: str) -> None:
        """Draw `found` at the level drilled to (kept across new answers); `empty` is
        what a chart says when it has nothing."""
        self.found, self.empty_text = found, empty
        self._draw()

    def drill_into(self, key: str) -> None:
        """Show what `key` (a category, or a reason code) splits into: what
        double-clicking its row does. Details are the last level."""
        level = self._level()
        if level == "category":
            self.drilled_category = key
        elif level == "code":
            self.drilled_code = key
        else:
            return
        self._draw()

    def selected_code(self) -> tuple[str, str] | None:
        """(side, code) of the reason row selected in the table, if one is."""
        rows = self.table.selectionModel().selectedRows()
        if self._level() != "code" or not rows or rows[0].row() >= len(self._keys):
            return None
        key = self._keys[rows[0].row()]
        side = self.model.rows[rows[0].row()][0]
        return (("win" if side == tr("Win") else "loss"), key) if key else None

    # --- labels -------------------------------------------------------------------------

    def code_label(self, code: str) -> str:
        found = self.lists.taxonomy.code(code)
        return found.label if found else code

    def category_label(self, key: str | None) -> str:
        for code in self.lists.taxonomy.codes:
            if code.category_key == key:
                return code.category_label
        return key or ""

    def detail_label(self, key: str) -> str:
        if key == insight_view.NO_DETAIL:
            return tr("(no detail given)")
        found = self.lists.taxonomy.detail(key)  # a merged code's details too
        return found.label if found else key

    # --- drawing ------------------------------------------------------------------------

    def _level(self) -> str:
        if self.drilled_code is not None:
            return "detail"
        if self.level.currentData() == "category" and self.drilled_category is None:
            return "category"
        return "code"

    def _draw(self) -> None:
        found, level = self.found, self._level()
        sides = {side: self._pareto(found, side, level) if found else None for side in SIDES}
        empty = self.empty_text
        if found is not None and level == "detail":
            empty = (tr("Details are counted for all segments and stages together: clear "
                        "\"Narrow to\" to see the details of this reason.")
                     if found.view.narrow is not None
                     else tr("No details of this reason shown on this side."))
        elif found is not None and self.drilled_category is not None:
            empty = tr("No reason of this category shown on this side.")
        label = {"category": self.category_label, "code": self.code_label,
                 "detail": self.detail_label}[level]
        for chart, side, title in ((self.win_chart, "win", tr("Why we win")),
                                   (self.loss_chart, "loss", tr("Why we lose"))):
            bars = sides[side]
            chart.set_bars(
                title if not bars else tr("{title} ({n} debriefs)").format(
                    title=title, n=bars.debriefs),
                [Bar(label(bar.key), bar.debriefs, bar.share, bar.cumulative)
                 for bar in (bars.bars[:CHART_BARS] if bars else ())], empty)
        path = [self.category_label(self.drilled_category)] if self.drilled_category else []
        path += [self.code_label(self.drilled_code)] if self.drilled_code else []
        self.drill_up.setVisible(bool(path))
        self.drill_path.setText(" \u203a ".join(path))
        self.hint.setText({"category": tr("Double-click a category to see its reasons."),
                           "code": tr("Double-click a reason to see its details."),
                           "detail": ""}[level])
        self._draw_table(sides, level)

    def _pareto(self, found: InsightAnswers, side: str, level: str) -> Pareto:
        codes = self.lists.taxonomy.codes
        if level == "detail":
            assert self.drilled_code is not None
            return insight_view.detail_pareto(found, side, self.drilled_code, top=1000)
        if level == "category":
            return insight_view.category_pareto(
                found, side, {code.key: code.category_key for code in codes}, top=1000)
        within = None
        if self.drilled_category is not None:
            within = {code.key for code in codes if code.category_key == self.drilled_category}
        return insight_view.pareto(found, side, top=1000, within=within)

    def _draw_table(self, sides: dict[str, Pareto | None], level: str) -> None:
        rows: list[list[Any]] = []
        self._keys = []
        taxonomy = self.lists.taxonomy
        for side, drawn in sides.items():
            side_label = tr("Win") if side == "win" else tr("Loss")
            for bar in drawn.bars if drawn else ():
                self._keys.append(bar.key if level != "detail" else None)
                share = f"{bar.share:.1%}"
                if level == "category":
                    rows.append([side_label, self.category_label(bar.key), bar.debriefs,
                                 share])
                elif level == "detail":
                    rows.append([side_label, self.detail_label(bar.key), bar.debriefs, share])
                else:
                    code = taxonomy.code(bar.key)
                    rows.append([side_label, code.category_label if code else "",
                                 self.code_label(bar.key), bar.debriefs, share])
            if level == "detail" and drawn is not None and drawn.left_out:
                self._keys.append(None)
                rows.append([side_label, tr("(details too small to show)"), drawn.left_out,
                             ""])
        headers = {
            "category": [tr("Side"), tr("Category"), tr("Mentions"), tr("Share of mentions")],
            "code": [tr("Side"), tr("Category"), tr("Reason"), tr("Debriefs"), tr("Share")],
            "detail": [tr("Side"), tr("Detail"), tr("Debriefs"), tr("Share")]}[level]
        self.model.set_rows(headers, rows)

    # --- slots --------------------------------------------------------------------------

    def on_level_current_index_changed(self, _: int) -> None:
        self.drilled_category = self.drilled_code = None
        self._draw()

    def on_drill_up_clicked(self) -> None:
        if self.drilled_code is not None:
            self.drilled_code = None
        else:
            self.drilled_category = None
        self._draw()

    def on_table_activated(self, index: QModelIndex) -> None:
        if 0 <= index.row() < len(self._keys) and (key := self._keys[index.row()]):
            self.drill_into(key)
