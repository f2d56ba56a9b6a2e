"""The rep's debriefs on disk: save (one transaction), read, tombstone-delete, list.

A `DebriefStore` wraps one connection and is used from one thread only: the app gives
the writing one to its store worker and opens another for reads on the GUI thread.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from desktop.store.conflicts import keep_copy
from desktop.store.errors import store_error_from
from sync.domain.clock import Clock, from_iso, to_iso
from sync.domain.debrief import (
    DEBRIEF_FIELDS,
    SEGMENT_PARTS,
    Debrief,
    Evidence,
    Outcome,
    Readiness,
    Reason,
    Segment,
    Stage,
    columns_of,
    listed_as_text,
    listed_from_text,
)
from sync.domain.ids import DebriefIdFactory
from sync.domain.scoring import score
from sync.domain.team_lists import TeamLists
from sync.domain.validation import InvalidDebrief, believable_date, validate

# The debrief table's columns: every field of a debrief (the segment's parts in its place,
# the reasons in the reason table), then what a save adds: the contest entries it earned
# and the version of the taxonomy it was checked against.
_COLUMNS = (*columns_of(DEBRIEF_FIELDS), "entries", "taxonomy_version")
_UPSERT = (
    f"INSERT INTO debrief ({', '.join(_COLUMNS)}) "
    f"VALUES ({', '.join(f':{c}' for c in _COLUMNS)}) "
    "ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c != "id")
)
# Free text a rep types: kept trimmed, and blank is not given.
_TYPED_TEXT = ("competitor", "crm_ref", "quote", "private_notes", "account_name", "play")


class DebriefStore:
    """Reads and writes debriefs through one connection."""

    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Clock, rules: TeamLists):
        self.conn = conn
        self.path = path
        self.clock = clock
        self.rules = rules
        self.ids = DebriefIdFactory(clock)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT; environment failures become StoreErrors."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                # SQLite may already have rolled back (disk full, I/O error, RAISE(ROLLBACK));
                # a second ROLLBACK would fail and hide the real error.
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            known = store_error_from(exc, self.path)
            if known is not None:
                raise known from exc
            raise

    def new_debrief(self, rep: str) -> Debrief:
        """A blank debrief with a fresh id, pre-filled from the rep's last one."""
        last = self.last_saved()
        if last is None:
            return Debrief(id=self.ids.new_id(), rep=rep)
        return Debrief(id=self.ids.new_id(), rep=rep, outcome=last.outcome, stage=last.stage,
                       segment=last.segment, currency=last.currency)

    def save(self, debrief: Debrief, *, clear_draft: str | None = None,
             drop_copy: int | None = None) -> Debrief:
        """Validate and store `debrief` with its reasons in one transaction.

        The stored revision becomes one more than the highest seen; returns the record
        as stored (`tidy`, with its revision and dates), the same as `get` reads back.
        The draft in slot `clear_draft`, and the conflict copy `drop_copy` (the version
        saved, chosen by the rep), go in the same transaction, so a crash never leaves
        both. Raises InvalidDebrief (nothing written) on problems.
        """
        problems = validate(debrief, self.rules.taxonomy, self.rules.segments,
                            self.rules.leads)
        if problems:
            raise InvalidDebrief(problems)
        now = self.clock.now()
        entries = score(debrief, self.rules.contest).entries
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT revision, created_at, pulled_revision FROM debrief WHERE id = ?",
                (debrief.id,)).fetchone()
            stored_revision, created = (row[0], from_iso(row[1])) if row else (0, now)
            if not believable_date(created, now):
                created = now  # made while this computer's clock was wrong
            saved = tidy(debrief).with_changes(
                revision=max(stored_revision, debrief.revision) + 1,
                created_at=created, updated_at=now)
            if row and 0 < debrief.revision < stored_revision == row[2]:
                # Edited from a copy older than a version sync pulled in meanwhile (from
                # another machine): this edit wins, and the pulled version is kept.
                pulled = read(conn, debrief.id, include_deleted=True)
                assert pulled is not None
                keep_copy(conn, pulled, saved.revision, now, lost_here=False)
            write(conn, saved, entries, self.rules.taxonomy.version)
            if clear_draft is not None:
                conn.execute("DELETE FROM draft WHERE slot = ?", (clear_draft,))
            if drop_copy is not None:
                conn.execute("DELETE FROM conflict_copy WHERE id = ?", (drop_copy,))
        return saved

    def delete(self, debrief_id: str) -> Debrief | None:
        """Mark a debrief deleted (a tombstone kept for sync); its revision grows."""
        now = self.clock.now()
        with self.transaction() as conn:
            cursor = conn.execute(
                "UPDATE debrief SET deleted = 1, revision = revision + 1, updated_at = ? "
                "WHERE id = ? AND deleted = 0", (to_iso(now), debrief_id))
            if cursor.rowcount == 0:
                return None
        return self.get(debrief_id, include_deleted=True)

    def restore(self, debrief_id: str) -> Debrief | None:
        """Undo a delete: the debrief comes back with a higher revision."""
        now = self.clock.now()
        with self.transaction() as conn:
            cursor = conn.execute(
                "UPDATE debrief SET deleted = 0, revision = revision + 1, updated_at = ? "
                "WHERE id = ? AND deleted = 1", (to_iso(now), debrief_id))
            if cursor.rowcount == 0:
                return None
        return self.get(debrief_id)

    def get(self, debrief_id: str, *, include_deleted: bool = False) -> Debrief | None:
        return read(self.conn, debrief_id, include_deleted=include_deleted)

    def last_saved(self) -> Debrief | None:
        row = self.conn.execute(
            "SELECT id FROM debrief WHERE deleted = 0 ORDER BY updated_at DESC LIMIT 1"
        ).fetchone()
        return self.get(row[0]) if row else None

    def competitors(self, limit: int = 200, recent: int = 2_000) -> list[str]:
        """Competitor names from the rep's `recent` latest debriefs, most used first (for
        the completer). Bounded, because the window asks at every start."""
        rows = self.conn.execute(
            "SELECT competitor FROM (SELECT competitor FROM debrief WHERE deleted = 0 "
            "ORDER BY created_at DESC LIMIT ?) WHERE competitor IS NOT NULL "
            "GROUP BY competitor ORDER BY COUNT(*) DESC, competitor LIMIT ?", (recent, limit))
        return [r[0] for r in rows]


