"""Drop-down lists that fit a small screen and still show whole names when open."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

POPUP_MARGIN = 40  # the open list's frame, item padding and scroll bar


class ShrinkableComboBox(QComboBox):
    """A drop-down as narrow as `characters` characters (its longest item may be elided
    while closed) whose open list is wide enough for every item it holds then."""

    def __init__(self, characters: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(characters)

    def widest_item(self) -> int:
        """The width of the widest item's text, in pixels of the box's font."""
        metrics = self.fontMetrics()
        return max((metrics.horizontalAdvance(self.itemText(i)) for i in range(self.count())),
                   default=0)

    def showPopup(self) -> None:
        self.view().setMinimumWidth(self.widest_item() + POPUP_MARGIN)
        super().showPopup()
