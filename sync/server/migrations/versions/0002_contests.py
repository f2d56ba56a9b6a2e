"""Contests, and indexes for contest standings and insights over a period.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("prize", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_contests_created_by_users")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_contests_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contests")),
    )
    with op.batch_alter_table("contests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contests_team_id"), ["team_id"], unique=False)

    with op.batch_alter_table("debriefs", schema=None) as batch_op:
        batch_op.create_index("ix_debriefs_created_at", ["created_at"], unique=False)
        batch_op.create_index(
            "ix_debriefs_rep_id_created_at", ["rep_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("debriefs", schema=None) as batch_op:
        batch_op.drop_index("ix_debriefs_rep_id_created_at")
        batch_op.drop_index("ix_debriefs_created_at")

    with op.batch_alter_table("contests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contests_team_id"))

    op.drop_table("contests")
