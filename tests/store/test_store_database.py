"""Opening the local database: pragmas, schema number, refusals, damaged files moved aside."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from helpers.store_samples import T0

from desktop.store.database import BUSY_TIMEOUT_MS, Prepared, connect, prepare
from desktop.store.debriefs import DebriefStore
from desktop.store.errors import (
    DatabaseBusy,
    DatabaseUnreadable,
    DiskFull,
    NewerDatabase,
    StoreError,
    is_corruption,
    store_error_from,
)
from desktop.store.migrations import MIGRATION_SET, SCHEMA_VERSION, STEPS
from sync.domain.clock import SteppingClock

REPO = Path(__file__).resolve().parents[2]
STAMP = T0.strftime("%Y%m%dT%H%M%SZ")


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def user_version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0]


def debrief_count(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT COUNT(*) FROM debrief").fetchone()[0]


# --- pragmas ------------------------------------------------------------------------------


@pytest.mark.parametrize("read_only", [False, True], ids=["read-write", "read-only"])
def test_connect_sets_the_durability_pragmas_and_they_read_back(db_path, clock, read_only):
    prepare(db_path, clock)
    with closing(connect(db_path, read_only=read_only)) as conn:
        def pragma(name):
            return conn.execute(f"PRAGMA {name}").fetchone()[0]

        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == BUSY_TIMEOUT_MS > 0
        if sys.platform == "darwin":
            assert pragma("fullfsync") == 1


def test_connect_does_not_open_a_python_managed_transaction(db_path, clock):
    """The store says BEGIN IMMEDIATE itself; sqlite3 must not begin one behind its back."""
    prepare(db_path, clock)
    with closing(connect(db_path)) as conn:
        assert conn.isolation_level is None
        conn.execute("INSERT INTO draft (slot, body, saved_at) VALUES ('x', '{}', 'now')")
        assert not conn.in_transaction
    assert user_version(db_path) == SCHEMA_VERSION


# --- schema ---------------------------------------------------------------------------------


def test_a_fresh_database_gets_the_current_schema(db_path, clock):
    prepared = prepare(db_path, clock)

    assert prepared == Prepared(db_path, moved_aside=None, migrated_from=0)
    assert user_version(db_path) == SCHEMA_VERSION == len(STEPS)
    with closing(sqlite3.connect(db_path)) as conn:
        applied = conn.execute(
            "SELECT migration_set, name FROM _sqlite_migrations ORDER BY id").fetchall()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert applied == [(MIGRATION_SET, name) for name, _ in STEPS]
    assert {"debrief", "reason", "draft"} <= tables


def test_preparing_a_current_database_again_changes_nothing(db_path, clock):
    prepare(db_path, clock)
    before = files_in(db_path.parent)

    assert prepare(db_path, clock) == Prepared(db_path)
    assert files_in(db_path.parent) == before


@pytest.mark.parametrize("journal_mode", ["wal", "delete"])
def test_a_database_from_a_newer_debrief_is_refused_and_left_untouched(db_path, clock,
                                                                        journal_mode):
    prepare(db_path, clock)
    with closing(sqlite3.connect(db_path, isolation_level=None)) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        conn.execute(f"PRAGMA journal_mode = {journal_mode}")
    before = files_in(db_path.parent)

    with pytest.raises(NewerDatabase) as refused:
        prepare(db_path, clock)

    assert files_in(db_path.parent) == before  # byte for byte, and nothing added beside it
    message = str(refused.value)
    assert str(db_path) in message and str(SCHEMA_VERSION + 1) in message
    assert "nothing has been changed" in message


@pytest.mark.parametrize("version", [0, SCHEMA_VERSION], ids=["older-number", "same-number"])
def test_a_database_with_schema_steps_this_version_does_not_know_is_refused(db_path, clock,
                                                                            version):
    """Another build may carry a step we never shipped, even under the same schema number."""
    prepare(db_path, clock)
    with closing(sqlite3.connect(db_path, isolation_level=None)) as conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                     "VALUES (?, '0002_from_another_build', '2026-01-01')", (MIGRATION_SET,))
        conn.execute(f"PRAGMA user_version = {version}")
    before = files_in(db_path.parent)

    with pytest.raises(NewerDatabase, match="0002_from_another_build"):
        prepare(db_path, clock)

    assert files_in(db_path.parent) == before


def test_steps_of_another_migration_set_in_the_same_file_are_not_ours_to_judge(db_path, clock):
    prepare(db_path, clock)
    with closing(sqlite3.connect(db_path, isolation_level=None)) as conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                     "VALUES ('some_plugin', '0001_plugin', '2026-01-01')")

    assert prepare(db_path, clock).moved_aside is None


# --- damaged files --------------------------------------------------------------------------


def test_a_file_that_is_not_a_database_is_moved_aside_and_a_fresh_one_started(
        db_path, clock, caplog):
    db_path.parent.mkdir(parents=True)
    garbage = b"not a database\n" * 300
    db_path.write_bytes(garbage)

    with caplog.at_level(logging.WARNING, logger="desktop.store.database"):
        prepared = prepare(db_path, clock)

    assert prepared.moved_aside == db_path.with_name(f"debrief.sqlite.corrupt-{STAMP}")
    assert prepared.moved_aside.read_bytes() == garbage
    assert prepared.migrated_from == 0
    assert user_version(db_path) == SCHEMA_VERSION
    assert debrief_count(db_path) == 0
    assert str(prepared.moved_aside) in caplog.text


def test_moving_aside_twice_in_the_same_second_keeps_both_files(db_path):
    clock = SteppingClock(start=T0, step=timedelta(0))
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"first damaged file" * 100)
    first = prepare(db_path, clock).moved_aside
    db_path.unlink()
    db_path.write_bytes(b"second damaged file" * 100)

    second = prepare(db_path, clock).moved_aside

    assert first is not None and second is not None and first != second
    assert first.read_bytes() == b"first damaged file" * 100
    assert second.read_bytes() == b"second damaged file" * 100
    assert second.name == f"debrief.sqlite.corrupt-{STAMP}-2"


def _fill(store: DebriefStore, make_debrief, n: int) -> None:
    for i in range(n):
        store.save(make_debrief(store, private_notes=f"call {i}: " + "notes " * 80))


_LEAVE_WAL_BEHIND = """
import os, sys
from pathlib import Path
from desktop.store.database import connect
conn = connect(Path(sys.argv[1]))
conn.execute("UPDATE debrief SET crm_ref = 'MARKER-IN-WAL' "
             "WHERE rowid = (SELECT max(rowid) FROM debrief)")
