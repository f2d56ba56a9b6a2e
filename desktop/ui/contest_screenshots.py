"""The Contest workspace for `make screenshots`: a rep's view, a manager's, a rep's
debriefs as their manager sees them, the contest editor and the TV view, from sample
answers (never a server: the widgets' questions go nowhere)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from desktop.ui.main_window import MainWindow
from sync.client.contest_answers import (
    Board,
    ContestInfo,
    ContestPage,
    DrawInfo,
    Entries,
    Entry,
    Standing,
    VoidNote,
    Winner,
)
from sync.client.status import settled
from sync.domain.clock import SteppingClock
from sync.domain.scoring import ContestRules, Rulebook, RuleVersion, Why
from sync.domain.sync_state import ReplicaCounts

NAMES = ("Priya Raman", "Jonas Weber", "Alex Moreau", "Sofia Lindqvist", "Tom Okafor",
         "Mei Chen", "Lucas Ferreira", "Hannah Novak", "Omar Haddad", "Elena Rossi",
         "Ben Carter", "Ana Souza")


class QuietServer:
    """Stands in for the sync worker: questions are asked of no one."""

    def ask(self, call: Any) -> None:
        pass


def sample_contests(now: datetime) -> tuple[ContestInfo, ContestInfo]:
    changed = Rulebook([RuleVersion(1, None, ContestRules()),
                        RuleVersion(2, now - timedelta(days=5), ContestRules(competitor=2))])
    running = ContestInfo(7, "Enterprise", "December close-out", "A weekend in Lisbon for two",
                          now - timedelta(days=20), now + timedelta(days=11, hours=3),
                          changed, 2, "9f2c1e" * 10 + "ab12")
    ended = ContestInfo(4, "Enterprise", "November sprint", "Noise-cancelling headphones",
                        now - timedelta(days=50), now - timedelta(days=20),
                        Rulebook.single(ContestRules()), 1, "41d07a" * 10 + "c3e9")
    return running, ended


def sample_board(now: datetime, manager: bool) -> Board:
    entries = (96, 88, 71, 64, 60, 52, 47, 42, 30, 22, 15, 9)
    table = tuple(Standing(rank, name.lower().replace(" ", "."), name, count, count // 4,
                           now - timedelta(hours=rank * 7),
                           {1: count - count // 5, 2: count // 5})
                  for rank, (name, count) in enumerate(zip(NAMES, entries, strict=True), 1))
    me = table[2]
    return Board(len(table), table if manager else table[:3], me, "top 25%")


def sample_entries(now: datetime) -> Entries:
    day = timedelta(days=1)
    v1, v2 = now - 6 * day, now
    items = (
        _entry("d1", now - 19 * day, "lost", "evaluation", 6, 6, Why.SCORED),
        _entry("d2", now - 17 * day, "won", "selection", 8, 8, Why.SCORED),
        _entry("d3", now - 17 * day, "lost", "evaluation", 0, 6, Why.NEAR_DUPLICATE,
               duplicate_of=("d1", now - 19 * day)),
        _entry("d4", now - 12 * day, "no_decision", "interest", 0, 5, Why.VOIDED, voids=(
            VoidNote(True, "Logged for a call that did not happen", "Dana (manager)",
                     now - 11 * day),)),
        _entry("d5", now - 9 * day, "progressed", "consideration", 4, 7, Why.DAILY_CAP),
        _entry("d6", v1 + day * 3, "lost", "evaluation", 8, 8, Why.SCORED, version=2, voids=(
            VoidNote(True, "Looks like a copy", "Dana (manager)", now - 2 * day),
            VoidNote(False, "Different deal, my mistake", "Dana (manager)", now - day))),
        _entry("d7", v2 - day, "won", "selection", 8, 8, Why.SCORED, version=2),
    )
    return Entries("Alex Moreau", sum(item.entries for item in items), items)


def _entry(debrief_id: str, made: datetime, outcome: str, stage: str, entries: int,
           scored: int, why: Why, *, duplicate_of: tuple[str, datetime] | None = None,
           version: int = 1, voids: tuple[VoidNote, ...] = ()) -> Entry:
    return Entry(debrief_id, made, outcome, stage, entries, scored, why,
                 duplicate_of[0] if duplicate_of else None,
                 duplicate_of[1] if duplicate_of else None, version, voids)


def sample_draw(contest: ContestInfo) -> DrawInfo:
    return DrawInfo(contest.commitment, True, "5be0c4" * 10 + "77d1", "e3" * 32,
                    (Winner(1, 31, "Mei Chen", 58),))


def grab_contest(window: MainWindow, out: Path, suffix: str,
                 grab: Callable[[QWidget, Path], None]) -> None:
    """The Contest tab as a rep and as their manager see it, and the manager's dialogs."""
    from desktop.ui.contest_editor import ContestEditor
    from desktop.ui.contest_workspace import ContestWorkspace
    from desktop.ui.rep_entries import RepEntries
    from desktop.ui.tv_board import TvBoard

    now = datetime.now(UTC).replace(hour=14, minute=32, second=0, microsecond=0)
    clock = SteppingClock(now, timedelta(0))
    quiet: Any = QuietServer()
    running, ended = sample_contests(now)
    if window.contest is not None:  # the window's own asks its server: not for a picture
        window.tabs.setTabVisible(window.tabs.indexOf(window.contest), False)
    workspace = ContestWorkspace(quiet, clock, "rep", window.local_preview)
    window.tabs.addTab(workspace, window.tr("C&ontest"))
    window.tabs.setCurrentWidget(workspace)
    window.sync.area.show_status(settled(ReplicaCounts(waiting=2), now))
    workspace.show_page(ContestPage((running, ended), running, sample_board(now, False),
                                    sample_entries(now), DrawInfo(running.commitment, False,
                                                                  None, None, None), 31))
    grab(window, out / f"contest{suffix}.png")
    workspace.show_page(ContestPage((running, ended), ended, sample_board(now, False),
                                    sample_entries(now), sample_draw(ended), 31))
    grab(window, out / f"contest-drawn{suffix}.png")

    workspace.use_role("manager")
    workspace.show_page(ContestPage((running, ended), running, sample_board(now, True), None,
                                    DrawInfo(running.commitment, False, None, None, None), 12))
    grab(window, out / f"contest-manager{suffix}.png")
    entries = RepEntries(quiet, running, "alex.moreau", "Alex Moreau", clock, workspace)
    entries.show_entries(sample_entries(now))
    entries.view.selectRow(3)
    entries.show()
    grab(entries, out / f"contest-rep-entries{suffix}.png")
    entries.close()
    editor = ContestEditor(quiet, clock, workspace)
    editor.on_me({"manages": ["Enterprise"], "role": "manager"})
    editor.name.setText("January kick-off")
    editor.prize.setText("Dinner for two at the Harbour Grill")
    editor.winners.setValue(3)
    editor.rule_boxes["competitor"].setValue(2)
    editor.show()
    grab(editor, out / f"contest-editor{suffix}.png")
    editor.close()
    tv = TvBoard(quiet, running.id, clock)
    tv.resize(1280, 720)
    tv.show_board((running, sample_board(now, True)))
    tv.show()
    grab(tv, out / f"contest-tv{suffix}.png")
    tv.close()
    window.tabs.removeTab(window.tabs.indexOf(workspace))
    workspace.deleteLater()

