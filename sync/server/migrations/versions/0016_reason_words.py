"""A reason's few words (protocol 4): the code that asks for them, "Other", carries what
the rep said it was; marketing sees the words said often enough as suggested codes.

The store's newest reason list gets the shipped "Other" category (resources/taxonomy/
default.json) as a new version, unless it has it already (a store made from a list that
holds it). Nothing counts under it yet, so the rollup does not move.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # In place, never by rebuilding the table (see 0015).
    op.add_column("debrief_reasons", sa.Column("words", sa.String(200), nullable=True))
    from sync.domain import taxonomy_changes
    from sync.resources import load_json
    from sync.server import taxonomy_versions

    connection = op.get_bind()
    newest = taxonomy_versions.newest(connection)
    document = taxonomy_changes.with_other(newest.documents.taxonomy,
                                           load_json("taxonomy/default.json"))
    if document is None and not any(code.asks_for_words for code in newest.taxonomy.codes):
        # A list with a category of its own keyed "other": left as it is, said so.
        logging.getLogger(__name__).warning(
            "the store's reason list has a category keyed \"other\" already: the shipped "
            "\"Other\", which asks reps for words, was not added")
    if document is not None:
        connection.execute(sa.text(
            "INSERT INTO taxonomy_versions (version, document, change, made_by, made_at) "
            "VALUES (:version, :document, :change, NULL, :made_at)"),
            {"version": str(document["version"]), "document": json.dumps(document),
             "change": json.dumps({"kind": "shipped_other"}), "made_at": datetime.now(UTC)})


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM taxonomy_versions WHERE change = "
                       "'{\"kind\": \"shipped_other\"}'"))
    op.drop_column("debrief_reasons", "words")