os._exit(0)  # no close, no checkpoint: the -wal and -shm stay behind, as after a crash
"""


def _with_repo_on_path(environ) -> dict[str, str]:
    paths = [str(REPO), *filter(None, [environ.get("PYTHONPATH")])]
    return {**environ, "PYTHONPATH": os.pathsep.join(paths)}


def _wal_pages(wal: Path) -> set[int]:
    """Page numbers that have frames in a WAL file (its format is documented by SQLite)."""
    data = wal.read_bytes()
    page_size = int.from_bytes(data[8:12], "big")
    frame = 24 + page_size
    return {int.from_bytes(data[off:off + 4], "big") for off in range(32, len(data), frame)}


def _quick_check_fails(copy_of: Path, scratch: Path) -> bool:
    scratch.mkdir()
    copy = scratch / "copy.sqlite"
    shutil.copyfile(copy_of, copy)
    try:
        with closing(sqlite3.connect(copy)) as conn:
            return conn.execute("PRAGMA quick_check").fetchone()[0] != "ok"
    except sqlite3.DatabaseError:
        return True


@pytest.mark.parametrize("damage", ["header", "middle"])
@pytest.mark.parametrize("wal_left", [False, True], ids=["closed", "crashed-with-wal"])
def test_a_damaged_database_is_moved_aside_with_what_it_held(
        db_path, store, make_debrief, tmp_path, damage, wal_left):
    _fill(store, make_debrief, 300)
    store.conn.close()
    if wal_left:
        subprocess.run([sys.executable, "-c", _LEAVE_WAL_BEHIND, str(db_path)],
                       cwd=REPO, env=_with_repo_on_path(os.environ), check=True)
        assert db_path.with_name("debrief.sqlite-wal").exists()
    data = bytearray(db_path.read_bytes())
    if damage == "header":
        data[0:16] = b"\0" * 16  # the "SQLite format 3" magic
    else:
        in_wal = _wal_pages(db_path.with_name("debrief.sqlite-wal")) if wal_left else set()
        pages = len(data) // 4096
        middle = [p for p in range(pages // 3, 2 * pages // 3) if p + 1 not in in_wal]
        page = middle[len(middle) // 2]  # zero-based; SQLite numbers pages from 1
        data[page * 4096:(page + 1) * 4096] = b"\xff" * 4096
    db_path.write_bytes(bytes(data))
    assert _quick_check_fails(db_path, tmp_path / "scratch"), "the damage must be detectable"
    if damage == "middle":
        assert user_version(tmp_path / "scratch" / "copy.sqlite") == SCHEMA_VERSION

    prepared = prepare(db_path, SteppingClock(start=T0))  # the store's clock has moved on

    moved = prepared.moved_aside
    assert moved == db_path.with_name(f"debrief.sqlite.corrupt-{STAMP}")
    beside = sorted(p.name for p in db_path.parent.iterdir())
    old_companions = [n for n in beside if n.startswith(moved.name + "-")]
    # No file of the damaged database may stay next to the fresh one: a stale -wal would be
    # replayed into it.
    assert beside == sorted(["debrief.sqlite", moved.name, *old_companions])
    if wal_left:
        # SQLite folds the WAL into the damaged file when it closes it (or the -wal moves
        # with it): either way, the last committed change is kept with the moved file.
        kept = b"".join((db_path.parent / n).read_bytes() for n in [moved.name, *old_companions])
        assert b"MARKER-IN-WAL" in kept
    else:
        assert moved.read_bytes() == bytes(data)
    assert user_version(db_path) == SCHEMA_VERSION
    assert debrief_count(db_path) == 0


def test_companion_files_move_with_the_database_they_belong_to(db_path, clock):
    """`move_aside` itself: the -wal and -shm go along, renamed after the database."""
    from desktop.store.database import move_aside

    db_path.parent.mkdir(parents=True)
    for suffix, content in [("", b"db"), ("-wal", b"wal"), ("-shm", b"shm")]:
        db_path.with_name(db_path.name + suffix).write_bytes(content)

    target = move_aside(db_path, clock)

    assert files_in(db_path.parent) == {
        target.name: b"db", target.name + "-wal": b"wal", target.name + "-shm": b"shm"}


# --- environment failures become StoreErrors -----------------------------------------------


def test_a_save_while_another_program_holds_the_write_lock_is_busy_and_writes_nothing(
        store, make_debrief, db_path, counts):
    store.conn.execute("PRAGMA busy_timeout = 50")  # don't wait the full five seconds here
    debrief = make_debrief(store)
    with closing(sqlite3.connect(db_path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(DatabaseBusy) as busy:
            store.save(debrief)
        other.execute("ROLLBACK")

    assert isinstance(busy.value.__cause__, sqlite3.OperationalError)
    assert "another program" in str(busy.value)
    assert not store.conn.in_transaction
    assert counts() == {"debrief": 0, "reason": 0, "draft": 0}
    assert store.save(debrief).revision == 1  # and the store goes on once the lock is gone


def test_a_full_disk_during_a_save_is_told_as_such_and_writes_nothing(
        store, make_debrief, counts):
    """SQLite rolls the whole transaction back itself on SQLITE_FULL; the error must still
    reach the rep as DiskFull, not as a failed second ROLLBACK."""
    first = store.save(make_debrief(store))
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")  # the "disk" is now full

    with pytest.raises(DiskFull) as full:
        store.save(first.with_changes(private_notes="a long note " * 800))

    assert "disk is full" in str(full.value)
    assert not store.conn.in_transaction
    assert store.get(first.id) == first
    assert counts() == {"debrief": 1, "reason": 2, "draft": 0}


def test_a_save_through_a_read_only_connection_is_an_unreadable_database(
        store, make_debrief, db_path, clock, rules, counts):
    with closing(connect(db_path, read_only=True)) as conn:
        reader = DebriefStore(conn, db_path, clock, rules)
        with pytest.raises(DatabaseUnreadable) as unreadable:
            reader.save(make_debrief(store))
    assert str(db_path) in str(unreadable.value)
    assert counts()["debrief"] == 0


def test_a_data_folder_that_cannot_be_made_gives_a_plain_message(tmp_path, clock):
    (tmp_path / "data").write_text("a file where the data folder should be")

    with pytest.raises(DatabaseUnreadable) as failed:
        prepare(tmp_path / "data" / "debrief.sqlite", clock)

    assert str(tmp_path / "data" / "debrief.sqlite") in str(failed.value)
    assert isinstance(failed.value.__cause__, OSError)


def test_a_data_file_that_cannot_be_opened_gives_a_plain_message(db_path, clock):
    db_path.mkdir(parents=True)  # a folder where the database file should be

    with pytest.raises(DatabaseUnreadable, match="cannot read or write its data file"):
        prepare(db_path, clock)


NOBODY = 65534


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A folder every user may enter (pytest's own tmp tree is closed to other users)."""
    folder = Path(tempfile.mkdtemp(prefix="debrief-perm-"))
    folder.chmod(0o755)
    yield folder
    for path in (folder, *folder.rglob("*")):
        path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(folder)


