"""The first schema: teams, users, tokens, sign-in failures, debriefs and their reasons.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failures")),
    )
    with op.batch_alter_table("sign_in_failures", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sign_in_failures_account_at", ["account", "failed_at"], unique=False
        )
        batch_op.create_index(
            "ix_sign_in_failures_address_at", ["address", "failed_at"], unique=False
        )

    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("name", name=op.f("uq_teams_name")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('rep', 'manager', 'marketing', 'admin')", name=op.f("ck_users_role")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_users_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "debriefs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("stage", sa.String(length=16), nullable=True),
        sa.Column("industry", sa.String(length=64), nullable=True),
        sa.Column("company_size", sa.String(length=64), nullable=True),
        sa.Column("region", sa.String(length=64), nullable=True),
        sa.Column("reasons_unknown", sa.Boolean(), nullable=False),
        sa.Column("competitor", sa.String(length=200), nullable=True),
        sa.Column("deal_value", sa.String(length=32), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("crm_ref", sa.String(length=200), nullable=True),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("share_quote", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["rep_id"], ["users.id"], name=op.f("fk_debriefs_rep_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_debriefs")),
    )
    with op.batch_alter_table("debriefs", schema=None) as batch_op:
        batch_op.create_index("ix_debriefs_rep_id_id", ["rep_id", "id"], unique=False)

    op.create_table(
        "managed_teams",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_managed_teams_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_managed_teams_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "team_id", name=op.f("pk_managed_teams")),
    )
    op.create_table(
        "tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_tokens")),
    )
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "debrief_reasons",
        sa.Column("debrief_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.String(length=64), nullable=True),
        sa.Column("evidence", sa.String(length=16), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["debrief_id"],
            ["debriefs.id"],
            name=op.f("fk_debrief_reasons_debrief_id_debriefs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("debrief_id", "position", name=op.f("pk_debrief_reasons")),
    )
    with op.batch_alter_table("debrief_reasons", schema=None) as batch_op:
        batch_op.create_index("ix_debrief_reasons_code", ["code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("debrief_reasons", schema=None) as batch_op:
        batch_op.drop_index("ix_debrief_reasons_code")

    op.drop_table("debrief_reasons")
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tokens_user_id"))

    op.drop_table("tokens")
    op.drop_table("managed_teams")
    with op.batch_alter_table("debriefs", schema=None) as batch_op:
        batch_op.drop_index("ix_debriefs_rep_id_id")

    op.drop_table("debriefs")
    op.drop_table("users")
    op.drop_table("teams")
    with op.batch_alter_table("sign_in_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_in_failures_address_at")
        batch_op.drop_index("ix_sign_in_failures_account_at")

    op.drop_table("sign_in_failures")
