"""The capture form, driven by real key presses: speed, inline errors, drafts, nothing lost."""

from __future__ import annotations

from contextlib import closing
from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QMessageBox
from test_ui_my_debriefs import answer_next_question

from desktop.store import listing
from desktop.store.database import connect
from desktop.store.drafts import DraftStore, form_slot
from desktop.store.listing import DebriefFilter
from desktop.ui.draft_schedule import QUIET_MS
from sync.domain.debrief import Debrief, Evidence, Outcome, Reason, Segment, Stage

CTRL = Qt.KeyboardModifier.ControlModifier


def saved_count(window) -> int:
    return listing.count(window.services.reader.conn, DebriefFilter())


def drafts(window) -> DraftStore:
    return DraftStore(window.services.reader.conn, window.services.reader.clock)


def save_with_keys(qtbot, keyboard, window):
    with qtbot.waitSignal(window.form.saved, timeout=5000) as blocker:
        keyboard.press(Qt.Key.Key_Return, CTRL)
    return blocker.args[0]


def test_a_typical_debrief_takes_at_most_15_key_presses(qtbot, window, keyboard):
    form = window.form
    # Last time: a lost deal at evaluation, in a complete segment.
    form.fields.outcome.set_value(Outcome.LOST)
    form.fields.stage.set_value(Stage.EVALUATION)
    for box in form.fields.segment_boxes.values():
        box.setCurrentIndex(2)
    form.fields.reason_list.add("price.too_high", None)
    previous = form.debrief()
    with qtbot.waitSignal(form.saved, timeout=5000):
        form.save()
    assert form.fields.outcome.hasFocus()
    assert form.debrief().segment == previous.segment  # pre-filled from last time

    keyboard.type("l")  # outcome: lost -> focus moves to stage
    assert form.fields.stage.hasFocus()
    keyboard.type("4")  # stage: evaluation -> segment is complete, so on to reasons
    assert form.fields.picker.search.hasFocus()
    keyboard.type("pri")
    keyboard.press(Qt.Key.Key_Return)
    keyboard.type("comp")
    keyboard.press(Qt.Key.Key_Return)
    saved = save_with_keys(qtbot, keyboard, window)

    assert keyboard.presses <= 15, keyboard.presses
    assert saved.outcome is Outcome.LOST and saved.stage is Stage.EVALUATION
    assert saved.segment == previous.segment
    assert len(saved.reasons) == 2
    assert saved.reasons[0].primary and not saved.reasons[1].primary
    assert saved.reasons[0].code.startswith("price.")
    assert saved.reasons[1].code.startswith("competitor.")
    assert saved_count(window) == 2


def test_the_save_is_confirmed_once_by_the_save_button(qtbot, window, keyboard):
    keyboard.fill_valid(window.form)
    save_with_keys(qtbot, keyboard, window)
    assert window.form.status.text() == "Saved: Lost, Consideration \u2014 earned 1 entry."
    assert window.statusBar().currentMessage() == ""  # not said a second time down there
    keyboard.fill_valid(window.form)
    type_competitor(keyboard, window.form, "Globex")
    save_with_keys(qtbot, keyboard, window)
    assert window.form.status.text() == "Saved: Lost, Consideration \u2014 earned 2 entries."


def test_nothing_typed_shows_every_problem_next_to_its_field(qtbot, window, keyboard, settle):
    form = window.form
    keyboard.press(Qt.Key.Key_Return, CTRL)
    errors = form.fields.errors
    assert errors["outcome"].isVisible() and "how the call ended" in errors["outcome"].text()
    assert errors["stage"].isVisible() and "funnel stage" in errors["stage"].text()
    assert errors["reasons"].isVisible() and "at least one reason" in errors["reasons"].text()
    assert not errors["competitor"].isVisible()
    assert form.fields.outcome.hasFocus()  # the first problem gets the focus
    settle(window)
    assert saved_count(window) == 0


