"""Many rows into one table in one go, the way each database takes them fastest.

A push writes hundreds of debriefs, about three times as many reasons and thousands of
rollup rows. Built row by row through SQLAlchemy, the rows cost more in Python than the
database's own work, so `insert_rows` hands them over whole:

- PostgreSQL: one statement, `INSERT ... SELECT * FROM unnest(...)`, each column sent as
  one array. psycopg parses the statement's text in Python, so SQLAlchemy's multi-row
  VALUES for 500 debriefs (9,500 parameters) took longer than storing them; pipelined
  executemany sends a message per row.
- SQLite: the driver's `executemany`, which loops in C over one prepared statement.

An ON CONFLICT clause works the same on both. There is no RETURNING (executemany cannot
give it back): a caller that must know which rows an upsert wrote stamps them with a
value of its own and reads them back by it (see ingest).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

Insert = postgresql.Insert | sqlite.Insert
OnConflict = Callable[[Insert], sa.Executable]  # the dialect's insert -> with ON CONFLICT


def insert_rows(connection: sa.Connection, table: sa.Table, columns: Sequence[str],
                rows: Sequence[tuple[Any, ...]], *, on_conflict: OnConflict | None = None
                ) -> None:
    """Insert `rows` (a value for each of `columns`, in that order) into `table`, in the
    connection's transaction. `on_conflict` turns the dialect's insert into an upsert
    (it may use `insert.excluded`). The other columns take their fixed or SQL defaults,
    as with SQLAlchemy. Rows are written in the order given: sort them by key where another
    transaction may lock the same rows, so that two never wait on each other."""
    _check(table, columns, rows)
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        _unnest(connection, table, columns, rows, on_conflict)
        return
    statement: Any = sqlite.insert(table)
    statement = on_conflict(statement) if on_conflict else statement
    _driver_executemany(connection, table, statement, columns, rows)


def _check(table: sa.Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Refuse what would otherwise be written wrong, or differently on each database."""
    unknown = [name for name in columns if name not in table.c]
    if unknown:
        raise ValueError(f"{table.name} has no column {', '.join(map(repr, unknown))}")
    per_row = [column.name for column in table.c if column.name not in columns
               and column.default is not None and column.default.is_callable]
    if per_row:
        raise ValueError(f"give {', '.join(map(repr, per_row))}: a default made in Python "
                         "for each row is not made here")
    wrong = next((row for row in rows if len(row) != len(columns)), None)
    if wrong is not None:
        raise ValueError(f"a row of {len(wrong)} values for {len(columns)} columns: {wrong!r}")


def _unnest(connection: sa.Connection, table: sa.Table, columns: Sequence[str],
            rows: Sequence[tuple[Any, ...]], on_conflict: OnConflict | None) -> None:
    # Each array is cast to its column's type: psycopg picks an array's type from its
    # Python values, which says nothing for a column of NULLs. Text goes as unbounded
    # text: a cast to varchar(n) would cut a longer value short, where storing it into
    # the column refuses it.
    arrays = [sa.cast(sa.bindparam(f"a_{index}"), postgresql.ARRAY(_array_type(table.c[name])))
              for index, name in enumerate(columns)]
    source = sa.func.unnest(*arrays).table_valued(
        *columns, with_ordinality="row_number").render_derived()
    statement: Any = postgresql.insert(table).from_select(
        list(columns), sa.select(*(source.c[name] for name in columns))
        .order_by(source.c.row_number))
    statement = on_conflict(statement) if on_conflict else statement
    values = {f"a_{index}": _as_array(table.c[name], column)
              for index, (name, column) in enumerate(zip(columns, zip(*rows, strict=True),
                                                         strict=True))}
    connection.execute(statement, values)


def _as_array(column: sa.Column[Any], values: Sequence[Any]) -> list[Any]:
    """A column's values for its array: JSON as its text (psycopg adapts no dict in an
    array; the cast to json[] reads the text)."""
    if isinstance(column.type, sa.JSON):
        return [None if value is None else json.dumps(value) for value in values]
    return list(values)


def _array_type(column: sa.Column[Any]) -> sa.types.TypeEngine[Any]:
    return sa.Text() if isinstance(column.type, sa.String) else column.type


def _driver_executemany(connection: sa.Connection, table: sa.Table, statement: sa.Executable,
                        columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """One prepared statement run over `rows` by the driver, with what SQLAlchemy would
    add: a column's fixed default where the rows leave it out, the statement's own
    literal values, dates as text on SQLite."""
    dialect = connection.dialect
    compiled = statement.compile(dialect=dialect, column_keys=list(columns))
    assert compiled.positional, "SQLite's parameters are positional"
    # Column by column, so that the loops over rows run in C (zip, map).
    given: dict[str, Sequence[Any]] = dict(zip(columns, zip(*rows, strict=True), strict=True))

    def parameter(name: str) -> Sequence[Any]:
        bind = compiled.binds[name]
        values = given.get(name)
        if values is None:
            fixed = _fixed_default(table.c[name]) if name in table.c else bind.effective_value
            values = [fixed] * len(rows)
        # The dialect's own type (SQLite's DATETIME, not the generic DateTime) formats.
        to = bind.type.dialect_impl(dialect).bind_processor(dialect)
        return values if to is None else list(map(to, values))

    connection.exec_driver_sql(compiled.string, list(zip(
        *(parameter(name) for name in compiled.positiontup or ()), strict=True)))


def _fixed_default(column: sa.Column[Any]) -> Any:
    default = column.default
    assert default is not None and default.is_scalar, column  # else not bound per row
    return default.arg
