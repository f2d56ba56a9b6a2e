"""The dialog of a new action, or of one to change (sync.server.actions): what a
marketer types, checked here where it can be, the rest by the server, whose refusals
are said next to the field they name. A change made meanwhile by someone else is taken
in, keeping what was typed, and OK then applies this one over it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QLineEdit,
)

from desktop.ui.action_texts import measure_text, status_labels
from desktop.ui.contest_texts import problem_text
from desktop.ui.dimension_labels import dimension_labels, listed_values
from desktop.ui.fields_dialog import FieldsDialog
from desktop.ui.sync_worker import ServerCall
from desktop.ui.text import outcome_label, tr
from sync.client.action_list import ActionItem, ActionList, new_action, read, read_one
from sync.client.insight_view import months_back
from sync.domain.actions import DIMENSIONS, OWNER_MAX, TITLE_MAX, Direction, Kind, Measure
from sync.domain.debrief import Outcome

if TYPE_CHECKING:
    from desktop.ui.action_workspace import ActionsWorkspace

BASELINE_MONTHS = 3  # a new action's baseline, unless made from a view of Insights
MONTHS_OFFERED = 36  # how far back a baseline may start


@dataclass(frozen=True)
class ActionDraft:
    """What Insights hands a new action: the measure of its view, and its months."""

    measure: Measure
    baseline: tuple[str, str] | None = None  # YYYY-MM; None: the last whole months



class ActionDialog(FieldsDialog):
    """A new action's fields, or an action's to change (its measure and baseline are
    fixed once made); its refusals are shown next to the fields they name."""

    def __init__(self, workspace: ActionsWorkspace, *, draft: ActionDraft | None = None,
                 action: ActionItem | None = None):
        super().__init__(workspace)
        self.workspace, self.action = workspace, action
        # What the fields were filled from: a change is what was typed over it, sent
        # from the revision `action` is now (newer, after a change made meanwhile).
        self.loaded = action
        lists = workspace.lists
        self.setWindowTitle(tr("Change an action") if action else tr("New action"))
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
        if action is None:  # a new one is due from today on
            today = workspace.today()
            self.due.setMinimumDate(QDate(today.year, today.month, today.day))
        self.status = QComboBox()
        for status, label in status_labels().items():
            self.status.addItem(label, status.value)
        if action:
            self.status.setCurrentIndex(self.status.findData(action.status.value))
        self.kind = QComboBox()
        self.kind.addItem(tr("A reason's share of an outcome's debriefs"), Kind.REASON.value)
        self.kind.addItem(tr("The win rate (won of won and lost)"), Kind.WIN_RATE.value)
        self.kind.addItem(tr("The share of all debriefs ending in an outcome"),
                          Kind.OUTCOME.value)
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
                "Each month after this one is compared with the baseline months, from the "
                "counts insights show."))
            self.kind.currentIndexChanged.connect(self._fill_reasons)
            self.outcome.currentIndexChanged.connect(self._fill_reasons)
            self.dimension.currentIndexChanged.connect(self._fill_values)
            self._use(draft or ActionDraft(Measure(Kind.REASON, Outcome.LOST)))
        self.lay_out(640)

    # --- the measure --------------------------------------------------------------------

    def _use(self, draft: ActionDraft) -> None:
        measure = draft.measure
        self.kind.setCurrentIndex(self.kind.findData(measure.kind.value))
        self.outcome.setCurrentIndex(self.outcome.findData(measure.outcome.value))
        self._fill_reasons()
        notes = []
        if measure.code:
            index = self.reason.findData(measure.code)
            if index < 0:
                notes.append(tr("“{reason}” cannot be measured for this outcome "
                                "now (retired, or for the other side): choose a reason.")
                             .format(reason=self.workspace.lists.taxonomy.label(measure.code)))
            self.reason.setCurrentIndex(max(0, index))
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
        if last > months_back(today, 2):
            notes.append(tr("The baseline ends by last month: the action is compared with "
                            "the months after this one."))
        last = min(last, months_back(today, 2))
        first = min(first, last)
        for combo, month in ((self.first, first), (self.last, last)):
            if combo.findData(month) < 0:
                notes.append(tr("The baseline starts at most {n} months back.").format(
                    n=MONTHS_OFFERED))
            combo.setCurrentIndex(max(0, combo.findData(month)))
        if notes:
            self.problem.setText(" ".join(dict.fromkeys(notes)))
            self.problem.show()

    def _fill_reasons(self, *_: object) -> None:
        kept = self.reason.currentData()
        win_rate = self.kind.currentData() == Kind.WIN_RATE.value
        if win_rate:  # the share won, always
            self.outcome.blockSignals(True)
            self.outcome.setCurrentIndex(self.outcome.findData(Outcome.WON.value))
            self.outcome.blockSignals(False)
        self.outcome.setEnabled(not win_rate)
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
        if listed is None and dimension:
            listed = [(name, name) for name in self.workspace.known_values(dimension)]
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
        self._clear_errors()
        title, owner = self.title.text().strip(), self.owner.text().strip()
        wrong = False
        for slot, text, most in (("title", title, TITLE_MAX), ("owner", owner, OWNER_MAX)):
            if not text:
                self._error(slot, tr("Fill this in."))
                wrong = True
            elif len(text) > most:
                self._error(slot, tr("Keep it to {max} characters; this has {length}.")
                            .format(max=most, length=len(text)))
                wrong = True
        if wrong:
            return
        picked = self.due.date()
        due = date(picked.year(), picked.month(), picked.day())
        sync, action = self.workspace.sync, self.action
        if action is None:
            body = new_action(title=title, owner=owner, due=due, measure=self.measure(),
                              baseline=(self.first.currentData(), self.last.currentData()))
            work: Any = lambda central: read_one(central.make_action(body))  # noqa: E731
        else:
            loaded = self.loaded
            assert loaded is not None
            changes = {name: value for name, value, was in (
                ("title", title, loaded.title), ("owner", owner, loaded.owner),
                ("due", due.isoformat(), loaded.due.isoformat()),
                ("status", self.status.currentData(), loaded.status.value)) if value != was}
            if not changes:
                self.accept()
                return
            action_id, revision = action.id, action.revision
            work = lambda central: read_one(  # noqa: E731
                central.change_action(action_id, revision, changes))
        self.buttons.setEnabled(False)
        sync.ask(ServerCall(work, self.on_done, self.on_refused, self))

    def reject(self) -> None:
        """Cancel, Esc or the close button: not while the server is asked, so that what
        it makes is listed (and not made twice)."""
        if self.buttons.isEnabled():
            super().reject()

    def on_done(self, action: ActionItem) -> None:
        self.workspace.on_saved(action)
        self.accept()

    def on_refused(self, problem: Any) -> None:
        self.buttons.setEnabled(True)
        named = getattr(problem, "fields", {}) or {}
        if "revision" in named and self.action is not None:
            self._fetch_again()
            return
        shown = False
        for where, said in named.items():
            slot = where.split(".")[-1]
            slot = "dimension" if slot == "value" else slot  # one row holds both
            if slot in self.errors:
                self._error(slot, said)
                shown = True
        if not shown:
            self._say(problem_text(problem))

    def _fetch_again(self) -> None:
        """Someone changed the action meanwhile: take it as it is now, keeping what was
        typed here, and say so; OK then applies this change over theirs."""
        self.buttons.setEnabled(False)
        self.workspace.sync.ask(ServerCall(lambda central: read(central.actions()),
                                           self._rebase, self.on_refused, self))

    def _rebase(self, found: ActionList) -> None:
        self.buttons.setEnabled(True)
        self.workspace.show_list(found)
        assert self.action is not None
        fresh = next((a for a in found.actions if a.id == self.action.id), None)
        if fresh is None:
            self.problem.setText(tr("This action is no longer on the server."))
        else:
            self.problem.setText(tr(
                "{who} changed this action meanwhile (now: {owner}, due {due}, {status}). "
                "Press OK to apply your change over it, or Cancel to keep theirs.").format(
                    who=fresh.changed_by, owner=fresh.owner, due=fresh.due.isoformat(),
                    status=status_labels()[fresh.status].lower()))
            self.action = fresh
        self.problem.show()


