"""Is this Python and Qt binding pair safe for a whole day? Measured, not looked up.

PySide6 6.12.0 on Python 3.11 drops one reference to `None` on every call into Qt
that returns nothing. Python before 3.12 does not make `None` immortal, so a fresh app
process aborts with "none_dealloc: deallocating None" once the few thousand references
it holds are used up: after a few hundred key presses, mid-quote. A pytest process
holds far more references to `None` and never gets there, so the pair is measured here
instead: calls that return nothing, with `sys.getrefcount(None)` before and after.

`make qt-check`, `debrief --smoke-test` and the start of the app refuse a pair that
leaks, saying what to install. pyproject.toml keeps pip off the known bad pair.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

PROBE_CALLS = 500
# A pair known to leak, and what the project pins instead (pyproject.toml says the same).
KNOWN_LEAKING = "PySide6 6.12.0 with Python 3.11"
SAFE_INSTALL = "pip install 'pyside6-essentials>=6.6,<6.12'"


def none_references_lost(calls: int = PROBE_CALLS) -> int:
    """How many references to `None` `calls` calls into Qt lose (0 for a safe pair).

    Needs no QApplication: QObject.setObjectName returns nothing, as QLabel.setText
    does, and goes through the same binding code."""
    from PySide6.QtCore import QObject

    probe = QObject()
    name = "probe"
    probe.setObjectName(name)  # the first call may cache; count from the second
    before = sys.getrefcount(None)
    for _ in range(calls):
        probe.setObjectName(name)
    lost = before - sys.getrefcount(None)
    if lost > 0:
        _give_back_none_references(lost)  # so the probe itself never causes the abort
    return max(lost, 0)


def _give_back_none_references(count: int) -> None:
    import ctypes

    for _ in range(count):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))


def binding_problem(calls: int = PROBE_CALLS,
                    measure: Callable[[int], int] = none_references_lost) -> str | None:
    """A sentence naming the unsafe pair and what to install, or None when it is safe."""
    lost = measure(calls)
    if lost == 0:
        return None
    import PySide6

    python = ".".join(str(part) for part in sys.version_info[:3])
    return (f"PySide6 {PySide6.__version__} on Python {python} loses a reference to None "
            f"on each call into Qt ({lost} in {calls} calls), so Debrief would crash after "
            f"a few hundred key presses (known: {KNOWN_LEAKING}). Install a safe PySide6 "
            f"into this Python: {SAFE_INSTALL} (or use Python 3.12 or newer).")
