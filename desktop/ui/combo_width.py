"""Drop-down lists that fit a small screen and still show whole names when open."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

POPUP_MARGIN = 40  # the open list's frame, item padding and scroll bar


def shrinkable(box: QComboBox, characters: int) -> QComboBox:
    """Let `box` be as narrow as `characters` characters (its longest item may be
    elided when closed) while its open list is wide enough for every item. Call it
    once the items are in."""
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(characters)
    box.view().setMinimumWidth(widest_item(box) + POPUP_MARGIN)
    return box


def widest_item(box: QComboBox) -> int:
    """The width of the widest item's text, in pixels of the box's font."""
    metrics = box.view().fontMetrics()
    return max((metrics.horizontalAdvance(box.itemText(i)) for i in range(box.count())),
               default=0)
