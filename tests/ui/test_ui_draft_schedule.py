"""The draft is written after a pause in typing, and at least every two seconds without one."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from desktop.ui.draft_schedule import DraftSchedule


def _keep_changing(schedule: DraftSchedule, every_ms: int) -> QTimer:
    typing = QTimer()
    typing.setInterval(every_ms)
    typing.timeout.connect(schedule.changed)
    typing.start()
    return typing


def test_a_pause_makes_it_due_once(qtbot):
    schedule = DraftSchedule(quiet_ms=50, longest_wait_ms=1_000)
    with qtbot.wait_signal(schedule.due, timeout=500):
        schedule.changed()
        schedule.changed()
    with qtbot.assert_not_emitted(schedule.due, wait=200):
        pass


def test_changes_without_a_pause_are_due_by_the_deadline(qtbot):
    schedule = DraftSchedule(quiet_ms=100, longest_wait_ms=300)
    due = []
    schedule.due.connect(lambda: due.append(1))
    typing = _keep_changing(schedule, 20)  # never a 100 ms pause
    schedule.changed()
    qtbot.wait(1_000)
    typing.stop()
    assert 2 <= len(due) <= 4  # once per 300 ms while the changes go on


def test_stopping_forgets_what_was_waiting(qtbot):
    schedule = DraftSchedule(quiet_ms=50, longest_wait_ms=100)
    schedule.changed()
    assert schedule.is_pending()
    schedule.stop()
    assert not schedule.is_pending()
    with qtbot.assert_not_emitted(schedule.due, wait=200):
        pass
