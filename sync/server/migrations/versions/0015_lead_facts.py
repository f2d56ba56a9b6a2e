"""The lead facts of a debrief (protocol 3): where the lead came from, whether it was
sales-ready and which criteria it failed, the collateral used and whether it helped
(JSON text), and a play that worked, kept only when the rep shared it.

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


def upgrade() -> None:
    with op.batch_alter_table("debriefs") as table:
        table.add_column(sa.Column("lead_source", sa.String(64), nullable=True))
        table.add_column(sa.Column("sales_ready", sa.String(8), nullable=True))
        table.add_column(sa.Column("failed_criteria", sa.Text, nullable=True))
        table.add_column(sa.Column("collateral", sa.Text, nullable=True))
        table.add_column(sa.Column("play", sa.Text, nullable=True))
        table.add_column(sa.Column("share_play", sa.Boolean, nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("debriefs") as table:
        for name in ("share_play", "play", "collateral", "failed_criteria", "sales_ready",
                     "lead_source"):
            table.drop_column(name)
