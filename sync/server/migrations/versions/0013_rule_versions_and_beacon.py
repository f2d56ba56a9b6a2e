"""Rule versions: a contest's rules are frozen once it starts, and a change makes a new
version from the moment it is made (`contest_rule_versions`; each contest's rules so far
become its version 1). The standings keep each member's entries by version
(`contest_scores.by_version`) and when each last made a debrief in the contest
(`last_debrief_at`). A contest may name a public
randomness beacon round mixed into its draw (`contests.beacon_url`, `beacon_round`;
the round's randomness in `contest_draws.beacon_randomness`).

Downgrading drops the versions after the first and the beacon's columns: contests then
score by their newest rules and draw from their seeds alone.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contest_rule_versions",
        sa.Column("contest_id", sa.Integer, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("rules", sa.JSON, nullable=False),
        sa.Column("applies_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("made_by", sa.Integer, nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contest_id"], ["contests.id"], ondelete="CASCADE",
                                name=op.f("fk_contest_rule_versions_contest_id_contests")),
        sa.ForeignKeyConstraint(["made_by"], ["users.id"],
                                name=op.f("fk_contest_rule_versions_made_by_users")),
        sa.PrimaryKeyConstraint("contest_id", "number", name=op.f("pk_contest_rule_versions")),
    )
    op.execute("INSERT INTO contest_rule_versions (contest_id, number, rules, applies_from, "
               "made_by, made_at) SELECT id, 1, rules, NULL, created_by, created_at "
               "FROM contests")
    # In place, never by rebuilding a table (as 0011 explains).
    op.add_column("contest_scores", sa.Column("by_version", sa.JSON, nullable=True))
    op.add_column("contest_scores", sa.Column("last_debrief_at", sa.DateTime(timezone=True),
                                              nullable=True))
    op.execute(
        "UPDATE contest_scores SET last_debrief_at = (SELECT max(d.created_at) "
        "FROM debriefs d, contests c WHERE c.id = contest_scores.contest_id "
        "AND d.rep_id = contest_scores.rep_id AND d.created_at >= c.starts_at "
        "AND d.created_at < c.ends_at AND NOT d.deleted)")
    op.add_column("contests", sa.Column("beacon_url", sa.String(300), nullable=True))
    op.add_column("contests", sa.Column("beacon_round", sa.BigInteger, nullable=True))
    op.add_column("contest_draws", sa.Column("beacon_randomness", sa.String(1024),
                                             nullable=True))


def downgrade() -> None:
    for table, column in (("contest_scores", "last_debrief_at"),
                          ("contest_draws", "beacon_randomness"),
                          ("contests", "beacon_round"), ("contests", "beacon_url"),
                          ("contest_scores", "by_version")):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    op.drop_table("contest_rule_versions")
