"""Conflict copies: a version of a debrief that lost to another, kept for the rep to read.

A copy holds the whole losing version as JSON (its private notes too: it never leaves
this machine), the revision that won over it, and which machine it was written on. The
same version is kept once. The rep deals with a copy in one of two ways: keep the current
version (the copy is dismissed) or use the copy instead (saved as a new edit).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sync.domain.clock import from_iso, to_iso
from sync.domain.debrief import Debrief
from sync.domain.sync_state import ConflictCopy

if TYPE_CHECKING:  # debriefs.py imports keep_copy from here
    from desktop.store.debriefs import DebriefStore


def keep_copy(conn: sqlite3.Connection, loser: Debrief, winner_revision: int,
              now: datetime, *, lost_here: bool) -> None:
    """Keep `loser`, inside the caller's transaction; `lost_here`: it was written on this
    machine (else it came from another one through the central store)."""
    assert loser.updated_at is not None
    conn.execute(
        "INSERT OR IGNORE INTO conflict_copy (debrief_id, revision, updated_at, body, "
        "winner_revision, kept_at, lost_here) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (loser.id, loser.revision, to_iso(loser.updated_at),
         json.dumps(loser.to_dict(), ensure_ascii=False), winner_revision, to_iso(now),
         int(lost_here)))


def conflict_copies(conn: sqlite3.Connection,
                    debrief_id: str | None = None) -> list[ConflictCopy]:
    """Kept losing versions, newest first; of one debrief if `debrief_id` is given."""
    if debrief_id is None:
        return _copies(conn, "", ())
    return _copies(conn, "WHERE debrief_id = ?", (debrief_id,))


def conflict_copy(conn: sqlite3.Connection, copy_id: int) -> ConflictCopy | None:
    found = _copies(conn, "WHERE id = ?", (copy_id,))
    return found[0] if found else None


def _copies(conn: sqlite3.Connection, where: str, params: tuple[Any, ...]) -> list[ConflictCopy]:
    rows = conn.execute(
        "SELECT body, winner_revision, kept_at, id, lost_here FROM conflict_copy "
        f"{where} ORDER BY id DESC", params).fetchall()
    return [ConflictCopy(Debrief.from_dict(json.loads(body)), winner, from_iso(kept),
                         copy_id, None if here is None else bool(here))
            for body, winner, kept, copy_id, here in rows]


def count_copies(conn: sqlite3.Connection) -> int:
    """How many copies are kept (of every debrief, deleted ones too)."""
    return conn.execute("SELECT COUNT(*) FROM conflict_copy").fetchone()[0]


def chosen_version(copy: ConflictCopy, current: Debrief | None) -> Debrief:
    """What "use this version instead" saves: the copy, as an edit of `current`.

    Account name, private notes and an unshared quote never travel between machines, so
    a copy from another machine has none of its own: this machine's are kept, not cleared.
    """
    chosen = copy.debrief
    if current is None:
        return chosen
    # An edit of the current version, not of the stale one the copy was made from: the
    # save then keeps no copy of the current version, which the rep chose to replace.
    chosen = chosen.with_changes(revision=current.revision)
    if copy.lost_here:
        return chosen  # written here: its account and notes are the rep's own

    def local(mine: str | None, here: str | None) -> str | None:
        return here if copy.lost_here is False or mine is None else mine

    chosen = chosen.with_changes(
        private_notes=local(chosen.private_notes, current.private_notes),
        account_name=local(chosen.account_name, current.account_name))
    if not chosen.share_quote and chosen.quote is None and not current.share_quote:
        chosen = chosen.with_changes(quote=current.quote)
    return chosen


def dismiss_copy(store: DebriefStore, copy_id: int) -> bool:
    """The rep keeps the current version: forget one copy. False if it was gone already."""
    with store.transaction() as conn:
        return conn.execute("DELETE FROM conflict_copy WHERE id = ?",
                            (copy_id,)).rowcount > 0


def use_copy(store: DebriefStore, copy_id: int) -> Debrief | None:
    """The rep prefers a copy to the current version: save `chosen_version` as a new edit
    of the debrief and forget the copy, in one transaction (the save's).

    The save gives it a revision above the current one, so it waits to be pushed and wins
    on the central store. Returns the debrief as saved, or None if the copy was gone.
    Raises InvalidDebrief (nothing written, the copy kept) if the current lists refuse it.
    """
    copy = conflict_copy(store.conn, copy_id)
    if copy is None:
        return None
    current = store.get(copy.debrief.id, include_deleted=True)
    return store.save(chosen_version(copy, current), drop_copy=copy_id)
