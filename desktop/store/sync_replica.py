"""The local store's side of sync: what is waiting, what the central store confirmed or
refused, debriefs pulled from it (with the conflict rule), and the lists it hands out.

Implements sync.client.replica.LocalReplica over a DebriefStore's connection, one
transaction per call. A debrief's sync state lives in its own row:

- `synced_revision`: the highest revision the central store confirmed (accepted or
  duplicate). The debrief waits to be pushed while its revision is higher.
- `refused_revision`, `refusal`: the revision the central store refused, and why (JSON).
  It is not pushed again until the rep edits it.
- `pulled_revision`: the revision written by a pull (0 if never): a row whose revision
  differs was last written on this machine.

Conflict rule: the higher revision wins, ties by the later `updated_at`. The loser is
kept in `conflict_copy` (with its private notes, if it is the local one), never dropped.
A version written on this machine that a pulled one replaces is kept even when the
other machine may have edited on top of it: with one revision number, an edit made on
top of it and a concurrent one look the same, and a spare copy beats a lost edit.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from enum import Enum

from desktop.store.conflicts import conflict_copies, keep_copy
from desktop.store.debriefs import DebriefStore, read, write
from desktop.store.errors import store_error_from
from sync.domain.clock import from_iso, to_iso
from sync.domain.contest_standing import ContestStanding
from sync.domain.debrief import Debrief
from sync.domain.scoring import score
from sync.domain.sync_state import (
    ConflictCopy,
    PullOutcome,
    Refusal,
    RefusedField,
    ReplicaCounts,
)
from sync.domain.team_lists import ListDocuments, TeamLists
from sync.domain.wire import to_wire
from sync.protocol import FEED_START

log = logging.getLogger(__name__)

_WAITING = ("synced_revision < revision "
            "AND (refused_revision IS NULL OR refused_revision < revision)")
_REFUSED = "refused_revision IS NOT NULL AND refused_revision = revision"
REFUSALS_SHOWN = 100  # refusals handed to the status area; the count covers all

_FEED_POSITION = "feed_position"
_FULL_PULL_RUNNING = "full_pull_running"
_COMPLETE_PULL = "last_complete_pull"
_FULL_PULL = "last_full_pull"
_OLD_CURSOR = "pull_cursor"  # an interrupted pull by id, from before the change feed
_LAST_SYNC = "last_sync"
_CONFIG = "config"
_STANDING = "contest_standing"  # {"standing": ContestStanding.to_dict() or null}
# What this sync state says of one server: dropped when the store starts over with
# another (server_settings.save_connection).
PER_SERVER_KEYS = (_FEED_POSITION, _FULL_PULL_RUNNING, _COMPLETE_PULL, _FULL_PULL,
                   _OLD_CURSOR, _LAST_SYNC, _CONFIG, _STANDING)


class _Merged(Enum):
    """What applying one pulled debrief did."""

    ADDED = "added"
    SKIPPED = "skipped"
    SAME = "same"
    UPDATED = "updated"
    UPDATED_KEEPING_LOCAL = "updated, the local version kept as a copy"
    LOCAL_KEPT = "the local version wins"
    LOCAL_KEPT_WITH_COPY = "the local version wins, the pulled one kept as a copy"


class SyncReplica:
    """The rep's debriefs as the sync engine sees them, over one store connection."""

    def __init__(self, store: DebriefStore):
        self.store = store

    @property
    def conn(self) -> sqlite3.Connection:
        return self.store.conn

    # --- push -------------------------------------------------------------------------

    def unsynced(self, limit: int, after: str | None = None) -> list[Debrief]:
        with self._snapshot() as conn:
            ids = [row[0] for row in conn.execute(
                f"SELECT id FROM debrief WHERE {_WAITING} AND id > ? ORDER BY id LIMIT ?",
                (after or "", limit))]
            found = [read(conn, debrief_id, include_deleted=True) for debrief_id in ids]
        return [debrief for debrief in found if debrief is not None]

    def mark_synced(self, confirmed: Sequence[tuple[str, int]]) -> None:
        if not confirmed:
            return
        with self.store.transaction() as conn:
            # SET sees the old values, so the refusal is cleared only if it is older.
            conn.executemany(
                "UPDATE debrief SET synced_revision = :rev, "
                "refusal = CASE WHEN refused_revision <= :rev THEN NULL ELSE refusal END, "
                "refused_revision = CASE WHEN refused_revision <= :rev THEN NULL "
                "ELSE refused_revision END "
                "WHERE id = :id AND synced_revision < :rev AND revision >= :rev",
                [{"id": debrief_id, "rev": revision} for debrief_id, revision in confirmed])

    def mark_refused(self, refusals: Sequence[Refusal]) -> None:
        if not refusals:
            return
        with self.store.transaction() as conn:
            conn.executemany(
                "UPDATE debrief SET refused_revision = :rev, refusal = :why "
                "WHERE id = :id AND revision >= :rev AND synced_revision < :rev",
                [{"id": r.debrief_id, "rev": r.revision, "why": _problems_json(r.problems)}
                 for r in refusals])

    # --- pull -------------------------------------------------------------------------

    def apply_pulled(self, debriefs: Sequence[Debrief], position: str, *, complete: bool,
                     pulled_at: datetime) -> PullOutcome:
        added = updated = conflicts = 0
        with self.store.transaction() as conn:
            for remote in debriefs:
                merged = self._merge(conn, remote, pulled_at)
                added += merged is _Merged.ADDED
                updated += merged in (_Merged.UPDATED, _Merged.UPDATED_KEEPING_LOCAL)
                conflicts += merged in (_Merged.UPDATED_KEEPING_LOCAL,
                                        _Merged.LOCAL_KEPT_WITH_COPY)
            _put(conn, _FEED_POSITION, position, pulled_at)
            if complete:
                _put_moment(conn, _COMPLETE_PULL, pulled_at)
                if _get(conn, _FULL_PULL_RUNNING) is not None:
                    _delete(conn, _FULL_PULL_RUNNING)
                    _put_moment(conn, _FULL_PULL, pulled_at)
        return PullOutcome(added=added, updated=updated, conflicts=conflicts)

    def _merge(self, conn: sqlite3.Connection, remote: Debrief, now: datetime) -> _Merged:
        """Apply one pulled debrief by the conflict rule."""
        state = conn.execute(
            "SELECT synced_revision, pulled_revision FROM debrief WHERE id = ?",
            (remote.id,)).fetchone()
        local = read(conn, remote.id, include_deleted=True) if state else None
        if local is None:
            if remote.outcome is None or remote.stage is None:
                return _Merged.SKIPPED  # a tombstone of something never seen here
            self._write_pulled(conn, remote)
            return _Merged.ADDED
        synced, pulled = state
        if _version(remote) == _version(local):
            # The central store holds exactly this version (e.g. its answer was lost).
            conn.execute("UPDATE debrief SET synced_revision = MAX(synced_revision, ?) "
                         "WHERE id = ?", (remote.revision, remote.id))
            return _Merged.SAME
        if _version(remote) > _version(local):
            merged = _merged(remote, local)
            kept = local.revision != pulled and _differs(local, merged)
            if kept:
                keep_copy(conn, local, merged.revision, now, lost_here=True)
            self._write_pulled(conn, merged)
            return _Merged.UPDATED_KEEPING_LOCAL if kept else _Merged.UPDATED
        # The local version wins; it is pushed next. A remote version this machine never
        # had, which that push replaces on the central store, is kept as a copy.
        foreign = remote.revision > max(synced, pulled) or remote.revision == local.revision
        if foreign and remote.outcome and remote.stage and _differs(local, remote):
            keep_copy(conn, remote.with_changes(rep=local.rep), local.revision, now,
                      lost_here=False)
            return _Merged.LOCAL_KEPT_WITH_COPY
        return _Merged.LOCAL_KEPT

    def _write_pulled(self, conn: sqlite3.Connection, debrief: Debrief) -> None:
        rules = self.store.rules
        write(conn, debrief, score(debrief, rules.contest).entries, rules.taxonomy.version)
        conn.execute(
            "UPDATE debrief SET synced_revision = :rev, pulled_revision = :rev, "
            "refused_revision = NULL, refusal = NULL WHERE id = :id",
            {"rev": debrief.revision, "id": debrief.id})

    def feed_position(self) -> str | None:
        return _get(self.conn, _FEED_POSITION)

    def begin_full_pull(self, started_at: datetime) -> None:
        with self.store.transaction() as conn:
            _put(conn, _FEED_POSITION, FEED_START, started_at)
            _put_moment(conn, _FULL_PULL_RUNNING, started_at)
            _delete(conn, _OLD_CURSOR)

    def full_pull_running(self) -> bool:
        return _get(self.conn, _FULL_PULL_RUNNING) is not None

    def last_complete_pull(self) -> datetime | None:
        return _moment(self.conn, _COMPLETE_PULL)

    def last_full_pull(self) -> datetime | None:
        return _moment(self.conn, _FULL_PULL)

    # --- config and bookkeeping -------------------------------------------------------

    def apply_config(self, config: ListDocuments) -> None:
        document = json.dumps({
            "taxonomy_version": config.taxonomy_version, "taxonomy": config.taxonomy,
            "segments": config.segments, "contest_rules": config.contest_rules,
            "lead_lists": config.lead_lists,
        }, ensure_ascii=False, sort_keys=True)
        with self.store.transaction() as conn:
            if _get(conn, _CONFIG) != document:
                _put(conn, _CONFIG, document, self.store.clock.now())

    def pulled_config(self) -> ListDocuments | None:
        value = _get(self.conn, _CONFIG)
        return ListDocuments(**json.loads(value)) if value else None

    def keep_standing(self, standing: ContestStanding | None) -> None:
        document = json.dumps({"standing": standing.to_dict() if standing else None},
                              ensure_ascii=False, sort_keys=True)
        with self.store.transaction() as conn:
            _put(conn, _STANDING, document, self.store.clock.now())

    def knows_standing(self) -> bool:
        """Whether the server has said where the rep stands (or that no contest of
        theirs runs) since this store began syncing with it."""
        return _get(self.conn, _STANDING) is not None

    def kept_standing(self) -> ContestStanding | None:
        """The standing last fetched; None if there is none (no contest was running,
        none was fetched yet, or what is kept cannot be read)."""
        value = _get(self.conn, _STANDING)
        if value is None:
            return None
        try:
            kept = json.loads(value)["standing"]
            return ContestStanding.from_dict(kept) if kept is not None else None
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("the kept contest standing cannot be read: %s", exc)
            return None

    def record_sync(self, finished_at: datetime) -> None:
        with self.store.transaction() as conn:
            _put_moment(conn, _LAST_SYNC, finished_at)

    def last_sync(self) -> datetime | None:
        return _moment(self.conn, _LAST_SYNC)

    def counts(self) -> ReplicaCounts:
        with self._snapshot() as conn:
            waiting = conn.execute(f"SELECT COUNT(*) FROM debrief WHERE {_WAITING}").fetchone()
            refused = conn.execute(
                f"SELECT COUNT(*) FROM debrief WHERE synced_revision < revision AND {_REFUSED}"
            ).fetchone()
            copies = conn.execute("SELECT COUNT(*) FROM conflict_copy").fetchone()
            rows = conn.execute(
                f"SELECT id, refused_revision, refusal FROM debrief WHERE "
                f"synced_revision < revision AND {_REFUSED} ORDER BY id LIMIT ?",
                (REFUSALS_SHOWN,)).fetchall()
        return ReplicaCounts(waiting=waiting[0], refused=refused[0],
                             conflict_copies=copies[0],
                             refusals=tuple(_refusal(*row) for row in rows))

    def refusal(self, debrief_id: str) -> Refusal | None:
        """Why the central store refused this debrief's current revision, if it did."""
        row = self.conn.execute(
            f"SELECT id, refused_revision, refusal FROM debrief WHERE id = ? AND {_REFUSED}",
            (debrief_id,)).fetchone()
        return _refusal(*row) if row else None

    def conflict_copies(self, debrief_id: str | None = None) -> list[ConflictCopy]:
        """Kept losing versions, newest first; of one debrief if `debrief_id` is given."""
        return conflict_copies(self.conn, debrief_id)

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: a debrief and its reasons come from the same commit."""
        try:
            self.conn.execute("BEGIN")
            try:
                yield self.conn
            finally:
                if self.conn.in_transaction:
                    self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            known = store_error_from(exc, self.store.path)
            if known is not None:
                raise known from exc
            raise


def pulled_rules(replica: SyncReplica, fallback: TeamLists) -> TeamLists:
    """The rules a save checks against: the central store's lists once pulled."""
    config = replica.pulled_config()
    if config is None:
        return fallback
    return config.lists


