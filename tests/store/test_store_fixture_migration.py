"""Every released schema's fixture database migrates to the current one and reads back.

The fixtures in tests/fixtures/ are made once per released schema and never regenerated
(see make_fixture_db.py); each comes with a JSON file of what it held.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from helpers.store_samples import T0, make_debrief

from desktop.store.database import connect, prepare
from desktop.store.debriefs import DebriefStore
from desktop.store.drafts import DraftStore
from desktop.store.listing import DebriefFilter, count
from desktop.store.migrations import MIGRATION_SET, SCHEMA_VERSION, STEPS
from sync.domain.clock import SteppingClock, from_iso

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DATABASES = sorted(FIXTURES.glob("schema-*.sqlite"), key=lambda p: int(p.stem.split("-")[1]))
MAX_FIXTURE_BYTES = 200_000


def test_there_is_a_fixture_for_every_schema_from_the_first_on():
    versions = [int(p.stem.split("-")[1]) for p in DATABASES]
    assert versions == list(range(1, len(versions) + 1))
    assert versions[-1] <= SCHEMA_VERSION


@pytest.mark.parametrize("fixture", DATABASES, ids=lambda p: p.name)
def test_a_fixture_is_one_small_self_contained_file(fixture):
    data = fixture.read_bytes()
    assert len(data) < MAX_FIXTURE_BYTES
    assert data[:16] == b"SQLite format 3\0"
    assert data[18:20] == b"\x01\x01"  # rollback journal, not WAL: nothing lives in a -wal
    assert not fixture.with_name(fixture.name + "-wal").exists()
    assert fixture.with_suffix(".json").exists()


@pytest.mark.parametrize("fixture", DATABASES, ids=lambda p: p.name)
def test_a_fixture_database_migrates_and_every_debrief_reads_back(fixture, tmp_path, rules):
    expected = json.loads(fixture.with_suffix(".json").read_text(encoding="utf-8"))
    fixture_hash = hashlib.sha256(fixture.read_bytes()).hexdigest()
    path = tmp_path / "debrief.sqlite"
    shutil.copyfile(fixture, path)
    clock = SteppingClock(start=T0 + timedelta(days=400))

    prepared = prepare(path, clock)

    assert prepared.moved_aside is None
    was = expected["schema"]
    assert prepared.migrated_from == (was if was < SCHEMA_VERSION else None)
    with closing(connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        applied = [r[0] for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY id",
            (MIGRATION_SET,))]
        assert applied == [name for name, _ in STEPS]

        store = DebriefStore(conn, path, clock, rules)
        for want in expected["debriefs"]:
            got = store.get(want["id"], include_deleted=True)
            assert got is not None, want["id"]
            as_read = got.to_dict()
            # Fields added by later schemas may appear; every field the fixture had stays.
            assert {key: as_read[key] for key in want} == want
            assert (store.get(want["id"]) is None) == want["deleted"]
        stored_ids = {r[0] for r in conn.execute("SELECT id FROM debrief")}
        assert stored_ids == {d["id"] for d in expected["debriefs"]}
        live = [d for d in expected["debriefs"] if not d["deleted"]]
        assert count(conn, DebriefFilter()) == len(live)

        drafts = DraftStore(conn, clock)
        for slot, draft in expected["drafts"].items():
            assert drafts.get(slot) == (draft["body"], from_iso(draft["saved_at"]))

        # The migrated database takes edits and new debriefs as usual.
        first = store.get(live[0]["id"])
        assert store.save(first.with_changes(competitor="Hooli")).revision == first.revision + 1
        assert store.save(make_debrief(store)).revision == 1

    assert hashlib.sha256(fixture.read_bytes()).hexdigest() == fixture_hash
    assert sorted(p.name for p in FIXTURES.iterdir() if p.name.startswith(fixture.name)) == [
        fixture.name]


def test_the_fixture_holds_the_cases_worth_migrating():
    """Tombstones, edits, a retired code, quotes, notes, a draft: keep them in new fixtures."""
    for fixture in DATABASES:
        expected = json.loads(fixture.with_suffix(".json").read_text(encoding="utf-8"))
        debriefs = expected["debriefs"]
        assert len(debriefs) >= 20
        assert any(d["deleted"] for d in debriefs)
        assert any(d["revision"] > 1 for d in debriefs)
        assert any(r["code"] == "price.other" for d in debriefs for r in d["reasons"])
        assert any(d["reasons_unknown"] for d in debriefs)
        assert any(d["quote"] and d["share_quote"] for d in debriefs)
        assert any(d["quote"] and not d["share_quote"] for d in debriefs)
        assert any(d["private_notes"] for d in debriefs)
        assert any(d["account_name"] for d in debriefs)
        assert any(d["deal_value"] for d in debriefs)
        assert expected["drafts"]
