"""The README's key sequences, pressed as written, save the debriefs it describes."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from sync.domain.debrief import Outcome, Segment, Stage

README = Path(__file__).resolve().parents[2] / "README.md"
NAMED_KEYS = {"Tab": Qt.Key.Key_Tab, "Enter": Qt.Key.Key_Return}


def readme_keys(name: str) -> list[str]:
    """The keys written after `<!-- keys: NAME -->` in the README, one per backtick pair."""
    text = README.read_text(encoding="utf-8")
    marker = text.index(f"<!-- keys: {name} -->")
    line = text[marker:].splitlines()[1]
    return re.findall(r"`([^`]+)`", line)


def press(qtbot, keys: list[str]) -> None:
    for key in keys:
        target = QApplication.focusWidget()
        assert target is not None, f"no widget has focus before {key!r}"
        if key == "Ctrl+Enter":
            qtbot.keyClick(target, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        elif key in NAMED_KEYS:
            qtbot.keyClick(target, NAMED_KEYS[key])
        else:
            assert len(key) == 1, f"the README names a key the test does not know: {key!r}"
            qtbot.keyClick(target, key.lower())


def test_the_first_debrief_as_the_readme_says(qtbot, window, settle):
    assert window.services.reader.last_saved() is None  # nothing remembered yet
    with qtbot.wait_signal(window.form.saved, timeout=5000) as saved:
        press(qtbot, readme_keys("first debrief"))
    debrief = saved.args[0]
    assert (debrief.outcome, debrief.stage) == (Outcome.LOST, Stage.EVALUATION)
    assert debrief.segment == Segment("software", "200-999", "dach")
    assert [r.code for r in debrief.reasons] == ["price.too_high"]
    settle(window)

    with qtbot.wait_signal(window.form.saved, timeout=5000) as saved:
        press(qtbot, readme_keys("next debrief"))
    debrief = saved.args[0]
    assert (debrief.outcome, debrief.stage) == (Outcome.WON, Stage.SELECTION)
    assert debrief.segment == Segment("software", "200-999", "dach")  # remembered
    assert [r.code for r in debrief.reasons] == ["price.clear_roi"]
    settle(window)
