"""Opening the local database: durable pragmas, schema checks, corrupt files moved aside.

Every connection is opened through `connect`, which sets the pragmas the store relies on
and reads them back. `prepare` runs once before the main window opens: it refuses a
database from a newer Debrief, moves an unreadable file aside (never deletes it) and
runs pending migrations.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

from desktop.store.errors import (
    NewerDatabase,
    StoreError,
    UnsafeDatabase,
    is_corruption,
    store_error_from,
    unreadable,
)
from desktop.store.migrations import MIGRATION_SET, SCHEMA_VERSION, STEPS
from sync.domain.clock import Clock
from sync.domain.text import N_, Message

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5_000


def connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """A connection with WAL, synchronous=FULL, foreign keys and a busy timeout, checked.

    Transactions are explicit (`isolation_level=None`): the store says BEGIN IMMEDIATE
    and COMMIT itself, one transaction per user action.
    """
    conn = None
    try:
        if read_only:
            conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True,
                                   isolation_level=None, check_same_thread=False)
        else:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not read_only:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        if sys.platform == "darwin":
            conn.execute("PRAGMA fullfsync = ON")
        _check_pragmas(conn, path)
    except (sqlite3.Error, StoreError) as exc:
        if conn is not None:
            conn.close()
        if isinstance(exc, StoreError):
            raise
        known = store_error_from(exc, path)
        if known is not None:
            raise known from exc
        raise
    return conn


def _check_pragmas(conn: sqlite3.Connection, path: Path) -> None:
    expected = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1,
                "busy_timeout": BUSY_TIMEOUT_MS}
    if sys.platform == "darwin":
        expected["fullfsync"] = 1
    for name, want in expected.items():
        got = conn.execute(f"PRAGMA {name}").fetchone()[0]
        if (got.lower() if isinstance(got, str) else got) != want:
            raise UnsafeDatabase(Message(N_(
                "Debrief cannot store data safely in {path} (SQLite refused {setting}). "
                "Choose a data folder on a local disk."),
                {"path": str(path), "setting": f"{name}={want}"}))


@dataclass(frozen=True)
class Prepared:
    """The outcome of `prepare`: where the database is, and any file moved aside."""

    path: Path
    moved_aside: Path | None = None
    migrated_from: int | None = None


def prepare(path: Path, clock: Clock) -> Prepared:
    """Make `path` a current, healthy Debrief database, or raise StoreError.

    A file SQLite cannot read as a database is renamed to `<name>.corrupt-<time>`
    (with its -wal and -shm) and a fresh database is started beside it.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a read-only disk, no permission, a file in the folder's place
        raise unreadable(path) from exc
    moved = None
    try:
        version = _checked_version(path)
    except (_Corrupt, sqlite3.DatabaseError) as exc:
        if not (isinstance(exc, _Corrupt) or is_corruption(exc)):
            known = store_error_from(exc, path)
            if known is not None:
                raise known from exc
            raise
        moved = move_aside(path, clock)
        log.warning("damaged database moved aside to %s: %s", moved, exc)
        version = 0
    if version > SCHEMA_VERSION:
        raise NewerDatabase(Message(N_(
            "Your debriefs in {path} were saved by a newer version of Debrief (data "
            "version {found}; this one knows up to {known}). Install the newer version "
            "to open them; nothing has been changed."),
            {"path": str(path), "found": version, "known": SCHEMA_VERSION}))
    if version < SCHEMA_VERSION:
        _migrate(path)
    return Prepared(path, moved, version if version < SCHEMA_VERSION else None)


class _Corrupt(Exception):
    """The file opens, but SQLite's own check finds it damaged."""


def _checked_version(path: Path) -> int:
    """The schema number, after a quick integrity check; raises DatabaseError if corrupt."""
    if not path.exists():
        return 0
    version = _peeked_version(path)
    if version > SCHEMA_VERSION:
        return version  # refused by the caller, before anything touched the file
    conn = connect(path)
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            raise _Corrupt(f"quick_check: {result}")
        # A file we may read but not write fails here, not at the rep's first save: a
        # write that is rolled back (BEGIN IMMEDIATE alone succeeds on a read-only WAL file).
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(f"PRAGMA user_version = {version}")
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        return version
    finally:
        conn.close()


def _peeked_version(path: Path) -> int:
    """`user_version`, read before `connect` switches the file to WAL, so that a database
    this version refuses (newer, or with schema steps it does not know) stays unchanged.

    Unknown steps are checked even at the same schema number: a different build can have
    the same number of steps with other contents.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version <= SCHEMA_VERSION:
            _refuse_unknown_steps(conn, path)
        return version
    finally:
        conn.close()


def _refuse_unknown_steps(conn: sqlite3.Connection, path: Path) -> None:
    has_log = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                           "AND name = '_sqlite_migrations'").fetchone()
    if has_log is None:
        return
    applied = {row[0] for row in conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (MIGRATION_SET,))}
    unknown = applied - {name for name, _ in STEPS}
    if unknown:
        raise NewerDatabase(Message(N_(
            "Your debriefs in {path} were changed by another version of Debrief "
            "({steps}). Install that version to open them; nothing has been changed."),
            {"path": str(path), "steps": ", ".join(sorted(unknown))}))


def _migrate(path: Path) -> None:
    import sqlite_utils  # only needed when there is something to migrate

    from desktop.store.migrations import migrations

    conn = connect(path)
    try:
        migrations().apply(sqlite_utils.Database(conn))
    finally:
        conn.close()


def move_aside(path: Path, clock: Clock) -> Path:
    """Rename a damaged database (and its WAL files) so nothing is lost; return the name."""
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
    try:
        path.rename(target)
    except OSError as exc:
        raise unreadable(path) from exc
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(target.with_name(target.name + suffix))
    return target


__all__ = ["Prepared", "StoreError", "connect", "move_aside", "prepare"]
