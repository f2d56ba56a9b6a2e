"""At the window's usual size: no label wraps, no list's chosen text is cut, the form
does not move while reasons are found, and every empty list says what to do."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QStyle, QStyleOptionComboBox

from desktop.ui.app import apply_style
from desktop.ui.main_window import DEFAULT_SIZE


@pytest.fixture
def styled(window, qtbot):
    apply_style(QApplication.instance())
    window.resize(*DEFAULT_SIZE)
    qtbot.wait(20)
    yield window
    QApplication.instance().setStyleSheet("")


def _text_room(box: QComboBox) -> int:
    """How many pixels of text a closed drop-down shows."""
    option = QStyleOptionComboBox()
    box.initStyleOption(option)
    field = box.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                       QStyle.SubControl.SC_ComboBoxEditField, box)
    return field.width()


def test_no_label_of_the_form_wraps(styled):
    fields = styled.form.fields
    for label in fields.findChildren(QLabel):
        if label.buddy() is None or not label.isVisible():
            continue
        text = label.text().replace("&", "")
        assert "\n" not in text, text
        assert label.fontMetrics().horizontalAdvance(text) <= label.width(), text


def test_every_segment_choice_shows_whole_when_chosen(styled):
    for part, box in styled.form.fields.segment_boxes.items():
        room = _text_room(box)
        for index in range(1, box.count()):
            text = box.itemText(index)
            assert box.fontMetrics().horizontalAdvance(text) <= room, (part, text, room)


def _positions(window) -> dict[str, QPoint]:
    fields = window.form.fields
    return {name: widget.mapTo(window, QPoint(0, 0)) for name, widget in (
        ("reasons", fields.reason_list), ("competitor", fields.competitor),
        ("quote", fields.quote), ("save", window.form.save_button))}


def test_the_form_does_not_move_while_reasons_are_found(styled, qtbot, keyboard):
    fields = styled.form.fields
    before = _positions(styled)
    fields.picker.setFocus()
    keyboard.type("bud")
    assert fields.picker.suggestions.isVisible()
    qtbot.wait(20)
    assert _positions(styled) == before
    # The suggestions sit right under the search field, over the form.
    search = fields.picker.search
    under = search.mapTo(styled, QPoint(0, search.height()))
    assert abs(fields.picker.suggestions.geometry().top() - under.y()) <= 4
    keyboard.press(Qt.Key.Key_Return)
    qtbot.wait(20)
    assert not fields.picker.suggestions.isVisible()
    assert _positions(styled) == before  # a chosen reason takes no new room either
    assert fields.reason_list.count() == 1


def test_suggestions_go_when_the_rep_moves_on(styled, keyboard):
    fields = styled.form.fields
    fields.picker.setFocus()
    keyboard.type("bud")
    fields.competitor.setFocus()
    assert not fields.picker.suggestions.isVisible()
    fields.picker.setFocus()
    assert fields.picker.suggestions.isVisible()


def test_empty_lists_say_what_to_do(styled, qtbot):
    reasons = styled.form.fields.reason_list
    assert reasons.count() == 0 and reasons.isVisible()
    assert "find one above" in reasons.empty_text()
    styled.show_my_debriefs()
    qtbot.wait(20)
    table = styled.list.table
    assert table.model().rowCount() == 0
    image = table.viewport().grab().toImage()
    background = image.pixel(image.width() - 2, image.height() - 2)
    painted = sum(image.pixel(x, y) != background
                  for x in range(0, min(400, image.width()), 2) for y in range(0, 40, 2))
    assert painted > 20, "the empty list shows no text"
