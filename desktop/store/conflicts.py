"""Conflict copies: a version of a debrief that lost to another, kept for the rep to read.

A copy holds the whole losing version as JSON (its private notes too: it never leaves
this machine) and the revision that won over it. The same version is kept once.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from sync.domain.clock import from_iso, to_iso
from sync.domain.debrief import Debrief
from sync.domain.sync_state import ConflictCopy


def keep_copy(conn: sqlite3.Connection, loser: Debrief, winner_revision: int,
              now: datetime) -> None:
    """Keep `loser`, inside the caller's transaction."""
    assert loser.updated_at is not None
    conn.execute(
        "INSERT OR IGNORE INTO conflict_copy (debrief_id, revision, updated_at, body, "
        "winner_revision, kept_at) VALUES (?, ?, ?, ?, ?, ?)",
        (loser.id, loser.revision, to_iso(loser.updated_at),
         json.dumps(loser.to_dict(), ensure_ascii=False), winner_revision, to_iso(now)))


def conflict_copies(conn: sqlite3.Connection,
                    debrief_id: str | None = None) -> list[ConflictCopy]:
    """Kept losing versions, newest first; of one debrief if `debrief_id` is given."""
    sql = "SELECT body, winner_revision, kept_at FROM conflict_copy"
    params: tuple[Any, ...] = ()
    if debrief_id is not None:
        sql += " WHERE debrief_id = ?"
        params = (debrief_id,)
    rows = conn.execute(sql + " ORDER BY id DESC", params).fetchall()
    return [ConflictCopy(Debrief.from_dict(json.loads(body)), winner, from_iso(kept))
            for body, winner, kept in rows]
