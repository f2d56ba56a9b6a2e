"""The central store's database: the engine factory, migrations and the schema check.

SQLite (one team) and PostgreSQL (a company) run the same code. Nothing here is made
at import time: `make_engine` is called once by whoever starts the server.
"""

from __future__ import annotations

import enum
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 30_000


class DatabaseError(RuntimeError):
    """The database cannot be used as it is; the message says what an admin should do."""


def make_engine(url: str | URL) -> Engine:
    """An engine for `url`, with SQLite set up for durable, concurrent use and every
    PostgreSQL session in UTC."""
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    if url.get_backend_name() == "postgresql":
        return _postgresql_engine(url)
    raise DatabaseError(f"unsupported database {url.get_backend_name()!r}: "
                        "use sqlite:///path or postgresql+psycopg://...")


def _pragma(cursor: Any, pragma: str, tries: int = 100) -> None:
    """One PRAGMA. Switching a new file to WAL can be refused as "locked" without waiting
    in busy_timeout (SQLite does so while another connection switches it), so that one
    is tried again for up to about five seconds."""
    for attempt in range(tries):
        try:
            cursor.execute(f"PRAGMA {pragma}")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == tries - 1:
                raise
            time.sleep(0.05)


def _sqlite_engine(url: URL) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    # The driver's own transaction handling is switched off: we say BEGIN ourselves, so
    # that writers take the write lock up front (BEGIN IMMEDIATE) and wait for it in
    # busy_timeout instead of failing with "database is locked" halfway through.
    engine = sa.create_engine(url, connect_args={"isolation_level": None,
                                                 "check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def set_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # The wait first: switching a new file to WAL takes a lock that another process
        # opening it at the same moment may hold, and must wait for it, not fail.
        for pragma in (f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}", "journal_mode=WAL",
                       "synchronous=FULL", "foreign_keys=ON"):
            _pragma(cursor, pragma)
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def begin(connection: sa.Connection) -> None:
        read_only = connection.get_execution_options().get("read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def _postgresql_engine(url: URL) -> Engine:
    engine = sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)

    @sa.event.listens_for(engine, "connect")
    def in_utc(dbapi_connection: Any, _record: Any) -> None:
        # Every session speaks UTC, whatever zone the database or its role defaults to:
        # timestamps then come back as they were written, and a date near year 1 or
        # 9999 never lands outside the years Python can hold ("timestamp too small").
        # Committed at once, so that no rollback undoes it.
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()

    return engine


def reading(engine: Engine) -> sa.Connection:
    """A connection for reads only (on SQLite it does not take the write lock)."""
    return engine.connect().execution_options(read_only=True)


def serialize(connection: sa.Connection, *keys: str, shared: bool = False) -> None:
    """Make other transactions that name any of `keys` wait until this one ends; with
    `shared`, only those that name them unshared (many readers, one writer).
    SQLite's BEGIN IMMEDIATE already serializes every writer; PostgreSQL takes
    transaction-scoped advisory locks, in a fixed order so that two never deadlock."""
    if connection.dialect.name != "postgresql" or not keys:
        return
    # One statement for all: the rows of unnest() come in the array's order, so the
    # locks are taken in sorted order (10,000 keys: 20 ms, against 1.2 s one by one).
    lock = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    connection.execute(sa.text(
        f"SELECT count({lock}(hashtextextended(key, 0))) "
        "FROM unnest(CAST(:keys AS text[])) AS key"), {"keys": sorted(set(keys))})


def describe(url: str | URL) -> str:
    """The URL without its password, for logs and messages."""
    return make_url(url).render_as_string(hide_password=True)


# --- migrations -------------------------------------------------------------------------


class SchemaState(enum.Enum):
    EMPTY = "empty"  # nothing migrated yet
    BEHIND = "behind"  # migrations to run: `debrief-server migrate`
    CURRENT = "current"
    AHEAD = "ahead"  # written by a newer debrief-server: refuse


@dataclass(frozen=True)
class SchemaCheck:
    state: SchemaState
    current: str | None
    head: str

    @property
    def message(self) -> str:
        return {
            SchemaState.EMPTY: "the database has no Debrief tables yet: run "
                               "`debrief-server migrate`",
            SchemaState.BEHIND: f"the database is at schema {self.current}, this version "
                                f"needs {self.head}: run `debrief-server migrate`",
            SchemaState.CURRENT: f"the database schema is current ({self.head})",
            SchemaState.AHEAD: f"the database is at schema {self.current}, which this "
                               f"version does not know: it was written by a newer "
                               f"debrief-server; upgrade this server",
        }[self.state]


def _alembic_config(connection: sa.Connection | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None, "the migrations folder holds no revision"
    return head


def check_schema(engine: Engine, head: str | None = None) -> SchemaCheck:
    """Where the database's schema stands against this version's migrations."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = head or head_revision()
    with reading(engine) as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current is None:
        state = SchemaState.EMPTY
    elif current == head:
        state = SchemaState.CURRENT
    else:
        script = ScriptDirectory.from_config(_alembic_config())
        known = {revision.revision for revision in script.walk_revisions()}
        state = SchemaState.BEHIND if current in known else SchemaState.AHEAD
    return SchemaCheck(state, current, head)


def migrate(engine: Engine) -> SchemaCheck:
    """Bring the schema to this version's head; a newer schema is refused, never touched."""
    from alembic import command

    check = check_schema(engine)
    if check.state is SchemaState.AHEAD:
        raise DatabaseError(check.message)
    if check.state is not SchemaState.CURRENT:
        with engine.begin() as connection:
            # Servers started together each migrate: the first takes the lock and
            # upgrades; the others wait for its commit, then find nothing to do.
            serialize(connection, "migrate")
            command.upgrade(_alembic_config(connection), "head")
    return check_schema(engine)
