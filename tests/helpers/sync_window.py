"""What the sync tests of the window work with: a keychain kept in memory, the sync
set-up with test timings, a machine's store filled behind the window's back, and waits
on the status area.

(A module of its own, not conftest.py: test modules import from it. The central store's
reps come from sync_world, beside it.)
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from desktop.keychain import TokenVault
from desktop.store.database import connect
from desktop.store.debriefs import DebriefStore, write
from desktop.store.server_settings import ServerConnection, save_connection
from desktop.ui.main_window import MainWindow
from desktop.ui.sync_worker import SyncSetup
from sync.client.backoff import Backoff
from sync.client.status import StatusKind
from sync.domain.clock import Clock
from sync.domain.debrief import Debrief
from sync.domain.team_lists import TeamLists
from sync.resources import (
    default_contest_rules,
    default_segments,
    default_taxonomy,
)

from . import sync_world

PASSWORD = sync_world.PASSWORD
new_rep = sync_world.new_rep
server_rows = sync_world.server_rows
sample_debrief = sync_world.sample_debrief
free_port = sync_world.free_port




def quick_setup(**overrides: Any) -> SyncSetup:
    """Quick timings: no wait at start or after a save, no regular pull during a test,
    short back-off."""
    options: dict[str, Any] = {
        "start_delay_ms": 0, "save_delay_ms": 50, "interval_s": 3600.0,
        "backoff": Backoff(base=0.2, cap=1.0, random=lambda: 0.5)}
    return SyncSetup(**(options | overrides))


def shipped_rules() -> TeamLists:
    return TeamLists(default_taxonomy(), default_segments(), default_contest_rules())


def open_store(path: Path, clock: Clock) -> DebriefStore:
    return DebriefStore(connect(path), path, clock, shipped_rules())


def connect_behind_the_window(path: Path, clock: Clock, url: str, username: str,
                              vault: TokenVault) -> None:
    """As a sign-in in an earlier run left it: the server in the store, the token kept."""
    central = sync_world.CentralStore(url, timeouts=sync_world.QUICK)
    try:
        signed = central.sign_in(username, PASSWORD)
    finally:
        central.close()
    vault.store(url, signed.username, signed.token)
    store = open_store(path, clock)
    try:
        save_connection(store, ServerConnection(url, signed.username))
    finally:
        store.conn.close()


def write_debriefs(path: Path, clock: Clock, debriefs: Iterable[Debrief]) -> list[Debrief]:
    """Store debriefs as a save would, in one transaction, without checking them (a
    laptop whose lists knew other codes wrote them)."""
    store = open_store(path, clock)
    written = []
    try:
        with store.transaction() as conn:
            for debrief in debriefs:
                now = clock.now()
                stored = debrief.with_changes(revision=1, created_at=now, updated_at=now)
                write(conn, stored, 1, "test")
                written.append(stored)
    finally:
        store.conn.close()
    return written


def new_debriefs(path: Path, clock: Clock, rep: str, count: int,
                 **overrides: Any) -> list[Debrief]:
    store = open_store(path, clock)
    try:
        made = [sample_debrief(store, rep, **overrides) for _ in range(count)]
    finally:
        store.conn.close()
    return write_debriefs(path, clock, made)


def status_kind(window: MainWindow) -> StatusKind | None:
    status = window.sync.area.status
    return status.kind if status else None


def wait_for_status(qtbot, window: MainWindow, kind: StatusKind, timeout: int = 20_000,
                    ) -> None:
    qtbot.waitUntil(lambda: status_kind(window) is kind and not window.services.sync.running,
                    timeout=timeout)


def files_holding(folder: Path, secret: str) -> list[Path]:
    """Every file under `folder` whose bytes hold `secret`."""
    needle = secret.encode()
    return [path for path in folder.rglob("*") if path.is_file()
            and needle in path.read_bytes()]
