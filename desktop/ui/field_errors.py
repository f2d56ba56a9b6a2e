"""A form field's widgets with its error line under them, hidden until there is one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget


def add_field_row(form: QFormLayout, text: str, holder: QWidget, field: QWidget) -> None:
    """A row of `form` labelled `text`, showing `holder` (a field with its error line).
    The label's buddy is `field` itself, so its Alt+letter moves the focus there (the
    holder cannot take it), and screen readers name the field by the label's words."""
    form.addRow(text, holder)
    label = form.labelForField(holder)
    assert isinstance(label, QLabel)
    label.setBuddy(field)
    if not field.accessibleName():
        field.setAccessibleName(" ".join(text.replace("&&", "\0").replace("&", "")
                                         .replace("\0", "&").split()))


def with_error_line(errors: dict[str, QLabel], slot: str, *widgets: QWidget,
                    stretch: bool = False) -> QWidget:
    """`widgets` in a row above an error label, which is kept in `errors[slot]`.
    With `stretch`, a row of narrow widgets keeps them at their width."""
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(1)
    if widgets:
        row = QHBoxLayout()
        for widget in widgets:
            row.addWidget(widget)
        if stretch:
            row.addStretch(1)
        column.addLayout(row)
    error = QLabel()
    error.setObjectName(f"error_{slot}")
    error.setProperty("role", "error")
    error.setWordWrap(True)
    error.setTextFormat(Qt.TextFormat.PlainText)
    error.hide()
    column.addWidget(error)
    errors[slot] = error
    return holder
