"""Two indexes: when each debrief was last received (a BI tool asks which months
changed since its last refresh, `/api/v1/bi/reason-counts?changed_since=...`), and the
CRM reference (the funnel counts a deal once, as its latest debrief).

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
    op.create_index("ix_debriefs_crm_ref_created_at", "debriefs", ["crm_ref", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_debriefs_crm_ref_created_at", table_name="debriefs")
    op.drop_index("ix_debriefs_received_at", table_name="debriefs")
