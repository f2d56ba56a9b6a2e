"""New contest and Edit contest, for a team's managers: the team, name, prize, how many
win, the period, and the scoring rules as data, each rule a number in a form with an
example debrief scored beside it as the rules change (the same scoring the app's
preview and the server use, sync.domain.scoring). What the server refuses is said next
to the field it names.

Once a contest has started its period and winners are frozen, and a change to its rules
is a new version from then on (the server keeps every version); the form says so."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.contest_texts import problem_text
from desktop.ui.field_errors import add_field_row, with_error_line
from desktop.ui.sync_worker import ServerCall
from desktop.ui.text import message_text, tr
from sync.client.contest_answers import ContestInfo
from sync.domain.clock import Clock, to_iso
from sync.domain.contest_limits import MAX_WINNERS, NAME_MAX, PRIZE_MAX
from sync.domain.debrief import Debrief, Evidence, Outcome, Reason, Segment, Stage
from sync.domain.scoring import MAX_RULE, ContestRules, RulesError, score
from sync.resources import default_contest_rules

if TYPE_CHECKING:
    from desktop.ui.sync_worker import SyncWorker

DEFAULT_DAYS = 30
DATE_FORMAT = "ddd d MMM yyyy HH:mm"  # the month in words: never read as the day

# The example scored beside the rules: a typical careful debrief.
EXAMPLE = Debrief(
    id="example", rep="example", outcome=Outcome.LOST, stage=Stage.EVALUATION,
    segment=Segment("software", "200-999", "dach"),
    reasons=(Reason("price.too_high", "price.too_high.over_budget", Evidence.CUSTOMER_SAID,
                    primary=True), Reason("competitor.cheaper")),
    competitor="Acme")


def rule_labels() -> dict[str, str]:
    return {
        "base": tr("Every debrief"), "extra_reason": tr("Each reason beyond the first"),
        "max_extra_reasons": tr("...for this many at most"),
        "detail_code": tr("Each reason narrowed to a detail"),
        "max_detail_codes": tr("...for this many at most"),
        "competitor": tr("A named competitor"), "shared_quote": tr("A shared customer quote"),
        "min_quote_chars": tr("...of at least this many characters"),
        "complete_segment": tr("A complete segment"),
        "lead_source": tr("Where the lead came from"),
        "sales_readiness": tr("Whether the lead was sales-ready"),
        "collateral": tr("Collateral used, and whether it helped"),
        "shared_play": tr("A play that worked, shared"),
        "min_play_chars": tr("...of at least this many characters"),
        "cap": tr("At most per debrief"),
        "daily_cap": tr("At most per rep and day"),
    }


class ContestEditor(QDialog):
    saved = Signal(int)  # the contest's id, made or changed

    def __init__(self, sync: SyncWorker, clock: Clock, parent: QWidget | None = None,
                 contest: ContestInfo | None = None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.sync, self.clock, self.contest = sync, clock, contest
        self.setWindowTitle(tr("New contest") if contest is None else tr("Edit contest"))
        self.errors: dict[str, QLabel] = {}
        self.team = QComboBox()
        self.team.setEditable(False)
        self.name = QLineEdit()
        self.name.setMaxLength(NAME_MAX)
        self.prize = QLineEdit()
        self.prize.setMaxLength(PRIZE_MAX)
        self.winners = QSpinBox()
        self.winners.setRange(1, MAX_WINNERS)
        now = clock.now()
        self.starts = QDateTimeEdit(QDateTime(now.astimezone()))
        self.ends = QDateTimeEdit(QDateTime((now + timedelta(days=DEFAULT_DAYS)).astimezone()))
        for edit in (self.starts, self.ends):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(DATE_FORMAT)
        form = QFormLayout()
        for text, slot, widget in ((tr("&Team"), "team", self.team),
                                   (tr("&Name"), "name", self.name),
                                   (tr("&Prize"), "prize", self.prize),
                                   (tr("&Winners"), "winners", self.winners),
                                   (tr("&Starts"), "starts_at", self.starts),
                                   (tr("&Ends"), "ends_at", self.ends)):
            add_field_row(form, text, with_error_line(self.errors, slot, widget), widget)

        self.rule_boxes: dict[str, QSpinBox] = {}
        rules_form = QFormLayout()
        defaults = default_contest_rules()  # what a new contest starts from
        for f in fields(ContestRules):
            box = QSpinBox()
            box.setRange(0, MAX_RULE)
            box.setValue(getattr(defaults, f.name))
            box.valueChanged.connect(self.show_example)
            self.rule_boxes[f.name] = box
            add_field_row(rules_form, rule_labels()[f.name],
                          with_error_line(self.errors, f"rules.{f.name}", box), box)
        rules = QGroupBox(tr("Entries"))
        rules.setLayout(rules_form)
        self.example = QLabel()
        self.example.setObjectName("contestExample")
        self.example.setWordWrap(True)
        self.example.setMinimumWidth(220)
        example = QGroupBox(tr("An example debrief"))
        QVBoxLayout(example).addWidget(self.example)

        self.note = QLabel()
        self.note.setObjectName("contestEditNote")
        self.note.setWordWrap(True)
        self.note.hide()
        self.problem = QLabel()
        self.problem.setProperty("role", "error")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("&Create"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        side = QHBoxLayout()
        side.addWidget(rules, 1)
        side.addWidget(example)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(side)
        layout.addWidget(self.note)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        if contest is not None:
            self._fill(contest)
        # A field's error goes once it is changed again.
        self.name.textEdited.connect(lambda: self._clear_errors("name"))
        self.prize.textEdited.connect(lambda: self._clear_errors("prize"))
        self.winners.valueChanged.connect(lambda: self._clear_errors("winners"))
        for edit in (self.starts, self.ends):
            edit.dateTimeChanged.connect(self._on_period_changed)
        self.show_example()
        if contest is None:
            self.sync.ask(ServerCall(lambda central: central.me(), self.on_me,
                                     self.on_failed, self))

    def _fill(self, contest: ContestInfo) -> None:
        """The contest as it stands; what no longer changes, disabled and said why."""
        self.team.addItem(contest.team, contest.team)
        self.team.setEnabled(False)
        self.name.setText(contest.name)
        self.prize.setText(contest.prize)
        self.winners.setValue(contest.winners)
        self.starts.setDateTime(QDateTime(contest.starts_at.astimezone()))
        self.ends.setDateTime(QDateTime(contest.ends_at.astimezone()))
        for name, box in self.rule_boxes.items():
            box.setValue(getattr(contest.rules, name))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("&Save"))
        if contest.has_started(self.clock.now()):
            for widget in (self.winners, self.starts, self.ends):
                widget.setEnabled(False)
            self.note.setText(tr(
                "The contest has started: its period and winners stay as they are. A change "
                "to the rules becomes version {number}, for debriefs made from now on; "
                "those made before keep their entries.").format(
                    number=contest.rulebook.current.number + 1))
            self.note.show()

    def on_me(self, me: dict[str, Any]) -> None:
        self.team.clear()
        for team in me.get("manages") or []:
            self.team.addItem(str(team), str(team))
        if me.get("role") == "admin":  # an admin may name any team
            self.team.setEditable(True)

    def on_failed(self, problem: Any) -> None:
        self._say(problem_text(problem))

    # --- the rules, and the example scored by them ----------------------------------------

    def rules(self) -> ContestRules:
        """The rules in the form (RulesError naming the rule if they cannot be used)."""
        return ContestRules(**{name: box.value() for name, box in self.rule_boxes.items()})

    def show_example(self, *_: object) -> None:
        self._clear_errors("rules.")
        try:
            rules = self.rules()
        except RulesError as error:
            self._error(f"rules.{error.rule}" if error.rule else "rules.base", str(error))
            self.example.setText(tr("These rules cannot be used yet."))
            return
        scored = score(EXAMPLE, rules)
        lines = [tr("Lost at Evaluation, two reasons (one narrowed to a detail), the "
                    "competitor named, the segment complete, no quote."), "",
                 tr("It earns %n (entry|entries).", None, scored.entries)]
        lines += [message_text(hint.message) for hint in scored.hints]
        self.example.setText("\n".join(lines))

    # --- sending it -----------------------------------------------------------------------

    def body(self) -> dict[str, Any]:
        """What to send: the whole contest when made; when edited, what changed only."""
        whole = {"team": self.team.currentText().strip(), "name": self.name.text().strip(),
                 "prize": self.prize.text().strip(), "winners": self.winners.value(),
                 "starts_at": to_iso(_utc(self.starts.dateTime())),
                 "ends_at": to_iso(_utc(self.ends.dateTime())),
                 "rules": {name: box.value() for name, box in self.rule_boxes.items()}}
        contest = self.contest
        if contest is None:
            return whole
        was = {"name": contest.name, "prize": contest.prize, "winners": contest.winners,
               "starts_at": to_iso(_utc(QDateTime(contest.starts_at.astimezone()))),
               "ends_at": to_iso(_utc(QDateTime(contest.ends_at.astimezone()))),
               "rules": contest.rules.to_dict()}
        return {key: value for key, value in whole.items()
                if key in was and value != was[key]}

    def submit(self) -> None:
        self._clear_errors("")
        body = self.body()
        found = False
        for slot, empty in (("team", tr("Choose the team.")),
                            ("name", tr("Give the contest a name.")),
                            ("prize", tr("Say what the prize is."))):
            if slot in body and not body[slot]:
                self._error(slot, empty)
                found = True
        if self.ends.dateTime() <= self.starts.dateTime():
            self._error("ends_at", tr("A contest ends after it starts."))
            found = True
        try:
            self.rules()
        except RulesError:
            found = True
        if found:
            return
        contest = self.contest
        if contest is not None and not body:
            self.reject()  # nothing changed
            return
        self.buttons.setEnabled(False)
        if contest is None:
            self.sync.ask(ServerCall(lambda central: central.create_contest(body),
                                     self.on_created, self.on_refused, self))
        else:
            contest_id = contest.id
            self.sync.ask(ServerCall(lambda central: central.edit_contest(contest_id, body),
                                     self.on_created, self.on_refused, self))

    def on_created(self, contest: dict[str, Any]) -> None:
        self.saved.emit(int(contest["id"]))
        self.accept()

    def on_refused(self, problem: Any) -> None:
        self.buttons.setEnabled(True)
        named = getattr(problem, "fields", {}) or {}
        for slot, said in named.items():
            if slot in self.errors:
                self._error(slot, said)
        if not any(slot in self.errors for slot in named):
            self._say(problem_text(problem))

    def _on_period_changed(self, *_: object) -> None:
        self._clear_errors("starts_at")
        self._clear_errors("ends_at")

    def _error(self, slot: str, text: str) -> None:
        label = self.errors[slot]
        label.setText(text)
        label.show()

    def _clear_errors(self, prefix: str) -> None:
        for slot, label in self.errors.items():
            if slot.startswith(prefix):
                label.hide()
        if not prefix:
            self.problem.hide()

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()


def _utc(moment: QDateTime) -> datetime:
    return datetime.fromtimestamp(moment.toSecsSinceEpoch(), UTC)
