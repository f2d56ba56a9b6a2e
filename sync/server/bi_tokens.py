"""Read-only tokens for BI tools (Excel or Power BI Power Query): each belongs to an
account of its own, role marketing (so it reads aggregates and nothing else), that no
one can sign in to (its password is random and never shown). Revoke it with
`debrief-server token revoke NAME`, or disable the account."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from sync.server import accounts, tokens
from sync.server.passwords import Passwords

BI_TOKEN_LIFETIME = timedelta(days=365)


def add(connection: sa.Connection, name: str, now: datetime, passwords: Passwords) -> str:
    """A new token for the BI tool `name`, its account made on first use; the token is
    shown once, to the admin, and only its SHA-256 is kept."""
    user = accounts.find_user(connection, name)
    if user is None:
        user = accounts.add_user(connection, username=name, password=secrets.token_urlsafe(30),
                                 role="marketing", display_name=f"BI tool {name}", now=now,
                                 passwords=passwords)
    elif user.role != "marketing" or not user.display_name.startswith("BI tool "):
        raise accounts.AccountError("name", f"{name!r} is a person's account: choose "
                                            "another name for the BI tool")
    return tokens.issue(connection, user.id, now, BI_TOKEN_LIFETIME)
