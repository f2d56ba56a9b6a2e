"""Contests: who may see and run them, and the standings, scored on the server with the
same rules the app previews with (sync.domain.scoring)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from sync.domain import draw, leaderboard
from sync.domain.clock import as_utc
from sync.domain.scoring import MAX_CONTEST_DAYS, ContestRules, RulesError
from sync.domain.validation import EARLIEST_DATE
from sync.server import scores
from sync.server.accounts import AccountError, User
from sync.server.tables import contests, teams

NAME_MAX, PRIZE_MAX = 120, 200
MAX_WINNERS = 100
# How far ahead a contest may end: planned, not dated in year 9999 by a slip.
CONTEST_HORIZON_YEARS = 10


@dataclass(frozen=True)
class Contest:
    id: int
    team_id: int
    team: str
    name: str
    prize: str
    starts_at: datetime
    ends_at: datetime
    rules: ContestRules
    winners: int  # how many the draw picks
    commitment: str  # the SHA-256 of the draw's secret seed, in hex (docs/draw.md)
    committed_at: datetime | None  # when the commitment was published

    def is_running(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at

    def has_ended(self, now: datetime) -> bool:
        return now >= self.ends_at


@dataclass(frozen=True)
class Standing:
    rank: int
    user_id: int
    username: str
    display_name: str
    entries: int
    debriefs: int
    last_activity: datetime | None  # when the rep last logged a debrief


def visible_to(user: User) -> sa.ColumnElement[bool]:
    """Which contests `user` may see: their team's, the teams they manage, or all."""
    if user.role == "admin":
        return sa.true()
    if user.role == "manager":
        return contests.c.team_id.in_(sorted(user.managed_team_ids | {user.team_id or -1}))
    if user.role == "rep" and user.team_id is not None:
        return contests.c.team_id == user.team_id
    return sa.false()


def add_contest(connection: sa.Connection, *, by: User, team_id: int, name: str, prize: str,
                starts_at: datetime, ends_at: datetime, rules: dict[str, Any] | None,
                now: datetime, winners: int = 1) -> Contest:
    name, prize = name.strip(), prize.strip()
    if not name or len(name) > NAME_MAX:
        raise AccountError("name", f"give the contest a name of 1 to {NAME_MAX} characters")
    if not prize or len(prize) > PRIZE_MAX:
        raise AccountError("prize", f"say what the prize is, in 1 to {PRIZE_MAX} characters")
    starts_at, ends_at = as_utc(starts_at), as_utc(ends_at)  # SQLite keeps no offset
    if ends_at <= starts_at:
        raise AccountError("ends_at", "a contest ends after it starts")
    if ends_at - starts_at > timedelta(days=MAX_CONTEST_DAYS):
        raise AccountError("ends_at", f"a contest lasts at most {MAX_CONTEST_DAYS:,} days")
    # Where debriefs can be: none is dated before 2000 (and a period near year 1 or 9999
    # would not read back in every time zone).
    if starts_at < EARLIEST_DATE:
        raise AccountError("starts_at", "a contest starts in 2000 or later")
    if ends_at <= now:
        # The draw's commitment must come before its entries are all known.
        raise AccountError("ends_at", "a contest ends in the future")
    if ends_at > now + timedelta(days=366 * CONTEST_HORIZON_YEARS):
        raise AccountError("ends_at", f"a contest ends within {CONTEST_HORIZON_YEARS} years "
                                      "from now")
    if not 1 <= winners <= MAX_WINNERS:
        raise AccountError("winners", f"a draw picks 1 to {MAX_WINNERS} winners")
    try:
        parsed = ContestRules.from_dict(rules) if rules is not None else ContestRules()
    except (RulesError, TypeError) as error:
        rule = getattr(error, "rule", None)
        raise AccountError(f"rules.{rule}" if rule else "rules", str(error)) from None
    seed = secrets.token_bytes(draw.SEED_BYTES)
    contest_id = connection.execute(contests.insert().values(
        team_id=team_id, name=name, prize=prize, starts_at=starts_at, ends_at=ends_at,
        rules=parsed.to_dict(), created_by=by.id, created_at=now, winners=winners,
        seed=seed.hex(), commitment=draw.commitment(seed), committed_at=now
    ).returning(contests.c.id)
    ).scalar_one()
    scores.rescore_contest(connection, contest_id)
    contest = find(connection, contest_id, by)
    assert contest is not None
    return contest


def _query() -> sa.Select[Any]:
    return sa.select(contests, teams.c.name.label("team")).join(
        teams, teams.c.id == contests.c.team_id)


def _contest(row: Any) -> Contest:
    return Contest(row.id, row.team_id, row.team, row.name, row.prize, as_utc(row.starts_at),
                   as_utc(row.ends_at), ContestRules.from_dict(row.rules), row.winners,
                   row.commitment, as_utc(row.committed_at) if row.committed_at else None)


def find(connection: sa.Connection, contest_id: int, user: User | None) -> Contest | None:
    """The contest, if it exists and `user` may see it (None either way otherwise; no
    user: the server's operator, at its command line, who sees every contest)."""
    row = connection.execute(_query().where(
        contests.c.id == contest_id, visible_to(user) if user else sa.true())).first()
    return _contest(row) if row else None


def listed(connection: sa.Connection, user: User | None, after: int | None,
           limit: int) -> tuple[list[Contest], int | None]:
    query = _query().where(visible_to(user) if user else sa.true())
    if after is not None:
        query = query.where(contests.c.id < after)
    rows = connection.execute(query.order_by(contests.c.id.desc()).limit(limit + 1)).all()
    page = [_contest(row) for row in rows[:limit]]
    return page, (page[-1].id if len(rows) > limit else None)


def standings(connection: sa.Connection, contest: Contest) -> list[Standing]:
    """Every rep of the contest's team with their entries, best first (ties share a
    rank and are listed by name)."""
    ordered = sorted(scores.read(connection, contest.id, contest.team_id),
                     key=lambda scored: (-scored[1], scored[0].username))
    shared = leaderboard.ranks([entries for _, entries, _ in ordered])
    return [Standing(rank, member.id, member.username, member.display_name, entries, count,
                     as_utc(member.last_activity) if member.last_activity else None)
            for rank, (member, entries, count) in zip(shared, ordered, strict=True)]
