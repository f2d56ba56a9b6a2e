"""Alembic migrations: from nothing to head on SQLite and PostgreSQL, matching the tables
the code uses, and the schema check that `serve` and /readyz rely on."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from sync.server.database import (
    SQLITE_BUSY_TIMEOUT_MS,
    DatabaseError,
    SchemaState,
    check_schema,
    head_revision,
    make_engine,
    migrate,
)
from sync.server.tables import metadata


@pytest.fixture
def fresh_engine(fresh_database: str):
    engine = make_engine(fresh_database)
    yield engine
    engine.dispose()


def test_an_empty_database_migrates_to_head(fresh_engine: sa.Engine) -> None:
    assert check_schema(fresh_engine).state is SchemaState.EMPTY
    assert migrate(fresh_engine).state is SchemaState.CURRENT
    assert check_schema(fresh_engine).current == head_revision()


def test_the_migrated_schema_is_exactly_the_tables_the_code_uses(
        fresh_engine: sa.Engine) -> None:
    migrate(fresh_engine)
    with fresh_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_migrating_twice_changes_nothing(fresh_engine: sa.Engine) -> None:
    migrate(fresh_engine)
    before = sa.inspect(fresh_engine).get_table_names()
    assert migrate(fresh_engine).state is SchemaState.CURRENT
    assert sa.inspect(fresh_engine).get_table_names() == before


def test_processes_migrating_at_once_all_end_current(fresh_database: str) -> None:
    """Several servers started together each run `migrate` (a systemd unit per port
    does): one migrates, the others wait for it and find nothing left to do."""
    starts = 3
    engines = [make_engine(fresh_database) for _ in range(starts)]
    barrier = threading.Barrier(starts)

    def start(engine: sa.Engine) -> SchemaState:
        barrier.wait()
        return migrate(engine).state

    try:
        with ThreadPoolExecutor(starts) as pool:
            states = list(pool.map(start, engines))
    finally:
        for engine in engines:
            engine.dispose()
    assert states == [SchemaState.CURRENT] * starts


def test_a_schema_from_a_newer_server_is_refused_and_left_alone(
        fresh_engine: sa.Engine) -> None:
    migrate(fresh_engine)
    with fresh_engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = 'f00d'"))
    assert check_schema(fresh_engine).state is SchemaState.AHEAD
    with pytest.raises(DatabaseError, match="newer debrief-server"):
        migrate(fresh_engine)
    with fresh_engine.connect() as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")
                                  ).scalar_one() == "f00d"


def test_sqlite_is_opened_with_the_pragmas_durability_needs(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'central.sqlite'}")
    with engine.connect() as connection:
        pragma = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                  for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")}
    engine.dispose()
    assert pragma == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1,
                      "busy_timeout": SQLITE_BUSY_TIMEOUT_MS}


def test_blank_segment_values_become_not_given(fresh_engine: sa.Engine) -> None:
    from alembic import command

    from sync.server.database import _alembic_config
    from sync.server.tables import debriefs, teams, users

    moment = datetime(2026, 11, 2, tzinfo=UTC)
    with fresh_engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0005")
        connection.execute(teams.insert().values(id=1, name="North", created_at=moment))
        connection.execute(users.insert().values(
            id=1, username="rep", display_name="Rep", role="rep", team_id=1,
            password_hash="x", disabled=False, created_at=moment))
        connection.execute(debriefs.insert(), [
            {"id": debrief_id, "rep_id": 1, "revision": 1, "industry": industry,
             "company_size": "", "region": "dach", "competitor": competitor,
             "reasons_unknown": True, "share_quote": False, "created_at": moment,
             "updated_at": moment, "deleted": False, "received_at": moment, "change_seq": 1}
            for debrief_id, industry, competitor in (("a", "", None), ("b", "software", "Acme"))])
    migrate(fresh_engine)
    with fresh_engine.connect() as connection:
        rows = connection.execute(sa.select(
            debriefs.c.id, debriefs.c.industry, debriefs.c.company_size, debriefs.c.region,
            debriefs.c.competitor).order_by(debriefs.c.id)).all()
    assert [tuple(row) for row in rows] == [("a", None, None, "dach", None),
                                            ("b", "software", None, "dach", "Acme")]
