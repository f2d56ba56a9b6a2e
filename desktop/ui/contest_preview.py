"""The prize panel beside the form: the entries this debrief earns and how to earn more,
and below them the team's running contest and where the rep stands in it.

The contest part comes from the last sync (sync.domain.contest_standing), kept in the
local store, so it shows offline too, with the time it was fetched. Not connected, it
is left out; connected with no contest running, one calm line says so.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from desktop.ui.contest_texts import ends_text
from desktop.ui.sync_status import count_text, short_time
from desktop.ui.text import message_text, tr
from sync.domain.clock import Clock, SystemClock
from sync.domain.contest_standing import ContestStanding
from sync.domain.scoring import Score
from sync.domain.text import Message

PANEL_WIDTH = 240


class ContestPreview(QFrame):
    def __init__(self, parent: QWidget | None = None, clock: Clock | None = None):
        super().__init__(parent)
        self.setObjectName("contestPreview")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFixedWidth(PANEL_WIDTH)  # its texts change as the rep types: the form must not
        self.clock = clock or SystemClock()
        self.standing: ContestStanding | None = None
        title = QLabel(self.tr("Prize draw"))
        title.setObjectName("previewTitle")
        self.entries = QLabel()
        self.entries.setObjectName("previewEntries")
        self.entries.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption = self._label("previewCaption")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary = self._label("previewSummary")
        self.hints = self._label("previewHints")
        self.rule = QFrame()
        self.rule.setObjectName("previewRule")
        self.rule.setFrameShape(QFrame.Shape.HLine)
        self.contest_name = self._label("contestName")
        self.prize = self._label("contestPrize")
        self.ends = self._label("contestEnds")
        self.mine = self._label("contestMine")
        self.as_of = self._label("contestAsOf")
        self.no_contest = self._label("noContest")
        layout = QVBoxLayout(self)
        for widget in (title, self.entries, self.caption):
            layout.addWidget(widget)
        layout.addSpacing(6)
        layout.addWidget(self.summary)
        layout.addWidget(self.hints)
        layout.addStretch(1)  # the contest stays at the foot as the hints come and go
        layout.addWidget(self.rule)
        for widget in (self.contest_name, self.prize, self.ends, self.mine, self.as_of,
                       self.no_contest):
            layout.addWidget(widget)
        self.hide_standing()

    def _label(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)  # names and prizes come from the server
        return label

    # --- this debrief -------------------------------------------------------------------

    def show_score(self, score: Score) -> None:
        """The entries a debrief that can be saved earns, and how to earn more."""
        self.entries.setText(str(score.entries))
        self.caption.setText(tr("(entry|entries) for this debrief", None, score.entries))
        for widget in (self.entries, self.caption):
            widget.show()
        self.summary.hide()
        self.summary.clear()
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
        for widget in (self.entries, self.caption):
            widget.hide()
            widget.clear()
        self.summary.setText(message_text(missing[0]))
        self.summary.show()
        self.hints.setText("\n".join(message_text(message) for message in missing[1:]))

    # --- the contest --------------------------------------------------------------------

    def show_standing(self, standing: ContestStanding | None) -> None:
        """The team's running contest and the rep's standing in it, as last fetched;
        None: the server says no contest of the rep's team is running."""
        self.standing = standing
        contest = (self.contest_name, self.prize, self.ends, self.as_of)
        if standing is None:
            self._show_only(self.no_contest)
            self.no_contest.setText(self.tr("No contest is running for your team."))
            return
        self._show_only(*contest, *((self.mine,) if standing.my_entries is not None else ()))
        now = self.clock.now()
        self.contest_name.setText(standing.name)
        self.prize.setText(self.tr("Prize: {prize}").format(prize=standing.prize))
        self.ends.setText(ends_text(standing.ends_at, now))
        if standing.my_entries is not None:
            mine = self.tr("Your entries so far: {entries}").format(
                entries=count_text(standing.my_entries))
            self.mine.setText(f"{mine} \u00b7 {tr(standing.band_text)}" if standing.band_text
                              else mine)
        self.as_of.setText(self.tr("as of {time}").format(
            time=short_time(standing.fetched_at, now=now)))

    def hide_standing(self) -> None:
        """Not connected (or not known yet): this debrief's entries and the hints only."""
        self.standing = None
        self._show_only()

    def _show_only(self, *shown: QLabel) -> None:
        self.rule.setVisible(bool(shown))
        for label in (self.contest_name, self.prize, self.ends, self.mine, self.as_of,
                      self.no_contest):
            label.setVisible(label in shown)
            if label not in shown:
                label.clear()
