"""A version per month of the reason rollup: every push bumps the months it touches, so
the server can keep what the suppression rule published of a month (per dimension)
until the month changes, instead of applying the rule again for every question
(sync/server/published.py). And the rollup splits each cell's code counts by detail
(dimension 'detail'), so marketing can drill from a reason to its details: the rollup
is counted again from the debriefs, which takes minutes on a large store
(docs/scale.md).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rollup_months",
        sa.Column("month", sa.Date, primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False))
    # The code that keeps the rollup counts it, so the two cannot disagree. It reads
    # debriefs and debrief_reasons and writes reason_rollup: should a later migration
    # change any of them, this must stop calling it first. (0010 replaced the months'
    # versions by the cells', so they are written here as they were then.)
    from sync.server import rollups
    from sync.server.code_map import CodeMap

    connection = op.get_bind()
    rollups.count_again(connection, CodeMap(), dimensions=(
        "stage", "industry", "company_size", "region", "competitor", "team"))
    months = connection.execute(sa.text(
        "SELECT DISTINCT month FROM reason_rollup WHERE dimension = ''")).scalars().all()
    if months:
        connection.execute(sa.text("INSERT INTO rollup_months (month, version) "
                                   "VALUES (:month, :version)"),
                           [{"month": month, "version": secrets.randbits(62)}
                            for month in months])


def downgrade() -> None:
    op.execute("DELETE FROM reason_rollup WHERE dimension = 'detail'")
    op.drop_table("rollup_months")
