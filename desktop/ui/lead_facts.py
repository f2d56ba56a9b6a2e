"""The lead facts of the new-debrief form, folded away until the rep opens them: where the
lead came from, whether it was sales-ready (and which of the company's criteria it
failed), the collateral used and whether it helped, and a play that worked, shared with
marketing only by choice. All optional; the lists come from the team's server
(sync.domain.lead_lists). Folded, none of it is in the Tab order, so a typical debrief
takes no more keys than before."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.field_errors import with_error_line
from desktop.ui.text import readiness_labels, tr
from sync.domain.debrief import Collateral, Debrief, Readiness
from sync.domain.lead_lists import LeadLists

# A collateral row's check: unchecked = not used; partly checked = used, whether it
# helped not said; checked = it helped (the row says "did not help" when it did not).
HELPED_ROLE = Qt.ItemDataRole.UserRole + 1  # True, False or None (not said) for a used row
LABEL_ROLE = Qt.ItemDataRole.UserRole + 2  # the choice's label, without what was said of it


class LeadFacts(QWidget):
    """The folded section: a toggle, and under it the fields."""

    changed = Signal()
    unfolded = Signal()  # opened: the form shows it (scrolls to it)

    def __init__(self, leads: LeadLists, errors: dict, parent: QWidget | None = None):
        super().__init__(parent)
        self.leads = leads
        self.toggle = QToolButton()
        self.toggle.setObjectName("leadFactsToggle")
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setText(tr("Lead, content and a play that worked (optional)"))
        self.toggle.toggled.connect(self._on_toggled)
        self.body = QWidget()
        self.source = QComboBox()
        self.source.setObjectName("leadSource")
        self.ready = QComboBox()
        self.ready.setObjectName("salesReady")
        self.criteria = QListWidget()
        self.criteria.setObjectName("failedCriteria")
        self.criteria.setMaximumHeight(96)
        self.collateral = QListWidget()
        self.collateral.setObjectName("collateral")
        self.collateral.setMaximumHeight(110)
        self.play = QPlainTextEdit()
        self.play.setObjectName("play")
        self.play.setTabChangesFocus(True)
        self.play.setMaximumHeight(60)
        self.play.setPlaceholderText(tr("What you did that worked, in a few words"))
        self.share_play = QCheckBox(tr("Share this play with marketing"))
        self._filling = False

        form = QFormLayout(self.body)
        form.setContentsMargins(18, 0, 0, 0)
        form.addRow(tr("Lead &source"), with_error_line(errors, "lead_source", self.source))
        form.addRow(tr("Sales-read&y when it reached you?"),
                    with_error_line(errors, "sales_ready", self.ready))
        self.criteria_label = QLabel(tr("Criteria it failed"))
        form.addRow(self.criteria_label, with_error_line(errors, "failed_criteria",
                                                         self.criteria))
        note = QLabel(tr("Click what you used: once used, twice it helped, three times "
                         "it did not help."))
        note.setObjectName("keyHint")
        used = QWidget()
        column = QVBoxLayout(used)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(with_error_line(errors, "collateral", self.collateral))
        column.addWidget(note)
        form.addRow(tr("Collateral used"), used)
        play = QWidget()
        column = QVBoxLayout(play)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(with_error_line(errors, "play", self.play))
        column.addWidget(self.share_play)
        form.addRow(tr("A &play that worked"), play)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.toggle)
        top.addStretch(1)
        layout.addLayout(top)
        layout.addWidget(self.body)
        self.body.hide()
        self.use_lists(leads)
        self.source.currentIndexChanged.connect(self.changed)
        self.ready.currentIndexChanged.connect(self._on_ready_changed)
        self.criteria.itemChanged.connect(self._on_item_changed)
        self.collateral.itemChanged.connect(self._on_item_changed)
        self.collateral.itemClicked.connect(self._cycle)
        self.collateral.installEventFilter(self)  # Space or Enter on a row: _cycle
        self.play.textChanged.connect(self.changed)
        self.share_play.toggled.connect(self.changed)

    def unfold(self, shown: bool) -> None:
        """Show or fold the fields (a debrief loaded with facts shows them), quietly:
        the form is not scrolled to them."""
        self.toggle.blockSignals(True)
        self.toggle.setChecked(shown)
        self.toggle.blockSignals(False)
        self._show(shown)

    def _on_toggled(self, shown: bool) -> None:
        """The rep opened or folded them: opened from the keyboard, the focus moves into
        them; opened at all, the form shows them."""
        self._show(shown)
        if shown and self.toggle.hasFocus():
            self.source.setFocus()
        if shown:
            self.unfolded.emit()

    def _show(self, shown: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.body.setVisible(shown)

    # --- the lists ----------------------------------------------------------------------

    def use_lists(self, leads: LeadLists) -> None:
        """The team's lists replace the ones in use; what is chosen stays chosen (a value
        the new lists lack is named as a problem at save)."""
        kept = self.facts()
        self.leads = leads
        self._filling = True
        try:
            self.source.clear()
            self.source.addItem(tr("Where the lead came from\u2026"), None)
            for choice in leads.lead_sources:
                self.source.addItem(choice.label, choice.key)
            self.ready.clear()
            self.ready.addItem(tr("Not said"), None)
            for value, label in readiness_labels().items():
                self.ready.addItem(label, value.value)
            self._fill_checks(self.criteria, [(c.key, c.label) for c in leads.sql_criteria],
                              checkable=True)
            self._fill_checks(self.collateral, [(c.key, c.label) for c in leads.collateral],
                              checkable=False)
        finally:
            self._filling = False
        self.fill_facts(*kept)

    def _fill_checks(self, box: QListWidget, choices: list[tuple[str, str]], *,
                     checkable: bool) -> None:
        """One row per choice with a check box; the collateral's rows are not checked by
        Qt itself but cycle through their states on a click or Space (_cycle)."""
        box.clear()
        for key, label in choices:
            self._add_check(box, key, label, checkable=checkable)

    @staticmethod
    def _add_check(box: QListWidget, key: str, label: str, *, checkable: bool) -> None:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, key)
        item.setData(LABEL_ROLE, label)
        if checkable:
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        else:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        box.addItem(item)

    # --- record <-> fields --------------------------------------------------------------

    def facts(self) -> tuple[str | None, Readiness | None, tuple[str, ...],
                             tuple[Collateral, ...], str | None, bool]:
        """What the fields say: source, readiness, failed criteria, collateral, play,
        and whether the play is shared."""
        ready = self.ready.currentData()
        readiness = Readiness(ready) if ready else None
        criteria = tuple(self._checked(self.criteria)) if readiness in (
            Readiness.PARTLY, Readiness.NO) else ()
        collateral = tuple(
            Collateral(item.data(Qt.ItemDataRole.UserRole), item.data(HELPED_ROLE))
            for item in self._items(self.collateral)
            if item.checkState() != Qt.CheckState.Unchecked)
        return (self.source.currentData(), readiness, criteria, collateral,
                self.play.toPlainText() or None, self.share_play.isChecked())

    def read_fields(self) -> dict[str, object]:
        """The debrief's lead fields as the fields say them."""
        source, ready, criteria, collateral, play, shared = self.facts()
        return {"lead_source": source, "sales_ready": ready, "failed_criteria": criteria,
                "collateral": collateral, "play": play, "share_play": shared}

    def fill(self, debrief: Debrief) -> None:
        self.fill_facts(debrief.lead_source, debrief.sales_ready, debrief.failed_criteria,
                        debrief.collateral, debrief.play, debrief.share_play)
        self.unfold(self.has_facts(debrief))  # what was given shows; folded otherwise

    @staticmethod
    def has_facts(debrief: Debrief) -> bool:
        return bool(debrief.lead_source or debrief.sales_ready or debrief.collateral
                    or debrief.play)

    def fill_facts(self, source: str | None, ready: Readiness | None,
                   criteria: tuple[str, ...], collateral: tuple[Collateral, ...],
                   play: str | None, shared: bool) -> None:
        self._filling = True
        try:
            index = self.source.findData(source) if source else 0
            if source and index < 0:
                self.source.addItem(source, source)
                index = self.source.count() - 1
            self.source.setCurrentIndex(index)
            self.ready.setCurrentIndex(max(self.ready.findData(ready.value if ready else None),
                                           0))
            # A value the lists lack (dropped since it was chosen) stays, by its key, and
            # is named as a problem at save.
            self._keep_unknown(self.criteria, criteria, checkable=True)
            self._keep_unknown(self.collateral, [piece.key for piece in collateral],
                               checkable=False)
            for item in self._items(self.criteria):
                item.setCheckState(Qt.CheckState.Checked
                                   if item.data(Qt.ItemDataRole.UserRole) in criteria
                                   else Qt.CheckState.Unchecked)
            helped = {piece.key: piece.helped for piece in collateral}
            for item in self._items(self.collateral):
                key = item.data(Qt.ItemDataRole.UserRole)
                self._show_helped(item, key in helped, helped.get(key))
            if self.play.toPlainText() != (play or ""):  # the cursor stays while typing
                self.play.setPlainText(play or "")
            self.share_play.setChecked(shared)
        finally:
            self._filling = False
        self._on_ready_changed()

    # --- reactions ----------------------------------------------------------------------

    def _on_ready_changed(self, *_: object) -> None:
        failed = self.ready.currentData() in (Readiness.PARTLY.value, Readiness.NO.value)
        self.criteria.setEnabled(failed)
        self.criteria_label.setEnabled(failed)
        if not self._filling:
            self.changed.emit()

    def _on_item_changed(self, *_: object) -> None:
        if not self._filling:
            self.changed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.collateral and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and self.collateral.currentItem() is not None):
            self._cycle(self.collateral.currentItem())
            return True
        return super().eventFilter(watched, event)

    def _cycle(self, item: QListWidgetItem) -> None:
        """Not used -> used, helped not said -> it helped -> it did not help -> not
        used, one click (or Space) each."""
        used = item.checkState() != Qt.CheckState.Unchecked
        helped = item.data(HELPED_ROLE)
        if not used:
            self._show_helped(item, True, None)
        elif helped is None:
            self._show_helped(item, True, True)
        elif helped:
            self._show_helped(item, True, False)
        else:
            self._show_helped(item, False, None)
        self.changed.emit()

    def _show_helped(self, item: QListWidgetItem, used: bool, helped: bool | None) -> None:
        was = self._filling
        self._filling = True
        try:
            item.setData(HELPED_ROLE, helped if used else None)
            item.setCheckState(Qt.CheckState.Unchecked if not used else
                               Qt.CheckState.Checked if helped else
                               Qt.CheckState.PartiallyChecked)
            label = item.data(LABEL_ROLE)
            suffix = ("" if not used else tr(" (helped)") if helped else
                      tr(" (did not help)") if helped is False else tr(" (used)"))
            item.setText(label + suffix)
        finally:
            self._filling = was

    def _keep_unknown(self, box: QListWidget, keys: list[str] | tuple[str, ...], *,
                      checkable: bool) -> None:
        listed = {item.data(Qt.ItemDataRole.UserRole) for item in self._items(box)}
        for key in keys:
            if key not in listed:
                self._add_check(box, key, key, checkable=checkable)

    @staticmethod
    def _items(box: QListWidget) -> list[QListWidgetItem]:
        return [box.item(i) for i in range(box.count())]

    def _checked(self, box: QListWidget) -> list[str]:
        return [item.data(Qt.ItemDataRole.UserRole) for item in self._items(box)
                if item.checkState() == Qt.CheckState.Checked]
