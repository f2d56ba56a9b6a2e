"""A row of choices picked by a single key or the arrow keys (outcome, stage)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QButtonGroup, QFrame, QHBoxLayout, QPushButton, QWidget


class ChoiceBar(QFrame):
    """Checkable buttons with one key each; the bar itself takes keyboard focus.

    Pressing a choice's key picks it and emits `chosen` (the form moves focus on);
    Left/Right move the pick; a click works the same. The buttons never take focus,
    so Tab goes from bar to bar.
    """

    changed = Signal(object)  # the value now picked, or None
    chosen = Signal(object)  # picked from the keyboard: the rep is done here

    def __init__(self, choices: Sequence[tuple[Any, str, str]], parent: QWidget | None = None):
        """`choices` are (value, key, label); the key is shown on the button."""
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("choiceBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(4)
        self._group = QButtonGroup(self)
        self._group.setExclusive(False)  # so a pick can be cleared
        self._values: list[Any] = []
        self._keys: dict[str, int] = {}
        for index, (value, key, label) in enumerate(choices):
            button = QPushButton(f"{label}  [{key}]")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setAccessibleName(label)
            self._group.addButton(button, index)
            layout.addWidget(button)
            self._values.append(value)
            self._keys[key.upper()] = index
        layout.addStretch(1)
        self._group.idClicked.connect(self.on_group_id_clicked)

    def value(self) -> Any:
        checked = self._group.checkedId()
        return self._values[checked] if checked >= 0 else None

    def set_value(self, value: Any) -> None:
        for index, candidate in enumerate(self._values):
            self._group.button(index).setChecked(candidate == value and value is not None)
        self.changed.emit(self.value())

    def on_group_id_clicked(self, index: int) -> None:
        self._select(index, from_keyboard=False)

    def _select(self, index: int, *, from_keyboard: bool) -> None:
        for other in range(len(self._values)):
            self._group.button(other).setChecked(other == index)
        self.changed.emit(self.value())
        if from_keyboard:
            self.chosen.emit(self.value())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text().upper()
        no_modifier = not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
        if no_modifier and text in self._keys:
            self._select(self._keys[text], from_keyboard=True)
            return
        current = self._group.checkedId()
        if event.key() in (Qt.Key.Key_Right, Qt.Key.Key_Down):
            self._select(min(current + 1, len(self._values) - 1), from_keyboard=False)
        elif event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Up):
            self._select(max(current - 1, 0), from_keyboard=False)
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and no_modifier:
            if current >= 0:
                self.chosen.emit(self.value())
        else:
            super().keyPressEvent(event)
