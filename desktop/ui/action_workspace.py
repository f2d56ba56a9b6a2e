"""The Actions tab, for marketing (and admins): what the team will do about an insight,
who owns it, by when, its status, and whether the measure it should move has moved
since its baseline (sync.server.actions). An action is made here (New action...) or
from Insights (Make an action..., with the view's reason, outcome, group and period).

Every call goes to the server on the sync thread (`ServerCall`); what it refuses is
said next to the field it names, in the action's dialog."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.action_dialog import ActionDialog, ActionDraft
from desktop.ui.action_texts import (
    measure_text,
    share_text,
    status_labels,
    verdict_text,
    verdict_why,
)
from desktop.ui.contest_texts import problem_text
from desktop.ui.rows_table import RowsModel, fit_why, rows_view
from desktop.ui.sync_worker import ServerCall
from desktop.ui.text import day_text, time_text, tr
from sync.client.action_list import ActionItem, ActionList, read
from sync.domain.actions import (
    Direction,
)
from sync.domain.clock import Clock
from sync.domain.team_lists import TeamLists

if TYPE_CHECKING:
    from desktop.ui.sync_worker import SyncWorker

BASELINE_MONTHS = 3  # a new action's baseline, unless made from a view of Insights
TITLE_WIDTH = 320  # the Action column at most; a longer title is cut short
MONTHS_OFFERED = 36  # how far back a baseline may start


class ActionsWorkspace(QWidget):
    def __init__(self, sync: SyncWorker, lists: TeamLists, clock: Clock,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.sync, self.lists, self.clock = sync, lists, clock
        self.found: ActionList | None = None
        self.shown: list[ActionItem] = []
        # The names of a dimension without a list (competitors, teams) that Insights has
        # shown, offered in the dialog; the main window hands in Insights' own.
        self.known_values: Callable[[str], list[str]] = lambda dimension: []
        self._asked = False
        self._said = ""  # what the last change made here calls for, until the next

        title = QLabel(tr("Actions"))
        font = QFont(title.font())
        font.setBold(True)
        title.setFont(font)
        self.state = QLabel(tr("Loading..."))
        self.state.setWordWrap(True)
        self.model = RowsModel(self)
        self.table = rows_view(self.model)
        self.table.setObjectName("actionsTable")
        self.table.selectionModel().selectionChanged.connect(self._show_selected)
        self.table.doubleClicked.connect(lambda *_: self.on_edit())
        self.detail = QLabel()
        self.detail.setObjectName("actionDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_closed = QCheckBox(tr("Show &done and dropped"))
        self.show_closed.toggled.connect(lambda *_: self._draw())
        self.new = QPushButton(tr("&New action..."))
        self.edit = QPushButton(tr("&Edit..."))
        self.refresh = QPushButton(tr("&Refresh"))
        self.new.clicked.connect(lambda *_: self.new_action())
        self.edit.clicked.connect(self.on_edit)
        self.refresh.clicked.connect(self.on_refresh)

        buttons = QHBoxLayout()
        for widget in (self.new, self.edit, self.show_closed):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.state)
        layout.addLayout(buttons)
        layout.addWidget(split, 1)
        self._enable()

    # --- asking the server --------------------------------------------------------------

    def showEvent(self, event: Any) -> None:
        """Asked again each time the tab is shown: a month's counts grow as reps sync."""
        super().showEvent(event)
        if not self._asked or self.refresh.isEnabled():
            self.ask()

    def ask(self) -> None:
        self._asked = True
        self.refresh.setEnabled(False)
        self.sync.ask(ServerCall(lambda central: read(central.actions()), self.show_list,
                                 self.on_failed, self))

    def on_refresh(self) -> None:
        self._said = ""
        self.ask()

    def show_list(self, found: ActionList) -> None:
        self.found = found
        self.refresh.setEnabled(True)
        if found.missing:
            self.state.setText(tr("The server does not keep actions yet: it needs an update."))
        else:
            self.state.setText(self._said or tr(
                "Turn an insight into an action: who owns it, by when, and the share it "
                "should move. Each month after the one it was made in is compared with its "
                "baseline, from the counts insights show."))
        self._draw()

    def on_failed(self, problem: Any) -> None:
        self.refresh.setEnabled(True)
        self.state.setText(problem_text(problem))

    def use_lists(self, lists: TeamLists) -> None:
        self.lists = lists
        self._draw()

    # --- drawing ------------------------------------------------------------------------

    def _draw(self) -> None:
        kept = self.selected()
        found = self.found
        every = list(found.actions) if found else []
        self.shown = [a for a in every if self.show_closed.isChecked() or not a.status.closed]
        statuses = status_labels()
        rows, tips = [], {}
        for row, action in enumerate(self.shown):
            due = action.due.isoformat()
            measure = measure_text(action.measure, self.lists, action.counted_as)
            tips[row, 0], tips[row, 7] = action.title, measure
            rows.append([action.title, action.owner,
                         tr("{day} (overdue)").format(day=due) if action.overdue else due,
                         statuses[action.status],
                         share_text(action.before),
                         share_text(action.after),
                         verdict_text(action.verdict, action.points), measure])
        self.model.set_rows([tr("Action"), tr("Owner"), tr("Due"), tr("Status"),
                             tr("Baseline"), tr("After"), tr("Moved?"), tr("Measure")],
                            rows, tips)
        fit_why(self.table)
        header = self.table.horizontalHeader()  # a long title is cut short, not the rest
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, min(self.table.sizeHintForColumn(0), TITLE_WIDTH))
        if not self.shown and found is not None and not found.missing:
            closed = len(every) - len(self.shown)
            self.detail.setText(
                tr("No open actions. %n done or dropped: Show done and dropped.", None,
                   closed) if closed else
                tr("No actions yet. Make one here, or from Insights with Make an action..."))
        if kept is not None:
            for row, action in enumerate(self.shown):
                if action.id == kept.id:
                    self.table.selectRow(row)
        self._show_selected()
        self._enable()

    def selected(self) -> ActionItem | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.shown):
            return None
        return self.shown[rows[0].row()]

    def _show_selected(self, *_: object) -> None:
        self._enable()
        action = self.selected()
        if action is None:
            if self.shown:
                self.detail.setText(tr("Choose an action to see it month by month."))
            return
        lines = [action.title,
                 tr("Owner: {owner}; due {due}; {status}.").format(
                     owner=action.owner, due=action.due.isoformat(),
                     status=status_labels()[action.status].lower()),
                 tr("Measure: {measure}; it should go {way}.").format(
                     measure=measure_text(action.measure, self.lists, action.counted_as),
                     way=tr("up") if action.measure.wanted is Direction.UP else tr("down"))]
        if action.counted_as:
            lines.append(tr("\u201c{old}\u201d is counted as \u201c{new}\u201d now: the "
                            "reason list changed.").format(
                old=self.lists.taxonomy.label(action.measure.code or ""),
                new=self.lists.taxonomy.label(action.counted_as)))
        code = self.lists.taxonomy.code(action.measure.code or "")
        if code is not None and code.retired and not action.counted_as:
            lines.append(tr("\u201c{code}\u201d is retired: reps no longer pick it, so "
                            "new debriefs do not give it.").format(code=code.label))
        lines.append(tr("Baseline {first} to {last}: {share}").format(
            first=action.baseline[0], last=action.baseline[1],
            share=share_text(action.before)))
        lines.append(tr("Made in {month}; the months after it: {share}").format(
            month=action.made_in, share=share_text(action.after)))
        lines.append(verdict_text(action.verdict, action.points) + ". "
                     + verdict_why(action.verdict))
        lines.append("")
        lines.append(tr("Month by month:"))
        for month in action.months:
            lines.append(tr("{month}  {part}: {share}").format(
                month=month.month, share=share_text(month.share),
                part=tr("after") if month.after else tr("baseline")))
        lines.append("")
        lines.append(tr("Made by {who}, {when}; last changed by {changer}, {changed}.").format(
            who=action.made_by, when=f"{day_text(action.made_at)} {time_text(action.made_at)}",
            changer=action.changed_by,
            changed=f"{day_text(action.changed_at)} {time_text(action.changed_at)}"))
        self.detail.setText("\n".join(lines))

    def _enable(self) -> None:
        ready = self.found is not None and not self.found.missing
        self.new.setEnabled(ready)
        self.edit.setEnabled(ready and self.selected() is not None)

    # --- making and changing ------------------------------------------------------------

    def new_action(self, draft: ActionDraft | None = None) -> ActionDialog:
        dialog = ActionDialog(self, draft=draft)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def on_edit(self) -> ActionDialog | None:
        action = self.selected()
        if action is None:
            return None
        dialog = ActionDialog(self, action=action)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def on_saved(self, action: ActionItem) -> None:
        """An action the server made or changed: listed at once, selected."""
        self._said = ""
        if self.found is not None:
            others = [a for a in self.found.actions if a.id != action.id]
            self.found = ActionList(self.found.min_cell, (action, *others))
        self._draw()
        if action.status.closed and not self.show_closed.isChecked():
            self._said = tr("\u201c{title}\u201d is {status}: listed with Show done and "
                            "dropped.").format(title=action.title,
                                               status=status_labels()[action.status].lower())
        elif (action.before.debriefs, action.before.unsure) == (0, False):
            self._said = tr("\u201c{title}\u201d has no debriefs in its baseline: check "
                            "its group and months.").format(title=action.title)
        if self._said:
            self.state.setText(self._said)
        for row, shown in enumerate(self.shown):
            if shown.id == action.id:
                self.table.selectRow(row)
        self.ask()  # in the server's order

    def today(self) -> date:
        """In UTC, as the server counts months and due dates."""
        return self.clock.now().astimezone(UTC).date()
