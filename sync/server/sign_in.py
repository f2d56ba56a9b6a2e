"""Signing in: password check, rate limits per account and per address, a new token.

Failures are counted in the database, not in memory, so that every server process
behind a load balancer enforces the same limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from sync.domain.clock import as_utc
from sync.server import accounts, tokens
from sync.server.accounts import User
from sync.server.passwords import Passwords
from sync.server.tables import sign_in_failures


@dataclass(frozen=True)
class SignInLimits:
    per_account: int = 5
    per_address: int = 30
    window: timedelta = timedelta(minutes=15)
    token_lifetime: timedelta = timedelta(days=30)


@dataclass(frozen=True)
class SignedIn:
    user: User
    token: str
    expires_at: datetime


class SignInRefused(Exception):
    """Wrong username or password (deliberately not saying which), or a disabled user."""


class TooManyAttempts(Exception):
    def __init__(self, retry_after_s: int):
        super().__init__(f"too many failed sign-ins; try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s


def sign_in(connection: sa.Connection, *, username: str, password: str, address: str,
            now: datetime, passwords: Passwords, limits: SignInLimits) -> SignedIn:
    account = accounts.normalize_username(username)[:64]
    address = address[:64]
    _check_limits(connection, account, address, now, limits)
    user = accounts.find_user(connection, account)
    if user is None:
        passwords.verify_nobody(password)
        ok = False
    else:
        stored = accounts.password_hash(connection, user.id)
        ok = passwords.verify(stored, password)
        if ok and passwords.needs_rehash(stored):
            accounts.set_password_hash(connection, user.id, passwords.hash(password))
    if not ok:
        connection.execute(sign_in_failures.insert().values(
            account=account, address=address, failed_at=now))
        raise SignInRefused("wrong username or password")
    assert user is not None
    if user.disabled:
        raise SignInRefused("this account is disabled; ask your admin")
    connection.execute(sign_in_failures.delete().where(
        sign_in_failures.c.account == account))
    token = tokens.issue(connection, user.id, now, limits.token_lifetime)
    return SignedIn(user, token, now + limits.token_lifetime)


def prune_failures(connection: sa.Connection, now: datetime, limits: SignInLimits) -> int:
    """Forget failures older than the window (they no longer count)."""
    return connection.execute(sign_in_failures.delete().where(
        sign_in_failures.c.failed_at < now - limits.window)).rowcount


def _check_limits(connection: sa.Connection, account: str, address: str, now: datetime,
                  limits: SignInLimits) -> None:
    since = now - limits.window
    for column, value, limit in ((sign_in_failures.c.account, account, limits.per_account),
                                 (sign_in_failures.c.address, address, limits.per_address)):
        times = connection.execute(
            sa.select(sign_in_failures.c.failed_at)
            .where(column == value, sign_in_failures.c.failed_at >= since)
            .order_by(sign_in_failures.c.failed_at.desc()).limit(limit)).scalars().all()
        if len(times) >= limit:
            oldest_counted = as_utc(times[-1])
            wait = (oldest_counted + limits.window - now).total_seconds()
            raise TooManyAttempts(max(1, math.ceil(wait)))

