"""An index on when each debrief was last received: a BI tool asks which months changed
since its last refresh (`/api/v1/bi/reason-counts?since=...`).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_debriefs_received_at", "debriefs", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_debriefs_received_at", table_name="debriefs")
