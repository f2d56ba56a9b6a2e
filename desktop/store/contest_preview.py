"""The local preview of a contest: what the rep's debriefs not yet on the central store
will earn in it once synced, scored on this machine with the contest's own rules (the
same code the server scores with, sync.domain.scoring). Shown apart from the entries
the server counted, so nobody mistakes it for them."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from desktop.store.debriefs import read
from sync.domain.clock import to_iso
from sync.domain.scoring import ContestRules, Rulebook, earned_entries


@dataclass(frozen=True)
class LocalPreview:
    debriefs: int  # made in the contest's period and not yet synced as they are now
    entries: int  # what those never synced before earn, scored beside the rest


def local_preview(conn: sqlite3.Connection, rules: ContestRules | Rulebook,
                  starts_at: datetime, ends_at: datetime) -> LocalPreview:
    """A synced debrief edited since already earned on the server by its earlier
    version: it is counted as waiting, its entries not as more."""
    rows = conn.execute(
        "SELECT id, synced_revision < revision, synced_revision = 0 FROM debrief "
        "WHERE deleted = 0 AND created_at >= ? AND created_at < ?",
        (to_iso(starts_at), to_iso(ends_at))).fetchall()
    waiting = {debrief_id for debrief_id, unsynced, _ in rows if unsynced}
    new = {debrief_id for debrief_id, _, never in rows if never}
    if not waiting:
        return LocalPreview(0, 0)
    # Near-duplicates and the daily cap look at every debrief of the period.
    debriefs = [found for debrief_id, _, _ in rows if (found := read(conn, debrief_id))]
    earned = earned_entries(debriefs, rules)
    return LocalPreview(len(waiting), sum(earned[i].entries for i in new if i in earned))
