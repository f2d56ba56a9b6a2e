"""Teams and users: what the admin CLI manages and what a token resolves to."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from sync.server import passwords as password_rules
from sync.server.database import serialize
from sync.server.passwords import Passwords
from sync.server.tables import ROLES, managed_teams, teams, tokens, users

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
TEAM_NAME_MAX = 80
DISPLAY_NAME_MAX = 120
# Two admins adding the same name at once: the second waits, then finds it taken,
# instead of failing on the unique index with a traceback.
_ACCOUNTS_LOCK = "accounts"


class AccountError(ValueError):
    """A request the admin can fix: names the field (a dotted path for a part of one,
    "rules.cap") and says what is wrong."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Team:
    id: int
    name: str


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: str
    team_id: int | None
    disabled: bool
    managed_team_ids: frozenset[int] = frozenset()

    def may_manage(self, team_id: int | None) -> bool:
        return self.role == "admin" or (self.role == "manager"
                                        and team_id in self.managed_team_ids)


def normalize_username(username: str) -> str:
    return username.strip().lower()


def add_team(connection: sa.Connection, name: str, now: datetime) -> Team:
    name = name.strip()
    if not name or len(name) > TEAM_NAME_MAX:
        raise AccountError("name", f"give the team a name of 1 to {TEAM_NAME_MAX} characters")
    serialize(connection, _ACCOUNTS_LOCK)
    same = connection.execute(sa.select(teams.c.name).where(
        sa.func.lower(teams.c.name) == name.lower())).scalar()
    if same is not None:  # "Alpha" and "alpha" would be one team to everyone reading
        raise AccountError("name", f"a team called {same!r} already exists")
    team_id = connection.execute(
        teams.insert().values(name=name, created_at=now).returning(teams.c.id)).scalar_one()
    return Team(team_id, name)


def list_teams(connection: sa.Connection) -> list[Team]:
    rows = connection.execute(sa.select(teams.c.id, teams.c.name).order_by(teams.c.name))
    return [Team(row.id, row.name) for row in rows]


def add_user(connection: sa.Connection, *, username: str, password: str, role: str,
             now: datetime, passwords: Passwords, display_name: str | None = None,
             team: str | None = None, manages: Sequence[str] = ()) -> User:
    """Add a user. A rep needs a team; a manager names the teams they manage."""
    username = normalize_username(username)
    if not USERNAME.fullmatch(username):
        raise AccountError("username", "use 2 to 64 lowercase letters, digits, '.', '_' "
                                       "or '-', starting with a letter or digit")
    if role not in ROLES:
        raise AccountError("role", f"choose one of: {', '.join(ROLES)}")
    if (problem := password_rules.password_problem(password)) is not None:
        raise AccountError("password", problem)
    shown_name = (display_name or "").strip() or username
    if len(shown_name) > DISPLAY_NAME_MAX:
        raise AccountError("display_name", f"use at most {DISPLAY_NAME_MAX} characters")
    if role == "rep" and not team:
        raise AccountError("team", "a rep belongs to a team: name it with --team")
    if role == "manager" and not manages:
        raise AccountError("manages", "a manager manages at least one team: --manages TEAM")
    if role != "manager" and manages:
        raise AccountError("manages", f"only a manager manages teams, not a {role}")
    serialize(connection, _ACCOUNTS_LOCK)
    if find_user(connection, username) is not None:
        raise AccountError("username", f"{username!r} is taken")
    team_id = _existing_team_id(connection, "team", team) if team else None
    managed = [_existing_team_id(connection, "manages", name) for name in manages]
    user_id = connection.execute(users.insert().values(
        username=username, display_name=shown_name, role=role,
        team_id=team_id, password_hash=passwords.hash(password), disabled=False,
        created_at=now).returning(users.c.id)).scalar_one()
    if managed:
        connection.execute(managed_teams.insert(),
                           [{"user_id": user_id, "team_id": t} for t in dict.fromkeys(managed)])
    user = load_user(connection, user_id)
    assert user is not None
    return user


def find_user(connection: sa.Connection, username: str) -> User | None:
    return _user_where(connection, users.c.username == normalize_username(username))


def load_user(connection: sa.Connection, user_id: int) -> User | None:
    return _user_where(connection, users.c.id == user_id)


def _user_where(connection: sa.Connection, condition: sa.ColumnElement[bool]) -> User | None:
    row = connection.execute(sa.select(users).where(condition)).first()
    if row is None:
        return None
    managed = connection.execute(sa.select(managed_teams.c.team_id).where(
        managed_teams.c.user_id == row.id)).scalars()
    return User(row.id, row.username, row.display_name, row.role, row.team_id,
                bool(row.disabled), frozenset(managed))


def list_users(connection: sa.Connection) -> list[tuple[User, str | None]]:
    """Every user with their team's name, by username."""
    rows = connection.execute(sa.select(users.c.id, teams.c.name).select_from(
        users.outerjoin(teams, users.c.team_id == teams.c.id)).order_by(users.c.username))
    listed = []
    for row in rows.all():
        user = load_user(connection, row.id)
        assert user is not None
        listed.append((user, row.name))
    return listed


def password_hash(connection: sa.Connection, user_id: int) -> str:
    return connection.execute(sa.select(users.c.password_hash).where(
        users.c.id == user_id)).scalar_one()


def set_password_hash(connection: sa.Connection, user_id: int, new_hash: str) -> None:
    connection.execute(users.update().where(users.c.id == user_id).values(
        password_hash=new_hash))


def disable_user(connection: sa.Connection, username: str, now: datetime) -> User:
    """Disable a user and revoke every token they hold."""
    user = _existing_user(connection, username)
    connection.execute(users.update().where(users.c.id == user.id).values(disabled=True))
    revoke_tokens(connection, user.id, now)
    return load_user(connection, user.id)  # type: ignore[return-value]


def revoke_tokens(connection: sa.Connection, user_id: int, now: datetime) -> int:
    """Revoke every live token of a user; how many there were."""
    return connection.execute(tokens.update().where(
        tokens.c.user_id == user_id, tokens.c.revoked_at.is_(None),
        tokens.c.expires_at > now).values(revoked_at=now)).rowcount


def revoke_user_tokens(connection: sa.Connection, username: str, now: datetime) -> int:
    return revoke_tokens(connection, _existing_user(connection, username).id, now)


def team_names(connection: sa.Connection, team_ids: Iterable[int]) -> list[str]:
    ids = list(team_ids)
    if not ids:
        return []
    return list(connection.execute(sa.select(teams.c.name).where(
        teams.c.id.in_(ids)).order_by(teams.c.name)).scalars())


def find_team_id(connection: sa.Connection, name: str) -> int | None:
    return connection.execute(sa.select(teams.c.id).where(
        teams.c.name == name.strip())).scalar()


def _existing_team_id(connection: sa.Connection, field: str, name: str) -> int:
    team_id = find_team_id(connection, name)
    if team_id is None:
        raise AccountError(field, f"there is no team called {name!r} "
                                  "(add it with `debrief-server team add`)")
    return team_id


def _existing_user(connection: sa.Connection, username: str) -> User:
    user = find_user(connection, username)
    if user is None:
        raise AccountError("username", f"there is no user {normalize_username(username)!r}")
    return user
