"""'My debriefs': lazy fetching, filters, open, delete with undo."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.ui.debrief_list import PAGE_SIZE
from sync.domain.debrief import Debrief, Evidence, Outcome, Reason, Segment, Stage


def seed(window, settle, count: int, **overrides) -> list[Debrief]:
    """Save `count` debriefs through the window's own store worker."""
    made = []
    for index in range(count):
        fields = {
            "outcome": Outcome.LOST if index % 2 else Outcome.WON,
            "stage": list(Stage)[index % 5],
            "segment": Segment("software", "50-199", "dach"),
            "reasons": (Reason("budget.no_budget" if index % 2 else "price.good_value", None,
                               Evidence.MY_READ, True),),
            "competitor": "Globex" if index % 3 == 0 else None,
        } | overrides
        made.append(Debrief(id=window.form.ids.new_id(), rep="rep-1", **fields))
    results: list[Debrief] = []
    window.services.worker.submit(lambda store: [store.save(d) for d in made], results.extend)
    settle(window)
    window.list.refresh()
    return results


def test_the_list_fetches_lazily_and_counts_everything(window, settle, qtbot):
    seed(window, settle, PAGE_SIZE * 2 + 50)
    model = window.list.model
    assert model.count_all() == PAGE_SIZE * 2 + 50
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == model.count_all()
    assert not model.canFetchMore(QModelIndex())
    ids = [model.row_at(i).id for i in range(model.rowCount())]
    assert len(set(ids)) == len(ids)  # no row twice across pages
    qtbot.waitUntil(lambda: "450 debriefs" in window.list.count.text(), timeout=2000)


def test_filters_narrow_the_list(window, settle, qtbot):
    seed(window, settle, 30)
    lists = window.list
    lists.outcome.setCurrentIndex(lists.outcome.findData(Outcome.LOST.value))
    assert lists.model.count_all() == 15
    assert all(lists.model.row_at(i).outcome is Outcome.LOST for i in range(15))
    lists.stage.setCurrentIndex(lists.stage.findData(Stage.AWARENESS.value))
    assert lists.model.count_all() == 3  # lost (odd) and index % 5 == 0: 5, 15, 25
    lists.outcome.setCurrentIndex(0)
    lists.stage.setCurrentIndex(0)
    lists.reason.setCurrentIndex(lists.reason.findData("price.good_value"))
    assert lists.model.count_all() == 15
    lists.reason.setCurrentIndex(0)
    with qtbot.waitSignal(lists.model.modelReset, timeout=2000):
        qtbot.keyClicks(lists.search, "glob")  # debounced, then applied
    assert lists.model.count_all() == 10
    assert lists.model.data(lists.model.index(0, 4)) == "Globex"


def test_enter_opens_the_debrief_in_the_form(window, settle, qtbot):
    saved = seed(window, settle, 3)
    window.show_my_debriefs()
    table = window.list.table
    table.setFocus()
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.tabs.currentWidget() is window.form
    assert window.form.is_editing
    assert window.form.debrief().id == saved[-1].id  # newest first


def answer_next_question(button: QMessageBox.StandardButton) -> None:
    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox), box
        box.button(button).click()

    QTimer.singleShot(0, answer)


def test_delete_asks_then_tombstones_and_can_be_undone(window, settle, qtbot):
    saved = seed(window, settle, 2)
    table = window.list.table
    window.show_my_debriefs()
    table.setFocus()
    table.selectRow(0)

    answer_next_question(QMessageBox.StandardButton.No)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    settle(window)
    assert window.list.model.count_all() == 2

    answer_next_question(QMessageBox.StandardButton.Yes)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    settle(window)
    assert window.list.model.count_all() == 1
    reader = window.services.reader
    gone = reader.get(saved[-1].id, include_deleted=True)
    assert gone.deleted and gone.revision == saved[-1].revision + 1
    assert window.undo_button.isVisible()

    window.undo_button.click()
    settle(window)
    assert window.list.model.count_all() == 2
    assert reader.get(saved[-1].id).revision == saved[-1].revision + 2


def test_the_count_reads_right_for_one_debrief_and_for_more(window, settle):
    window.show_my_debriefs()
    seed(window, settle, 1)
    assert window.list.count.text() == "1 debrief"
    seed(window, settle, 1)
    assert window.list.count.text() == "2 debriefs"


def test_the_count_comes_from_the_store_worker_after_the_rows(window, settle, qtbot):
    seed(window, settle, 2 * PAGE_SIZE + 50)
    lists = window.list
    lists.outcome.setCurrentIndex(lists.outcome.findData(Outcome.LOST.value))
    # More than a page matches, so the count is not known with the first rows.
    assert lists.count.text() == "Counting\u2026"
    assert lists.model.rowCount() == PAGE_SIZE and lists.model.total is None
    qtbot.waitUntil(lambda: lists.count.text() == "225 debriefs", timeout=3000)