def test_missing_primary_reason_is_named_and_space_fixes_it(qtbot, window, keyboard, settle):
    form = window.form
    keyboard.type("l")
    keyboard.type("3")
    # Two reasons, neither the main one (as a restored draft can be).
    form.fields.reason_list.set_reasons((
        Reason("price.too_high", None, Evidence.MY_READ, False),
        Reason("budget.no_budget", None, Evidence.CUSTOMER_SAID, False),
    ))
    keyboard.press(Qt.Key.Key_Return, CTRL)
    assert "Mark one reason as the main one" in form.fields.errors["reasons"].text()
    settle(window)
    assert saved_count(window) == 0

    form.fields.reason_list.setFocus()
    form.fields.reason_list.setCurrentRow(1)
    keyboard.press(Qt.Key.Key_Space)  # make the second reason the main one
    assert not form.fields.errors["reasons"].isVisible()  # re-checked while fixing
    saved = save_with_keys(qtbot, keyboard, window)
    assert [r.primary for r in saved.reasons] == [False, True]


def paste(qtbot, widget, text: str) -> None:
    QApplication.clipboard().setText(text)
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_V, CTRL)


def test_a_100kb_quote_is_refused_inline_and_kept(qtbot, window, keyboard, settle):
    form = window.form
    keyboard.fill_valid(form)
    big = "The customer said: " + "x" * 100_000
    paste(qtbot, form.fields.quote, big)
    keyboard.press(Qt.Key.Key_Return, CTRL)
    error = form.fields.errors["quote"]
    assert error.isVisible()
    assert "100,019 characters" in error.text() and "2,000" in error.text()
    assert form.fields.quote.toPlainText() == big  # nothing the rep typed is lost
    settle(window)
    assert saved_count(window) == 0
    # ...and the draft holds it too, should the window close now.
    slot = form_slot(form.debrief().id)
    qtbot.waitUntil(lambda: drafts(window).get(slot) is not None, timeout=3000)
    body, _ = drafts(window).get(slot)
    assert body["debrief"]["quote"] == big


def test_a_quote_too_long_is_named_right_under_the_quote(qtbot, window, keyboard):
    fields = window.form.fields
    keyboard.fill_valid(window.form)
    paste(qtbot, fields.quote, "x" * 2_500)
    keyboard.press(Qt.Key.Key_Return, CTRL)
    error = fields.errors["quote"]
    assert error.isVisible() and "2,500 characters" in error.text()

    def corner(widget) -> QPoint:
        return widget.mapTo(fields, QPoint(0, 0))

    def under_the_quote() -> bool:
        below = corner(fields.quote).y() + fields.quote.height()
        return (below <= corner(error).y() < corner(fields.share_quote).y()
                and corner(error).x() == corner(fields.quote).x())

    qtbot.waitUntil(under_the_quote, timeout=2000)  # laid out once the note shows


def test_control_characters_are_refused_then_fixed(qtbot, window, keyboard):
    form = window.form
    keyboard.fill_valid(form)
    paste(qtbot, form.fields.competitor, "Acme\x07\x1b[31m Corp")
    keyboard.press(Qt.Key.Key_Return, CTRL)
    assert "invisible control characters" in form.fields.errors["competitor"].text()
    assert saved_count(window) == 0
    form.fields.competitor.clear()
    form.fields.competitor.setFocus()
    keyboard.type("Acme Corp")
    saved = save_with_keys(qtbot, keyboard, window)
    assert saved.competitor == "Acme Corp"
    completer = form.fields.competitor.completer()
    assert "Acme Corp" in completer.model().stringList()  # offered next time


def test_an_emoji_laden_competitor_is_refused_with_a_reason(qtbot, window, keyboard, settle):
    form = window.form
    keyboard.fill_valid(form)
    paste(qtbot, form.fields.competitor, "\U0001f680\U0001f525 Rocket Corp \U0001f680")
    keyboard.press(Qt.Key.Key_Return, CTRL)
    assert "without emoji" in form.fields.errors["competitor"].text()
    assert form.fields.competitor.hasFocus()
    assert form.fields.competitor.text() == "\U0001f680\U0001f525 Rocket Corp \U0001f680"
    settle(window)
    assert saved_count(window) == 0


def test_a_bad_deal_value_is_named(qtbot, window, keyboard):
    form = window.form
    keyboard.fill_valid(form)
    form.fields.deal_value.setFocus()
    keyboard.type("about 40 grand")
    keyboard.press(Qt.Key.Key_Return, CTRL)
    assert "like 48000 or 48k" in form.fields.errors["deal_value"].text()
    form.fields.deal_value.clear()
    form.fields.deal_value.setFocus()
    keyboard.type("48k")
    saved = save_with_keys(qtbot, keyboard, window)
    assert str(saved.deal_value) == "48000.00"


