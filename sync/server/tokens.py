"""Sign-in tokens: 32 random bytes, url-safe; the store keeps only their SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from sync.domain.clock import as_utc
from sync.server.accounts import User, load_user
from sync.server.tables import tokens

TOKEN_BYTES = 32


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(connection: sa.Connection, user_id: int, now: datetime, lifetime: timedelta) -> str:
    """A new token for `user_id`; the caller hands it to the user and forgets it."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    connection.execute(tokens.insert().values(
        token_hash=hash_token(token), user_id=user_id, created_at=now,
        expires_at=now + lifetime))
    return token


def user_for(connection: sa.Connection, token: str, now: datetime) -> User | None:
    """The enabled user a live token belongs to, or None (unknown, expired, revoked)."""
    row = connection.execute(sa.select(tokens.c.user_id, tokens.c.expires_at).where(
        tokens.c.token_hash == hash_token(token), tokens.c.revoked_at.is_(None))).first()
    if row is None or as_utc(row.expires_at) <= now:
        return None
    user = load_user(connection, row.user_id)
    return None if user is None or user.disabled else user


def revoke(connection: sa.Connection, token: str, now: datetime) -> None:
    connection.execute(tokens.update().where(
        tokens.c.token_hash == hash_token(token), tokens.c.revoked_at.is_(None)).values(
        revoked_at=now))
