"""Alembic migrations: from nothing to head on SQLite and PostgreSQL, matching the tables
the code uses, and the schema check that `serve` and /readyz rely on."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

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


def test_contests_keep_their_scores_and_get_a_seed_and_an_ended_one_is_never_drawn(
        fresh_engine: sa.Engine) -> None:
    """0011 adds the draw's columns in place: on SQLite a rebuilt `contests` table would
    take every score with it through the foreign keys."""
    import hashlib

    from alembic import command

    from sync.server import contests, draws
    from sync.server.database import _alembic_config
    from sync.server.tables import contest_scores, teams, users

    moment = datetime(2026, 11, 2, tzinfo=UTC)
    now = datetime.now(UTC)
    with fresh_engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0010")
        connection.execute(teams.insert().values(id=1, name="North", created_at=moment))
        connection.execute(users.insert().values(
            id=1, username="boss", display_name="Boss", role="admin", team_id=None,
            password_hash="x", disabled=False, created_at=moment))
        connection.execute(users.insert().values(
            id=2, username="rep", display_name="Rep", role="rep", team_id=1,
            password_hash="x", disabled=False, created_at=moment))
        for contest_id, ends in ((1, datetime(2026, 11, 30, tzinfo=UTC)),
                                 (2, now + timedelta(days=30))):
            connection.execute(sa.text(
                "INSERT INTO contests (id, team_id, name, prize, starts_at, ends_at, rules, "
                "created_by, created_at) VALUES (:id, 1, 'C', 'P', :starts, :ends, '{}', 1, "
                ":starts)").bindparams(*(sa.bindparam(name, type_=sa.DateTime(timezone=True))
                                         for name in ("starts", "ends"))),
                {"id": contest_id, "starts": moment, "ends": ends})
            connection.execute(contest_scores.insert().values(
                contest_id=contest_id, rep_id=2, entries=7, debriefs=3))
    for step in ("head", "0010", "head"):  # up, down and up again
        with fresh_engine.begin() as connection:
            command.upgrade(_alembic_config(connection), step) if step == "head" else \
                command.downgrade(_alembic_config(connection), step)
        with fresh_engine.connect() as connection:
            assert connection.execute(sa.select(sa.func.count()).select_from(
                contest_scores)).scalar_one() == 2, step
    with fresh_engine.begin() as connection:
        ended, running = (contests.find(connection, i, None) for i in (1, 2))
        assert ended is not None and running is not None
        for contest in (ended, running):
            seed = connection.execute(sa.text("SELECT seed FROM contests WHERE id = :id"),
                                      {"id": contest.id}).scalar_one()
            assert hashlib.sha256(bytes.fromhex(seed)).hexdigest() == contest.commitment
            assert contest.committed_at is not None and contest.winners == 1
        with pytest.raises(draws.DrawRefused) as refused:
            draws.run(connection, ended, 1, now)
        assert refused.value.code == "committed_late"
        ledger = draws.published(connection, ended, now).ledger
        assert ledger == "debrief-ledger/1\ncontest 1\n2 7\n"


def test_the_lead_facts_and_taxonomy_versions_keep_every_debrief_and_reason(
        fresh_engine: sa.Engine) -> None:
    """0014 and 0015 change the rollup and add the lead facts' columns in place: on
    SQLite a rebuilt `debriefs` table would take every reason with it through the foreign
    keys. Up, down and up again from a store holding debriefs."""
    from alembic import command

    from sync.server.database import _alembic_config
    from sync.server.tables import debrief_reasons, reason_rollup, users

    moment = datetime(2026, 11, 2, tzinfo=UTC)
    with fresh_engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0013")
        connection.execute(users.insert().values(
            id=1, username="rep", display_name="Rep", role="rep", team_id=None,
            password_hash="x", disabled=False, created_at=moment))
        for n, codes in enumerate((("price.too_high", "price.other"), ("timing.reorg",))):
            debrief_id = f"0190a000-0000-7000-8000-00000000000{n}"
            connection.execute(sa.text(
                "INSERT INTO debriefs (id, rep_id, revision, outcome, stage, "
                "reasons_unknown, share_quote, created_at, updated_at, deleted, received_at, "
                "change_seq) VALUES (:id, 1, 1, 'lost', 'evaluation', :no, :no, :at, :at, "
                ":no, :at, 1)").bindparams(sa.bindparam("at", type_=sa.DateTime(timezone=True)),
                                           sa.bindparam("no", type_=sa.Boolean)),
                {"id": debrief_id, "at": moment, "no": False})
            for position, code in enumerate(codes):
                connection.execute(debrief_reasons.insert().values(
                    debrief_id=debrief_id, position=position, code=code, detail=None,
                    evidence="my_read", is_primary=position == 0))
        from sync.server import rollups
        from sync.server.code_map import CodeMap

        rollups.count_again(connection, CodeMap(), dimensions=(
            "stage", "industry", "company_size", "region", "competitor", "team"))
    for step in ("head", "0013", "head"):  # up, down and up again
        with fresh_engine.begin() as connection:
            command.upgrade(_alembic_config(connection), step) if step == "head" else \
                command.downgrade(_alembic_config(connection), step)
        with fresh_engine.connect() as connection:
            count = connection.execute(sa.select(sa.func.count()).select_from(
                debrief_reasons)).scalar_one()
            assert count == 3, step
            # The retired "price.other" counts under "price.too_high" at head, once.
            codes = set(connection.execute(sa.select(reason_rollup.c.code).where(
                reason_rollup.c.dimension == "").distinct()).scalars())
            assert ("price.other" in codes) == (step == "0013"), step
    with fresh_engine.connect() as connection:
        counted = connection.execute(sa.select(reason_rollup.c.debriefs).where(
            reason_rollup.c.dimension == "", reason_rollup.c.code == "price.too_high",
            reason_rollup.c.is_primary.is_(False))).scalar_one()
        assert counted == 1
        assert connection.execute(sa.select(sa.func.count()).select_from(
            reason_rollup).where(reason_rollup.c.dimension == "lead_source")).scalar_one()


def test_serialize_makes_a_transaction_naming_a_key_wait(engine: sa.Engine, backend: str
                                                         ) -> None:
    """PostgreSQL: a transaction naming any key another holds waits for it to end (the
    rep's push lock, a contest's freeze). SQLite serializes every writer already, so
    there it takes nothing."""
    from sync.server.database import serialize

    if backend == "sqlite":
        with engine.connect() as connection:
            serialize(connection, "push:1")
            assert not connection.in_transaction()  # no statement was run
        return
    started, finished = threading.Event(), threading.Event()

    def second() -> None:
        with engine.begin() as connection:
            started.set()
            serialize(connection, "push:test-b")
            finished.set()

    with engine.begin() as connection:
        serialize(connection, *(f"push:test-{name}" for name in "cba"))
        thread = threading.Thread(target=second)
        thread.start()
        assert started.wait(10)
        assert not finished.wait(0.5)  # waits while the first holds push:test-b
    thread.join(10)
    assert finished.is_set()


def test_a_store_whose_list_has_no_other_gets_it_as_a_new_version(
        fresh_engine: sa.Engine) -> None:
    """0016: a store made from a list without "Other" (an older release's) gets the
    shipped "Other" category as the next version of its own list; down and up again."""
    import json

    from alembic import command

    from sync.server import taxonomy_versions
    from sync.server.database import _alembic_config
    from sync.server.tables import debrief_reasons
    from sync.server.tables import taxonomy_versions as versions

    with fresh_engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0015")
        document = json.loads(connection.execute(sa.select(versions.c.document)).scalar_one())
        document["version"] = "2026.7"
        document["categories"] = [c for c in document["categories"] if c["key"] != "other"]
        connection.execute(versions.update().values(version="2026.7",
                                                    document=json.dumps(document)))
    for step in ("head", "0015", "head"):
        with fresh_engine.begin() as connection:
            command.upgrade(_alembic_config(connection), step) if step == "head" else \
                command.downgrade(_alembic_config(connection), step)
        with fresh_engine.connect() as connection:
            taxonomy = taxonomy_versions.newest(connection).taxonomy
            asking = [code.key for code in taxonomy.codes if code.asks_for_words]
            has_words = "words" in {c["name"] for c in sa.inspect(connection).get_columns(
                debrief_reasons.name)}
            if step == "head":
                assert (taxonomy.version, asking, has_words) == (
                    "2026.8", ["other.in_a_few_words"], True)
                assert taxonomy.code("price.too_high") is not None  # the rest as it was
            else:
                assert (taxonomy.version, asking, has_words) == ("2026.7", [], False)