def test_dont_know_is_a_valid_answer(qtbot, window, keyboard):
    form = window.form
    keyboard.type("n")
    keyboard.type("2")
    form.fields.dont_know.setChecked(True)
    saved = save_with_keys(qtbot, keyboard, window)
    assert saved.reasons_unknown and saved.reasons == ()


def test_live_preview_follows_typing(qtbot, window, keyboard):
    form = window.form
    keyboard.fill_valid(form)
    before = int(form.preview.entries.text())
    assert "competitor" in form.preview.hints.text()
    form.fields.competitor.setFocus()
    keyboard.type("Globex")
    assert int(form.preview.entries.text()) == before + 1
    assert "competitor" not in form.preview.hints.text()


def test_an_empty_form_earns_no_entries_and_the_preview_says_what_is_missing(window):
    preview = window.form.preview
    assert preview.entries.isHidden() and preview.entries.text() == ""
    assert preview.summary.text() == ("Choose an outcome and a stage, and add a reason to "
                                      "earn entries.")


def test_the_preview_counts_once_the_debrief_can_be_saved(qtbot, window, keyboard):
    form, preview = window.form, window.form.preview
    form.fields.outcome.setFocus()
    keyboard.type("l")
    keyboard.type("2")
    assert preview.summary.text() == "Add a reason (or choose \u201cDon\u2019t know\u201d) to " \
                                     "earn entries."
    assert preview.entries.isHidden()
    form.fields.picker.setFocus()
    keyboard.type("pri")
    keyboard.press(Qt.Key.Key_Return)
    assert preview.entries.isVisible() and preview.entries.text() == "1"
    assert preview.caption.text() == "entry for this debrief"  # the number is not repeated
    assert preview.summary.isHidden()
    assert "competitor" in preview.hints.text()  # and how to earn more
    type_competitor(keyboard, form, "Globex")
    assert preview.caption.text() == "entries for this debrief"


def test_the_preview_does_not_count_what_cannot_be_saved(qtbot, window, keyboard):
    form, preview = window.form, window.form.preview
    keyboard.fill_valid(form)
    before = int(preview.entries.text())
    form.fields.competitor.setFocus()
    keyboard.type("Globex")
    assert int(preview.entries.text()) == before + 1
    form.fields.competitor.setText("Globex \U0001f680")  # refused: emoji in a name
    assert preview.entries.isHidden()
    assert preview.summary.text() == "Fix the competitor\u2019s name to earn entries."
    assert "without emoji" in preview.hints.text()  # what is wrong with it
    paste(qtbot, form.fields.quote, "x" * 2_500)
    form.fields.competitor.setText("Globex")
    assert preview.summary.text() == "Fix the customer quote to earn entries."
    assert "2,500 characters" in preview.hints.text()


def test_the_preview_drops_a_segment_value_the_pulled_lists_no_longer_have(
        qtbot, window, keyboard):
    form = window.form
    keyboard.fill_valid(form)
    for box in form.fields.segment_boxes.values():
        box.setCurrentIndex(1)
    assert form.preview.entries.isVisible()
    region = form.fields.segment_boxes["region"].currentData()
    segments = form.fields.segments
    form.use_lists(replace(form.context.lists, segments=replace(segments, regions=tuple(
        choice for choice in segments.regions if choice.key != region))))
    assert form.fields.segment_boxes["region"].currentData() == region  # still shown
    assert form.preview.entries.isHidden()  # but it cannot be saved with that value
    assert form.preview.summary.text() == "Pick the segment from the lists to earn entries."


def test_esc_clears_and_the_form_can_be_brought_back(qtbot, window, keyboard):
    form = window.form
    keyboard.fill_valid(form)
    form.fields.competitor.setFocus()
    keyboard.type("Initech")
    keyboard.press(Qt.Key.Key_Escape)
    assert form.fields.competitor.text() == ""
    assert form.fields.reason_list.reasons() == ()
    assert form.banner.isVisible()
    form.banner.primary.click()  # "Bring it back"
    assert form.fields.competitor.text() == "Initech"
    assert len(form.fields.reason_list.reasons()) == 1


def test_esc_in_the_reason_search_only_empties_the_search(qtbot, window, keyboard):
    form = window.form
    keyboard.fill_valid(form)
    keyboard.type("bud")
    keyboard.press(Qt.Key.Key_Escape)
    assert form.fields.picker.search.text() == ""
    assert len(form.fields.reason_list.reasons()) == 1  # the form was not cleared


