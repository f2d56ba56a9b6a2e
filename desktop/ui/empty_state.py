"""An empty list says what to do, in the place its rows would be."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QAbstractItemView


def paint_empty_text(view: QAbstractItemView, text: str) -> None:
    """Write `text` over `view`'s empty viewport (call from its paintEvent, after the
    view's own painting)."""
    painter = QPainter(view.viewport())
    painter.setPen(view.palette().color(QPalette.ColorRole.PlaceholderText))
    painter.drawText(view.viewport().rect().adjusted(10, 8, -10, -8),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
                     | Qt.TextFlag.TextWordWrap, text)
    painter.end()
