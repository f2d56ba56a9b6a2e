"""The Actions tab, for marketing (and admins): what the team will do about an insight,
who owns it, by when, its status, and whether the measure it should move has moved
since its baseline (sync.server.actions). An action is made here (New action...) or
from Insights (Make an action..., with the view's reason, outcome, group and period).

Every call goes to the server on the sync thread (`ServerCall`); what it refuses is
said next to the field it names, in the action's dialog."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.contest_texts import problem_text
from desktop.ui.dimension_labels import dimension_labels, listed_values, value_label
from desktop.ui.field_errors import add_field_row, with_error_line
from desktop.ui.rows_table import RowsModel, fit_why, rows_view
from desktop.ui.sync_worker import ServerCall
from desktop.ui.text import day_text, outcome_label, time_text, tr
from sync.client.action_list import ActionItem, ActionList, new_action, read, read_one
from sync.client.insight_view import months_back
from sync.domain.actions import (
    DIMENSIONS,
    OWNER_MAX,
    TITLE_MAX,
    Direction,
    Kind,
    Measure,
    Share,
    Status,
    Verdict,
)
from sync.domain.clock import Clock
from sync.domain.debrief import Outcome
from sync.domain.team_lists import TeamLists

if TYPE_CHECKING:
    from desktop.ui.sync_worker import SyncWorker

BASELINE_MONTHS = 3  # a new action's baseline, unless made from a view of Insights
MONTHS_OFFERED = 36  # how far back a baseline may start


@dataclass(frozen=True)
class ActionDraft:
    """What Insights hands a new action: the measure of its view, and its months."""

    measure: Measure
    baseline: tuple[str, str] | None = None  # YYYY-MM; None: the last whole months


def status_labels() -> dict[Status, str]:
    return {Status.OPEN: tr("Open"), Status.DOING: tr("In progress"),
            Status.DONE: tr("Done"), Status.DROPPED: tr("Dropped")}


def measure_text(measure: Measure, lists: TeamLists, counted_as: str | None = None) -> str:
    """The measure in words: "Lost debriefs giving “Price too high” (Industry: Retail)"."""
    outcome = outcome_label(measure.outcome)
    if measure.kind is Kind.REASON:
        code = lists.taxonomy.label(counted_as or measure.code or "")
        text = tr("{outcome} debriefs giving \u201c{reason}\u201d").format(
            outcome=outcome, reason=code)
    elif measure.outcome is Outcome.WON:
        text = tr("Win rate")
    else:
        text = tr("Debriefs ending {outcome}").format(outcome=outcome.lower())
    if measure.dimension is not None:
        text += tr(" ({dimension}: {value})").format(
            dimension=dimension_labels().get(measure.dimension, measure.dimension),
            value=value_label(lists, measure.dimension, measure.value))
    return text


def share_text(share: Share, min_cell: int) -> str:
    """"25% (5 of 20)"; a hidden count: "< 5 of 20"."""
    if share.debriefs == 0 and share.hidden == 0:
        return tr("none yet")
    if share.share is None:
        return tr("< {n} of {debriefs}").format(n=min_cell,
                                                debriefs=share.debriefs + share.hidden)
    text = tr("{share:.0%} ({hits} of {debriefs})").format(
        share=share.share, hits=share.hits, debriefs=share.debriefs)
    if share.hidden:
        text += " " + tr("+ %n debrief(s) hidden", None, share.hidden)
    return text


def verdict_text(verdict: Verdict, points: float | None) -> str:
    change = "" if points is None else tr("{points:+.1f} points").format(points=points)
    return {
        Verdict.MOVED: tr("Moved the way it should: {change}"),
        Verdict.MOVED_AGAINST: tr("Moved the wrong way: {change}"),
        Verdict.NOT_CLEAR: tr("Not clear yet: {change}, within what chance gives"),
        Verdict.TOO_FEW: tr("Too few debriefs shown to tell yet"),
    }[verdict].format(change=change)


class ActionsWorkspace(QWidget):
    def __init__(self, sync: SyncWorker, lists: TeamLists, clock: Clock,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.sync, self.lists, self.clock = sync, lists, clock
        self.found: ActionList | None = None
        self.shown: list[ActionItem] = []
        self._asked = False

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
        self.refresh.clicked.connect(self.ask)

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

    def show_list(self, found: ActionList) -> None:
        self.found = found
        self.refresh.setEnabled(True)
        if found.missing:
            self.state.setText(tr("The server does not keep actions yet: it needs an update."))
        else:
            self.state.setText(tr(
                "Turn an insight into an action: who owns it, by when, and the share it "
                "should move. Each month from the one it was made in is compared with its "
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
        min_cell = found.min_cell if found else 5
        rows, tips = [], {}
        for row, action in enumerate(self.shown):
            due = action.due.isoformat()
            measure = measure_text(action.measure, self.lists, action.counted_as)
            tips[row, 7] = measure
            rows.append([action.title, action.owner,
                         tr("{day} (overdue)").format(day=due) if action.overdue else due,
                         statuses[action.status],
                         share_text(action.before, min_cell),
                         share_text(action.after, min_cell),
                         verdict_text(action.verdict, action.points), measure])
        self.model.set_rows([tr("Action"), tr("Owner"), tr("Due"), tr("Status"),
                             tr("Baseline"), tr("Since"), tr("Moved?"), tr("Measure")],
                            rows, tips)
        fit_why(self.table)
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
            return
        min_cell = self.found.min_cell if self.found else 5
        lines = [action.title,
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
            share=share_text(action.before, min_cell)))
        lines.append(tr("Since {month}: {share}").format(
            month=action.made_in, share=share_text(action.after, min_cell)))
        lines.append(verdict_text(action.verdict, action.points))
        lines.append("")
        lines.append(tr("Month by month:"))
        for month in action.months:
            lines.append(tr("{month}  {share}  {part}").format(
                month=month.month, share=share_text(month.share, min_cell),
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
        if self.found is not None:
            others = [a for a in self.found.actions if a.id != action.id]
            self.found = ActionList(self.found.min_cell, (action, *others))
        if action.status.closed:
            self.show_closed.setChecked(True)
        self._draw()
        for row, shown in enumerate(self.shown):
            if shown.id == action.id:
                self.table.selectRow(row)
        self.ask()  # in the server's order

    def today(self) -> date:
        return self.clock.now().astimezone().date()


class ActionDialog(QDialog):
    """A new action's fields, or an action's to change (its measure and baseline are
    fixed once made); its refusals are shown next to the fields they name."""

    def __init__(self, workspace: ActionsWorkspace, *, draft: ActionDraft | None = None,
                 action: ActionItem | None = None):
        super().__init__(workspace)
        self.workspace, self.action = workspace, action
        lists = workspace.lists
        self.errors: dict[str, QLabel] = {}
        self.setWindowTitle(tr("Change an action") if action else tr("New action"))
        self.form = QFormLayout()
        self.title = QLineEdit(action.title if action else "")
        self.title.setPlaceholderText(tr("what will be done, e.g. an ROI calculator for "
                                         "retail"))
        self.owner = QLineEdit(action.owner if action else "")
        self.owner.setPlaceholderText(tr("who sees to it"))
        self.due = QDateEdit()
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        due = action.due if action else workspace.today() + timedelta(days=30)
        self.due.setDate(QDate(due.year, due.month, due.day))
        self.status = QComboBox()
        for status, label in status_labels().items():
            self.status.addItem(label, status.value)
        if action:
            self.status.setCurrentIndex(self.status.findData(action.status.value))
        self.kind = QComboBox()
        self.kind.addItem(tr("A reason's share of an outcome's debriefs"), Kind.REASON.value)
        self.kind.addItem(tr("The share of debriefs ending in an outcome"), Kind.OUTCOME.value)
        self.outcome = QComboBox()
        for outcome in Outcome:
            self.outcome.addItem(outcome_label(outcome), outcome.value)
        self.reason = QComboBox()
        self.dimension = QComboBox()
        self.dimension.addItem(tr("Everyone"), "")
        for key, label in dimension_labels().items():
            if key in DIMENSIONS:
                self.dimension.addItem(label, key)
        self.value = QComboBox()
        self.direction = QComboBox()
        self.direction.addItem(tr("Down"), Direction.DOWN.value)
        self.direction.addItem(tr("Up"), Direction.UP.value)
        self.first, self.last = QComboBox(), QComboBox()
        today = workspace.today()
        for back in range(MONTHS_OFFERED + 1, 1, -1):
            month = months_back(today, back)
            self.first.addItem(month, month)
            self.last.addItem(month, month)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setProperty("role", "error")
        self.problem.setWordWrap(True)
        self.problem.hide()

        self._row(tr("&Action:"), "title", self.title)
        self._row(tr("&Owner:"), "owner", self.owner)
        self._row(tr("D&ue:"), "due", self.due)
        if action is not None:
            self._row(tr("&Status:"), "status", self.status)
            self.note.setText(tr(
                "Measure: {measure}, against its baseline {first} to {last}. The measure "
                "and baseline stay as made, so that the comparison stays honest: another "
                "measure is another action.").format(
                    measure=measure_text(action.measure, lists, action.counted_as),
                    first=action.baseline[0], last=action.baseline[1]))
        else:
            self._row(tr("&Measure:"), "kind", self.kind)
            self._row(tr("Out&come:"), "outcome", self.outcome)
            self._row(tr("&Reason:"), "code", self.reason)
            self._row(tr("&Narrow to:"), "dimension", self.dimension, self.value)
            self._row(tr("Should &go:"), "direction", self.direction)
            self._row(tr("&Baseline from:"), "baseline_from", self.first)
            self._row(tr("Baseline &to:"), "baseline_to", self.last)
            self.note.setText(tr(
                "Each month from this one on is compared with the baseline months, from "
                "the counts insights show."))
            self.kind.currentIndexChanged.connect(self._fill_reasons)
            self.outcome.currentIndexChanged.connect(self._fill_reasons)
            self.dimension.currentIndexChanged.connect(self._fill_values)
            self._use(draft or ActionDraft(Measure(Kind.REASON, Outcome.LOST)))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # errors fit
        layout.addWidget(self.note)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.resize(640, self.sizeHint().height())

    def _row(self, text: str, slot: str, field: QWidget, *more: QWidget) -> None:
        add_field_row(self.form, text, with_error_line(self.errors, slot, field, *more), field)

    # --- the measure --------------------------------------------------------------------

    def _use(self, draft: ActionDraft) -> None:
        measure = draft.measure
        self.kind.setCurrentIndex(self.kind.findData(measure.kind.value))
        self.outcome.setCurrentIndex(self.outcome.findData(measure.outcome.value))
        self._fill_reasons()
        if measure.code:
            self.reason.setCurrentIndex(max(0, self.reason.findData(measure.code)))
        self.dimension.setCurrentIndex(max(0, self.dimension.findData(measure.dimension or "")))
        self._fill_values()
        if measure.value is not None:
            index = self.value.findData(measure.value)
            if index < 0 and self.value.isEditable():
                self.value.setEditText(measure.value)
            else:
                self.value.setCurrentIndex(max(0, index))
        today = self.workspace.today()
        first, last = draft.baseline or (months_back(today, BASELINE_MONTHS + 1),
                                         months_back(today, 2))
        last = min(last, months_back(today, 2))  # ends by last month
        first = min(first, last)
        for combo, month in ((self.first, first), (self.last, last)):
            combo.setCurrentIndex(max(0, combo.findData(month)))

    def _fill_reasons(self, *_: object) -> None:
        kept = self.reason.currentData()
        outcome = Outcome(self.outcome.currentData())
        self.reason.clear()
        by_reason = self.kind.currentData() == Kind.REASON.value
        if by_reason:
            for code in self.workspace.lists.taxonomy.codes:
                if not code.retired and code.applies_to_outcome(outcome):
                    self.reason.addItem(f"{code.category_label} \u203a {code.label}", code.key)
            if kept is not None:
                self.reason.setCurrentIndex(max(0, self.reason.findData(kept)))
        self.reason.setEnabled(by_reason)
        wanted = Measure(Kind(self.kind.currentData()), outcome).wanted
        self.direction.setCurrentIndex(self.direction.findData(wanted.value))

    def _fill_values(self, *_: object) -> None:
        dimension = self.dimension.currentData()
        self.value.clear()
        listed = listed_values(self.workspace.lists, dimension) if dimension else []
        self.value.setEditable(listed is None)  # a competitor or a team: any name
        for value, label in listed or ():
            self.value.addItem(label, value)
        self.value.setEnabled(bool(dimension))

    def measure(self) -> Measure:
        kind = Kind(self.kind.currentData())
        dimension = self.dimension.currentData() or None
        value = None
        if dimension is not None:
            value = (self.value.currentText().strip() if self.value.isEditable()
                     else self.value.currentData())
        return Measure(kind, Outcome(self.outcome.currentData()),
                       self.reason.currentData() if kind is Kind.REASON else None,
                       dimension, value, Direction(self.direction.currentData()))

    # --- sending ------------------------------------------------------------------------

    def submit(self) -> None:
        for error in self.errors.values():
            error.hide()
        self.problem.hide()
        title, owner = self.title.text().strip(), self.owner.text().strip()
        for slot, text, most in (("title", title, TITLE_MAX), ("owner", owner, OWNER_MAX)):
            if not text:
                self._error(slot, tr("Fill this in."))
                return
            if len(text) > most:
                self._error(slot, tr("Keep it to {max} characters; this has {length}.")
                            .format(max=most, length=len(text)))
                return
        picked = self.due.date()
        due = date(picked.year(), picked.month(), picked.day())
        sync, action = self.workspace.sync, self.action
        if action is None:
            body = new_action(title=title, owner=owner, due=due, measure=self.measure(),
                              baseline=(self.first.currentData(), self.last.currentData()))
            work: Any = lambda central: read_one(central.make_action(body))  # noqa: E731
        else:
            changes = {name: value for name, value, was in (
                ("title", title, action.title), ("owner", owner, action.owner),
                ("due", due.isoformat(), action.due.isoformat()),
                ("status", self.status.currentData(), action.status.value)) if value != was}
            if not changes:
                self.accept()
                return
            action_id, revision = action.id, action.revision
            work = lambda central: read_one(  # noqa: E731
                central.change_action(action_id, revision, changes))
        self.buttons.setEnabled(False)
        sync.ask(ServerCall(work, self.on_done, self.on_refused, self))

    def on_done(self, action: ActionItem) -> None:
        self.workspace.on_saved(action)
        self.accept()

    def on_refused(self, problem: Any) -> None:
        self.buttons.setEnabled(True)
        named = getattr(problem, "fields", {}) or {}
        shown = False
        for where, said in named.items():
            slot = where.split(".")[-1]
            slot = "dimension" if slot == "value" else slot  # one row holds both
            if slot in self.errors:
                self._error(slot, said)
                shown = True
        if not shown:
            self.problem.setText(problem_text(problem))
            self.problem.show()
        if "revision" in named:  # changed meanwhile: show the newest
            self.workspace.ask()

    def _error(self, slot: str, text: str) -> None:
        self.errors[slot].setText(text)
        self.errors[slot].show()

