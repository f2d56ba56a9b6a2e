"""The lead facts of a debrief (protocol 3): where the lead came from, whether it was
sales-ready and which criteria it failed, the collateral used and whether it helped
(JSON text), and a play that worked, kept only when the rep shared it.

The rollup splits each cell by lead source and by sales-readiness too: their rows are
counted here (every debrief stored so far gave neither).

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

NEW_DIMENSIONS = ("lead_source", "sales_ready")


def upgrade() -> None:
    # Columns added in place (ALTER TABLE ... ADD COLUMN), never by rebuilding the table:
    # on SQLite a rebuilt `debriefs` would take every reason with it through the foreign
    # keys (ON DELETE CASCADE).
    for column in (sa.Column("lead_source", sa.String(64), nullable=True),
                   sa.Column("sales_ready", sa.String(8), nullable=True),
                   sa.Column("failed_criteria", sa.Text, nullable=True),
                   sa.Column("collateral", sa.Text, nullable=True),
                   sa.Column("play", sa.Text, nullable=True),
                   sa.Column("share_play", sa.Boolean, nullable=False,
                             server_default=sa.false())):
        op.add_column("debriefs", column)
    # The code that keeps the rollup counts the new rows, by the codes standing in the
    # store's newest reason list (as 0009 and 0014 do): should a later migration change
    # the rollup's tables, this must stop calling it first.
    from sync.server import rollups, taxonomy_versions

    connection = op.get_bind()
    codes = taxonomy_versions.newest(connection).codes
    rollups.count_again(connection, codes, dimensions=NEW_DIMENSIONS, cells=False)


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM reason_rollup WHERE dimension IN "
                       "('lead_source', 'sales_ready')"))
    # In place too (SQLite 3.35 drops a column itself).
    for name in ("share_play", "play", "collateral", "failed_criteria", "sales_ready",
                 "lead_source"):
        op.drop_column("debriefs", name)