def test_a_draft_survives_closing_the_window(qtbot, open_window, keyboard):
    first = open_window()
    keyboard.fill_valid(first.form)
    first.form.fields.competitor.setFocus()
    keyboard.type("Northwind")
    first.close()  # flushes the draft through the worker before the thread ends

    second = open_window()
    assert second.form.banner.isVisible()
    assert "unsaved debrief" in second.form.banner.label.text()
    second.form.banner.primary.click()  # Restore
    assert second.form.fields.competitor.text() == "Northwind"
    assert second.form.fields.outcome.value() is Outcome.LOST
    saved = save_with_keys(qtbot, keyboard, second)
    assert saved.competitor == "Northwind"
    second.close()
    third = open_window()
    assert not third.form.banner.isVisible()  # saving took the draft with it


def test_a_draft_offered_at_start_is_kept_until_the_rep_answers(qtbot, open_window,
                                                                keyboard, settle):
    """Starting, waiting and closing again is no answer: the offer stands next time."""
    first = open_window()
    keyboard.fill_valid(first.form)
    first.close()
    second = open_window()
    assert second.form.banner.isVisible()
    qtbot.wait(QUIET_MS * 3)  # longer than any draft write would wait
    settle(second)
    assert len(drafts(second).form_drafts()) == 1
    second.close()

    third = open_window()
    assert third.form.banner.isVisible()
    assert "unsaved debrief" in third.form.banner.label.text()
    third.form.banner.primary.click()  # Restore
    assert third.form.fields.outcome.value() is Outcome.LOST


def type_competitor(keyboard, form, name: str) -> None:
    form.fields.competitor.setFocus()
    keyboard.type(name)


def test_typing_a_new_debrief_while_a_draft_is_offered_keeps_both(
        qtbot, open_window, keyboard, settle, clock):
    first = open_window()
    keyboard.fill_valid(first.form)
    type_competitor(keyboard, first.form, "Northwind")
    first.close()

    second = open_window()
    assert "unsaved debrief" in second.form.banner.label.text()
    keyboard.fill_valid(second.form)
    type_competitor(keyboard, second.form, "Globex")
    second.close()

    third = open_window()
    kept = drafts(third).form_drafts()
    assert len(kept) == 2
    assert "1 more after it" in third.form.banner.label.text()
    third.form.banner.primary.click()  # Restore the newest: Globex
    assert third.form.fields.competitor.text() == "Globex"
    assert "unsaved debrief" in third.form.banner.label.text()  # then Northwind is offered
    third.form.banner.primary.click()
    assert third.form.fields.competitor.text() == "Northwind"
    # Globex, taken out of the form, is offered back in turn and still kept.
    assert "unsaved debrief" in third.form.banner.label.text()
    settle(third)
    assert len(drafts(third).form_drafts()) == 2
    saved = save_with_keys(qtbot, keyboard, third)
    assert saved.competitor == "Northwind"
    settle(third)
    [left] = drafts(third).form_drafts()
    assert left.body["debrief"]["competitor"] == "Globex"
    assert third.form.banner.isVisible()  # and the form offers it again after the save


def test_discarding_an_offered_draft_keeps_what_is_being_typed(
        qtbot, open_window, keyboard, settle):
    first = open_window()
    keyboard.fill_valid(first.form)
    first.close()
    second = open_window()
    type_competitor(keyboard, second.form, "Initech")
    qtbot.waitUntil(lambda: len(drafts(second).form_drafts()) == 2, timeout=3000)
    second.form.banner.secondary.click()  # Discard the offered one
    settle(second)
    [left] = drafts(second).form_drafts()
    assert left.slot == form_slot(second.form.debrief().id)
    assert left.body["debrief"]["competitor"] == "Initech"


def test_a_waiting_draft_is_offered_again_after_bringing_back_a_cleared_form(
        qtbot, open_window, keyboard):
    first = open_window()
    keyboard.fill_valid(first.form)
    first.close()
    second = open_window()
    type_competitor(keyboard, second.form, "Initech")
    keyboard.press(Qt.Key.Key_Escape)
    assert "Form cleared" in second.form.banner.label.text()
    second.form.banner.primary.click()  # Bring it back
    assert second.form.fields.competitor.text() == "Initech"
    assert second.form.banner.isVisible()
    assert "unsaved debrief" in second.form.banner.label.text()


