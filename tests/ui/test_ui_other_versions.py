"""Other versions kept by sync: marked in My debriefs, counted, compared, dealt with.

The copies are made the way sync makes them: the real replica merges a version "pulled"
from another computer over one saved here, on the window's own store worker.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon

from desktop.store.conflicts import conflict_copies
from desktop.store.debriefs import DebriefStore
from desktop.store.sync_replica import SyncReplica
from sync.client.status import settled
from sync.domain.debrief import Debrief, Evidence, Outcome, Reason, Segment, Stage
from sync.domain.sync_state import ReplicaCounts
from sync.domain.wire import from_wire, to_wire


def pulled(debrief: Debrief, **changes) -> Debrief:
    """`debrief` changed on another computer, as the central store hands it over."""
    return from_wire(to_wire(debrief.with_changes(**changes)), debrief.rep)


def sample(window, **changes) -> Debrief:
    return Debrief(id=window.form.ids.new_id(), rep="rep-1", outcome=Outcome.LOST,
                   stage=Stage.EVALUATION, segment=Segment("software", "50-199", "dach"),
                   reasons=(Reason("budget.no_budget", None, Evidence.MY_READ, True),),
                   competitor="Globex", private_notes="Call back in May",
                   account_name="Nordbank", **changes)


def on_worker(window, settle, work):
    results = []
    window.services.worker.submit(work, results.append)
    settle(window)
    return results[0]


def lose_edit_here(window, settle, **theirs) -> Debrief:
    """An unpushed edit made here loses to a newer one from another computer: kept.
    `theirs` is what the other computer changed (by default, the competitor)."""
    debrief = sample(window)
    theirs = theirs or {"competitor": "Initech"}

    def work(store: DebriefStore) -> Debrief:
        replica = SyncReplica(store)
        saved = store.save(debrief)
        replica.mark_synced([(saved.id, saved.revision)])
        mine = store.save(saved.with_changes(competitor="Hooli"))
        replica.apply_pulled([pulled(saved, revision=3, **theirs,
                                     updated_at=mine.updated_at + timedelta(minutes=1))],
                             "1", complete=True, pulled_at=store.clock.now())
        return mine

    return on_worker(window, settle, work)


def lose_edit_there(window, settle, **theirs) -> Debrief:
    """Another computer's edit of an older revision loses to the edits made here: kept."""
    debrief = sample(window)

    def work(store: DebriefStore) -> Debrief:
        replica = SyncReplica(store)
        saved = store.save(debrief)
        replica.mark_synced([(saved.id, saved.revision)])
        store.save(saved.with_changes(competitor="Hooli"))
        here = store.save(store.get(saved.id).with_changes(crm_ref="OPP-1"))
        replica.apply_pulled([pulled(saved, revision=2, updated_at=here.updated_at,
                                     **({"competitor": "Umbrella"} | theirs))],
                             "1", complete=True, pulled_at=store.clock.now())
        return here

    return on_worker(window, settle, work)


def row_of(window, debrief_id: str) -> int:
    model = window.list.model
    return next(row for row in range(model.rowCount()) if model.row_at(row).id == debrief_id)


def open_versions(window, qtbot, debrief_id: str):
    """Select the debrief in My debriefs and click the count of other versions."""
    window.show_my_debriefs()
    window.list.table.selectRow(row_of(window, debrief_id))
    qtbot.mouseClick(window.list.copies_button, Qt.MouseButton.LeftButton)
    dialog = window.other_versions
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def comparison(dialog) -> dict[str, tuple[str, str]]:
    table = dialog.table
    return {table.verticalHeaderItem(row).text(): (table.item(row, 0).text(),
                                                   table.item(row, 1).text())
            for row in range(table.rowCount())}


def test_a_debrief_with_a_kept_version_is_marked_and_counted(window, settle):
    window.show_my_debriefs()
    assert window.list.copies_button.isHidden()  # nothing kept: nothing said
    mine = lose_edit_here(window, settle)
    plain = on_worker(window, settle, lambda store: store.save(sample(window)))
    window.list.refresh()

    model = window.list.model
    marked = model.index(row_of(window, mine.id), 0)
    assert isinstance(model.data(marked, Qt.ItemDataRole.DecorationRole), QIcon)
    assert "has 1 other version kept." in model.data(marked, Qt.ItemDataRole.ToolTipRole)
    unmarked = model.index(row_of(window, plain.id), 0)
    assert model.data(unmarked, Qt.ItemDataRole.DecorationRole) is None
    assert window.list.copies_button.isVisible()
    assert window.list.copies_button.text() == "1 other version kept"

    lose_edit_there(window, settle)
    window.list.refresh()
    assert window.list.copies_button.text() == "2 other versions kept"


