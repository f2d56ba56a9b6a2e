"""bulk.executemany: rows go straight to the driver, and read back as SQLAlchemy wrote
them (dates included), on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from sync.server.bulk import executemany

ROWS = [("b", date(2026, 2, 1), 2, None), ("a", date(2025, 12, 1), -1, 7)]


@pytest.fixture
def engine(fresh_database: str) -> Iterator[sa.Engine]:
    engine = sa.create_engine(fresh_database)
    yield engine
    engine.dispose()


@pytest.fixture
def table(engine: sa.Engine) -> sa.Table:
    table = sa.Table("tally", sa.MetaData(), sa.Column("name", sa.String, primary_key=True),
                     sa.Column("month", sa.Date, nullable=False),
                     sa.Column("moved", sa.Integer, nullable=False),
                     sa.Column("rep", sa.Integer))
    table.metadata.create_all(engine)
    return table


def test_rows_read_back_as_sqlalchemy_writes_them(engine, table):
    with engine.begin() as c:
        executemany(c, table.insert(), ("name", "month", "moved", "rep"), ROWS)
        c.execute(table.insert(), {"name": "c", "month": date(2026, 3, 1), "moved": 0})
    with engine.connect() as c:
        found = c.execute(sa.select(table).order_by(table.c.name)).all()
        assert [tuple(row) for row in found] == [
            *sorted(ROWS), ("c", date(2026, 3, 1), 0, None)]
        # The month is stored as SQLAlchemy stores a date, so comparisons in SQL hold.
        assert c.execute(sa.select(sa.func.count()).where(
            table.c.month >= date(2026, 1, 1))).scalar_one() == 2


def test_columns_may_come_in_any_order(engine, table):
    with engine.begin() as c:
        executemany(c, table.insert(), ("rep", "moved", "month", "name"),
                    [(rep, moved, month, name) for name, month, moved, rep in ROWS])
    with engine.connect() as c:
        assert sorted(tuple(row) for row in c.execute(sa.select(table))) == sorted(ROWS)


def test_an_upsert_moves_existing_rows(engine, table):
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    upsert = statement.on_conflict_do_update(
        index_elements=[table.c.name], set_={"moved": table.c.moved + statement.excluded.moved})
    with engine.begin() as c:
        executemany(c, upsert, ("name", "month", "moved", "rep"), ROWS)
        executemany(c, upsert, ("name", "month", "moved", "rep"), ROWS[:1])
    with engine.connect() as c:
        assert dict(c.execute(sa.select(table.c.name, table.c.moved)).all()) == {"a": -1,
                                                                               "b": 4}


def test_columns_left_out_take_their_default_and_a_required_one_is_refused(engine, table):
    with engine.begin() as c:
        executemany(c, table.insert(), ("name", "month", "moved"), [row[:3] for row in ROWS])
    with engine.connect() as c:
        assert set(c.execute(sa.select(table.c.rep)).scalars()) == {None}
    with engine.begin() as c, pytest.raises(sa.exc.IntegrityError):
        executemany(c, table.insert(), ("name", "month"), [("z", date(2026, 1, 1))])


def test_a_statement_parameter_with_no_column_is_named(engine, table):
    update = table.update().where(table.c.name == sa.bindparam("old")).values(
        moved=sa.bindparam("new"))
    with engine.begin() as c, pytest.raises(ValueError, match="'old'"):
        executemany(c, update, ("new",), [(1,)])
    with engine.begin() as c, pytest.raises(ValueError, match="'typo'"):
        executemany(c, update, ("new", "old", "typo"), [(1, "a", 2)])


def test_no_rows_is_no_statement(engine, table):
    # An update whose parameters the (absent) rows do not name: only an early return passes.
    with engine.begin() as c:
        executemany(c, table.update().values(moved=sa.bindparam("new")), ("name",), [])
