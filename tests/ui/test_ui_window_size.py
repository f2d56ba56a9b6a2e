"""The main window fits a small laptop screen (1,024 pixels wide) and opens within the
screen it is on."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from desktop.ui.app import apply_style
from desktop.ui.main_window import DEFAULT_SIZE

SMALL_SCREEN_WIDTH = 1024


def test_both_pages_can_be_narrowed_to_a_small_screen(window, qtbot) -> None:
    apply_style(QApplication.instance())
    try:
        qtbot.wait(10)
        assert window.minimumSizeHint().width() < SMALL_SCREEN_WIDTH - 40
        window.show_my_debriefs()
        qtbot.wait(10)
        assert window.minimumSizeHint().width() < SMALL_SCREEN_WIDTH - 40
    finally:
        QApplication.instance().setStyleSheet("")


def test_it_opens_no_larger_than_its_screen(window) -> None:
    available = window.screen().availableGeometry().size()
    needed = window.minimumSizeHint()
    assert window.width() <= max(available.width(), needed.width())
    assert window.height() <= max(available.height(), needed.height())
    assert window.width() <= DEFAULT_SIZE[0] and window.height() <= DEFAULT_SIZE[1]


def test_narrow_drop_downs_still_list_whole_names(window) -> None:
    boxes = [*window.form.fields.segment_boxes.values(), window.list.reason]
    for box in boxes:
        longest = max(range(box.count()), key=lambda i: len(box.itemText(i)))
        whole = box.view().fontMetrics().horizontalAdvance(box.itemText(longest))
        assert box.view().minimumWidth() > whole, box.objectName()
        assert box.minimumSizeHint().width() < whole, box.objectName()
