"""The draw anyone can check (docs/draw.md): each contest gets its number of winners and
a secret seed with its published commitment, and when it was committed (contests made
before get theirs now), and
`contest_draws` keeps the ledger frozen when a contest ends and the winners drawn.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Columns added in place, never by rebuilding the table: on SQLite a rebuild drops
    # `contests`, and its foreign keys would take every contest's scores with it.
    op.add_column("contests", sa.Column("winners", sa.Integer, nullable=False,
                                        server_default="1"))
    op.add_column("contests", sa.Column("seed", sa.String(64), nullable=False,
                                        server_default=""))
    op.add_column("contests", sa.Column("commitment", sa.String(64), nullable=False,
                                        server_default=""))
    op.add_column("contests", sa.Column("committed_at", sa.DateTime(timezone=True),
                                        nullable=True))
    connection = op.get_bind()
    now = datetime.now(UTC)
    for (contest_id,) in connection.execute(sa.text("SELECT id FROM contests")).all():
        # Committed now: a contest that has ended by now is never drawn (its entries
        # were known before its seed was), sync.server.draws.
        seed = secrets.token_bytes(32)
        connection.execute(sa.text(
            "UPDATE contests SET seed = :seed, commitment = :commitment, "
            "committed_at = :now WHERE id = :id").bindparams(
                sa.bindparam("now", type_=sa.DateTime(timezone=True))),
            {"seed": seed.hex(), "commitment": hashlib.sha256(seed).hexdigest(), "now": now,
             "id": contest_id})
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
    for column in ("committed_at", "commitment", "seed", "winners"):
        op.execute(f"ALTER TABLE contests DROP COLUMN {column}")  # in place, as added
