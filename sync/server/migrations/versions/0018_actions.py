"""Actions: what marketing will do about an insight, and the measure it should move
(sync.domain.actions, sync.server.actions).

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "actions",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(80), nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("code", sa.String(64), nullable=True),
        sa.Column("dimension", sa.String(16), nullable=True),
        sa.Column("value", sa.String(200), nullable=True),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("baseline_from", sa.Date, nullable=False),
        sa.Column("baseline_to", sa.Date, nullable=False),
        sa.Column("made_in", sa.Date, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("made_by", sa.Integer, nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.Integer, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('open', 'doing', 'done', 'dropped')",
                           name=op.f("ck_actions_status")),
        sa.CheckConstraint("kind IN ('reason', 'outcome', 'win_rate')",
                           name=op.f("ck_actions_kind")),
        sa.CheckConstraint("direction IN ('up', 'down')", name=op.f("ck_actions_direction")),
        sa.ForeignKeyConstraint(["made_by"], ["users.id"],
                                name=op.f("fk_actions_made_by_users")),
        sa.ForeignKeyConstraint(["changed_by"], ["users.id"],
                                name=op.f("fk_actions_changed_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
    )


def downgrade() -> None:
    op.drop_table("actions")
