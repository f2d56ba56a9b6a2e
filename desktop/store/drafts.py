"""Draft autosave: a half-typed debrief survives closing the window or a crash.

The capture form keeps one draft per debrief it holds, in the slot `form_slot(id)`, so
typing a new debrief never replaces an earlier one still waiting to be restored.
Databases written before that kept a single form draft in the slot "capture"; it is
still offered back.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sync.domain.clock import Clock, from_iso, to_iso

FORM = "capture"


def form_slot(debrief_id: str) -> str:
    """The capture form's draft slot for the debrief `debrief_id`."""
    return f"{FORM}:{debrief_id}"


@dataclass(frozen=True)
class Draft:
    slot: str
    body: dict[str, Any]
    saved_at: datetime


class DraftStore:
    """Drafts by slot, stored as JSON."""

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
        return None if row is None else _readable(row[0], row[1])

    def form_drafts(self) -> list[Draft]:
        """Every draft the capture form left, newest first; unreadable ones are skipped
        (each is replaced or cleared the next time its slot is written)."""
        rows = self.conn.execute(
            "SELECT slot, body, saved_at FROM draft WHERE slot = ? OR slot LIKE ? "
            "ORDER BY saved_at DESC, slot", (FORM, f"{FORM}:%"))
        drafts = []
        for slot, body, saved_at in rows:
            readable = _readable(body, saved_at)
            if readable is not None:
                drafts.append(Draft(slot, *readable))
        return drafts

    def clear(self, slot: str) -> None:
        self.conn.execute("DELETE FROM draft WHERE slot = ?", (slot,))


def _readable(body: str, saved_at: str) -> tuple[dict[str, Any], datetime] | None:
    try:
        parsed, when = json.loads(body), from_iso(saved_at)
    except (ValueError, TypeError):
        return None  # an unreadable draft is not worth a crash; it is replaced next time
    return (parsed, when) if isinstance(parsed, dict) else None
