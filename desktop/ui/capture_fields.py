"""The capture form's fields, each with its inline error line; the fields <-> record mapping."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.choice_bar import ChoiceBar
from desktop.ui.combo_width import ShrinkableComboBox
from desktop.ui.field_errors import add_field_row, with_error_line
from desktop.ui.lead_facts import LeadFacts
from desktop.ui.reason_picker import ReasonList, ReasonPicker
from desktop.ui.text import OUTCOME_KEYS, message_text, outcome_label, stage_label
from sync.domain.debrief import SEGMENT_PARTS, Debrief, Outcome, Segment, Stage
from sync.domain.lead_lists import LeadLists
from sync.domain.segments import SegmentLists
from sync.domain.taxonomy import Taxonomy
from sync.domain.text import Message
from sync.domain.validation import Problem, parse_deal_value, validate

CURRENCIES = ("EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "CAD", "AUD", "JPY",
              "INR", "BRL", "SGD")


def _error_slot(field: str) -> str:
    """The error line a problem's field is shown on (reasons[2] -> reasons)."""
    if field.startswith("reasons"):
        return "reasons"
    if field.startswith("segment."):
        return "segment"
    if field == "currency":
        return "deal_value"
    if field == "rep":
        return "outcome"
    return field


class CaptureFields(QWidget):
    """Every input of a debrief, laid out in form order."""

    changed = Signal()

    def __init__(self, taxonomy: Taxonomy, segments: SegmentLists, leads: LeadLists,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.taxonomy = taxonomy
        self.segments = segments
        self.errors: dict[str, QLabel] = {}
        self.lead = LeadFacts(leads, self.errors)
        self.outcome = ChoiceBar([(o, OUTCOME_KEYS[o], outcome_label(o)) for o in Outcome])
        self.outcome.setObjectName("outcome")
        self.stage = ChoiceBar([(s, str(s.number), stage_label(s)) for s in Stage])
        self.stage.setObjectName("stage")
        self.segment_boxes = {part: self._segment_box(part) for part in SEGMENT_PARTS}
        self.picker = ReasonPicker(taxonomy)
        self.reason_list = ReasonList(taxonomy)
        self.dont_know = QCheckBox(self.tr("Don\u2019t know (an honest answer is better data "
                                           "than a guess)"))
        self.dont_know.setObjectName("dontKnow")
        self.competitor = QLineEdit()
        self.competitor.setObjectName("competitor")
        self.competitor.setPlaceholderText(self.tr("Who else they looked at, if anyone"))
        self._competitor_names = QStringListModel(self)
        completer = QCompleter(self._competitor_names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.competitor.setCompleter(completer)
        self.deal_value = QLineEdit()
        self.deal_value.setObjectName("dealValue")
        self.deal_value.setPlaceholderText(self.tr("e.g. 48000 or 48k"))
        self.deal_value.setMaximumWidth(220)
        self.currency = QComboBox()
        self.currency.addItems(CURRENCIES)
        self.currency.setMaximumWidth(90)
        self.crm_ref = QLineEdit()
        self.crm_ref.setObjectName("crmRef")
        self.crm_ref.setPlaceholderText(self.tr("Opportunity ID in your CRM"))
        self.quote = QPlainTextEdit()
        self.quote.setObjectName("quote")
        self.quote.setTabChangesFocus(True)
        self.quote.setPlaceholderText(self.tr("What the customer said, in their words"))
        self.quote.setMaximumHeight(70)
        self.share_quote = QCheckBox(self.tr("Share this quote with marketing"))
        self.account_name = QLineEdit()
        self.account_name.setObjectName("accountName")
        self.account_name.setPlaceholderText(self.tr("Stays on this computer: never sent"))
        self.private_notes = QPlainTextEdit()
        self.private_notes.setObjectName("privateNotes")
        self.private_notes.setPlaceholderText(self.tr("For you only: they never leave this "
                                                      "computer"))
        self.private_notes.setTabChangesFocus(True)
        self.private_notes.setMaximumHeight(70)
        self._build_layout()
        self._connect()

    def _segment_box(self, part: str) -> QComboBox:
        box = ShrinkableComboBox(12)
        box.setObjectName(part)
        placeholder = {"industry": self.tr("Industry\u2026"),
                       "company_size": self.tr("Company size\u2026"),
                       "region": self.tr("Region\u2026")}[part]
        box.addItem(placeholder, None)
        self._fill_segment_box(box, part)
        return box

    def _fill_segment_box(self, box: QComboBox, part: str) -> None:
        """The current lists' choices after the placeholder; a chosen value the lists
        lack stays chosen (and is named as a problem at save)."""
        chosen = box.currentData()
        box.blockSignals(True)
        try:
            while box.count() > 1:  # item 0 is the placeholder
                box.removeItem(1)
            for choice in self.segments.choices_for(part):
                box.addItem(choice.label, choice.key)
            if chosen is not None and box.findData(chosen) < 0:
                box.addItem(chosen, chosen)
            box.setCurrentIndex(max(box.findData(chosen), 0) if chosen else 0)
        finally:
            box.blockSignals(False)

    def _with_error(self, slot: str, *widgets: QWidget) -> QWidget:
        return with_error_line(self.errors, slot, *widgets,
                               stretch=all(w.maximumWidth() < 1000 for w in widgets))

    def _build_layout(self) -> None:
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        add_field_row(form, self.tr("&Outcome"), self._with_error("outcome", self.outcome),
                      self.outcome)
        add_field_row(form, self.tr("S&tage reached"), self._with_error("stage", self.stage),
                      self.stage)
        # The industry on a line of its own, size and region under it: long names such as
        # "DACH (Germany, Austria, Switzerland)" show whole at the window's usual size.
        segment = QWidget()
        lines = QVBoxLayout(segment)
        lines.setContentsMargins(0, 0, 0, 0)
        lines.setSpacing(4)
        industry, size, region = self.segment_boxes.values()
        lines.addWidget(industry)
        second = QHBoxLayout()
        second.addWidget(size, 2)
        second.addWidget(region, 3)
        lines.addLayout(second)
        add_field_row(form, self.tr("Se&gment"), self._with_error("segment", segment), industry)
        reasons = QWidget()
        column = QVBoxLayout(reasons)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.picker)
        column.addWidget(self.reason_list)
        hint = QLabel(self.tr("On a reason: Space = main reason, C = customer said so / "
                              "my read, Delete = remove"))
        hint.setObjectName("keyHint")
        hint.setWordWrap(True)
        column.addWidget(hint)
        column.addWidget(self.dont_know)
        add_field_row(form, self.tr("&Reasons"), self._with_error("reasons", reasons),
                      self.picker.search)
        add_field_row(form, self.tr("&Competitor"),
                      self._with_error("competitor", self.competitor), self.competitor)
        add_field_row(form, self.tr("Deal &value"),
                      self._with_error("deal_value", self.deal_value, self.currency),
                      self.deal_value)
        add_field_row(form, self.tr("CRM r&eference"), self._with_error("crm_ref", self.crm_ref),
                      self.crm_ref)
        # The quote's note goes right under the quote, above the switch that shares it.
        quote = QWidget()
        column = QVBoxLayout(quote)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self._with_error("quote", self.quote))
        column.addWidget(self.share_quote)
        add_field_row(form, self.tr("Customer &quote"), quote, self.quote)
        add_field_row(form, self.tr("&Account"),
                      self._with_error("account_name", self.account_name), self.account_name)
        add_field_row(form, self.tr("&Private notes"),
                      self._with_error("private_notes", self.private_notes),
                      self.private_notes)
        form.addRow(self.lead)  # folded: after every field a typical debrief needs

    def _connect(self) -> None:
        self.outcome.changed.connect(self.on_outcome_changed)
        self.outcome.chosen.connect(self.on_outcome_chosen)
        self.stage.changed.connect(self.changed)
        self.stage.chosen.connect(self.on_stage_chosen)
        for box in self.segment_boxes.values():
            box.currentIndexChanged.connect(self.changed)
        self.picker.picked.connect(self.reason_list.add)
        self.reason_list.changed.connect(self.changed)
        for check in (self.dont_know, self.share_quote):
            check.toggled.connect(self.changed)
        for line in (self.competitor, self.deal_value, self.crm_ref, self.account_name):
            line.textChanged.connect(self.changed)
        self.currency.currentIndexChanged.connect(self.changed)
        for text in (self.quote, self.private_notes):
            text.textChanged.connect(self.changed)
        self.lead.changed.connect(self.changed)

    def on_outcome_changed(self, outcome: Outcome | None) -> None:
        self.picker.set_outcome(outcome)
        self.changed.emit()

    def on_outcome_chosen(self) -> None:
        self.stage.setFocus()

    def on_stage_chosen(self) -> None:
        empty = next((box for box in self.segment_boxes.values() if box.currentIndex() <= 0),
                     None)
        (empty or self.picker).setFocus()

    def use_lists(self, taxonomy: Taxonomy, segments: SegmentLists,
                  leads: LeadLists) -> None:
        """The lists pulled from the team's server replace the ones in use. What the form
        shows stays: a retired reason keeps its label, a segment value the new lists lack
        stays chosen (and is named as a problem at save)."""
        self.taxonomy, self.segments = taxonomy, segments
        self.picker.set_taxonomy(taxonomy)
        self.reason_list.set_taxonomy(taxonomy)
        self.lead.use_lists(leads)
        for part, box in self.segment_boxes.items():
            self._fill_segment_box(box, part)

    def set_competitor_names(self, names: list[str]) -> None:
        self._competitor_names.setStringList(names)

    def remember_competitor(self, name: str | None) -> None:
        """Offer a just-saved competitor name next time, without asking the store."""
        names = self._competitor_names.stringList()
        if name and name not in names:
            self._competitor_names.setStringList([*names, name])

    # -- record <-> fields ----------------------------------------------------------------

    def fill(self, debrief: Debrief, deal_value_text: str | None = None) -> None:
        """Show `debrief` in the fields (quietly: one `changed` at the end)."""
        # A suggestion list left open over the last debrief would take the next debrief's
        # first key presses (the outcome key) and float over the wrong field.
        self.competitor.completer().popup().hide()
        self.blockSignals(True)
        try:
            self.outcome.set_value(debrief.outcome)
            self.picker.set_outcome(debrief.outcome)
            self.stage.set_value(debrief.stage)
            for part, box in self.segment_boxes.items():
                index = box.findData(getattr(debrief.segment, part))
                box.setCurrentIndex(max(index, 0))
            self.picker.reset()
            self.reason_list.set_reasons(debrief.reasons)
            self.dont_know.setChecked(debrief.reasons_unknown)
            self.competitor.setText(debrief.competitor or "")
            if deal_value_text is None:
                deal_value_text = _plain_amount(debrief.deal_value)
            self.deal_value.setText(deal_value_text)
            if debrief.currency:
                if self.currency.findText(debrief.currency) < 0:
                    self.currency.addItem(debrief.currency)
                self.currency.setCurrentText(debrief.currency)
            self.crm_ref.setText(debrief.crm_ref or "")
            self.quote.setPlainText(debrief.quote or "")
            self.share_quote.setChecked(debrief.share_quote)
            self.account_name.setText(debrief.account_name or "")
            self.private_notes.setPlainText(debrief.private_notes or "")
            self.lead.fill(debrief)
        finally:
            self.blockSignals(False)
        self.changed.emit()

    def read(self, current: Debrief) -> Debrief:
        """`current` (id, revision, timestamps) with everything the fields say now."""
        try:
            deal_value = parse_deal_value(self.deal_value.text())
        except ValueError:
            deal_value = None  # reported by problems()
        return current.with_changes(
            outcome=self.outcome.value(),
            stage=self.stage.value(),
            segment=Segment(*(self.segment_boxes[part].currentData() for part in SEGMENT_PARTS)),
            reasons=self.reason_list.reasons(),
            reasons_unknown=self.dont_know.isChecked(),
            competitor=self.competitor.text() or None,
            deal_value=deal_value,
            currency=self.currency.currentText() if deal_value is not None else current.currency,
            crm_ref=self.crm_ref.text() or None,
            quote=self.quote.toPlainText() or None,
            share_quote=self.share_quote.isChecked(),
            account_name=self.account_name.text() or None,
            private_notes=self.private_notes.toPlainText() or None,
        ).with_changes(**self.lead.read_fields())

    def problems(self, debrief: Debrief) -> list[Problem]:
        """What stops `debrief`, as `read` made it from these fields, from being saved."""
        problems = validate(debrief, self.taxonomy, self.segments, self.lead.leads)
        try:
            parse_deal_value(self.deal_value.text())
        except ValueError as exc:
            problems.append(Problem("deal_value", Message(str(exc))))
        return problems

    def show_problems(self, problems: list[Problem]) -> None:
        by_slot: dict[str, list[str]] = {}
        reason_count = len(self.reason_list.reasons())
        for problem in problems:
            text = message_text(problem.message)
            if problem.field.startswith("reasons[") and reason_count > 1:
                number = int(problem.field[len("reasons["):problem.field.index("]")]) + 1
                text = self.tr("Reason {n}: {problem}").format(n=number, problem=text)
            by_slot.setdefault(_error_slot(problem.field), []).append(text)
        for slot, label in self.errors.items():
            texts = by_slot.get(slot)
            label.setText("\n".join(texts) if texts else "")
            label.setVisible(bool(texts))

    def focus_field(self, field: str) -> None:
        slot = _error_slot(field)
        widget = {"outcome": self.outcome, "stage": self.stage, "reasons": self.picker,
                  "segment": self.segment_boxes["industry"], "competitor": self.competitor,
                  "deal_value": self.deal_value, "crm_ref": self.crm_ref, "quote": self.quote,
                  "account_name": self.account_name,
                  "private_notes": self.private_notes}.get(slot, self.outcome)
        widget.setFocus()


def _plain_amount(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"
