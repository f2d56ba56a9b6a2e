"""Reason rollups and kept contest scores, so insights and standings stay fast at
company size (docs/scale.md). Filled from the debriefs already stored.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
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
    op.create_table(
        "contest_scores",
        sa.Column("contest_id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("debriefs", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["contest_id"], ["contests.id"], ondelete="CASCADE",
                                name=op.f("fk_contest_scores_contest_id_contests")),
        sa.ForeignKeyConstraint(["rep_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_contest_scores_rep_id_users")),
        sa.PrimaryKeyConstraint("contest_id", "rep_id", name=op.f("pk_contest_scores")),
    )
    # Push now stores a blank competitor as none and trims the name; so must the past.
    op.execute("UPDATE debriefs SET competitor = NULLIF(TRIM(competitor), '') "
               "WHERE competitor IS NOT NULL")
    _fill()


def _fill() -> None:
    # The same code that keeps them fills them, so the two cannot disagree. The reason
    # rollup changed shape in 0007, which fills it; the scores are filled here.
    from sync.server import scores

    connection = op.get_bind()
    for (contest_id,) in connection.execute(sa.text("SELECT id FROM contests ORDER BY id")):
        scores.rescore_contest(connection, contest_id)


def downgrade() -> None:
    op.drop_table("contest_scores")
    op.drop_table("reason_rollup")
