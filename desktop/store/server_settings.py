"""Which team server the app syncs with, and as whom: kept in the local store's sync_state.

The server address, the username, the account's role and an optional CA bundle path
are not secret; the sign-in token is, and lives only in the keychain (desktop.keychain),
never here. The role, as the server gave it at sign-in, decides whether debriefs sync
(sync.domain.roles); a connection kept before the app learned roles has none until the
next sync asks the server.

Connecting to a different server or as a different rep than the one this store last
synced with starts the sync state over, so every debrief is pushed to the new one
(a server that already holds one answers "duplicate").
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field, replace

from desktop.store.debriefs import DebriefStore
from sync.domain.clock import to_iso

_CONNECTION = "server_connection"  # what the app syncs with now (deleted at sign-out)
_SYNCED_WITH = "synced_with"  # what the sync state in this store refers to (kept)


@dataclass(frozen=True)
class ServerConnection:
    url: str
    username: str
    ca_bundle: str | None = None  # a PEM file the server's certificate is checked against
    # What the account is on that server (rep, manager, marketing, admin); None: not
    # known yet. Not part of which connection this is.
    role: str | None = field(default=None, compare=False)


def load_connection(conn: sqlite3.Connection) -> ServerConnection | None:
    """The server the app is connected to, or None (never set up, or signed out)."""
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (_CONNECTION,)).fetchone()
    if row is None:
        return None
    try:
        return ServerConnection(**json.loads(row[0]))
    except (TypeError, ValueError):
        return None


def has_pulled_lists(conn: sqlite3.Connection) -> bool:
    """Whether a sync has kept the server's lists (sync_replica reads them): a cheap look
    at start-up, before the sync code is loaded."""
    return conn.execute("SELECT 1 FROM sync_state WHERE key = 'config'").fetchone() is not None


def save_connection(store: DebriefStore, connection: ServerConnection) -> bool:
    """Remember `connection`; True if the sync state was started over for it."""
    now = to_iso(store.clock.now())
    identity = json.dumps([connection.url, connection.username])
    with store.transaction() as conn:
        row = conn.execute("SELECT value FROM sync_state WHERE key = ?",
                           (_SYNCED_WITH,)).fetchone()
        start_over = row is not None and row[0] != identity
        if start_over:
            # Here, not at the top: this module is read at start-up, the sync code later.
            from desktop.store.sync_replica import PER_SERVER_KEYS

            conn.execute("UPDATE debrief SET synced_revision = 0, refused_revision = NULL, "
                         "refusal = NULL WHERE synced_revision > 0 OR refusal IS NOT NULL")
            conn.executemany("DELETE FROM sync_state WHERE key = ?",
                             [(key,) for key in PER_SERVER_KEYS])
        conn.executemany(
            "INSERT INTO sync_state (key, value, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
            "updated_at = excluded.updated_at",
            [(_CONNECTION, json.dumps(asdict(connection)), now),
             (_SYNCED_WITH, identity, now)])
    return start_over


def save_role(store: DebriefStore, role: str | None) -> ServerConnection | None:
    """Keep the role the server gave for the account of the current connection; the
    connection as it is now (None: signed out meanwhile)."""
    with store.transaction() as conn:
        connection = load_connection(conn)
        if connection is None or connection.role == role:
            return connection
        connection = replace(connection, role=role)
        conn.execute("UPDATE sync_state SET value = ?, updated_at = ? WHERE key = ?",
                      (json.dumps(asdict(connection)), to_iso(store.clock.now()),
                       _CONNECTION))
    return connection


def forget_connection(store: DebriefStore) -> None:
    """Signed out: no server to sync with. What was synced stays recorded."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM sync_state WHERE key = ?", (_CONNECTION,))
