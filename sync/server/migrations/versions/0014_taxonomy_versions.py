"""Taxonomy versions: marketing changes the reason list on the server, each change a new
version kept in `taxonomy_versions` (sync.server.taxonomy_versions). The shipped
taxonomy is its first version, so a later release's defaults never change a store's
list by themselves.

The rollup counts each debrief by the codes standing in the newest version: the
shipped taxonomy's own mappings (a retired code counted under its new one) move the
rows of those codes.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "taxonomy_versions",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("change", sa.Text, nullable=False),
        sa.Column("made_by", sa.Integer, nullable=True),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["made_by"], ["users.id"],
                                name=op.f("fk_taxonomy_versions_made_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taxonomy_versions")),
        sa.UniqueConstraint("version", name=op.f("uq_taxonomy_versions_version")),
    )
    # The code that keeps the rollup moves the rows, so the two cannot disagree (as
    # 0009 counts it): should a later migration change the rollup's tables, this must
    # stop calling it first.
    from sync.domain.taxonomy import Taxonomy
    from sync.resources import load_json
    from sync.server import rollups
    from sync.server.code_map import CodeMap

    shipped = load_json("taxonomy/default.json")
    connection = op.get_bind()
    connection.execute(sa.text(
        "INSERT INTO taxonomy_versions (version, document, change, made_by, made_at) "
        "VALUES (:version, :document, :change, NULL, :made_at)"),
        {"version": str(shipped["version"]), "document": json.dumps(shipped),
         "change": json.dumps({"kind": "shipped"}), "made_at": datetime.now(UTC)})
    codes = CodeMap.of(Taxonomy.from_dict(shipped))
    rollups.move_codes(connection, codes, codes.changed_from(CodeMap()), dimensions=(
        "stage", "industry", "company_size", "region", "competitor", "team"))


def downgrade() -> None:
    # Back to counting each debrief by the codes it was saved with.
    from sync.server import rollups
    from sync.server.code_map import CodeMap

    connection = op.get_bind()
    rollups.count_again(connection, CodeMap(), dimensions=(
        "stage", "industry", "company_size", "region", "competitor", "team"))
    op.drop_table("taxonomy_versions")
