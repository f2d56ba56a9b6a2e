"""The main window fits a small laptop screen (1,024 pixels wide) and opens within the
screen it is on."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QStyleFactory

from desktop.ui.app import apply_style
from desktop.ui.main_window import DEFAULT_SIZE, FRAME_ALLOWANCE
from sync.domain.segments import Choice

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


def test_it_opens_within_its_screen_with_room_for_a_title_bar(window) -> None:
    area = window.screen().availableGeometry()
    needed = window.minimumSizeHint()
    room = area.size() - QSize(*FRAME_ALLOWANCE)
    assert window.width() <= max(room.width(), needed.width())
    assert window.height() <= max(room.height(), needed.height())
    assert window.width() <= DEFAULT_SIZE[0] and window.height() <= DEFAULT_SIZE[1]
    assert area.contains(window.pos())


# Opening a list on the offscreen platform, which has no window system to ask.
OFFSCREEN_POPUP = pytest.mark.qt_log_ignore("This plugin does not support raise",
                                            "This plugin does not support grabbing")


def open_list_width(box) -> int:
    """How wide the open list is, in Qt's Windows style: unlike Fusion and macOS, it
    does not widen the list to the items by itself."""
    style = QStyleFactory.create("Windows")
    assert style is not None
    style.setParent(box)  # setStyle does not take ownership: keep it while the box lives
    box.setStyle(style)
    box.showPopup()
    try:
        return box.view().width()
    finally:
        box.hidePopup()


@OFFSCREEN_POPUP
def test_narrow_drop_downs_still_list_whole_names(window) -> None:
    boxes = [*window.form.fields.segment_boxes.values(), window.list.reason]
    for box in boxes:
        longest = max(range(box.count()), key=lambda i: len(box.itemText(i)))
        whole = box.fontMetrics().horizontalAdvance(box.itemText(longest))
        assert box.minimumSizeHint().width() < whole, box.objectName()
        assert open_list_width(box) > whole, box.objectName()


@OFFSCREEN_POPUP
def test_lists_pulled_from_the_server_are_listed_whole_too(window) -> None:
    fields = window.form.fields
    long_name = "Public sector, education and non-profit organisations"
    segments = replace(fields.segments, industries=(
        *fields.segments.industries, Choice("public", long_name)))
    fields.use_lists(fields.taxonomy, segments, fields.lead.leads)
    box = fields.segment_boxes["industry"]
    assert box.findText(long_name) > 0
    assert open_list_width(box) > box.fontMetrics().horizontalAdvance(long_name)