def test_a_draft_from_the_single_slot_of_older_versions_is_offered_and_moved(
        qtbot, open_window, keyboard, settle, tmp_path, clock):
    window = open_window()
    window.close()
    old = Debrief(id="0190a000-0000-7000-8000-000000000001", rep="rep-1",
                  outcome=Outcome.LOST, competitor="Glo")
    with closing(connect(tmp_path / "data" / "debrief.sqlite")) as conn:
        DraftStore(conn, clock).put("capture", old.to_dict())  # the debrief itself, no wrapper
    reopened = open_window()
    assert "unsaved debrief" in reopened.form.banner.label.text()
    reopened.form.banner.primary.click()
    assert reopened.form.fields.competitor.text() == "Glo"
    assert reopened.form.debrief().id == old.id
    settle(reopened)
    [moved] = drafts(reopened).form_drafts()
    assert moved.slot == form_slot(old.id)


def test_opening_a_debrief_with_unsaved_changes_from_before_brings_them_back(
        qtbot, open_window, keyboard, settle):
    first = open_window()
    keyboard.fill_valid(first.form)
    saved = save_with_keys(qtbot, keyboard, first)
    first.on_list_open_requested(saved.id)
    type_competitor(keyboard, first.form, "Hooli")
    first.close()

    second = open_window()
    second.form.start_new()
    second.on_list_open_requested(saved.id)
    assert second.form.is_editing
    assert second.form.fields.competitor.text() == "Hooli"
    assert "Editing the debrief" in second.form.banner.label.text()


def test_editing_keeps_the_id_and_raises_the_revision(qtbot, window, keyboard):
    form = window.form
    keyboard.fill_valid(form)
    first = save_with_keys(qtbot, keyboard, window)
    window.on_list_open_requested(first.id)
    assert form.is_editing and form.banner.isVisible()
    form.fields.competitor.setFocus()
    keyboard.type("Globex")
    second = save_with_keys(qtbot, keyboard, window)
    assert second.id == first.id and second.revision == first.revision + 1
    assert second.competitor == "Globex"
    assert saved_count(window) == 1


def test_segment_prefill_comes_from_the_last_debrief(qtbot, open_window, keyboard):
    window = open_window()
    keyboard.fill_valid(window.form)
    window.form.fields.segment_boxes["region"].setCurrentIndex(3)
    saved = save_with_keys(qtbot, keyboard, window)
    window.close()
    again = open_window()
    assert again.form.debrief().segment == saved.segment
    assert again.form.debrief().segment != Segment()


# --- whatever replaces the form keeps what it held ------------------------------------


def test_esc_on_an_edit_sets_the_changes_aside_and_brings_them_back(qtbot, window, keyboard):
    form = window.form
    keyboard.fill_valid(form)
    saved = save_with_keys(qtbot, keyboard, window)
    window.on_list_open_requested(saved.id)
    type_competitor(keyboard, form, "Hooli")
    keyboard.press(Qt.Key.Key_Escape)
    assert not form.is_editing
    assert form.debrief().outcome is saved.outcome  # a new one, pre-filled as after a save
    assert "set aside" in form.banner.label.text()
    form.banner.primary.click()  # Bring it back
    assert form.is_editing and form.fields.competitor.text() == "Hooli"
    again = save_with_keys(qtbot, keyboard, window)
    assert (again.id, again.revision, again.competitor) == (saved.id, 2, "Hooli")


def test_opening_a_saved_debrief_keeps_what_was_being_typed(qtbot, window, keyboard):
    form = window.form
    keyboard.fill_valid(form)
    saved = save_with_keys(qtbot, keyboard, window)
    keyboard.fill_valid(form)
    type_competitor(keyboard, form, "Initech")
    window.on_list_open_requested(saved.id)  # at once: no draft written yet
    assert form.is_editing and form.fields.competitor.text() == ""
    save_with_keys(qtbot, keyboard, window)
    assert "unsaved debrief" in form.banner.label.text()
    form.banner.primary.click()  # Restore
    assert form.fields.competitor.text() == "Initech"


