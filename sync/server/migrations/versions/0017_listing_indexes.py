"""Partial indexes on the debriefs listing collateral or failed criteria, by when made:
marketing's collateral and criteria counts over a period read only those debriefs
(sync.server.lead_counts), not every debrief of the period.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

LISTS = ("collateral", "failed_criteria")


def upgrade() -> None:
    for name in LISTS:
        op.create_index(f"ix_debriefs_listing_{name}", "debriefs", ["created_at"],
                        sqlite_where=sa.text(f"{name} IS NOT NULL"),
                        postgresql_where=sa.text(f"{name} IS NOT NULL"))


def downgrade() -> None:
    for name in LISTS:
        op.drop_index(f"ix_debriefs_listing_{name}", "debriefs")