def test_the_count_opens_the_kept_versions_beside_the_current_ones(window, settle, qtbot):
    there = lose_edit_there(window, settle)
    here = lose_edit_here(window, settle)
    window.list.refresh()

    dialog = open_versions(window, qtbot, there.id)

    assert dialog.list.count() == 2
    assert dialog.selected().debrief.id == there.id  # the selected debrief's copy first
    assert "Another computer" in dialog.list.currentItem().text()
    lines = comparison(dialog)
    assert lines["Competitor"] == ("Umbrella", "Hooli")
    # Notes and account never travel: this computer's are shown, and kept.
    assert lines["Private notes"] == ("Call back in May", "Call back in May")
    assert lines["Account"] == ("Nordbank", "Nordbank")
    assert dialog.local_note.isVisible()

    dialog.list.setCurrentRow(next(row for row in range(2)
                                   if dialog._copy_at(row).debrief.id == here.id))
    assert "This computer" in dialog.list.currentItem().text()
    assert comparison(dialog)["Competitor"] == ("Hooli", "Initech")
    assert not dialog.local_note.isVisible()
    with qtbot.assertNotEmitted(dialog.changed, wait=100):
        qtbot.keyClick(dialog.list, Qt.Key.Key_Return)  # Enter never chooses for the rep
        qtbot.keyClick(dialog.list, Qt.Key.Key_Down)
    assert dialog.isVisible() and dialog.list.count() == 2


def test_keeping_the_current_version_removes_the_copy(window, settle, qtbot):
    mine = lose_edit_here(window, settle)
    there = lose_edit_there(window, settle)
    window.list.refresh()
    current = window.services.reader.get(mine.id)
    dialog = open_versions(window, qtbot, mine.id)

    with qtbot.waitSignal(dialog.changed, timeout=5000):
        qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)

    reader = window.services.reader
    assert [c.debrief.id for c in conflict_copies(reader.conn)] == [there.id]
    assert reader.get(mine.id) == current  # the current version, untouched
    assert dialog.list.count() == 1
    assert window.list.copies_button.text() == "1 other version kept"
    model = window.list.model
    assert model.data(model.index(row_of(window, mine.id), 0),
                      Qt.ItemDataRole.DecorationRole) is None


def test_using_the_kept_version_saves_it_as_a_newer_edit_waiting_to_sync(window, settle,
                                                                          qtbot):
    mine = lose_edit_here(window, settle)
    window.list.refresh()
    dialog = open_versions(window, qtbot, mine.id)

    with qtbot.waitSignal(dialog.used, timeout=5000) as used:
        qtbot.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)

    reader = window.services.reader
    now_here = reader.get(mine.id)
    assert used.args == [now_here]
    assert (now_here.competitor, now_here.revision) == ("Hooli", 4)  # the winner had 3
    assert now_here.private_notes == "Call back in May"
    assert [d.id for d in SyncReplica(reader).unsynced(10)] == [mine.id]
    assert conflict_copies(reader.conn) == []
    assert dialog.list.count() == 0 and not dialog.use_button.isEnabled()
    assert not window.list.copies_button.isVisible()
    assert window.list.model.data(window.list.model.index(row_of(window, mine.id), 4)) \
        == "Hooli"


def test_an_edit_lost_to_a_delete_elsewhere_can_be_brought_back(window, settle, qtbot):
    mine = lose_edit_here(window, settle, deleted=True)
    window.list.refresh()
    window.show_my_debriefs()
    assert window.list.model.rowCount() == 0  # deleted on the other computer
    assert window.list.copies_button.text() == "1 other version kept"

    qtbot.mouseClick(window.list.copies_button, Qt.MouseButton.LeftButton)
    dialog = window.other_versions
    assert comparison(dialog)["In My debriefs"] == ("Yes", "No, deleted")
    with qtbot.waitSignal(dialog.used, timeout=5000):
        qtbot.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)

    assert window.services.reader.get(mine.id).competitor == "Hooli"
    assert window.list.model.rowCount() == 1


def test_a_copy_the_lists_refuse_stays_and_the_dialog_says_why(window, settle, qtbot):
    there = lose_edit_there(window, settle,
                            reasons=(Reason("price.not_in_any_list", primary=True),))
    window.list.refresh()
    dialog = open_versions(window, qtbot, there.id)

    with qtbot.waitSignal(window.services.worker.busy_changed, timeout=5000,
                          check_params_cb=lambda busy: not busy):
        qtbot.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)

    assert "cannot be used as it is" in dialog.message.text()
    assert "Reason 1" in dialog.message.text()
    assert len(conflict_copies(window.services.reader.conn)) == 1
    assert window.services.reader.get(there.id) == there
    assert dialog.use_button.isEnabled()


def test_a_sync_that_keeps_a_version_says_so(window):
    window.sync.on_sync_status_changed(settled(ReplicaCounts(), None))
    assert window.statusBar().currentMessage() == ""
    window.sync.on_sync_status_changed(settled(ReplicaCounts(conflict_copies=1), None))
    assert "other versions kept" in window.statusBar().currentMessage()
