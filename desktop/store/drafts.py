"""Draft autosave: a half-typed debrief survives closing the window or a crash."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from sync.domain.clock import Clock, from_iso, to_iso


class DraftStore:
    """One draft per slot ("capture" is the new-debrief form), stored as JSON."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock):
        self.conn = conn
        self.clock = clock

    def put(self, slot: str, body: dict[str, Any]) -> None:
        self.conn.execute(
            "INSERT INTO draft (slot, body, saved_at) VALUES (?, ?, ?) "
            "ON CONFLICT (slot) DO UPDATE SET body = excluded.body, saved_at = excluded.saved_at",
            (slot, json.dumps(body, ensure_ascii=False), to_iso(self.clock.now())))

    def get(self, slot: str) -> tuple[dict[str, Any], datetime] | None:
        row = self.conn.execute("SELECT body, saved_at FROM draft WHERE slot = ?",
                                (slot,)).fetchone()
        if row is None:
            return None
        try:
            return json.loads(row[0]), from_iso(row[1])
        except (ValueError, TypeError):
            return None  # an unreadable draft is not worth a crash; it is replaced next time

    def clear(self, slot: str) -> None:
        self.conn.execute("DELETE FROM draft WHERE slot = ?", (slot,))