def without_write_permission(target: Path, work: Callable[[], object]) -> tuple[str, str]:
    """Run `work` as a user who may read `target` but not write it; return the
    (exception class name, message) it raised, or ("", "") if it raised nothing.

    Root ignores permission bits, so as root the work runs in a forked child that has
    become `nobody` (the target, owned by root, is then read-only to it); otherwise
    the target is made read-only for the duration.
    """
    if os.geteuid() != 0:
        mode = target.stat().st_mode
        target.chmod(0o500 if target.is_dir() else 0o400)
        try:
            work()
        except Exception as exc:
            return type(exc).__name__, str(exc)
        finally:
            target.chmod(mode)
        return "", ""
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns about fork() in a process with threads (Qt's, from other
        # tests). The child touches no lock of theirs: it runs SQLite and exits.
        warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 0
        try:
            os.close(read_end)
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            try:
                work()
                outcome = ["", ""]
            except Exception as exc:
                outcome = [type(exc).__name__, str(exc)]
            os.write(write_end, json.dumps(outcome).encode())
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as answer:
        data = answer.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0 and data, "the unprivileged child failed"
    kind, message = json.loads(data)
    return kind, message


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_the_read_only_user_really_cannot_write(open_dir):
    folder = open_dir / "locked"
    folder.mkdir(mode=0o755)
    kind, _ = without_write_permission(folder, lambda: (folder / "x").write_text("y"))
    assert kind == "PermissionError"
    assert without_write_permission(folder, lambda: sorted(folder.iterdir())) == ("", "")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
@pytest.mark.parametrize("existing", [None, b"", b"damaged" * 100],
                         ids=["no-file", "empty-file", "damaged-file"])
def test_a_read_only_data_folder_gives_a_plain_message(open_dir, clock, existing):
    folder = open_dir / "locked"
    folder.mkdir(mode=0o755)
    path = folder / "debrief.sqlite"
    if existing is not None:
        path.write_bytes(existing)
        path.chmod(0o644)

    kind, message = without_write_permission(folder, lambda: prepare(path, clock))

    assert kind in {"DatabaseUnreadable", "UnsafeDatabase"}, (kind, message)
    assert str(path) in message
    assert sorted(p.name for p in folder.iterdir()) == ([] if existing is None else [path.name])
    if existing is not None:
        assert path.read_bytes() == existing  # the rep's file, untouched


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_read_only_database_file_is_refused_at_start_with_a_plain_message(
        open_dir, make_debrief, open_store, clock):
    """Not at the rep's first save, after they typed a debrief."""
    db_path = open_dir / "debrief.sqlite"
    store = open_store(db_path, clock)
    store.save(make_debrief(store))
    store.conn.close()
    for path in open_dir.iterdir():
        path.chmod(0o644)
    before = db_path.read_bytes()

    kind, message = without_write_permission(db_path, lambda: prepare(db_path, clock))

    assert kind == "DatabaseUnreadable", (kind, message)
    assert str(db_path) in message
    assert db_path.read_bytes() == before  # (SQLite may leave an empty -wal and -shm)


def _error(name: str | None) -> sqlite3.Error:
    exc = sqlite3.OperationalError("synthetic")
    if name is not None:
        exc.sqlite_errorname = name
    return exc


@pytest.mark.parametrize(("name", "kind"), [
    ("SQLITE_BUSY", DatabaseBusy),
    ("SQLITE_BUSY_SNAPSHOT", DatabaseBusy),
    ("SQLITE_LOCKED", DatabaseBusy),
    ("SQLITE_FULL", DiskFull),
    ("SQLITE_IOERR", DatabaseUnreadable),
    ("SQLITE_IOERR_FSYNC", DatabaseUnreadable),
    ("SQLITE_CANTOPEN", DatabaseUnreadable),
    ("SQLITE_READONLY", DatabaseUnreadable),
    ("SQLITE_READONLY_DBMOVED", DatabaseUnreadable),
    ("SQLITE_PERM", DatabaseUnreadable),
    ("SQLITE_CONSTRAINT_UNIQUE", None),
    ("SQLITE_ERROR", None),
    ("SQLITE_CORRUPT", None),
    (None, None),
])
def test_store_error_from_sorts_environment_failures_from_bugs(name, kind, tmp_path):
    path = tmp_path / "debrief.sqlite"
    known = store_error_from(_error(name), path)
    if kind is None:
        assert known is None
    else:
        assert type(known) is kind
        assert isinstance(known, StoreError)
        assert known.message.text == str(known)
        assert known.message.params["path"] == str(path)


@pytest.mark.parametrize(("name", "corrupt"), [
    ("SQLITE_CORRUPT", True), ("SQLITE_CORRUPT_INDEX", True), ("SQLITE_NOTADB", True),
    ("SQLITE_IOERR", False), ("SQLITE_BUSY", False), (None, False),
])
def test_is_corruption(name, corrupt):
    assert is_corruption(_error(name)) is corrupt
