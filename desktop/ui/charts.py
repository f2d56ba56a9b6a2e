"""Every chart the app draws, painted with QPainter, behind this one module.

Why not a chart library: QtCharts is deprecated since Qt 6.10 and ships only in
PySide6-Addons (a 167 MB wheel for about 4 MB of Qt6Charts in the bundle); Qt Graphs
needs Qt Quick (about 18 MB more in the bundle). The app needs two charts, a Pareto
(bars and a cumulative line) and a trend (lines by month), which paint in a hundred
lines, offscreen too (tests, `make screenshots`), in the app's own palette. Should a
library become worth it, only this file changes: callers hand in plain numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

# Colour-blind-safe series colours (Okabe and Ito), readable on light and dark panels.
SERIES = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
MARGIN = 8


class _Frame:
    """What every chart paints first: its title, or the empty text below it when there
    is nothing to draw; and the colours and room left for the chart."""

    def __init__(self, widget: QWidget, painter: QPainter, title: str, empty_text: str,
                 has_data: bool):
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.palette = widget.palette()
        self.text = self.palette.color(QPalette.ColorRole.Text)
        self.muted = self.palette.color(QPalette.ColorRole.PlaceholderText)
        self.metrics = QFontMetrics(widget.font())
        self.line_height = self.metrics.height()
        self.area = QRectF(widget.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        title_font = widget.font()
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(self.text)
        painter.drawText(self.area.topLeft() + QPointF(0, self.line_height), title)
        painter.setFont(widget.font())
        self.top = self.area.top() + self.line_height * 2
        self.empty = not has_data
        if self.empty:
            painter.setPen(self.muted)
            painter.drawText(QRectF(self.area.left(), self.top, self.area.width(),
                                    self.area.bottom() - self.top),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             empty_text)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    share: float  # 0..1: what the bar's length shows
    cumulative: float  # 0..1: the Pareto line at this bar


class ParetoChart(QWidget):
    """Horizontal bars, largest first, with the cumulative share as a line."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = ""
        self.bars: tuple[Bar, ...] = ()
        self.empty_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_bars(self, title: str, bars: Sequence[Bar], empty_text: str) -> None:
        self.title, self.bars, self.empty_text = title, tuple(bars), empty_text
        self.setAccessibleName(title)
        self.setAccessibleDescription("; ".join(
            f"{bar.label}: {bar.value} ({bar.share:.0%})" for bar in self.bars) or empty_text)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 60 + 26 * max(len(self.bars), 4))

    def minimumSizeHint(self) -> QSize:
        return QSize(260, 160)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        frame = _Frame(self, painter, self.title, self.empty_text, bool(self.bars))
        if frame.empty:
            return
        palette, text, muted = frame.palette, frame.text, frame.muted
        metrics, line_height, area, top = frame.metrics, frame.line_height, frame.area, frame.top
        label_width = min(max(metrics.horizontalAdvance(bar.label) for bar in self.bars) + 12,
                          area.width() * 0.45)
        value_width = metrics.horizontalAdvance("9999 (100%)") + 8
        plot = QRectF(area.left() + label_width, top, area.width() - label_width - value_width,
                      area.bottom() - top - line_height)
        row = plot.height() / len(self.bars)
        bar_color = palette.color(QPalette.ColorRole.Highlight)
        biggest = max(bar.share for bar in self.bars) or 1.0
        # The cumulative line first, so the bars and their numbers are drawn over it.
        points = [QPointF(plot.left() + plot.width() * bar.cumulative,
                          plot.top() + (index + 0.5) * row)
                  for index, bar in enumerate(self.bars)]
        line = QColor(SERIES[1])
        painter.setPen(QPen(line, 2))
        painter.drawPolyline(points)
        painter.setBrush(line)
        for point in points:
            painter.drawEllipse(point, 3, 3)
        background = palette.color(QPalette.ColorRole.Base)
        for index, bar in enumerate(self.bars):
            y = plot.top() + index * row
            painter.setPen(text)
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight,
                                       int(label_width) - 8)
            painter.drawText(QRectF(area.left(), y, label_width - 8, row),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            length = plot.width() * bar.share / biggest
            painter.fillRect(QRectF(plot.left(), y + row * 0.2, length, row * 0.6), bar_color)
            number = f"{bar.value} ({bar.share:.0%})"
            box = QRectF(plot.left() + length + 4, y + (row - line_height) / 2,
                         metrics.horizontalAdvance(number) + 6, line_height)
            painter.fillRect(box, background)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, number)
        painter.setPen(muted)
        painter.drawText(QRectF(plot.left(), plot.bottom(), plot.width(), line_height),
                         Qt.AlignmentFlag.AlignRight,
                         self.tr("line: share of all reasons given, adding up"))


