"""Reasons in the capture form: a type-ahead picker over the taxonomy, and the chosen list.

A code that asks for words ("Other") is picked with them: the picker offers the words
typed as "Other: “...”" below the matches (alone, and first, when nothing matches), and
picking the code itself asks for the words in the search box.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.empty_state import paint_empty_text
from desktop.ui.text import evidence_label, tr
from sync.domain.debrief import Evidence, Outcome, Reason
from sync.domain.taxonomy import ReasonCode, Suggestion, Taxonomy
from sync.domain.text import has_letter_or_digit

_SUGGESTION_ROLE = Qt.ItemDataRole.UserRole
SUGGESTION_ROWS = 8  # shown at once; the rest scroll
CHOSEN_ROWS = 3  # the chosen list's height, whatever it holds, so the form never moves


class _SearchField(QLineEdit):
    """The picker's search box: each key press is offered to `on_key` first; the line
    edit handles it only if `on_key` returns False.

    A subclass rather than an event filter installed on the picker: the filter's owner
    can be half torn down (a window deleted later) while the line edit still gets
    events, whereas an override of the line edit's own handler lives and dies with it.
    """

    def __init__(self, on_key: Callable[[QKeyEvent], bool], on_focus: Callable[[bool], None]):
        super().__init__()
        self._on_key = on_key
        self._on_focus = on_focus

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self._on_focus(True)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._on_focus(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._on_key(event):
            event.accept()
            return
        super().keyPressEvent(event)


@dataclass(frozen=True)
class _Words:
    """A row offering the words typed as the reason of a code that asks for them."""

    code: ReasonCode
    words: str


def words_label(code: ReasonCode, words: str) -> str:
    """How a reason with words reads: "Other: “no SSO support”"."""
    return tr("{category}: \u201c{words}\u201d").format(category=code.category_label,
                                                        words=words)


class ReasonPicker(QWidget):
    """Type a few letters ("pri") and Enter: the best match is added as a reason.

    Up/Down choose among the matches; Esc empties the search (a second Esc goes to the
    form). Retired codes and codes that do not fit the outcome are not offered. What
    matches nothing can be given as "Other" in the rep's words.
    """

    picked = Signal(str, object, object)  # code key, detail key or None, words or None

    def __init__(self, taxonomy: Taxonomy, parent: QWidget | None = None):
        super().__init__(parent)
        self.taxonomy = taxonomy
        self.outcome: Outcome | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.search = _SearchField(self._on_search_key, self._on_search_focus)
        self.search.setObjectName("reasonSearch")
        self._asking: ReasonCode | None = None  # the code whose words are being typed
        self.search.setPlaceholderText(self._placeholder())
        self.search.setClearButtonEnabled(True)
        # The suggestions float over the form under the search field, so opening them
        # never moves the fields below; they belong to the window once there is one.
        self.suggestions = QListWidget(self)
        self.suggestions.setObjectName("reasonSuggestions")
        self.suggestions.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.suggestions.hide()
        layout.addWidget(self.search)
        self.setFocusProxy(self.search)
        self.search.textChanged.connect(self.on_search_text_changed)
        self.suggestions.itemClicked.connect(self.on_suggestions_item_clicked)

    def set_outcome(self, outcome: Outcome | None) -> None:
        self.outcome = outcome
        self.on_search_text_changed(self.search.text())

    def set_taxonomy(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        if self._asking is not None:  # still asking, if the new list still asks there
            code = taxonomy.code(self._asking.key)
            live = code is not None and code.asks_for_words and not code.retired
            self._ask_words(code if live else None)
        self.on_search_text_changed(self.search.text())

    def reset(self) -> None:
        """Empty, and finding reasons again (for a new or another debrief)."""
        self._ask_words(None)
        self.search.clear()

    def _placeholder(self) -> str:
        if self._asking is not None:
            return self.tr("Say it in a few words, then Enter (Esc: back to the list)")
        return self.tr("Type to find a reason, e.g. \u201cpri\u201d, then Enter")

    def _ask_words(self, code: ReasonCode | None) -> None:
        self._asking = code
        self.search.setPlaceholderText(self._placeholder())

    def _other(self) -> ReasonCode | None:
        """The code that takes the rep's words, if the list has one for this outcome."""
        return self.taxonomy.words_code(self.outcome)

    def on_search_text_changed(self, text: str) -> None:
        self.suggestions.clear()
        if not text.strip():
            self.suggestions.hide()
            return
        other = self._asking or self._other()
        words = " ".join(text.split())
        if self._asking is None:
            for suggestion in self.taxonomy.search(text, self.outcome, limit=20):
                item = QListWidgetItem(suggestion.label)
                item.setToolTip(suggestion.code.category_label)
                item.setData(_SUGGESTION_ROLE, suggestion)
                self.suggestions.addItem(item)
        if other is not None and has_letter_or_digit(words):
            item = QListWidgetItem(words_label(other, words))
            item.setToolTip(self.tr("None of the list: say it in your words"))
            item.setData(_SUGGESTION_ROLE, _Words(other, words))
            self.suggestions.addItem(item)
        if self.suggestions.count() == 0:
            none = self.tr("No reason matches \u201c{text}\u201d").format(text=text)
            item = QListWidgetItem(none)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.suggestions.addItem(item)
        else:
            self.suggestions.setCurrentRow(0)
        self._float_suggestions()

    def follow(self) -> None:
        """Put the open suggestions back under the search box (the form scrolled)."""
        if self.suggestions.isVisible():
            self._float_suggestions()

    def _float_suggestions(self) -> None:
        """Show the suggestions over the form, right under the search field."""
        window = self.window()
        if self.suggestions.parentWidget() is not window:
            self.suggestions.setParent(window)
        rows = min(self.suggestions.count(), SUGGESTION_ROWS)
        height = (self.suggestions.sizeHintForRow(0) * rows
                  + 2 * self.suggestions.frameWidth() + 2)
        corner = self.search.mapTo(window, QPoint(0, self.search.height() + 2))
        self.suggestions.setGeometry(corner.x(), corner.y(), self.search.width(), height)
        self.suggestions.raise_()
        self.suggestions.show()

    def _on_search_focus(self, focused: bool) -> None:
        """The suggestions go with the search field's focus, and come back with it."""
        if not focused:
            self.suggestions.hide()
        elif self.search.text().strip() and self.suggestions.count():
            self._float_suggestions()

    def on_suggestions_item_clicked(self, item: QListWidgetItem) -> None:
        self._pick(item)

    def _pick(self, item: QListWidgetItem | None) -> None:
        suggestion: Suggestion | _Words | None = item.data(_SUGGESTION_ROLE) if item else None
        if suggestion is None:
            return
        if isinstance(suggestion, _Words):
            self._ask_words(None)
            self.search.clear()
            self.picked.emit(suggestion.code.key, None, suggestion.words)
            return
        if suggestion.code.asks_for_words:  # "Other" itself: what was it?
            self._ask_words(suggestion.code)
            self.search.clear()
            return
        self.search.clear()
        self.picked.emit(suggestion.code.key,
                         suggestion.detail.key if suggestion.detail else None, None)

    def _on_search_key(self, event: QKeyEvent) -> bool:
        key, plain = event.key(), event.modifiers() == Qt.KeyboardModifier.NoModifier
        rows = self.suggestions.count()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.suggestions.isVisible() and rows:
            step = 1 if key == Qt.Key.Key_Down else -1
            self.suggestions.setCurrentRow(max(0, min(rows - 1,
                                                      self.suggestions.currentRow() + step)))
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain and self.search.text():
            self._pick(self.suggestions.currentItem())
            return True
        if key == Qt.Key.Key_Escape and self.search.text():
            self.search.clear()
            return True
        if key == Qt.Key.Key_Escape and self._asking is not None:
            self._ask_words(None)
            return True
        return False


