"""Versions per cell (UTC month and outcome) of the reason rollup instead of per month:
a push of one lost debrief changes what the suppression rule publishes of the month's
lost cell only, so the server counts that cell again, not the whole month
(sync/server/published.py). Every cell the rollup holds gets a new version; no count
changes.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

CELLS = "SELECT DISTINCT month, outcome FROM reason_rollup WHERE dimension = ''"


def upgrade() -> None:
    op.create_table(
        "rollup_cells",
        sa.Column("month", sa.Date, primary_key=True),
        sa.Column("outcome", sa.String(16), primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False))
    connection = op.get_bind()
    cells = connection.execute(sa.text(CELLS)).all()
    if cells:
        connection.execute(sa.text("INSERT INTO rollup_cells (month, outcome, version) "
                                   "VALUES (:month, :outcome, :version)"),
                           [{"month": month, "outcome": outcome,
                             "version": secrets.randbits(62)} for month, outcome in cells])
    op.drop_table("rollup_months")


def downgrade() -> None:
    op.create_table(
        "rollup_months",
        sa.Column("month", sa.Date, primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False))
    connection = op.get_bind()
    months = sorted({month for month, _ in connection.execute(sa.text(CELLS))})
    if months:
        connection.execute(sa.text("INSERT INTO rollup_months (month, version) "
                                   "VALUES (:month, :version)"),
                           [{"month": month, "version": secrets.randbits(62)}
                            for month in months])
    op.drop_table("rollup_cells")
