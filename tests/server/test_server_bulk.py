"""bulk.insert_rows: rows go in whole (arrays on PostgreSQL, the driver's executemany on
SQLite) and read back as SQLAlchemy writes them, dates included, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from sync.server.bulk import insert_rows

COLUMNS = ("name", "month", "moved", "rep", "seen_at", "flag")
ROWS = [("b", date(2026, 2, 1), 2, None, datetime(2026, 2, 3, 4, 5, 6, 7, tzinfo=UTC), True),
        ("a", date(2025, 12, 1), -1, 7, datetime(2025, 12, 31, 23, 59, tzinfo=UTC), False)]


@pytest.fixture
def engine(fresh_database: str) -> Iterator[sa.Engine]:
    engine = sa.create_engine(fresh_database)
    yield engine
    engine.dispose()


@pytest.fixture
def table(engine: sa.Engine) -> sa.Table:
    table = sa.Table("tally", sa.MetaData(), sa.Column("name", sa.String(8), primary_key=True),
                     sa.Column("month", sa.Date, nullable=False),
                     sa.Column("moved", sa.Integer, nullable=False),
                     sa.Column("rep", sa.Integer),
                     sa.Column("seen_at", sa.DateTime(timezone=True)),
                     sa.Column("flag", sa.Boolean, nullable=False, default=False))
    table.metadata.create_all(engine)
    return table


def _all(engine: sa.Engine, table: sa.Table) -> list[tuple[Any, ...]]:
    with engine.connect() as c:
        rows = c.execute(sa.select(table).order_by(table.c.name)).all()
    # SQLite keeps no time zone: SQLAlchemy gives its UTC text back as a naive time.
    return [tuple(value.replace(tzinfo=UTC) if isinstance(value, datetime)
                  and value.tzinfo is None else value for value in row) for row in rows]


def test_rows_read_back_as_sqlalchemy_writes_them(engine, table):
    with engine.begin() as c:
        insert_rows(c, table, COLUMNS, ROWS)
        c.execute(table.insert(), {"name": "c", "month": date(2026, 3, 1), "moved": 0})
    assert _all(engine, table) == [*sorted(ROWS), ("c", date(2026, 3, 1), 0, None, None, False)]
    with engine.connect() as c:
        # Stored as SQLAlchemy stores them, so comparisons in SQL hold.
        assert c.execute(sa.select(sa.func.count()).where(
            table.c.month >= date(2026, 1, 1))).scalar_one() == 2
        assert c.execute(sa.select(table.c.name).where(
            table.c.seen_at > datetime(2026, 1, 1, tzinfo=UTC))).scalar_one() == "b"


@pytest.mark.parametrize("upsert", [False, True], ids=["insert", "upsert"])
def test_dates_are_stored_exactly_as_sqlalchemy_stores_them(engine, table, upsert):
    # On SQLite a date is text, compared as text: a time on the whole second written in
    # another form ("...00+00:00" against "...00.000000") falls outside a range that
    # starts at that very moment.
    midnight = datetime(2026, 11, 1, tzinfo=UTC)
    row = ("bulk", date(2026, 11, 1), 1, None, midnight, False)

    def keep_newest(insert: Any) -> Any:
        return insert.on_conflict_do_update(index_elements=[table.c.name],
                                            set_={"seen_at": insert.excluded.seen_at})

    with engine.begin() as c:
        insert_rows(c, table, COLUMNS, [row], on_conflict=keep_newest if upsert else None)
        c.execute(table.insert(), dict(zip(COLUMNS, ("plain", *row[1:]), strict=True)))
    with engine.connect() as c:
        as_text = {name: stored for name, *stored in c.execute(sa.select(
            table.c.name, sa.cast(table.c.seen_at, sa.Text), sa.cast(table.c.month, sa.Text)))}
        from_midnight = c.execute(sa.select(table.c.name).where(
            table.c.seen_at >= midnight).order_by(table.c.name)).scalars().all()
    assert as_text["bulk"] == as_text["plain"]
    assert from_midnight == ["bulk", "plain"]


def test_columns_may_come_in_any_order_and_a_column_of_nulls_is_typed(engine, table):
    order = ("rep", "flag", "moved", "seen_at", "month", "name")
    with engine.begin() as c:
        insert_rows(c, table, order, [(None, flag, moved, None, month, name)
                                      for name, month, moved, _, _, flag in ROWS])
    assert _all(engine, table) == sorted((name, month, moved, None, None, flag)
                                         for name, month, moved, _, _, flag in ROWS)


def test_an_upsert_moves_existing_rows_where_its_condition_holds(engine, table):
    def add_if_positive(insert: Any) -> Any:
        return insert.on_conflict_do_update(
            index_elements=[table.c.name],
            set_={"moved": table.c.moved + insert.excluded.moved},
            where=insert.excluded.moved > 0)

    with engine.begin() as c:
        insert_rows(c, table, COLUMNS, ROWS, on_conflict=add_if_positive)
        insert_rows(c, table, COLUMNS, ROWS, on_conflict=add_if_positive)
    assert {row[0]: row[2] for row in _all(engine, table)} == {"a": -1, "b": 4}


def test_columns_left_out_take_their_default_and_a_required_one_is_refused(engine, table):
    with engine.begin() as c:
        insert_rows(c, table, ("name", "month", "moved"), [row[:3] for row in ROWS])
    assert {row[3:] for row in _all(engine, table)} == {(None, None, False)}
    with engine.begin() as c, pytest.raises(sa.exc.IntegrityError):
        insert_rows(c, table, ("name", "month"), [("z", date(2026, 1, 1))])


def test_a_column_the_table_lacks_is_named(engine, table):
    with engine.begin() as c, pytest.raises(ValueError, match="'typo'"):
        insert_rows(c, table, ("name", "typo"), [("a", 1)])


def test_no_rows_is_no_statement(engine, table):
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute",
                    lambda _c, _cursor, statement, *_: statements.append(statement))
    with engine.begin() as c:
        insert_rows(c, table, COLUMNS, [])
    assert not [s for s in statements if "tally" in s]


def test_a_value_too_long_for_its_column_is_never_cut(engine, table):
    # PostgreSQL's cast to varchar(8)[] would cut it to fit; storing it must refuse it.
    # SQLite keeps text of any length, as a plain SQLAlchemy insert does there.
    row = ("ninechars", date(2026, 1, 1), 0)
    if engine.dialect.name == "postgresql":
        with engine.begin() as c, pytest.raises(sa.exc.DataError):
            insert_rows(c, table, ("name", "month", "moved"), [row])
        assert _all(engine, table) == []
    else:
        with engine.begin() as c:
            insert_rows(c, table, ("name", "month", "moved"), [row])
        assert [found[0] for found in _all(engine, table)] == ["ninechars"]


def test_rows_that_do_not_match_the_columns_are_refused(engine, table):
    with engine.begin() as c, pytest.raises(ValueError, match="4 values for 3 columns"):
        insert_rows(c, table, ("name", "month", "moved"),
                    [("a", date(2026, 1, 1), 0), ("b", date(2026, 1, 1), 0, 7)])
    assert _all(engine, table) == []


def test_a_default_made_per_row_in_python_must_be_given(engine):
    made = sa.Table("made", sa.MetaData(), sa.Column("name", sa.String(8), primary_key=True),
                    sa.Column("stamp", sa.Integer, default=lambda: 0))
    made.metadata.create_all(engine)
    with engine.begin() as c, pytest.raises(ValueError, match="'stamp'"):
        insert_rows(c, made, ("name",), [("a",)])
    with engine.begin() as c:
        insert_rows(c, made, ("name", "stamp"), [("a", 5)])
    with engine.connect() as c:
        assert c.execute(sa.select(made.c.stamp)).scalar_one() == 5