def _version(debrief: Debrief) -> tuple[int, datetime]:
    assert debrief.updated_at is not None
    return (debrief.revision, debrief.updated_at)


def _merged(remote: Debrief, local: Debrief) -> Debrief:
    """The winning remote version, with what never leaves this machine kept from the
    local one: private notes, account name, and a quote or a play that was not shared."""
    merged = remote.with_changes(rep=local.rep, private_notes=local.private_notes,
                                 account_name=local.account_name)
    if remote.outcome is None or remote.stage is None:  # a bare tombstone
        merged = local.with_changes(revision=remote.revision, updated_at=remote.updated_at,
                                    deleted=remote.deleted)
    else:
        if not remote.share_quote and remote.quote is None and not local.share_quote:
            merged = merged.with_changes(quote=local.quote)
        if not remote.share_play and remote.play is None and not local.share_play:
            merged = merged.with_changes(play=local.play)
    return merged


def _differs(one: Debrief, other: Debrief) -> bool:
    """Whether two versions say different things (revisions and times aside)."""
    ignore = ("revision", "updated_at", "created_at")
    first, second = to_wire(one), to_wire(other)
    return any(first[key] != second[key] for key in first if key not in ignore)


def _problems_json(problems: Sequence[RefusedField]) -> str:
    return json.dumps([{"field": p.field, "message": p.message} for p in problems],
                      ensure_ascii=False)


def _refusal(debrief_id: str, revision: int, text: str | None) -> Refusal:
    problems = json.loads(text) if text else []
    return Refusal(debrief_id, revision,
                   tuple(RefusedField(p["field"], p["message"]) for p in problems))


def _get(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _put(conn: sqlite3.Connection, key: str, value: str, now: datetime) -> None:
    conn.execute(
        "INSERT INTO sync_state (key, value, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
        "updated_at = excluded.updated_at", (key, value, to_iso(now)))


def _put_moment(conn: sqlite3.Connection, key: str, moment: datetime) -> None:
    _put(conn, key, to_iso(moment), moment)


def _moment(conn: sqlite3.Connection, key: str) -> datetime | None:
    value = _get(conn, key)
    return from_iso(value) if value else None


def _delete(conn: sqlite3.Connection, key: str) -> None:
    conn.execute("DELETE FROM sync_state WHERE key = ?", (key,))
