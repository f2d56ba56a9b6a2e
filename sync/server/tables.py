"""The central store's tables, as SQLAlchemy Core metadata (Alembic migrates them).

Ids of debriefs are the client-made time-ordered UUIDs, so new rows land at the end
of the primary key index. Reasons live in their own table, one row per reason, which
is what the aggregates count.
"""

from __future__ import annotations

import sqlalchemy as sa

from sync.domain import roles

# Constraint names are fixed, so migrations can name what they alter on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

ROLES = roles.ROLES

teams = sa.Table(
    "teams", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(80), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

users = sa.Table(
    "users", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("display_name", sa.String(120), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), nullable=True),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('rep', 'manager', 'marketing', 'admin')", name="role"),
)

# A manager manages one or more teams.
managed_teams = sa.Table(
    "managed_teams", metadata,
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id", ondelete="CASCADE"),
              primary_key=True),
)

# Only the SHA-256 of a token is kept; the token itself is shown once, to its owner.
tokens = sa.Table(
    "tokens", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
)

# Failed sign-ins, kept in the database so that every server process sees the same count.
sign_in_failures = sa.Table(
    "sign_in_failures", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("account", sa.String(64), nullable=False),
    sa.Column("address", sa.String(64), nullable=False),
    sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
    # True while the password check runs: counts against the account (so parallel
    # guesses cannot slip past its limit) but not yet against the address.
    sa.Column("pending", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_sign_in_failures_account_at", "account", "failed_at"),
    sa.Index("ix_sign_in_failures_address_at", "address", "failed_at"),
)

debriefs = sa.Table(
    "debriefs", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("rep_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("outcome", sa.String(16), nullable=True),
    sa.Column("stage", sa.String(16), nullable=True),
    sa.Column("industry", sa.String(64), nullable=True),
    sa.Column("company_size", sa.String(64), nullable=True),
    sa.Column("region", sa.String(64), nullable=True),
    sa.Column("reasons_unknown", sa.Boolean, nullable=False),
    sa.Column("competitor", sa.String(200), nullable=True),
    # Kept as the exact decimal text the rep typed: SQLite has no exact decimal type.
    sa.Column("deal_value", sa.String(32), nullable=True),
    sa.Column("currency", sa.String(3), nullable=True),
    sa.Column("crm_ref", sa.String(200), nullable=True),
    sa.Column("quote", sa.Text, nullable=True),  # only ever a quote the rep chose to share
    sa.Column("share_quote", sa.Boolean, nullable=False),
    # The lead facts (sync.domain.debrief); the failed criteria and the collateral as
    # JSON text (None for none), the play only when the rep shared it.
    sa.Column("lead_source", sa.String(64), nullable=True),
    sa.Column("sales_ready", sa.String(8), nullable=True),
    sa.Column("failed_criteria", sa.Text, nullable=True),
    sa.Column("collateral", sa.Text, nullable=True),
    sa.Column("play", sa.Text, nullable=True),
    sa.Column("share_play", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    # The push that last wrote the row, numbered per rep (ingest._write): the
    # change feed a rep's other machines pull from. 0 for rows from before the feed.
    sa.Column("change_seq", sa.BigInteger, nullable=False, server_default="0"),
    # The rep's team when the debrief was last stored: marketing's "team" dimension.
    sa.Column("team_id", sa.Integer, nullable=True),
    sa.Index("ix_debriefs_rep_id_id", "rep_id", "id"),  # pull: a rep's own, by id
    sa.Index("ix_debriefs_rep_id_change_seq_id", "rep_id", "change_seq", "id"),  # feed
    sa.Index("ix_debriefs_rep_id_created_at", "rep_id", "created_at"),  # contests
    sa.Index("ix_debriefs_created_at", "created_at"),  # insights over a period
    sa.Index("ix_debriefs_received_at", "received_at"),  # months changed since (BI)
    sa.Index("ix_debriefs_crm_ref_created_at", "crm_ref", "created_at"),  # a deal's latest
    # Collateral and criteria counts over a period read only the debriefs listing any.
    *(sa.Index(f"ix_debriefs_listing_{name}", "created_at",
               sqlite_where=sa.text(f"{name} IS NOT NULL"),
               postgresql_where=sa.text(f"{name} IS NOT NULL"))
      for name in ("collateral", "failed_criteria")),
)

debrief_reasons = sa.Table(
    "debrief_reasons", metadata,
    sa.Column("debrief_id", sa.String(36), sa.ForeignKey("debriefs.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("position", sa.SmallInteger, primary_key=True),
    sa.Column("code", sa.String(64), nullable=False),
    sa.Column("detail", sa.String(64), nullable=True),
    sa.Column("evidence", sa.String(16), nullable=False),
    sa.Column("is_primary", sa.Boolean, nullable=False),
    # The rep's few words, for a code that asks for them ("Other"); null otherwise.
    sa.Column("words", sa.String(200), nullable=True),
    sa.Index("ix_debrief_reasons_code", "code"),
)

# What marketing's insights read: per dimension (see sync.server.rollups), UTC month,
# outcome and value ('' for "not given"), the number of debriefs (code '') and
# of debriefs naming each code (is_primary: as their main reason), with the lowest and
# highest rep id among them. Kept on every push, in the same transaction, so it never
# disagrees with the debriefs.
reason_rollup = sa.Table(
    "reason_rollup", metadata,
    sa.Column("dimension", sa.String(16), primary_key=True),
    sa.Column("month", sa.Date, primary_key=True),
    sa.Column("outcome", sa.String(16), primary_key=True),
    sa.Column("value", sa.String(200), primary_key=True),
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("is_primary", sa.Boolean, primary_key=True),
    sa.Column("debriefs", sa.Integer, nullable=False),
    sa.Column("rep_lo", sa.Integer, nullable=True),  # null only inside a push
    sa.Column("rep_hi", sa.Integer, nullable=True),
)

# A version per cell (UTC month and outcome) of reason_rollup: a push gives each cell it
# changes a new one, and a rebuild every cell, so what was published from a cell's
# rollup rows is kept while its version holds (sync/server/published.py). Versions are
# random, never given twice.
rollup_cells = sa.Table(
    "rollup_cells", metadata,
    sa.Column("month", sa.Date, primary_key=True),
    sa.Column("outcome", sa.String(16), primary_key=True),
    sa.Column("version", sa.BigInteger, nullable=False),
)

# A contest runs for one team over a period; its rules are the scoring data (JSON).
# Every version of the reason taxonomy the store has used, oldest first: the newest is
# what apps are handed and insights count by (sync.server.taxonomy_versions).
taxonomy_versions = sa.Table(
    "taxonomy_versions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version", sa.String(40), nullable=False, unique=True),
    sa.Column("document", sa.Text, nullable=False),  # the JSON document
    sa.Column("change", sa.Text, nullable=False),  # JSON: what made it from the one before
    sa.Column("made_by", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
    sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
)

# What marketing will do about an insight (sync.domain.actions): its owner, due date and
# status, and the measure it should move with the baseline months it is compared with.
# The measure and the baseline never change; `revision` goes up with every edit, so an
# edit made from an older one is refused rather than undoing another's.
actions = sa.Table(
    "actions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("owner", sa.String(80), nullable=False),
    sa.Column("due", sa.Date, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("code", sa.String(64), nullable=True),
    sa.Column("dimension", sa.String(16), nullable=True),
    sa.Column("value", sa.String(200), nullable=True),
    sa.Column("direction", sa.String(8), nullable=False),
    sa.Column("baseline_from", sa.Date, nullable=False),  # the first day of each month
    sa.Column("baseline_to", sa.Date, nullable=False),
    sa.Column("made_in", sa.Date, nullable=False),  # the first day of the month made in
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("made_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("changed_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'doing', 'done', 'dropped')", name="status"),
    sa.CheckConstraint("kind IN ('reason', 'outcome', 'win_rate')", name="kind"),
    sa.CheckConstraint("direction IN ('up', 'down')", name="direction"),
)

contests = sa.Table(
    "contests", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), nullable=False, index=True),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("prize", sa.String(200), nullable=False),
    sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("rules", sa.JSON, nullable=False),
    sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # The draw (docs/draw.md): how many win, the secret seed (hex; never shown before
    # the draw) and its SHA-256, published from the start.
    sa.Column("winners", sa.Integer, nullable=False, server_default="1"),
    sa.Column("seed", sa.String(64), nullable=False, server_default=""),
    sa.Column("commitment", sa.String(64), nullable=False, server_default=""),
    # When the commitment was published: a contest committed only after its end (one
    # made before migration 0011 that had ended) is never drawn.
    sa.Column("committed_at", sa.DateTime(timezone=True), nullable=True),
    # The public randomness beacon (drand) round named at creation, mixed into the draw
    # (sync.server.beacon); null: drawn from the seed alone.
    sa.Column("beacon_url", sa.String(300), nullable=True),
    sa.Column("beacon_round", sa.BigInteger, nullable=True),
)

# Every version of a contest's rules: version 1 from its start (`contests.rules` until it
# starts); each change once it has started is a new version from the moment it was made.
# `contests.rules` is the newest.
contest_rule_versions = sa.Table(
    "contest_rule_versions", metadata,
    sa.Column("contest_id", sa.Integer, sa.ForeignKey("contests.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True),
    sa.Column("rules", sa.JSON, nullable=False),
    sa.Column("applies_from", sa.DateTime(timezone=True), nullable=True),  # null: the start
    sa.Column("made_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
)

# A contest's ledger, frozen when it has ended (the first push, look or draw after its
# end), and the winners drawn from it, once.
contest_draws = sa.Table(
    "contest_draws", metadata,
    sa.Column("contest_id", sa.Integer, sa.ForeignKey("contests.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("ledger", sa.Text, nullable=False),  # sync.domain.draw.Ledger.text()
    sa.Column("ledger_sha256", sa.String(64), nullable=False),
    sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("winners", sa.JSON, nullable=True),  # rep ids, first place first
    sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("drawn_by", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
    sa.Column("beacon_randomness", sa.String(1024), nullable=True),  # hex, as drand gave it
)

# Voids and their undoing, in a contest, kept for good: a debrief is voided while its
# latest row says so. Each row names who did it, when, and why (the rep reads it).
contest_voids = sa.Table(
    "contest_voids", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("contest_id", sa.Integer, sa.ForeignKey("contests.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("debrief_id", sa.String(36), nullable=False),
    sa.Column("rep_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("voided", sa.Boolean, nullable=False),  # False: a void undone
    sa.Column("reason", sa.String(500), nullable=False),
    sa.Column("by_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_contest_voids_contest_id_debrief_id", "contest_id", "debrief_id"),
    sa.Index("ix_contest_voids_rep_id", "rep_id"),
)

# Each member's entries in a contest, kept on every push by that member (and computed
# for the whole team when the contest is made), so standings are one indexed read.
contest_scores = sa.Table(
    "contest_scores", metadata,
    sa.Column("contest_id", sa.Integer, sa.ForeignKey("contests.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("rep_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("entries", sa.Integer, nullable=False),
    sa.Column("debriefs", sa.Integer, nullable=False),
    # Entries by version of the rules, {"1": 40, "2": 12}; null: all by version 1.
    sa.Column("by_version", sa.JSON, nullable=True),
    # When the member last made a debrief in the contest's period (null: none yet).
    sa.Column("last_debrief_at", sa.DateTime(timezone=True), nullable=True),
)
