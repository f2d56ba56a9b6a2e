"""The live contest preview beside the form: entries this debrief earns, how to earn more."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from desktop.ui.text import message_text, tr
from sync.domain.scoring import Score
from sync.domain.text import Message

PANEL_WIDTH = 240


class ContestPreview(QFrame):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("contestPreview")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFixedWidth(PANEL_WIDTH)  # its texts change as the rep types: the form must not
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Prize draw"))
        title.setObjectName("previewTitle")
        self.entries = QLabel()
        self.entries.setObjectName("previewEntries")
        self.entries.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.hints = QLabel()
        self.hints.setObjectName("previewHints")
        self.hints.setWordWrap(True)
        self.hints.setTextFormat(Qt.TextFormat.PlainText)
        for widget in (title, self.entries, self.summary, self.hints):
            layout.addWidget(widget)
        layout.addStretch(1)

    def show_score(self, score: Score) -> None:
        """The entries a debrief that can be saved earns, and how to earn more."""
        self.entries.setText(str(score.entries))
        self.entries.show()
        self.summary.setText(tr("This debrief earns %Ln (entry|entries) in the prize draw.",
                                None, score.entries))
        if score.hints:
            lines = [f"\u2022 {message_text(hint.message)}" for hint in score.hints]
            self.hints.setText(self.tr("More detail, more chances:") + "\n" + "\n".join(lines))
        elif score.at_cap:
            self.hints.setText(self.tr("That is the most one debrief can earn. Thank you!"))
        else:
            self.hints.setText(self.tr("Nothing more to earn on this debrief."))

    def show_missing(self, missing: list[Message]) -> None:
        """No count for a debrief that cannot be saved, since it earns nothing: what it
        lacks instead (sync.domain.scoring.missing_for_entries)."""
        self.entries.hide()
        self.entries.clear()
        self.summary.setText(message_text(missing[0]))
        self.hints.setText("\n".join(message_text(message) for message in missing[1:]))