class TrendChart(QWidget):
    """Lines of shares (0..1) over months; a gap where a month's count is left out."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = ""
        self.months: tuple[str, ...] = ()
        self.lines: dict[str, tuple[float | None, ...]] = {}
        self.empty_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_lines(self, title: str, months: Sequence[str],
                  lines: dict[str, tuple[float | None, ...]], empty_text: str) -> None:
        self.title, self.months, self.lines = title, tuple(months), dict(lines)
        self.empty_text = empty_text
        self.setAccessibleName(title)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(640, 320)

    def minimumSizeHint(self) -> QSize:
        return QSize(300, 200)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        frame = _Frame(self, painter, self.title, self.empty_text,
                       bool(self.months and self.lines))
        if frame.empty:
            return
        text, muted = frame.text, frame.muted
        metrics, line_height, area, top = frame.metrics, frame.line_height, frame.area, frame.top
        legend_rows = len(self.lines)
        axis_width = metrics.horizontalAdvance("100%") + 8
        plot = QRectF(area.left() + axis_width, top, area.width() - axis_width,
                      area.bottom() - top - line_height * (legend_rows + 2))
        highest = max((share for line in self.lines.values() for share in line
                       if share is not None), default=0.0)
        ceiling = min(1.0, max(0.1, round(highest + 0.05, 1)))
        painter.setPen(QPen(muted, 1, Qt.PenStyle.DotLine))
        for step in range(5):
            fraction = step / 4
            y = plot.bottom() - plot.height() * fraction
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.drawText(QRectF(area.left(), y - line_height / 2, axis_width - 4,
                                    line_height),
                             Qt.AlignmentFlag.AlignRight, f"{ceiling * fraction:.0%}")
        count = len(self.months)

        def x_of(index: int) -> float:
            return plot.left() + plot.width() * (index + 0.5) / count

        painter.setPen(muted)
        every = max(1, count // 8)
        for index, month in enumerate(self.months):
            if index % every == 0:
                painter.drawText(QRectF(x_of(index) - 40, plot.bottom() + 2, 80, line_height),
                                 Qt.AlignmentFlag.AlignHCenter, month)
        for number, (label, shares) in enumerate(self.lines.items()):
            color = QColor(SERIES[number % len(SERIES)])
            painter.setPen(QPen(color, 2))
            painter.setBrush(color)
            run: list[QPointF] = []
            for index, share in enumerate(shares):
                if share is None:
                    if len(run) > 1:
                        painter.drawPolyline(run)
                    run = []
                    continue
                point = QPointF(x_of(index), plot.bottom() - plot.height() * share / ceiling)
                painter.drawEllipse(point, 2.5, 2.5)
                run.append(point)
            if len(run) > 1:
                painter.drawPolyline(run)
            y = plot.bottom() + line_height * (number + 1.5)
            painter.fillRect(QRectF(plot.left(), y + line_height * 0.3, 14, 4), color)
            painter.setPen(text)
            painter.drawText(QPointF(plot.left() + 20, y + line_height * 0.75), label)