class ReasonList(QListWidget):
    """The reasons chosen so far; the first is the main one unless the rep says otherwise.

    Keys on a row: Space makes it the main reason, C switches "customer said so" /
    "my read", Delete removes it.
    """

    changed = Signal()

    def __init__(self, taxonomy: Taxonomy, parent: QWidget | None = None):
        super().__init__(parent)
        self.taxonomy = taxonomy
        self._reasons: list[Reason] = []
        self.setObjectName("reasonList")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        rows = self.fontMetrics().lineSpacing() + 4
        self.setFixedHeight(rows * CHOSEN_ROWS + 2 * self.frameWidth() + 4)
        self.itemDoubleClicked.connect(self.on_item_double_clicked)

    def set_taxonomy(self, taxonomy: Taxonomy) -> None:
        """Label the chosen reasons from `taxonomy` (retired codes keep their labels)."""
        self.taxonomy = taxonomy
        self._refresh(self.currentRow() if self._reasons else None)

    def reasons(self) -> tuple[Reason, ...]:
        return tuple(self._reasons)

    def set_reasons(self, reasons: tuple[Reason, ...]) -> None:
        self._reasons = list(reasons)
        self._refresh()

    def add(self, code: str, detail: str | None, words: str | None = None) -> None:
        """Add a reason; picking a detail of a code already there narrows that one, and
        new words for a code that takes them replace its words."""
        for index, reason in enumerate(self._reasons):
            if reason.code == code and (reason.detail == detail or reason.detail is None):
                self._reasons[index] = replace(reason, detail=detail or reason.detail,
                                               words=words or reason.words)
                self._refresh(index)
                return
        primary = not any(r.primary for r in self._reasons)
        self._reasons.append(Reason(code, detail, Evidence.MY_READ, primary, words))
        self._refresh(len(self._reasons) - 1)

    def remove(self, row: int) -> None:
        if not 0 <= row < len(self._reasons):
            return
        removed = self._reasons.pop(row)
        if removed.primary and self._reasons:
            self._reasons[0] = replace(self._reasons[0], primary=True)
        self._refresh(min(row, len(self._reasons) - 1))

    def make_primary(self, row: int) -> None:
        if 0 <= row < len(self._reasons):
            self._reasons = [replace(r, primary=(i == row)) for i, r in enumerate(self._reasons)]
            self._refresh(row)

    def toggle_evidence(self, row: int) -> None:
        if 0 <= row < len(self._reasons):
            reason = self._reasons[row]
            flipped = (Evidence.MY_READ if reason.evidence is Evidence.CUSTOMER_SAID
                       else Evidence.CUSTOMER_SAID)
            self._reasons[row] = replace(reason, evidence=flipped)
            self._refresh(row)

    def on_item_double_clicked(self, item: QListWidgetItem) -> None:
        self.make_primary(self.row(item))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        row = self.currentRow()
        if event.key() == Qt.Key.Key_Space:
            self.make_primary(row)
        elif event.key() == Qt.Key.Key_C and not event.modifiers():
            self.toggle_evidence(row)
        elif event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.remove(row)
        else:
            super().keyPressEvent(event)

    def _refresh(self, current: int | None = None) -> None:
        self.clear()
        for reason in self._reasons:
            star = "\u2605 " if reason.primary else "\u2003 "
            code = self.taxonomy.code(reason.code)
            label = (words_label(code, reason.words) if code is not None and reason.words
                     else self.taxonomy.label(reason.code, reason.detail))
            self.addItem(f"{star}{label} \u2014 {evidence_label(reason.evidence)}")
        if current is not None and current >= 0:
            self.setCurrentRow(current)
        self.changed.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        """An empty list says what to do."""
        super().paintEvent(event)
        if self.count() == 0:
            paint_empty_text(self, self.empty_text())

    def empty_text(self) -> str:
        return self.tr("No reason yet: find one above, or tick “Don’t know” if "
                       "you honestly don’t.")
