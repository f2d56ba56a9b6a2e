"""The Contest workspace on the real central store, with a manager's window and a rep's
side by side: the manager makes a contest in the editor (its example scored as the
rules change); the rep's view shows it, with the debriefs not synced yet apart as a
preview, and follows after a sync; the manager voids one of the rep's debriefs and the
rep reads why; the contest ends, the manager runs the draw, and the rep verifies it in
the app."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import sync_window
from helpers.server_world import FAST_PASSWORDS, PASSWORD
from PySide6.QtWidgets import QDialogButtonBox, QInputDialog, QMessageBox

from desktop.paths import AppPaths
from desktop.store.database import prepare
from desktop.ui.app import build_window
from desktop.ui.contest_editor import ContestEditor
from desktop.ui.main_window import MainWindow
from desktop.ui.rep_entries import RepEntries
from sync.client.status import StatusKind
from sync.domain.clock import SystemClock
from sync.server import accounts
from sync.server.contests import add_contest
from sync.server.tables import contests


@pytest.fixture
def team(central_db) -> tuple[str, str]:
    """A rep and the manager of the rep's team."""
    rep = sync_window.new_rep(central_db)
    manager = f"manager-of-{rep}"
    with central_db.begin() as connection:
        user = accounts.find_user(connection, rep)
        [team_name] = accounts.team_names(connection, [user.team_id])
        accounts.add_user(connection, username=manager, password=PASSWORD, role="manager",
                          now=datetime.now(UTC), passwords=FAST_PASSWORDS, manages=(team_name,))
    return rep, manager


@pytest.fixture
def open_as(tmp_path: Path, presenter, vault, show, central):
    """`open_as(username, **setup)`: a window of its own data folder, signed in as
    `username`, on a clock that reads the real time (the server's contests end on it)."""

    def open_(username: str, **setup) -> MainWindow:
        paths = AppPaths(tmp_path / username)
        clock = SystemClock()
        prepare(paths.database, clock)
        sync_window.connect_behind_the_window(paths.database, clock, central.base_url,
                                              username, vault)
        return show(build_window(paths, clock, presenter, rep=username,
                                 sync_setup=sync_window.quick_setup(vault=vault, **setup)))

    return open_


def contest_tab(qtbot, window: MainWindow):
    qtbot.waitUntil(lambda: window.contest is not None, timeout=20_000)
    workspace = window.contest
    with qtbot.waitSignal(workspace.page_shown, timeout=20_000):
        window.tabs.setCurrentWidget(workspace)
    return workspace


def refreshed(qtbot, workspace) -> None:
    with qtbot.waitSignal(workspace.page_shown, timeout=20_000):
        workspace.ask()


def texts(model) -> list[list[str]]:
    return [[str(cell) for cell in row] for row in model.rows]


def test_a_contest_from_the_editor_to_a_verified_draw(qtbot, open_as, team, central_db,
                                                       monkeypatch, settle, tmp_path):
    rep_name, manager_name = team
    manager = open_as(manager_name)
    board = contest_tab(qtbot, manager)
    assert "No contest yet" in board.empty.text()
    assert board.new_button.isVisible()

    # The manager makes the contest; the example follows the rules as they change.
    board.on_new_button_clicked()
    editor = board.findChild(ContestEditor)
    qtbot.waitUntil(lambda: editor.team.count() == 1, timeout=20_000)
    before = editor.example.text()
    assert "earns" in before
    editor.rule_boxes["competitor"].setValue(4)
    assert editor.example.text() != before and "It earns" in editor.example.text()
    editor.rule_boxes["cap"].setValue(0)  # below the base: said next to the rule
    assert editor.errors["rules.cap"].isVisibleTo(editor)
    editor.rule_boxes["cap"].setValue(8)
    assert not editor.errors["rules.cap"].isVisibleTo(editor)
    editor.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert editor.errors["name"].isVisibleTo(editor)  # nothing sent without a name
    editor.name.setText("December close-out")
    editor.prize.setText("A weekend in Lisbon")
    editor.winners.setValue(1)
    editor.starts.setDateTime(editor.starts.dateTime().addDays(-2))
    created: list[int] = []
    editor.saved.connect(created.append)
    with qtbot.waitSignal(board.page_shown, timeout=20_000):
        editor.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert created and board.chosen().id == created[0]
    assert board.title.text() == "December close-out: A weekend in Lisbon"
    assert "+4 for naming the competitor" in board.rules.text()

    # The rep: two debriefs saved, not synced yet: shown apart as a preview.
    rep = open_as(rep_name, save_delay_ms=600_000)
    sync_window.wait_for_status(qtbot, rep, StatusKind.UP_TO_DATE)
    sync_window.new_debriefs(rep.services.paths.database, rep.services.context.clock,
                             rep_name, 2, competitor="Acme")
    view = contest_tab(qtbot, rep)
    assert not view.new_button.isVisible()  # a rep makes no contest
    assert "Your entries: 0" in view.mine.text()
    assert view.local.isVisible() and "2 debriefs" in view.local.text()
    with qtbot.waitSignal(view.page_shown, timeout=20_000):
        rep.services.sync.sync_now()  # after the sync the tab asks again
    assert not view.local.isVisible()
    mine = int(view.mine.text().split(":")[1].split()[0])
    assert mine > 0
    assert [row[4] for row in texts(view.entries_model)] == [
        "Earned in full for its detail"] * 2

    # The manager sees the rep on the board, exports it, and voids one debrief.
    refreshed(qtbot, board)
    assert [row[1] for row in texts(board.board_model)] == [rep_name]  # the field: reps
    assert texts(board.board_model)[0][2] == str(mine)
    out = tmp_path / "board.csv"
    monkeypatch.setattr("desktop.ui.contest_workspace.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(out), "CSV for Excel (*.csv)"))
    board.on_export_button_clicked()
    rows = list(csv.DictReader(out.read_text("utf-8-sig").splitlines()))
    assert (rows[0]["username"], rows[0]["entries"]) == (rep_name, str(mine))
    board.board_view.selectRow(0)
    board.on_rep_button_clicked()
    dialog = board.findChild(RepEntries)
    qtbot.waitUntil(lambda: dialog.entries is not None, timeout=20_000)
    dialog.view.selectRow(0)
    assert dialog.void_button.isEnabled() and not dialog.undo_button.isEnabled()
    monkeypatch.setattr(QInputDialog, "getText",
                        lambda *a, **k: ("Logged twice after the call", True))
    with qtbot.waitSignal(dialog.changed, timeout=20_000):
        dialog.void_button.click()
    qtbot.waitUntil(lambda: dialog.entries.entries < mine, timeout=20_000)

    refreshed(qtbot, view)
    whys = [row[4] for row in texts(view.entries_model)]
    assert f"Voided by {manager_name}: Logged twice after the call" in whys
    assert any(f"voided by {manager_name}: Logged twice" in tip  # the log, in its tooltip
               for tip in view.entries_model.tips.values())
    assert int(view.mine.text().split(":")[1].split()[0]) < mine

    # The contest ends; the manager runs the draw once; the rep verifies it.
    with central_db.begin() as connection:
        connection.execute(contests.update().where(contests.c.id == created[0]).values(
            ends_at=datetime.now(UTC) - timedelta(milliseconds=1)))
    refreshed(qtbot, board)
    assert board.draw_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(board.page_shown, timeout=20_000):
        board.draw_button.click()
    assert "Winners:" in board.draw_text.text() and not board.draw_button.isEnabled()

    refreshed(qtbot, view)
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _, title, text: said.append(text))
    view.verify_button.click()
    qtbot.waitUntil(lambda: bool(said), timeout=20_000)
    assert said[0].startswith("The draw holds.")
    assert "Your line is in the ledger" in said[0]
    settle(rep)