def test_changes_to_one_debrief_survive_opening_another(qtbot, window, keyboard):
    form = window.form
    keyboard.fill_valid(form)
    first = save_with_keys(qtbot, keyboard, window)
    keyboard.fill_valid(form)
    second = save_with_keys(qtbot, keyboard, window)
    window.on_list_open_requested(first.id)
    type_competitor(keyboard, form, "Hooli")
    window.on_list_open_requested(second.id)
    assert form.debrief().id == second.id and form.fields.competitor.text() == ""
    window.on_list_open_requested(first.id)
    assert form.debrief().id == first.id and form.fields.competitor.text() == "Hooli"
    window.on_list_open_requested(first.id)  # open again from the list: changes stay
    assert form.fields.competitor.text() == "Hooli"


def test_ctrl_n_while_editing_starts_a_new_debrief_and_keeps_the_changes(
        qtbot, window, keyboard):
    form = window.form
    keyboard.fill_valid(form)
    saved = save_with_keys(qtbot, keyboard, window)
    window.on_list_open_requested(saved.id)
    type_competitor(keyboard, form, "Hooli")
    keyboard.press(Qt.Key.Key_N, CTRL)
    assert not form.is_editing and form.fields.outcome.hasFocus()
    assert form.debrief().id != saved.id
    assert "unsaved debrief" in form.banner.label.text()
    form.banner.primary.click()
    assert form.is_editing and form.fields.competitor.text() == "Hooli"


def test_ctrl_n_keeps_a_new_debrief_being_typed(qtbot, window, keyboard):
    form = window.form
    type_competitor(keyboard, form, "Initech")
    keyboard.press(Qt.Key.Key_N, CTRL)
    assert form.fields.competitor.text() == "Initech" and form.fields.outcome.hasFocus()


def test_deleting_the_debrief_being_edited_then_saving_does_not_revive_it(
        qtbot, window, keyboard, settle):
    form = window.form
    keyboard.fill_valid(form)
    saved = save_with_keys(qtbot, keyboard, window)
    window.on_list_open_requested(saved.id)
    answer_next_question(QMessageBox.StandardButton.Yes)
    window.on_list_delete_requested(saved.id)
    settle(window)
    assert saved_count(window) == 0
    assert not form.is_editing
    form.save()  # the new, empty form: refused, nothing saved
    settle(window)
    assert saved_count(window) == 0


def test_saving_then_closing_at_once_leaves_no_draft_behind(qtbot, open_window, keyboard):
    first = open_window()
    keyboard.fill_valid(first.form)
    type_competitor(keyboard, first.form, "Initech")
    keyboard.press(Qt.Key.Key_Return, CTRL)
    first.close()  # the save is still on the worker: the close waits for it
    second = open_window()
    assert saved_count(second) == 1
    assert drafts(second).form_drafts() == []
    assert not second.form.banner.isVisible()


def test_each_label_shortcut_moves_the_focus_to_its_field_and_names_it(qtbot, window, keyboard):
    fields = window.form.fields
    alt = Qt.KeyboardModifier.AltModifier
    targets = {Qt.Key.Key_T: fields.stage, Qt.Key.Key_R: fields.picker.search,
               Qt.Key.Key_C: fields.competitor, Qt.Key.Key_V: fields.deal_value,
               Qt.Key.Key_E: fields.crm_ref, Qt.Key.Key_Q: fields.quote,
               Qt.Key.Key_A: fields.account_name, Qt.Key.Key_P: fields.private_notes,
               Qt.Key.Key_O: fields.outcome}
    for key, field in targets.items():
        keyboard.press(key, alt)
        assert field.hasFocus(), (key, QApplication.focusWidget())
    named = QAccessible.queryAccessibleInterface(fields.competitor)
    assert named.text(QAccessible.Text.Name) == "Competitor"


def test_a_rep_who_never_pauses_still_has_a_draft_every_two_seconds(qtbot, window, keyboard):
    """A key every 150 ms never leaves the 400 ms pause that writes a draft; the draft is
    written all the same, so a crash mid-quote loses at most two seconds of typing."""
    form = window.form
    keyboard.fill_valid(form)
    form.fields.quote.setFocus()
    slot = form_slot(form.debrief().id)
    typed_when_first_kept = None
    for index in range(24):  # 3.6 s of typing
        keyboard.type("abcdefghijklmnopqrstuvwxyz"[index % 26])
        qtbot.wait(150)
        if typed_when_first_kept is None and drafts(window).get(slot) is not None:
            typed_when_first_kept = index + 1
    assert typed_when_first_kept is not None, "no draft was kept while the rep typed"
    assert typed_when_first_kept <= 16  # two seconds of keys, and a little for the write
    body, _ = drafts(window).get(slot)
    assert body["debrief"]["quote"]  # what had been typed by then


