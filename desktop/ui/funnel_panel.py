"""Insights' Funnel tab: the reality check (per stage, the deals that reached it, those
lost or stalled there, the loss rate and why) and the sensitivity (per stage, a slider
"if losses here fell by X%" and the revenue that would regain, stages ranked by it)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QLabel,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.text import stage_label, tr
from sync.client import insight_view
from sync.client.insight_view import FUNNEL, InsightAnswers, StageSensitivity
from sync.domain.debrief import Stage

DEFAULT_FALL = 20  # percent


class FunnelPanel(QWidget):
    def __init__(self, code_label: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.code_label = code_label
        self.counting = QLabel()
        self.counting.setWordWrap(True)
        self.check = QGridLayout()
        reality = QGroupBox(tr("Where deals are lost, and why"))
        reality.setLayout(self.check)
        self.sliders: dict[str, QSlider] = {}
        self.falls: dict[str, QLabel] = {}
        self.regained: dict[str, QLabel] = {}
        self.ranks: dict[str, QLabel] = {}
        self.stages: list[StageSensitivity] = []
        self.currency = ""
        sensitivity = QGroupBox(tr("Revenue each stage could regain"))
        grid = QGridLayout(sensitivity)
        for column, title in enumerate((tr("Rank"), tr("Stage"), tr("If losses here fell by"),
                                        "", tr("Revenue regained"))):
            grid.addWidget(_bold(title), 0, column)
        for row, stage in enumerate(Stage, start=1):
            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setRange(0, 100)
            slider.setValue(DEFAULT_FALL)
            slider.setAccessibleName(tr("If losses at {stage} fell by").format(
                stage=stage_label(stage)))
            slider.valueChanged.connect(self.on_slider_value_changed)
            self.sliders[stage.value] = slider
            self.ranks[stage.value] = QLabel()
            self.falls[stage.value] = QLabel()
            self.regained[stage.value] = QLabel()
            grid.addWidget(self.ranks[stage.value], row, 0)
            grid.addWidget(QLabel(stage_label(stage)), row, 1)
            grid.addWidget(slider, row, 2)
            grid.addWidget(self.falls[stage.value], row, 3)
            grid.addWidget(self.regained[stage.value], row, 4)
        grid.setColumnStretch(2, 1)
        self.explained = QLabel(tr(
            "Revenue regained = deals lost or stalled at the stage x the fall x the win "
            "rate of deals that got past it x their average value when won."))
        self.explained.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.counting)
        layout.addWidget(reality)
        layout.addWidget(sensitivity)
        layout.addWidget(self.explained)
        layout.addStretch(1)

    def show_answers(self, found: InsightAnswers | None) -> None:
        funnel = found.answers.get(FUNNEL) if found else None
        while self.check.count():
            item = self.check.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        headers = (tr("Stage"), tr("Reached"), tr("Lost or stalled"), tr("Loss rate"),
                   tr("Why, most given first"))
        for column, title in enumerate(headers):
            self.check.addWidget(_bold(title), 0, column)
        if not funnel:
            self.counting.setText(tr("No funnel fetched yet."))
            self.stages, self.currency = [], ""
            self._update()
            return
        self.currency = funnel["currency"]
        left = funnel["values_without_rate"]
        note = funnel["counting"]
        if left is None or left:
            note += " " + tr("Deal values in a currency without a rate to {currency} are "
                             "left out: {count}.").format(
                currency=self.currency,
                count=left if left is not None else tr("fewer than {n}").format(
                    n=funnel["min_cell"]))
        self.counting.setText(note)
        for row, stage in enumerate(funnel["stages"], start=1):
            rate = stage["loss_rate"]
            cells = (stage_label(Stage(stage["stage"])), str(stage["reached"]),
                     str(stage["lost_or_stalled"]), "" if rate is None else f"{rate:.0%}",
                     ", ".join(f"{self.code_label(r['code'])} ({r['deals']})"
                               for r in stage["reasons"][:3]))
            for column, text in enumerate(cells):
                label = QLabel(text)
                if 0 < column < 4:
                    label.setAlignment(Qt.AlignmentFlag.AlignRight)
                self.check.addWidget(label, row, column)
        self.check.setColumnStretch(4, 1)
        self.stages = insight_view.sensitivity(found)
        self._update()

    def on_slider_value_changed(self, _: int) -> None:
        self._update()

    def falls_chosen(self) -> dict[str, float]:
        return {stage: slider.value() / 100 for stage, slider in self.sliders.items()}

    def _update(self) -> None:
        falls = self.falls_chosen()
        by_stage = {stage.stage: stage for stage in self.stages}
        order = insight_view.ranked(self.stages, falls)
        for stage, slider in self.sliders.items():
            self.falls[stage].setText(f"{slider.value()}%")
            known = by_stage.get(stage)
            value = known.regained(falls[stage]) if known else None
            self.regained[stage].setText(
                tr("not enough to tell") if value is None
                else f"{_money(value)} {self.currency}")
            self.ranks[stage].setText(str(order.index(stage) + 1)
                                      if stage in order and value is not None else "")


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal(1)):,}"


def _bold(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label
