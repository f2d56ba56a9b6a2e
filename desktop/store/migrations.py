"""The local schema, as ordered, named, transactional steps (sqlite-utils Migrations).

`user_version` carries the schema number, so a database written by a newer Debrief is
recognised and refused before anything touches it. Never edit a released step: add one.
A fixture database of every released schema lives in tests/fixtures/.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported for real only when there is something to migrate
    import sqlite_utils

Step = Callable[["sqlite_utils.Database"], None]


def _v1_debriefs(db: sqlite_utils.Database) -> None:
    db.execute("""
        CREATE TABLE debrief (
            id TEXT PRIMARY KEY,
            revision INTEGER NOT NULL CHECK (revision >= 1),
            rep TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            outcome TEXT NOT NULL,
            stage TEXT NOT NULL,
            industry TEXT,
            company_size TEXT,
            region TEXT,
            reasons_unknown INTEGER NOT NULL DEFAULT 0,
            competitor TEXT,
            deal_value TEXT,
            currency TEXT,
            crm_ref TEXT,
            quote TEXT,
            share_quote INTEGER NOT NULL DEFAULT 0,
            private_notes TEXT,
            account_name TEXT,
            entries INTEGER NOT NULL DEFAULT 0,
            taxonomy_version TEXT,
            deleted INTEGER NOT NULL DEFAULT 0
        )""")
    db.execute("""
        CREATE TABLE reason (
            debrief_id TEXT NOT NULL REFERENCES debrief(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            code TEXT NOT NULL,
            detail TEXT,
            evidence TEXT NOT NULL,
            is_primary INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (debrief_id, position)
        ) WITHOUT ROWID""")
    db.execute("""
        CREATE TABLE draft (
            slot TEXT PRIMARY KEY,
            body TEXT NOT NULL,
            saved_at TEXT NOT NULL
        )""")
    # "My debriefs" lists newest first and filters by outcome, stage, period and reason.
    db["debrief"].create_index(["deleted", "created_at", "id"], index_name="debrief_list")
    db["debrief"].create_index(["outcome", "created_at"], index_name="debrief_outcome")
    db["debrief"].create_index(["stage", "created_at"], index_name="debrief_stage")
    db["reason"].create_index(["code", "debrief_id"], index_name="reason_code")


def _v2_last_edit_index(db: sqlite_utils.Database) -> None:
    # The form pre-fills from the debrief edited last; without this, a scan per new form.
    db["debrief"].create_index(["deleted", "updated_at"], index_name="debrief_last_edit")


def _v3_sync_state(db: sqlite_utils.Database) -> None:
    # What the central store has confirmed (synced_revision), what it refused and why
    # (refused_revision, refusal as JSON), and which revision last came from a pull.
    for column in ("synced_revision INTEGER NOT NULL DEFAULT 0",
                   "pulled_revision INTEGER NOT NULL DEFAULT 0",
                   "refused_revision INTEGER",
                   "refusal TEXT"):
        db.execute(f"ALTER TABLE debrief ADD COLUMN {column}")
    # Debriefs waiting to be pushed, found and counted without a scan of every debrief.
    db.execute("CREATE INDEX debrief_unsynced ON debrief (id) "
               "WHERE synced_revision < revision")
    # The losing side of a conflict between two machines, kept readable, never dropped.
    db.execute("""
        CREATE TABLE conflict_copy (
            id INTEGER PRIMARY KEY,
            debrief_id TEXT NOT NULL,
            revision INTEGER NOT NULL,
            updated_at TEXT NOT NULL,
            body TEXT NOT NULL,
            winner_revision INTEGER NOT NULL,
            kept_at TEXT NOT NULL,
            UNIQUE (debrief_id, revision, updated_at)
        )""")
    # The pull cursor, the last sync, and the taxonomy, segment lists and contest rules
    # pulled from the central store (JSON).
    db.execute("""
        CREATE TABLE sync_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""")


def _v4_conflict_side(db: sqlite_utils.Database) -> None:
    # Which machine a kept copy was written on, for the rep to read: 1 this one, 0 another
    # one, NULL not recorded (copies kept before this step).
    db.execute("ALTER TABLE conflict_copy ADD COLUMN lost_here INTEGER")


def _v5_lead_facts(db: sqlite_utils.Database) -> None:
    # The lead facts (sync.domain.debrief): the failed criteria and the collateral as
    # JSON text, NULL for none.
    for column in ("lead_source TEXT", "sales_ready TEXT", "failed_criteria TEXT",
                   "collateral TEXT", "play TEXT",
                   "share_play INTEGER NOT NULL DEFAULT 0"):
        db.execute(f"ALTER TABLE debrief ADD COLUMN {column}")


def _v6_reason_words(db: sqlite_utils.Database) -> None:
    # The rep's few words on a reason that asks for them ("Other"); NULL otherwise.
    db.execute("ALTER TABLE reason ADD COLUMN words TEXT")


STEPS: list[tuple[str, Step]] = [
    ("0001_debriefs", _v1_debriefs),
    ("0002_last_edit_index", _v2_last_edit_index),
    ("0003_sync_state", _v3_sync_state),
    ("0004_conflict_side", _v4_conflict_side),
    ("0005_lead_facts", _v5_lead_facts),
    ("0006_reason_words", _v6_reason_words),
]

SCHEMA_VERSION = len(STEPS)
MIGRATION_SET = "debrief"  # the migration_set column of _sqlite_migrations


def migrations() -> sqlite_utils.Migrations:
    """The steps as a sqlite-utils migration set, each also stamping `user_version`."""
    import sqlite_utils

    migration_set = sqlite_utils.Migrations(MIGRATION_SET)
    for number, (name, step) in enumerate(STEPS, start=1):
        migration_set(name=name)(_stamped(step, number))
    return migration_set


def _stamped(step: Step, number: int) -> Step:
    def run(db: sqlite_utils.Database) -> None:
        step(db)
        db.execute(f"PRAGMA user_version = {number}")

    run.__name__ = step.__name__
    return run