def test_what_the_server_refuses_is_said_next_to_the_field(qtbot, open_as, team):
    _, manager_name = team
    manager = open_as(manager_name)
    board = contest_tab(qtbot, manager)
    board.on_new_button_clicked()
    editor = board.findChild(ContestEditor)
    qtbot.waitUntil(lambda: editor.team.count() == 1, timeout=20_000)
    editor.name.setText("Last month's push")
    editor.prize.setText("A pen")
    editor.starts.setDateTime(editor.starts.dateTime().addDays(-40))
    editor.ends.setDateTime(editor.ends.dateTime().addDays(-35))  # ended already
    editor.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: editor.errors["ends_at"].isVisibleTo(editor), timeout=20_000)
    assert editor.errors["ends_at"].text() == "a contest ends in the future"
    assert editor.isVisible()  # nothing typed is lost
    assert editor.name.text() == "Last month's push"


def test_the_tv_names_only_the_top_quarter_and_counts_the_bands(qtbot):
    from desktop.ui.contest_screenshots import QuietServer, sample_board, sample_contests
    from desktop.ui.tv_board import REFRESH_MS, TvBoard

    now = datetime.now(UTC)
    running, _ = sample_contests(now)
    tv = TvBoard(QuietServer(), running.id, SystemClock())
    qtbot.addWidget(tv)
    board = sample_board(now, manager=True)  # 12 reps, every rank
    tv.show_board((running, board))
    names = [s.display_name for s in board.top]
    assert [name in tv.leaders.text() for name in names] == [True] * 3 + [False] * 9
    # As a rep reads a band: the top 25% takes in the top 10%.
    assert tv.bands.text() == "top 10%: 1 rep   top 25%: 3 reps   top half: 6 reps"
    assert "keep going" not in tv.bands.text()
    assert tv.timer.isActive() and tv.timer.interval() == REFRESH_MS


def test_editing_a_started_contest_makes_a_new_version_of_its_rules(qtbot, open_as, team,
                                                                     central_db):
    _, manager_name = team
    with central_db.begin() as connection:
        manager_user = accounts.find_user(connection, manager_name)
        now = datetime.now(UTC)
        made = add_contest(connection, by=manager_user,
                           team_id=next(iter(manager_user.managed_team_ids)),
                           name="Started", prize="A pen", starts_at=now - timedelta(days=2),
                           ends_at=now + timedelta(days=5), rules=None, now=now)
    manager = open_as(manager_name)
    board = contest_tab(qtbot, manager)
    assert board.chosen().id == made.id and board.edit_button.isEnabled()
    board.on_edit_button_clicked()
    editor = board.findChild(ContestEditor)
    assert editor.name.text() == "Started"
    assert not editor.winners.isEnabled() and not editor.ends.isEnabled()
    assert "version 2" in editor.note.text()
    editor.rule_boxes["competitor"].setValue(6)
    with qtbot.waitSignal(board.page_shown, timeout=20_000):
        editor.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert board.rules.text().startswith("Version 2 of the rules, from ")
    assert "+6 for naming the competitor" in board.rules.text()
