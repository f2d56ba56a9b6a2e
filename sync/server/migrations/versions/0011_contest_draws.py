"""The draw anyone can check (docs/draw.md): each contest gets its number of winners and
a secret seed with its published commitment (contests made before get theirs now), and
`contest_draws` keeps the ledger frozen when a contest ends and the winners drawn.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contests") as batch:
        batch.add_column(sa.Column("winners", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(sa.Column("seed", sa.String(64), nullable=True))
        batch.add_column(sa.Column("commitment", sa.String(64), nullable=True))
    connection = op.get_bind()
    for (contest_id,) in connection.execute(sa.text("SELECT id FROM contests")).all():
        seed = secrets.token_bytes(32)
        connection.execute(sa.text("UPDATE contests SET seed = :seed, commitment = :commitment "
                                   "WHERE id = :id"),
                           {"seed": seed.hex(), "commitment": hashlib.sha256(seed).hexdigest(),
                            "id": contest_id})
    with op.batch_alter_table("contests") as batch:
        batch.alter_column("seed", existing_type=sa.String(64), nullable=False)
        batch.alter_column("commitment", existing_type=sa.String(64), nullable=False)
    op.create_table(
        "contest_draws",
        sa.Column("contest_id", sa.Integer, nullable=False),
        sa.Column("ledger", sa.Text, nullable=False),
        sa.Column("ledger_sha256", sa.String(64), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("winners", sa.JSON, nullable=True),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("drawn_by", sa.Integer, nullable=True),
        sa.ForeignKeyConstraint(["contest_id"], ["contests.id"], ondelete="CASCADE",
                                name=op.f("fk_contest_draws_contest_id_contests")),
        sa.ForeignKeyConstraint(["drawn_by"], ["users.id"],
                                name=op.f("fk_contest_draws_drawn_by_users")),
        sa.PrimaryKeyConstraint("contest_id", name=op.f("pk_contest_draws")),
    )


def downgrade() -> None:
    op.drop_table("contest_draws")
    with op.batch_alter_table("contests") as batch:
        batch.drop_column("commitment")
        batch.drop_column("seed")
        batch.drop_column("winners")
