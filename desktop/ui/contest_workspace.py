"""Contest: the team's contests as the account may see them.

Everyone in a contest's field sees its name, prize, period, time left and rules in
words; their own entries as the server scored them, with the entries of debriefs not
synced yet shown apart (the local preview); their band; the leaders the server names
(never the lower half); and each of their debriefs with its entries and why. An ended
contest shows its draw, and "Verify the draw" draws it again on this machine from what
the server published (docs/draw.md).

The team's managers (and admins) also see every rank with debriefs and last activity,
export it, open a rep's debriefs to void entries (with a reason) or give them back,
make a contest, run the draw once the contest has ended, and put the board on the
sales floor's TV.

Everything comes from the server through the sync thread (SyncWorker.ask): the window
never waits for the network. It is fetched again when the tab is shown, after each sync
and on Refresh.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop.ui.contest_texts import (
    by_version_text,
    entries_table,
    problem_text,
    rules_text,
    time_left_text,
    when_text,
)
from desktop.ui.rows_table import RowsModel, fit_why, rows_view
from desktop.ui.sync_worker import ServerCall
from desktop.ui.text import message_text, moment_text, tr
from sync.client.contest_answers import (
    ContestInfo,
    ContestPage,
    DrawCheck,
    check_draw,
    fetch_page,
)
from sync.domain.clock import Clock, to_iso
from sync.domain.roles import MANAGES_CONTESTS

if TYPE_CHECKING:
    from desktop.store.contest_preview import LocalPreview
    from desktop.ui.sync_worker import SyncWorker

log = logging.getLogger(__name__)

FIT_ROWS = 0  # rows beyond those on screen a column is fitted to (Qt: 1,000)


class ContestWorkspace(QWidget):
    """The Contest tab. `preview(contest)` gives the local preview of a contest (the
    rep's debriefs not synced yet), read from the local store."""

    page_shown = Signal()  # a page of the server's answers is on screen (tests, bench)

    def __init__(self, sync: SyncWorker, clock: Clock, role: str | None,
                 preview: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.sync, self.clock, self.role = sync, clock, role
        self.preview = preview
        self.page: ContestPage | None = None
        self._wanted: int | None = None  # the contest chosen, by id
        self._asking = self._ask_again = False

        self.picker = QComboBox()
        self.picker.setMinimumContentsLength(28)
        self.picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.refresh_button = QPushButton(tr("&Refresh"))
        self.state = QLabel()
        self.state.setObjectName("contestState")
        self.new_button = QPushButton(tr("&New contest..."))
        self.edit_button = QPushButton(tr("&Edit contest..."))
        self.tv_button = QPushButton(tr("Show on &TV"))
        top = QHBoxLayout()
        caption = QLabel(tr("&Contest"))
        caption.setBuddy(self.picker)
        top.addWidget(caption)
        top.addWidget(self.picker)
        top.addWidget(self.refresh_button)
        top.addWidget(self.state, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.tv_button)

        self.title = QLabel()
        self.title.setObjectName("contestTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.when = QLabel()
        self.when.setObjectName("contestWhen")
        self.rules = QLabel()
        self.rules.setObjectName("contestRules")
        self.rules.setWordWrap(True)
        self.mine = QLabel()
        self.mine.setObjectName("contestMine")
        self.mine.setWordWrap(True)
        self.local = QLabel()
        self.local.setObjectName("contestLocalPreview")
        self.local.setWordWrap(True)
        about = QVBoxLayout()
        for widget in (self.title, self.when, self.mine, self.local):
            about.addWidget(widget)
        rules_box = QGroupBox(tr("How to earn entries"))
        QVBoxLayout(rules_box).addWidget(self.rules)

        self.board_model = RowsModel(self)
        self.board_view = rows_view(self.board_model)
        self.board_view.setObjectName("contestBoard")
        # Columns fit the rows around those on screen, not all of a large team's.
        self.board_view.horizontalHeader().setResizeContentsPrecision(FIT_ROWS)
        self.export_button = QPushButton(tr("&Export..."))
        self.rep_button = QPushButton(tr("Rep's &debriefs..."))
        self.board_box = QGroupBox(tr("Leaderboard"))
        board_layout = QVBoxLayout(self.board_box)
        board_layout.addWidget(self.board_view)
        board_buttons = QHBoxLayout()
        board_buttons.addStretch(1)
        board_buttons.addWidget(self.rep_button)
        board_buttons.addWidget(self.export_button)
        board_layout.addLayout(board_buttons)

        self.entries_model = RowsModel(self)
        self.entries_view = rows_view(self.entries_model)
        self.entries_view.setObjectName("contestEntries")
        self.entries_box = QGroupBox(tr("Your debriefs in this contest"))
        QVBoxLayout(self.entries_box).addWidget(self.entries_view)

        self.draw_text = QLabel()
        self.draw_text.setObjectName("contestDraw")
        self.draw_text.setWordWrap(True)
        self.draw_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verify_button = QPushButton(tr("&Verify the draw"))
        self.draw_button = QPushButton(tr("Run the &draw"))
        self.draw_box = QGroupBox(tr("The draw"))
        draw_layout = QVBoxLayout(self.draw_box)
        draw_layout.addWidget(self.draw_text)
        draw_buttons = QHBoxLayout()
        draw_buttons.addStretch(1)
        draw_buttons.addWidget(self.draw_button)
        draw_buttons.addWidget(self.verify_button)
        draw_layout.addLayout(draw_buttons)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(about)
        left_layout.addWidget(rules_box)
        left_layout.addWidget(self.draw_box)
        left_layout.addStretch(1)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.board_box)
        right.addWidget(self.entries_box)
        body = QSplitter()
        body.addWidget(left)
        body.addWidget(right)
        body.setStretchFactor(1, 2)
        self.empty = QLabel()
        self.empty.setObjectName("contestEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.empty)
        layout.addWidget(body, 1)
        self.body = body

        self.picker.activated.connect(self.on_picker_activated)
        self.refresh_button.clicked.connect(self.ask)
        self.export_button.clicked.connect(self.on_export_button_clicked)
        self.rep_button.clicked.connect(self.on_rep_button_clicked)
        self.board_view.doubleClicked.connect(self.on_rep_button_clicked)
        self.verify_button.clicked.connect(self.on_verify_button_clicked)
        self.draw_button.clicked.connect(self.on_draw_button_clicked)
        self.new_button.clicked.connect(self.on_new_button_clicked)
        self.edit_button.clicked.connect(self.on_edit_button_clicked)
        self.tv_button.clicked.connect(self.on_tv_button_clicked)
        self.tv: QWidget | None = None
        self.use_role(role)
        # Until the first answer the page is laid out empty, "Loading..." beside Refresh:
        # shown with the tab, its widgets are styled then, not when the answer comes.
        self.empty.hide()
        self.state.setText(tr("Loading..."))

    @property
    def manages(self) -> bool:
        return self.role in MANAGES_CONTESTS

    def use_role(self, role: str | None) -> None:
        self.role = role
        for widget in (self.new_button, self.edit_button, self.tv_button, self.export_button,
                       self.rep_button, self.draw_button):
            widget.setVisible(self.manages)

    # --- asking the server --------------------------------------------------------------

    def ask(self) -> None:
        """Fetch the chosen contest (or the one to open with) again; asked while a fetch
        is under way, once that one is back."""
        if self._asking:
            self._ask_again = True
            return
        self._asking, self._ask_again = True, False
        self.state.setText(tr("Loading..."))
        wanted, now = self._wanted, self.clock.now()
        self.sync.ask(ServerCall(lambda central: fetch_page(central, wanted, now),
                                 self.on_page_answered, self.on_page_failed, self))

    def on_page_answered(self, page: ContestPage) -> None:
        self._asking = False
        if self._ask_again:  # another contest was picked meanwhile, or a sync ended
            self.ask()
            return
        self.show_page(page)

    def on_page_failed(self, problem: Any) -> None:
        self._asking = False
        if self._ask_again:
            self.ask()
            return
        text = problem_text(problem)
        if self.page is None:
            self._show_nothing(text)
        self.state.setText(tr("Not updated: {problem}").format(problem=text))

    def on_picker_activated(self, index: int) -> None:
        self._wanted = self.picker.itemData(index)
        self.ask()

    # --- showing it ---------------------------------------------------------------------

    def _show_nothing(self, text: str) -> None:
        self.empty.setText(text)
        self.empty.show()
        self.body.hide()

    def show_page(self, page: ContestPage) -> None:
        self.page = page
        now = self.clock.now()
        self.state.setText(tr("Updated {time}").format(time=moment_text(now)))
        self.picker.blockSignals(True)
        self.picker.clear()
        for contest in page.contests:
            self.picker.addItem(f"{contest.name} ({time_left_text(contest, now)})", contest.id)
        self.picker.blockSignals(False)
        contest = page.chosen
        if contest is None:
            text = tr("No contest yet. Make one with New contest...") if self.manages \
                else tr("No contest for your team yet.")
            self._show_nothing(text)
            self.page_shown.emit()
            return
        self._wanted = contest.id
        self.picker.setCurrentIndex(self.picker.findData(contest.id))
        self.empty.hide()
        self.body.show()
        self.title.setText(tr("{name}: {prize}").format(name=contest.name, prize=contest.prize))
        winners = tr("%n winner(s)", None, contest.winners)
        self.when.setText(f"{when_text(contest, now)} \u00b7 {winners}")
        self.rules.setText(rules_text(contest))
        self.edit_button.setEnabled(not contest.has_ended(now))
        self._show_mine(page, contest, now)
        self._show_board(page)
        self._show_entries(page)
        self._show_draw(page, contest, now)
        self.page_shown.emit()

    def _show_mine(self, page: ContestPage, contest: ContestInfo, now: datetime) -> None:
        board = page.board
        if board is None or board.me is None:
            self.mine.setText("" if self.manages else tr("You are not in this contest's "
                                                         "field."))
            self.local.hide()
            return
        text = tr("Your entries: %n", None, board.me.entries)
        if board.band_text:
            text += f" \u00b7 {tr(board.band_text)}"
        self.mine.setText(text)
        preview: LocalPreview | None = None
        if not contest.has_ended(now):
            try:
                preview = self.preview(contest)
            except Exception:  # the preview is a courtesy: never lose the page for it
                log.exception("the local preview could not be read")
        if preview is not None and preview.debriefs:
            self.local.setText(tr("Not synced yet: %n debrief(s), about {entries} more "
                                  "entries once synced (a preview)", None,
                                  preview.debriefs).format(entries=preview.entries))
            self.local.show()
        else:
            self.local.hide()

    def _show_board(self, page: ContestPage) -> None:
        board = page.board
        if board is None:
            self.board_model.set_rows([], [])
            return
        versions = page.chosen is not None and page.chosen.rulebook.changed
        if self.manages:
            headers = [tr("Rank"), tr("Rep"), tr("Entries"), tr("Debriefs"),
                       tr("Last active")]
            never = tr("never")
            rows = [[s.rank, s.display_name, s.entries, s.debriefs, s.last_activity or never]
                    for s in board.top]
            if versions:
                headers.append(tr("Entries by rules version"))
                for row, s in zip(rows, board.top, strict=True):
                    row.append(by_version_text(s.by_version))
        else:
            headers = [tr("Rank"), tr("Rep"), tr("Entries")]
            rows = [[s.rank, s.display_name, s.entries] for s in board.top]
        self.board_model.set_rows(headers, rows)
        if self.manages:
            self.board_box.setTitle(tr("Leaderboard: %n rep(s)", None, board.field_size))
        elif board.top:
            self.board_box.setTitle(tr("The leaders"))
        else:  # a small field, or a tie at the top too large to name whole
            self.board_box.setTitle(tr("The leaders: none to name yet"))

    def _show_entries(self, page: ContestPage) -> None:
        entries = page.entries
        self.entries_box.setVisible(entries is not None)
        if entries is None:
            return
        versions = page.chosen is not None and page.chosen.rulebook.changed
        self.entries_model.set_rows(*entries_table(list(reversed(entries.items)),
                                                   versions=versions))
        fit_why(self.entries_view)

    def _show_draw(self, page: ContestPage, contest: ContestInfo, now: datetime) -> None:
        shown = page.draw
        lines = [tr("Commitment (SHA-256 of the secret seed): {digest}").format(
            digest=contest.commitment)]
        if shown is not None and shown.ledger_sha256:
            lines.append(tr("Ledger SHA-256: {digest}").format(digest=shown.ledger_sha256))
        if shown is not None and shown.winners is not None:
            lines.append(tr("Winners:"))
            lines += [f"{w.place}. {w.display_name} ({tr('%n (entry|entries)', None, w.entries)})"
                      for w in shown.winners]
            lines.append(tr("Seed: {seed}").format(seed=shown.seed))
            if shown.beacon_round is not None:
                lines.append(tr("Mixed with drand round {round}: {randomness}").format(
                    round=shown.beacon_round, randomness=shown.beacon_randomness))
        elif contest.has_ended(now):
            lines.append(tr("The contest has ended; the draw has not been run yet."))
        else:
            lines.append(tr("The winners are drawn after the end, weighted by entries."))
        if shown is not None and shown.beacon_round is not None and not shown.drawn:
            lines.append(tr("The draw will mix in public randomness: drand round "
                            "{round}.").format(round=shown.beacon_round))
        self.draw_text.setText("\n".join(lines))
        drawn = shown is not None and shown.drawn
        self.verify_button.setEnabled(drawn)
        self.draw_button.setEnabled(self.manages and contest.has_ended(now) and not drawn)

    # --- acting -------------------------------------------------------------------------

    def chosen(self) -> ContestInfo | None:
        return self.page.chosen if self.page is not None else None

    def on_verify_button_clicked(self) -> None:
        contest, page = self.chosen(), self.page
        if contest is None or page is None:
            return
        self.verify_button.setEnabled(False)
        my_id, contest_id = page.my_id, contest.id
        self.sync.ask(ServerCall(lambda central: check_draw(central, contest_id, my_id),
                                 self.on_draw_checked, self.on_draw_check_failed, self))

    def on_draw_checked(self, checked: DrawCheck) -> None:
        self.verify_button.setEnabled(True)
        lines = [("\u2714 " if holds else "\u2718 ") + message_text(check)
                 for holds, check in checked.verdict.checks()]
        if checked.my_entries is not None:
            lines.append(tr("Your line is in the ledger: %n (entry|entries)", None,
                            checked.my_entries))
        verdict = tr("The draw holds.") if checked.verdict.holds else tr(
            "The draw does NOT hold.")
        self.last_check = checked
        box = QMessageBox.information if checked.verdict.holds else QMessageBox.warning
        box(self, tr("Verify the draw"), verdict + "\n\n" + "\n".join(lines))

    def on_draw_check_failed(self, problem: Any) -> None:
        self.verify_button.setEnabled(True)
        QMessageBox.warning(self, tr("Verify the draw"), problem_text(problem))

    def on_draw_button_clicked(self) -> None:
        contest = self.chosen()
        if contest is None:
            return
        answer = QMessageBox.question(self, tr("Run the draw"), tr(
            "Draw %n winner(s) of {name} now? The draw runs once: it can never be run "
            "again.", None, contest.winners).format(name=contest.name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        contest_id = contest.id
        self.draw_button.setEnabled(False)
        self.sync.ask(ServerCall(lambda central: central.run_draw(contest_id),
                                 lambda _: self.ask(), self.on_action_failed, self))

    def on_action_failed(self, problem: Any) -> None:
        QMessageBox.warning(self, tr("Contest"), problem_text(problem))
        self.ask()

    def on_rep_button_clicked(self, *_: object) -> None:
        contest, page = self.chosen(), self.page
        if not self.manages or contest is None or page is None or page.board is None:
            return
        rows = self.board_view.selectionModel().selectedRows()
        if not rows:
            QMessageBox.information(self, tr("Rep's debriefs"),
                                    tr("Choose a rep in the leaderboard first."))
            return
        standing = page.board.top[rows[0].row()]
        from desktop.ui.rep_entries import RepEntries

        dialog = RepEntries(self.sync, contest, standing.username, standing.display_name,
                            self.clock, self)
        dialog.changed.connect(self.ask)
        dialog.open()

    def on_export_button_clicked(self) -> None:
        contest, page = self.chosen(), self.page
        if contest is None or page is None or page.board is None:
            return
        from pathlib import Path

        from desktop.ui.insight_export import export_table
        from sync.exports.leaderboard_table import LeaderboardAbout, StandingRow

        name, chosen_filter = QFileDialog.getSaveFileName(
            self, tr("Export the leaderboard"), f"leaderboard-{contest.id}.csv",
            tr("CSV for Excel (*.csv);;Excel workbook (*.xlsx);;JSON (*.json)"))
        if not name:
            return
        about = LeaderboardAbout(contest.id, contest.name, contest.team,
                                 to_iso(contest.starts_at), to_iso(contest.ends_at),
                                 to_iso(self.clock.now()))
        rows = [StandingRow(s.rank, s.username, s.display_name, s.entries, s.debriefs,
                            to_iso(s.last_activity) if s.last_activity else None)
                for s in page.board.top]
        if export_table(self, about, list(rows), Path(name), chosen_filter):
            self.state.setText(tr("Exported to {path}").format(path=name))

    def on_new_button_clicked(self) -> None:
        from desktop.ui.contest_editor import ContestEditor

        editor = ContestEditor(self.sync, self.clock, self)
        editor.saved.connect(self.on_contest_saved)
        editor.open()

    def on_edit_button_clicked(self) -> None:
        contest = self.chosen()
        if contest is None:
            return
        from desktop.ui.contest_editor import ContestEditor

        editor = ContestEditor(self.sync, self.clock, self, contest)
        editor.saved.connect(self.on_contest_saved)
        editor.open()

    def on_contest_saved(self, contest_id: int) -> None:
        self._wanted = contest_id
        self.ask()

    def on_tv_button_clicked(self) -> None:
        contest = self.chosen()
        if contest is None:
            return
        from desktop.ui.tv_board import TvBoard

        self.close_tv()
        self.tv = TvBoard(self.sync, contest.id, self.clock)
        self.tv.showFullScreen()

    def close_tv(self) -> None:
        """The TV view is a window of its own: it goes when asked, or with the app."""
        if self.tv is not None and isValid(self.tv):
            self.tv.close()
        self.tv = None

