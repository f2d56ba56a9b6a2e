"""Did the app's last run end cleanly? If not, what did it leave in the log?

While the app runs, a marker file sits beside the log and `faulthandler` writes any
fatal error (a crash in Qt, or in Python itself, that no `except` sees) into the log.
The marker goes when the app closes. A marker found at the next start means that run
never closed: it crashed, was killed, or the computer lost power. The log from where
that run began holds its report.

The marker is held locked while its run lasts, so a second copy of Debrief started on
the same data does not take a running one for a crashed one.
"""

from __future__ import annotations

import contextlib
import faulthandler
import json
import os
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

FATAL_MARKS = ("Fatal Python error", "Windows fatal exception")
LOG_LINES_KEPT = 30  # of what the run logged before it ended, for context
REPORT_MAX_CHARS = 60_000


@dataclass(frozen=True)
class UncleanEnd:
    """A run that never closed: when it started, and what it left in the log."""

    started_at: datetime | None
    fatal_error: str  # faulthandler's report, or "" when the run was stopped from outside
    last_log_lines: str

    @property
    def report(self) -> str:
        parts = [self.fatal_error.strip(), self.last_log_lines.strip()]
        return "\n\n".join(part for part in parts if part)


class RunRecord:
    """The marker of this run, beside `log_file`."""

    def __init__(self, log_file: Path):
        self.log_file = log_file
        self.marker = log_file.with_name("running.json")
        self._held: IO[str] | None = None
        self._fault_log: IO[bytes] | None = None

    def previous(self) -> UncleanEnd | None:
        """How the last run ended badly, or None if it closed (or is still running)."""
        if not self.marker.exists() or _held_elsewhere(self.marker):
            return None
        try:
            mark = json.loads(self.marker.read_text(encoding="utf-8"))
            started = datetime.fromisoformat(mark["started_at"])
            offset = int(mark["log_offset"])
        except (OSError, ValueError, KeyError, TypeError):
            started, offset = None, 0
        logged = _read_from(self.log_file, offset)
        fatal_at = min((i for i in (logged.find(m) for m in FATAL_MARKS) if i >= 0),
                       default=-1)
        before = logged if fatal_at < 0 else logged[:fatal_at]
        fatal = "" if fatal_at < 0 else logged[fatal_at:]
        tail = "\n".join(before.rstrip("\n").splitlines()[-LOG_LINES_KEPT:])
        return UncleanEnd(started, fatal[:REPORT_MAX_CHARS], tail)

    def begin(self, now: datetime) -> None:
        """Mark this run as open, and send fatal errors to the log."""
        if _held_elsewhere(self.marker):
            return  # another copy runs on this data: its marker is its own
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        self._fault_log = open(self.log_file, "ab")  # noqa: SIM115 (open for the whole run)
        faulthandler.enable(file=self._fault_log, all_threads=True)
        offset = self._fault_log.tell()
        held = open(self.marker, "w", encoding="utf-8")  # noqa: SIM115 (locked while running)
        _lock(held)
        held.write(json.dumps({"started_at": now.isoformat(), "log_offset": offset,
                               "pid": os.getpid()}))
        held.flush()
        self._held = held

    def end(self) -> None:
        """This run closes cleanly: take the marker away."""
        if self._fault_log is not None:
            faulthandler.disable()
            self._fault_log.close()
            self._fault_log = None
        if self._held is not None:
            self._held.close()  # releases the lock
            self._held = None
            with contextlib.suppress(FileNotFoundError):
                self.marker.unlink()


def _read_from(log_file: Path, offset: int) -> str:
    try:
        with open(log_file, "rb") as log:
            log.seek(max(offset, 0))
            return log.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


def _lock(handle: IO[str]) -> None:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)  # the lock is on the first byte, wherever the handle was opened
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def _held_elsewhere(marker: Path) -> bool:
    """True when another running copy holds `marker`'s lock."""
    if not marker.exists():
        return False
    try:
        handle = open(marker, "a", encoding="utf-8")  # noqa: SIM115
    except OSError:
        return False
    try:
        _lock(handle)
    except OSError:
        return True
    finally:
        handle.close()  # closing also drops a lock just taken
    return False
