"""Insights counted in blocks of a month, per outcome, and by stage and team.

The reason rollup gains the main-reason counts in its key and counts whole cells and
stages as dimensions, so that every answer is built from the same monthly cells
(sync.domain.disclosure); debriefs keep the rep's team, marketing's "team" dimension.
Stored debriefs take their rep's team now. The rollup is left empty here: 0009 counts
it again from the debriefs (on a large store this takes minutes, docs/scale.md).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("debriefs") as batch:
        batch.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
    op.execute("UPDATE debriefs SET team_id = "
               "(SELECT users.team_id FROM users WHERE users.id = debriefs.rep_id)")
    op.drop_table("reason_rollup")
    op.create_table(
        "reason_rollup",
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("debriefs", sa.Integer(), nullable=False),
        sa.Column("rep_lo", sa.Integer(), nullable=True),
        sa.Column("rep_hi", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("dimension", "month", "outcome", "value", "code",
                                "is_primary", name=op.f("pk_reason_rollup")),
    )
    # Filled by 0009, which counts the rollup again with its details.


def downgrade() -> None:
    op.drop_table("reason_rollup")
    op.create_table(
        "reason_rollup",
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("debriefs", sa.Integer(), nullable=False),
        sa.Column("rep_lo", sa.Integer(), nullable=True),
        sa.Column("rep_hi", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("dimension", "month", "outcome", "value", "code",
                                name=op.f("pk_reason_rollup")),
    )
    with op.batch_alter_table("debriefs") as batch:
        batch.drop_column("team_id")
