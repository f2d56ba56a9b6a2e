"""Alembic's entry point: runs migrations on the connection debrief-server hands in."""

from __future__ import annotations

from alembic import context

from sync.server.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `debrief-server migrate`, which passes the "
                       "database connection in")

# SQLite cannot ALTER most things in place; batch mode copies the table instead.
context.configure(connection=connection, target_metadata=metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