def tidy(debrief: Debrief) -> Debrief:
    """`debrief` as the store keeps it: typed text trimmed, blank text not given, and a
    currency only beside a deal value."""
    changes: dict[str, Any] = {name: _blank_to_none(getattr(debrief, name))
                               for name in _TYPED_TEXT}
    if debrief.deal_value is None:
        changes["currency"] = None
    changes["reasons"] = tuple(replace(reason, words=_blank_to_none(reason.words))
                               for reason in debrief.reasons)
    return debrief.with_changes(**changes)


def write(conn: sqlite3.Connection, debrief: Debrief, entries: int,
          taxonomy_version: str) -> None:
    """Store `debrief` (`tidy`) and its reasons as given (revision included), inside the
    caller's transaction. Saves and debriefs pulled from the central store both use it."""
    tidied = tidy(debrief)
    conn.execute(_UPSERT, _row(tidied, entries, taxonomy_version))
    conn.execute("DELETE FROM reason WHERE debrief_id = ?", (debrief.id,))
    conn.executemany(
        "INSERT INTO reason (debrief_id, position, code, detail, evidence, is_primary,"
        " words) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(debrief.id, i, r.code, r.detail, r.evidence.value, int(r.primary), r.words)
         for i, r in enumerate(tidied.reasons)])


def read(conn: sqlite3.Connection, debrief_id: str, *,
         include_deleted: bool = False) -> Debrief | None:
    """One debrief with its reasons, or None."""
    sql = f"SELECT {', '.join(_COLUMNS)} FROM debrief WHERE id = ?"
    if not include_deleted:
        sql += " AND deleted = 0"
    row = conn.execute(sql, (debrief_id,)).fetchone()
    if row is None:
        return None
    reasons = conn.execute(
        "SELECT code, detail, evidence, is_primary, words FROM reason WHERE debrief_id = ? "
        "ORDER BY position", (debrief_id,)).fetchall()
    return _debrief(dict(zip(_COLUMNS, row, strict=True)), reasons)


def _row(d: Debrief, entries: int, taxonomy_version: str) -> dict[str, Any]:
    """`d` as a row of the debrief table, by column name."""
    assert d.created_at is not None and d.updated_at is not None
    return {
        "id": d.id, "rep": d.rep, "revision": d.revision,
        "outcome": d.outcome.value if d.outcome else None,
        "stage": d.stage.value if d.stage else None,
        **{part: getattr(d.segment, part) for part in SEGMENT_PARTS},
        "reasons_unknown": int(d.reasons_unknown), "competitor": d.competitor,
        "deal_value": str(d.deal_value) if d.deal_value is not None else None,
        "currency": d.currency, "crm_ref": d.crm_ref, "quote": d.quote,
        "share_quote": int(d.share_quote), "private_notes": d.private_notes,
        "account_name": d.account_name, "lead_source": d.lead_source,
        "sales_ready": d.sales_ready.value if d.sales_ready else None,
        **listed_as_text(d), "play": d.play, "share_play": int(d.share_play),
        "created_at": to_iso(d.created_at), "updated_at": to_iso(d.updated_at),
        "deleted": int(d.deleted), "entries": entries, "taxonomy_version": taxonomy_version,
    }


def _blank_to_none(text: str | None) -> str | None:
    return text.strip() if text and text.strip() else None


def _debrief(row: dict, reasons: list[tuple]) -> Debrief:
    return Debrief(
        id=row["id"], rep=row["rep"], revision=row["revision"],
        created_at=from_iso(row["created_at"]), updated_at=from_iso(row["updated_at"]),
        outcome=Outcome(row["outcome"]), stage=Stage(row["stage"]),
        segment=Segment(*(row[part] for part in SEGMENT_PARTS)),
        reasons=tuple(Reason(code, detail, Evidence(evidence), bool(primary), words)
                      for code, detail, evidence, primary, words in reasons),
        reasons_unknown=bool(row["reasons_unknown"]), competitor=row["competitor"],
        deal_value=Decimal(row["deal_value"]) if row["deal_value"] else None,
        currency=row["currency"], crm_ref=row["crm_ref"], quote=row["quote"],
        share_quote=bool(row["share_quote"]), private_notes=row["private_notes"],
        account_name=row["account_name"], deleted=bool(row["deleted"]),
        lead_source=row["lead_source"],
        sales_ready=Readiness(row["sales_ready"]) if row["sales_ready"] else None,
        **listed_from_text(row["failed_criteria"], row["collateral"]),
        play=row["play"], share_play=bool(row["share_play"]),
    )
