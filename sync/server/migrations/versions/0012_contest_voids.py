"""Voids: a manager voids a debrief's entries in a contest with a reason, and may undo
it, also with a reason; `contest_voids` keeps both for good (sync.server.voids).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contest_voids",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("contest_id", sa.Integer, nullable=False),
        sa.Column("debrief_id", sa.String(36), nullable=False),
        sa.Column("rep_id", sa.Integer, nullable=False),
        sa.Column("voided", sa.Boolean, nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("by_id", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contest_id"], ["contests.id"], ondelete="CASCADE",
                                name=op.f("fk_contest_voids_contest_id_contests")),
        sa.ForeignKeyConstraint(["rep_id"], ["users.id"],
                                name=op.f("fk_contest_voids_rep_id_users")),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"],
                                name=op.f("fk_contest_voids_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contest_voids")),
    )
    op.create_index("ix_contest_voids_contest_id_debrief_id", "contest_voids",
                    ["contest_id", "debrief_id"])
    op.create_index("ix_contest_voids_rep_id", "contest_voids", ["rep_id"])


def downgrade() -> None:
    op.drop_table("contest_voids")
