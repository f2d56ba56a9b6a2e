"""A blank segment value is stored as no value (NULL), as pushes now store it.

Pushes before this kept an empty industry, company size or region as '' (a blank
competitor was already stored as NULL, by 0004 and every push). Insights counted ''
with "not given" from the rollup but apart from it when counting debriefs, so the
same question had two answers. Nothing is lost: '' said nothing. The change feed is
not moved: what a machine holds as '' it shows as not given.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for column in ("industry", "company_size", "region"):
        op.execute(f"UPDATE debriefs SET {column} = NULL WHERE {column} = ''")


def downgrade() -> None:
    pass  # '' and NULL said the same; there is nothing to put back
