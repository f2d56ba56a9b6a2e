"""Signing in: password check, rate limits per account and per address, a new token.

Failures are counted in the database, not in memory, so that every server process
behind a load balancer enforces the same limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

import sqlalchemy as sa

from sync.domain.clock import as_utc
from sync.server import accounts, tokens
from sync.server.accounts import User
from sync.server.database import serialize
from sync.server.passwords import Passwords
from sync.server.tables import sign_in_failures


@dataclass(frozen=True)
class SignInLimits:
    per_account: int = 5
    per_address: int = 100  # an office behind one address shares this
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


def sign_in(engine: sa.Engine, *, username: str, password: str, address: str,
            now: datetime, passwords: Passwords, limits: SignInLimits) -> SignedIn:
    """Check a password and hand out a token, in three steps so that the slow argon2
    check holds no database lock: (1) count recent failures and record this attempt
    as one, (2) check the password, (3) on success forget the account's failures and
    issue a token. Counting and recording happen under a lock per account and address,
    so guesses sent at once cannot slip past the limit."""
    account = accounts.normalize_username(username)[:64]
    address = address[:64]
    with engine.begin() as connection:
        serialize(connection, f"account:{account}", f"address:{address}")
        prune_failures(connection, now, limits)
        _check_limits(connection, account, address, now, limits)
        attempt = connection.execute(sign_in_failures.insert().values(
            account=account, address=address, failed_at=now, pending=True).returning(
            sign_in_failures.c.id)).scalar_one()
        user = accounts.find_user(connection, account)
        stored = accounts.password_hash(connection, user.id) if user else None
    if user is None or stored is None:
        passwords.verify_nobody(password)
        _failed(engine, attempt, "wrong username or password")
    if not passwords.verify(stored, password):
        _failed(engine, attempt, "wrong username or password")
    if user.disabled:
        _failed(engine, attempt, "this account is disabled; ask your admin")
    new_hash = passwords.hash(password) if passwords.needs_rehash(stored) else None
    with engine.begin() as connection:
        connection.execute(sign_in_failures.delete().where(
            sign_in_failures.c.account == account))
        if new_hash is not None:
            accounts.set_password_hash(connection, user.id, new_hash)
        token = tokens.issue(connection, user.id, now, limits.token_lifetime)
    return SignedIn(user, token, now + limits.token_lifetime)


def _failed(engine: sa.Engine, attempt: int, reason: str) -> NoReturn:
    """The attempt failed: it now counts against the address too."""
    with engine.begin() as connection:
        connection.execute(sign_in_failures.update().where(
            sign_in_failures.c.id == attempt).values(pending=False))
    raise SignInRefused(reason)


def prune_failures(connection: sa.Connection, now: datetime, limits: SignInLimits) -> int:
    """Forget failures older than the window: they no longer count, and without this
    the table would keep every failure ever made."""
    return connection.execute(sign_in_failures.delete().where(
        sign_in_failures.c.failed_at < now - limits.window)).rowcount


def _check_limits(connection: sa.Connection, account: str, address: str, now: datetime,
                  limits: SignInLimits) -> None:
    since = now - limits.window
    checks = ((sign_in_failures.c.account == account, limits.per_account),
              (sa.and_(sign_in_failures.c.address == address,
                       sign_in_failures.c.pending.is_(False)), limits.per_address))
    for condition, limit in checks:
        times = connection.execute(
            sa.select(sign_in_failures.c.failed_at)
            .where(condition, sign_in_failures.c.failed_at >= since)
            .order_by(sign_in_failures.c.failed_at.desc()).limit(limit)).scalars().all()
        if len(times) >= limit:
            oldest_counted = as_utc(times[-1])
            wait = (oldest_counted + limits.window - now).total_seconds()
            raise TooManyAttempts(max(1, math.ceil(wait)))