@pytest.mark.qt_log_ignore("does not support grabbing the keyboard",
                           "does not support raise")  # offscreen cannot, for popups
def test_saving_with_competitor_suggestions_open_closes_them(qtbot, window, keyboard, settle):
    """The list of earlier competitors, open when the rep saves, used to stay on screen
    over the next debrief and take its first key presses."""
    form = window.form
    form.fields.set_competitor_names(["Acme", "Acme Labs"])
    keyboard.fill_valid(form)
    form.fields.competitor.setFocus()
    keyboard.type("Ac")
    popup = form.fields.competitor.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    with qtbot.wait_signal(form.saved, timeout=5000):
        qtbot.keyClick(popup, Qt.Key.Key_Return, CTRL)
    settle(window)
    assert not popup.isVisible()
    keyboard.type("w")  # the next debrief's outcome key reaches the outcome bar
    assert form.fields.outcome.value() == Outcome.WON


def test_what_no_reason_on_the_list_fits_is_given_as_other_in_the_reps_words(
        qtbot, window, keyboard, settle):
    form = window.form
    picker, chosen = form.fields.picker, form.fields.reason_list
    form.fields.outcome.set_value(Outcome.LOST)
    form.fields.stage.set_value(Stage.EVALUATION)
    for box in form.fields.segment_boxes.values():
        box.setCurrentIndex(2)
    picker.search.setFocus()
    # Words no reason matches: "Other" with them is the one suggestion, and Enter takes it.
    keyboard.type("no sso support")
    assert picker.suggestions.count() == 1
    assert picker.suggestions.item(0).text() == "Other: \u201cno sso support\u201d"
    keyboard.press(Qt.Key.Key_Return)
    assert [(r.code, r.words) for r in chosen.reasons()] == [
        ("other.in_a_few_words", "no sso support")]
    assert "Other: \u201cno sso support\u201d" in chosen.item(0).text()
    # Picking "Other" itself asks for the words in the search box; Esc goes back.
    keyboard.type("something else")
    labels = [picker.suggestions.item(n).text() for n in range(picker.suggestions.count())]
    assert labels[0] == "Something else (say it in a few words)"
    assert labels[-1] == "Other: \u201csomething else\u201d"  # what is typed, last
    keyboard.press(Qt.Key.Key_Return)
    assert picker.search.text() == "" and "few words" in picker.search.placeholderText()
    keyboard.type("wanted on-prem")
    assert picker.suggestions.count() == 1  # only the words, now
    keyboard.press(Qt.Key.Key_Return)  # new words for "Other" replace the old ones
    assert [(r.code, r.words) for r in chosen.reasons()] == [
        ("other.in_a_few_words", "wanted on-prem")]
    assert "few words" not in picker.search.placeholderText()
    saved = save_with_keys(qtbot, keyboard, window)
    assert [(r.code, r.words, r.primary) for r in saved.reasons] == [
        ("other.in_a_few_words", "wanted on-prem", True)]
    # My debriefs shows the words as its main reason.
    window.list.refresh()
    listed = window.list.model
    qtbot.waitUntil(lambda: listed.rowCount() > 0, timeout=5000)
    texts = [listed.data(listed.index(0, column)) for column in range(listed.columnCount())]
    assert "Other: \u201cwanted on-prem\u201d" in texts


def test_other_without_words_is_named_next_to_the_reasons(qtbot, window, keyboard, settle):
    form = window.form
    keyboard.fill_valid(form)
    form.fields.reason_list.add("other.in_a_few_words", None)
    keyboard.press(Qt.Key.Key_Return, CTRL)
    settle(window)
    assert saved_count(window) == 0
    said = form.fields.errors["reasons"]
    assert said.isVisible() and "Reason 2: Say in a few words" in said.text()


def test_a_new_debrief_finds_reasons_again_after_other_asked_for_words(qtbot, window,
                                                                      keyboard):
    form = window.form
    picker = form.fields.picker
    picker.search.setFocus()
    keyboard.type("something else")
    keyboard.press(Qt.Key.Key_Return)  # "Other" itself: the search box asks for words
    assert "few words" in picker.search.placeholderText()
    form.start_new()
    assert "few words" not in picker.search.placeholderText()
    picker.search.setFocus()
    keyboard.type("pri")
    assert picker.suggestions.item(0).text().startswith("Pri")  # reasons, not words
