"""Store failures that are the environment's fault, told in words a rep can act on.

Anything else that goes wrong in the store is a bug and goes to the crash dialog.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sync.domain.text import N_, Message


class StoreError(Exception):
    """A known, environment-caused store failure with a message for the rep."""

    def __init__(self, message: Message):
        super().__init__(message.text)
        self.message = message


class DatabaseBusy(StoreError):
    pass


class DiskFull(StoreError):
    pass


class DatabaseUnreadable(StoreError):
    pass


class NewerDatabase(StoreError):
    pass


class UnsafeDatabase(StoreError):
    """SQLite did not accept a durability setting we rely on."""


def store_error_from(exc: sqlite3.Error, path: Path) -> StoreError | None:
    """Translate an sqlite3 error into a StoreError, or None if it looks like a bug."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    where = {"path": str(path)}
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return DatabaseBusy(Message(N_(
            "Your debriefs are in use by another program (is Debrief open twice?). "
            "Close it and try again; nothing was lost."), where))
    if name == "SQLITE_FULL":
        return DiskFull(Message(N_(
            "The disk is full, so this could not be saved. Free some space and try again; "
            "what you typed is kept."), where))
    if name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM")):
        return unreadable(path)
    return None


def unreadable(path: Path) -> DatabaseUnreadable:
    """The data file or its folder cannot be read or written (also for OSErrors)."""
    return DatabaseUnreadable(Message(N_(
        "Debrief cannot read or write its data file {path}. Check that the disk is "
        "connected and that you may write there."), {"path": str(path)}))


def is_corruption(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))
