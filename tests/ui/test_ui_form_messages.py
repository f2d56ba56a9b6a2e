"""What the form says beside its Save button and in its banner, and when that goes: a
message about one debrief never follows the rep to the next."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.store.database import connect
from desktop.store.debriefs import DebriefStore
from desktop.ui.store_worker import StoreWorker
from sync.domain.debrief import Outcome

CTRL = Qt.KeyboardModifier.ControlModifier
REFUSED = "Not saved yet: see the notes in red."


def save(qtbot, keyboard, window):
    with qtbot.waitSignal(window.form.saved, timeout=5000) as blocker:
        keyboard.press(Qt.Key.Key_Return, CTRL)
    return blocker.args[0]


def refuse_a_save(keyboard, form) -> None:
    """Ctrl+Enter on a debrief with an outcome and no reason: refused."""
    form.fields.outcome.setFocus()
    keyboard.type("l")
    keyboard.press(Qt.Key.Key_Return, CTRL)
    assert form.status.text() == REFUSED
    assert form.fields.errors["reasons"].isVisible()


def nothing_said(form) -> bool:
    return form.status.text() == "" and not any(
        label.isVisible() for label in form.fields.errors.values())


def test_esc_takes_a_refused_save_s_message_with_the_debrief(window, keyboard):
    form = window.form
    refuse_a_save(keyboard, form)
    keyboard.press(Qt.Key.Key_Escape)
    assert form.fields.outcome.value() is None  # a new debrief...
    assert nothing_said(form)  # ...with nothing said about the last one


def test_esc_on_an_untouched_form_after_a_refused_save_starts_over(window, keyboard):
    form = window.form
    keyboard.press(Qt.Key.Key_Return, CTRL)  # nothing typed: refused
    assert form.status.text() == REFUSED
    keyboard.press(Qt.Key.Key_Escape)
    assert nothing_said(form)


def test_a_new_debrief_after_a_refused_edit_says_nothing_of_it(qtbot, window, keyboard):
    form = window.form
    keyboard.fill_valid(form)
    saved = save(qtbot, keyboard, window)
    window.on_list_open_requested(saved.id)
    form.fields.competitor.setText("Hooli\u2122")  # a symbol in a name is refused
    keyboard.press(Qt.Key.Key_Return, CTRL)
    assert form.status.text() == REFUSED
    keyboard.press(Qt.Key.Key_N, CTRL)
    assert not form.is_editing
    assert nothing_said(form)


def test_opening_another_debrief_says_nothing_of_the_refused_one(qtbot, window, keyboard):
    form = window.form
    keyboard.fill_valid(form)
    saved = save(qtbot, keyboard, window)
    refuse_a_save(keyboard, form)
    window.on_list_open_requested(saved.id)
    assert form.is_editing
    assert nothing_said(form)


def test_a_save_replaces_the_refusal_and_fixing_everything_takes_it(qtbot, window, keyboard):
    form = window.form
    refuse_a_save(keyboard, form)
    keyboard.type("2")  # the stage...
    form.fields.picker.setFocus()
    keyboard.type("pri")
    keyboard.press(Qt.Key.Key_Return)  # ...and a reason: nothing left to see in red
    assert nothing_said(form)
    save(qtbot, keyboard, window)
    assert form.status.text().startswith("Saved: Lost, Consideration")


def test_a_store_refusal_goes_with_its_debrief(qtbot, window, keyboard):
    path = window.services.paths.database
    rules = window.services.reader.rules
    other = connect(path)  # a second copy of Debrief holds the write lock
    other.execute("BEGIN IMMEDIATE")

    def impatient_store() -> DebriefStore:
        conn = connect(path)
        conn.execute("PRAGMA busy_timeout = 50")
        return DebriefStore(conn, path, window.services.reader.clock, rules)

    form = window.form
    form.worker = StoreWorker(impatient_store)
    try:
        keyboard.fill_valid(form)
        with qtbot.waitSignal(form.save_failed, timeout=5000):
            keyboard.press(Qt.Key.Key_Return, CTRL)
        assert form.status.text().startswith("Not saved: ")
        keyboard.press(Qt.Key.Key_Escape)
        assert form.status.text() == ""
        assert "Form cleared" in form.banner.label.text()
    finally:
        form.worker.stop()
        other.execute("ROLLBACK")
        other.close()


# --- "Bring it back" is offered until the rep starts the next debrief --------------------


def test_the_cleared_form_offer_goes_once_a_new_debrief_is_typed(window, keyboard):
    form = window.form
    form.fields.competitor.setFocus()
    keyboard.type("Initech")
    keyboard.press(Qt.Key.Key_Escape)
    assert form.banner.isVisible() and "Form cleared" in form.banner.label.text()
    form.fields.outcome.setFocus()
    keyboard.type("w")  # the next debrief begins
    assert form.banner.isHidden()
    assert form.fields.outcome.value() is Outcome.WON
    assert form.fields.competitor.text() == ""


def test_an_offer_is_not_withdrawn_by_the_fresh_form_itself(window, keyboard):
    form = window.form
    form.fields.competitor.setFocus()
    keyboard.type("Initech")
    keyboard.press(Qt.Key.Key_Escape)
    keyboard.press(Qt.Key.Key_Escape)  # Esc again, nothing typed: the offer stays
    assert form.banner.isVisible()
    form.banner.primary.click()  # Bring it back
    assert form.fields.competitor.text() == "Initech"


@pytest.mark.parametrize("then", ["type", "open another", "open it again"])
def test_changes_set_aside_by_esc_are_kept_when_the_offer_goes(qtbot, window, keyboard,
                                                                settle, then):
    form = window.form
    keyboard.fill_valid(form)
    first = save(qtbot, keyboard, window)
    keyboard.fill_valid(form)
    second = save(qtbot, keyboard, window)
    window.on_list_open_requested(first.id)
    form.fields.competitor.setFocus()
    keyboard.type("Hooli")
    keyboard.press(Qt.Key.Key_Escape)
    assert "set aside" in form.banner.label.text()
    if then == "type":
        keyboard.fill_valid(form)
        assert form.banner.isHidden()
        save(qtbot, keyboard, window)  # the form is free again: the changes are offered
        assert "unsaved debrief" in form.banner.label.text()
        form.banner.primary.click()  # Restore
    elif then == "open another":
        window.on_list_open_requested(second.id)
        assert "Editing the debrief" in form.banner.label.text()
        window.on_list_open_requested(first.id)  # its changes come back with it
    else:
        window.on_list_open_requested(first.id)
    settle(window)
    assert form.is_editing and form.debrief().id == first.id
    assert form.fields.competitor.text() == "Hooli"
