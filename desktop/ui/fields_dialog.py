"""A dialog of form fields sent to the server when accepted: a note above the fields,
each field's error line under it, a line for what names no field, OK and Cancel. Its
subclasses build the rows and send; the dialog stays open on a refusal."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.field_errors import add_field_row, with_error_line


class FieldsDialog(QDialog):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.errors: dict[str, QLabel] = {}  # a field's slot -> its error line
        self.form = QFormLayout()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setProperty("role", "error")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

    def lay_out(self, width: int) -> None:
        """Once the rows are in: the note, the rows, the problem line, the buttons."""
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # errors fit
        layout.addWidget(self.note)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.resize(width, self.sizeHint().height())

    def submit(self) -> None:
        raise NotImplementedError

    def _row(self, text: str, slot: str, field: QWidget, *more: Any) -> None:
        add_field_row(self.form, text, with_error_line(self.errors, slot, field, *more), field)

    def _error(self, slot: str, text: str) -> None:
        self.errors[slot].setText(text)
        self.errors[slot].show()

    def _clear_errors(self) -> None:
        for error in self.errors.values():
            error.hide()
        self.problem.hide()

    def _say(self, text: str) -> None:
        """What names no field, under the rows."""
        self.problem.setText(text)
        self.problem.show()
