"""Debriefs carry the number of the push that last wrote them: a rep's change feed.

Rows written before it get 0, the feed's start: a machine's first pull from the feed
reads them all, as the pull by id did.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("debriefs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("change_seq", sa.BigInteger(), nullable=False, server_default="0"))
        batch_op.create_index("ix_debriefs_rep_id_change_seq_id",
                              ["rep_id", "change_seq", "id"])


def downgrade() -> None:
    op.drop_index("ix_debriefs_rep_id_change_seq_id", table_name="debriefs")
    # Not a batch (which copies the table on SQLite: dropping the old one would cascade
    # to every reason); SQLite drops a column in place since 3.35.
    op.execute("ALTER TABLE debriefs DROP COLUMN change_seq")
