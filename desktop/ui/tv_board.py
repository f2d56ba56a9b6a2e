"""The TV view: a contest's leaderboard full screen for the sales floor, in large type,
fetching itself again every minute. It shows what a rep may see, never more: the
leaders by name only within the top quarter of the field (sync.domain.leaderboard), and
how many reps are in each band; nobody is shown at the bottom. Esc closes it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.ui.contest_texts import problem_text, time_left_text
from desktop.ui.sync_worker import ServerCall
from desktop.ui.text import moment_text, tr
from sync.client.contest_answers import Board, ContestInfo, read_board, read_contest
from sync.domain.clock import Clock
from sync.domain.leaderboard import Band, band_sizes, named

if TYPE_CHECKING:
    from desktop.ui.sync_worker import SyncWorker

REFRESH_MS = 60_000


class TvBoard(QWidget):
    def __init__(self, sync: SyncWorker, contest_id: int, clock: Clock,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("tvBoard")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(tr("Debrief leaderboard"))
        self.sync, self.contest_id, self.clock = sync, contest_id, clock
        self.heading = QLabel(tr("Loading..."))
        self.heading.setObjectName("tvHeading")
        self.leaders = QLabel()
        self.leaders.setObjectName("tvLeaders")
        self.bands = QLabel()
        self.bands.setObjectName("tvBands")
        self.footer = QLabel()
        self.footer.setObjectName("tvFooter")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 40, 60, 40)
        for label, size in ((self.heading, 40), (self.leaders, 32), (self.bands, 24),
                            (self.footer, 14)):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            font = label.font()
            font.setPointSize(size)
            label.setFont(font)
            layout.addWidget(label)
        layout.insertStretch(2, 1)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.ask)
        self.timer.start(REFRESH_MS)
        self.ask()

    def ask(self) -> None:
        contest_id = self.contest_id
        self.sync.ask(ServerCall(
            lambda central: (read_contest(central.contest(contest_id)),
                             read_board(central.leaderboard(contest_id))),
            self.show_board, self.on_failed, self))

    def show_board(self, found: tuple[ContestInfo, Board]) -> None:
        contest, board = found
        now = self.clock.now()
        self.heading.setText(f"{contest.name}: {contest.prize} \u00b7 "
                             f"{time_left_text(contest, now)}")
        shown = board.top[:named([s.rank for s in board.top])]
        self.leaders.setText("\n".join(
            f"{s.rank}. {s.display_name}  {tr('%n (entry|entries)', None, s.entries)}"
            for s in shown) or tr("The leaders are named once the field is larger."))
        # Counted as a rep reads their band: "top 25%" takes in the top 10% too.
        counts, within = band_sizes([s.rank for s in board.top]), 0
        parts = []
        for level in (Band.TOP_10, Band.TOP_25, Band.TOP_HALF):
            within += counts[level]
            if within:
                parts.append(f"{tr(level.text)}: {tr('%n rep(s)', None, within)}")
        self.bands.setText("   ".join(parts))
        self.footer.setText(tr("Updated {time}").format(time=moment_text(now)))

    def on_failed(self, problem: Any) -> None:
        self.footer.setText(tr("Not updated: {problem}").format(problem=problem_text(problem)))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)
